"""A TrueType font cut from an OpenType/CFF font: only the characters asked for, outlines made quadratic.

ReportLab embeds only TrueType outlines, and the one Chinese, Japanese and
Korean font on PyPI (Noto Sans CJK, in ``mplfonts``) has CFF outlines and
65,535 glyphs. Converting the 44,252 that characters map to takes 12 s; a
class roster needs a few hundred, which take well under a second. So the font is cut
down to the characters a document set needs, and its cubic curves become
quadratic ones (fontTools' cu2qu, within one font unit) as ``otf2ttf`` does.

Every table ReportLab copies into a PDF (``head``, ``hhea``, ``maxp``,
``OS/2``, ``name``) is written the same whatever characters were asked for:
the font's bounding box and extents are the whole source font's, the
maximum-profile bounds are fixed. A glyph's outline and width depend only on
that glyph. So a document prints byte for byte the same whether the font it
was drawn with was cut for its own name or for a whole class.
"""

from __future__ import annotations

import io
import struct
import sys
from array import array
from pathlib import Path
from typing import Iterable, NamedTuple

MAX_ERROR = 1.0
"""Font units (of 1,000 to the em) a quadratic curve may stray from the cubic one: invisible in print."""

MAX_POINTS = 4096
MAX_CONTOURS = 512
"""The maximum profile written into every cut (``maxp``), whatever glyphs it holds. The most complex
character of Noto Sans CJK SC has 334 points in 41 contours once converted; a glyph beyond these
bounds is refused rather than written into a font that understates it."""

KEPT_NAMES = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14)
"""Name records copied from the source: copyright, names, version, and the SIL Open Font Licence notice."""


class ConvertError(ValueError):
    """The source is not a CFF font we can cut, or a glyph is beyond the fixed bounds."""


def _quadratic(glyph_set, name: str) -> tuple[bytes, int]:
    """The glyph's TrueType data and left edge."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    # CFF outlines run counter-clockwise; TrueType's run clockwise.
    glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
    glyph = pen.glyph()
    glyph.recalcBounds(None)
    if glyph.numberOfContours > 0 and (len(glyph.coordinates) > MAX_POINTS or glyph.numberOfContours > MAX_CONTOURS):
        raise ConvertError(f"glyph {name} has {len(glyph.coordinates)} points in {glyph.numberOfContours} contours")
    return glyph.compile(None, recalcBBoxes=False), getattr(glyph, "xMin", 0)


class Source:
    """An OpenType/CFF font opened once, its glyphs converted on demand and kept.

    Glyphs are kept as converted, so a font that grows (a batch meeting new
    names) converts each glyph once."""

    def __init__(self, path: Path):
        from fontTools.ttLib import TTFont

        self.path = path
        self.font = TTFont(str(path), lazy=True)
        if "CFF " not in self.font:
            raise ConvertError(f"{path.name} has no CFF outlines")
        self.cmap: dict[int, str] = self.font.getBestCmap()
        self._glyphs: dict[str, Converted] = {}
        self._glyph_set = None
        self._fixed: dict[str, dict[str, bytes]] = {}

    def glyph(self, name: str) -> "Converted":
        glyph = self._glyphs.get(name)
        if glyph is None:
            if self._glyph_set is None:
                self._glyph_set = self.font.getGlyphSet()
            data, lsb = _quadratic(self._glyph_set, name)
            data += b"\0" * (-len(data) % 4)
            # TrueType's left side bearing is the outline's own left edge.
            glyph = self._glyphs[name] = Converted(self.font.getGlyphID(name), data, _checksum(data),
                                                   struct.pack(">Hh", self.font["hmtx"][name][0], lsb))
        return glyph

    def truetype(self, codepoints: Iterable[int], ps_name: str) -> bytes:
        """A TrueType font drawing exactly ``codepoints`` (each one the source has).

        Assembled from the glyphs' bytes and tables made once: a batch worker meeting a
        new name makes a larger font in a few milliseconds."""
        chars = sorted(set(codepoints))
        unknown = [c for c in chars if c not in self.cmap]
        if unknown:
            raise ConvertError(f"{self.path.name} has no glyph for U+{unknown[0]:04X}")
        converted = {name: self.glyph(name) for name in {".notdef", *(self.cmap[c] for c in chars)}}
        # In the source's order: the same characters make the same font, whatever came before.
        order = sorted(converted, key=lambda name: converted[name].gid)
        index = {name: i for i, name in enumerate(order)}
        glyphs = [converted[name] for name in order]
        fixed = self._fixed_tables(ps_name)

        offsets, at = [], 0
        for glyph in glyphs:
            offsets.append(at)
            at += len(glyph.data)
        offsets.append(at)
        hmtx = b"".join(glyph.metrics for glyph in glyphs)
        groups = [(c, c, index[self.cmap[c]]) for c in chars]
        cmap = (struct.pack(">HHHHI", 0, 1, 3, 10, 12)
                + struct.pack(">HHIII", 12, 0, 16 + 12 * len(groups), 0, len(groups))
                + b"".join(struct.pack(">III", *g) for g in groups))
        tables = {
            **fixed,
            "cmap": cmap,
            "glyf": b"".join(glyph.data for glyph in glyphs),
            "loca": struct.pack(f">{len(offsets)}I", *offsets),
            "hmtx": hmtx,
            "hhea": fixed["hhea"][:34] + struct.pack(">H", len(order)),
            "maxp": fixed["maxp"][:4] + struct.pack(">H", len(order)) + fixed["maxp"][6:],
        }
        # Each glyph's bytes are 4-byte aligned, so the glyf table's checksum is the sum of theirs.
        return _sfnt(tables, {"glyf": sum(glyph.checksum for glyph in glyphs) & 0xFFFFFFFF})

    def _fixed_tables(self, ps_name: str) -> dict[str, bytes]:
        """The tables every cut shares, made once with fontTools: the source's names (its
        copyright and licence notice kept), metrics, extents and style, and fixed maximum-profile
        bounds. ``loca`` is always the long format, so ``head`` never changes either."""
        made = self._fixed.get(ps_name)
        if made is not None:
            return made
        from fontTools.fontBuilder import FontBuilder
        from fontTools.ttLib import TTFont

        src = self.font
        builder = FontBuilder(src["head"].unitsPerEm, isTTF=True)
        builder.setupGlyphOrder([".notdef"])
        builder.setupCharacterMap({})
        _setup_glyf(builder, {".notdef": self.glyph(".notdef").data})
        builder.setupHorizontalMetrics({".notdef": (src["hmtx"][".notdef"][0], 0)})
        hhea = src["hhea"]
        builder.setupHorizontalHeader(**{k: getattr(hhea, k) for k in (
            "ascent", "descent", "lineGap", "advanceWidthMax", "minLeftSideBearing", "minRightSideBearing",
            "xMaxExtent", "caretSlopeRise", "caretSlopeRun", "caretOffset")})
        head = src["head"]
        builder.setupHead(unitsPerEm=head.unitsPerEm, fontRevision=head.fontRevision, created=head.created,
                          modified=head.created, xMin=head.xMin, yMin=head.yMin, xMax=head.xMax, yMax=head.yMax,
                          macStyle=head.macStyle, lowestRecPPEM=head.lowestRecPPEM, flags=head.flags,
                          indexToLocFormat=1)
        os2 = src["OS/2"]
        builder.setupOS2(**{k: v for k, v in vars(os2).items() if k not in ("tableTag",)})
        # fontTools sets the first and last character from the font's own map when it writes the
        # table; the source's range keeps the table the same for every cut.
        builder.font["OS/2"].updateFirstAndLastCharIndex = lambda font: None
        post = src["post"]
        builder.setupPost(keepGlyphNames=False, italicAngle=post.italicAngle, underlinePosition=post.underlinePosition,
                          underlineThickness=post.underlineThickness, isFixedPitch=post.isFixedPitch)
        builder.setupNameTable({})
        name_table = builder.font["name"]
        for record in src["name"].names:
            if record.nameID in KEPT_NAMES and record.platformID == 3:
                name_table.setName(record.toUnicode(), record.nameID, 3, record.platEncID, record.langID)
        name_table.setName(ps_name, 6, 3, 1, 0x409)
        maxp = builder.font["maxp"]
        maxp.maxPoints, maxp.maxContours = MAX_POINTS, MAX_CONTOURS
        maxp.maxCompositePoints = maxp.maxCompositeContours = maxp.maxComponentElements = maxp.maxComponentDepth = 0
        maxp.maxZones, maxp.maxTwilightPoints, maxp.maxStorage = 1, 0, 0
        maxp.maxFunctionDefs = maxp.maxInstructionDefs = maxp.maxStackElements = maxp.maxSizeOfInstructions = 0
        font = builder.font
        font.recalcBBoxes = False  # the source's extents, as set above
        font.recalcTimestamp = False
        out = io.BytesIO()
        font.save(out)
        with TTFont(io.BytesIO(out.getvalue())) as saved:
            made = {tag: saved.reader[tag] for tag in ("head", "hhea", "maxp", "OS/2", "name", "post")}
        made["head"] = made["head"][:8] + b"\0\0\0\0" + made["head"][12:50] + struct.pack(">h", 1) + made["head"][52:]
        self._fixed[ps_name] = made
        return made


class Converted(NamedTuple):
    """One glyph as a cut holds it, made once per process."""

    gid: int
    """Its glyph number in the source, which orders a cut's glyphs."""
    data: bytes
    """Its TrueType outline, padded to four bytes."""
    checksum: int
    metrics: bytes
    """Its advance width and left side bearing, as hmtx holds them."""


def _checksum(data: bytes) -> int:
    words = array("I", data + b"\0" * (-len(data) % 4))
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


def _sfnt(tables: dict[str, bytes], checksums: dict[str, int]) -> bytes:
    """An OpenType file of ``tables``: directory sorted by tag, each table 4-byte aligned, checksums set
    (those of ``checksums`` as given)."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    at = 12 + 16 * count
    directory, body, total, head = [], [], 0, 0
    for tag in tags:
        data = tables[tag]
        checksum = checksums[tag] if tag in checksums else _checksum(data)
        total += checksum
        directory.append(struct.pack(">4sIII", tag.encode("latin-1"), checksum, at, len(data)))
        if tag == "head":
            head = at
        body.append(data + b"\0" * (-len(data) % 4))
        at += len(body[-1])
    top = header + b"".join(directory)
    font = bytearray(top + b"".join(body))
    # The whole file's checksum is the sum of its aligned parts'; head's adjustment makes it the magic number.
    struct.pack_into(">I", font, head + 8, (0xB1B0AFBA - _checksum(top) - total) & 0xFFFFFFFF)
    return bytes(font)


def _setup_glyf(builder, data: dict[str, bytes]) -> None:
    """The glyf and loca tables from glyph bytes already compiled (FontBuilder.setupGlyf would
    expand and compile every glyph again)."""
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    glyf = builder.font["glyf"] = newTable("glyf")
    builder.font["loca"] = newTable("loca")
    glyf.glyphOrder = builder.font.getGlyphOrder()
    glyf.glyphs = {name: Glyph(data[name]) for name in glyf.glyphOrder}
