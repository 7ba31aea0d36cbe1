"""Orchestration: gather and validate everything first, then render, then write.

Nothing is written until every requested document has rendered, so a bad
routine or layout never leaves a mix of new and stale files behind.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from . import cache
from .content import ContentSet, RoutineDoc, load_content, load_routine
from .errors import HandoutsError, Problem, display_path
from .layout_models import Layout
from .layouts import LayoutLibrary
from .models import Clinic, Personalisation
from .text import glyph_problems
from .write import write_atomic

if TYPE_CHECKING:  # pragma: no cover
    from .background import Background


@dataclass(frozen=True)
class Job:
    doc: RoutineDoc
    layout_name: str
    layout: Layout
    out_path: Path


def output_name(routine_id: str, layout_name: str, suffix: str = "") -> str:
    """``<routine>--<layout><suffix>.pdf``; a layout named by its file path is named by the file's stem."""
    if layout_name.lower().endswith((".yaml", ".yml")):
        layout_name = Path(layout_name).stem
    return f"{routine_id}--{layout_name}{suffix}.pdf"


def select_routines(content: ContentSet, wanted: list[str]) -> list[RoutineDoc]:
    """Routines by id or by file path; none given means all, in id order."""
    if not wanted:
        return sorted(content.routines, key=lambda d: d.id)
    by_id = content.by_id()
    chosen: list[RoutineDoc] = []
    problems: list[Problem] = []
    for item in wanted:
        path = Path(item)
        if item in by_id:
            chosen.append(by_id[item])
        elif path.suffix in (".yaml", ".yml") or path.exists():
            try:
                chosen.append(load_routine(path))
            except HandoutsError as exc:
                problems.extend(exc.problems)
        else:
            known = ", ".join(sorted(by_id))
            problems.append(Problem(item, None, "", f"no routine with this id or path; known ids: {known}"))
    if problems:
        raise HandoutsError(problems)
    return chosen


def load_selection(routines: list[str], content_dir: Path) -> tuple[ContentSet, list[RoutineDoc]]:
    """The content folder and the routines asked for (all of them when none is named)."""
    content = load_content([content_dir], require_routines=not routines)
    return content, select_routines(content, routines)


def personal_problems(personal: Personalisation, where: str = "--for/--note") -> list[Problem]:
    return glyph_problems(personal.model_dump(exclude_none=True), where)


def preflight(doc: RoutineDoc, personal: Personalisation, clinic: Clinic | None, clinic_path: Path | None) -> list[Problem]:
    """Everything that would make a handout wrong, found before anything is drawn.

    What depends on a file alone (its glyphs, its safety rules) is worked out
    once while the file is unchanged; the personal details are checked every time."""
    problems = list(cache.cached("glyphs", cache.file_key(doc.path),
                                 lambda: glyph_problems(doc.located.data, doc.located.name, doc.located.line_of),
                                 [doc.path]))
    if clinic is not None and clinic_path is not None:
        problems += cache.cached("glyphs", cache.file_key(clinic_path),
                                 lambda: glyph_problems(clinic.model_dump(exclude_none=True), display_path(clinic_path)),
                                 [clinic_path])
    problems += personal_problems(personal)
    problems += cache.cached("safety", cache.file_key(doc.path), lambda: _safety_problems(doc), [doc.path])
    return problems


def _safety_problems(doc: RoutineDoc) -> list[Problem]:
    from .checks import safety_problems

    return safety_problems(doc)


def quality_line(doc: RoutineDoc, layout: Layout | None = None) -> str:
    """One line a clinician can scan: reading grade, PEMAT score, safety rules.

    Worked out once while the routine file is unchanged: the checks read a
    pronouncing dictionary and hyphenation tables, costly for a one-off build."""
    sections = [s.value for s in layout.sections] if layout else None
    return cache.cached("quality", cache.file_key(doc.path, sections), lambda: _quality_line(doc, sections),
                        [doc.path])


def _quality_line(doc: RoutineDoc, sections: list[str] | None) -> str:
    from .checks import check_routine

    check = check_routine(doc, sections)
    read = check.readability
    rules = check.safety
    ok = sum(1 for r in rules if r.passed or r.waived)
    waived = sum(1 for r in rules if r.waived)
    text = (f"{doc.id}: reading grade {read.fk_grade:.1f} (Flesch-Kincaid), {read.smog_grade:.1f} (SMOG); "
            f"PEMAT {check.pemat.score}%; safety rules {ok}/{len(rules)} met")
    if waived:
        text += f" ({waived} waived)"
    if check.warnings:
        text += f"; {len(check.warnings)} warning(s), see 'handouts check'"
    return text


def plan(docs: list[RoutineDoc], layout_names: list[str], library: LayoutLibrary, out_dir: Path,
         kind: str = "handout") -> list[Job]:
    jobs: list[Job] = []
    problems: list[Problem] = []
    seen: dict[Path, Job] = {}
    for name in layout_names:
        layout = library.get(name)
        if layout.abstract or layout.kind != kind:
            problems.append(Problem(display_path(library.path_of(name)), None, "kind",
                                    f"layout '{name}' is {'abstract' if layout.abstract else 'a ' + layout.kind + ' layout'}; "
                                    f"choose one of: {', '.join(library.buildable(kind))}"))
            continue
        for doc in docs:
            out = out_dir / output_name(doc.id, name)
            if out in seen:
                problems.append(Problem(display_path(doc.path), None, "id",
                                        f"would write {display_path(out)} twice; each routine may be asked for once"))
                continue
            job = Job(doc, name, layout, out)
            seen[out] = job
            jobs.append(job)
    if problems:
        raise HandoutsError(problems)
    return jobs


@dataclass(frozen=True)
class Built:
    paths: list[Path]
    quality: list[str]
    """One quality line per routine (see :func:`quality_line`), when asked for."""


@dataclass(frozen=True)
class _Checked:
    problems: list[Problem]
    quality: list[str]


def start_checks(docs: list[RoutineDoc], personal: Personalisation, content: ContentSet,
                 quality: bool = False) -> "Background[_Checked]":
    """The checks that decide whether ``docs`` may be written (and their quality lines, with ``quality``).

    Stored by an earlier run, they are read at once; otherwise they are
    started beside the rendering (see ``handouts.background``): they change no
    page, so the pages are drawn meanwhile and written only if they pass."""
    from .background import Background

    try:
        with cache.stored_only():
            return Background.done(_check(docs, personal, content, quality))
    except cache.Miss:
        return Background(lambda: _check(docs, personal, content, quality))


@contextmanager
def decided_by(checks: "Background[_Checked]") -> Iterator[None]:
    """Draw inside this block; on leaving it, the checks' problems (if any) are raised.

    Input the checks reject may also fail to draw: then their plain message is
    the one shown, not the drawing error."""
    try:
        yield
    except Exception:
        if checks.result().problems:
            raise HandoutsError(checks.result().problems) from None
        raise
    if checks.result().problems:
        raise HandoutsError(checks.result().problems)


def _check(docs: list[RoutineDoc], personal: Personalisation, content: ContentSet, quality: bool) -> _Checked:
    problems: list[Problem] = []
    for doc in docs:
        problems += preflight(doc, personal, content.clinic, content.clinic_path)
    if problems:
        return _Checked(sorted(set(problems), key=lambda p: (p.file, p.line or 0)), [])
    return _Checked([], [quality_line(doc) for doc in docs] if quality else [])


def build_handouts(*args, **kwargs) -> list[Path]:
    """:func:`build`, for callers that want only the paths it wrote."""
    return build(*args, **kwargs).paths


def build(
    routines: list[str],
    layout_names: list[str],
    out_dir: Path,
    personal: Personalisation,
    content_dir: Path = Path("content"),
    library: LayoutLibrary | None = None,
    selection: tuple[ContentSet, list[RoutineDoc]] | None = None,
    quality: bool = False,
) -> Built:
    """Build handouts, and with ``quality`` the routines' quality lines too.

    ``selection`` is what :func:`load_selection` returned, for callers that
    loaded it already. Nothing is written until the pages are drawn and the
    checks (:func:`start_checks`) found nothing wrong.
    """
    from .render.handout import HandoutInput, render_handout

    content, docs = selection or load_selection(routines, content_dir)
    library = library or LayoutLibrary()
    jobs = plan(docs, layout_names or ["handout-a4"], library, out_dir)
    checks = start_checks(docs, personal, content, quality)
    rendered: list[tuple[Path, bytes]] = []
    with decided_by(checks):
        for job in jobs:
            data = HandoutInput(job.doc.routine, job.layout, job.layout_name, personal, content.clinic,
                                base_file=job.doc.path, clinic_file=content.clinic_path)
            rendered.append((job.out_path, render_handout(data)))
    for path, pdf in rendered:
        write_atomic(path, pdf)
    return Built([path for path, _ in rendered], checks.result().quality)
