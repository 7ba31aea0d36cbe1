"""One picture per step on every seed handout, each a clipped form of the layout's picture size."""

from __future__ import annotations

import functools

from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.pipeline.run import build_handouts
from handouts.content import load_content
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation

from shipped import ROUTINES

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def content():
    return load_content([ROOT / "content"])
LIBRARY = LayoutLibrary()


def body_map_forms(pdf: Path) -> list[tuple[int, str, list[float]]]:
    found = []
    for n, page in enumerate(PdfReader(str(pdf)).pages, start=1):
        for name, ref in ((page.get("/Resources") or {}).get("/XObject") or {}).items():
            obj = ref.get_object()
            if "bodymap" in name and obj.get("/Subtype") == "/Form":
                found.append((n, name, [float(v) for v in obj["/BBox"]]))
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("pictures")
    paths = build_handouts([], ["handout-a4", "handout-large-print"], out, Personalisation(), ROOT / "content", LIBRARY)
    return {tuple(p.stem.split("--")): p for p in paths}


@pytest.mark.parametrize("routine_id", ROUTINES)
@pytest.mark.parametrize("layout_name", ["handout-a4", "handout-large-print"])
def test_one_picture_per_step(built, routine_id, layout_name):
    routine = content().by_id()[routine_id].routine
    own_images = sum(1 for s in routine.all_steps if s.illustration and s.illustration.image)
    forms = body_map_forms(built[(routine_id, layout_name)])
    assert len(forms) == len(routine.all_steps) - own_images
    assert len({name for _, name, _ in forms}) == len(forms)


@pytest.mark.parametrize("layout_name", ["handout-a4", "handout-large-print"])
def test_pictures_are_clipped_to_the_layout_frame(built, layout_name):
    ill = LIBRARY.get(layout_name).illustrations
    for routine_id in sorted(d.id for d in content().routines):
        for _, name, bbox in body_map_forms(built[(routine_id, layout_name)]):
            assert bbox[0] == 0 and bbox[1] == 0
            assert abs(bbox[2] - ill.width) < 0.01 and abs(bbox[3] - ill.height) < 0.01, (routine_id, name, bbox)


def test_layout_without_pictures_draws_none(tmp_path):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    for f in (ROOT / "layouts").glob("handout-*.yaml"):
        (layouts / f.name).write_text(f.read_text())
    (layouts / "text-only.yaml").write_text("extends: handout-a4\nillustrations: {position: none}\n")
    (pdf,) = build_handouts(["partner-back"], ["text-only"], tmp_path / "out", Personalisation(), ROOT / "content",
                            LayoutLibrary(layouts))
    assert body_map_forms(pdf) == []

