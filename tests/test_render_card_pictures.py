"""Step pictures on cards: a small body map per step where the layout says so and there is room, none elsewhere."""

from __future__ import annotations

import io
from functools import cache

import pytest
from pypdf import PdfReader

from handouts.content import ContentSet, load_content
from handouts.layouts import LayoutLibrary
from handouts.pipeline.render import render_card_pdf
from handouts.render.card import CueRow, compose_card

from shipped import CARD_LAYOUTS, CONTENT_DIR, ROUTINES

LIBRARY = LayoutLibrary()


@cache
def content() -> ContentSet:
    return load_content([CONTENT_DIR])


def step_pictures_per_page(routine_id: str, layout_name: str) -> list[int]:
    """Step pictures (named form XObjects) placed on each page, read back from the PDF."""
    routine = content().by_id()[routine_id].routine
    pdf = render_card_pdf(routine, LIBRARY.get(layout_name), content().clinic, layout_name=layout_name)
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        out.append(sum(1 for name in xobjects if name.startswith("/FormXob.card-step-")))
    return out


def test_every_card_layout_says_whether_it_carries_pictures():
    assert {name: LIBRARY.get(name).card.pictures for name in CARD_LAYOUTS} == {
        "card-a6": "steps", "card-index": "steps",
        "card-business-us": "none", "card-credit": "none", "card-foldout": "none",
    }


@pytest.mark.parametrize("routine_id", ["self-neck-back", "self-neck-tools", "partner-back"])
def test_a6_shows_a_picture_per_step(routine_id):
    routine = content().by_id()[routine_id].routine
    counts = step_pictures_per_page(routine_id, "card-a6")
    assert counts[0] == len([s for s in routine.all_steps if s.regions]) > 0
    assert counts[1::2] == [0] * (len(counts) // 2), "backs carry no step pictures"


@pytest.mark.parametrize("routine_id", ROUTINES)
@pytest.mark.parametrize("layout_name", ["card-credit", "card-business-us", "card-foldout"])
def test_wallet_cards_carry_no_step_pictures(routine_id, layout_name):
    assert set(step_pictures_per_page(routine_id, layout_name)) == {0}


@pytest.mark.parametrize("routine_id", ROUTINES)
@pytest.mark.parametrize("layout_name", ["card-a6", "card-index"])
def test_pictures_never_cost_a_card(routine_id, layout_name):
    """Pictures go before the text shrinks or a card is added: the count is the one without them."""
    routine = content().by_id()[routine_id].routine
    layout = LIBRARY.get(layout_name)
    plain = layout.model_copy(update={"card": layout.card.model_copy(update={"pictures": "none"})})
    with_pictures = compose_card(routine, layout, content().clinic, layout_name)
    without = compose_card(routine, plain, content().clinic, layout_name)
    assert len(with_pictures.fronts) == len(without.fronts)


def test_a_picture_sits_inside_its_step_row_and_the_safe_zone():
    cards = compose_card(content().by_id()["self-neck-back"].routine, LIBRARY.get("card-a6"), content().clinic, "card-a6")
    face = cards.fronts[0]
    rows = [p for p in face.placed if isinstance(p.flowable, CueRow)]
    assert rows and all(len(p.flowable.icons) == 1 for p in rows)
    safe = face.safe[0]
    for p in rows:
        pic = p.flowable.icons[0]
        assert pic.height <= p.h + 0.01 and pic.width < p.w / 3
        assert safe.x - 0.01 <= p.x and p.x + p.w <= safe.right + 0.01 and safe.y - 0.01 <= p.y


def test_every_copy_on_a_sheet_places_the_same_pictures():
    """A sheet of A6 cards defines each step picture once and places it on every copy."""
    routine = content().by_id()["self-neck-back"].routine
    pdf = render_card_pdf(routine, LIBRARY.get("card-a6"), content().clinic, sheet="a4", copies=2, layout_name="card-a6")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    names = [n for n in (page["/Resources"].get("/XObject") or {}) if n.startswith("/FormXob.card-step-")]
    steps = len([s for s in routine.all_steps if s.regions])
    assert len(names) == steps
    stream = page.get_contents().get_data().decode("latin-1")
    placed = stream.count("/FormXob.card-step-")
    for name, face in (page["/Resources"].get("/XObject") or {}).items():  # a repeated card face is placed as a form
        if name.startswith("/FormXob.CardFace"):
            placed += stream.count(f"{name} Do") * face.get_object().get_data().decode("latin-1").count("/FormXob.card-step-")
    cards_on_page = placed // steps
    assert cards_on_page >= 2 and placed == cards_on_page * steps
