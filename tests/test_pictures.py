"""One picture per step on every seed handout, each a clipped form of the layout's picture size."""

from __future__ import annotations

import functools
import math

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.platypus import Table

from handouts.pipeline.run import build_handouts
from handouts.content import load_content
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation
from handouts.render.handout import LOW_PICTURE_SCALE

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
            # The layout's size, or up to a fifth smaller where a step starts at the foot of a page.
            scale = bbox[2] / ill.width
            assert LOW_PICTURE_SCALE - 0.001 <= scale <= 1.001, (routine_id, name, bbox)
            assert abs(bbox[3] - ill.height * scale) < 0.01, (routine_id, name, bbox)


def test_layout_without_pictures_draws_none(tmp_path):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    for f in (ROOT / "layouts").glob("handout-*.yaml"):
        (layouts / f.name).write_text(f.read_text())
    (layouts / "text-only.yaml").write_text("extends: handout-a4\nillustrations: {position: none}\n")
    (pdf,) = build_handouts(["partner-back"], ["text-only"], tmp_path / "out", Personalisation(), ROOT / "content",
                            LayoutLibrary(layouts))
    assert body_map_forms(pdf) == []



# --------------------------------------------------------------------------- how: path, hands, tools, stance

from handouts.art.anatomy import VIEW_ART, path_point  # noqa: E402
from handouts.art.compose import view_for  # noqa: E402
from handouts.art.geometry import darker, hexcolor  # noqa: E402
from handouts.art.marks import Arrow  # noqa: E402
from handouts.content import load_routine  # noqa: E402
from handouts.layout_models import Brand  # noqa: E402
from handouts.models import Direction, Motion  # noqa: E402
from handouts.render import pictures  # noqa: E402
from reportlab.graphics.shapes import Group, PolyLine, Polygon  # noqa: E402

from drawings import assert_inside  # noqa: E402

STARTER = ROOT / "handouts" / "data" / "starter" / "content" / "shoulder-neck-self-care.yaml"
ROUTINE_FILES = sorted(p for p in (ROOT / "content").glob("*.yaml") if p.stem in ROUTINES) + [STARTER]
SHIPPED_STEPS = [(f, i) for f in ROUTINE_FILES for i in range(len(load_routine(f).routine.all_steps))]
BRAND = Brand()
MARK = darker(hexcolor(BRAND.accent), 0.3).hexval()


def _arrows(node) -> list[Arrow]:
    found = []
    for child in getattr(node, "contents", []):
        if isinstance(child, Arrow):
            found.append(child)
        elif isinstance(child, Group):
            found.extend(_arrows(child))
    return found


def arrow_vectors(drawing) -> list[tuple[tuple[float, float], list[tuple[float, float]]]]:
    """Each arrow read back from the vector data: (tail of its shaft, [direction of each head])."""
    out = []
    for arrow in _arrows(drawing):
        shafts = [s for s in arrow.contents if isinstance(s, PolyLine) and s.strokeColor.hexval() == MARK]
        heads = [s for s in arrow.contents if isinstance(s, Polygon) and len(s.points) == 6
                 and s.fillColor is not None and s.fillColor.hexval() == MARK]
        assert shafts and heads, "an arrow without a shaft or a head"
        pts = shafts[0].points
        tail = (pts[0], pts[1])
        dirs = []
        for h in heads:
            tip = (h.points[0], h.points[1])
            base = ((h.points[2] + h.points[4]) / 2, (h.points[3] + h.points[5]) / 2)
            dirs.append((tip[0] - base[0], tip[1] - base[1]))
        out.append((tail, dirs))
    return out


def _angle(a, b) -> float:
    cos = (a[0] * b[0] + a[1] * b[1]) / (math.hypot(*a) * math.hypot(*b))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _step(path: Path, index: int):
    routine = load_routine(path).routine
    return routine, routine.all_steps[index]


@pytest.mark.parametrize("path,index", SHIPPED_STEPS, ids=[f"{f.stem}-{i + 1}" for f, i in SHIPPED_STEPS])
def test_every_shipped_step_says_which_way_and_its_arrows_agree(path, index):
    routine, step = _step(path, index)
    ill = step.illustration
    assert ill is not None and (ill.path is not None or ill.direction is not None), \
        "every shipped step says where its stroke goes (path or direction)"
    drawing = pictures.body_drawing(step, 113.0, 113.0, BRAND, 9.0, routine=routine)
    assert_inside(drawing, 113.0, 113.0, f"{path.stem} step {index + 1}")
    arrows = arrow_vectors(drawing)
    if ill.direction in (Direction.still, Direction.circles):
        assert arrows == [], "a stroke on the spot is drawn with an arrow"
        return
    travels = any(m in (Motion.glide, Motion.strip, Motion.stretch, Motion.roll) for m in step.motion)
    if ill.path is not None:
        assert arrows, "a step with a path draws no arrow along it"
        view = ill.view or view_for(step.regions, (ill.path.start, ill.path.end))
        wanted = []
        for left in (False, True):
            a, b = path_point(view, ill.path.start, left), path_point(view, ill.path.end, left)
            wanted.append((b[0] - a[0], b[1] - a[1]))
        both = ill.direction in (Direction.up_and_down, Direction.along)
        for _, dirs in arrows:
            for d in dirs:
                ok = [w for w in wanted if _angle(d, w) <= 45 or (both and _angle(d, (-w[0], -w[1])) <= 45)]
                assert ok, f"arrow head {d} does not follow the path {ill.path.start} → {ill.path.end} {wanted}"
            if not both:
                assert len(dirs) == 1
        return
    if not travels:
        return
    assert arrows, "a travelling stroke draws no arrow"
    expected = {Direction.up: [(0.0, 1.0)], Direction.down: [(0.0, -1.0)],
                Direction.up_and_down: [(0.0, 1.0), (0.0, -1.0)], Direction.across: [(1.0, 0.0), (-1.0, 0.0)]}
    if ill.direction is Direction.along:
        art = VIEW_ART[ill.view or view_for(step.regions, None)]()
        axes = [a.along for r in step.regions if r in art.regions for a in art.regions[r].anchors]
        expected[Direction.along] = axes + [(-x, -y) for x, y in axes]
    for _, dirs in arrows:
        for d in dirs:
            assert any(_angle(d, w) <= 45 for w in expected[ill.direction]), (ill.direction, d)


def test_heel_of_hand_blade_to_blade_goes_across():
    """The case from the issue: 'heel of hand, blade to blade' was drawn as two downward arrows."""
    routine = load_routine(ROOT / "content" / "partner-neck.yaml").routine
    step = next(s for s in routine.all_steps if s.cue == "Heel of hand, blade to blade")
    arrows = arrow_vectors(pictures.body_drawing(step, 113.0, 113.0, BRAND, routine=routine))
    assert len(arrows) == 1
    (tail, (d,)), = arrows
    assert _angle(d, (1.0, 0.0)) < 20


def test_a_path_the_view_cannot_show_is_refused_with_its_field(tmp_path):
    from typer.testing import CliRunner

    from handouts.cli import app

    text = (ROOT / "content" / "partner-neck.yaml").read_text()
    bad = text.replace("          path: {from: base_of_skull, to: shoulders}\n",
                       "          path: {from: base_of_skull, to: upper_chest}\n", 1)
    assert bad != text
    (tmp_path / "partner-neck.yaml").write_text(bad)
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "partner-neck.yaml")])
    assert result.exit_code == 1
    line = next(n for n, l in enumerate(bad.splitlines(), 1) if "to: upper_chest" in l)
    assert (f"partner-neck.yaml:{line}: phases[1].steps[1].illustration.path: the back view cannot show "
            "'upper_chest'") in result.output
    assert "Traceback" not in result.output


def test_self_massage_draws_your_own_hand_and_a_partner_routine_the_givers():
    routine = load_routine(STARTER).routine
    step = routine.all_steps[0]
    own = pictures.body_drawing(step, 113.0, 113.0, BRAND, audience="self")
    giver = pictures.body_drawing(step, 113.0, 113.0, BRAND, audience="partner")
    assert own.getBounds() != giver.getBounds() or len(own.contents) != len(giver.contents) or \
        [getattr(s, "points", None) for s in own.contents] != [getattr(s, "points", None) for s in giver.contents]


def test_the_top_view_is_drawn_only_where_the_giver_moves():
    """partner-neck gives the stance on steps 1 (behind), 7 (left side) and 9 (behind again)."""
    routine = load_routine(ROOT / "content" / "partner-neck.yaml").routine
    shown = [i + 1 for i, s in enumerate(routine.all_steps) if pictures.technique(s, routine=routine).stance]
    assert shown == [1, 7, 9]
    givers = [pictures.technique(s, routine=routine).giver.value for s in routine.all_steps]
    assert givers == ["behind"] * 6 + ["left", "left", "behind"]


def _problems(illustration: dict) -> str:
    from pydantic import ValidationError

    from handouts.models import Illustration

    with pytest.raises(ValidationError) as err:
        Illustration.model_validate({"alt": "x", **illustration})
    return str(err.value)


def test_the_technique_fields_have_limits():
    assert "at most 3" in _problems({"tools": ["towel", "wall", "mat", "stool"]})
    assert "less than or equal to 2" in _problems({"hands": 3})
    assert "greater than or equal to 1" in _problems({"hands": 0})
    assert "'nose' is not a region or landmark" in _problems({"path": {"from": "nose", "to": "shoulders"}})
    assert "starts and ends at 'shoulders'" in _problems({"path": {"from": "shoulders", "to": "shoulders"}})
    assert "no view shows both 'sacrum'" in _problems({"path": {"from": "sacrum", "to": "scm"}})
    assert "giver" in _problems({"stance": {"giver": "above"}})


def test_the_path_vocabulary_matches_the_drawings():
    """The model checks paths against a table of views; every entry must be drawable there, and only there."""
    from handouts.models import PATH_POINT_VIEWS

    for name, views in PATH_POINT_VIEWS.items():
        for view in ("back", "side", "front"):
            assert (path_point(view, name) is not None) == (view in views), (name, view)


def test_every_tool_has_a_printed_label():
    from handouts.models import TOOL_LABELS, Tool

    assert set(TOOL_LABELS) == set(Tool) and all(TOOL_LABELS.values())


def test_the_row_of_icons_never_grows_wider_than_the_picture():
    from reportlab.lib.styles import ParagraphStyle

    routine = load_routine(ROOT / "content" / "partner-neck.yaml").routine
    step = routine.all_steps[0]  # fingertips, three set-up tools and a pressure scale
    assert len(step.illustration.tools) == 3
    for width in (113.0, 90.0, 70.0):
        table = pictures.step_picture(step, width, width, BRAND, ParagraphStyle("c", fontSize=9, leading=11),
                                      routine=routine)
        strip = table._cellvalues[1][0]
        # One row of icons, or two (each a table of its own) when one would be too wide.
        rows = [r[0] for r in strip._cellvalues] if isinstance(strip._cellvalues[0][0], Table) else [strip]
        assert all(sum(r._colWidths) <= width + 0.01 for r in rows), width
        assert sum(len(r._cellvalues[0]) for r in rows) == 5  # the hand, the three tools and the pressure stay
