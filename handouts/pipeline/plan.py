"""From what a command asks for to one job per output file.

Planning settles everything that does not need drawing: which routines (by id
or by file), which layouts (and that each can build what is asked), the file
each document goes to (never the same file twice), and the card options. A
problem here stops the command before anything is drawn or written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..content import ContentSet, RoutineDoc, load_clinic, load_content, load_routine, routines_by_id
from ..errors import HandoutsError, Problem, display_path
from ..layout_models import Layout
from ..layouts import LayoutChoice, LayoutLibrary
from ..models import Personalisation
from .jobs import CalibrationJob, CardJob, HandoutJob, Job, SheetOptions

MAX_COPIES = 500
"""Sets of cards one command may impose: a few boxes of card stock, not an endless loop."""


@dataclass(frozen=True)
class Selection:
    """The content folder and the routines asked for (none named: every routine in it)."""

    content: ContentSet
    docs: list[RoutineDoc]


FORMATS = {"pdf": ("pdf",), "html": ("html",), "both": ("pdf", "html")}
"""What ``--format`` (and a batch manifest's ``formats``) may ask for, and the files each makes."""


def output_name(routine_id: str, layout_label: str, suffix: str = "", ext: str = "pdf") -> str:
    return f"{routine_id}--{layout_label}{suffix}.{ext}"


def formats_of(value: str, option: str = "--format") -> tuple[str, ...]:
    """The file formats ``value`` stands for; anything else is a problem named by ``option``."""
    if value not in FORMATS:
        raise HandoutsError(Problem(option, None, "", f"'{value}' is not a format; choose one of: "
                                                      f"{', '.join(FORMATS)}"))
    return FORMATS[value]


def select(wanted: list[str], content_dir: Path) -> Selection:
    """Routines by id or by file path; none given means all, in id order.

    Asked for by id, a routine is looked for in the file of that name first
    (see :func:`routines_by_id`), so one build does not validate a whole folder."""
    if not wanted:
        content = load_content([content_dir])
        return Selection(content, sorted(content.routines, key=lambda d: d.id))
    ids = [item for item in wanted if not (Path(item).suffix in (".yaml", ".yml") or Path(item).exists())]
    found, broken, clinics = routines_by_id(content_dir, set(ids)) if ids or content_dir.is_dir() else ({}, {}, [])
    problems: list[Problem] = []
    chosen: list[RoutineDoc] = []
    for item in wanted:
        if item in ids:
            if item in found:
                chosen.append(found[item])
            elif item in broken:
                problems.extend(broken[item])
            else:
                known = ", ".join(sorted(found))
                problems.append(Problem(item, None, "", f"no routine with this id or path; known ids: {known}"))
            continue
        try:
            chosen.append(load_routine(Path(item)))
        except HandoutsError as exc:
            problems.extend(exc.problems)
    content = ContentSet(routines=list(found.values()))
    if len(clinics) > 1:
        problems.append(Problem(display_path(clinics[1]), None, "", f"a second clinic profile; "
                                f"{display_path(clinics[0])} is already used, keep one"))
    elif clinics:
        try:
            content.clinic, content.clinic_path = load_clinic(clinics[0]), clinics[0]
        except HandoutsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise HandoutsError(list(dict.fromkeys(problems)))
    return Selection(content, chosen)


def choose_layouts(library: LayoutLibrary, names: list[str], kind: str) -> list[tuple[str, Layout]]:
    """(label, layout) for each layout named on the command line, every problem at once."""
    chosen: list[tuple[str, Layout]] = []
    problems: list[Problem] = []
    for name in names:
        try:
            chosen.append(library.choose(name, kind))
        except LayoutChoice as exc:
            problems.append(Problem("--layout", None, "", str(exc)))
        except HandoutsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise HandoutsError(problems)
    return chosen


def _once(jobs: list[Job]) -> list[Job]:
    """Refuse to write one file twice (the same routine named twice, or by id and by path)."""
    seen: set[Path] = set()
    problems: list[Problem] = []
    for job in jobs:
        if job.out in seen:
            where = display_path(job.docs[0].path) if job.docs else "--layout"
            problems.append(Problem(where, None, "id", f"would write {display_path(job.out)} twice; "
                                                        "each routine may be asked for once"))
        seen.add(job.out)
    if problems:
        raise HandoutsError(problems)
    return jobs


def plan_handouts(docs: list[RoutineDoc], layouts: list[tuple[str, Layout]], out_dir: Path,
                  personal: Personalisation, formats: tuple[str, ...] = ("pdf",)) -> list[Job]:
    return _once([HandoutJob(out_dir / output_name(doc.id, label, ext=fmt), doc, label, layout, personal, fmt)
                  for label, layout in layouts for doc in docs for fmt in formats])


def card_layouts(library: LayoutLibrary, names: list[str], sheet: str | None) -> list[tuple[str, Layout]]:
    """The card layouts asked for, or every card layout that suits the sheet (a pre-cut
    stock takes only the cards that fit its labels)."""
    from ..render.sheet import SHEETS
    from .render import card_imposition

    if names:
        return choose_layouts(library, names, "card")
    chosen = [(name, library.get(name)) for name in library.buildable("card")]
    spec = SHEETS.get(sheet) if sheet else None
    if spec is not None and spec.precut:
        fitting = []
        for name, layout in chosen:
            try:
                card_imposition(layout, spec.name, layout_name=name)
                fitting.append((name, layout))
            except HandoutsError:
                continue
        chosen = fitting
    if not chosen:
        raise HandoutsError(Problem("--layout", None, "", f"no card layout fits {sheet}; "
                                                          f"card layouts: {', '.join(library.buildable('card'))}"))
    return chosen


def check_card_options(options: SheetOptions, copies: int | None, calibration: bool, routines: list[str]) -> None:
    from ..render.sheet import check_options

    check_options(options.sheet, options.bleed, options.flip)
    problems: list[Problem] = []
    if copies is not None and not 1 <= copies <= MAX_COPIES:
        problems.append(Problem("--copies", None, "", f"must be 1 to {MAX_COPIES}"))
    if copies is not None and options.sheet is None and not calibration:
        problems.append(Problem("--copies", None, "", "copies are for sheets; add --sheet a4 (or letter, ...)"))
    if calibration and options.sheet is None:
        problems.append(Problem("--calibration", None, "", "needs a sheet to test; add --sheet a4 (or letter, ...)"))
    if calibration and routines:
        problems.append(Problem("--calibration", None, "", "prints a test sheet only; leave out the routine names"))
    if problems:
        raise HandoutsError(problems)


def plan_cards(docs: list[RoutineDoc], layouts: list[tuple[str, Layout]], out_dir: Path, options: SheetOptions,
               copies: int | None) -> list[Job]:
    suffix = f"--{options.sheet}" if options.sheet else ""
    return _once([CardJob(out_dir / output_name(doc.id, label, suffix), ((doc, copies or 1),), label, layout,
                          options, fill=copies is None)
                  for label, layout in layouts for doc in docs])


def plan_calibration(layouts: list[tuple[str, Layout]], out_dir: Path, options: SheetOptions) -> list[Job]:
    return _once([CalibrationJob(out_dir / f"calibration--{label}--{options.sheet}.pdf", label, layout, options)
                  for label, layout in layouts])
