"""Rendered pages compared with reference images: the check that catches what text,
geometry and font tests cannot (a picture drawn in the wrong place, a box that lost
its colour, an icon that vanished).

Each case renders one page at low resolution with pypdfium2 and compares it with
``tests/golden/<case>.png``. Small differences are allowed (anti-aliasing differs
between rasteriser versions); a visible change is not. When a change is meant,
regenerate with ``pytest tests/test_golden.py --update-golden`` and look at every
changed PNG before committing it. A failing case leaves the actual page and a
difference image under ``tests/_artifacts/golden/``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops

from handouts.pipeline.render import render_card_pdf
from handouts.content import load_content
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation
from handouts.render.handout import HandoutInput, render_handout

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
ARTIFACTS = ROOT / "tests" / "_artifacts" / "golden"
DPI = 40
MEAN_TOLERANCE = 1.5
"""Largest mean difference per channel (0-255) still counted as the same page."""
CHANGED_TOLERANCE = 0.004
"""Largest share of pixels that may differ clearly (by more than 48 in grey)."""

PERSON = Personalisation(for_name="Ana López", date="21 November 2026", note="Twice a day & after work <not before sleep>.")


@lru_cache(maxsize=None)
def _content():
    return load_content([ROOT / "content"]), LayoutLibrary()


@lru_cache(maxsize=None)
def _handout(routine_id: str, layout_name: str) -> bytes:
    content, library = _content()
    doc = content.by_id()[routine_id]
    return render_handout(HandoutInput(doc.routine, library.get(layout_name), layout_name, PERSON, content.clinic,
                                       base_file=doc.path, clinic_file=content.clinic_path))


@lru_cache(maxsize=None)
def _cards(routine_id: str, layout_name: str, sheet: str | None) -> bytes:
    content, library = _content()
    routine = content.by_id()[routine_id].routine
    return render_card_pdf(routine, library.get(layout_name), content.clinic, sheet=sheet, layout_name=layout_name)


@lru_cache(maxsize=None)
def _sheet(routine_id: str, layout_name: str) -> bytes:
    from handouts.render.clinic_sheet import render_clinic_sheet

    content, library = _content()
    doc = content.by_id()[routine_id]
    return render_clinic_sheet(HandoutInput(doc.routine, library.get(layout_name), layout_name, PERSON, content.clinic,
                                            base_file=doc.path, clinic_file=content.clinic_path))


@lru_cache(maxsize=None)
def _hand_picture(part: str) -> bytes:
    """One step picture per part of the hand, at the A4 handout's picture size, on its own page."""
    from reportlab.graphics import renderPDF

    from handouts.art import Technique, body_map
    from handouts.models import Giver, Posture

    region, path, view = HAND_PICTURES[part]
    d = body_map([region], ["glide"], view=view, width=113, height=113,
                 technique=Technique(hand_use=(part,), path=path, stance=(Giver.behind, Posture.seated)))
    return renderPDF.drawToString(d)


HAND_PICTURES = {
    "thumb": ("upper_trapezius", ("base_of_neck", "shoulder_tip"), "back"),
    "fingertips": ("suboccipitals", ("base_of_skull", "shoulders"), "back"),
    "palm": ("side_of_neck", ("ear", "shoulders"), "side"),
    "heel_of_hand": ("beside_spine", ("beside_spine", "shoulder_blades"), "back"),
    "knuckles": ("upper_back", ("upper_back", "lower_back"), "back"),
    "whole_hand": ("upper_arms", ("shoulders", "upper_arms"), "back"),
}
"""Where each hand part is shown working: the golden images ``hand-<part>.png``."""


CASES = {
    **{f"hand-{part}": ((lambda part=part: _hand_picture(part)), 0) for part in HAND_PICTURES},
    "partner-neck--handout-a4--p1": (lambda: _handout("partner-neck", "handout-a4"), 0),
    "partner-neck--handout-a4--p3": (lambda: _handout("partner-neck", "handout-a4"), 2),
    "clinical-neck--handout-large-print--p3": (lambda: _handout("clinical-neck", "handout-large-print"), 2),
    "partner-neck--handout-large-print--p5": (lambda: _handout("partner-neck", "handout-large-print"), 4),
    "self-neck-tools--handout-letter--p2": (lambda: _handout("self-neck-tools", "handout-letter"), 1),
    "self-neck-back--card-credit--front": (lambda: _cards("self-neck-back", "card-credit", None), 0),
    "self-neck-back--card-credit--back": (lambda: _cards("self-neck-back", "card-credit", None), 1),
    "partner-back--card-credit--a4-sheet": (lambda: _cards("partner-back", "card-credit", "a4"), 0),
    "partner-neck--sheet-a4--p1": (lambda: _sheet("partner-neck", "sheet-a4"), 0),
    "clinical-neck--sheet-letter--p2": (lambda: _sheet("clinical-neck", "sheet-letter"), 1),
}


def _page_image(pdf: bytes, index: int) -> Image.Image:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return doc[index].render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        doc.close()


def _difference(actual: Image.Image, expected: Image.Image) -> tuple[float, float, Image.Image]:
    diff = ImageChops.difference(actual, expected)
    bands = diff.split()
    mean = max(sum(i * n for i, n in enumerate(b.histogram())) / (actual.width * actual.height) for b in bands)
    grey = diff.convert("L").histogram()
    changed = sum(grey[49:]) / (actual.width * actual.height)
    return mean, changed, diff


@pytest.mark.parametrize("case", sorted(CASES))
def test_page_matches_its_golden_image(case, request):
    make, index = CASES[case]
    actual = _page_image(make(), index)
    golden = GOLDEN / f"{case}.png"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        actual.save(golden, optimize=True)
        pytest.skip(f"wrote {golden.relative_to(ROOT)}; look at it before committing")
    assert golden.is_file(), f"no golden image {golden.relative_to(ROOT)}; run pytest --update-golden and look at it"
    expected = Image.open(golden).convert("RGB")
    assert actual.size == expected.size, f"page size changed: {actual.size} != {expected.size}"
    mean, changed, diff = _difference(actual, expected)
    if mean > MEAN_TOLERANCE or changed > CHANGED_TOLERANCE:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        actual.save(ARTIFACTS / f"{case}.actual.png")
        Image.eval(diff, lambda v: min(255, v * 4)).save(ARTIFACTS / f"{case}.diff.png")
        pytest.fail(f"{case}: page differs from its golden image (mean {mean:.2f}, {changed:.2%} of pixels clearly "
                    f"changed); see {ARTIFACTS.relative_to(ROOT)}/{case}.*.png")


def test_comparison_notices_a_small_visible_change():
    """The tolerance must not swallow a real change: one missing step picture, say."""
    page = _page_image(CASES["partner-neck--handout-a4--p3"][0](), 2)
    damaged = page.copy()
    damaged.paste((255, 255, 255), (28, 42, 92, 112))  # blank out the step 2 picture
    mean, changed, _ = _difference(damaged, page)
    assert changed > CHANGED_TOLERANCE or mean > MEAN_TOLERANCE
    same_mean, same_changed, _ = _difference(page, page)
    assert same_mean == 0 and same_changed == 0
