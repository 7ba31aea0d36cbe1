"""Everything that would make a document wrong, found before anything is drawn.

One function for every command: ``build``, ``card`` and ``batch`` refuse what
it reports, and ``validate`` and ``check`` report the same problems with the
same words, so a routine that validates is a routine that builds.

What it looks at:

- *glyphs*: every character of the routine, the clinic profile and the
  personal details has a font that draws it, in a script the renderer lays
  out correctly;
- *safety rules*: a routine breaking one (unwaived) is never printed; a
  waiver naming no rule is a problem too;
- *images* and *sizes* are settled when files load (paths inside the content
  folder, readable pictures, bounded text lengths), so they reach here already
  checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..content import RoutineDoc
from ..errors import Problem, display_path
from ..models import Clinic, Personalisation
from ..text import glyph_problems


def routine_problems(doc: RoutineDoc) -> list[Problem]:
    """A routine's own problems: a language with no printed strings, characters that cannot be
    printed, broken safety rules."""
    from ..checks.safety import safety_problems
    from ..i18n.preflight import language_problems

    return (language_problems(doc) + glyph_problems(doc.located.data, doc.located.name, doc.located.line_of)
            + safety_problems(doc))


def sheet_problems(doc: RoutineDoc, layout_name: str) -> list[Problem]:
    """What a clinic sheet needs that a handout does not: a brief for every step, the text of
    its tile. Optional in the routine, so a clinic adds briefs only when it prints sheets."""
    r = doc.routine
    places = ([(("phases", p, "steps", i), step) for p, phase in enumerate(r.phases) for i, step in enumerate(phase.steps)]
              if r.phases else [(("steps", i), step) for i, step in enumerate(r.steps)])
    return [doc.located.problem((*loc, "brief"), f"is required for the clinic sheet '{layout_name}': one plain "
                                                 f"sentence saying what to do in step {n} ('{step.title}')")
            for n, (loc, step) in enumerate(places, start=1) if not step.brief]


def job_problems(jobs: Iterable) -> list[Problem]:
    """What the layouts asked for need of their routines; each routine's problems reported once."""
    problems: list[Problem] = []
    seen: set[int] = set()
    for job in jobs:
        layout = getattr(job, "layout", None)
        if getattr(layout, "sheet", None) is None or not hasattr(job, "doc"):
            continue
        for doc in job.docs:  # a bilingual sheet prints the brief of both languages
            if id(doc) not in seen:
                seen.add(id(doc))
                problems += sheet_problems(doc, job.layout_name)
    return problems


def clinic_problems(clinic: Clinic | None, path: Path | None) -> list[Problem]:
    if clinic is None or path is None:
        return []
    return glyph_problems(clinic.model_dump(exclude_none=True), display_path(path))


def personal_problems(personal: Personalisation, where: str = "--for/--note") -> list[Problem]:
    """Personal details given on the command line, named by the options they came from."""
    return glyph_problems(personal.model_dump(exclude_none=True), where)


def preflight(docs: Iterable[RoutineDoc], clinic: Clinic | None = None, clinic_path: Path | None = None,
              personals: Iterable[Personalisation] = ()) -> list[Problem]:
    """Every problem of these routines, clinic and personal details; each reported once, in file order."""
    problems: list[Problem] = []
    seen: set[int] = set()
    for doc in docs:
        if id(doc) not in seen:
            seen.add(id(doc))
            problems += routine_problems(doc)
    problems += clinic_problems(clinic, clinic_path)
    for personal in personals:
        problems += personal_problems(personal)
    return sorted(dict.fromkeys(problems), key=lambda p: (p.file, p.line or 0))
