"""Loading layouts: ``extends:`` chains, deep merge, then validation.

Each merged value remembers the file and line it came from, so an error in a
value inherited from ``handout-base.yaml`` names that file, not the child.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from .errors import HandoutsError, Problem, display_path, unexpected
from .layout_models import Layout
from .located import Loc, Located, format_loc
from .validation import problems_from

NOT_INHERITED = ("abstract", "extends", "description")


def shipped_layouts() -> Path:
    """The layouts that come with handouts, inside the installed package."""
    return Path(str(resources.files("handouts") / "data" / "layouts"))


class LayoutChoice(ValueError):
    """A layout that cannot build what was asked; the caller says where it was asked for."""


@dataclass
class Origin:
    located: Located
    loc: Loc


def _merge(base: Any, over: Any, origins: dict[Loc, Origin], over_doc: Located, loc: Loc = ()) -> Any:
    """Deep-merge mappings; anything else (lists included) is replaced by the child."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base.get(key), value, origins, over_doc, loc + (key,))
        return out
    _claim(over, origins, over_doc, loc)
    return over


def _claim(value: Any, origins: dict[Loc, Origin], doc: Located, loc: Loc) -> None:
    """Record that ``loc`` and everything under it now comes from ``doc``."""
    for k in [k for k in origins if k[: len(loc)] == loc]:
        del origins[k]
    origins[loc] = Origin(doc, loc)
    if isinstance(value, dict):
        for key, sub in value.items():
            _claim(sub, origins, doc, loc + (key,))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            _claim(sub, origins, doc, loc + (i,))


class LayoutLibrary:
    """The shipped layouts, with a clinic's own layouts folder on top; resolved on demand and kept.

    A name is looked up in the clinic's folder first, so a clinic may replace a
    shipped layout or add its own; an ``extends:`` is looked up the same way,
    from the extending file's folder on, so a clinic's layout extends a shipped
    one by name (and a clinic's ``handout-a4`` may extend the shipped one)."""

    def __init__(self, own: Path | None = None, shipped: Path | None = None):
        self.own = own
        self.shipped = shipped if shipped is not None else shipped_layouts()
        self._cache: dict[str, Layout] = {}

    @property
    def folders(self) -> list[Path]:
        return [f for f in (self.own, self.shipped) if f is not None]

    def _files(self, folder: Path) -> dict[str, Path]:
        if not folder.is_dir():
            raise HandoutsError(Problem(display_path(folder), None, "", "layouts folder does not exist"))
        return {p.stem: p for p in sorted(folder.glob("*.yaml")) if p.is_file()}

    def path_of(self, name: str) -> Path | None:
        """The file a layout name stands for, or None when no folder has it."""
        for folder in self.folders:
            found = self._files(folder).get(name)
            if found is not None:
                return found
        return None

    def names(self) -> list[str]:
        return sorted({name for folder in self.folders for name in self._files(folder)})

    def origin(self, name: str) -> str:
        """'shipped', or 'own' for a layout from the clinic's folder."""
        path = self.path_of(name)
        return "own" if path is not None and self.own is not None and path.parent == self.own else "shipped"

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, kind, description) of every buildable layout; a handout layout drawn as a
        clinic sheet is listed as a sheet (it builds with the handouts)."""
        out = []
        for name in self.names():
            layout = self.get(name)
            if not layout.abstract:
                out.append((name, _sort_of(layout), layout.description))
        return out

    def buildable(self, kind: str) -> list[str]:
        """Layouts that build ``kind`` documents: 'handout', 'card', 'sheet' for the handout
        layouts drawn as clinic sheets, or 'bilingual' for those printing a routine with its
        translation (which only a request naming a second language builds)."""
        return [n for n in self.names() if not self.get(n).abstract and _sort_of(self.get(n)) == kind]

    def get(self, name_or_path: str | Path) -> Layout:
        """A layout by name (``handout-a4``) or by file path."""
        path: Path | None = Path(name_or_path)
        if path.suffix in (".yaml", ".yml"):
            key = str(path.resolve())
        else:
            key = str(name_or_path)
            path = self.path_of(key)
            if path is None:
                known = ", ".join(self.names())
                raise HandoutsError(Problem("--layout", None, "", f"unknown layout '{key}'; known layouts: {known}"))
        if key not in self._cache:
            self._cache[key] = self._resolve(path)
        return self._cache[key]

    def choose(self, name: str, kind: str) -> tuple[str, Layout]:
        """(label, layout) for a layout asked for to build ``kind`` documents.

        The one check that a layout can build what is asked: it exists, is not
        abstract, and is of that kind. The message names no place; the caller
        puts it where the name was given (an option, a manifest line). A layout
        given by file path is labelled by its file's stem in output names."""
        by_path = Path(name).suffix in (".yaml", ".yml")
        label = Path(name).stem if by_path else name
        # A file is named as given: its stem may be no layout's name in any folder.
        who = f"layout file {display_path(name)}" if by_path else f"layout '{label}'"

        def choices() -> str:  # resolving every layout costs time: only for a message
            return ", ".join(self.buildable(kind)) or "none"

        if not by_path and self.path_of(name) is None:
            raise LayoutChoice(f"unknown layout '{name}'; {kind} layouts: {choices()}")
        if by_path and not Path(name).is_file():
            raise LayoutChoice(f"{who} does not exist; {kind} layouts: {choices()}")
        layout = self.get(name)
        if layout.abstract or layout.kind != kind:
            what = "abstract (a base for other layouts)" if layout.abstract else f"a {layout.kind} layout"
            raise LayoutChoice(f"{who} is {what}; {kind} layouts: {choices()}")
        return label, layout

    def _parent(self, child: Path, name: str) -> Path:
        """Where ``extends: name`` in ``child`` points: the child's folder, then every
        library folder after it; a file never extends itself."""
        folders = [child.parent] + [f for f in self.folders if f.resolve() != child.parent.resolve()]
        if child.parent.resolve() in [f.resolve() for f in self.folders]:
            here = [f.resolve() for f in self.folders].index(child.parent.resolve())
            folders = self.folders[here:]
        for folder in folders:
            candidate = folder / f"{name}.yaml"
            if candidate.resolve() != child.resolve() and candidate.is_file():
                return candidate
        return child.parent / f"{name}.yaml"

    def _chain(self, path: Path) -> list[Located]:
        """The file and its ancestors, root first; cycles and missing parents are errors."""
        from .yamlio import load_yaml

        chain: list[Located] = []
        seen: list[Path] = []
        current: Path | None = path
        child: Located | None = None
        while current is not None:
            resolved = current.resolve()
            if resolved in seen:
                # Name the cycle the same way whichever member we started from,
                # so validating every file of a folder reports it once.
                start = seen.index(resolved)
                ring = list(zip(seen[start:], chain[start:]))
                first = min(range(len(ring)), key=lambda i: str(ring[i][0]))
                ring = ring[first:] + ring[:first]
                names = " -> ".join(p.stem for p, _ in ring + ring[:1])
                raise HandoutsError(ring[0][1].problem(("extends",), f"layouts extend each other in a cycle: {names}"))
            if not current.exists():
                assert child is not None
                raise HandoutsError(
                    child.problem(("extends",), f"parent layout '{current.stem}' not found (looked for {display_path(current)})")
                )
            seen.append(resolved)
            doc = load_yaml(current)
            if not isinstance(doc.data, dict):
                lines = "'key: value' lines (extends:, page:, styles:, ...)"
                what = f"the file is empty; it should hold {lines}" if doc.data is None else f"should hold {lines}, not a list"
                if doc.data is not None and not isinstance(doc.data, list):
                    what = f"should hold {lines}, not a single value"
                raise HandoutsError(doc.problem((), what))
            chain.append(doc)
            parent = doc.data.get("extends")
            if parent is None:
                current = None
            elif not isinstance(parent, str) or not parent.strip():
                raise HandoutsError(doc.problem(("extends",), "should name one parent layout, e.g. handout-base"))
            else:
                current = self._parent(current, parent.strip())
            child = doc
        return list(reversed(chain))

    def _resolve(self, path: Path, files: list[Path] | None = None) -> Layout:
        chain = self._chain(path)
        if files is not None:
            files.extend(doc.path for doc in chain)
        origins: dict[Loc, Origin] = {}
        merged: Any = {}
        for i, doc in enumerate(chain):
            data = dict(doc.data)
            if i < len(chain) - 1:
                for key in NOT_INHERITED:
                    data.pop(key, None)
            data.pop("extends", None)
            merged = _merge(merged, data, origins, doc)
        leaf = chain[-1]

        def locate(loc: Loc, message: str) -> Problem:
            probe = tuple(loc)
            while probe not in origins and probe:
                probe = probe[:-1]
            origin = origins.get(probe)
            doc = origin.located if origin else leaf
            return Problem(doc.name, doc.line_of(loc), format_loc(loc), message)

        try:
            layout = Layout.model_validate(merged)
        except ValidationError as exc:
            merged_doc = Located(path=leaf.path, data=merged)
            problems = problems_from(exc, merged_doc, Layout, locate=locate)
            refs = _references_despite(merged, exc)
            raise HandoutsError(_sorted(problems + [locate(loc, msg) for loc, msg in _one_per_place(refs)])) from None
        refs = layout.reference_problems()
        if refs:
            raise HandoutsError(_sorted([locate(loc, msg) for loc, msg in _one_per_place(refs)]))
        return layout


def _one_per_place(refs: list[tuple[tuple, str]]) -> list[tuple[tuple, str]]:
    """A name that points nowhere is reported once, not again by every check that follows it."""
    first: dict[tuple, str] = {}
    for loc, msg in refs:
        first.setdefault(tuple(loc), msg)
    return list(first.items())


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))


# Every name check depends on these; when they fail, name checks would only mislead.
_NAME_CHECK_BASIS = {"kind", "styles"}


def _references_despite(merged: dict, exc: ValidationError) -> list[tuple[tuple, str]]:
    """Name checks (unknown styles, missing safety section...) even when other fields failed,
    so a bad margin and an unknown style name are reported in the same run.

    The checks run on every top-level part that is valid on its own; what
    they say about a part that failed is dropped (that part has its own
    problem already), and when styles or kind failed they are not run at all."""
    failed = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
    if not failed or failed & _NAME_CHECK_BASIS:
        return []
    parts: dict[str, Any] = {}
    for name, value in merged.items():
        if name in Layout.model_fields and name not in failed:
            try:
                field = Layout.model_fields[name]  # with its metadata: a Length parses "9pt", a count keeps its bounds
                kind = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
                parts[name] = TypeAdapter(kind).validate_python(value)
            except ValidationError:
                failed.add(name)
    try:
        refs = Layout.model_construct(**parts).reference_problems()
    except Exception:  # noqa: BLE001 - a partial layout the checks cannot read: report the rest
        return []
    return [(loc, msg) for loc, msg in refs if not loc or str(loc[0]) not in failed]


def load_layouts_from(files: list[Path]) -> list[Layout]:
    """Validate each layout file (with its chain); report the problems of all files."""
    problems: list[Problem] = []
    out = []
    libraries: dict[Path, LayoutLibrary] = {}
    for f in files:
        lib = libraries.setdefault(f.parent.resolve(), LayoutLibrary(f.parent))
        try:
            out.append(lib.get(f))
        except HandoutsError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
        except Exception as exc:  # noqa: BLE001 - one odd file must not hide the others' problems
            problems.append(unexpected(f, exc))
    if problems:
        raise HandoutsError(problems)
    return out


def _sort_of(layout: Layout) -> str:
    """What a layout builds, as 'handouts list' shows it."""
    if layout.kind == "handout" and getattr(layout, "bilingual", None) is not None:
        return "bilingual"
    return "sheet" if layout.kind == "handout" and layout.sheet is not None else layout.kind
