"""Reading grades, sentences, passive voice and medical terms."""

from __future__ import annotations

from pathlib import Path

import pytest
import textstat

from handouts.checks.readability import (
    TERMS,
    is_passive,
    readability_report,
    reader_text,
    scoring_text,
    term_uses,
)
from handouts.content import load_routine
from handouts.models import Routine

CASES = Path(__file__).parent / "cases" / "checks"


def good() -> Routine:
    return load_routine(CASES / "good.yaml").routine


def with_changes(routine: Routine, **changes) -> Routine:
    """A copy of ``routine`` with some fields replaced, validated again."""
    data = routine.model_dump(mode="python", exclude_none=True)
    data.update(changes)
    for key in ("time",):
        data[key] = str(getattr(routine, key))
    for step in data.get("steps", []):
        step.pop("dosage", None)
    return Routine.model_validate(data)


# --------------------------------------------------------------------------- textstat


# Expected values published with textstat 0.7.8 (tests/backend/metrics/
# test_flesch_kincaid_grade.py and test_smog_index.py, texts from resources.py).
PUBLISHED = [
    ("Cool dogs wear da sunglasses.", 2.88, 8.842),
    (
        "Anna and her family love doing puzzles. Anna is best at little puzzles. Anna and her brother "
        "work on medium size puzzles together. Anna's Brother likes puzzles with cars in them. When the "
        "whole family does a puzzle, they do really big puzzles. It can take them a week to finish a "
        "really big puzzle. Last year they did a puzzle with 500 pieces! Anna tries to finish one small "
        "puzzle a day by her. Her puzzles have about 50 pieces. They all glue their favorite puzzles "
        "together and frame them. The puzzles look so nice on the wall.",
        4.488,
        7.348,
    ),
]


@pytest.mark.parametrize("text, fk, smog", PUBLISHED)
def test_textstat_matches_its_published_examples(text, fk, smog):
    assert textstat.flesch_kincaid_grade(text) == pytest.approx(fk, abs=0.01)
    assert textstat.smog_index(text) == pytest.approx(smog, abs=0.01)


def test_flesch_kincaid_by_hand_on_one_syllable_words():
    # 6 words, 6 syllables, 1 sentence: 0.39 * 6 + 11.8 * 1 - 15.59 = -1.45
    assert textstat.flesch_kincaid_grade("The cat sat on the mat.") == pytest.approx(-1.45, abs=0.01)
    # no word of 3+ syllables: SMOG is its constant, 3.1291
    assert textstat.smog_index("The cat sat on the mat.") == pytest.approx(3.1291, abs=0.001)


def test_report_grades_are_textstat_on_the_reader_text():
    routine = good()
    text = scoring_text(reader_text(routine))
    report = readability_report(routine)
    assert report.fk_grade == round(textstat.flesch_kincaid_grade(text), 1)
    assert report.smog_grade == round(textstat.smog_index(text), 1)


def test_harder_wording_raises_both_grades():
    plain = readability_report(good())
    hard = readability_report(with_changes(
        good(),
        summary="A comprehensive therapeutic intervention facilitating musculoskeletal relaxation "
                "throughout the posterior cervical and thoracic musculature, particularly beneficial "
                "following prolonged computer utilisation and occupational immobility.",
    ))
    assert hard.fk_grade > plain.fk_grade + 1
    assert hard.smog_grade > plain.smog_grade + 1
    assert {"comprehensive", "therapeutic", "intervention"} <= set(hard.long_words)


# --------------------------------------------------------------------------- which text counts


def test_reader_text_covers_reader_fields_in_order_and_leaves_out_the_rest():
    routine = with_changes(
        good(),
        setup=["Find a quiet chair."],
        equipment=["A tennis ball"],
        tips=["Breathe out slowly."],
        hand_tips=[{"text": "Keep your wrists straight."}],
        glossary=[{"term": "fascia", "definition": "a thin layer around the muscles"}],
    )
    wheres = [p.where for p in reader_text(routine)]
    assert wheres[:4] == ["title", "summary", "position", "setup[1]"]
    assert wheres.index("steps[1].title") < wheres.index("steps[1].instruction") < wheres.index("steps[2].caution")
    assert wheres.index("steps[2].caution") < wheres.index("hand_tips[1].text") < wheres.index("tips[1]")
    assert wheres[-1] == "safety.seek_care"
    assert "safety.red_flags[4]" in wheres
    assert not any(w.startswith(("equipment", "glossary", "source", "assessment")) for w in wheres)


def test_sentences_longest_and_average():
    report = readability_report(good())
    assert report.longest.where == "summary"
    assert report.longest.words == 14
    assert report.avg_sentence_words == round(report.words / report.sentences, 1)
    assert report.long_sentences == []


# --------------------------------------------------------------------------- passive voice


@pytest.mark.parametrize(
    "sentence, passive",
    [
        ("The muscle is stretched by the helper.", True),
        ("It was done too fast.", True),
        ("A sudden injury that is not treated can last.", True),
        ("The muscles are closely linked.", True),
        ("Make sure your partner is relaxed.", False),
        ("Press firmly with your palm.", False),
        ("You need a towel.", False),
        ("The bed is red.", False),
        ("Your neck was sore.", False),
        ("Do not massage where the skin is broken.", False),
    ],
)
def test_passive_voice_heuristic(sentence, passive):
    assert is_passive(sentence) is passive


# --------------------------------------------------------------------------- terms


def _uses(**changes):
    return {u.term: u for u in term_uses(with_changes(good(), **changes))}


def test_term_without_glossary_is_undefined_and_located_at_first_use():
    uses = _uses(position="Lie supine on the bed.", tips=["Stay supine for a minute."])
    assert uses["supine"].defined is False
    assert uses["supine"].where == "position"


def test_glossary_defines_a_term_in_any_case_or_number():
    uses = _uses(
        tips=["Relax the Trapezius and both scapulae."],
        glossary=[{"term": "trapezius", "definition": "the muscle on top of the shoulder"},
                  {"term": "Scapula", "definition": "the shoulder blade"}],
    )
    assert uses["trapezius"].defined and uses["scapula"].defined


def test_a_gloss_in_brackets_defines_a_term():
    uses = _uses(tips=["Rub the top of your shoulders (trapezius).",
                       "Avoid the carotid (the big blood vessel in the neck)."])
    assert uses["trapezius"].defined and uses["carotid"].defined


def test_terms_match_whole_words_only():
    uses = _uses(tips=["Avoid hyperextension and extensional moves, and don't rotate.",
                       "Use the scm tool with prone care."])
    assert "extension" not in uses and "rotation" not in uses
    assert "SCM" not in uses  # the abbreviation is matched in capitals only
    assert "prone" in uses


def test_multiword_term_is_not_also_reported_as_its_parts():
    uses = _uses(tips=["Stretch the levator scapulae gently."])
    assert "levator scapulae" in uses and "scapula" not in uses


def test_every_term_the_issue_names_is_flagged():
    names = {t.name for t in TERMS}
    assert {"effleurage", "suboccipitals", "levator scapulae", "trapezius", "sternocleidomastoid", "SCM",
            "cervical", "occiput", "sacrum", "fascia", "scapula", "paraspinal", "carotid", "traction",
            "supine", "flexion", "extension", "rotation", "palpate"} <= names
    uses = _uses(tips=["Find the sub-occipitals and the suboccipital ridge."])
    assert uses["suboccipitals"].defined is False
