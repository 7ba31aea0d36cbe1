"""Fitting without drawing: which pieces go on which card, at what size, and what happens when they cannot."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from handouts.content import ContentSet, load_content, load_routine
from handouts.layouts import LayoutLibrary
from handouts.render.card import CardOverflow, CueRow, compose_card

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = LayoutLibrary()
FIXTURES = ROOT / "tests" / "cases" / "cards"


@cache
def content() -> ContentSet:
    return load_content([ROOT / "content"])


def routine_of(routine_id: str):
    return content().by_id()[routine_id].routine


def test_pictograms_when_they_fit():
    cards = compose_card(routine_of("self-neck-back"), LIBRARY.get("card-credit"), content().clinic, "card-credit")
    rows = [p.flowable for f in cards.fronts for p in f.placed if isinstance(p.flowable, CueRow)]
    assert rows and all(row.icons for row in rows)
    no_pictures = LIBRARY.get("card-credit")
    no_pictures = no_pictures.model_copy(update={"card": no_pictures.card.model_copy(update={"pictograms": False})})
    cards = compose_card(routine_of("self-neck-back"), no_pictures, content().clinic, "card-credit")
    assert all(not p.flowable.icons for f in cards.fronts for p in f.placed if isinstance(p.flowable, CueRow))


def test_overflow_fail_names_routine_face_and_what():
    routine = load_routine(FIXTURES / "long-routine.yaml").routine
    fixed = LayoutLibrary(FIXTURES).get(FIXTURES / "card-fixed.yaml")
    with pytest.raises(CardOverflow) as err:
        compose_card(routine, fixed, content().clinic, "card-fixed")
    messages = [str(p) for p in err.value.problems]
    assert messages[0].startswith("long-routine: card-fixed card front: does not fit on one card at the minimum size of 7 pt, "
                                  "from step ")
    assert "overflow: fail" in messages[0]
    assert messages[1].startswith("long-routine: card-fixed card back: ")
