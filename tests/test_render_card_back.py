"""Card backs read at arm's length: sizes, the routine's own summary, QR codes, and fronts filled first."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp

from handouts import labels
from handouts.content import ContentSet, load_content, load_routine
from handouts.errors import HandoutsError
from handouts.layouts import LayoutLibrary
from handouts.models import MAX_CARD_SUMMARY, MAX_CARD_SUMMARY_LINE, Routine
from handouts.pipeline.render import render_card_pdf
from handouts.render import qr
from handouts.render.card import CueRow, compose_card
from handouts.render.card.fit import CardComposer
from handouts.units import MM

from pdfcheck import read_facts
from shipped import CARD_LAYOUTS, CONTENT_DIR, ROUTINES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "cases" / "cards"
LIBRARY = LayoutLibrary()


@cache
def content() -> ContentSet:
    return load_content([CONTENT_DIR])


def routine_of(routine_id: str) -> Routine:
    return content().by_id()[routine_id].routine


def without_summary(routine: Routine) -> Routine:
    return routine.model_copy(update={"safety": routine.safety.model_copy(update={"card_summary": []})})


def pages(pdf: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))]
    finally:
        doc.close()


# ------------------------------------------------------------------ the summary


def test_a_long_back_is_summarised_not_shrunk():
    """partner-back on a wallet card: every line needs more backs than the steps need fronts; the
    routine's summary keeps the red flags and the 'see a doctor' line whole and points to the handout."""
    routine = routine_of("partner-back")
    composer = CardComposer(routine, LIBRARY.get("card-credit"), content().clinic, "card-credit")
    assert composer.needed("back", {"summary": False, "codes": False}) > composer.needed("front")
    cards = compose_card(routine, LIBRARY.get("card-credit"), content().clinic, "card-credit")
    assert cards.summarised
    text = read_facts(render_card_pdf(routine, LIBRARY.get("card-credit"), content().clinic,
                                      layout_name="card-credit"))
    s = routine.safety
    assert text.missing([*s.red_flags, *s.card_summary, s.seek_care, labels.CARD_FULL_ADVICE]) == []
    assert min(g.size for g in text.glyphs if g.page % 2 == 0) >= 8.5 - 0.01


def test_without_a_summary_every_line_goes_on_to_more_cards():
    """Code never writes a summary: a routine that gives none keeps every safety line, on more cards."""
    routine = without_summary(routine_of("partner-back"))
    cards = compose_card(routine, LIBRARY.get("card-credit"), content().clinic, "card-credit")
    assert not cards.summarised
    pdf = render_card_pdf(routine, LIBRARY.get("card-credit"), content().clinic, layout_name="card-credit")
    facts = read_facts(pdf)
    s = routine.safety
    assert facts.missing(s.all_lines()) == []
    assert labels.CARD_FULL_ADVICE not in facts.text
    summarised = compose_card(routine_of("partner-back"), LIBRARY.get("card-credit"), content().clinic, "card-credit")
    assert len(cards.fronts) > len(summarised.fronts)


def test_a_back_that_fits_is_never_summarised():
    cards = compose_card(routine_of("self-neck-tools"), LIBRARY.get("card-a6"), content().clinic, "card-a6")
    assert not cards.summarised and len(cards.fronts) == 1


@pytest.mark.parametrize("field,value,message", [
    ("card_summary", ["Stop if it hurts."] * (MAX_CARD_SUMMARY + 1),
     f":15: safety.card_summary: has too many items (at most {MAX_CARD_SUMMARY})"),
    ("card_summary", ["x" * (MAX_CARD_SUMMARY_LINE + 1)],
     f":16: safety.card_summary[1]: is too long ({MAX_CARD_SUMMARY_LINE + 1} characters; at most {MAX_CARD_SUMMARY_LINE})"),
])
def test_summary_limits(tmp_path, field, value, message):
    text = (FIXTURES / "short-routine.yaml").read_text(encoding="utf-8")
    lines = "".join(f"    - {v}\n" for v in value)
    text = text.replace("  seek_care:", f"  {field}:\n{lines}  seek_care:")
    path = tmp_path / "short-routine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HandoutsError) as err:
        load_routine(path)
    assert [str(p) for p in err.value.problems] == [f"{path}{message}"]


# ------------------------------------------------------------------ sizes


def test_a_layout_may_not_set_its_back_below_8_5_pt(tmp_path):
    (tmp_path / "card-small-back.yaml").write_text("extends: card-credit\ncard:\n  back_min_font_size: 7.5pt\n")
    with pytest.raises(HandoutsError) as err:
        LayoutLibrary(tmp_path).get("card-small-back")
    messages = [str(p) for p in err.value.problems]
    assert any("card.back_min_font_size: 7.5 pt is too small" in m and ":3:" in m for m in messages), messages


@pytest.mark.parametrize("layout_name", CARD_LAYOUTS)
def test_every_back_style_starts_at_8_5_pt_or_more(layout_name):
    layout = LIBRARY.get(layout_name)
    for name in ("safety_head", "safety", "contact"):
        assert layout.resolved_style(name).size >= 8.5, name


# ------------------------------------------------------------------ fronts first


def test_fronts_fill_before_a_new_card_starts():
    """Without its summary, partner-back's safety needs four wallet backs but its steps one front:
    the safety goes on into the fronts left free, so the set is shorter than the backs alone need."""
    routine = without_summary(routine_of("partner-back"))
    composer = CardComposer(routine, LIBRARY.get("card-credit"), content().clinic, "card-credit")
    backs_alone = composer.needed("back", {"summary": False, "codes": False})
    cards = composer.compose()
    assert len(cards.fronts) < backs_alone
    steps_on = [k for k, f in enumerate(cards.fronts) if any(isinstance(p.flowable, CueRow) for p in f.placed)]
    assert steps_on == [0], "the steps fill the first front"
    for face in cards.fronts[1:]:
        assert face.placed, f"{face.name} is left empty"
    pdf = render_card_pdf(routine, LIBRARY.get("card-credit"), content().clinic, layout_name="card-credit")
    assert read_facts(pdf).missing(routine.safety.all_lines()) == []


@pytest.mark.parametrize("routine_id", ROUTINES)
@pytest.mark.parametrize("layout_name", CARD_LAYOUTS)
def test_no_more_cards_than_the_longer_side_needs(routine_id, layout_name):
    composer = CardComposer(routine_of(routine_id), LIBRARY.get(layout_name), content().clinic, layout_name)
    back = min(composer.needed("back", variant) for variant in composer.back_variants())
    assert len(composer.compose().fronts) <= max(composer.needed("front"), back)


# ------------------------------------------------------------------ QR codes


@cache
def linked() -> Routine:
    return load_routine(FIXTURES / "linked-routine.yaml").routine


@pytest.mark.parametrize("layout_name", ["card-a6", "card-index"])
def test_back_prints_each_link_as_a_code_that_scans(layout_name):
    routine = linked()
    pdf = render_card_pdf(routine, LIBRARY.get(layout_name), content().clinic, layout_name=layout_name)
    doc = pypdfium2.PdfDocument(pdf)
    try:
        back = doc[1].render(scale=300 / 72).to_pil()
        front = doc[0].render(scale=300 / 72).to_pil()
    finally:
        doc.close()
    assert sorted(r.text for r in zxingcpp.read_barcodes(back)) == sorted([routine.video_url, routine.web_url])
    assert zxingcpp.read_barcodes(front) == []
    text = pages(pdf)[1]
    squashed = text.replace(" ", "")  # a link may break after a '/'
    assert "example.org/v/shoulder-rub" in squashed and "example.org/routines/shoulder-rub" in squashed
    assert "https://" not in squashed.replace("https://www.riverside-clinic", "")  # the short form beside the code
    assert labels.CARD_VIDEO in text


def test_codes_are_printed_at_least_their_smallest_size():
    routine = linked()
    cards = compose_card(routine, LIBRARY.get("card-a6"), content().clinic, "card-a6")
    rows = [p for f in cards.backs for p in f.placed if type(p.flowable).__name__ == "CodeRow"]
    assert len(rows) == 1
    row = rows[0].flowable
    assert row.sizes == [max(qr.min_size_for(routine.video_url), qr.min_size_for(routine.web_url))] * 2
    assert min(row.sizes) >= 15 * MM - 0.01
    face = cards.backs[0]
    assert face.safe[0].contains(type(face.safe[0])(rows[0].x, rows[0].y, rows[0].w, rows[0].h))


def test_a_code_never_costs_a_card():
    """On a wallet card the codes do not fit beside the safety lines: they are left off, not a card added."""
    routine = linked()
    plain = routine.model_copy(update={"video_url": None, "web_url": None})
    with_links = compose_card(routine, LIBRARY.get("card-credit"), content().clinic, "card-credit")
    without = compose_card(plain, LIBRARY.get("card-credit"), content().clinic, "card-credit")
    assert len(with_links.fronts) == len(without.fronts)


def with_step_video(routine: Routine) -> Routine:
    steps = list(routine.steps)
    steps[1] = steps[1].model_copy(update={"video_url": "https://example.org/v/arms"})
    return routine.model_copy(update={"steps": steps})


def test_a_step_video_prints_as_a_code_labelled_with_its_step():
    routine = with_step_video(linked())
    pdf = render_card_pdf(routine, LIBRARY.get("card-a6"), content().clinic, layout_name="card-a6")
    doc = pypdfium2.PdfDocument(pdf)
    try:
        back = doc[1].render(scale=300 / 72).to_pil()
    finally:
        doc.close()
    found = sorted(r.text for r in zxingcpp.read_barcodes(back))
    assert found == sorted([routine.video_url, routine.web_url, "https://example.org/v/arms"])
    assert labels.CARD_STEP_VIDEO.format(number=2) in pages(pdf)[1]


def test_codes_taller_than_a_whole_back_are_left_off():
    """Three codes do not fit one above the other on a wallet card: the card is built without them."""
    routine = with_step_video(linked())
    cards = compose_card(routine, LIBRARY.get("card-credit"), content().clinic, "card-credit")
    assert not [p for f in cards.backs for p in f.placed if type(p.flowable).__name__ == "CodeRow"]
    assert len(cards.fronts) == 1


@pytest.mark.parametrize("routine_id", ROUTINES)
@pytest.mark.parametrize("layout_name", CARD_LAYOUTS)
@pytest.mark.parametrize("summary", [True, False], ids=["as shipped", "no summary"])
def test_no_face_is_left_empty_and_the_contact_ends_the_last_back(routine_id, layout_name, summary):
    routine = routine_of(routine_id) if summary else without_summary(routine_of(routine_id))
    cards = compose_card(routine, LIBRARY.get(layout_name), content().clinic, layout_name)
    assert all(face.placed for face in cards.fronts + cards.backs)
    last = cards.backs[-1].placed
    assert type(last[-1].flowable).__name__ == "RuledParagraph"
