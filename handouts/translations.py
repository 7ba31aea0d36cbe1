"""Translations of a routine: which routines restate which, and whether they still say the same.

A translation is read by someone who cannot check it against the English, so
everything a renderer or a safety rule counts must match its original: the
steps and what each works on, how hard and how long, and every safety line.
Only the words may differ. A translation names its original with
``translation_of``; a routine without it whose id is ``<id>-<lang>`` (its own
language) is taken as a translation of ``<id>`` when that routine exists.
"""

from __future__ import annotations

from .content import RoutineDoc
from .errors import Problem, display_path
from .located import Loc
from .models import Routine

SAFETY_GROUPS = ("cautions", "red_flags", "contraindications", "card_summary")
STEP_FACTS = ("regions", "hand_use", "pressure", "motion", "dosage")
"""What a step's translation keeps exactly: the values the pictures, pictograms and dosage lines are drawn from."""


def base_language(routine: Routine) -> str:
    return routine.language.split("-")[0].lower()


def original_id(doc: RoutineDoc, ids: set[str]) -> str | None:
    """The id of the routine ``doc`` translates, or None for an original."""
    routine = doc.routine
    if routine.translation_of:
        return routine.translation_of
    suffix = "-" + base_language(routine)
    if routine.id.endswith(suffix) and routine.id[: -len(suffix)] in ids:
        return routine.id[: -len(suffix)]
    return None


def languages_by_id(docs: list[RoutineDoc]) -> dict[str, list[str]]:
    """Each original's languages, its own first ('partner-neck': ['en', 'es', 'fr']); a translation
    maps to its own language only."""
    ids = {d.id for d in docs}
    found: dict[str, list[str]] = {d.id: [base_language(d.routine)] for d in docs}
    for doc in docs:
        of = original_id(doc, ids)
        if of in found and base_language(doc.routine) not in found[of]:
            found[of].append(base_language(doc.routine))
    return {rid: [langs[0], *sorted(langs[1:])] for rid, langs in found.items()}


def _step_locs(routine: Routine) -> list[Loc]:
    if routine.phases:
        return [("phases", p, "steps", s) for p, phase in enumerate(routine.phases) for s in range(len(phase.steps))]
    return [("steps", s) for s in range(len(routine.steps))]


def _shown(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return ", ".join(getattr(v, "value", str(v)) for v in value) or "nothing"
    if hasattr(value, "compact"):
        return value.compact()
    return str(getattr(value, "value", value))


def compare(doc: RoutineDoc, original: RoutineDoc) -> list[Problem]:
    """Every way ``doc`` says something other than ``original`` besides its words."""
    t, o = doc.routine, original.routine
    where = f"its original {o.id} ({display_path(original.path)})"
    problems: list[Problem] = []

    def say(loc: Loc, message: str) -> None:
        problems.append(doc.located.problem(loc, message))

    if base_language(t) == base_language(o):
        say(("language",), f"is '{t.language}', the language of {where}; a translation is in another language")
    if t.audience != o.audience:
        say(("audience",), f"is '{t.audience.value}' but {where} is for '{o.audience.value}'")
    t_steps, o_steps = t.all_steps, o.all_steps
    if len(t_steps) != len(o_steps):
        say(("phases" if t.phases else "steps",),
            f"has {len(t_steps)} steps but {where} has {len(o_steps)}; a translation keeps every step, in order")
    else:
        for number, (loc, ts, os_) in enumerate(zip(_step_locs(t), t_steps, o_steps), start=1):
            for name in STEP_FACTS:
                if getattr(ts, name) != getattr(os_, name):
                    say(loc + (name,), f"is {_shown(getattr(ts, name))} but step {number} of {where} "
                                       f"says {_shown(getattr(os_, name))}; a translation keeps them")
            if (ts.caution is None) != (os_.caution is None):
                say(loc + ("caution",), f"{'is missing' if ts.caution is None else 'is not'} in step "
                                        f"{number} of {where}; a translation keeps every safety line")
    for group in SAFETY_GROUPS:
        mine, theirs = getattr(t.safety, group), getattr(o.safety, group)
        if len(mine) != len(theirs):
            say(("safety", group), f"has {len(mine)} lines but {where} has {len(theirs)}; "
                                   "a translation keeps every safety line, one for one")
    if (t.safety.seek_care is None) != (o.safety.seek_care is None):
        say(("safety", "seek_care"), f"{'is missing' if t.safety.seek_care is None else 'is not'} in {where}; "
                                     "a translation keeps every safety line")
    if sorted(w.rule for w in t.waivers) != sorted(w.rule for w in o.waivers):
        say(("waivers",), f"waives {_shown(sorted(w.rule for w in t.waivers))} but {where} waives "
                          f"{_shown(sorted(w.rule for w in o.waivers))}; a translation keeps the same waivers")
    return problems


def _beside(doc: RoutineDoc, of: str) -> RoutineDoc | None:
    """The original from the translation's own folder, when only the translation was named
    (``handouts check content/partner-neck-es.yaml``); a broken original reports its own problems."""
    from .content import routines_by_id
    from .errors import HandoutsError

    try:
        found, _, _ = routines_by_id(doc.path.parent, {of}, translations=False)
    except HandoutsError:
        return None
    return found.get(of)


def translation_problems(docs: list[RoutineDoc]) -> list[Problem]:
    """Problems of every translation among ``docs`` against its original (also among ``docs``)."""
    by_id = {d.id: d for d in docs}
    problems: list[Problem] = []
    for doc in docs:
        of = original_id(doc, set(by_id))
        if of is None or (doc.routine.translation_of is None and of not in by_id):
            continue
        original = by_id.get(of) or _beside(doc, of)
        if original is None:
            problems.append(doc.located.problem(("translation_of",), f"names '{of}', which is not a routine here; "
                                                "give the id of the routine this one translates"))
        elif original.routine.translation_of or of == doc.id:
            problems.append(doc.located.problem(("translation_of",), f"names '{of}', which is itself a translation; "
                                                "name the original routine"))
        else:
            problems.extend(compare(doc, original))
    return problems
