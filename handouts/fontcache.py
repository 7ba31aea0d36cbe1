"""Static bold faces made from the variable fallback fonts, kept in the user's cache folder.

The fallback fonts on PyPI (Inter, Noto Sans) are variable fonts, and ReportLab
draws a variable font only at its default, regular weight: a Greek or Cyrillic
name in a bold heading would print thin. fontTools makes a static bold instance,
which takes a few seconds, so it is made once and kept in
``$XDG_CACHE_HOME/handouts/fonts`` (``~/.cache/...``). The cached file is
untrusted: it is read with a size limit, only as a regular file, and a file
that does not load as the font it should be is made again. Where the cache
folder cannot be written, the instance is made in memory for this process.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFont

MAX_CACHED_FONT = 16 * 1024 * 1024
"""Bytes: a bold instance of Noto Sans is under 1 MB; anything far larger is not ours."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "handouts" / "fonts"


@lru_cache(maxsize=None)
def _stamp(source: Path) -> str:
    """Names the instance after its source font and the fontTools release that made it."""
    import fontTools

    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    return f"{digest}-ft{fontTools.version}"


def _make(source: Path, weight: int) -> bytes:
    from fontTools.ttLib import TTFont as FontToolsFont
    from fontTools.varLib import instancer

    font = FontToolsFont(str(source))
    # Every axis pinned (the others at their defaults): a partial instance is still variable.
    location = {axis.axisTag: axis.defaultValue for axis in font["fvar"].axes}
    location["wght"] = weight
    static = instancer.instantiateVariableFont(font, location, updateFontNames=False)
    # Named for its weight: a print shop's preflight lists fonts by these names.
    family = static["name"].getDebugName(1) or source.stem.split("[")[0]
    postscript = (static["name"].getDebugName(6) or family).split("-")[0]
    style = "Bold" if weight >= 700 else f"W{weight}"
    for record_id, value in ((2, style), (4, f"{family} {style}"), (6, f"{postscript}-{style}"), (17, style)):
        static["name"].setName(value, record_id, 3, 1, 0x409)
    static.recalcTimestamp = False  # the same source makes the same bytes
    out = io.BytesIO()
    static.save(out)
    return out.getvalue()


def _read(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHED_FONT:
            return None
        return fh.read(MAX_CACHED_FONT + 1)


def _store(path: Path, data: bytes) -> None:
    """Write atomically; a cache that cannot be written only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def _font(name: str, data: bytes) -> TTFont:
    return TTFont(name, io.BytesIO(data))


def static_instance(name: str, source: Path, weight: int, codepoints: frozenset[int]) -> TTFont:
    """The ReportLab font ``name``: ``source`` at ``weight``, from the cache or made now.

    ``codepoints`` are the characters the source draws; a cached file that draws any
    other set is not the instance it claims to be."""
    path = cache_dir() / f"{source.stem}-w{weight}-{_stamp(source)}.ttf"
    cached = _read(path)
    if cached is not None:
        try:
            font = _font(name, cached)
            if frozenset(font.face.charToGlyph) == codepoints:
                return font
        except Exception:  # a damaged or foreign file: make it again
            pass
    data = _make(source, weight)
    _store(path, data)
    return _font(name, data)
