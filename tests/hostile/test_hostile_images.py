"""Pictures named in content can never crash a build, hang it, exhaust memory or read outside the content folder.

Every hostile picture is made here in a temporary folder beside a copy of a
valid routine whose first step names it. Each case runs ``validate`` and
``build`` through the CLI runner in a child process, because only there can the
case be bounded: killed if it outlives ``BOUND`` (a pipe that never ends fails
the test, not the run), its peak memory read from ``VmHWM`` at the end, and
library log lines visible (pytest would otherwise swallow them into its own
log capture). Both commands must refuse the picture with the same one message,
located at the YAML line that names it, and exit 1.
"""

from __future__ import annotations

import base64
import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from handouts.images import MAX_SVG_BYTES

TESTS = Path(__file__).resolve().parent.parent
ROUTINE = TESTS / "cases" / "content-good" / "neck-ease.yaml"

BOUND = 10.0
"""Seconds any one command of a case may take."""

PEAK_MB = 300
"""Most memory (peak resident set) the child process may reach over both commands."""

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")

SVG_OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'width="120" height="80" viewBox="0 0 120 80">')

CHILD = r"""
import json, sys, time
from typer.testing import CliRunner
from handouts.cli import app

runs = []
for args in (["validate", "content"],
             ["build", "neck-ease", "-l", "handout-a4", "--content", "content", "--out", "out"]):
    started = time.monotonic()
    result = CliRunner().invoke(app, args)
    runs.append({"args": args, "code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr,
                 "seconds": time.monotonic() - started})
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"runs": runs, "peak_mb": int(peak.split()[1]) / 1024}))
"""


def content(tmp_path: Path, picture: str, data: bytes | str | None = None) -> int:
    """A content folder whose first step shows ``picture``; the line number that names it."""
    folder = tmp_path / "content"
    folder.mkdir()
    text = ROUTINE.read_text(encoding="utf-8")
    marker = "    pressure: light\n"
    assert marker in text
    text = text.replace(marker, marker + f"    illustration: {{image: {picture}, alt: A hand on the neck}}\n", 1)
    (folder / "neck-ease.yaml").write_text(text, encoding="utf-8")
    if isinstance(data, str):
        (folder / picture).write_text(data, encoding="utf-8")
    elif data is not None:
        (folder / picture).write_bytes(data)
    return next(i for i, line in enumerate(text.splitlines(), start=1) if "illustration:" in line)


def run(tmp_path: Path) -> dict:
    """validate and build in a fresh interpreter; killed (and failed) if it outlives both bounds."""
    try:
        done = subprocess.run([sys.executable, "-c", CHILD], cwd=tmp_path, capture_output=True, text=True,
                              timeout=2 * BOUND + 5, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"validate and build still running after {2 * BOUND + 5} s")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for r in report["runs"]:
        assert r["seconds"] < BOUND, f"{' '.join(r['args'])} took {r['seconds']:.1f} s"
    assert report["peak_mb"] < PEAK_MB, f"peak memory {report['peak_mb']:.0f} MB"
    return report


def refused(tmp_path: Path, line: int, message: str) -> None:
    """Both commands print exactly this located message and the count, and exit 1."""
    report = run(tmp_path)
    expected = f"content/neck-ease.yaml:{line}: steps[1].illustration.image: {message}\n1 problem found.\n"
    for r in report["runs"]:
        assert (r["code"], r["stderr"]) == (1, expected), " ".join(r["args"])
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def built(tmp_path: Path) -> None:
    """Both commands succeed and nothing but their own output is printed (no library log lines or warnings)."""
    report = run(tmp_path)
    validate, build = report["runs"]
    assert (validate["code"], validate["stdout"], validate["stderr"]) == (
        0, "ok: 1 routine(s), 0 layout file(s) valid.\n", "")
    assert (build["code"], build["stderr"]) == (0, ""), build["stdout"]
    pdf = tmp_path / "out" / "neck-ease--handout-a4.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    written, *rest = build["stdout"].splitlines()
    assert written.endswith(pdf.name) and all(line.startswith("quality: ") for line in rest), build["stdout"]


def png(size: tuple[int, int] = (300, 200), colour: str = "#336699") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A real, complete 1-bit PNG of ``width`` × ``height`` white pixels: a few KB on disk, gigabytes once decoded.

    Written chunk by chunk so making it costs no more memory than the file."""
    row = b"\0" + b"\xff" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


# ---------------------------------------------------------------- SVG reaching outside itself


def test_svg_with_an_image_of_a_file_is_refused(tmp_path):
    line = content(tmp_path, "pic.svg", SVG_OPEN + '<image href="dot.png" width="10" height="10"/></svg>')
    (tmp_path / "content" / "dot.png").write_bytes(png((4, 4)))
    refused(tmp_path, line, "image 'pic.svg' has an <image> inside it (line 1); an SVG picture must be drawn with "
                            "shapes, so name the PNG or JPEG in the YAML instead")


def test_svg_with_a_data_uri_image_is_refused(tmp_path):
    uri = "data:image/png;base64," + base64.b64encode(png_bomb(12000, 12000)).decode()
    line = content(tmp_path, "pic.svg", SVG_OPEN + f'\n<image xlink:href="{uri}" width="10" height="10"/></svg>')
    refused(tmp_path, line, "image 'pic.svg' has an <image> inside it (line 2); an SVG picture must be drawn with "
                            "shapes, so name the PNG or JPEG in the YAML instead")


def test_svg_using_a_file_outside_the_content_folder_is_refused_unread(tmp_path):
    (tmp_path / "outside.svg").write_text(SVG_OPEN + '<text id="x" x="5" y="50">SECRET-OUTSIDE</text></svg>')
    line = content(tmp_path, "pic.svg", SVG_OPEN + '<use href="../outside.svg#x"/></svg>')
    refused(tmp_path, line, "image 'pic.svg' refers to something outside itself ('../outside.svg#x', line 1); "
                            "an SVG picture must be self-contained")


def test_svg_using_a_system_file_is_refused_unread(tmp_path):
    line = content(tmp_path, "pic.svg", SVG_OPEN + '<use xlink:href="/etc/passwd#root"/></svg>')
    refused(tmp_path, line, "image 'pic.svg' refers to something outside itself ('/etc/passwd#root', line 1); "
                            "an SVG picture must be self-contained")


def test_svg_with_an_external_entity_is_refused(tmp_path):
    svg = ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           + SVG_OPEN + '<text x="5" y="50">&x;</text></svg>')
    line = content(tmp_path, "pic.svg", svg)
    refused(tmp_path, line, "image 'pic.svg' uses XML entities or a DTD (line 2); pictures may not, "
                            "so save it again as plain SVG")


# ---------------------------------------------------------------- SVG too big to convert


def test_svg_with_300k_elements_is_refused_quickly(tmp_path):
    line = content(tmp_path, "pic.svg", SVG_OPEN + "<g/>" * 300_000 + "</svg>")
    refused(tmp_path, line, "image 'pic.svg' has more than 10,000 elements; at most 10,000; "
                            "simplify the drawing or save it as a PNG")


def test_svg_multiplied_by_use_is_refused(tmp_path):
    """200 copies of a 100-shape group: a small file that svglib would turn into 20,000 shapes."""
    group = '<defs><g id="a">' + '<rect width="1" height="1"/>' * 100 + "</g></defs>"
    line = content(tmp_path, "pic.svg", SVG_OPEN + group + '<use href="#a"/>' * 200 + "</svg>")
    refused(tmp_path, line, "image 'pic.svg' draws more than 10,000 elements once its <use> and clip-path copies "
                            "are counted; at most 10,000; simplify the drawing or save it as a PNG")


def test_svg_over_the_file_size_limit_is_refused_unparsed(tmp_path):
    line = content(tmp_path, "pic.svg", SVG_OPEN + "<!--" + "x" * (MAX_SVG_BYTES + 1_000_000) + "--></svg>")
    refused(tmp_path, line, "image 'pic.svg' is 3 MB; at most 2 MB for an SVG picture")


def test_svg_style_rule_that_backtracks_is_refused(tmp_path):
    """cssselect2 would try every way of matching the stars against 30 nested groups: minutes."""
    svg = SVG_OPEN + "<style>x * * * * * * * * {fill:red}</style>" + "<g>" * 30 + "<rect/>" + "</g>" * 30 + "</svg>"
    line = content(tmp_path, "pic.svg", svg)
    refused(tmp_path, line, "image 'pic.svg' has a style rule 'x * * * * * * * *' (line 1); only simple selectors "
                            "such as rect, .name or #id are allowed, so save the SVG with presentation attributes "
                            "instead")


# ---------------------------------------------------------------- PNG and JPEG


def test_png_of_12000_by_12000_pixels_is_refused_from_its_header(tmp_path):
    data = png_bomb(12000, 12000)
    assert len(data) < 40_000
    line = content(tmp_path, "pic.png", data)
    refused(tmp_path, line, "image 'pic.png' is 12000 × 12000 pixels; at most 4000 × 4000 (16 million pixels); "
                            "save a smaller copy")


def test_png_whose_header_was_patched_to_12000_by_12000_is_refused(tmp_path):
    small = png((1, 1))
    header = struct.pack(">II", 12000, 12000) + small[24:29]
    patched = small[:16] + header + struct.pack(">I", zlib.crc32(b"IHDR" + header)) + small[33:]
    line = content(tmp_path, "pic.png", patched)
    refused(tmp_path, line, "image 'pic.png' is 12000 × 12000 pixels; at most 4000 × 4000 (16 million pixels); "
                            "save a smaller copy")


def test_jpeg_cut_in_half_is_refused(tmp_path):
    out = io.BytesIO()
    Image.effect_noise((600, 400), 60).convert("RGB").save(out, "JPEG", quality=90)
    whole = out.getvalue()
    line = content(tmp_path, "pic.jpg", whole[: len(whole) // 2])
    refused(tmp_path, line, "image 'pic.jpg' cannot be read as JPEG; is the file damaged?")


def test_jpeg_with_hundreds_of_scans_is_refused_undecoded(tmp_path):
    """Each repeated progressive scan makes the decoder walk the whole picture again."""
    out = io.BytesIO()
    Image.linear_gradient("L").resize((2000, 2000)).convert("RGB").save(out, "JPEG", quality=50, progressive=True)
    data = out.getvalue()
    last_scan = data[data.rindex(b"\xff\xda"):-2]
    line = content(tmp_path, "pic.jpg", data[:-2] + last_scan * 500 + b"\xff\xd9")
    scans = (tmp_path / "content" / "pic.jpg").read_bytes().count(b"\xff\xda")
    refused(tmp_path, line, f"image 'pic.jpg' is stored in {scans} scans; at most 100; save it again as a plain JPEG")


# ---------------------------------------------------------------- not a picture file at all


def test_named_pipe_as_a_picture_does_not_hang(tmp_path):
    line = content(tmp_path, "pic.png")
    os.mkfifo(tmp_path / "content" / "pic.png")
    refused(tmp_path, line, "image 'pic.png' is a named pipe (FIFO), not a regular file; name a PNG, JPEG or SVG file")


OUTSIDE = "image 'pic.png' is outside the content folder (content/); keep images beside the YAML file"


def test_link_to_a_system_file_is_refused_unread(tmp_path):
    line = content(tmp_path, "pic.png")
    os.symlink("/etc/passwd", tmp_path / "content" / "pic.png")
    refused(tmp_path, line, OUTSIDE)


def test_link_to_a_device_is_refused_unread(tmp_path):
    line = content(tmp_path, "pic.png")
    os.symlink("/dev/zero", tmp_path / "content" / "pic.png")
    refused(tmp_path, line, OUTSIDE)


# ---------------------------------------------------------------- good pictures still build


GOOD_SVG = (SVG_OPEN + '<style>.a{fill:#2e7d6b}</style><defs><circle id="dot" r="6"/>'
            '<linearGradient id="g"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#036"/>'
            '</linearGradient></defs><rect width="120" height="80" fill="url(#g)"/>'
            '<rect class="a" width="40" height="40" rx="8"/><use href="#dot" x="60" y="20"/>'
            '<a href="https://example.org/"><text x="48" y="60" font-size="16">RMC</text></a></svg>')


@pytest.mark.parametrize("picture,data", [
    pytest.param("pic.svg", GOOD_SVG, id="svg"),
    pytest.param("pic.png", png(), id="png"),
    pytest.param("pic.jpg", None, id="jpeg"),
    pytest.param("pic.svg", SVG_OPEN + '<rect width="5" height="5" fill="bogus" transform="wat(1)"/></svg>',
                 id="svg-svglib-complains-about"),
])
def test_good_pictures_still_build_without_chatter(tmp_path, picture, data):
    if data is None:
        out = io.BytesIO()
        Image.new("RGB", (300, 200), "#996633").save(out, "JPEG")
        data = out.getvalue()
    content(tmp_path, picture, data)
    built(tmp_path)


def test_picture_at_the_pixel_limit_still_builds(tmp_path):
    content(tmp_path, "pic.png", png_bomb(4000, 4000))
    built(tmp_path)


def test_pictures_each_allowed_but_too_many_together_are_refused(tmp_path):
    """Each picture is under its own limit; a handout holds them all at once, so their total has one too."""
    folder = tmp_path / "content"
    folder.mkdir()
    text = ROUTINE.read_text(encoding="utf-8")
    marker = "safety:\n"
    extra = "".join(f"  - title: Step {n}\n    instruction: Rest.\n"
                    f"    illustration: {{image: p{n}.png, alt: A hand on the neck}}\n" for n in range(4))
    text = text.replace(marker, extra + marker, 1)
    (folder / "neck-ease.yaml").write_text(text, encoding="utf-8")
    bomb = png_bomb(4000, 4000)
    for n in range(4):
        (folder / f"p{n}.png").write_bytes(bomb)
    line = next(i for i, t in enumerate(text.splitlines(), start=1) if "p3.png" in t)
    report = run(tmp_path)
    expected = (f"content/neck-ease.yaml:{line}: steps[6].illustration.image: image 'p3.png' brings this "
                "file's pictures past 48 million pixels in all; use smaller pictures (a step picture needs "
                "under 1000 × 1000 pixels)\n1 problem found.\n")
    for r in report["runs"]:
        assert (r["code"], r["stderr"]) == (1, expected), " ".join(r["args"])
