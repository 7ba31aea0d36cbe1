"""User images: PNG, JPEG and SVG render in place of the drawn body map; bad references are clear errors."""

from __future__ import annotations

import io
import logging
import math
import os
import struct
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from handouts import images
from handouts.cli import app

from pdfcheck import font_report

ROOT = Path(__file__).resolve().parent.parent
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
       '<rect width="40" height="40" rx="8" fill="#2e7d6b"/><text x="48" y="27" font-size="16">RMC</text></svg>')


def make_content(tmp: Path, image_line: str | None = None, logo: str | None = None) -> Path:
    content = tmp / "content"
    (content / "images").mkdir(parents=True)
    Image.new("RGB", (300, 200), "#336699").save(content / "images" / "a.png")
    Image.new("RGB", (300, 200), "#996633").save(content / "images" / "b.jpg", "JPEG")
    (content / "images" / "c.svg").write_text(SVG)
    (content / "images" / "notes.txt").write_text("not a picture")
    (content / "images" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    text = (ROOT / "content" / "self-neck-tools.yaml").read_text()
    if image_line is not None:
        marker = "    illustration:\n"
        i = text.index(marker, text.index("steps:"))
        text = text[: i + len(marker)] + f"      image: {image_line}\n" + text[i + len(marker):]
    (content / "self-neck-tools.yaml").write_text(text)
    clinic = (ROOT / "content" / "clinic.yaml").read_text()
    if logo:
        clinic += f"logo: {logo}\nlogo_alt: Clinic logo\n"
    (content / "clinic.yaml").write_text(clinic)
    return content


def image_line_number(content: Path, ref: str) -> int:
    lines = (content / "self-neck-tools.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if f"image: {ref}" in line)


def xobjects(pdf: Path) -> dict[str, int]:
    """Count image and form XObjects drawn on each page."""
    counts = {"/Image": 0, "/Form": 0}
    for page in PdfReader(str(pdf)).pages:
        res = page.get("/Resources") or {}
        for ref in (res.get("/XObject") or {}).values():
            kind = str(ref.get_object().get("/Subtype"))
            counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.mark.parametrize("ref", ["images/a.png", "images/b.jpg", "images/c.svg"])
def test_user_image_replaces_body_map(tmp_path, monkeypatch, ref):
    content = make_content(tmp_path, ref, logo="images/c.svg")
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", "self-neck-tools", "-l", "handout-a4", "--content", str(content), "--out", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out / "self-neck-tools--handout-a4.pdf"
    if ref.endswith(".svg"):
        text_ok = all(f["embedded"] for f in font_report(pdf))
        assert text_ok, "SVG text must use an embedded font"
    else:
        assert xobjects(pdf)["/Image"] >= 1


@pytest.mark.parametrize(
    "ref,message",
    [
        ("images/missing.png", "image 'images/missing.png' does not exist"),
        ("../outside.png", "image '../outside.png' is outside the content folder (content/); keep images beside the YAML file"),
        ("images/notes.txt", "image 'images/notes.txt' is not a PNG, JPEG or SVG file"),
        ("images/broken.png", "image 'images/broken.png' cannot be read as PNG; is the file damaged?"),
        ("images", "image 'images' is not a file"),
    ],
)
def test_bad_image_reference_is_located(tmp_path, monkeypatch, ref, message):
    content = make_content(tmp_path, ref)
    Image.new("RGB", (10, 10)).save(tmp_path / "outside.png")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "content"])
    assert result.exit_code == 1
    line = image_line_number(content, ref)
    assert f"content/self-neck-tools.yaml:{line}: steps[1].illustration.image: {message}" in result.output


def test_bad_logo_is_located(tmp_path, monkeypatch):
    make_content(tmp_path, logo="images/nope.svg")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "content"])
    assert result.exit_code == 1
    assert "content/clinic.yaml:" in result.output and "logo: image 'images/nope.svg' does not exist" in result.output


# ---------------------------------------------------------------- hostile pictures, checked directly
# The CLI cases (validate and build, time, memory) are in tests/hostile/test_hostile_images.py.

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100"'
PUBLIC_DTD = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
              '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n')
SIMPLE_ONLY = ("only simple selectors such as rect, .name or #id are allowed, "
               "so save the SVG with presentation attributes instead")
OVER = "at most 4000 × 4000 (16 million pixels); save a smaller copy"
TOO_MANY = (f"draws more than {images.MAX_SVG_ELEMENTS:,} elements once its <use> and clip-path copies are counted; "
            f"at most {images.MAX_SVG_ELEMENTS:,}; simplify the drawing or save it as a PNG")


def svg(body: str, head: str = "") -> str:
    return f"{head}<svg {NS}>{body}</svg>"


def problem(tmp_path: Path, name: str, data: str | bytes | None = None) -> str | None:
    if isinstance(data, str):
        (tmp_path / name).write_text(data, encoding="utf-8")
    elif data is not None:
        (tmp_path / name).write_bytes(data)
    return images.image_problem(tmp_path / "routine.yaml", name)


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` over one pixel of data: only the header may be read."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    small = out.getvalue()
    header = struct.pack(">II", width, height) + small[24:29]
    return small[:16] + header + struct.pack(">I", zlib.crc32(b"IHDR" + header)) + small[33:]


@pytest.mark.parametrize("body,head", [
    pytest.param('<rect width="5" height="5"/>', PUBLIC_DTD, id="public-doctype-never-fetched"),
    pytest.param('<a href="https://example.org/"><rect width="5" height="5"/></a>', "", id="link-is-not-fetched"),
    pytest.param('<defs><circle id="c" r="3"/></defs><use xlink:href="#c"/><use href="#c" x="9"/>', "", id="use-by-id"),
    pytest.param('<style>.a, .b {fill: red} rect{stroke:blue} #i{} *{opacity:1}</style><rect class="a" width="5" '
                 'height="5"/>', "", id="simple-style"),
    pytest.param('<clipPath id="c"><rect width="3" height="3"/></clipPath><rect clip-path="url(#c)" width="5" '
                 'height="5"/>', "", id="clip-path"),
    pytest.param("<g>" * (images.MAX_SVG_DEPTH - 1) + "</g>" * (images.MAX_SVG_DEPTH - 1), "",
                 id="nested-to-the-limit"),
    pytest.param('<rect width="5" height="5" fill="bogus" transform="wat(1)"/>', "", id="svglib-complains"),
])
def test_svg_within_the_rules_is_accepted(tmp_path, body, head):
    assert problem(tmp_path, "pic.svg", svg(body, head)) is None


@pytest.mark.parametrize("text,message", [
    pytest.param(svg("<text>&x;</text>", '<!DOCTYPE svg [<!ENTITY x "a">]>\n'),
                 "uses XML entities or a DTD (line 1); pictures may not, so save it again as plain SVG", id="entity"),
    pytest.param(svg("<rect/>", '<!DOCTYPE svg [<!ATTLIST use href CDATA "/etc/passwd">]>'),
                 "uses XML entities or a DTD (line 1); pictures may not, so save it again as plain SVG",
                 id="internal-subset"),
    pytest.param(svg("<text>&nbsp;</text>", PUBLIC_DTD),
                 "uses XML entities or a DTD (line 3); pictures may not, so save it again as plain SVG",
                 id="entity-from-an-unread-dtd"),
    pytest.param(svg("<text>&nbsp;</text>"), "cannot be read as SVG (undefined entity, line 1)", id="undefined-entity"),
    pytest.param(svg('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>'),
                 "refers to something outside itself ('/etc/passwd', line 1); an SVG picture must be self-contained",
                 id="xinclude"),
    pytest.param(svg('<use xmlns:q="http://www.w3.org/1999/xlink" q:href="secret.svg"/>'),
                 "refers to something outside itself ('secret.svg', line 1); an SVG picture must be self-contained",
                 id="xlink-under-another-prefix"),
    pytest.param(svg('<linearGradient id="g" href="other.svg#g"/>'),
                 "refers to something outside itself ('other.svg#g', line 1); an SVG picture must be self-contained",
                 id="gradient-from-another-file"),
    pytest.param(svg('<use href="data:image/svg+xml,' + "x" * 200 + '"/>'),
                 "refers to something outside itself ('data:image/svg+xml," + "x" * 40 + "…', line 1); "
                 "an SVG picture must be self-contained", id="long-reference-shortened"),
    pytest.param(svg('<g id="a"><use href="#a"/></g>'), "has <use> elements that copy each other in a loop",
                 id="use-loop"),
    pytest.param(svg('<rect id="u0" width="1" height="1"/>'
                     + "".join(f'<use id="u{i}" href="#u{i - 1}"/>' for i in range(1, 120))),
                 f"nests elements more than {images.MAX_SVG_DEPTH} deep (counting <use> copies); "
                 f"at most {images.MAX_SVG_DEPTH}", id="use-chain"),
    pytest.param(svg('<g id="l0"><rect/></g>' + "".join(f'<g id="l{i}"><use href="#l{i - 1}"/><use href="#l{i - 1}"/>'
                                                       "</g>" for i in range(1, 40))), TOO_MANY, id="use-doubling"),
    pytest.param(svg('<clipPath id="c">' + "<rect/>" * 1000 + "</clipPath>" + '<rect clip-path="url(#c)"/>' * 20),
                 TOO_MANY, id="clip-path-copies"),
    pytest.param(svg('<style>.c{clip-path:url(#c)}</style><clipPath id="c">' + "<rect/>" * 500 + "</clipPath>"
                     + "<rect/>" * 20), TOO_MANY, id="clip-path-from-style"),
    pytest.param(svg("<g>" * images.MAX_SVG_DEPTH + "</g>" * images.MAX_SVG_DEPTH),
                 f"nests elements more than {images.MAX_SVG_DEPTH} deep (counting <use> copies); "
                 f"at most {images.MAX_SVG_DEPTH}", id="too-deep"),
    pytest.param(svg("<style>g rect{fill:red}</style>"), f"has a style rule 'g rect' (line 1); {SIMPLE_ONLY}",
                 id="descendant-selector"),
    pytest.param(svg("<style>.a, g > rect {fill:red}</style>"), f"has a style rule 'g > rect' (line 1); {SIMPLE_ONLY}",
                 id="child-selector"),
    pytest.param(svg("<style>\n\nrect:not(.a){fill:red}</style>"),
                 f"has a style rule 'rect:not(.a)' (line 1); {SIMPLE_ONLY}", id="pseudo-class"),
    pytest.param(svg('<style>[fill="red"]{fill:blue}</style>'),
                 f"has a style rule '[fill=\"red\"]' (line 1); {SIMPLE_ONLY}", id="attribute-selector"),
    pytest.param(svg("<style>" + "*{fill:red}" * (images.MAX_SVG_SELECTORS + 1) + "</style>"),
                 f"has more than {images.MAX_SVG_SELECTORS} style selectors; at most {images.MAX_SVG_SELECTORS}; "
                 "save the SVG with presentation attributes instead", id="too-many-selectors"),
    pytest.param("<html><body/></html>", "cannot be read as SVG (its outermost element is <html>, not <svg>)",
                 id="not-svg"),
    pytest.param("", "cannot be read as SVG (no element found, line 1)", id="empty"),
    pytest.param(svg("<rect>"), "cannot be read as SVG (mismatched tag, line 1)", id="not-well-formed"),
    pytest.param('<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>', "cannot be read as SVG",
                 id="zero-size"),
    pytest.param('<svg xmlns="http://www.w3.org/2000/svg" width="nan" height="inf"/>', "cannot be read as SVG",
                 id="no-finite-size"),
])
def test_svg_breaking_a_rule_is_refused(tmp_path, text, message):
    assert problem(tmp_path, "pic.svg", text) == f"image 'pic.svg' {message}"


def test_svg_just_over_the_size_limit_says_so_in_bytes(tmp_path):
    text = svg("<!--" + "x" * images.MAX_SVG_BYTES + "-->")
    size = len(text.encode())
    assert problem(tmp_path, "pic.svg", text) == (
        f"image 'pic.svg' is {size:,} bytes; at most {images.MAX_SVG_BYTES:,} bytes for an SVG picture")


def test_svg_elements_are_counted_before_svglib_sees_them(tmp_path, monkeypatch):
    import svglib.svglib

    monkeypatch.setattr(svglib.svglib, "svg2rlg", lambda *a, **k: pytest.fail("svglib was given a refused SVG"))
    text = svg("<g/>" * (images.MAX_SVG_ELEMENTS + 1))
    assert problem(tmp_path, "pic.svg", text) == (
        f"image 'pic.svg' has more than {images.MAX_SVG_ELEMENTS:,} elements; at most {images.MAX_SVG_ELEMENTS:,}; "
        "simplify the drawing or save it as a PNG")


def test_svglib_log_lines_are_kept_off_the_terminal(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    assert problem(tmp_path, "pic.svg", svg('<rect width="5" height="5" fill="bogus"/>')) is None
    assert [r.getMessage() for r in caplog.records if r.name.startswith("svglib")] == []
    assert logging.getLogger("svglib").propagate and not logging.getLogger("svglib").handlers


@pytest.mark.parametrize("size,message", [
    pytest.param((12000, 12000), f"is 12000 × 12000 pixels; {OVER}", id="over-the-limit"),
    pytest.param((20000, 20000), f"is 20000 × 20000 pixels; {OVER}", id="past-pillows-own-bomb-error"),
    pytest.param((4000, 4000), "cannot be read as PNG; is the file damaged?", id="within-but-data-missing"),
])
def test_png_pixels_are_checked_from_the_header(tmp_path, size, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert problem(tmp_path, "pic.png", png_header(*size)) == f"image 'pic.png' {message}"


def test_limits_agree_with_their_messages():
    side = math.isqrt(images.MAX_IMAGE_PIXELS)
    assert side * side == images.MAX_IMAGE_PIXELS


def test_png_holding_a_jpeg_says_so(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "JPEG")
    assert problem(tmp_path, "pic.png", out.getvalue()) == "image 'pic.png' is named .png but holds JPEG"


def test_jpeg_truncated_anywhere_is_refused(tmp_path):
    out = io.BytesIO()
    Image.effect_noise((300, 200), 60).convert("RGB").save(out, "JPEG", quality=90)
    whole = out.getvalue()
    assert problem(tmp_path, "whole.jpg", whole) is None
    for cut in (len(whole) - 2, len(whole) * 3 // 4, 700):
        name = f"cut{cut}.jpg"
        assert problem(tmp_path, name, whole[:cut]) == f"image '{name}' cannot be read as JPEG; is the file damaged?"


def test_jpeg_with_too_many_scans_is_refused_undecoded(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "#888").save(out, "JPEG", progressive=True)
    data = out.getvalue()
    scan = data[data.rindex(b"\xff\xda"):-2]
    bomb = data[:-2] + scan * images.MAX_JPEG_SCANS + b"\xff\xd9"
    scans = bomb.count(b"\xff\xda")
    assert problem(tmp_path, "pic.jpg", bomb) == (
        f"image 'pic.jpg' is stored in {scans} scans; at most {images.MAX_JPEG_SCANS}; save it again as a plain JPEG")


def test_oversized_picture_is_refused_unread(tmp_path):
    with open(tmp_path / "pic.jpg", "wb") as f:
        f.truncate(images.MAX_IMAGE_BYTES + 3_000_000)  # sparse: costs no disk
    assert problem(tmp_path, "pic.jpg") == "image 'pic.jpg' is 23 MB; at most 20 MB for a PNG or JPEG picture"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_refused_unopened(tmp_path):
    os.mkfifo(tmp_path / "pic.svg")
    assert problem(tmp_path, "pic.svg") == (
        "image 'pic.svg' is a named pipe (FIFO), not a regular file; name a PNG, JPEG or SVG file")


@pytest.mark.parametrize("name,setup,message", [
    pytest.param("loop.png", lambda d: os.symlink("loop.png", d / "loop.png"),
                 "cannot be opened (its links go round in a loop)", id="link-loop"),
    pytest.param("a\0b.png", None, "cannot be opened (the name holds a character no file name can)", id="nul-in-name"),
    pytest.param("x" * 300 + ".png", None, "cannot be opened (file name too long)", id="name-too-long"),
    pytest.param("passwd.png", lambda d: os.symlink("/etc/passwd", d / "passwd.png"),
                 "is outside the content folder ({folder}/); keep images beside the YAML file", id="link-outside"),
])
def test_odd_names_are_refused_not_a_crash(tmp_path, name, setup, message):
    if setup:
        setup(tmp_path)
    shown = name if len(name) <= 80 else name[:79] + "…"
    assert problem(tmp_path, name) == f"image '{shown}' " + message.format(folder=tmp_path.name)


def test_a_picture_changed_after_loading_is_checked_again(tmp_path):
    from handouts.errors import HandoutsError

    good = io.BytesIO()
    Image.new("RGB", (30, 20), "#123456").save(good, "PNG")
    assert problem(tmp_path, "pic.png", good.getvalue()) is None
    assert images.fitted(tmp_path / "pic.png", 60, 60).drawWidth == 60
    (tmp_path / "pic.png").write_bytes(good.getvalue()[:60])
    with pytest.raises(HandoutsError, match="cannot be read as PNG"):
        images.fitted(tmp_path / "pic.png", 60, 60)
