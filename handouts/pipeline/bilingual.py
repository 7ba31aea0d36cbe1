"""Planning a bilingual document: the routine asked for, and its translation into a second language.

The second routine is found through the translation links (``translation_of``, or the
``<id>-<lang>`` naming rule), whichever of the two was named: ``partner-neck --also es``
prints the English with the Spanish, ``partner-neck-es --also fr`` the Spanish with the French
(both translations of partner-neck). The two are held to their original as ``validate`` holds
them, so the steps, their facts and the safety lines match one for one: a bilingual document
sets them side by side, and a step that says something else in one language must never print.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..content import RoutineDoc, routines_by_id
from ..errors import HandoutsError, Problem, display_path
from ..layout_models import Layout
from ..models import Personalisation
from ..translations import base_language, compare, languages_by_id, original_id
from .jobs import HandoutJob, Job

OPTION = "--also"

LANGUAGE = re.compile(r"^[a-z]{2}$")
"""A second language as ``--also`` takes it: the two-letter code routines name their language with."""


def language_of(value: str, option: str = OPTION) -> str:
    """``value`` as a language code ('ES' and 'es-MX' mean 'es'); anything else is a problem."""
    code = value.strip().split("-")[0].lower()
    if not LANGUAGE.match(code):
        shown = value if len(value) <= 40 else value[:40] + "…"  # a pasted page is not repeated back
        raise HandoutsError(Problem(option, None, "", f"{shown!r} is not a language code; give one such as es or fr"))
    return code


def _original(doc: RoutineDoc) -> str:
    """The id of the routine ``doc`` restates (its own id for an original)."""
    if doc.routine.translation_of:
        return doc.routine.translation_of
    suffix = "-" + base_language(doc.routine)
    return doc.id[: -len(suffix)] if doc.id.endswith(suffix) else doc.id


def translation_into(doc: RoutineDoc, language: str, option: str = OPTION) -> RoutineDoc:
    """The routine that says what ``doc`` says in ``language``: its translation, its original, or
    another translation of its original; checked against that original, step for step."""
    if base_language(doc.routine) == language:
        raise HandoutsError(Problem(option, None, "", f"'{language}' is the language of {doc.id} already; name the "
                                                      "other language to print beside it"))
    folder = doc.path.parent
    root = _original(doc)
    found, broken, _ = routines_by_id(folder, {root, f"{root}-{language}"}, translations=False)
    found.setdefault(doc.id, doc)
    ids = set(found)
    family = [d for d in found.values() if d.id == root or original_id(d, ids) == root]
    chosen = [d for d in family if base_language(d.routine) == language]
    if not chosen:
        if f"{root}-{language}" in broken:
            raise HandoutsError(broken[f"{root}-{language}"])
        known = languages_by_id(family).get(root) or [base_language(doc.routine)]
        raise HandoutsError(Problem(option, None, "", f"{doc.id} has no translation into '{language}': no routine in "
                                                      f"{display_path(folder)} says translation_of: {root} with "
                                                      f"language: {language}; {root} is in {', '.join(known)}"))
    if len(chosen) > 1:
        files = ", ".join(display_path(d.path) for d in chosen)
        raise HandoutsError(Problem(option, None, "", f"{root} has {len(chosen)} translations into '{language}' "
                                                      f"({files}); keep one"))
    second = chosen[0]
    original = found.get(root)
    problems: list[Problem] = []
    if original is None:
        problems.append(Problem(display_path(doc.path), doc.located.line_of(("translation_of",)), "translation_of",
                                f"names '{root}', which is not a routine in {display_path(folder)}"))
    else:
        for side in (doc, second):
            if side.id != root:
                problems += compare(side, original)
    if problems:
        raise HandoutsError(list(dict.fromkeys(problems)))
    return second


def refuse_one_language(chosen: list[tuple[str, Layout]], also: str | None) -> None:
    """A bilingual layout needs a second language, and a second language a bilingual layout."""
    problems: list[Problem] = []
    for name, layout in chosen:
        if also is None and layout.bilingual is not None:
            problems.append(Problem("--layout", None, "", f"layout '{name}' prints a routine beside its translation; "
                                                          f"add {OPTION} LANG (e.g. {OPTION} es)"))
        elif also is not None and layout.bilingual is None:
            problems.append(Problem(OPTION, None, "", f"layout '{name}' prints one language; choose a bilingual "
                                                      "layout (handouts list shows them as 'bilingual')"))
    if problems:
        raise HandoutsError(problems)


def output_name(doc: RoutineDoc, language: str, layout_label: str) -> str:
    return f"{doc.id}+{language}--{layout_label}.pdf"


def plan_bilingual(docs: list[RoutineDoc], language: str, layouts: list[tuple[str, Layout]], out_dir: Path,
                   personal: Personalisation, named: bool) -> list[Job]:
    """A job per routine and bilingual layout. With no routine named, every original routine with a
    translation into ``language`` (a translation named by itself would ask for its own original)."""
    if not named:
        ids = {d.id for d in docs}
        docs = [d for d in docs if original_id(d, ids) is None and base_language(d.routine) != language]
    jobs: list[Job] = []
    problems: list[Problem] = []
    for doc in docs:
        try:
            second = translation_into(doc, language)
        except HandoutsError as exc:
            if named:
                problems += exc.problems
            continue
        jobs += [HandoutJob(out_dir / output_name(doc, language, label), doc, label, layout, personal, "pdf",
                            also=second) for label, layout in layouts]
    if problems:
        raise HandoutsError(list(dict.fromkeys(problems)))
    if not jobs:
        raise HandoutsError(Problem(OPTION, None, "", f"no routine here has a translation into '{language}'"))
    return jobs
