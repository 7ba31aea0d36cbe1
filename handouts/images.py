"""User images (step pictures, routine pictures, clinic logos): checked at load, fitted at render.

Paths are relative to the YAML file that names them and must stay inside that
file's folder, so a shared content folder cannot be made to read arbitrary
files. PNG and JPEG are decoded once with Pillow when content loads, so a
damaged picture is refused by ``validate`` instead of printing half blank; SVG
is converted to vectors with svglib (pure Python, keeps logos sharp in print).

Content folders are shared and pictures come from anywhere (a phone, a web
page, a colleague's e-mail), so every picture is treated as hostile until
checked: only regular files are opened, and sizes, pixel counts and SVG
element counts are read cheaply *before* the expensive decoder runs, against
the limits below. Each limit is far above what a printed handout needs.

SVG pictures must be self-contained. An ``<image>`` inside an SVG, or a
``<use>`` of another file, would need its own checks (the pixel limit, the
folder rule, damage) and would make what ``validate`` accepted depend on files
it never named; refusing them keeps one rule: the picture is the file the YAML
names, nothing more. svglib is also handed the checked bytes rather than the
path, so it has no folder to resolve a reference against even if one slipped
through.
"""

from __future__ import annotations

import errno
import io
import logging
import math
import os
import re
import stat
import warnings
from collections import OrderedDict
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .filekind import file_kind

if TYPE_CHECKING:  # ReportLab is imported when a picture is drawn, not when content is checked
    from reportlab.graphics.shapes import Drawing
    from reportlab.platypus import Flowable

RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
VECTOR = {".svg"}

MAX_IMAGE_BYTES = 20_000_000
"""Largest PNG or JPEG file. The whole file is read into memory to be checked,
and ReportLab copies a JPEG into every PDF as it is (a class batch writes one
PDF per roster row); a 12-megapixel phone photo is 3-6 MB."""

MAX_IMAGE_PIXELS = 16_000_000
"""Most pixels in a PNG or JPEG (4000 × 4000). A full A4 page at 300 dpi is 8.7
million pixels and a phone photo 12 million, so nothing printed in a handout
needs more. Memory grows with pixels, not file size: checking decodes at up to
4 bytes a pixel, and ReportLab draws a PNG with transparency at about 18, so
the largest picture allowed peaks near 300 MB while a 17 KB PNG claiming
12000 × 12000 would take gigabytes. Pillow's own bomb limit (89 million
pixels, and then only a warning) is far too high to protect a build."""

MAX_JPEG_SCANS = 100
"""Most scans (passes) in a JPEG. A progressive JPEG has about 10; each extra
scan makes the decoder walk the whole picture again, so a small file with
thousands of scans takes minutes to open."""

MAX_SVG_BYTES = 2_000_000
"""Largest SVG file. svglib builds a Python object per shape and per
coordinate: 2 MB of path data takes about 2 s and 120 MB; a logo or step
drawing is rarely over 200 KB."""

MAX_SVG_ELEMENTS = 10_000
"""Most elements an SVG may draw, counting every copy a ``<use>`` or
``clip-path`` makes. svglib needs about 0.1-0.2 ms and a few KB per element
(10,000 take 1-2 s and about 35 MB); a detailed drawing has a few thousand."""

MAX_SVG_DEPTH = 100
"""Deepest nesting of SVG elements, the outermost ``<svg>`` and ``<use>`` copies
included. Drawings nest a dozen groups deep; svglib and ReportLab recurse once
per level, and libxml2 silently cuts documents off at 256."""

MAX_SVG_SELECTORS = 100
"""Most selectors (``rect``, ``.name``, ``#id``, ``*``) in an SVG's ``<style>``
blocks. svglib tests every rule against every element it could match, so the
cost is rules × elements: 100 ``*`` rules on 10,000 elements add about 1 s.
Exported SVGs use a few dozen class rules."""

MAX_DOCUMENT_IMAGE_BYTES = 60_000_000
MAX_DOCUMENT_PIXELS = 48_000_000
MAX_DOCUMENT_SVG_ELEMENTS = 50_000
"""Totals over the different pictures of one routine (or clinic file). Each picture
alone is bounded above, but a handout holds all of its pictures at once (ReportLab
keeps the whole PDF in memory until it writes it, and a class batch writes one per
student), so fifty of the largest allowed would take gigabytes. Three full-size
phone photos, or fifty step pictures of a few hundred KB, fit well inside."""

CACHE_ELEMENTS = 2 * MAX_SVG_ELEMENTS
"""Converted SVG drawings kept between load and render, counted in elements,
so a folder of many large pictures cannot pile them all up in memory."""


class _Refused(Exception):
    """Why a picture cannot be used, worded to follow ``image 'name' ``."""


def resolve(base_file: Path, relative: str) -> Path:
    return (base_file.parent / relative).resolve()


def _quoted(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def image_problem(base_file: Path, relative: str) -> str | None:
    """Why ``relative`` (named in ``base_file``) cannot be used, or None when it can."""
    name = _quoted(relative)
    root = base_file.parent.resolve()
    try:
        target = resolve(base_file, relative)
    except (OSError, ValueError, RuntimeError) as exc:  # NUL in the name, a link loop, a name too long
        return f"image '{name}' cannot be opened ({_reason(exc)})"
    if not target.is_relative_to(root):
        return f"image '{name}' is outside the content folder ({root.name}/); keep images beside the YAML file"
    try:
        _load(target)
    except _Refused as why:
        return f"image '{name}' {why}"
    return None


def total_problem(base_file: Path, relatives: list[str]) -> tuple[str, str] | None:
    """(picture, why) when the pictures named in one file, each fine alone, are too much
    together; the picture named is the first one past a total. Call after each
    picture passed :func:`image_problem`."""
    seen: set[Path] = set()
    size = pixels = elements = 0
    for relative in relatives:
        target = resolve(base_file, relative)
        if target in seen:
            continue
        seen.add(target)
        loaded = _load(target)
        size += target.stat().st_size
        if isinstance(loaded, tuple):
            pixels += loaded[0] * loaded[1]
        else:
            elements += sum(1 for _ in _walk(loaded))
        for total, limit, words in (
            (size, MAX_DOCUMENT_IMAGE_BYTES, f"{_megabytes(MAX_DOCUMENT_IMAGE_BYTES)} of picture files"),
            (pixels, MAX_DOCUMENT_PIXELS, f"{MAX_DOCUMENT_PIXELS // 1_000_000} million pixels"),
            (elements, MAX_DOCUMENT_SVG_ELEMENTS, f"{MAX_DOCUMENT_SVG_ELEMENTS:,} SVG elements"),
        ):
            if total > limit:
                return relative, (f"image '{_quoted(relative)}' brings this file's pictures past {words} "
                                  "in all; use smaller pictures (a step picture needs under 1000 × 1000 pixels)")
    return None


def _walk(node) -> Iterator[object]:
    yield node
    for child in getattr(node, "contents", ()):
        yield from _walk(child)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "its links go round in a loop"
    if isinstance(exc, ValueError):
        return "the name holds a character no file name can"
    return (getattr(exc, "strerror", None) or str(exc)).lower()


# Reading ----------------------------------------------------------------------------------------

_CACHE: OrderedDict[tuple, tuple[object, int]] = OrderedDict()


def _load(path: Path) -> Drawing | tuple[int, int]:
    """The checked picture: an SVG drawing, or a raster's (width, height) in pixels.

    Kept while the file is unchanged, so a picture checked at load is not
    decoded again when the handout is drawn."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _Refused("does not exist") from None
    except (OSError, ValueError) as exc:
        raise _Refused(f"cannot be opened ({_reason(exc)})") from None
    if stat.S_ISDIR(st.st_mode):
        raise _Refused("is not a file")
    if not stat.S_ISREG(st.st_mode):
        raise _Refused(_not_regular(st.st_mode))
    suffix = path.suffix.lower()
    if suffix not in RASTER and suffix not in VECTOR:
        raise _Refused("is not a PNG, JPEG or SVG file")
    key = (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key][0]
    limit, kind = (MAX_SVG_BYTES, "an SVG picture") if suffix in VECTOR else (MAX_IMAGE_BYTES, "a PNG or JPEG picture")
    if st.st_size > limit:
        raise _Refused(_too_big(st.st_size, limit, kind))
    data = _read(path, limit, kind)
    with _quiet():
        if suffix in VECTOR:
            elements = _scan_svg(data)
            result: Drawing | tuple[int, int] = _convert_svg(data)
        else:
            elements = 1
            result = _check_raster(data, RASTER[suffix], suffix)
    _remember(key, result, elements)
    return result


def _remember(key: tuple, value: object, weight: int) -> None:
    _CACHE[key] = (value, weight)
    while len(_CACHE) > 1 and sum(w for _, w in _CACHE.values()) > CACHE_ELEMENTS:
        _CACHE.popitem(last=False)


def _read(path: Path, limit: int, kind: str) -> bytes:
    """The file's bytes, opened without blocking and re-checked once open.

    A name checked a moment ago may since have become a pipe or a device,
    which would wait or never end; O_NONBLOCK makes the open return at once,
    and fstat then looks at what was actually opened."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        with open(os.open(path, flags), "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise _Refused(_not_regular(st.st_mode))
            data = f.read(limit + 1)
    except OSError as exc:
        raise _Refused(f"cannot be opened ({_reason(exc)})") from None
    if len(data) > limit:
        raise _Refused(_too_big(max(len(data), st.st_size), limit, kind))
    return data


def _not_regular(mode: int) -> str:
    return f"is {file_kind(mode)}, not a regular file; name a PNG, JPEG or SVG file"


def _too_big(size: int, limit: int, kind: str) -> str:
    shown, most = _megabytes(size), _megabytes(limit)
    if shown == most:  # just over: rounded, both would read the same
        shown, most = f"{size:,} bytes", f"{limit:,} bytes"
    return f"is {shown}; at most {most} for {kind}"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".0 MB", " MB")


@contextmanager
def _quiet():
    """Library chatter (svglib's log lines, Pillow's and ReportLab's warnings) kept off the terminal.

    It would print between our ``file:line: field: message`` lines; whatever
    matters is already refused as a Problem. Pillow's decompression-bomb
    warning is made an error so it can never pass as a mere warning."""
    from PIL import Image as PILImage

    loggers = [logging.getLogger(name) for name in ("svglib", "PIL", "reportlab")]
    saved = [logger.propagate for logger in loggers]
    sink = logging.NullHandler()
    for logger in loggers:
        logger.addHandler(sink)
        logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            yield
    finally:
        for logger, propagate in zip(loggers, saved):
            logger.removeHandler(sink)
            logger.propagate = propagate


# PNG and JPEG -----------------------------------------------------------------------------------


def _pixels_message(w: int, h: int) -> str:
    side = math.isqrt(MAX_IMAGE_PIXELS)
    return (f"is {w} × {h} pixels; at most {side} × {side} ({MAX_IMAGE_PIXELS // 1_000_000} million pixels); "
            "save a smaller copy")


def _check_raster(data: bytes, fmt: str, suffix: str) -> tuple[int, int]:
    """(width, height) of a PNG or JPEG that decodes completely within the limits.

    The format's own reader is used instead of ``Image.open`` so the size is
    known from the header even past Pillow's bomb limit, and the message can
    say how big the picture is. Decoding once finds truncated and damaged
    files (``verify()`` does not, for JPEG)."""
    from PIL import Image as PILImage
    from PIL import JpegImagePlugin, PngImagePlugin

    reader = {"PNG": PngImagePlugin.PngImageFile, "JPEG": JpegImagePlugin.JpegImageFile}[fmt]
    try:
        im = reader(io.BytesIO(data))
    except Exception:  # Pillow raises many kinds for files it does not recognise
        held = _format_of(data)
        if held and held != fmt:
            raise _Refused(f"is named {suffix} but holds {held}") from None
        raise _Refused(f"cannot be read as {fmt}; is the file damaged?") from None
    with im:
        w, h = im.size
        if w * h > MAX_IMAGE_PIXELS:
            raise _Refused(_pixels_message(w, h))
        if fmt == "JPEG" and (scans := data.count(b"\xff\xda")) > MAX_JPEG_SCANS:
            raise _Refused(f"is stored in {scans} scans; at most {MAX_JPEG_SCANS}; save it again as a plain JPEG")
        try:
            im.load()
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise _Refused(_pixels_message(w, h)) from None
        except Exception:
            raise _Refused(f"cannot be read as {fmt}; is the file damaged?") from None
    if not w or not h:
        raise _Refused(f"cannot be read as {fmt}; is the file damaged?")
    return w, h


def _format_of(data: bytes) -> str | None:
    """What the bytes hold, for the message when a file's name and contents disagree."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as im:
            return im.format
    except Exception:  # also the bomb error: the name is all we wanted
        return None


# SVG --------------------------------------------------------------------------------------------

_CLIP_ID = re.compile(r"""clip-path\s*:\s*url\(\s*['"]?#([^)'"\s]+)""")
"""The id a ``clip-path`` copies in: svglib converts the clip path again for every element using it."""


def _scan_svg(data: bytes) -> int:
    """How many elements the SVG draws, once it has passed every check svglib would fail slowly or unsafely.

    A streaming expat pass that stops at the first problem: it refuses DTDs
    and entities (XXE, billion laughs) before any is expanded, references to
    anything outside the file, and more elements than svglib can convert in
    reasonable time, counting the copies ``<use>`` and ``clip-path`` make."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    deps: list[list[int]] = []  # children, then what <use> and clip-path copy in (by id, resolved later)
    refs: list[list[str]] = []
    ids: dict[str, list[int]] = {}
    open_: list[int] = []
    styles: list[tuple[int, list[str]]] = []
    in_style: list[int] = []

    def where() -> str:
        return f"line {parser.CurrentLineNumber}"

    def doctype(name, system_id, public_id, has_internal_subset):
        if has_internal_subset:
            raise _Refused(f"uses XML entities or a DTD ({where()}); pictures may not, so save it again as plain SVG")

    def entity(*_args):
        raise _Refused(f"uses XML entities or a DTD ({where()}); pictures may not, so save it again as plain SVG")

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        index = len(deps)
        if index >= MAX_SVG_ELEMENTS:
            raise _Refused(f"has more than {MAX_SVG_ELEMENTS:,} elements; at most {MAX_SVG_ELEMENTS:,}; "
                           "simplify the drawing or save it as a PNG")
        if not open_ and local != "svg":
            raise _Refused(f"cannot be read as SVG (its outermost element is <{_quoted(local, 40)}>, not <svg>)")
        if local == "image":
            raise _Refused(f"has an <image> inside it ({where()}); an SVG picture must be drawn with shapes, "
                           "so name the PNG or JPEG in the YAML instead")
        mine: list[str] = []
        for key, value in attrs.items():
            attr = key.rpartition(" ")[2]
            if attr == "href" and local != "a":  # a link is never fetched; every other href is
                if not value.startswith("#"):
                    raise _Refused(f"refers to something outside itself ('{_quoted(value, 60)}', {where()}); "
                                   "an SVG picture must be self-contained")
                if local == "use":
                    mine.append(value[1:])
            elif attr in ("clip-path", "style"):
                mine += _CLIP_ID.findall(f"{attr}:{value}" if attr == "clip-path" else value)
            elif attr == "id":
                ids.setdefault(value, []).append(index)
        if open_:
            deps[open_[-1]].append(index)
        deps.append([])
        refs.append(mine)
        open_.append(index)
        if local == "style":
            styles.append((parser.CurrentLineNumber, []))
            in_style.append(index)

    def end(name: str) -> None:
        index = open_.pop()
        if in_style and in_style[-1] == index:
            in_style.pop()

    def text(chunk: str) -> None:
        if in_style and open_ and in_style[-1] == open_[-1]:
            styles[-1][1].append(chunk)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.SkippedEntityHandler = entity
    parser.ExternalEntityRefHandler = entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise _Refused(f"cannot be read as SVG ({expat.ErrorString(exc.code)}, line {exc.lineno})") from None
    if not deps:
        raise _Refused("cannot be read as SVG")
    for i, names in enumerate(refs):
        deps[i] += [j for n in names for j in ids.get(n, ())]
    selectors = 0
    extra = []  # ids a <style> rule may copy into every element (clip-path: url(#id))
    for line, chunks in styles:
        css = "".join(chunks)
        selectors += _count_selectors(css, line)
        if selectors > MAX_SVG_SELECTORS:
            raise _Refused(f"has more than {MAX_SVG_SELECTORS} style selectors; at most {MAX_SVG_SELECTORS}; "
                           "save the SVG with presentation attributes instead")
        extra += [j for n in _CLIP_ID.findall(css) for j in ids.get(n, ())]
    weight, depth = _expanded(deps)
    total = weight[0] + sum(len(deps) * weight[j] for j in extra)
    if total > MAX_SVG_ELEMENTS:
        raise _Refused(f"draws more than {MAX_SVG_ELEMENTS:,} elements once its <use> and clip-path copies are "
                       f"counted; at most {MAX_SVG_ELEMENTS:,}; simplify the drawing or save it as a PNG")
    if depth[0] > MAX_SVG_DEPTH:
        raise _Refused(f"nests elements more than {MAX_SVG_DEPTH} deep (counting <use> copies); "
                       f"at most {MAX_SVG_DEPTH}")
    return total


def _count_selectors(css: str, line: int) -> int:
    """Simple selectors in a stylesheet; a combined one (``g rect``, ``a > b``, ``:not()``, ``[x]``) is refused.

    cssselect2 matches combinators by backtracking through ancestors, so a
    rule like ``x * * * * * *`` takes minutes on a few nested groups; plain
    tag, class and id selectors are looked up directly."""
    import tinycss2

    count = 0
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":  # svglib skips @-rules; a CSS error fails the conversion
            continue
        parts: list[list] = [[]]
        for token in rule.prelude:
            if token.type == "literal" and token.value == ",":
                parts.append([])
            else:
                parts[-1].append(token)
        for part in parts:
            while part and part[0].type in ("whitespace", "comment"):
                part.pop(0)
            while part and part[-1].type in ("whitespace", "comment"):
                part.pop()
            for token in part:
                if token.type in ("ident", "hash") or (token.type == "literal" and token.value == "*"):
                    count += 1
                elif not (token.type == "literal" and token.value == "."):
                    shown = _quoted(tinycss2.serialize(part).strip(), 40)
                    raise _Refused(f"has a style rule '{shown}' (line {line}); only simple selectors such as rect, "
                                   ".name or #id are allowed, so save the SVG with presentation attributes instead")
    return count


def _expanded(deps: list[list[int]]) -> tuple[list[int], list[int]]:
    """Elements drawn and nesting depth under each element once copies are followed.

    Iterative (a chain of ``<use>`` may be thousands long) and saturating (a
    few nested ``<use>`` multiply), refusing a ``<use>`` that copies itself."""
    cap = MAX_SVG_ELEMENTS + 1
    n = len(deps)
    weight, depth = [0] * n, [0] * n
    state = bytearray(n)  # 0 not seen, 1 being counted, 2 counted
    stack = [0]
    while stack:
        i = stack[-1]
        if state[i] == 0:
            state[i] = 1
            for d in deps[i]:
                if state[d] == 1:
                    raise _Refused("has <use> elements that copy each other in a loop")
                if state[d] == 0:
                    stack.append(d)
            continue
        stack.pop()
        if state[i] == 2:
            continue
        weight[i] = min(cap, 1 + sum(weight[d] for d in deps[i]))
        depth[i] = min(cap, 1 + max((depth[d] for d in deps[i]), default=0))
        state[i] = 2
    return weight, depth


def _convert_svg(data: bytes) -> Drawing:
    try:
        from svglib.svglib import svg2rlg

        drawing = svg2rlg(io.BytesIO(data))
    except Exception:  # svglib raises many kinds for drawings it cannot convert
        drawing = None
    size_ok = drawing is not None and all(
        isinstance(v, (int, float)) and math.isfinite(v) and v > 0 for v in (drawing.width, drawing.height))
    if not size_ok:
        raise _Refused("cannot be read as SVG")
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


# Drawing ----------------------------------------------------------------------------------------


@cache
def _quiet_classes():
    """ReportLab's image and drawing flowables, drawn with library chatter kept off the terminal."""
    from reportlab.graphics.shapes import Drawing
    from reportlab.platypus import Image

    class QuietDrawing(Drawing):
        def drawOn(self, *args, **kwargs):
            with _quiet():
                return super().drawOn(*args, **kwargs)

    class QuietImage(Image):
        def drawOn(self, *args, **kwargs):
            with _quiet():
                return super().drawOn(*args, **kwargs)

    return QuietDrawing, QuietImage


def fitted(path: Path, width: float, height: float) -> Flowable:
    """The image scaled to fit ``width`` × ``height`` with its aspect ratio kept."""
    from reportlab.graphics.shapes import Group

    from .errors import HandoutsError, Problem

    try:
        loaded = _load(path)
    except _Refused as why:  # changed on disk since content was checked
        raise HandoutsError(Problem(str(path), None, "", f"image '{path.name}' {why}")) from None
    QuietDrawing, QuietImage = _quiet_classes()
    if not isinstance(loaded, tuple):
        source = loaded
        scale = min(width / source.width, height / source.height)
        group = Group(*source.contents)
        group.transform = (scale, 0, 0, scale, 0, 0)
        out = QuietDrawing(source.width * scale, source.height * scale)
        out.add(group)
        from .fonts import face_name

        out.initialFontName = face_name("atkinson")  # else ReportLab references Helvetica
        return out
    w, h = loaded
    scale = min(width / w, height / h)
    with _quiet():
        return QuietImage(str(path), width=w * scale, height=h * scale)
