"""Checks in the routine's own language: its reading formulas, syllables and safety words."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.checks import check_routine, readability_report
from handouts.checks.languages import (
    Counts,
    fernandez_huerta,
    french_syllables,
    kandel_moles,
    language_of,
    spanish_syllables,
    szigriszt_pazos,
)
from handouts.checks.pemat import pemat_report
from handouts.checks.safety import run_safety_rules
from handouts.content import load_routine

CASES = Path(__file__).parent / "cases"


def _broken(folder: str, name: str) -> dict[str, str]:
    results = run_safety_rules(load_routine(CASES / folder / f"{name}.yaml").routine)
    return {r.rule: r.message for r in results if not r.ok}


@pytest.mark.parametrize("folder", ["checks-es", "checks-fr"])
def test_every_safety_rule_passes_on_a_good_routine_in_its_language(folder):
    assert _broken(folder, "good") == {}


@pytest.mark.parametrize("folder, rule, message", [
    ("checks-es", "neck-red-flags",
     "works on the neck but its red flags do not mention: pain spreading to the arm, headache changes"),
    ("checks-es", "spine-pressure",
     "works on upper_back but no caution says not to press on the spine or bones"),
    ("checks-fr", "neck-red-flags",
     "works on the neck but its red flags do not mention: dizziness, numbness or tingling"),
    ("checks-fr", "spine-pressure",
     "works on upper_back but no caution says not to press on the spine or bones"),
])
def test_each_rule_fires_on_its_bad_routine_and_only_it(folder, rule, message):
    assert _broken(folder, rule) == {rule: message}


def test_spanish_dizziness_is_found_in_spanish_words():
    """'mareo' is how a Spanish routine says dizziness; the English words must not be needed."""
    routine = load_routine(CASES / "checks-es" / "good.yaml").routine
    flags = [f for f in routine.safety.red_flags if "mareo" in f]
    assert flags and "dizz" not in " ".join(routine.safety.red_flags)


def test_a_language_the_checks_do_not_know_is_named_not_checked_in_english():
    routine = load_routine(CASES / "checks-es" / "good.yaml").routine.model_copy(update={"language": "de"})
    broken = {r.rule: r.message for r in run_safety_rules(routine) if not r.ok}
    unknown = "cannot be checked: the checks have no rules for language 'de' (they know: en, es, fr)"
    assert broken == {"neck-red-flags": unknown, "spine-pressure": unknown}
    read = readability_report(routine)
    assert read.scores == [] and "language 'de'" in read.unknown_language


@pytest.mark.parametrize("word, count", [
    ("cuello", 2), ("ahora", 3), ("leer", 2), ("país", 2), ("ciudad", 2), ("hoy", 1), ("y", 1),
    ("músculos", 3), ("hormigueo", 4), ("espalda", 3), ("presión", 2), ("guerra", 2),
])
def test_spanish_syllables(word, count):
    assert spanish_syllables(word) == count


@pytest.mark.parametrize("word, count", [
    ("cou", 1), ("épaule", 2), ("tête", 1), ("douleur", 2), ("naïf", 2), ("os", 1), ("bras", 1),
    ("l'omoplate", 3), ("doucement", 3), ("fourmillements", 4), ("vertiges", 2),
])
def test_french_syllables(word, count):
    assert french_syllables(word) == count


def test_formulas_are_the_published_ones():
    c = Counts(words=100, sentences=10, syllables=200, polysyllables=0)
    assert fernandez_huerta(c) == pytest.approx(206.84 - 60 * 2.0 - 1.02 * 10)
    assert szigriszt_pazos(c) == pytest.approx(206.835 - 62.3 * 2.0 - 10)
    assert kandel_moles(c) == pytest.approx(207 - 1.015 * 10 - 73.6 * 2.0)


@pytest.mark.parametrize("folder, formulas", [
    ("checks-es", ["Szigriszt-Pazos", "Fernández-Huerta"]),
    ("checks-fr", ["Kandel-Moles"]),
])
def test_a_routine_is_scored_with_its_own_languages_formulas(folder, formulas):
    read = readability_report(load_routine(CASES / folder / "good.yaml").routine)
    assert [s.formula for s in read.scores] == formulas
    assert all(s.scale == "ease" and s.ok for s in read.scores), read.scores
    assert read.fk_grade is None and read.passive == [] and read.terms == []


def test_harder_spanish_scores_lower():
    doc = load_routine(CASES / "checks-es" / "good.yaml")
    plain = readability_report(doc.routine)
    hard = readability_report(doc.routine.model_copy(update={"summary": (
        "Una intervención terapéutica complementaria para la musculatura cervical y dorsal, "
        "especialmente recomendable tras jornadas prolongadas delante del ordenador.")}))
    for easy, difficult in zip(plain.scores, hard.scores):
        assert difficult.value < easy.value - 5


def test_spanish_sentences_may_open_with_inverted_marks():
    spanish = language_of("es-MX")
    from handouts.checks.readability import sentences

    assert sentences("¿Te duele? ¡Para ya! Respira.", spanish) == ["¿Te duele?", "¡Para ya!", "Respira."]


def test_english_only_pemat_items_are_unknown_not_judged_on_other_languages():
    routine = load_routine(CASES / "checks-fr" / "good.yaml").routine
    items = {i.id: i for i in pemat_report(routine, None).items}
    for name in ("terms-defined", "active-voice", "addresses-reader"):
        assert items[name].status == "unknown" and "English text only" in items[name].detail


def test_the_report_names_the_formulas_and_the_direction_of_their_targets():
    from handouts.checks.report import format_routine

    text = "\n".join(format_routine(check_routine(load_routine(CASES / "checks-es" / "good.yaml"), None)))
    assert "INFLESZ" in text and "F-H" in text and ">= 55" in text and ">= 60" in text
