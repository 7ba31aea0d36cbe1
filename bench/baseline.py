"""The yardstick: the same handout as `handouts build ROUTINE -l handout-a4`, drawn by a plain ReportLab script.

bench/run.py reports every handouts figure as a ratio to this script, so it
draws the whole handout, the way a competent developer would with ReportLab's
platypus and nothing else from this project (no validation, no layout files,
no quality checks):

- A4, margins 20 mm top and bottom, 18 mm left and right, Atkinson
  Hyperlegible (from the fontpkg package) in the handout-base sizes and colours;
- on every page a running header (clinic, title, rule) and footer (clinic
  contact, "Page X of Y", drawn when the page count is known);
- the title block (title, summary, audience and time), the personalisation
  line on a shaded band ("Prepared for: ... · By: ...");
- the safety box: a shaded one-cell Table with a red border and a thick bar on
  the left, holding cautions, red flags, contraindications and "See a doctor";
- "What you need": a ruled two-column Table (time, position, equipment, setup);
- "Steps" with phase headings, each step a two-column Table: on the left a
  reportlab.graphics Drawing made for that step (head-and-shoulders outline,
  the step's areas shaded and hatched, an arrow or circle marks for the motion,
  hand icons with the working part filled, a pressure scale) and a caption; on
  the right a numbered badge and title, the instruction, the bullets, the
  "Use / Pressure / Move / How long / Where" line and the caution;
- the hand-tips box (with a hand icon per tip), the tips box, the glossary box,
  the tracking-log table with tick boxes, the notes box with ruled lines, the
  picture legend and the source line.

Sizes, fonts and colours are copied from layouts/handout-base.yaml and
handout-a4.yaml by hand, as such a script would. It caches nothing: every
render builds its styles, its tables and every picture afresh (only the fonts
are registered once per process, by register_fonts(), as in any ReportLab
program).

    python bench/baseline.py [ROUTINE.yaml] [OUT.pdf]
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing, Ellipse, Group, Line, Path as Outline, Polygon, Rect, String
from reportlab.lib.colors import HexColor, white
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Frame, KeepTogether, PageTemplate, Paragraph, Spacer, Table,
                                TableStyle)

ROOT = Path(__file__).resolve().parent.parent

PAGE_W, PAGE_H = A4
LEFT = RIGHT = 18 * mm
TOP = BOTTOM = 20 * mm
WIDTH = PAGE_W - LEFT - RIGHT

PRIMARY, ACCENT, MUTED, LIGHT = HexColor("#1f4e79"), HexColor("#2e7d6b"), HexColor("#5b6670"), HexColor("#eaf1f8")
INK, DANGER, RED = HexColor("#1a1a1a"), HexColor("#8a1c14"), HexColor("#b3261e")
AREA_FILL, AREA_LINE = HexColor("#bcdcd2"), HexColor("#1f5c4f")
RULE = HexColor("#d5dbe1")

AUDIENCE = {"self": "Do it yourself", "partner": "With a partner", "clinician": "For clinicians"}
PICTURE = 40 * mm  # the body outline is drawn in a PICTURE x PICTURE square
ICONS = 26.0  # height of the hand-icon row under it


def register_fonts() -> None:
    """Atkinson Hyperlegible regular and bold, from the same packages handouts uses."""
    from importlib import resources

    files = resources.files("fontpkg_atkinson_hyperlegible") / "files"
    pdfmetrics.registerFont(TTFont("Atkinson", str(files / "AtkinsonHyperlegible-Regular.ttf")))
    pdfmetrics.registerFont(TTFont("Atkinson-Bold", str(files / "AtkinsonHyperlegible-Bold.ttf")))
    pdfmetrics.registerFontFamily("Atkinson", normal="Atkinson", bold="Atkinson-Bold",
                                  italic="Atkinson", boldItalic="Atkinson-Bold")


def load(path: Path) -> dict:
    """The routine, with the clinic.yaml beside it (if any) under "clinic"."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    data = yaml.load(Path(path).read_text(encoding="utf-8"))
    clinic = Path(path).with_name("clinic.yaml")
    data["clinic"] = yaml.load(clinic.read_text(encoding="utf-8")) if clinic.exists() else {}
    return data


# ------------------------------------------------------------------ styles


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="Atkinson", fontSize=12, leading=16, textColor=INK, spaceAfter=4)

    def style(name: str, parent: ParagraphStyle = body, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, parent=parent, **kw)

    small = style("small", fontSize=10, leading=13, textColor=HexColor("#444444"))
    box_title = style("box_title", fontName="Atkinson-Bold", fontSize=14, leading=18)
    return {
        "body": body,
        "small": small,
        "box_title": box_title,
        "title": style("title", fontName="Atkinson-Bold", fontSize=24, leading=29, textColor=PRIMARY),
        "subtitle": style("subtitle", fontSize=14, leading=19, textColor=HexColor("#333333"), spaceAfter=8),
        "h2": style("h2", fontName="Atkinson-Bold", fontSize=16, leading=20, textColor=PRIMARY, spaceBefore=10,
                    spaceAfter=5, keepWithNext=1),
        "phase": style("phase", fontName="Atkinson-Bold", fontSize=13, leading=17, textColor=ACCENT, spaceBefore=8,
                       keepWithNext=1),
        "step_title": style("step_title", fontName="Atkinson-Bold", fontSize=14, leading=18, spaceAfter=0),
        "label": style("label", fontName="Atkinson-Bold", spaceAfter=2),
        "bullet": style("bullet", leftIndent=12, spaceAfter=2),
        "caution": style("caution", fontName="Atkinson-Bold", textColor=DANGER),
        "safety_title": style("safety_title", parent=box_title, fontSize=15, leading=19, textColor=DANGER),
        "caption": style("caption", parent=small, fontSize=9, leading=11, alignment=TA_CENTER),
        "cell": style("cell", parent=small, fontSize=9, leading=11, spaceAfter=0),
        "footer": style("footer", fontSize=9, leading=11, textColor=MUTED, spaceAfter=0),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).strip(), style)


def _bullets(items, styles) -> list[Paragraph]:
    return [Paragraph(escape(str(t)).strip(), styles["bullet"], bulletText="•") for t in items or []]


def _words(ids) -> str:
    return ", ".join(str(i).replace("_", " ") for i in ids or [])


def _box(flowables: list, background, border=None, border_width: float = 0.75, padding: float = 3.5 * mm,
         bar: float = 0) -> Table:
    """A shaded, ruled panel: one Table cell holding the flowables."""
    commands = [("BACKGROUND", (0, 0), (-1, -1), background), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    commands += [(side, (0, 0), (-1, -1), padding) for side in ("TOPPADDING", "BOTTOMPADDING", "RIGHTPADDING")]
    commands.append(("LEFTPADDING", (0, 0), (-1, -1), padding + bar))
    if border is not None:
        commands.append(("BOX", (0, 0), (-1, -1), border_width, border))
    if bar:
        commands.append(("LINEBEFORE", (0, 0), (0, -1), bar, border))
    return Table([[flowables]], colWidths=[WIDTH], style=TableStyle(commands))


# ------------------------------------------------------------------ pictures


# Where each body area sits on the head-and-shoulders outline (x, y, width, height in a 113 pt square).
AREAS = {
    "suboccipitals": [(46, 70, 21, 6)],
    "back_of_neck": [(50, 60, 13, 14)],
    "side_of_neck": [(43, 58, 7, 14), (63, 58, 7, 14)],
    "upper_trapezius": [(29, 55, 19, 9), (65, 55, 19, 9)],
    "shoulders": [(11, 42, 20, 15), (82, 42, 20, 15)],
    "shoulder_blades": [(29, 16, 20, 27), (64, 16, 20, 27)],
    "upper_back": [(25, 12, 63, 42)],
    "beside_spine": [(48, 6, 6, 48), (59, 6, 6, 48)],
    "upper_chest": [(27, 44, 59, 10)],
    "upper_arms": [(9, 4, 12, 34), (92, 4, 12, 34)],
}


def _outline(front: bool) -> Group:
    g = Group()
    torso = Outline(fillColor=LIGHT, strokeColor=MUTED, strokeWidth=1)
    torso.moveTo(8, 0)
    torso.lineTo(8, 40)
    torso.curveTo(8, 56, 18, 62, 34, 64)
    torso.lineTo(48, 68)
    torso.lineTo(65, 68)
    torso.lineTo(79, 64)
    torso.curveTo(95, 62, 105, 56, 105, 40)
    torso.lineTo(105, 0)
    torso.closePath()
    g.add(torso)
    for x in (22, 91):
        g.add(Line(x, 0, x, 40, strokeColor=MUTED, strokeWidth=0.8))
    if front:
        g.add(Line(34, 56, 52, 52, strokeColor=MUTED, strokeWidth=0.8))  # collarbones
        g.add(Line(79, 56, 61, 52, strokeColor=MUTED, strokeWidth=0.8))
    else:
        blade = [(32, 44), (48, 40), (46, 16), (36, 20)]
        for side in (blade, [(113 - x, y) for x, y in blade]):  # left and right shoulder blades
            g.add(Polygon([v for point in side for v in point], fillColor=None, strokeColor=MUTED, strokeWidth=0.6))
        g.add(Line(56.5, 4, 56.5, 64, strokeColor=MUTED, strokeWidth=0.8, strokeDashArray=[2, 2]))
    g.add(Rect(48, 62, 17, 14, fillColor=LIGHT, strokeColor=MUTED, strokeWidth=1))
    for x in (41, 72):
        g.add(Ellipse(x, 86, 3, 6, fillColor=LIGHT, strokeColor=MUTED, strokeWidth=0.8))
    g.add(Ellipse(56.5, 88, 15, 18, fillColor=LIGHT, strokeColor=MUTED, strokeWidth=1))
    if front:
        for x in (51, 62):
            g.add(Circle(x, 91, 1.2, fillColor=MUTED, strokeColor=None))
    return g


def _area(x: float, y: float, w: float, h: float) -> Group:
    """A shaded rounded rectangle with 45-degree hatching kept inside it."""
    g = Group(Rect(x, y, w, h, rx=3, ry=3, fillColor=AREA_FILL, strokeColor=None))
    c = -h + 2.5
    while c < w:
        s0, s1 = max(0.0, -c), min(h, w - c)
        if s1 > s0:
            g.add(Line(x + c + s0, y + s0, x + c + s1, y + s1, strokeColor=AREA_LINE, strokeWidth=0.35))
        c += 3.2
    g.add(Rect(x, y, w, h, rx=3, ry=3, fillColor=None, strokeColor=AREA_LINE, strokeWidth=0.9))
    return g


def _arrow(x0: float, y0: float, x1: float, y1: float, both: bool) -> Group:
    """A dark arrow on a white halo, with a head at the end (and the start if ``both``)."""
    g = Group(Line(x0, y0, x1, y1, strokeColor=white, strokeWidth=3.4))
    g.add(Line(x0, y0, x1, y1, strokeColor=AREA_LINE, strokeWidth=1.4))
    length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-6)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    for (tx, ty), (dx, dy) in [((x1, y1), (ux, uy))] + ([((x0, y0), (-ux, -uy))] if both else []):
        g.add(Polygon([tx + 3 * dx, ty + 3 * dy, tx - 3 * dx + 3 * dy, ty - 3 * dy - 3 * dx,
                       tx - 3 * dx - 3 * dy, ty - 3 * dy + 3 * dx],
                      fillColor=AREA_LINE, strokeColor=white, strokeWidth=0.5))
    return g


def _circling(cx: float, cy: float, r: float = 3.5) -> Group:
    g = Group(Circle(cx, cy, r, fillColor=None, strokeColor=white, strokeWidth=3))
    g.add(Circle(cx, cy, r, fillColor=None, strokeColor=AREA_LINE, strokeWidth=1.1))
    g.add(Polygon([cx + 2.5, cy + r, cx - 1, cy + r + 2, cx - 1, cy + r - 2], fillColor=AREA_LINE, strokeColor=None))
    return g


def _hand(x: float, y: float, size: float, part: str) -> Group:
    """A hand: palm, four fingers and a thumb, with the working ``part`` filled in the accent colour."""
    s = size / 24.0
    whole = part == "whole_hand"

    def fill(name: str):
        return ACCENT if whole or part == name else white

    g = Group()
    thumb = Group(Rect(-1.6 * s, 0, 3.2 * s, 9 * s, rx=1.5 * s, ry=1.5 * s, fillColor=fill("thumb"),
                       strokeColor=PRIMARY, strokeWidth=0.8))
    thumb.transform = (0.82, 0.57, -0.57, 0.82, x + 7 * s, y + 4 * s)  # leaning out by 35 degrees
    g.add(thumb)
    g.add(Rect(x + 5 * s, y + 1 * s, 14 * s, 12 * s, rx=3 * s, ry=3 * s, fillColor=fill("palm"), strokeColor=PRIMARY,
               strokeWidth=0.8))
    if part == "heel_of_hand":
        g.add(Rect(x + 5 * s, y + 1 * s, 14 * s, 4.5 * s, rx=2 * s, ry=2 * s, fillColor=ACCENT, strokeColor=PRIMARY,
                   strokeWidth=0.8))
    for i, height in enumerate((8.0, 9.5, 9.0, 7.0)):
        fx = x + (5.3 + 3.4 * i) * s
        g.add(Rect(fx, y + 11 * s, 3 * s, height * s, rx=1.4 * s, ry=1.4 * s, fillColor=fill("fingers"),
                   strokeColor=PRIMARY, strokeWidth=0.8))
        if part == "fingertips":
            g.add(Rect(fx, y + (11 + height - 3) * s, 3 * s, 3 * s, rx=1.4 * s, ry=1.4 * s, fillColor=ACCENT,
                       strokeColor=PRIMARY, strokeWidth=0.8))
    if part == "knuckles":
        g.add(Rect(x + 5.3 * s, y + 11 * s, 13.2 * s, 2.6 * s, fillColor=ACCENT, strokeColor=PRIMARY, strokeWidth=0.8))
    if part == "tool":
        g.add(Circle(x + 12 * s, y + 7 * s, 4 * s, fillColor=ACCENT, strokeColor=PRIMARY, strokeWidth=0.8))
    return g


def _pressure(x: float, y: float, level: str) -> Group:
    """Three rising bars, filled up to the pressure: light 1, moderate 2, firm 3."""
    filled = {"light": 1, "moderate": 2, "firm": 3}.get(level, 0)
    g = Group()
    for i in range(3):
        h = 6 + 3 * i
        g.add(Rect(x + 12 * i, y, 10, h, rx=2, ry=2, fillColor=ACCENT if i < filled else white,
                   strokeColor=ACCENT if i < filled else MUTED, strokeWidth=0.8))
    return g


def step_picture(step: dict) -> Drawing:
    """The step's picture: body outline, its areas shaded, the motion marked, then hands and pressure below."""
    regions = step.get("regions") or []
    motions = step.get("motion") or []
    direction = (step.get("illustration") or {}).get("direction")
    if direction is None:
        direction = "circles" if {"circles", "knead"} & set(motions) else "down"
    d = Drawing(PICTURE, PICTURE + ICONS)
    body = Group(_outline(front="upper_chest" in regions))
    body.transform = (PICTURE / 113, 0, 0, PICTURE / 113, 0, ICONS)
    rects = [r for region in regions for r in AREAS.get(region, [])]
    for x, y, w, h in sorted(rects, key=lambda r: -r[2] * r[3]):  # large areas first, so small ones stay visible
        body.add(_area(x, y, w, h))
    known = [region for region in regions if region in AREAS]
    marked = AREAS[known[-1]] if known else []  # the motion is marked where the hands end up
    if direction == "along" and rects:
        x0, x1 = min(r[0] for r in rects), max(r[0] + r[2] for r in rects)
        yc = sum(r[1] + r[3] / 2 for r in marked) / len(marked)
        body.add(_arrow(x0 + 4, yc, x1 - 4, yc, both=True))
    for x, y, w, h in marked:
        cx, cy, half = x + w / 2, y + h / 2, max(h * 0.4, 7)
        if direction == "down":
            body.add(_arrow(cx, cy + half, cx, cy - half, both=False))
        elif direction == "up":
            body.add(_arrow(cx, cy - half, cx, cy + half, both=False))
        elif direction == "up_and_down":
            body.add(_arrow(cx, cy - half, cx, cy + half, both=True))
        elif direction == "circles" and w > 30:
            body.add(_circling(cx - w / 5, cy))
            body.add(_circling(cx + w / 5, cy))
        elif direction == "circles":
            body.add(_circling(cx, cy))
    d.add(body)
    hands = step.get("hand_use") or []
    width = 24 * len(hands) + 4 + 34
    x = (PICTURE - width) / 2
    for part in hands:
        d.add(_hand(x, 2, 22, part))
        x += 24
    d.add(_pressure(x + 4, 4, step.get("pressure") or ""))
    return d


# ------------------------------------------------------------------ page decoration


class NumberedCanvas(Canvas):
    """Holds every page back until the end, so the footer can say "Page X of Y"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved = []

    def showPage(self):
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for number, state in enumerate(self._saved, start=1):
            self.__dict__.update(state)
            self.setFont("Atkinson", 9)
            self.setFillColor(MUTED)
            self.drawRightString(PAGE_W - RIGHT, BOTTOM - 3 * mm - 9, f"Page {number} of {len(self._saved)}")
            Canvas.showPage(self)
        Canvas.save(self)


def _decorate(data: dict, styles: dict[str, ParagraphStyle]):
    clinic = data.get("clinic") or {}
    contact = " · ".join(str(clinic[k]) for k in ("address", "phone", "email", "web") if clinic.get(k))

    def on_page(canvas: Canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Atkinson", 9)
        canvas.setFillColor(MUTED)
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.5)
        top = PAGE_H - TOP + 4 * mm
        canvas.drawString(LEFT, top, clinic.get("name", ""))
        canvas.drawRightString(PAGE_W - RIGHT, top, data["title"])
        canvas.line(LEFT, top - 2.5 * mm, PAGE_W - RIGHT, top - 2.5 * mm)
        canvas.line(LEFT, BOTTOM - 1 * mm, PAGE_W - RIGHT, BOTTOM - 1 * mm)
        footer = _para(contact, styles["footer"])
        _, h = footer.wrap(WIDTH - 40 * mm, 50)
        footer.drawOn(canvas, LEFT, BOTTOM - 3 * mm - h)
        canvas.restoreState()

    return on_page


# ------------------------------------------------------------------ the story


def _steps_of(data: dict) -> list[tuple[dict | None, list[dict]]]:
    if data.get("phases"):
        return [(phase, phase["steps"]) for phase in data["phases"]]
    return [(None, list(data.get("steps") or []))]


def _badge(number: int) -> Drawing:
    d = Drawing(20, 20)
    d.add(Circle(10, 10, 10, fillColor=PRIMARY, strokeColor=None))
    d.add(String(10, 6, str(number), fontName="Atkinson-Bold", fontSize=11, fillColor=white, textAnchor="middle"))
    return d


def _step(number: int, step: dict, styles) -> Table:
    left_w = 48 * mm
    right_w = WIDTH - left_w
    where = _words(step.get("regions"))
    caption = (step.get("illustration") or {}).get("alt") or where[:1].upper() + where[1:]
    picture = [step_picture(step), Spacer(1, 3), _para(caption, styles["caption"])]

    heading = Table([[_badge(number), _para(step["title"], styles["step_title"])]], colWidths=[26, right_w - 32],
                    style=TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                                      ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    facts = [("Use", _words(step.get("hand_use"))), ("Pressure", step.get("pressure") or ""),
             ("Move", _words(step.get("motion")))]
    if step.get("dosage"):
        facts.append(("How long", ", ".join(f"{v} {str(k).replace('_', ' ')}" for k, v in step["dosage"].items())))
    facts.append(("Where", where))
    line = " · ".join(f"<b>{k}:</b> {escape(str(v))}" for k, v in facts if v)
    text = [heading, _para(step["instruction"], styles["body"]), *_bullets(step.get("actions"), styles),
            Paragraph(line, styles["small"])]
    if step.get("caution"):
        text.append(_para(f"Caution: {step['caution']}", styles["caution"]))
    return Table([[picture, text]], colWidths=[left_w, right_w],
                 style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0),
                                   ("RIGHTPADDING", (0, 0), (0, 0), 6), ("LEFTPADDING", (1, 0), (1, 0), 6),
                                   ("RIGHTPADDING", (1, 0), (1, 0), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))


def _safety(data: dict, styles) -> Table:
    safety = data.get("safety") or {}
    inside = [_para("Safety first", styles["safety_title"])]
    for key, label in (("cautions", "Take care"), ("red_flags", "Stop and seek care if…"),
                       ("contraindications", "Do not do this routine if…")):
        if safety.get(key):
            inside += [_para(label, styles["label"]), *_bullets(safety[key], styles)]
    if safety.get("seek_care"):
        inside.append(Paragraph(f"<b>See a doctor:</b> {escape(str(safety['seek_care']).strip())}", styles["body"]))
    return _box(inside, HexColor("#fff3ef"), RED, border_width=1.5, padding=4 * mm, bar=5)


def _what_you_need(data: dict, styles) -> list:
    rows = [("Time", _para(data["time"], styles["body"])), ("Position", _para(data["position"], styles["body"]))]
    if data.get("equipment"):
        rows.append(("You need", _bullets(data["equipment"], styles)))
    if data.get("setup"):
        rows.append(("Get ready", _bullets(data["setup"], styles)))
    table = Table([[_para(k, styles["label"]), v] for k, v in rows], colWidths=[30 * mm, WIDTH - 30 * mm],
                  style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE), ("TOPPADDING", (0, 0), (-1, -1), 3)]))
    return [KeepTogether([_para("What you need", styles["h2"]), table])]


def _hand_tips(data: dict, styles) -> Table:
    inside = [_para("Using your hands", styles["box_title"])]
    for tip in data["hand_tips"]:
        part = tip.get("hand_use")
        if not part:
            inside.append(_para(tip["text"], styles["body"]))
            continue
        icon = Drawing(22, 22)
        icon.add(_hand(0, 0, 22, part))
        text = Paragraph(f"<b>{escape(part.replace('_', ' ').capitalize())}:</b> {escape(tip['text'].strip())}",
                         styles["body"])
        inside.append(Table([[icon, text]], colWidths=[30, WIDTH - 10 * mm - 30],
                            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                              ("LEFTPADDING", (0, 0), (-1, -1), 0)])))
    return _box(inside, HexColor("#eef6f3"), ACCENT)


def _tracking_log(data: dict, styles) -> list:
    days = 7
    per_day = int((data.get("dosage") or {}).get("times_per_day") or 1)
    how_often = "once a day" if per_day == 1 else f"{per_day} times a day"
    tick = Drawing(12, 12)
    tick.add(Rect(0.5, 0.5, 11, 11, fillColor=white, strokeColor=MUTED, strokeWidth=0.8))
    cell = styles["cell"]
    rows = [[Paragraph("<b>Day</b>", cell)] + [Paragraph(f"<b>{d}</b>", cell) for d in range(1, days + 1)]]
    rows += [[Paragraph("Done", cell)] + [tick] * days for _ in range(per_day)]
    table = Table(rows, colWidths=[WIDTH / (days + 1)] * (days + 1),
                  style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, MUTED), ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                                    ("ALIGN", (1, 1), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return [_para("Track your practice", styles["h2"]),
            _para(f"Tick a box each time you do the routine ({how_often}).", styles["small"]), table]


def _notes(styles) -> Table:
    inner = WIDTH - 7 * mm
    lines = Table([[""] for _ in range(5)], colWidths=[inner], rowHeights=[9 * mm] * 5,
                  style=TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.75, MUTED)]))
    return _box([_para("Notes", styles["box_title"]), lines], white, MUTED)


def _legend(data: dict, styles) -> list:
    steps = [s for _, group in _steps_of(data) for s in group]
    parts = list(dict.fromkeys(p for s in steps for p in s.get("hand_use") or []))
    levels = [level for level in ("light", "moderate", "firm") if any(s.get("pressure") == level for s in steps)]
    cells = []
    for part in parts:
        icon = Drawing(36, 20)
        icon.add(_hand(0, 0, 20, part))
        cells += [icon, _para(part.replace("_", " "), styles["cell"])]
    for level in levels:
        icon = Drawing(36, 20)
        icon.add(_pressure(0, 3, level))
        cells += [icon, _para(f"{level} pressure", styles["cell"])]
    rows = [cells[i:i + 6] + [""] * (6 - len(cells[i:i + 6])) for i in range(0, len(cells), 6)]
    table = Table(rows, colWidths=[14 * mm, WIDTH / 3 - 14 * mm] * 3,
                  style=TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [_para("What the pictures mean", styles["h2"]), table]


def story(data: dict, for_name: str, styles: dict[str, ParagraphStyle]) -> list:
    """The handout's flowables, section by section, in the handout-a4 order."""
    clinic = data.get("clinic") or {}
    out = [_para(data["title"], styles["title"]), _para(data["summary"], styles["subtitle"])]
    audience = AUDIENCE.get(data.get("audience"), "")
    out.append(_para(" · ".join(x for x in (audience, f"Time: {data['time']}") if x), styles["small"]))
    out.append(Spacer(1, 4))
    who = [f"<b>Prepared for:</b> {escape(for_name)}"] if for_name else []
    if clinic.get("clinician"):
        who.append(f"<b>By:</b> {escape(clinic['clinician'])}")
    out += [_box([Paragraph(" · ".join(who), styles["body"])], LIGHT), Spacer(1, 8)]
    out += [_safety(data, styles), Spacer(1, 6)]
    out += _what_you_need(data, styles)
    out.append(_para("Steps", styles["h2"]))
    number = 0
    for phase, steps in _steps_of(data):
        lead = [_para(phase["title"], styles["phase"])] if phase else []  # kept on the page of the phase's first step
        if phase and phase.get("purpose"):
            lead.append(_para(phase["purpose"], styles["body"]))
        for step in steps:
            number += 1
            out.append(KeepTogether([*lead, Spacer(1, 5 * mm), _step(number, step, styles)]))
            lead = []
    out.append(Spacer(1, 5 * mm))
    if data.get("hand_tips"):
        out += [_hand_tips(data, styles), Spacer(1, 4 * mm)]
    if data.get("tips"):
        out += [_box([_para("Good to know", styles["box_title"]), *_bullets(data["tips"], styles)],
                     HexColor("#eef6f3"), ACCENT), Spacer(1, 4 * mm)]
    if data.get("glossary"):
        terms = [Paragraph(f"<b>{escape(t['term'])}:</b> {escape(t['definition'])}", styles["body"])
                 for t in data["glossary"]]
        out += [_box([_para("Words to know", styles["box_title"]), *terms], HexColor("#f4f6f9"), PRIMARY)]
    out += _tracking_log(data, styles)
    out += [Spacer(1, 4 * mm), _notes(styles)]
    out += _legend(data, styles)
    src = data.get("source") or {}
    source = ", ".join(str(src[k]) for k in ("title", "publisher") if src.get(k))
    if src.get("document"):
        source += f" ({src['document']})"
    out += [Spacer(1, 4 * mm), _para(f"Source: {source}. {src.get('note', '')}", styles["small"])]
    return out


def render(data: dict, for_name: str = "Ana López") -> bytes:
    """The handout PDF for ``for_name``; fonts must be registered first (register_fonts)."""
    styles = _styles()
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=A4, title=data["title"], author=(data.get("clinic") or {}).get("name", ""),
                          lang=data.get("language", "en"), invariant=1)
    frame = Frame(LEFT, BOTTOM, WIDTH, PAGE_H - TOP - BOTTOM, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=_decorate(data, styles))])
    doc.build(story(data, for_name, styles), canvasmaker=NumberedCanvas)
    return buf.getvalue()


def main(argv: list[str]) -> None:
    routine = Path(argv[1]) if len(argv) > 1 else ROOT / "content" / "partner-neck.yaml"
    out = Path(argv[2]) if len(argv) > 2 else Path("baseline.pdf")
    register_fonts()
    out.write_bytes(render(load(routine)))


if __name__ == "__main__":
    main(sys.argv)
