"""Reading PDFs back for tests: text in reading order, glyph boxes, fonts, page boxes.

pypdfium2 gives text in content-stream order (paragraph by paragraph, the way
ReportLab wrote it), which keeps side-by-side columns from interleaving;
pdfplumber gives every glyph with its font size and position; pypdf reads the
font dictionaries and page boxes.

Every reader takes a path or the PDF's bytes. Reading glyphs is the slow part
(about a second for a handout), so a test module that asks several questions
of one document reads it once with :func:`read_facts` and asks the result.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Union

import pdfplumber
import pypdfium2
from pypdf import PdfReader, PdfWriter
from pypdf.generic import IndirectObject

MM = 72 / 25.4

Source = Union[Path, str, bytes]
"""A PDF file's path, or the document itself."""

Word = tuple[int, str, float, float, float, float]
"""(page, text, x0, top, x1, bottom)."""

Location = tuple[str, ...]
"""Where a font was found: the page, then each form (or other content) entered on the way."""


def normalise(text: str) -> str:
    """Fold white space, soft hyphens and line-break hyphenation so wrapped text compares equal."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00ad", "").replace("\ufffe", "").replace("\r", " ").replace("\x02", "")
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def _plumber(pdf: Source):
    return pdfplumber.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))


def _pdfium(pdf: Source) -> pypdfium2.PdfDocument:
    return pypdfium2.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))


def _reader(pdf: Source | PdfReader) -> PdfReader:
    if isinstance(pdf, PdfReader):
        return pdf
    return PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))


def _resolve(obj: Any) -> Any:
    return obj.get_object() if obj is not None and hasattr(obj, "get_object") else obj


def _key(ref: Any, obj: Any) -> tuple:
    """The same object reached twice has the same key: indirect objects by number, others by identity."""
    if isinstance(ref, IndirectObject):
        return ("ref", ref.idnum, ref.generation)
    return ("direct", id(obj))


# Text in drawing order ------------------------------------------------------------------------


def stream_text(path: Source) -> str:
    """All text of the document in the order it was drawn, normalised."""
    pdf = _pdfium(path)
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


def missing_from(text: str, expected: list[str]) -> list[str]:
    """The expected strings that cannot be found in ``text`` (as :func:`stream_text` gives it)."""
    squashed = text.replace(" ", "")
    return [e for e in expected if normalise(e) not in text and normalise(e).replace(" ", "") not in squashed]


def missing_texts(path: Source, expected: list[str]) -> list[str]:
    """The expected strings that cannot be found in the document's text."""
    return missing_from(stream_text(path), expected)


# Glyphs and words -----------------------------------------------------------------------------


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


def _without_textless_forms(pdf: Source) -> Source:
    """The document with every form XObject that draws no text emptied, for reading glyphs.

    pdfminer parses a form's content each time a page places it, and a
    handout's body maps and icons are long path programs: about two thirds of
    the reading time, for no glyph. A form with neither ``BT`` (text) nor
    ``Do`` (another form) in its content cannot add a glyph, so emptying it
    leaves glyphs and words exactly as they were."""
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    if b"/Form" not in data:
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    done: set[tuple] = set()
    emptied = 0
    stack = []
    for page in writer.pages:
        resources = _resolve(page.get("/Resources")) or {}
        stack.extend((_resolve(resources.get("/XObject")) or {}).values())
    while stack:
        ref = stack.pop()
        form = _resolve(ref)
        if not hasattr(form, "get_data") or form.get("/Subtype") != "/Form" or _key(ref, form) in done:
            continue
        done.add(_key(ref, form))
        content = form.get_data()
        if b"BT" in content or b"Do" in content:
            stack.extend((_resolve((_resolve(form.get("/Resources")) or {}).get("/XObject")) or {}).values())
            continue
        form.set_data(b"")
        emptied += 1
    if not emptied:
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _layout(path: Source, want_words: bool) -> tuple[list[tuple[float, float]], list[Glyph], list[Word]]:
    """One pdfplumber pass: page sizes, visible glyphs and (when asked) words."""
    sizes: list[tuple[float, float]] = []
    out: list[Glyph] = []
    found: list[Word] = []
    with _plumber(_without_textless_forms(path)) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            sizes.append((float(page.width), float(page.height)))
            for ch in page.chars:
                if not ch["text"].strip():
                    continue
                out.append(Glyph(n, ch["text"], float(ch["size"]), ch["fontname"], float(ch["x0"]), float(ch["x1"]),
                                 float(ch["top"]), float(ch["bottom"])))
            if want_words:
                for w in page.extract_words(use_text_flow=True, keep_blank_chars=False):
                    found.append((n, w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])))
    return sizes, out, found


def glyphs(path: Source) -> tuple[list[tuple[float, float]], list[Glyph]]:
    """Page sizes and every visible glyph (white space excluded), top-down coordinates."""
    sizes, gs, _ = _layout(path, want_words=False)
    return sizes, gs


def words(path: Source) -> list[Word]:
    """(page, text, x0, top, x1, bottom) for each word."""
    out = []
    with _plumber(_without_textless_forms(path)) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            for w in page.extract_words(use_text_flow=True, keep_blank_chars=False):
                out.append((n, w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])))
    return out


def overlaps(found: list[Word], tolerance: float = 0.8) -> list[tuple]:
    """Pairs of words whose boxes overlap by more than ``tolerance`` points both ways."""
    pairs = []
    by_page: dict[int, list] = {}
    for w in found:
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
                    pairs.append((page, a[1], b[1]))
    return pairs


def overlapping_words(path: Source, tolerance: float = 0.8) -> list[tuple]:
    """Pairs of words whose boxes overlap by more than ``tolerance`` points both ways."""
    return overlaps(words(path), tolerance)


# Fonts ----------------------------------------------------------------------------------------

SUBSET_PREFIX = re.compile(r"^/?[A-Z]{6}\+")
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def font_facts(font: Any) -> dict:
    """BaseFont, subtype, and whether the program is embedded and subset, for one font dictionary.

    A Type0 (composite) font keeps its descriptor in its descendant CIDFont;
    embedded means a FontFile, FontFile2 or FontFile3 in that descriptor. A
    Type3 font draws its glyphs with content streams in the font itself, so it
    needs no font file and counts as embedded."""
    font = _resolve(font)
    subtype = str(font.get("/Subtype"))
    name = str(font.get("/BaseFont", font.get("/Name", "")))
    holder = font
    if subtype == "/Type0" and "/DescendantFonts" in font:
        descendants = _resolve(font["/DescendantFonts"])
        holder = _resolve(descendants[0]) if descendants else {}
    descriptor = _resolve(holder.get("/FontDescriptor")) or {}
    embedded = subtype == "/Type3" or any(k in descriptor for k in FONT_FILES)
    return {"name": name, "subtype": subtype, "embedded": embedded, "subset": bool(SUBSET_PREFIX.match(name))}


def _inner_resources(resources: Any, where: Location, chain: tuple) -> Iterator[tuple[Any, Location]]:
    """The /Resources of each content stream reachable from ``resources`` that has its own, depth
    first: form XObjects (nested to any depth) and tiling patterns, each with where it was found.
    ``chain`` holds the forms entered on the way, so a form that draws itself is not entered again."""
    for kind in ("/XObject", "/Pattern"):
        named = _resolve(resources.get(kind)) or {}
        for name, ref in named.items():
            obj = _resolve(ref)
            if not hasattr(obj, "get"):
                continue
            if kind == "/XObject" and obj.get("/Subtype") != "/Form":
                continue
            if kind == "/Pattern" and obj.get("/PatternType") != 1:
                continue
            key = _key(ref, obj)
            if key in chain:
                continue
            inner = _resolve(obj.get("/Resources"))
            if inner is None:  # an old-style form that borrows its page's resources: no fonts of its own
                continue
            yield inner, where + (str(name),)
            yield from _inner_resources(inner, where + (str(name),), chain + (key,))


def _appearances(page: Any) -> Iterator[tuple[str, Any, Any]]:
    """(label, reference, stream) for each annotation appearance stream on the page."""
    for i, annot in enumerate(_resolve(page.get("/Annots")) or [], start=1):
        annot = _resolve(annot)
        ap = _resolve(annot.get("/AP")) if hasattr(annot, "get") else None
        for kind, ref in (ap or {}).items():
            entry = _resolve(ref)
            if not hasattr(entry, "get"):
                continue
            if "/BBox" in entry:  # one appearance
                yield f"annotation {i} {kind}", ref, entry
            else:  # one appearance per state (a check box's /On and /Off)
                for state, sub in entry.items():
                    yield f"annotation {i} {kind}{state}", sub, _resolve(sub)


def fonts_reachable(reader: PdfReader) -> list[dict]:
    """Every font reachable from any page, once per font object, with where it was found.

    Fonts are looked up in the page's /Resources /Font, then in the /Resources
    of every form XObject the page names (and the forms those name, to any
    depth), of tiling patterns, and of annotation appearance streams. Each entry
    is :func:`font_facts` plus ``found_in`` (every :data:`Location` it was
    reached from, in the order found), ``on_page`` (listed in some page's own
    /Resources) and ``in_form`` (listed in the /Resources of some form, pattern
    or appearance stream a page reaches)."""
    seen: dict[tuple, dict] = {}

    def collect(resources: Any, where: Location) -> None:
        for ref in (_resolve(resources.get("/Font")) or {}).values():
            font = _resolve(ref)
            key = _key(ref, font)
            if key not in seen:
                seen[key] = {**font_facts(font), "found_in": []}
            if where not in seen[key]["found_in"]:
                seen[key]["found_in"].append(where)

    def walk(resources: Any, where: Location, chain: tuple) -> None:
        collect(resources, where)
        for inner, inner_where in _inner_resources(resources, where, chain):
            collect(inner, inner_where)

    for n, page in enumerate(reader.pages, start=1):
        here = (f"page {n}",)
        walk(_resolve(page.get("/Resources")) or {}, here, ())
        for label, ref, stream in _appearances(page):
            own = _resolve(stream.get("/Resources"))
            if own is not None:
                walk(own, here + (label,), (_key(ref, stream),))
    for entry in seen.values():
        entry["on_page"] = any(len(loc) == 1 for loc in entry["found_in"])
        entry["in_form"] = any(len(loc) > 1 for loc in entry["found_in"])
    return list(seen.values())


def font_report(path: Source) -> list[dict]:
    """One entry per font the pages can reach, page-level or inside form XObjects: name, subtype,
    whether its program is embedded and subset, and where it was found (see :func:`fonts_reachable`)."""
    return fonts_reachable(_reader(path))


_TF = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+[-+]?(?:\d+\.?\d*|\.\d+)\s+Tf\b")


def form_text_fonts(path: Source | PdfReader) -> dict[str, set[str]]:
    """For each form XObject the pages reach (by its resource name), the BaseFonts its own content
    selects with ``Tf``, looked up in the form's own /Resources (``?/F1`` for a name they lack)."""
    reader = _reader(path)
    out: dict[str, set[str]] = {}
    done: set[tuple] = set()
    stack = []
    for page in reader.pages:
        xobjects = _resolve((_resolve(page.get("/Resources")) or {}).get("/XObject")) or {}
        stack.extend((str(name), ref) for name, ref in xobjects.items())
    while stack:
        name, ref = stack.pop()
        form = _resolve(ref)
        if not hasattr(form, "get") or form.get("/Subtype") != "/Form" or _key(ref, form) in done:
            continue
        done.add(_key(ref, form))
        own = _resolve(form.get("/Resources")) or {}
        fonts = _resolve(own.get("/Font")) or {}
        used = out.setdefault(name, set())
        for m in _TF.finditer(form.get_data()):
            key = "/" + m.group(1).decode("latin-1")
            used.add(str(_resolve(fonts[key]).get("/BaseFont")) if key in fonts else "?" + key)
        stack.extend((str(k), v) for k, v in (_resolve(own.get("/XObject")) or {}).items())
    return out


# Page boxes, metadata, pictures ---------------------------------------------------------------


def _page_boxes(reader: PdfReader) -> list[dict[str, tuple[float, float, float, float]]]:
    out = []
    for page in reader.pages:
        boxes = {}
        for key in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox"):
            if key in page:
                boxes[key[1:]] = tuple(float(v) for v in page[key])
        out.append(boxes)
    return out


def page_boxes(path: Source) -> list[dict[str, tuple[float, float, float, float]]]:
    return _page_boxes(_reader(path))


def _metadata(reader: PdfReader) -> dict:
    meta = {k: str(v) for k, v in (reader.metadata or {}).items()}
    root = reader.trailer["/Root"]
    if "/Lang" in root:
        meta["/Lang"] = str(root["/Lang"])
    return meta


def metadata(path: Source) -> dict:
    return _metadata(_reader(path))


def render_png(path: Source, page: int, out: Path, dpi: int = 80) -> Path:
    pdf = _pdfium(path)
    try:
        pdf[page - 1].render(scale=dpi / 72).to_pil().save(out)
    finally:
        pdf.close()
    return out


# Everything at once ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfFacts:
    """What the tests ask of one document, read once: each reader opens the PDF a single time."""

    data: bytes
    sizes: list[tuple[float, float]]
    """Page (width, height) in points, first page first."""
    glyphs: list[Glyph]
    words: list[Word]
    text: str
    """:func:`stream_text` of the document."""
    fonts: list[dict]
    """:func:`font_report` of the document."""
    form_fonts: dict[str, set[str]]
    """:func:`form_text_fonts` of the document."""
    boxes: list[dict[str, tuple[float, float, float, float]]]
    metadata: dict

    def missing(self, expected: list[str]) -> list[str]:
        """As :func:`missing_texts`."""
        return missing_from(self.text, expected)

    def overlapping(self, tolerance: float = 0.8) -> list[tuple]:
        """As :func:`overlapping_words`."""
        return overlaps(self.words, tolerance)


def read_facts(pdf: Source) -> PdfFacts:
    """Read a document once with each library and keep what the checks above need."""
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    sizes, gs, ws = _layout(data, want_words=True)
    reader = _reader(data)
    return PdfFacts(data=data, sizes=sizes, glyphs=gs, words=ws, text=stream_text(data), fonts=fonts_reachable(reader),
                    form_fonts=form_text_fonts(reader), boxes=_page_boxes(reader), metadata=_metadata(reader))
