"""`handouts preview`: PNG pages beside the PDF, as many and as large as the PDF's pages."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from PIL import Image
from typer.testing import CliRunner

from handouts.cli import app
from shipped import CONTENT_DIR


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("layout", ["handout-a4", "handout-letter"])
def test_pictures_match_the_pdf(tmp_path, layout):
    result = run("preview", "self-neck-back", "-l", layout, "--dpi", "50", "--content", str(CONTENT_DIR),
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    pdf = pdfium.PdfDocument(tmp_path / f"self-neck-back--{layout}.pdf")
    paths = result.stdout.splitlines()
    assert paths == [str(tmp_path / f"self-neck-back--{layout}--p{n}.png") for n in range(1, len(pdf) + 1)]
    assert len(pdf) >= 2
    for n, path in enumerate(paths):
        w, h = pdf[n].get_size()
        with Image.open(path) as im:
            assert abs(im.width - w * 50 / 72) <= 1 and abs(im.height - h * 50 / 72) <= 1
            low, high = im.convert("L").getextrema()
            assert high - low > 100, "a blank page"


def test_one_page(tmp_path):
    result = run("preview", "partner-neck", "--page", "2", "--content", str(CONTENT_DIR), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(tmp_path / "partner-neck--handout-a4--p2.png")]
    with Image.open(tmp_path / "partner-neck--handout-a4--p2.png") as im:
        assert im.size == (827, 1170)  # A4 at 100 dpi
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partner-neck--handout-a4--p2.png",
                                                         "partner-neck--handout-a4.pdf"]


@pytest.mark.parametrize("args, message", [
    (["--page", "0"], "--page: must be a page number from 1 to 500"),
    (["--page", "501"], "--page: must be a page number from 1 to 500"),
    (["--page", "99"], re.compile(r"--page: the handout has (\d+) pages; choose 1 to \1")),
    (["--dpi", "5000"], "--dpi: must be from 30 to 300"),
    (["--dpi", "10"], "--dpi: must be from 30 to 300"),
])
def test_bad_options_are_named_and_nothing_is_written(tmp_path, args, message):
    result = run("preview", "self-neck-back", "--content", str(CONTENT_DIR), "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == 1
    first, *rest = result.stderr.splitlines()
    assert rest == ["1 problem found."]
    assert message.fullmatch(first) if isinstance(message, re.Pattern) else first == message
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_unknown_routine(tmp_path):
    result = run("preview", "nope", "--content", str(CONTENT_DIR), "--out", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("nope: no routine with this id or path; known ids: ")
