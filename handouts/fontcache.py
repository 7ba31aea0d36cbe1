"""Fonts made from the fonts on PyPI, kept in the user's cache folder: static bold faces of the
variable fallback fonts, and TrueType cuts of the Chinese, Japanese and Korean font.

The fallback fonts on PyPI (Inter, Noto Sans) are variable fonts, and ReportLab
draws a variable font only at its default, regular weight: a Greek or Cyrillic
name in a bold heading would print thin. fontTools makes a static bold instance,
which takes a few seconds, so it is made once and kept in
``$XDG_CACHE_HOME/handouts/fonts`` (``~/.cache/...``). The cached file is
untrusted: it is read with a size limit, only as a regular file, and a file
that does not load as the font it should be is made again. Where the cache
folder cannot be written, the instance is made in memory for this process.

A cut of the CJK font (see :mod:`handouts.cjk`) holds the characters one run
needs and is named by a hash of them: a clinic rebuilding the same handouts
finds it ready. Cuts are many and each is used by few runs, so at most
:data:`MAX_CUTS` of them (and :data:`MAX_CUT_BYTES` in all) are kept; the
least recently used go first.
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


MAX_CUTS = 32
"""Cuts of the CJK font kept; the least recently used beyond this are removed."""

MAX_CUT_BYTES = 64 * 1024 * 1024
"""Bytes all kept cuts may take: a cut for a class of 1,000 Chinese names is about 1 MB."""

CUT_FORMAT = 1
"""Part of a cut's name: a change to how cuts are made (handouts.fontconvert) makes new ones."""


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
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHED_FONT:  # a folder, a pipe, a device
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(MAX_CACHED_FONT + 1)
        return data if len(data) <= MAX_CACHED_FONT else None
    except OSError:
        return None
    finally:
        os.close(fd)


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


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _prune(folder: Path, pattern: str, keep: Path) -> None:
    """Remove the least recently used files matching ``pattern`` past :data:`MAX_CUTS` or
    :data:`MAX_CUT_BYTES`; never ``keep``, and only regular files (a link is left alone)."""
    try:
        found = []
        for path in folder.glob(pattern):
            info = path.lstat()
            if stat.S_ISREG(info.st_mode):
                found.append((info.st_mtime_ns, path.name, path, info.st_size))
    except OSError:
        return
    found.sort(reverse=True)  # newest first
    total = 0
    for n, (_, _, path, size) in enumerate(found):
        total += size
        if path != keep and (n >= MAX_CUTS or total > MAX_CUT_BYTES):
            try:
                path.unlink()
            except OSError:
                pass


def cut_key(source: Path, codepoints: frozenset[int]) -> str:
    """Names a cut after its source font, the characters it holds and how it was made."""
    chars = ",".join(f"{c:x}" for c in sorted(codepoints)).encode("ascii")
    digest = hashlib.sha256(chars + _stamp(source).encode("ascii") + f"/{CUT_FORMAT}".encode("ascii")).hexdigest()
    return digest[:24]


def cached_cut(name: str, source: Path, codepoints: frozenset[int], ps_name: str, make) -> TTFont:
    """The ReportLab font ``name``: the cut of ``source`` drawing exactly ``codepoints``, from
    the cache or made now by ``make()`` (its TrueType bytes).

    A cached file is used only when it is a TrueType font named ``ps_name`` that
    draws exactly those characters; anything else is made again."""
    folder = cache_dir()
    path = folder / f"{source.stem}-cut-{cut_key(source, codepoints)}.ttf"
    cached = _read(path)
    if cached is not None:
        try:
            font = _font(name, cached)
            face_name = font.face.name.decode("latin-1") if isinstance(font.face.name, bytes) else font.face.name
            drawn = frozenset(c for c, glyph in font.face.charToGlyph.items() if glyph)  # not the map's 0xFFFF end
            if drawn == codepoints and face_name == ps_name:
                _touch(path)
                return font
        except Exception:  # a damaged or foreign file: make it again
            pass
    data = make()
    if len(data) <= MAX_CACHED_FONT:
        _store(path, data)
        _prune(folder, f"{source.stem}-cut-*.ttf", path)
    return _font(name, data)
