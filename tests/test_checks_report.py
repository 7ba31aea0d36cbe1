"""The per-routine report: findings, waivers of warnings, and the stable JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

from handouts.checks import check_routine, format_report, report_json
from handouts.content import RoutineDoc, load_routine
from handouts.models import Waiver

CASES = Path(__file__).parent / "cases" / "checks"
SECTIONS = ["title", "summary", "what_you_need", "safety", "steps", "tracking_log", "notes"]


def check(name: str):
    return check_routine(load_routine(CASES / f"{name}.yaml"), SECTIONS)


def test_good_routine_has_no_findings():
    c = check("good")
    assert c.findings == [] and c.errors == [] and c.warnings == []


def test_undefined_term_is_a_warning_at_its_first_field_and_line():
    c = check("undefined-term")
    assert c.errors == []
    (w,) = c.warnings
    assert (w.rule, w.where, w.line) == ("undefined-term", "steps[1].instruction", 11)
    assert "'effleurage'" in w.message and "glossary" in w.hint


def test_broken_safety_rule_is_an_error():
    c = check("firm-front-neck")
    assert [(f.rule, f.severity, f.line) for f in c.errors] == [("firm-front-neck", "error", 13)]


def test_a_warning_can_be_waived_with_a_reason():
    doc = load_routine(CASES / "undefined-term.yaml")
    routine = doc.routine.model_copy(update={"waivers": [Waiver(rule="undefined-term", reason="Taught in class.")]})
    c = check_routine(RoutineDoc(routine, doc.path, doc.located), SECTIONS)
    (f,) = c.findings
    assert f.waived and f.reason == "Taught in class."
    assert c.warnings == [] and c.errors == []


def test_reading_grade_and_long_sentence_warnings():
    doc = load_routine(CASES / "good.yaml")
    hard = doc.routine.model_copy(update={
        "summary": "This comprehensive therapeutic intervention facilitates musculoskeletal relaxation throughout "
                   "the posterior musculature, and it is particularly beneficial following prolonged computer "
                   "utilisation, occupational immobility and considerable psychological preoccupation.",
    })
    c = check_routine(RoutineDoc(hard, doc.path, doc.located), SECTIONS)
    rules = {f.rule: f for f in c.warnings}
    assert set(rules) == {"reading-grade", "long-sentence"}
    assert rules["long-sentence"].where == "summary" and rules["long-sentence"].line == 4
    assert "aim for at most 8 / 9" in rules["reading-grade"].message


KEYS = {"version", "layout", "routines", "summary"}
ROUTINE_KEYS = {"id", "file", "title", "audience", "language", "readability", "terms", "safety", "pemat", "findings",
                "errors", "warnings"}
READABILITY_KEYS = {"scores", "words", "sentences",
                    "avg_sentence_words", "longest_sentence", "long_words", "polysyllables", "passive"}
PLACE = {"field", "line"}


def test_json_shape_is_stable():
    doc = load_routine(CASES / "undefined-term.yaml")
    passive = doc.routine.model_copy(update={"tips": ["The towel is folded twice."]})
    checks = [check("waived"), check_routine(RoutineDoc(passive, doc.path, doc.located), SECTIONS)]
    data = json.loads(json.dumps(report_json(checks, "handout-a4")))
    assert set(data) == KEYS
    assert data["version"] == 2 and data["layout"] == "handout-a4"
    assert data["summary"] == {"routines": 2, "errors": 0, "warnings": 1}
    waived, term = data["routines"]
    for r in (waived, term):
        assert set(r) == ROUTINE_KEYS
        assert set(r["readability"]) == READABILITY_KEYS
        assert [(x["formula"], x["scale"]) for x in r["readability"]["scores"]] == [
            ("Flesch-Kincaid", "grade"), ("SMOG", "grade")]
        assert all(set(x) == {"formula", "scale", "value", "target", "ok"} for x in r["readability"]["scores"])
        assert set(r["readability"]["longest_sentence"]) == {"words", "text"} | PLACE
        assert set(r["readability"]["long_words"]) == {"count", "examples"}
        assert set(r["pemat"]) == {"score", "understandable", "actionable", "met", "judged", "items",
                                   "review_by_hand"}
        assert all(set(i) == {"id", "label", "category", "status", "detail"} for i in r["pemat"]["items"])
        assert all(set(s) == {"rule", "passed", "waived", "message", "hint", "reason"} | PLACE for s in r["safety"])
        assert all(set(f) == {"severity", "rule", "message", "hint", "waived", "reason"} | PLACE
                   for f in r["findings"])
    assert set(term["terms"][0]) == {"term", "defined"} | PLACE
    assert [set(p) for p in term["readability"]["passive"]] == [{"text"} | PLACE]
    (finding,) = waived["findings"]
    assert finding["waived"] is True and finding["severity"] == "error" and finding["line"] == 13
    assert (waived["errors"], waived["warnings"], term["errors"], term["warnings"]) == (0, 0, 0, 1)


def test_text_report_has_one_aligned_block_per_routine():
    text = format_report([check("good"), check("firm-front-neck")])
    blocks = text.split("\n\n")
    assert blocks[0].startswith("good  (") and blocks[1].startswith("firm-front-neck  (")
    for label in ("Reading grade", "Sentences", "Long words", "Passive voice", "Terms", "PEMAT-P", "Safety rules"):
        assert f"\n  {label:<16}" in blocks[0]
    assert "FAILED: firm-front-neck" in blocks[1]
    assert ":13: steps[1].pressure: firm-front-neck:" in blocks[1]
    assert text.endswith("2 routine(s) checked: 1 error(s), 0 warning(s).")


def test_pemat_in_the_report_reuses_the_readability_terms_with_the_same_result():
    from handouts.checks import pemat_report
    from handouts.content import load_content

    for doc in load_content([Path(__file__).resolve().parent.parent / "content"]).routines:
        sections = ["title", "summary", "steps", "safety", "tracking_log"]
        assert check_routine(doc, sections).pemat == pemat_report(doc.routine, sections), doc.id
