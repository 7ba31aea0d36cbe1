"""Reading PDFs back for tests: text in reading order, glyph boxes, fonts, page boxes.

pypdfium2 gives text in content-stream order (paragraph by paragraph, the way
ReportLab wrote it), which keeps side-by-side columns from interleaving;
pdfplumber gives every glyph with its font size and position; pypdf reads the
font dictionaries and page boxes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2
from pypdf import PdfReader

MM = 72 / 25.4


def normalise(text: str) -> str:
    """Fold white space, soft hyphens and line-break hyphenation so wrapped text compares equal."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00ad", "").replace("\ufffe", "").replace("\r", " ").replace("\x02", "")
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def stream_text(path: Path) -> str:
    """All text of the document in the order it was drawn, normalised."""
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        parts = []
        for page in pdf:
            tp = page.get_textpage()
            parts.append(tp.get_text_range())
            tp.close()
            page.close()
        return normalise(" ".join(parts))
    finally:
        pdf.close()


def missing_texts(path: Path, expected: list[str]) -> list[str]:
    """The expected strings that cannot be found in the document's text."""
    text = stream_text(path)
    squashed = text.replace(" ", "")
    return [e for e in expected if normalise(e) not in text and normalise(e).replace(" ", "") not in squashed]


@dataclass
class Glyph:
    page: int
    text: str
    size: float
    font: str
    x0: float
    x1: float
    top: float
    bottom: float


def glyphs(path: Path) -> tuple[list[tuple[float, float]], list[Glyph]]:
    """Page sizes and every visible glyph (white space excluded), top-down coordinates."""
    sizes = []
    out = []
    with pdfplumber.open(str(path)) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            sizes.append((float(page.width), float(page.height)))
            for ch in page.chars:
                if not ch["text"].strip():
                    continue
                out.append(Glyph(n, ch["text"], float(ch["size"]), ch["fontname"], float(ch["x0"]), float(ch["x1"]),
                                 float(ch["top"]), float(ch["bottom"])))
    return sizes, out


def words(path: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, text, x0, top, x1, bottom) for each word."""
    out = []
    with pdfplumber.open(str(path)) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            for w in page.extract_words(use_text_flow=True, keep_blank_chars=False):
                out.append((n, w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])))
    return out


def overlapping_words(path: Path, tolerance: float = 0.8) -> list[tuple]:
    """Pairs of words whose boxes overlap by more than ``tolerance`` points both ways."""
    found = []
    by_page: dict[int, list] = {}
    for w in words(path):
        by_page.setdefault(w[0], []).append(w)
    for page, items in by_page.items():
        items.sort(key=lambda w: w[3])
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if b[3] >= a[5] - tolerance:
                    break
                dx = min(a[4], b[4]) - max(a[2], b[2])
                dy = min(a[5], b[5]) - max(a[3], b[3])
                if dx > tolerance and dy > tolerance:
                    found.append((page, a[1], b[1]))
    return found


def font_report(path: Path) -> list[dict]:
    """One entry per font resource: name, subtype, whether its program is embedded."""
    reader = PdfReader(str(path))
    seen: dict[str, dict] = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font.get("/BaseFont"))
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            seen[name] = {"name": name, "subtype": str(font.get("/Subtype")), "embedded": embedded,
                          "subset": bool(re.match(r"^/[A-Z]{6}\+", name))}
    return list(seen.values())


def page_boxes(path: Path) -> list[dict[str, tuple[float, float, float, float]]]:
    reader = PdfReader(str(path))
    out = []
    for page in reader.pages:
        boxes = {}
        for key in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox"):
            if key in page:
                boxes[key[1:]] = tuple(float(v) for v in page[key])
        out.append(boxes)
    return out


def metadata(path: Path) -> dict:
    reader = PdfReader(str(path))
    meta = {k: str(v) for k, v in (reader.metadata or {}).items()}
    root = reader.trailer["/Root"]
    if "/Lang" in root:
        meta["/Lang"] = str(root["/Lang"])
    return meta


def render_png(path: Path, page: int, out: Path, dpi: int = 80) -> Path:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        pdf[page - 1].render(scale=dpi / 72).to_pil().save(out)
    finally:
        pdf.close()
    return out
