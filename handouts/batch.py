"""Class and clinic batches: one personalised handout per student, routine and layout.

Three stages, like a single build: *load* (manifest, roster, routines, layouts,
clinic — problems of the batch as a whole stop everything before any file is
touched), *plan* (one item per output file, each with a content digest and the
problems that stop it; a bad row or routine fails only its own items), *run*
(a process pool renders what is out of date; every write is atomic and a state
file beside the outputs remembers what was built from what, so an unchanged
rerun renders nothing).
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sys
import time
import unicodedata
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .batch_state import STATE_NAME, Shard, State, Summary, inputs_record, parse_shard, quick_rerun, sha, tool_fingerprint  # noqa: F401 - STATE_NAME, parse_shard re-exported
from .batch_models import BatchManifest, Roster, RosterRow, _field_name, load_manifest, pattern_fields, read_roster
from .content import RoutineDoc, kind_of, load_clinic, load_routine, yaml_files
from .errors import HandoutsError, Problem, display_path, unexpected
from .layout_models import Layout
from .layouts import LayoutLibrary
from .models import Clinic, Personalisation
from .write import write_atomic
from .yamlio import Located, load_yaml

NAME_LIMIT = 60
"""Characters of a student's name kept in a file name; long names are cut, never the routine or layout."""
FILE_BYTES_LIMIT = 240
"""File names stay below the 255-byte limit of common file systems, with room for the atomic-write suffix."""
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


# --------------------------------------------------------------------------- file names


def safe_stem(text: str, fallback: str) -> str:
    """A file-name-safe version of a person's name: letters and digits of any script
    kept, everything else (separators, dots, quotes, emoji) turned into '-'."""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or (cat[0] == "M" and out and out[-1] != "-"):
            out.append(ch)
        else:
            out.append("-")
    stem = re.sub(r"-{2,}", "-", "".join(out)).strip("-").lower()
    stem = unicodedata.normalize("NFC", stem)[:NAME_LIMIT].rstrip("-")
    return stem or fallback


def _fits(name: str) -> bool:
    return len(name.encode("utf-8")) <= FILE_BYTES_LIMIT


def _not_reserved(name: str) -> str:
    head, dot, rest = name.partition(".")
    return f"{head}_{dot}{rest}" if head.lower() in WINDOWS_RESERVED else name


def file_name(pattern: str, stem: str, routine: str, layout: str, row: int) -> str:
    """Fill the pattern; a long name is shortened until the file name fits."""
    while True:
        name = _not_reserved(pattern.format(name=stem, routine=routine, layout=layout, row=f"{row:03d}"))
        if _fits(name) or len(stem) <= 1:
            return name
        stem = stem[: max(1, len(stem) - 8)].rstrip("-") or stem[:1]


# --------------------------------------------------------------------------- digests


def _images(data: object, base: Path) -> list[tuple[str, Path]]:
    """(path as written, file) of every image a routine or clinic file names."""
    if isinstance(data, dict):
        return [ref for key, value in data.items()
                for ref in ([(value, base.parent / value)] if key in ("image", "logo") and isinstance(value, str)
                            else _images(value, base))]
    if isinstance(data, list):
        return [ref for value in data for ref in _images(value, base)]
    return []


def _file_refs(data: object, base: Path) -> list[tuple[str, str]]:
    """(relative path, digest of the bytes) of every image a routine or clinic file names."""
    return [(value, hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() else "missing")
            for value, target in _images(data, base)]


def _model_digest(model, source: Path | None = None) -> str:
    dumped = model.model_dump(mode="json")
    return sha(dumped, _file_refs(dumped, source) if source is not None else [])


# --------------------------------------------------------------------------- loading


@dataclass
class Batch:
    """Everything a batch is made of, loaded and checked as a whole."""

    path: Path
    located: Located
    manifest: BatchManifest
    roster: Roster
    out_dir: Path
    library: LayoutLibrary
    handout_layouts: dict[str, Layout]
    routines: dict[str, RoutineDoc]
    broken: dict[str, list[Problem]]
    clinic: Clinic | None
    clinic_path: Path | None
    card_layouts: dict[str, Layout] = field(default_factory=dict)


def _guess_id(path: Path) -> str:
    """The id a broken routine file was meant to have: its ``id:`` if readable, else the file name."""
    try:
        data = load_yaml(path).data
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            return data["id"].strip()
    except Exception:  # noqa: BLE001 - the file's own problem is reported separately
        pass
    return path.stem


def _load_routines(folder: Path, wanted: set[str]) -> tuple[dict[str, RoutineDoc], dict[str, list[Problem]], list[Path]]:
    """Routines by id, broken routines by (guessed) id, and clinic files.

    Files named after a wanted id are read first; the rest of the folder only when
    an id is still missing, so a large content folder does not slow every batch."""
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
    return docs, broken, clinics


def load_batch(path: Path) -> Batch:
    """Read and check the manifest and everything it names; any problem here stops the batch."""
    from .text import glyph_problems

    located = load_yaml(path)
    manifest = load_manifest(located)
    problems: list[Problem] = []
    base = path.parent

    def where(loc: tuple, message: str) -> None:
        problems.append(located.problem(loc, message))

    fields = pattern_fields(manifest.file_name)
    if "name" not in fields and "row" not in fields:
        where(("file_name",), "needs {name} or {row}, so each student gets their own file")
    if len(manifest.routines) > 1 and "routine" not in fields:
        where(("file_name",), "needs {routine}: the batch has more than one routine")
    if len(manifest.handouts) > 1 and "layout" not in fields:
        where(("file_name",), "needs {layout}: the batch has more than one handout layout")
    for i, rid in enumerate(manifest.routines):
        if rid in manifest.routines[:i]:
            where(("routines", i), f"'{rid}' is listed twice")
    if not manifest.handouts and manifest.cards is None:
        where(("handouts",), "is empty and there are no cards: the batch would build nothing")
    problems += glyph_problems({k: getattr(manifest, k) for k in ("date", "clinician", "note") if getattr(manifest, k)},
                               located.name, located.line_of)

    # layouts
    layouts_dir = base / manifest.layouts if manifest.layouts else None
    if layouts_dir is not None and not layouts_dir.is_dir():
        where(("layouts",), f"folder {display_path(layouts_dir)} does not exist")
        layouts_dir = None
    library = LayoutLibrary(layouts_dir) if layouts_dir is not None else LayoutLibrary()
    handout_layouts: dict[str, Layout] = {}
    for i, name in enumerate(manifest.handouts):
        layout = _layout(library, name, "handout", ("handouts", i), where, problems)
        if layout is not None:
            handout_layouts[name] = layout
    card_layouts: dict[str, Layout] = {}
    if manifest.cards is not None:
        card_layouts = _card_layouts(library, manifest, where, problems)

    # roster
    roster_path = base / manifest.roster
    roster = None
    try:
        roster = read_roster(roster_path, list(manifest.routines))
    except HandoutsError as exc:
        problems.extend(exc.problems)

    # routines (and their translations the roster asks for)
    content_dir = base / manifest.content
    docs: dict[str, RoutineDoc] = {}
    broken: dict[str, list[Problem]] = {}
    clinic_files: list[Path] = []
    if not content_dir.is_dir():
        where(("content",), f"folder {display_path(content_dir)} does not exist")
    else:
        languages = {row.student.language for row in (roster.rows if roster else []) if row.student and row.student.language}
        wanted = set(manifest.routines) | {variant_id(r, lang) for r in manifest.routines for lang in languages}
        docs, broken, clinic_files = _load_routines(content_dir, wanted)
        for i, rid in enumerate(manifest.routines):
            if rid not in docs and rid not in broken:
                known = ", ".join(sorted(docs)) or "none"
                where(("routines", i), f"no routine with id '{rid}' in {display_path(content_dir)}; known ids: {known}")

    # clinic
    clinic: Clinic | None = None
    clinic_path: Path | None = None
    if manifest.clinic is not None:
        clinic_path = base / manifest.clinic
        if not clinic_path.is_file():
            where(("clinic",), f"clinic profile {display_path(clinic_path)} does not exist")
            clinic_path = None
    elif len(clinic_files) > 1:
        where(("clinic",), "the content folder holds several clinic profiles ("
              + ", ".join(display_path(f) for f in clinic_files) + "); name one with clinic:")
    elif clinic_files:
        clinic_path = clinic_files[0]
    if clinic_path is not None:
        try:
            clinic = load_clinic(clinic_path)
            problems += glyph_problems(clinic.model_dump(exclude_none=True), display_path(clinic_path))
        except HandoutsError as exc:
            problems.extend(exc.problems)

    if problems:
        raise HandoutsError(sorted(dict.fromkeys(problems), key=lambda p: (p.file, p.line or 0)))
    assert roster is not None
    return Batch(path=path, located=located, manifest=manifest, roster=roster, out_dir=base / manifest.out,
                 library=library, handout_layouts=handout_layouts, routines=docs, broken=broken,
                 clinic=clinic, clinic_path=clinic_path, card_layouts=card_layouts)


def _layout(library: LayoutLibrary, name: str, kind: str, loc: tuple, where, problems: list[Problem]) -> Layout | None:
    try:
        exists = library.path_of(name).is_file()
        if not exists:
            where(loc, f"unknown layout '{name}'; {kind} layouts: {', '.join(library.buildable(kind)) or 'none'}")
            return None
        layout = library.get(name)
    except HandoutsError as exc:
        problems.extend(exc.problems)
        return None
    if layout.abstract or layout.kind != kind:
        what = "abstract (a base for other layouts)" if layout.abstract else f"a {layout.kind} layout"
        where(loc, f"layout '{name}' is {what}; {kind} layouts: {', '.join(library.buildable(kind)) or 'none'}")
        return None
    return layout


def _card_layouts(library: LayoutLibrary, manifest: BatchManifest, where, problems: list[Problem]) -> dict[str, Layout]:
    """The card layouts, checked against the sheet: a card that does not fit stops the batch."""
    from .cards import card_imposition
    from .render.sheet import check_options

    cards = manifest.cards
    assert cards is not None
    found: dict[str, Layout] = {}
    for i, name in enumerate(cards.layouts):
        layout = _layout(library, name, "card", ("cards", "layouts", i), where, problems)
        if layout is not None:
            found[name] = layout
    try:
        check_options(cards.sheet, cards.bleed, cards.flip)
    except HandoutsError as exc:
        for p in exc.problems:
            option = p.file.lstrip("-") if p.file in ("--sheet", "--bleed", "--flip") else "sheet"
            where(("cards", option), p.message.replace("leave --bleed out", "set bleed: 0"))
        return found
    for i, (name, layout) in enumerate(found.items()):
        try:
            card_imposition(layout, cards.sheet, cards.bleed, cards.flip, name)
        except HandoutsError as exc:
            for p in exc.problems:
                where(("cards", "layouts", cards.layouts.index(name)), p.message)
    return found


def variant_id(routine_id: str, language: str) -> str:
    """The id of a routine's translation: ``partner-neck`` in ``es`` is ``partner-neck-es``."""
    return f"{routine_id}-{language.lower()}"


def check_manifest(path: Path) -> list[Problem]:
    """Every problem of a manifest, its roster and its rows (for ``handouts validate``)."""
    try:
        batch = load_batch(path)
    except HandoutsError as exc:
        return exc.problems
    problems: list[Problem] = []
    for item in plan(batch):
        problems.extend(p for p in item.problems if p not in problems)
    return problems


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class Item:
    """One output file and what it is made from."""

    name: str
    kind: str  # 'handout', 'sheet', or 'row': a row that has no files of its own but has problems
    row: int | None = None
    line: int | None = None
    student: str = ""
    routine: str = ""
    layout: str = ""
    personal: Personalisation | None = None
    copies: int = 1
    cards: tuple[tuple[str, int], ...] = ()
    digest: str = ""
    problems: tuple[Problem, ...] = ()


def _row_problems(roster: Roster, row: RosterRow) -> list[Problem]:
    from .text import glyph_problems

    if row.student is None:
        return list(row.problems)
    data = row.student.model_dump(exclude_none=True, exclude={"copies", "language"})
    found = glyph_problems(data, display_path(roster.path), lambda loc: row.line)
    return [Problem(p.file, p.line, _field_name(p.field), p.message) for p in found]


def _note(dosage: str | None, note: str | None) -> str | None:
    if dosage:
        return f"Your dosage: {dosage}" + (f"\n{note}" if note else "")
    return note


def _routine_for(batch: Batch, rid: str, row: RosterRow, roster_name: str,
                 checked: dict[str, list[Problem]]) -> tuple[str, list[Problem]]:
    """The routine a student reads (the routine itself, or its translation into their
    language) and the problems that stop it; a routine's own problems are found once."""
    from .text import glyph_problems

    key = rid
    language = row.student.language if row.student else None
    if language and rid in batch.routines:
        own = batch.routines[rid].routine.language
        if own.split("-")[0] != language.split("-")[0]:
            key = variant_id(rid, language)
            if key not in batch.routines and key not in batch.broken:
                return key, [Problem(roster_name, row.line, "language",
                                     f"no '{language}' version of routine '{rid}'; add a routine with id '{key}' "
                                     f"and language: {language}, or leave the cell empty")]
    if key not in checked:
        if key in batch.broken:
            checked[key] = list(batch.broken[key])
        else:
            doc = batch.routines[key]
            checked[key] = glyph_problems(doc.located.data, doc.located.name, doc.located.line_of)
    return key, checked[key]


def plan(batch: Batch, tool: str | None = None) -> list[Item]:
    """Every output file of the batch, in roster order, then the card sheets.

    File names come from the whole roster (not one shard), so every shard agrees on
    them; a name that would collide (two "Sam Lee" rows) gets "-2", "-3" in roster order."""
    tool = tool if tool is not None else tool_fingerprint()
    m = batch.manifest
    roster_name = display_path(batch.roster.path)
    clinic_digest = _model_digest(batch.clinic, batch.clinic_path) if batch.clinic else None
    layout_digest = {n: _model_digest(l) for n, l in batch.handout_layouts.items()}
    routine_digest = {k: _model_digest(d.routine, d.path) for k, d in batch.routines.items()}
    checked: dict[str, list[Problem]] = {}
    used: set[str] = {(m.combined_file).casefold()}
    sheets: list[Item] = []
    if m.cards is not None:
        for lname in m.cards.layouts:
            sheet_name = m.cards.file_name.format(layout=lname, sheet=m.cards.sheet)
            used.add(sheet_name.casefold())
            sheets.append(Item(name=sheet_name, kind="sheet", layout=lname))
    items: list[Item] = []
    card_counts: dict[str, int] = {}
    for row in batch.roster.rows:
        row_problems = _row_problems(batch.roster, row)
        stem0 = safe_stem(row.cells.get("name", ""), f"row-{row.index + 1:03d}")
        k = 1
        while True:
            stem = stem0 if k == 1 else f"{stem0}-{k}"
            names = [file_name(m.file_name, stem, rid, lname, row.index + 1) for rid in m.routines for lname in m.handouts]
            if not any(n.casefold() in used for n in names) and len({n.casefold() for n in names}) == len(names):
                break
            k += 1
        used.update(n.casefold() for n in names)
        student = row.student
        names_iter = iter(names)
        unreported: list[Problem] = []  # a cards-only batch has no handout items to carry a row's problems
        for rid in m.routines:
            key, rproblems = _routine_for(batch, rid, row, roster_name, checked)
            problems = list(row_problems) + rproblems
            personal = None
            if student is not None and not problems:
                try:
                    personal = Personalisation(
                        for_name=student.name,
                        date=student.date or m.date,
                        clinician=student.clinician or m.clinician,
                        note=_note(student.dosages.get(rid) or student.dosage, student.note or m.note),
                    )
                except Exception as exc:  # noqa: BLE001 - reported against the row
                    problems.append(Problem(roster_name, row.line, "", f"cannot be used ({exc})"))
            if student is not None and not problems:
                card_counts[key] = card_counts.get(key, 0) + student.copies
            if not m.handouts:
                unreported.extend(problems)
            for lname in m.handouts:
                name = next(names_iter)
                digest = "" if problems else sha(tool, routine_digest[key], layout_digest[lname], clinic_digest,
                                                  personal.model_dump(mode="json"), name)
                items.append(Item(name=name, kind="handout", row=row.index, line=row.line, student=row.label,
                                  routine=key, layout=lname, personal=personal,
                                  copies=student.copies if student else 1, digest=digest,
                                  problems=tuple(dict.fromkeys(problems))))
        if unreported:
            items.append(Item(name=f"row {row.index + 1} ({row.label})", kind="row", row=row.index, line=row.line,
                              student=row.label, problems=tuple(dict.fromkeys(unreported))))
    cards = tuple((key, card_counts[key]) for key in sorted(card_counts, key=_routine_order(m.routines))
                  if card_counts[key] > 0)
    if sheets and cards:
        assert m.cards is not None
        for sheet in sheets:
            digest = sha(tool, "sheet", _model_digest(batch.card_layouts[sheet.layout]), m.cards.sheet,
                          m.cards.bleed, m.cards.flip, clinic_digest, [(k, routine_digest[k], n) for k, n in cards], sheet.name)
            items.append(Item(name=sheet.name, kind="sheet", layout=sheet.layout, cards=cards, digest=digest))
    return items


def _routine_order(routines: list[str]):
    def key(routine_key: str) -> tuple[int, str]:
        for i, rid in enumerate(routines):
            if routine_key == rid or routine_key.startswith(rid + "-"):
                return (i, routine_key)
        return (len(routines), routine_key)

    return key


def select(items: list[Item], shard: Shard) -> list[Item]:
    """This shard's items: rows by index modulo N; the class card sheets go with shard 0."""
    return [i for i in items if (i.row is not None and shard.owns(i.row)) or (i.row is None and shard.index == 0)]


PART_FILE = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]+\.part$")


def clean_stale_parts(out_dir: Path, owned: Iterable[str]) -> list[Path]:
    """Remove temporary files a killed run left behind, for outputs this run owns only
    (another shard writing to the same folder keeps its in-flight files)."""
    if not out_dir.is_dir():
        return []
    owned_set = set(owned)
    removed = []
    for f in out_dir.glob(".*.part"):
        m = PART_FILE.match(f.name)
        if m and m.group("name") in owned_set:
            try:
                f.unlink()
                removed.append(f)
            except OSError:
                pass
    return removed


# --------------------------------------------------------------------------- workers


@dataclass(frozen=True)
class WorkerContext:
    """What every worker loads once: routines, layouts, clinic; pickled into each process."""

    out_dir: Path
    routines: dict[str, tuple[object, Path]]
    layouts: dict[str, Layout]
    clinic: Clinic | None
    clinic_path: Path | None
    card_layouts: dict[str, Layout] = field(default_factory=dict)
    cards: object | None = None  # the manifest's CardSheets


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    size: int = 0
    mtime_ns: int = 0
    peak_rss_kb: int = 0


_CONTEXT: WorkerContext | None = None


def init_worker(context: WorkerContext, in_pool: bool = True) -> None:
    """Pool initializer: load fonts and keep the context; Ctrl-C is the parent's to handle."""
    global _CONTEXT
    if in_pool:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .fonts import register_all
    from .render import handout  # noqa: F401 - import once, not on the first item

    register_all()
    _CONTEXT = context


def _peak_rss_kb() -> int:
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak / 1024) if sys.platform == "darwin" else int(peak)
    except (ImportError, OSError):
        return 0


def build_item(item: Item) -> Result:
    """Render and write one item; any failure is returned, never raised, so one item cannot stop the pool."""
    ctx = _CONTEXT
    assert ctx is not None, "init_worker was not called"
    start = time.perf_counter()
    try:
        if item.kind == "sheet":
            pdf = _render_sheet(ctx, item)
        else:
            from .render.handout import HandoutInput, render_handout

            routine, base_file = ctx.routines[item.routine]
            data = HandoutInput(routine, ctx.layouts[item.layout], item.layout, item.personal, ctx.clinic,
                                base_file=base_file, clinic_file=ctx.clinic_path)
            pdf = render_handout(data)
        path = ctx.out_dir / item.name
        write_atomic(path, pdf)
        st = path.stat()
        return Result(item.name, True, (), time.perf_counter() - start, st.st_size, st.st_mtime_ns, _peak_rss_kb())
    except HandoutsError as exc:
        return Result(item.name, False, tuple(exc.problems), time.perf_counter() - start, peak_rss_kb=_peak_rss_kb())
    except Exception as exc:  # noqa: BLE001 - reported against the item, the batch goes on
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        where = f"row {item.row + 1}" if item.row is not None else "card sheet"
        problem = Problem(item.name, None, "", f"could not be built ({where}; {type(exc).__name__}"
                          f"{': ' + detail if detail else ''}); please report this")
        return Result(item.name, False, (problem,), time.perf_counter() - start, peak_rss_kb=_peak_rss_kb())


def _render_sheet(ctx: WorkerContext, item: Item) -> bytes:
    from .cards import render_sheet_for_many

    cards = ctx.cards
    routines = [(ctx.routines[key][0], copies) for key, copies in item.cards]
    return render_sheet_for_many(routines, ctx.card_layouts[item.layout], ctx.clinic, cards.sheet,
                                 bleed=cards.bleed, flip=cards.flip, layout_name=item.layout)


# --------------------------------------------------------------------------- running


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_batch(manifest: Path, jobs: int = 0, force: bool = False, shard: Shard = Shard(), combined: bool = False,
              reporter=None) -> Summary:
    """Build a batch: plan, skip what is up to date, render the rest in parallel, report."""
    from .progress import make_reporter

    started = time.perf_counter()
    if not force:
        unchanged = quick_rerun(manifest, shard, combined, reporter)
        if unchanged is not None:
            return unchanged
    batch = load_batch(manifest)
    tool = tool_fingerprint()
    items = select(plan(batch, tool), shard)
    reporter = reporter or make_reporter()
    out_dir = batch.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    state = State(out_dir, shard)
    combined_name = _combined_name(batch.manifest.combined_file, shard)
    summary = Summary(total=len(items))
    summary.removed_parts = len(clean_stale_parts(out_dir, [i.name for i in items] + [combined_name, state.path.name]))

    todo: list[Item] = []
    failed_now: list[Item] = []
    for item in items:
        if item.problems:
            failed_now.append(item)
        elif not force and state.fresh(item.name, item.digest):
            summary.skipped += 1
        else:
            todo.append(item)
    jobs = max(1, min(jobs or default_jobs(), len(todo) or 1))
    summary.jobs = jobs
    reporter.begin(batch.manifest.title or display_path(manifest), len(items), summary.skipped, len(todo), jobs,
                   display_path(out_dir))

    def done(result: Result) -> None:
        summary.peak_rss_kb = max(summary.peak_rss_kb, result.peak_rss_kb)
        if result.ok:
            state.record(result.name, digest_of[result.name], result.size, result.mtime_ns)
            state.flush(every=1.0)
            summary.built += 1
        else:
            summary.failed += 1
            summary.failed_items.append(result.name)
            summary.problems.extend(result.problems)
        reporter.item(result.name, result.ok, result.seconds, list(result.problems))

    digest_of = {i.name: i.digest for i in todo}
    for item in failed_now:
        done(Result(item.name, False, item.problems))
    previous_term = _stop_on_sigterm()
    try:
        if todo:
            _run(batch, todo, jobs, done)
        if combined:
            _combine(batch, items, state, out_dir / combined_name, tool, force, summary)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
        complete = not summary.interrupted and not summary.failed and (not combined or summary.combined is not None)
        state.set_inputs(_inputs_record(batch, items, shard, combined, combined_name, summary, manifest)
                         if complete else None)
        state.flush()
        summary.seconds = time.perf_counter() - started
        summary.peak_rss_kb = max(summary.peak_rss_kb, _peak_rss_kb() if jobs == 1 else 0)
        summary.problems = sorted(dict.fromkeys(summary.problems), key=lambda p: (p.file, p.line or 0, p.field, p.message))
        reporter.end(summary)
    return summary


def _inputs_record(batch: Batch, items: list[Item], shard: Shard, combined: bool, combined_name: str,
                   summary: Summary, manifest: Path) -> dict:
    """Every file this run read, for an unchanged rerun to recognise without reading them as models."""
    files = [batch.path, batch.roster.path]
    for doc in batch.routines.values():
        files += [doc.path, *(f for _, f in _images(doc.located.data, doc.path))]
    if batch.clinic_path is not None:
        files += [batch.clinic_path, *(f for _, f in _images(batch.clinic.model_dump(mode="json"), batch.clinic_path))]
    layouts = batch.library.folder
    files += sorted(layouts.rglob("*.yaml")) if layouts.is_dir() else []
    folders = [batch.path.parent / batch.manifest.content, layouts]
    title = batch.manifest.title or display_path(manifest)
    return inputs_record(files, folders, shard, combined, title, [i.name for i in items],
                         combined_name if combined else None, summary.combined_docs)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm():
    """Treat SIGTERM (a cluster pre-empting the job) like Ctrl-C: finish the items being
    drawn, keep what is done, start nothing new. Returns the handler to restore."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


def _context(batch: Batch) -> WorkerContext:
    return WorkerContext(
        out_dir=batch.out_dir,
        routines={k: (d.routine, d.path) for k, d in batch.routines.items()},
        layouts=batch.handout_layouts,
        clinic=batch.clinic,
        clinic_path=batch.clinic_path,
        card_layouts=batch.card_layouts,
        cards=batch.manifest.cards,
    )


def _run(batch: Batch, todo: list[Item], jobs: int, done) -> None:
    context = _context(batch)
    if jobs == 1:
        init_worker(context, in_pool=False)
        for item in todo:
            done(build_item(item))
        return
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_worker, initargs=(context,))
    pending = {pool.submit(build_item, item): item for item in todo}
    try:
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                item = pending.pop(fut)
                try:
                    done(fut.result())
                except BrokenProcessPool:
                    done(Result(item.name, False, (Problem(item.name, None, "", "the worker process building it stopped "
                                                           "unexpectedly (out of memory?); run the batch again"),)))
    except KeyboardInterrupt:
        # finish what is being drawn (every write is atomic), start nothing new
        pool.shutdown(wait=True, cancel_futures=True)
        for fut, item in pending.items():
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                done(fut.result())
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _combined_name(name: str, shard: Shard) -> str:
    return name if shard.whole else f"{name[:-4]}{shard.suffix}.pdf"


def _combine(batch: Batch, items: list[Item], state: State, path: Path, tool: str, force: bool, summary: Summary) -> None:
    """One print-ready PDF: each student's handouts in roster order (repeated ``copies`` times), then the card sheets."""
    parts = [(i, i.copies if i.kind == "handout" else 1) for i in items if i.kind in ("handout", "sheet")]
    ready = [(i, n) for i, n in parts if n > 0 and not i.problems and state.fresh(i.name, i.digest)]
    summary.combined = path
    summary.combined_docs = sum(n for _, n in ready)
    summary.combined_missing = sum(1 for i, n in parts if n > 0 and (i.problems or not state.fresh(i.name, i.digest)))
    digest = sha(tool, "combined", [(i.name, i.digest, n) for i, n in ready])
    if not force and state.fresh(path.name, digest):
        summary.combined_fresh = True
        return
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for item, copies in ready:
        reader = PdfReader(str(batch.out_dir / item.name))
        label = f"{item.student} — {item.routine} ({item.layout})" if item.kind == "handout" else f"Cards ({item.layout})"
        for n in range(copies):
            writer.append(reader, outline_item=label if n == 0 else None)
    title = batch.manifest.title or batch.path.name
    writer.add_metadata({"/Title": title, "/Creator": "handouts", "/Producer": "handouts"})
    import io

    buf = io.BytesIO()
    writer.write(buf)
    write_atomic(path, buf.getvalue())
    st = path.stat()
    state.record(path.name, digest, st.st_size, st.st_mtime_ns)
