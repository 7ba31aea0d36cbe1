"""Finding and loading content files: routines and the clinic profile.

The file's name says what it holds, so authors never write a ``kind:`` line:
``clinic.yaml`` (or ``*.clinic.yaml``) is a clinic profile, ``*.batch.yaml`` a
class or clinic batch manifest, and every other ``*.yaml`` in a content folder
is a routine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import HandoutsError, Problem, display_path, unexpected
from .filekind import file_kind
from .images import image_problem, total_problem
from .models import Clinic, Routine
from .validation import validate
from .located import Located

YAML_SUFFIXES = (".yaml", ".yml")


def kind_of(path: Path) -> str:
    """'layout', 'clinic', 'batch' or 'routine', from the file name alone."""
    if path.parent.name == "layouts":
        return "layout"
    name = path.name.lower()
    stem = name.rsplit(".", 1)[0]
    if stem == "clinic" or stem.endswith(".clinic"):
        return "clinic"
    if stem.endswith(".batch"):
        return "batch"
    return "routine"


@dataclass(frozen=True)
class RoutineDoc:
    """A validated routine plus where it came from (relative image paths need it)."""

    routine: Routine
    path: Path
    located: Located

    @property
    def id(self) -> str:
        return self.routine.id


@dataclass
class ContentSet:
    routines: list[RoutineDoc] = field(default_factory=list)
    clinic: Clinic | None = None
    clinic_path: Path | None = None

    def by_id(self) -> dict[str, RoutineDoc]:
        return {doc.id: doc for doc in self.routines}


MAX_FOLDER_FILES = 2_000
"""YAML files read from one folder given on the command line: a clinic's content folder holds
tens; a home folder given by mistake would otherwise be parsed file by file."""


def _kind(path: Path) -> str:
    try:
        return file_kind(path.stat().st_mode)
    except OSError:
        return "a link to nothing"


def yaml_files(paths: list[Path]) -> list[Path]:
    """Expand files and folders into YAML files; a missing path is an error."""
    files: list[Path] = []
    problems: list[Problem] = []
    for p in paths:
        if not p.exists():
            problems.append(Problem(display_path(p), None, "", "path does not exist"))
        elif p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in YAML_SUFFIXES)
            if len(found) > MAX_FOLDER_FILES:
                problems.append(Problem(display_path(p), None, "",
                                        f"holds {len(found):,} YAML files; at most {MAX_FOLDER_FILES:,} are read "
                                        "from one folder (name the files, or split the folder)"))
                continue
            for f in found:
                kind = _kind(f)
                if kind == "a file":
                    files.append(f)
                elif kind != "a folder":  # a folder named x.yaml is only a folder
                    problems.append(Problem(display_path(f), None, "",
                                            f"is {kind}, not a regular file; name a file saved by an editor"))
        else:
            files.append(p)
    if problems:
        raise HandoutsError(problems)
    return files


def image_refs(data: object, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """(location, path) of every picture a routine or clinic file names (``illustration.image``, ``logo``)."""
    found: list[tuple[tuple, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "illustration" and isinstance(value, dict) and isinstance(value.get("image"), str):
                found.append((loc + (key, "image"), value["image"]))
            elif key == "logo" and not loc and isinstance(value, str):
                found.append(((key,), value))
            found += image_refs(value, loc + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += image_refs(value, loc + (i,))
    return found


def _check_images(located: Located, refs: list[tuple[tuple, str]]) -> None:
    problems = [located.problem(loc, msg) for loc, ref in refs if (msg := image_problem(located.path, ref))]
    if not problems:
        too_much = total_problem(located.path, [ref for _, ref in refs])
        if too_much:
            loc = next(loc for loc, ref in refs if ref == too_much[0])
            problems.append(located.problem(loc, too_much[1]))
    if problems:
        raise HandoutsError(problems)


def load_routine(path: Path) -> RoutineDoc:
    """A validated routine whose pictures exist and can be read."""
    from .yamlio import load_yaml

    located = load_yaml(path)
    routine = validate(located, Routine)
    _check_images(located, image_refs(located.data))
    return RoutineDoc(routine=routine, path=path, located=located)


def load_clinic(path: Path) -> Clinic:
    from .yamlio import load_yaml

    located = load_yaml(path)
    clinic = validate(located, Clinic)
    if clinic.logo:
        _check_images(located, [(("logo",), clinic.logo)])
    return clinic


def _guess_id(path: Path) -> str:
    """The id a broken routine file was meant to have: its ``id:`` if readable, else the file name."""
    try:
        from .yamlio import load_yaml

        data = load_yaml(path).data
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            return data["id"].strip()
    except Exception:  # noqa: BLE001 - the file's own problem is reported separately
        pass
    return path.stem


def routines_by_id(folder: Path, wanted: set[str], translations: bool = True,
                   ) -> tuple[dict[str, RoutineDoc], dict[str, list[Problem]], list[Path]]:
    """Routines by id, the problems of broken routine files by (guessed) id, and the clinic files.

    Files named after a wanted id are read first; the rest of the folder only when
    an id is still missing, so a clinic's large content folder does not slow every
    build of one routine. Ids given twice are found among the files read."""
    files = [f for f in yaml_files([folder]) if kind_of(f) in ("routine", "clinic")]
    clinics = [f for f in files if kind_of(f) == "clinic"]
    routine_files = [f for f in files if kind_of(f) == "routine"]
    first = [f for f in routine_files if f.stem in wanted]
    rest = [f for f in routine_files if f.stem not in wanted]
    docs: dict[str, RoutineDoc] = {}
    broken: dict[str, list[Problem]] = {}

    def load(batch_files: list[Path]) -> None:
        for f in batch_files:
            try:
                doc = load_routine(f)
            except HandoutsError as exc:
                broken.setdefault(_guess_id(f), []).extend(exc.problems)
                continue
            except Exception as exc:  # noqa: BLE001 - one odd file fails only its own routine
                broken.setdefault(_guess_id(f), []).append(unexpected(f, exc))
                continue
            if doc.id in docs:
                other = docs[doc.id]
                broken.setdefault(doc.id, []).append(doc.located.problem(
                    ("id",), f"routine id '{doc.id}' is already used by {display_path(other.path)}; ids must be unique"))
            else:
                docs[doc.id] = doc

    load(first)
    if not wanted <= set(docs) | set(broken):
        load(rest)
    if translations:  # a translation built alone is held to its original, as `validate` holds it
        from .translations import translation_problems

        for rid in [rid for rid in docs if rid in wanted]:
            if found := translation_problems([docs[rid]]):
                broken.setdefault(rid, []).extend(found)
                del docs[rid]
    return docs, broken, clinics


def load_content(paths: list[Path], require_routines: bool = True) -> ContentSet:
    """Load every content file under ``paths``, reporting the problems of all files together."""
    files = [f for f in yaml_files(paths) if kind_of(f) != "layout"]
    content = ContentSet()
    problems: list[Problem] = []
    first_seen: dict[str, RoutineDoc] = {}
    for f in files:
        kind = kind_of(f)
        try:
            if kind == "routine":
                doc = load_routine(f)
                if doc.id in first_seen:
                    other = first_seen[doc.id]
                    problems.append(
                        doc.located.problem(
                            ("id",), f"routine id '{doc.id}' is already used by {display_path(other.path)}; ids must be unique"
                        )
                    )
                    continue
                first_seen[doc.id] = doc
                content.routines.append(doc)
            elif kind == "clinic":
                clinic = load_clinic(f)
                if content.clinic_path is not None:
                    problems.append(Problem(display_path(f), None, "", f"a second clinic profile; "
                                            f"{display_path(content.clinic_path)} is already used, keep one"))
                    continue
                content.clinic = clinic
                content.clinic_path = f
        except HandoutsError as exc:
            problems.extend(exc.problems)
        except Exception as exc:  # noqa: BLE001 - one odd file must not hide the others' problems
            problems.append(unexpected(f, exc))
    if not problems:
        from .translations import translation_problems

        problems.extend(translation_problems(content.routines))
    if problems:
        raise HandoutsError(problems)
    # Naming only a clinic file is fine (it is checked on its own); a folder
    # without a single routine is a mistake worth saying.
    searched_folder = any(p.is_dir() for p in paths) or not files
    if require_routines and not content.routines and searched_folder:
        where = ", ".join(display_path(p) for p in paths)
        raise HandoutsError(Problem(where, None, "", "no routines found (expected routine .yaml files)"))
    return content
