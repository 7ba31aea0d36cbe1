"""One job drawn into PDF bytes: the only place that knows which renderer a job needs.

Every function returns byte-identical PDFs for identical inputs (ReportLab's
invariant mode is on in ``handouts.render``), which is what lets a batch tell
an up-to-date file from a stale one by its inputs alone.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import HandoutsError, Problem, display_path
from ..layout_models import Layout
from ..models import Clinic, Personalisation, Routine
from .jobs import CalibrationJob, CardJob, HandoutJob, Job


def render(job: Job, clinic: Clinic | None, clinic_path: Path | None = None) -> bytes:
    """The PDF of ``job``; a card text that cannot fit raises HandoutsError located in its routine file."""
    if isinstance(job, HandoutJob) and job.format == "html":
        return render_html(job.doc.routine, job.layout, job.layout_name, job.personal, clinic,
                           base_file=job.doc.path, clinic_file=clinic_path)
    if isinstance(job, HandoutJob) and job.also is not None:
        return render_bilingual(job, clinic, clinic_path)
    if isinstance(job, HandoutJob):
        return render_handout(job.doc.routine, job.layout, job.layout_name, job.personal, clinic,
                              base_file=job.doc.path, clinic_file=clinic_path)
    if isinstance(job, CardJob):
        return _render_cards(job, clinic)
    if isinstance(job, CalibrationJob):
        return calibration_pdf(job.layout, job.options.sheet or "", job.options.flip, job.layout_name)
    raise TypeError(f"not a job: {job!r}")


def render_handout(routine: Routine, layout: Layout, layout_name: str, personal: Personalisation,
                   clinic: Clinic | None, base_file: Path | None = None, clinic_file: Path | None = None) -> bytes:
    from ..render.handout import HandoutInput

    if layout.sheet is not None:
        from ..render.clinic_sheet import render_clinic_sheet as draw
    else:
        from ..render.reuse import render_handout as draw  # the pages a class shares, drawn once
    return draw(HandoutInput(routine, layout, layout_name, personal, clinic, base_file=base_file,
                             clinic_file=clinic_file))


def render_bilingual(job: HandoutJob, clinic: Clinic | None, clinic_path: Path | None = None) -> bytes:
    """A routine and its translation in one PDF, as the job's bilingual layout arranges them."""
    from ..render.bilingual import Translation, render_bilingual as draw
    from ..render.handout import HandoutInput

    assert job.also is not None
    return draw(HandoutInput(job.doc.routine, job.layout, job.layout_name, job.personal, clinic, base_file=job.doc.path,
                             clinic_file=clinic_path), Translation(job.also.routine, job.also.path))


def render_html(routine: Routine, layout: Layout, layout_name: str, personal: Personalisation,
                clinic: Clinic | None, base_file: Path | None = None, clinic_file: Path | None = None) -> bytes:
    """The handout's accessible HTML twin, from the same inputs as its PDF."""
    from ..render.handout import HandoutInput
    from ..render.html import render_html as draw

    return draw(HandoutInput(routine, layout, layout_name, personal, clinic, base_file=base_file,
                             clinic_file=clinic_file))


def _render_cards(job: CardJob, clinic: Clinic | None) -> bytes:
    try:
        if len(job.routines) == 1:
            (doc, copies), = job.routines
            if job.fill and job.options.sheet is not None:
                cards = _compose(doc.routine, job.layout, clinic, job.layout_name)
                per_sheet = card_imposition(job.layout, job.options.sheet, job.options.bleed, job.options.flip,
                                            job.layout_name).per_sheet
                copies = max(1, per_sheet // len(cards.fronts))
            return render_card_pdf(doc.routine, job.layout, clinic, sheet=job.options.sheet, copies=copies,
                                   bleed=job.options.bleed, flip=job.options.flip, layout_name=job.layout_name)
        return render_sheet_for_many([(doc.routine, n) for doc, n in job.routines], job.layout, clinic,
                                     job.options.sheet or "", job.options.bleed, job.options.flip, job.layout_name)
    except HandoutsError as exc:
        raise HandoutsError(_locate_overflow(exc, job)) from None


def _locate_overflow(exc: HandoutsError, job: CardJob) -> list[Problem]:
    """Overflow problems name the routine by id; point them at its file and the list that overflowed."""
    by_id = {doc.id: doc for doc in job.docs}
    out = []
    for p in exc.problems:
        doc = by_id.get(p.file)
        if doc is None:
            out.append(p)
            continue
        side = "safety" if p.field.split()[-1] == "back" else "steps"
        key = "phases" if side == "steps" and doc.routine.phases else side
        out.append(Problem(display_path(doc.path), doc.located.line_of((key,)), p.field, p.message))
    return out


def _compose(routine: Routine, layout: Layout, clinic: Clinic | None, layout_name: str):
    from ..render.card import compose_card

    return compose_card(routine, layout, clinic, layout_name)


def _card_spec(layout: Layout, layout_name: str):
    if layout.kind != "card" or layout.card is None:
        raise HandoutsError(Problem("--layout", None, "", f"layout '{layout_name or '?'}' is not a card layout"))
    return layout.card


def card_imposition(layout: Layout, sheet: str, bleed: float = 0.0, flip: str = "long", layout_name: str = "card"):
    """Where the cards of ``layout`` go on ``sheet``: front and back rectangles, crop and fold marks."""
    from ..render.sheet import impose

    spec = _card_spec(layout, layout_name)
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
    from ..render.card import render_card_pages
    from ..render.sheet import check_options, render_sheets

    _card_spec(layout, layout_name)
    check_options(sheet, bleed, flip)
    if copies < 1:
        raise HandoutsError(Problem("--copies", None, "", "must be 1 or more"))
    if sheet is None and copies != 1:
        raise HandoutsError(Problem("--copies", None, "", "copies are for sheets; add --sheet a4 (or letter, ...)"))
    cards = _compose(routine, layout, clinic, layout_name)
    if sheet is None:
        return render_card_pages(cards, routine, clinic, bleed)
    imp = card_imposition(layout, sheet, bleed, flip, layout_name or "card")
    return render_sheets(imp, cards.cards * copies, routine.title, routine.summary, _author(routine, clinic),
                         routine.language)


def render_sheet_for_many(routines_and_copies: list[tuple[Routine, int]], layout: Layout, clinic: Clinic | None,
                          sheet: str, bleed: float = 0.0, flip: str = "long", layout_name: str = "",
                          part: tuple[int, int] | None = None) -> bytes:
    """A class sheet: several routines, each in its number of copies, imposed in the order given.

    Every routine is composed before anything is drawn; all that fail are reported together.
    ``part=(k, n)`` draws only the k-th of n runs of whole physical sheets (front and back
    pages), so n workers can share a large class and their files join into the same pages."""
    from ..render.sheet import check_options, render_sheets

    _card_spec(layout, layout_name)
    check_options(sheet, bleed, flip)
    imp = card_imposition(layout, sheet, bleed, flip, layout_name or "card")
    problems: list[Problem] = []
    cards: list = []
    for routine, copies in routines_and_copies:
        if copies < 1:
            problems.append(Problem(routine.id, None, "copies", "must be 1 or more"))
            continue
        try:
            cards += _compose(routine, layout, clinic, layout_name).cards * copies
        except HandoutsError as exc:
            problems += exc.problems
    if problems:
        raise HandoutsError(problems)
    if not cards:
        raise HandoutsError(Problem("cards", None, "", "no routines given"))
    if part is not None:
        cards = _sheet_run(cards, imp.per_sheet, *part)
    routines = [r for r, _ in routines_and_copies]
    title = "Pocket cards: " + ", ".join(dict.fromkeys(r.title for r in routines))
    return render_sheets(imp, cards, title, "Pocket cards", clinic.name if clinic else "handouts", routines[0].language)


def _sheet_run(cards: list, per_sheet: int, k: int, n: int) -> list:
    """The cards of the k-th of ``n`` near-equal runs of whole sheets: cut only where a sheet ends,
    so every front keeps its mirrored back and the pages are those of the whole sheet set."""
    sheets = -(-len(cards) // per_sheet)
    if not 0 <= k < n <= sheets:
        raise ValueError(f"part {k} of {n} of {sheets} sheets")
    return cards[(k * sheets // n) * per_sheet:((k + 1) * sheets // n) * per_sheet]


def calibration_pdf(layout: Layout, sheet: str, flip: str = "long", layout_name: str = "card") -> bytes:
    """The front/back registration test sheet for ``layout`` on ``sheet``."""
    from ..render.sheet import render_calibration

    return render_calibration(card_imposition(layout, sheet, 0.0, flip, layout_name), layout_name)
