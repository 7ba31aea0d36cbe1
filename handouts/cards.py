"""Orchestration for pocket cards: check everything, compose every card, then write.

Like ``build.py`` for handouts: routines, layouts and options are checked
first, every PDF is rendered in memory, and only then are files written
(atomically), so a routine that does not fit never leaves a mix of new and
stale cards behind. The two ``render_*`` functions are the public API other
features (class batches) call; both return byte-identical PDFs for identical
inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .build import decided_by, output_name, select_routines, start_checks
from .content import RoutineDoc, load_content
from .errors import HandoutsError, Problem, display_path
from .layout_models import Layout
from .layouts import LayoutLibrary
from .models import Clinic, Personalisation, Routine
from .render.card import CardFace, CardOverflow, CardSet, compose_card, render_card_pages
from .render.sheet import SHEETS, Imposition, check_options, impose, render_calibration, render_sheets
from .write import write_atomic


def _checked_layout(layout: Layout, layout_name: str) -> Layout:
    if layout.kind != "card" or layout.card is None:
        raise HandoutsError(Problem("--layout", None, "", f"layout '{layout_name or '?'}' is not a card layout"))
    return layout


def card_imposition(layout: Layout, sheet: str, bleed: float = 0.0, flip: str = "long", layout_name: str = "card") -> Imposition:
    """Where the cards of ``layout`` go on ``sheet``: front and back rectangles, crop and fold marks."""
    _checked_layout(layout, layout_name)
    spec = layout.card
    assert spec is not None
    pw, ph = layout.page.dimensions
    folds = tuple(pw * k for k in range(1, spec.panels)) if spec.fold_marks else ()
    return impose(sheet, (pw * spec.panels, ph), spec.gap, bleed, flip, spec.mark_length, spec.mark_offset, folds,
                  layout_name)


def _author(routine: Routine, clinic: Clinic | None) -> str:
    return clinic.name if clinic else (routine.source.publisher or "handouts")


def render_card_pdf(routine: Routine, layout: Layout, clinic: Clinic | None, *, sheet: str | None = None,
                    copies: int = 1, bleed: float = 0.0, flip: str = "long", layout_name: str = "") -> bytes:
    """One routine's cards: one page per face, or ``copies`` sets imposed on ``sheet`` pages.

    Raises HandoutsError when an option is wrong or the text does not fit a layout
    with ``overflow: fail`` (the message names the routine, the face and what did not fit)."""
    _checked_layout(layout, layout_name)
    check_options(sheet, bleed, flip)
    if copies < 1:
        raise HandoutsError(Problem("--copies", None, "", "must be 1 or more"))
    if sheet is None and copies != 1:
        raise HandoutsError(Problem("--copies", None, "", "copies are for sheets; add --sheet a4 (or letter, ...)"))
    cards = compose_card(routine, layout, clinic, layout_name)
    return _pdf(cards, routine, layout, clinic, sheet, copies, bleed, flip, layout_name)


def _pdf(cards: CardSet, routine: Routine, layout: Layout, clinic: Clinic | None, sheet: str | None, copies: int,
         bleed: float, flip: str, layout_name: str) -> bytes:
    if sheet is None:
        return render_card_pages(cards, routine, clinic, bleed)
    imp = card_imposition(layout, sheet, bleed, flip, layout_name or "card")
    return render_sheets(imp, cards.cards * copies, routine.title, routine.summary, _author(routine, clinic),
                         routine.language)


def render_sheet_for_many(routines_and_copies: list[tuple[Routine, int]], layout: Layout, clinic: Clinic | None,
                          sheet: str, bleed: float = 0.0, flip: str = "long", layout_name: str = "") -> bytes:
    """A class sheet: several routines, each in its number of copies, imposed in the order given.

    Every routine is composed before anything is drawn; all that fail are reported together."""
    _checked_layout(layout, layout_name)
    check_options(sheet, bleed, flip)
    imp = card_imposition(layout, sheet, bleed, flip, layout_name or "card")
    problems: list[Problem] = []
    cards: list[tuple[CardFace, CardFace]] = []
    for routine, copies in routines_and_copies:
        if copies < 1:
            problems.append(Problem(routine.id, None, "copies", "must be 1 or more"))
            continue
        try:
            cards += compose_card(routine, layout, clinic, layout_name).cards * copies
        except HandoutsError as exc:
            problems += exc.problems
    if problems:
        raise HandoutsError(problems)
    if not cards:
        raise HandoutsError(Problem("cards", None, "", "no routines given"))
    routines = [r for r, _ in routines_and_copies]
    title = "Pocket cards: " + ", ".join(dict.fromkeys(r.title for r in routines))
    return render_sheets(imp, cards, title, "Pocket cards", clinic.name if clinic else "handouts", routines[0].language)


def calibration_pdf(layout: Layout, sheet: str, flip: str = "long", layout_name: str = "card") -> bytes:
    """The front/back registration test sheet for ``layout`` on ``sheet``."""
    return render_calibration(card_imposition(layout, sheet, 0.0, flip, layout_name), layout_name)


# --------------------------------------------------------------------------- command-line flow


@dataclass(frozen=True)
class CardJob:
    doc: RoutineDoc
    layout_name: str
    layout: Layout
    out_path: Path


def layout_label(name: str) -> str:
    """A layout asked for by file path is named by its file's stem in output names and messages."""
    return Path(name).stem if Path(name).suffix in (".yaml", ".yml") else name


def card_layouts(library: LayoutLibrary, names: list[str], sheet: str | None) -> list[tuple[str, Layout]]:
    """(name, layout) for the layouts asked for (checked), or every card layout that suits the sheet."""
    problems: list[Problem] = []
    if names:
        out = []
        for name in names:
            layout = library.get(name)
            if layout.abstract or layout.kind != "card":
                what = "abstract" if layout.abstract else f"a {layout.kind} layout"
                where = name if Path(name).suffix in (".yaml", ".yml") else library.path_of(name)
                problems.append(Problem(display_path(where), None, "kind",
                                        f"layout '{layout_label(name)}' is {what}; choose one of: "
                                        f"{', '.join(library.buildable('card'))}"))
            out.append((layout_label(name), layout))
        if problems:
            raise HandoutsError(problems)
        return out
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
    return chosen


def _locate(exc: HandoutsError, doc: RoutineDoc) -> list[Problem]:
    """Overflow problems carry the routine id; point them at the routine's file and the list that overflowed."""
    out = []
    for p in exc.problems:
        if p.file == doc.id:
            side = "safety" if p.field.split()[-1] == "back" else "steps"
            key = "phases" if side == "steps" and doc.routine.phases else side
            out.append(Problem(display_path(doc.path), doc.located.line_of((key,)), p.field, p.message))
        else:
            out.append(p)
    return out


def build_cards(routines: list[str], layout_names: list[str], out_dir: Path, *, sheet: str | None = None,
                copies: int | None = None, bleed: float = 0.0, flip: str = "long", calibration: bool = False,
                content_dir: Path = Path("content"), library: LayoutLibrary | None = None) -> list[Path]:
    """Build card PDFs; every problem is reported before any file is written."""
    library = library or LayoutLibrary()
    check_options(sheet, bleed, flip)
    problems: list[Problem] = []
    if copies is not None and copies < 1:
        problems.append(Problem("--copies", None, "", "must be 1 or more"))
    if copies is not None and sheet is None and not calibration:
        problems.append(Problem("--copies", None, "", "copies are for sheets; add --sheet a4 (or letter, ...)"))
    if calibration and sheet is None:
        problems.append(Problem("--calibration", None, "", "needs a sheet to test; add --sheet a4 (or letter, ...)"))
    if calibration and routines:
        problems.append(Problem("--calibration", None, "", "prints a test sheet only; leave out the routine names"))
    if problems:
        raise HandoutsError(problems)
    layouts = card_layouts(library, layout_names, sheet)
    if not layouts:
        raise HandoutsError(Problem("--layout", None, "", f"no card layout fits {sheet}; "
                                                          f"card layouts: {', '.join(library.buildable('card'))}"))
    suffix = f"--{sheet}" if sheet else ""
    rendered: list[tuple[Path, bytes]] = []
    if calibration:
        assert sheet is not None
        for name, layout in layouts:
            pdf = calibration_pdf(layout, sheet, flip, name)
            rendered.append((out_dir / f"calibration--{name}--{sheet}.pdf", pdf))
    else:
        content = load_content([content_dir], require_routines=not routines)
        docs = select_routines(content, routines)
        seen: set[Path] = set()
        jobs: list[CardJob] = []
        for name, layout in layouts:
            for doc in docs:
                out = out_dir / output_name(doc.id, name, suffix)
                if out in seen:
                    problems.append(Problem(display_path(doc.path), None, "id",
                                            f"would write {display_path(out)} twice; each routine may be asked for once"))
                    continue
                seen.add(out)
                jobs.append(CardJob(doc, name, layout, out))
        checks = start_checks(docs, Personalisation(), content)
        if problems:
            raise HandoutsError(sorted(set(problems + checks.result().problems), key=lambda p: (p.file, p.line or 0)))
        with decided_by(checks):
            for job in jobs:
                try:
                    rendered.append((job.out_path, _render_job(job, content.clinic, sheet, copies, bleed, flip)))
                except CardOverflow as exc:
                    problems += _locate(exc, job.doc)
                except HandoutsError as exc:
                    problems += exc.problems
        if problems:
            raise HandoutsError(problems)
    for path, pdf in rendered:
        write_atomic(path, pdf)
    return [path for path, _ in rendered]


def _render_job(job: CardJob, clinic: Clinic | None, sheet: str | None, copies: int | None, bleed: float,
                flip: str) -> bytes:
    routine = job.doc.routine
    cards = compose_card(routine, job.layout, clinic, job.layout_name)
    if sheet is not None and copies is None:
        # fill the sheet: as many whole sets as it holds, at least one
        per_sheet = card_imposition(job.layout, sheet, bleed, flip, job.layout_name).per_sheet
        copies = max(1, per_sheet // len(cards.fronts))
    return _pdf(cards, routine, job.layout, clinic, sheet, copies or 1, bleed, flip, job.layout_name)


__all__ = ["CardSet", "build_cards", "calibration_pdf", "card_imposition", "render_card_pdf", "render_sheet_for_many"]
