"""User images (step pictures, routine pictures, clinic logos): checked at load, fitted at render.

Paths are relative to the YAML file that names them and must stay inside that
file's folder, so a shared content folder cannot be made to read arbitrary
files. PNG and JPEG are verified with Pillow; SVG is converted to vectors with
svglib (pure Python, keeps logos sharp in print).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # ReportLab is imported when a picture is drawn, not when content is checked
    from reportlab.graphics.shapes import Drawing
    from reportlab.platypus import Flowable

RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
VECTOR = {".svg"}


def resolve(base_file: Path, relative: str) -> Path:
    return (base_file.parent / relative).resolve()


def image_problem(base_file: Path, relative: str) -> str | None:
    """Why ``relative`` (named in ``base_file``) cannot be used, or None when it can."""
    root = base_file.parent.resolve()
    target = resolve(base_file, relative)
    if not target.is_relative_to(root):
        return f"image '{relative}' is outside the content folder ({root.name}/); keep images beside the YAML file"
    if not target.exists():
        return f"image '{relative}' does not exist"
    if not target.is_file():
        return f"image '{relative}' is not a file"
    suffix = target.suffix.lower()
    if suffix not in RASTER and suffix not in VECTOR:
        return f"image '{relative}' is not a PNG, JPEG or SVG file"
    if suffix in RASTER:
        try:
            from PIL import Image as PILImage

            with PILImage.open(target) as im:
                if im.format != RASTER[suffix]:
                    return f"image '{relative}' is named {suffix} but holds {im.format or 'no picture'}"
                im.verify()
        except Exception:  # Pillow raises many kinds for damaged files
            return f"image '{relative}' cannot be read as {RASTER[suffix]}; is the file damaged?"
        return None
    if _svg(str(target)) is None:
        return f"image '{relative}' cannot be read as SVG"
    return None


@lru_cache(maxsize=64)
def _svg(path: str) -> Drawing | None:
    try:
        from svglib.svglib import svg2rlg

        drawing = svg2rlg(path)
    except Exception:
        return None
    if drawing is None or not drawing.width or not drawing.height:
        return None
    _own_fonts(drawing)
    return drawing


def _own_fonts(node) -> None:
    """SVG text falls back to Helvetica in svglib; draw it in our embedded font instead."""
    from reportlab.graphics.shapes import String

    from .fonts import face_name

    if isinstance(node, String):
        node.fontName = face_name("atkinson", bold="bold" in str(node.fontName).lower())
    for child in getattr(node, "contents", []) or []:
        _own_fonts(child)


def fitted(path: Path, width: float, height: float) -> Flowable:
    """The image scaled to fit ``width`` × ``height`` with its aspect ratio kept."""
    from reportlab.graphics.shapes import Drawing, Group
    from reportlab.platypus import Image

    if path.suffix.lower() in VECTOR:
        source = _svg(str(path))
        assert source is not None, "images are checked when content loads"
        scale = min(width / source.width, height / source.height)
        group = Group(*source.contents)
        group.transform = (scale, 0, 0, scale, 0, 0)
        out = Drawing(source.width * scale, source.height * scale)
        out.add(group)
        from .fonts import face_name

        out.initialFontName = face_name("atkinson")  # else ReportLab references Helvetica
        return out
    from PIL import Image as PILImage

    with PILImage.open(path) as im:
        w, h = im.size
    scale = min(width / w, height / h)
    return Image(str(path), width=w * scale, height=h * scale)
