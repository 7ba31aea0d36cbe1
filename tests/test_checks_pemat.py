"""PEMAT-P style checklist: each automated item can fail, and the score follows."""

from __future__ import annotations

from pathlib import Path

from handouts.checks.pemat import REVIEW_BY_HAND, pemat_report
from handouts.content import load_routine
from handouts.models import Routine

CASES = Path(__file__).parent / "cases" / "checks"
A4_SECTIONS = ["title", "personal", "summary", "what_you_need", "assessment", "safety", "steps",
               "hand_tips", "tips", "glossary", "tracking_log", "notes", "legend", "source"]


def good() -> Routine:
    return load_routine(CASES / "good.yaml").routine


def with_step(index: int, **changes) -> Routine:
    routine = good()
    steps = list(routine.steps)
    steps[index] = steps[index].model_copy(update=changes)
    return routine.model_copy(update={"steps": steps})


def status(report, item_id: str) -> str:
    return {i.id: i.status for i in report.items}[item_id]


def test_good_routine_meets_every_automated_item():
    report = pemat_report(good(), A4_SECTIONS)
    assert [i.id for i in report.items] == [
        "purpose", "terms-defined", "active-voice", "short-sections", "informative-headers", "summary",
        "visual-aids", "numbered-steps", "addresses-reader", "tangible-tool",
    ]
    assert all(i.status == "met" for i in report.items)
    assert (report.score, report.met, report.judged) == (100, 10, 10)
    assert report.review_by_hand == [label for _, label in REVIEW_BY_HAND]


def test_without_a_layout_the_tangible_tool_is_unknown_and_not_scored():
    report = pemat_report(good(), None)
    assert status(report, "tangible-tool") == "unknown"
    assert (report.met, report.judged, report.score) == (9, 9, 100)


def test_layout_without_log_or_notes_or_summary_loses_points():
    sections = [s for s in A4_SECTIONS if s not in ("tracking_log", "notes", "summary")]
    report = pemat_report(good(), sections)
    assert status(report, "tangible-tool") == "not met"
    assert status(report, "summary") == "not met"
    assert report.score == 80  # 8 of 10
    assert report.actionable == 67 and report.understandable == 86


def test_generic_or_repeated_step_titles_are_not_informative():
    report = pemat_report(with_step(1, title="Step 2"), A4_SECTIONS)
    assert status(report, "informative-headers") == "not met"
    assert "Step 2" in {i.id: i.detail for i in report.items}["informative-headers"]
    report = pemat_report(with_step(1, title=good().steps[0].title), A4_SECTIONS)
    assert "repeated title" in {i.id: i.detail for i in report.items}["informative-headers"]


def test_instructions_must_speak_to_the_reader():
    report = pemat_report(with_step(0, instruction="The therapist glides down the neck."), A4_SECTIONS)
    assert status(report, "addresses-reader") == "not met"
    for ok in ("If it hurts, stop and rest.", "Gently press the muscle.", "You can lean on a wall.",
               "Your hands stay warm.", "Massage the muscle."):
        assert status(pemat_report(with_step(0, instruction=ok), A4_SECTIONS), "addresses-reader") == "met", ok


def test_long_lists_break_short_sections():
    report = pemat_report(with_step(0, actions=[f"Do part {n}." for n in range(8)]), A4_SECTIONS)
    assert status(report, "short-sections") == "not met"
    assert "steps[1].actions has 8 items" in {i.id: i.detail for i in report.items}["short-sections"]


def test_a_step_without_regions_or_picture_has_no_visual_aid():
    report = pemat_report(with_step(1, regions=[]), A4_SECTIONS)
    assert status(report, "visual-aids") == "not met"
    pictured = with_step(1, regions=[], illustration={"alt": "A ball behind the shoulder blade."})
    assert status(pemat_report(pictured, A4_SECTIONS), "visual-aids") == "met"


def test_undefined_terms_and_passive_voice_fail_their_items():
    one = with_step(0, instruction="The SCM is stretched by the helper.")
    report = pemat_report(one, A4_SECTIONS)
    assert status(report, "terms-defined") == "not met"
    assert status(report, "active-voice") == "met"  # 1 passive sentence in 15 is within 10%
    two = one.model_copy(update={"tips": ["The neck is kept warm.", "The towel is folded twice."]})
    report = pemat_report(two, A4_SECTIONS)
    assert status(report, "active-voice") == "not met"
    assert "3 of 17 sentences are passive" in {i.id: i.detail for i in report.items}["active-voice"]
