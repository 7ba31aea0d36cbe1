"""The one line per routine a clinician scans after a build: reading grade, PEMAT score, safety rules."""

from __future__ import annotations

from ..content import RoutineDoc
from ..layout_models import Layout


def quality_line(doc: RoutineDoc, layout: Layout | None = None) -> str:
    from ..checks import check_routine

    sections = [s.value for s in layout.sections] if layout else None
    check = check_routine(doc, sections)
    read = check.readability
    rules = check.safety
    ok = sum(1 for r in rules if r.passed or r.waived)
    waived = sum(1 for r in rules if r.waived)
    grade = (", ".join(f"{s.value:.1f} ({s.formula})" for s in read.scores) if read.scores
             else "not measured (language unknown to the checks)")
    text = f"{doc.id}: reading grade {grade}; PEMAT {check.pemat.score}%; safety rules {ok}/{len(rules)} met"
    if waived:
        text += f" ({waived} waived)"
    if check.warnings:
        text += f"; {len(check.warnings)} warning(s), see 'handouts check'"
    return text
