"""A step as a tile of a clinic sheet, and tiles as rows of a grid.

A tile is what home-exercise sheets print for one exercise: the picture, the
number and a short cue, the one-sentence brief, how (hand, pressure, dosage),
and the step's own caution in full. A row of tiles is one table row, so the
tiles of a row share one height and a page break never cuts through a tile.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Table

from ...layout_models import MAX_PICTURE_SHARE, MIN_TEXT_WIDTH, PICTURE_GAP, Brand, Layout
from ...models import Phase, Routine, Step
from ...text import markup
from .. import pictures
from ..flowables import Para, StepDisc, cell_style
from ... import labels
from ..qr import min_size_for
from .links import link_block

_TIGHT = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


def detail_words(step: Step, words: labels.Labels | None = None) -> str:
    """Hand use, pressure and dosage in words, for the reader who does not know the pictograms."""
    words = words or labels.english()
    parts = []
    if step.hand_use:
        parts.append(words.hand_uses(step.hand_use).capitalize())
    if step.pressure:
        parts.append(words.pressure_level(step.pressure))
    if step.dosage:
        parts.append(words.dosage(step.dosage))
    return " · ".join(parts)


def picture(step: Step, width: float, height: float, brand: Brand, base_file: Path | None,
            label_size: float, routine: Routine | None = None) -> Flowable:
    """The step's own image, or the drawn body map, in the tile's picture frame; the map's labels
    are never smaller than the sheet's text."""
    own = pictures.user_image(step, base_file, width, height)
    if own is not None:
        return own
    # The routine says whose hands are drawn (the giver's or the reader's own) and where the giver stands.
    return pictures.FramedDrawing(pictures.body_drawing(step, width, height, brand, label_size, routine=routine),
                                  "bodymap")


def icon_strip(step: Step, size: float, brand: Brand, width: float) -> Table | None:
    """Hand pictograms and the pressure scale under the picture, as many as the frame is wide."""
    icons: list = []
    widths: list[float] = []
    for hand in step.hand_use:
        if sum(widths) + size + 2 > width - (size * 1.5 if step.pressure else 0):
            break
        icons.append(pictures.hand_icon(hand, size, brand))
        widths.append(size + 2)
    if step.pressure:
        icons.append(pictures.pressure_icon(step.pressure, size * 1.5, size * 0.55, brand))
        widths.append(size * 1.5 + 2)
    if not icons:
        return None
    strip = Table([icons], colWidths=widths, hAlign="CENTER")
    strip.setStyle(cell_style([*_TIGHT, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    return strip


class TileMaker:
    """Tiles for one routine in one layout's styles."""

    def __init__(self, layout: Layout, styles: dict[str, ParagraphStyle], brand: Brand, base_file: Path | None,
                 scale: float = 1.0, routine: Routine | None = None, words: labels.Labels | None = None):
        assert layout.sheet is not None, "a sheet layout has a sheet block"
        self.routine = routine
        self.labels = words or labels.for_language(routine.language if routine else "en")
        self.layout = layout
        self.spec = layout.sheet
        self.st = styles
        self.brand = brand
        self.base_file = base_file
        self.tile_width = layout.tile_width()
        self.inner = self.tile_width - 2 * self.spec.tile_padding
        ill = layout.illustrations
        _, page_height = layout.text_area()
        grown = scale if scale < 1.0 else min(scale, max(1.0, (self.inner - PICTURE_GAP - MIN_TEXT_WIDTH) / ill.width),
                                               max(1.0, MAX_PICTURE_SHARE * page_height / ill.height))
        self.picture_width = ill.width * grown
        self.picture_height = ill.height * grown

    def text_width(self) -> float:
        ill = self.layout.illustrations
        return self.inner if ill.position == "none" else self.inner - self.picture_width - PICTURE_GAP

    def text(self, number: int, step: Step, phase: Phase | None) -> list:
        st = self.st
        width = self.text_width()
        disc = st["step_number"].fontSize * 1.75
        cue = step.cue or step.title
        head = Table([[StepDisc(number, st["step_number"].fontName, st["step_number"].fontSize, self.brand.primary,
                                disc), Para(markup(cue), st["cue"])]],
                     colWidths=[disc + 5, width - disc - 5])
        head.setStyle(cell_style([*_TIGHT, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        out: list = []
        if phase is not None:
            out.append(Para(markup(phase.title), st["phase"]))
        out.append(head)
        if step.brief:
            out.append(Para(markup(step.brief), st["brief"]))
        words = detail_words(step, self.labels)
        if words:
            out.append(Para(markup(words), st["detail"]))
        if step.caution:
            out.append(Para(f"<b>{markup(self.labels.colon(self.labels.CAUTION))}</b> {markup(step.caution)}", st["caution"]))
        if step.video_url:
            # Inside a tile the code is as small as its modules allow, so the link beside it keeps its words whole.
            out.append(link_block(step.video_url, self.labels.STEP_VIDEO, min(self.spec.qr_size, min_size_for(step.video_url)),
                                  width, st["detail"]))
        return out

    def tile(self, number: int, step: Step, phase: Phase | None) -> Table:
        """One tile's content, without its background (the row draws that, so neighbours match)."""
        ill = self.layout.illustrations
        text = self.text(number, step, phase)
        if ill.position == "none":
            inner = Table([[text]], colWidths=[self.inner])
        else:
            icon = max(self.st["detail"].fontSize * 1.9, 20.0)
            column = [picture(step, self.picture_width, self.picture_height, self.brand, self.base_file,
                              self.st["detail"].fontSize, self.routine)]
            strip = icon_strip(step, icon, self.brand, self.picture_width) if ill.pictograms else None
            if strip is not None:
                column += [_Gap(3), strip]
            if ill.position == "right":
                inner = Table([[text, column]], colWidths=[self.text_width() + PICTURE_GAP, self.picture_width])
            else:
                inner = Table([[column, text]], colWidths=[self.picture_width + PICTURE_GAP, self.text_width()])
        inner.setStyle(cell_style(_TIGHT))
        return inner

    def rows(self, tiles: list[Table]) -> list[Table]:
        """Tiles in rows of ``columns``; each row one table, its tiles one height."""
        spec = self.spec
        cols = spec.columns
        out = []
        for start in range(0, len(tiles), cols):
            chunk = tiles[start : start + cols]
            cells: list = []
            widths: list[float] = []
            commands = [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), spec.tile_padding),
                ("RIGHTPADDING", (0, 0), (-1, -1), spec.tile_padding),
                ("TOPPADDING", (0, 0), (-1, -1), spec.tile_padding),
                ("BOTTOMPADDING", (0, 0), (-1, -1), spec.tile_padding),
            ]
            for i, tile in enumerate(chunk):
                col = 2 * i
                if i:
                    cells.append("")
                    widths.append(spec.column_gap)
                    commands += [("LEFTPADDING", (col - 1, 0), (col - 1, 0), 0),
                                 ("RIGHTPADDING", (col - 1, 0), (col - 1, 0), 0)]
                cells.append(tile)
                widths.append(self.tile_width)
                commands.append(("BACKGROUND", (col, 0), (col, 0), HexColor(spec.tile_background)))
                if spec.tile_border is not None:
                    commands.append(("BOX", (col, 0), (col, 0), spec.tile_border.width,
                                     HexColor(spec.tile_border.color)))
            row = Table([cells], colWidths=widths, hAlign="LEFT")
            row.setStyle(cell_style(commands))
            out.append(row)
        return out


class _Gap(Flowable):
    def __init__(self, height: float):
        super().__init__()
        self.height = height

    def wrap(self, availWidth, availHeight):
        return 0, self.height

    def draw(self):
        pass
