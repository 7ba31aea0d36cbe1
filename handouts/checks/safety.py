"""Safety rules every routine must pass before it is built.

A handout is only as safe as what it says about stopping: these rules check
that the safety content matches the body regions and pressures a routine
uses. Each rule has an id (a slug), a plain message and a hint saying how to
fix it. A routine may waive a rule only with a ``waivers:`` entry naming the
rule and giving a written reason; a waiver naming a rule that does not exist
is itself an error (``unknown-waiver``), so a typo cannot silently switch a
rule off.

``run_safety_rules(routine)`` returns one :class:`RuleResult` per rule (and
per offending step for step rules); ``handouts build`` refuses a routine with
any result that is neither passed nor waived (see :func:`safety_problems`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..content import RoutineDoc
from ..errors import Problem
from ..models import Audience, Pressure, Region, Routine
from ..located import Loc, format_loc
from .languages import ENGLISH_SAFETY, SafetyWords, UnknownLanguage, language_of
from .pemat import PEMAT_RULES
from .readability import LITERACY_RULES, step_locs


@dataclass(frozen=True)
class Rule:
    id: str
    message: str
    hint: str


NECK = (Region.suboccipitals, Region.back_of_neck, Region.side_of_neck, Region.scm,
        Region.upper_trapezius, Region.levator_scapulae)
SPINE = (Region.beside_spine, Region.lower_back, Region.sacrum, Region.upper_back)
FRONT_NECK = (Region.side_of_neck, Region.scm)

RULES: dict[str, Rule] = {r.id: r for r in [
    Rule("neck-cautions",
         "works on the neck but lists no cautions",
         "add safety.cautions, e.g. 'Use light pressure on the neck and stay off the front of the throat.'"),
    Rule("spine-pressure",
         "works on the back but never says not to press on the spine or bones",
         "add a caution such as 'Press on the muscles beside the spine, never on the spine or other bones.'"),
    Rule("neck-red-flags",
         "works on the neck but its red flags miss some warning signs",
         "list each in safety.red_flags: dizziness, numbness or tingling, pain spreading to the arm, a new or changed headache"),
    Rule("firm-front-neck",
         "uses firm pressure on the side or front of the neck, over the big blood vessels",
         "use light pressure here (pressure: light), or move the firm work to the top of the shoulders"),
    Rule("clinician-assessment",
         "is for clinicians but has no assessment items",
         "add assessment: the questions and checks to do before treating (red flags, movement, history)"),
    Rule("seek-care",
         "never says when to stop and seek care",
         "add safety.red_flags or safety.seek_care, e.g. 'See a doctor if the pain lasts more than a few days.'"),
]}
"""The safety rules, by id, in the order they are reported."""

UNKNOWN_WAIVER = "unknown-waiver"


def known_rule_ids() -> list[str]:
    """Every id a waiver may name: safety rules and the literacy warnings."""
    return [*RULES, *LITERACY_RULES, *PEMAT_RULES]


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule on one routine (or one step of it).

    ``where`` is the field path (``safety.cautions``, ``steps[3].pressure``);
    ``loc`` is the same place as a tuple, for finding its line in the YAML.
    """

    rule: str
    passed: bool
    waived: bool
    message: str
    hint: str
    where: str
    loc: Loc = ()
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True unless the rule is broken and not waived: what ``build`` asks."""
        return self.passed or self.waived


# --------------------------------------------------------------------------- concept finders

RED_FLAG_CONCEPTS: dict[str, re.Pattern[str]] = ENGLISH_SAFETY.red_flags
"""Each concept an English neck routine's red flags must cover (other languages: :mod:`.languages`)."""


def _regions(routine: Routine) -> set[Region]:
    found = set(routine.regions)
    for _, step in step_locs(routine):
        found.update(step.regions)
    return found


def _step_label(loc: Loc, routine: Routine) -> str:
    number = [l for l, _ in step_locs(routine)].index(loc) + 1
    return f"step {number}"


# --------------------------------------------------------------------------- rules


def _check(routine: Routine) -> list[RuleResult]:
    """Every rule's raw outcome, before waivers."""
    out: list[RuleResult] = []

    def result(rule: str, passed: bool, loc: Loc, message: str | None = None) -> None:
        r = RULES[rule]
        out.append(RuleResult(rule, passed, False, message or r.message, r.hint, format_loc(loc), loc))

    regions = _regions(routine)
    safety = routine.safety
    neck = sorted(r.value for r in regions if r in NECK)
    try:
        vocabulary: SafetyWords | None = language_of(routine.language).safety
        unreadable = ""
    except UnknownLanguage as exc:
        vocabulary, unreadable = None, f"cannot be checked: {exc}"

    # neck-cautions
    if neck:
        result("neck-cautions", bool(safety.cautions), ("safety", "cautions"),
               None if safety.cautions else f"works on the neck ({', '.join(neck)}) but lists no cautions")
    else:
        result("neck-cautions", True, ("regions",), "does not apply: no neck regions")

    # spine-pressure
    back_steps = [(loc, s) for loc, s in step_locs(routine) if any(r in SPINE for r in s.regions)]
    back_regions = sorted({r.value for r in regions if r in SPINE})
    if back_regions:
        texts = [*safety.cautions, *(s.caution for _, s in step_locs(routine) if s.caution)]
        said = vocabulary is not None and any(vocabulary.spine.search(t) for t in texts)
        where = back_steps[0][0] + ("regions",) if back_steps else ("regions",)
        result("spine-pressure", said, ("safety", "cautions") if said else where,
               None if said else unreadable or
               f"works on {', '.join(back_regions)} but no caution says not to press on the spine or bones")
    else:
        result("spine-pressure", True, ("regions",), "does not apply: no back regions")

    # neck-red-flags
    if neck:
        flags = " ".join([*safety.red_flags, *([safety.seek_care] if safety.seek_care else [])])
        concepts = vocabulary.red_flags if vocabulary else {}
        missing = [name for name, pattern in concepts.items() if not pattern.search(flags)]
        result("neck-red-flags", vocabulary is not None and not missing, ("safety", "red_flags"),
               unreadable or (None if not missing else
                              f"works on the neck but its red flags do not mention: {', '.join(missing)}"))
    else:
        result("neck-red-flags", True, ("regions",), "does not apply: no neck regions")

    # firm-front-neck: one result per offending step
    firm = [(loc, s) for loc, s in step_locs(routine)
            if s.pressure == Pressure.firm and any(r in FRONT_NECK for r in s.regions)]
    for loc, step in firm:
        on = ", ".join(r.value for r in step.regions if r in FRONT_NECK)
        result("firm-front-neck", False, loc + ("pressure",),
               f"{_step_label(loc, routine)} '{step.title}' uses firm pressure on {on}, over the big blood vessels of the neck")
    if not firm:
        result("firm-front-neck", True, ("steps",), "no step uses firm pressure on the side or front of the neck")

    # clinician-assessment
    if routine.audience == Audience.clinician:
        result("clinician-assessment", bool(routine.assessment), ("assessment",))
    else:
        result("clinician-assessment", True, ("audience",), "does not apply: not a clinician routine")

    # seek-care
    result("seek-care", bool(safety.red_flags or safety.seek_care), ("safety",))
    return out


def run_safety_rules(routine: Routine) -> list[RuleResult]:
    """Run every safety rule on ``routine`` and apply its waivers.

    A broken rule named by a waiver comes back with ``waived=True`` and the
    waiver's reason; a waiver naming no known rule adds an ``unknown-waiver``
    result that fails and cannot be waived.
    """
    waivers = {w.rule: w for w in routine.waivers}
    results = []
    for r in _check(routine):
        w = waivers.get(r.rule)
        if w is not None and not r.passed:
            r = RuleResult(r.rule, r.passed, True, r.message, r.hint, r.where, r.loc, w.reason)
        results.append(r)
    known = set(known_rule_ids())
    for i, w in enumerate(routine.waivers):
        if w.rule not in known:
            loc: Loc = ("waivers", i, "rule")
            close = difflib.get_close_matches(w.rule, known_rule_ids(), n=1)
            results.append(RuleResult(
                UNKNOWN_WAIVER, False, False,
                f"waiver names unknown rule '{w.rule}'" + (f"; did you mean '{close[0]}'?" if close else ""),
                f"use one of: {', '.join(known_rule_ids())}",
                format_loc(loc), loc,
            ))
    return results


def safety_problems(doc: RoutineDoc) -> list[Problem]:
    """The broken, unwaived rules of a loaded routine as located problems.

    ``handouts build`` raises ``HandoutsError(safety_problems(doc))`` when this
    is not empty, so an unsafe routine is never printed.
    """
    return [
        Problem(doc.located.name, doc.located.line_of(r.loc), r.where, f"{r.rule}: {r.message} (fix: {r.hint})")
        for r in run_safety_rules(doc.routine)
        if not r.ok
    ]
