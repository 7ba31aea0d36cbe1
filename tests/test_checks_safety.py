"""Safety rules: each fires on its minimal bad routine, stays quiet on a good one, and waivers work."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.checks.safety import RULES, known_rule_ids, run_safety_rules, safety_problems
from handouts.content import load_routine

CASES = Path(__file__).parent / "cases" / "checks"


def failing(name: str) -> list:
    return [r for r in run_safety_rules(load_routine(CASES / f"{name}.yaml").routine) if not r.passed]


def test_every_rule_passes_on_a_reasonable_routine():
    results = run_safety_rules(load_routine(CASES / "good.yaml").routine)
    assert [r.rule for r in results] == list(RULES)
    assert all(r.passed and not r.waived for r in results)


@pytest.mark.parametrize(
    "rule, where",
    [
        ("neck-cautions", "safety.cautions"),
        ("spine-pressure", "steps[2].regions"),
        ("neck-red-flags", "safety.red_flags"),
        ("firm-front-neck", "steps[1].pressure"),
        ("clinician-assessment", "assessment"),
        ("seek-care", "safety"),
    ],
)
def test_each_rule_fires_on_its_bad_routine_and_only_it(rule, where):
    broken = failing(rule)
    assert [(r.rule, r.where) for r in broken] == [(rule, where)]
    r = broken[0]
    assert not r.waived and not r.ok
    assert r.message and r.hint == RULES[rule].hint


def test_rule_results_carry_a_field_path_and_a_line():
    doc = load_routine(CASES / "firm-front-neck.yaml")
    (problem,) = safety_problems(doc)
    assert problem.line == 13  # the 'pressure: firm' line
    assert problem.field == "steps[1].pressure"
    assert "firm-front-neck" in problem.message and "side_of_neck" in problem.message


def test_neck_red_flags_names_the_missing_concepts():
    (r,) = failing("neck-red-flags")
    assert "pain spreading to the arm" in r.message and "headache changes" in r.message
    assert "dizziness" not in r.message and "numbness" not in r.message


def test_numbness_in_the_arms_is_not_arm_pain():
    routine = load_routine(CASES / "good.yaml").routine
    flags = ["Dizziness.", "Numbness or tingling in your arms.", "A new headache."]
    changed = routine.model_copy(update={"safety": routine.safety.model_copy(update={"red_flags": flags})})
    (r,) = [r for r in run_safety_rules(changed) if not r.passed]
    assert r.rule == "neck-red-flags" and r.message.endswith("pain spreading to the arm")


def test_a_waiver_silences_a_rule_and_keeps_its_reason():
    results = run_safety_rules(load_routine(CASES / "waived.yaml").routine)
    (r,) = [r for r in results if r.rule == "firm-front-neck"]
    assert (r.passed, r.waived, r.ok) == (False, True, True)
    assert r.reason.startswith("The palm spreads the pressure")
    assert all(r.ok for r in results)
    assert safety_problems(load_routine(CASES / "waived.yaml")) == []


def test_an_unknown_waiver_rule_is_an_error_with_a_suggestion():
    doc = load_routine(CASES / "unknown-waiver.yaml")
    (r,) = failing("unknown-waiver")
    assert r.rule == "unknown-waiver" and r.where == "waivers[1].rule"
    assert "'firm-neck'" in r.message and "did you mean 'firm-front-neck'" in r.message
    (problem,) = safety_problems(doc)
    assert problem.line == 35


def test_literacy_warnings_are_known_waivable_rules():
    assert {"reading-grade", "long-sentence", "undefined-term", "pemat-score"} <= set(known_rule_ids())
    assert set(RULES) <= set(known_rule_ids())
