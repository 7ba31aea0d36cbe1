"""Step pictures as page pieces: the body map with its pictograms and caption.

The drawings themselves come from ``handouts.art``; this module sizes and arranges
them for a frame the layout reserves, so handouts and cards share one look.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab.graphics.shapes import Drawing
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Table

from .. import art, images, labels
from ..fonts import face_name
from ..layout_models import Brand
from ..models import Audience, Giver, HandUse, Posture, Pressure, Routine, Stance, Step, Tool
from ..text import markup
from .flowables import Para, cell_style
from .forms import make_form


def _own_fonts(drawing: Drawing) -> Drawing:
    """Start the drawing in our embedded font; ReportLab would otherwise reference
    an unembedded Helvetica on every page that has a drawing."""
    drawing.initialFontName = face_name("atkinson")
    drawing.initialFontSize = 10
    return drawing


class _Placed(Flowable):
    """A drawing that takes exactly its own size on the page."""

    def __init__(self, drawing: Drawing):
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def wrap(self, availWidth, availHeight):
        return self.width, self.height


class FramedDrawing(_Placed):
    """A drawing placed as a named PDF form XObject.

    Each step picture becomes one countable, clipped object in the PDF, so
    tests (and print shops' preflight tools) can see one picture per step and
    that nothing in it strays outside its frame."""

    def __init__(self, drawing: Drawing, kind: str):
        super().__init__(drawing)
        self.kind = kind

    def draw(self):
        canv = self.canv
        counter = getattr(canv, "_handouts_forms", 0) + 1
        canv._handouts_forms = counter
        name = f"{self.kind}-{counter}"
        make_form(canv, name, self.drawing)
        canv.doForm(name)


def palette(brand: Brand) -> "art.Palette":
    return art.Palette(primary=brand.primary, accent=brand.accent, muted=brand.muted, light=brand.light)


class Icon(_Placed):
    """A small pictogram drawn once per document as a form and placed wherever it recurs.

    A handout shows the same few hand and pressure icons dozens of times; one
    form each keeps the file small and the drawing work to once per document."""

    def __init__(self, drawing: Drawing, key: tuple):
        super().__init__(drawing)
        self.key = key

    def draw(self):
        canv = self.canv
        names = canv.__dict__.setdefault("_handouts_icons", {})
        name = names.get(self.key)
        if name is None:
            name = names[self.key] = f"icon-{len(names) + 1}"
            make_form(canv, name, self.drawing)
        canv.doForm(name)


@lru_cache(maxsize=256)
def _hand(hand_use: HandUse, size: float, colours) -> Drawing:
    return _own_fonts(art.hand_pictogram(hand_use, size=size, palette=colours))


@lru_cache(maxsize=256)
def _pressure(level: Pressure, width: float, height: float, colours) -> Drawing:
    return _own_fonts(art.pressure_scale(level, width=width, height=height, palette=colours))


def hand_icon(hand_use: HandUse, size: float, brand: Brand) -> Icon:
    key = ("hand", HandUse(hand_use), float(size), palette(brand))
    return Icon(_hand(*key[1:]), key)


def pressure_icon(level: str | Pressure, width: float, height: float, brand: Brand) -> Icon:
    key = ("pressure", Pressure(level), float(width), float(height), palette(brand))
    return Icon(_pressure(*key[1:]), key)


def caption_text(step: Step, words=None) -> str:
    """The step's own alt text, or the regions it works on in the document's language (``words``)."""
    if step.illustration is not None:
        return step.illustration.alt
    if step.regions:
        return (words or labels.english()).regions(step.regions).capitalize()
    return ""


def _stances(step: Step, routine: Routine | None) -> tuple[Stance | None, Stance | None]:
    """(where the giver is at this step, the top view to draw): a stance holds until a later step
    gives another, and the top view is drawn only where it changes."""
    own = step.illustration.stance if step.illustration else None
    if routine is None:
        return own, own
    current: Stance | None = None
    for s in routine.all_steps:
        given = s.illustration.stance if s.illustration else None
        if s is step:
            if given is None:
                return current, None
            return given, (given if given != current else None)
        if given is not None:
            current = given
    return own, own


def technique(step: Step, audience: Audience | str | None = None, routine: Routine | None = None) -> "art.Technique":
    """What the picture shows of how the step is done; ``audience`` 'self' draws the reader's own hand.

    With the ``routine``, the giver's place carries over from earlier steps and its
    top view is drawn only on the step where it changes."""
    ill = step.illustration
    if routine is not None and audience is None:
        audience = routine.audience
    path = (ill.path.start, ill.path.end) if ill and ill.path else None
    now, shown = _stances(step, routine)
    return art.Technique(hand_use=tuple(step.hand_use), path=path, tools=tuple(ill.tools) if ill else (),
                         stance=(shown.giver, shown.person) if shown else None,
                         own_hands=audience is not None and Audience(audience) is Audience.self_,
                         hands=ill.hands if ill else None, giver=now.giver if now else None)


def body_drawing(step: Step, width: float, height: float, brand: Brand, label_size: float = 9.0,
                 audience: Audience | str | None = None, routine: Routine | None = None) -> Drawing:
    ill = step.illustration
    hold = None
    if step.dosage and step.dosage.hold_seconds:
        hold = f"{step.dosage.hold_seconds.text} s"
        language = routine.language if routine is not None else "en"
        if step.dosage.hold_seconds.text in labels.VAGUE_WORDS and not language.startswith("en"):
            # 'a few' held: the pill says it in the routine's words ('unos segundos'), as the steps do.
            hold = labels.for_language(language).vague_seconds(step.dosage.hold_seconds)
    return _body_map(tuple(step.regions), tuple(step.motion), ill.direction if ill else None, ill.view if ill else None,
                     hold, width, height, palette(brand), label_size, technique(step, audience, routine))


@lru_cache(maxsize=512)
def _body_map(regions, motions, direction, view, hold, width, height, colours, label_size, how) -> Drawing:
    """Body maps depend only on these values; a batch draws the same few hundreds of times,
    so each is built once per process and reused (drawings are not changed by rendering)."""
    return _own_fonts(art.body_map(list(regions), list(motions), direction=direction, view=view,
                                   hold_seconds=hold, width=width, height=height, palette=colours,
                                   label_size=label_size, technique=how))


@lru_cache(maxsize=64)
def _tool(tool: Tool, size: float, colours) -> Drawing:
    return _own_fonts(art.tool_icon(tool, size=size, palette=colours))


def tool_icon(tool: Tool | str, size: float, brand: Brand) -> Icon:
    key = ("tool", Tool(tool), float(size), palette(brand))
    return Icon(_tool(*key[1:]), key)


@lru_cache(maxsize=32)
def _stance(giver: Giver, person: Posture, size: float, colours) -> Drawing:
    return _own_fonts(art.stance_view(giver, person, size=size, palette=colours))


def stance_icon(giver: Giver | str, person: Posture | str, size: float, brand: Brand) -> Icon:
    """The top view of where the giver is, for a picture key."""
    key = ("stance", Giver(giver), Posture(person), float(size), palette(brand))
    return Icon(_stance(*key[1:]), key)


def _strip(step: Step, icon: float, brand: Brand, width: float | None = None) -> Table | None:
    """Hand pictograms, tool icons and the pressure scale, never wider than ``width``: icons shrink
    to three quarters of their size, then go on in a second row (a narrow picture in large print),
    and only past two rows are the last tools left to the text."""
    if not (step.hand_use or step.pressure or (step.illustration and step.illustration.tools)):
        return None
    tools = list(step.illustration.tools) if step.illustration else []
    hands = [h for h in step.hand_use if not (tools and h is HandUse.tool)][:3]
    tools = tools[:3]
    if width is not None:
        n = len(hands) + len(tools)
        per_size = n + (1.5 if step.pressure else 0)  # a row's width is per_size * size + fixed
        fixed = 3 * n + (3 if step.pressure else 0)
        fit = (width - fixed) / per_size if per_size else icon
        icon = max(icon * 0.75, min(icon, fit))
        while tools and len(_rows(_widths(icon, len(hands) + len(tools), step.pressure), width)) > 2:
            tools.pop()
    icons: list = [hand_icon(h, icon, brand) for h in hands] + [tool_icon(t, icon, brand) for t in tools]
    widths = _widths(icon, len(icons), step.pressure)
    if step.pressure:
        icons.append(pressure_icon(step.pressure, icon * 1.5, icon * 0.55, brand))
    rows = _rows(widths, width) if width is not None else [len(widths)]
    if len(rows) == 1:
        return _icon_row(icons, widths)
    out, at = [], 0
    for n in rows:
        out.append([_icon_row(icons[at:at + n], widths[at:at + n])])
        at += n
    strip = Table(out, colWidths=[width], hAlign="CENTER")
    strip.setStyle(cell_style([("ALIGN", (0, 0), (-1, -1), "CENTER"), *_TIGHT]))
    return strip


def _widths(icon: float, n: int, pressure) -> list[float]:
    return [icon + 3] * n + ([icon * 1.5 + 3] if pressure else [])


def _rows(widths: list[float], width: float) -> list[int]:
    """How many of ``widths``, in order, go in each row no wider than ``width``."""
    rows: list[int] = []
    used = width + 1
    for w in widths:
        if used + w > width + 0.01:
            rows.append(0)
            used = 0.0
        rows[-1] += 1
        used += w
    return rows


def _icon_row(icons: list, widths: list[float]) -> Table:
    row = Table([icons], colWidths=widths, hAlign="CENTER")
    row.setStyle(cell_style([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return row


_TIGHT = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 1),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
]


def user_image(step: Step, base_file: Path | None, width: float, height: float):
    """The step's own image fitted to the frame, or None when it has none."""
    ill = step.illustration
    if ill is None or ill.image is None or base_file is None:
        return None
    return images.fitted(images.resolve(base_file, ill.image), width, height)


def step_picture(step: Step, width: float, height: float, brand: Brand, caption: ParagraphStyle,
                 pictograms: bool = True, beside_width: float | None = None, base_file: Path | None = None,
                 user_images: str = "instead", audience: Audience | str | None = None,
                 routine: Routine | None = None, with_caption: bool = True, words=None):
    """Body map with pictograms and a caption (left out with ``with_caption=False``, when the
    caption is set in the step's text beside the picture instead).

    Stacked in a column ``width`` wide; or, with ``beside_width``, the caption and
    pictograms sit to the right of the picture (used when pictures go above the text)."""
    icon = max(caption.fontSize * 2.0, 20.0)
    own = user_image(step, base_file, width, height)
    if own is None:
        drawing = FramedDrawing(body_drawing(step, width, height, brand, caption.fontSize, audience, routine), "bodymap")
    elif user_images == "instead":
        drawing = own
    else:
        half = height * 0.62
        drawing = Table([[user_image(step, base_file, width, half)], [FramedDrawing(body_drawing(step, width, half, brand, caption.fontSize, audience, routine), "bodymap")]],
                        colWidths=[width])
        drawing.setStyle(cell_style([("ALIGN", (0, 0), (-1, -1), "CENTER"), *_TIGHT]))
    strip = _strip(step, icon, brand, width) if pictograms else None
    text = caption_text(step, words)
    cap = Para(markup(text), caption) if text and with_caption else None
    if beside_width:
        side = [x for x in (strip, cap) if x is not None]
        table = Table([[drawing, side]], colWidths=[width + 10, beside_width - width - 10], hAlign="LEFT")
        table.setStyle(cell_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, 0), "LEFT"), *_TIGHT]))
        return table
    rows = [[drawing]] + ([[strip]] if strip is not None else []) + ([[cap]] if cap is not None else [])
    table = Table(rows, colWidths=[width], hAlign="LEFT")
    table.setStyle(cell_style([("ALIGN", (0, 0), (-1, -1), "CENTER"), *_TIGHT]))
    return table
