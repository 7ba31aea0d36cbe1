"""User images: PNG, JPEG and SVG render in place of the drawn body map; bad references are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

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
