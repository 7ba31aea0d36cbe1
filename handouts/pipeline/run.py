"""Commands that write everything or nothing: preflight, render every job, then write.

Nothing is written until every requested document has rendered and the
preflight found nothing wrong, so a bad routine, layout or option never leaves
a mix of new and stale files behind. The output folder is tried before the
first page is drawn, and the files are then written together: all to temporary
files, renamed over their targets only once every one is on disk, so a folder
that fills up or turns read-only at the third file leaves no file changed.
"""

from __future__ import annotations

from pathlib import Path

from ..content import ContentSet
from ..errors import HandoutsError, Problem
from ..layouts import LayoutLibrary
from ..models import Personalisation
from .jobs import Job, SheetOptions
from .plan import card_layouts, check_card_options, choose_layouts, plan_calibration, plan_cards, plan_handouts, select
from .bilingual import language_of, plan_bilingual, refuse_one_language
from .preflight import job_problems, preflight, sheet_problems
from .render import render
from .write import output_problems, write_all


def run_jobs(jobs: list[Job], content: ContentSet, option: str = "--out") -> list[Path]:
    """Check, draw and write ``jobs``; every problem is raised before the first file is written.

    ``option`` names where the output folder came from, for problems writing to it."""
    rendered = render_jobs(jobs, content, option)
    write_all(rendered, option)
    return [path for path, _ in rendered]


def render_jobs(jobs: list[Job], content: ContentSet, option: str = "--out") -> list[tuple[Path, bytes]]:
    """Check and draw ``jobs`` without writing them: (path, bytes) for each, or every problem raised."""
    docs = [doc for job in jobs for doc in job.docs]
    personals = {id(job.personal): job.personal for job in jobs if not job.personal.is_empty}
    problems = output_problems([job.out for job in jobs], option)
    problems += preflight(docs, content.clinic, content.clinic_path, personals.values())
    problems += job_problems(jobs)
    if problems:
        raise HandoutsError(problems)
    rendered: list[tuple[Path, bytes]] = []
    failed: list[Problem] = []
    for job in jobs:
        try:
            rendered.append((job.out, render(job, content.clinic, content.clinic_path)))
        except HandoutsError as exc:
            failed += exc.problems
    if failed:
        raise HandoutsError(list(dict.fromkeys(failed)))
    return rendered


def handout_request(routines: list[str], layout_names: list[str], out_dir: Path,
                    personal: Personalisation | None = None, content_dir: Path = Path("content"),
                    library: LayoutLibrary | None = None,
                    formats: tuple[str, ...] = ("pdf",), also: str | None = None) -> tuple[list[Job], ContentSet]:
    """The jobs of ``handouts build``: routines (ids or files; none: all) × handout layouts (none: all)
    × formats (the PDF, its HTML twin, or both).

    With no layout named, clinic sheets are made of the routines that have a brief for every
    step: a folder written before sheets existed builds as it did; naming a sheet layout
    asks for it, and a missing brief is then a problem.

    ``also`` (a language code) asks for bilingual documents instead: each routine beside its
    translation, in the bilingual layouts named (none named: every bilingual layout)."""
    library = library or LayoutLibrary()
    if also is not None:
        return bilingual_request(routines, layout_names, out_dir, personal, content_dir, library, formats, also)
    chosen = choose_layouts(library, layout_names or library.buildable("handout") + library.buildable("sheet"), "handout")
    refuse_one_language(chosen, None)
    selection = select(routines, content_dir)
    jobs = plan_handouts(selection.docs, chosen, out_dir, personal or Personalisation(), formats)
    if not layout_names:
        jobs = [job for job in jobs if not (getattr(job, "layout", None) is not None and job.layout.sheet is not None
                                            and sheet_problems(job.doc, job.layout_name))]
    return jobs, selection.content


def bilingual_request(routines: list[str], layout_names: list[str], out_dir: Path, personal: Personalisation | None,
                      content_dir: Path, library: LayoutLibrary, formats: tuple[str, ...],
                      also: str) -> tuple[list[Job], ContentSet]:
    """The jobs of ``handouts build --also LANG``: each routine with its translation into LANG."""
    language = language_of(also)
    if formats != ("pdf",):
        raise HandoutsError(Problem("--format", None, "", "a bilingual handout is made as a PDF only; its HTML twin "
                                                          "is each language's own page (build without --also)"))
    chosen = choose_layouts(library, layout_names or library.buildable("bilingual"), "handout")
    refuse_one_language(chosen, language)
    selection = select(routines, content_dir)
    jobs = plan_bilingual(selection.docs, language, chosen, out_dir, personal or Personalisation(), bool(routines))
    if not layout_names:
        jobs = [job for job in jobs if not (job.layout.sheet is not None
                                            and any(sheet_problems(doc, job.layout_name) for doc in job.docs))]
    return jobs, selection.content


def build_handouts(*args, **kwargs) -> list[Path]:
    """Build handouts (arguments as :func:`handout_request`); the paths written."""
    return run_jobs(*handout_request(*args, **kwargs))


def card_request(routines: list[str], layout_names: list[str], out_dir: Path, *, sheet: str | None = None,
                 copies: int | None = None, bleed: float = 0.0, flip: str = "long", calibration: bool = False,
                 content_dir: Path = Path("content"),
                 library: LayoutLibrary | None = None) -> tuple[list[Job], ContentSet]:
    """The jobs of ``handouts card``: routines × card layouts on pages or a sheet, or calibration sheets."""
    options = SheetOptions(sheet, bleed, flip)
    check_card_options(options, copies, calibration, routines)
    chosen = card_layouts(library or LayoutLibrary(), layout_names, sheet)
    if calibration:
        return plan_calibration(chosen, out_dir, options), ContentSet()
    selection = select(routines, content_dir)
    return plan_cards(selection.docs, chosen, out_dir, options, copies), selection.content


def build_cards(*args, **kwargs) -> list[Path]:
    """Build pocket cards (arguments as :func:`card_request`); the paths written."""
    return run_jobs(*card_request(*args, **kwargs))
