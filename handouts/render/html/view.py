"""What the HTML twin shows, as plain data for the template: the handout's sections in the layout's order.

The routine's text stays plain text here (the template escapes it); the only
markup is the SVG of our own drawings. Sections, their order, colours and
pictures come from the same layout and drawing code as the PDF, and every
heading from :mod:`handouts.labels`.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from ... import labels
from ...layout_models import Brand, Section
from ...models import HandUse, Pressure, Step
from .. import pictures
from ..handout import HandoutInput
from .svg import inline_svg, symbol, use

ICON = 30.0
"""Points at which pictograms are drawn; each is scaled to where it is shown."""

MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass
class Picture:
    """One picture: inline SVG of our drawing, or a user's raster image as a ``data:`` URI."""

    svg: Markup | None = None
    src: str | None = None
    alt: str = ""
    width: float = 0.0
    height: float = 0.0


@dataclass
class StepView:
    number: int
    title: str
    instruction: str
    actions: list[str]
    facts: list[tuple[str, str]]
    caution: str | None
    pictures: list[Picture] = field(default_factory=list)
    icons: list[Picture] = field(default_factory=list)
    caption: str = ""
    video: str | None = None


@dataclass
class SectionView:
    kind: str
    data: dict


def handout_view(data: HandoutInput) -> dict:
    """The template's whole context for one handout."""
    return _Builder(data).view()


class _Builder:
    def __init__(self, data: HandoutInput):
        self.data = data
        self.r = data.routine
        self.labels = labels.for_language(data.routine.language)
        self.layout = data.layout
        self.brand: Brand = data.layout.brand
        if data.clinic is not None and data.clinic.brand_color:
            self.brand = self.brand.model_copy(update={"primary": data.clinic.brand_color})
        self.ids = 0
        self.symbols: dict[tuple, str] = {}
        size = lambda name: self.layout.resolved_style(name).size or 12.0  # noqa: E731
        # Pictograms at the sizes the PDF gives them beside text of each style.
        self.strip_icon = max(size("caption") * 2.0, 20.0)
        self.tip_icon = max(size("box_body") * 2.2, 26.0)
        self.legend_icon = max(size("small") * 2.2, 24.0)
        self.symbol_defs: list[Markup] = []

    def next_id(self, kind: str) -> str:
        self.ids += 1
        return f"{kind}-{self.ids}"

    def view(self) -> dict:
        r = self.r
        clinic = self.data.clinic
        return {
            "lang": r.language,
            "title": r.title,
            "summary": r.summary,
            "facts": [self.labels.audience(r.audience.value), f"{self.labels.colon(self.labels.TIME)} {r.time.text}"],
            "routine_picture": self.routine_picture(),
            "clinic": clinic.name if clinic else None,
            "clinic_logo": self.logo(),
            "contact": clinic.contact_lines() if clinic else [],
            "contact_label": self.labels.CONTACT,
            "sections": [s for s in (self.section(kind) for kind in self.order()) if s is not None],
            "symbols": self.symbol_defs,
        }

    def order(self) -> list[Section]:
        """The layout's sections, the title first and the safety box before the steps
        (a reader meets the warnings before the first instruction, whatever the print order)."""
        order = [s for s in self.layout.sections if s not in (Section.title, Section.summary)]
        if Section.safety not in order:
            order.insert(0, Section.safety)
        if Section.steps in order and order.index(Section.safety) > order.index(Section.steps):
            order.remove(Section.safety)
            order.insert(order.index(Section.steps), Section.safety)
        return order

    def section(self, kind: Section) -> SectionView | None:
        data = getattr(self, f"section_{kind.value}")()
        return SectionView(kind.value, data) if data is not None else None

    # ------------------------------------------------------------------ sections

    def section_personal(self):
        per = self.data.personal
        clinician = per.clinician or (self.data.clinic.clinician if self.data.clinic else None)
        rows = [(k, v) for k, v in ((self.labels.PREPARED_FOR, per.for_name), (self.labels.BY, clinician),
                                    (self.labels.DATE, per.date and self.labels.date(per.date))) if v]
        return {"heading": self.labels.PERSONAL, "rows": rows} if rows else None

    def section_safety(self):
        s = self.r.safety
        groups = [(heading, items) for heading, items in ((self.labels.CAUTIONS, s.cautions), (self.labels.RED_FLAGS, s.red_flags),
                                                          (self.labels.CONTRAINDICATIONS, s.contraindications)) if items]
        return {"heading": self.labels.SAFETY, "groups": groups, "seek_care": s.seek_care,
                "seek_care_label": self.labels.SEEK_CARE}

    def section_what_you_need(self):
        r = self.r
        rows: list[tuple[str, str | list[str]]] = [(self.labels.TIME, r.time.text), (self.labels.POSITION, r.position)]
        if r.equipment:
            rows.append((self.labels.EQUIPMENT, list(r.equipment)))
        if r.setup:
            rows.append((self.labels.SETUP, list(r.setup)))
        return {"heading": self.labels.WHAT_YOU_NEED, "rows": rows, "links": self.routine_links()}

    def routine_links(self) -> list[tuple[str, str]]:
        """(name, address) of the routine's video and web page: the targets the PDF prints as QR codes."""
        return [(name, url) for url, name in ((self.r.video_url, self.labels.VIDEO), (self.r.web_url, self.labels.WEB)) if url]

    def section_assessment(self):
        if not self.r.assessment:
            return None
        return {"heading": self.labels.ASSESSMENT, "items": [(a.question, list(a.look_for)) for a in self.r.assessment]}

    def section_steps(self):
        groups = []
        number = 0
        for phase, steps in self.r.grouped_steps():
            views = []
            for step in steps:
                number += 1
                views.append(self.step(number, step))
            groups.append({"title": phase.title if phase else None, "purpose": phase.purpose if phase else None,
                           "start": views[0].number if views else 1, "steps": views})
        has_phases = any(g["title"] for g in groups)
        return {"heading": self.labels.STEPS, "groups": groups, "step_level": 4 if has_phases else 3,
                "position": self.layout.illustrations.position}

    def section_hand_tips(self):
        if not self.r.hand_tips:
            return None
        size = self.tip_icon
        tips = []
        for tip in self.r.hand_tips:
            if tip.hand_use is None:
                tips.append((None, None, tip.text))
                continue
            name = self.labels.hand_use(tip.hand_use)
            icon = self.hand(tip.hand_use, size)
            tips.append((icon, name.capitalize(), tip.text))
        return {"heading": self.labels.HAND_TIPS, "tips": tips}

    def section_tips(self):
        return {"heading": self.labels.TIPS, "items": list(self.r.tips)} if self.r.tips else None

    def section_glossary(self):
        if not self.r.glossary:
            return None
        return {"heading": self.labels.GLOSSARY, "terms": [(t.term, t.definition) for t in self.r.glossary]}

    def section_tracking_log(self):
        """As in the PDF: sized by the routine's own frequency, left out when it gives none."""
        from ..handout import practice_frequency

        often = practice_frequency(self.r, self.labels)
        wanted = self.layout.tracking_log
        if wanted == "never" or (wanted == "auto" and (often is None or self.r.audience.value == "clinician")):
            return None
        per_day = often.per_day if often else 1
        rows = [self.labels.DONE] if per_day == 1 else [self.labels.TIME_N.format(n=t + 1) for t in range(per_day)]
        return {"heading": self.labels.TRACKING, "intro": self.labels.tracking_intro(often.words if often else None),
                "day": self.labels.DAY, "days": list(range(1, self.layout.tracking_days + 1)), "rows": rows}

    def section_notes(self):
        return {"heading": self.labels.NOTES, "note": self.data.personal.note, "lines": self.layout.notes_lines,
                "empty": self.labels.NOTES_EMPTY}

    def section_legend(self):
        used: list = []
        for step in self.r.all_steps:
            used += [h for h in step.hand_use if h not in used]
        if not used or not self.layout.illustrations.pictograms:
            return None
        entries = [(self.hand(h, self.legend_icon), self.labels.hand_use(h)) for h in used]
        for level in Pressure:
            entries.append((self.pressure(level, self.legend_icon * 1.6), self.labels.pressure_level(level)))
        return {"heading": self.labels.LEGEND, "entries": entries}

    def section_source(self):
        src = self.r.source
        parts = [src.title]
        if src.author:
            parts.append(self.labels.BY_AUTHOR.format(author=src.author))
        if src.publisher:
            parts.append(src.publisher)
        links = [] if Section.what_you_need in self.layout.sections else self.routine_links()
        return {"heading": self.labels.SOURCE, "text": ", ".join(parts) + f" ({src.document}).", "url": src.url,
                "note": src.note, "links": links}

    # ------------------------------------------------------------------ pieces

    def step(self, number: int, step: Step) -> StepView:
        view = StepView(number, step.title, step.instruction, list(step.actions), self.facts(step), step.caution,
                        caption=pictures.caption_text(step, self.labels), video=step.video_url)
        ill = self.layout.illustrations
        if ill.position == "none":
            return view
        alt = step.illustration.alt if step.illustration else self.labels.STEP_PICTURE.format(
            n=number, text=view.caption or step.title)
        own = self.user_picture(step, alt, ill.width, ill.height)
        if own is not None:
            view.pictures.append(own)
        if own is None or ill.user_images == "beside":
            drawing = pictures.body_drawing(step, ill.width, ill.height, self.brand,
                                            self.layout.resolved_style("caption").size or 9.0, routine=self.r)
            regions = self.labels.regions(step.regions).capitalize()
            name = alt if own is None else self.labels.STEP_PICTURE.format(n=number, text=regions or step.title)
            view.pictures.append(Picture(svg=inline_svg(drawing, name, self.next_id("pic"), "picture"), alt=name,
                                         width=ill.width, height=ill.height))
        if ill.pictograms:  # the PDF's strip: hands (the tools' own icons instead of "tool"), tools, pressure
            tools = list(step.illustration.tools) if step.illustration else []
            for h in [h for h in step.hand_use if not (tools and h is HandUse.tool)][:3]:
                view.icons.append(self.hand(h, self.strip_icon))
            for tool in tools[:3]:
                view.icons.append(self.tool(tool, self.strip_icon))
            if step.pressure:
                view.icons.append(self.pressure(step.pressure, self.strip_icon * 1.5))
        return view

    def facts(self, step: Step) -> list[tuple[str, str]]:
        return self.labels.step_facts(step)

    def hand(self, hand_use, size: float) -> Picture:
        """A hand pictogram, drawn as in the PDF; the drawing is in the page once, shown at each use."""
        drawing = pictures.hand_icon(hand_use, ICON, self.brand).drawing
        return self.icon(("hand", hand_use.value), drawing, self.labels.hand_use(hand_use), size, size)

    def tool(self, tool, size: float) -> Picture:
        drawing = pictures.tool_icon(tool, ICON, self.brand).drawing
        return self.icon(("tool", tool.value), drawing, self.labels.tool(tool), size, size)

    def pressure(self, level: Pressure, width: float) -> Picture:
        drawing = pictures.pressure_icon(level, ICON * 1.5, ICON * 0.55, self.brand).drawing
        return self.icon(("pressure", level.value), drawing, self.labels.pressure_level(level),
                         width, width * 0.55 / 1.5)

    def icon(self, key: tuple, drawing, name: str, width: float, height: float) -> Picture:
        if key not in self.symbols:
            self.symbols[key] = f"sym-{'-'.join(key)}"
            self.symbol_defs.append(symbol(drawing, self.symbols[key]))
        return Picture(svg=use(self.symbols[key], name, self.next_id("icon"), width, height, "icon"), alt=name,
                       width=width, height=height)

    def user_picture(self, step: Step, alt: str, width: float, height: float) -> Picture | None:
        ill = step.illustration
        if ill is None or ill.image is None or self.data.base_file is None:
            return None
        return self.image(self.data.base_file, ill.image, alt, width, height)

    def routine_picture(self) -> Picture | None:
        ill = self.r.illustration
        if ill is None or not ill.image or self.data.base_file is None:
            return None
        return self.image(self.data.base_file, ill.image, ill.alt, 120, 120)

    def logo(self) -> Picture | None:
        clinic = self.data.clinic
        if clinic is None or not clinic.logo or self.data.clinic_file is None:
            return None
        return self.image(self.data.clinic_file, clinic.logo, clinic.logo_alt or clinic.name, 160, 48)

    def image(self, base_file: Path, relative: str, alt: str, width: float, height: float) -> Picture:
        """A user's picture, checked by :mod:`handouts.images` when its file was loaded: an SVG
        arrives as the drawing it was converted into (never the file's own markup), a PNG or
        JPEG as its bytes in a ``data:`` URI, so the page makes no request of its own."""
        from ... import images

        fitted = images.fitted(images.resolve(base_file, relative), width, height)
        if hasattr(fitted, "contents"):  # an SVG, converted to a drawing
            return Picture(svg=inline_svg(fitted, alt, self.next_id("img"), "picture"), alt=alt,
                           width=fitted.width, height=fitted.height)
        path = images.resolve(base_file, relative)
        with open(path, "rb") as fh:
            data = fh.read(images.MAX_IMAGE_BYTES + 1)
        mime = MIME[os.path.splitext(path.name)[1].lower()]
        return Picture(src=f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", alt=alt,
                       width=fitted.drawWidth, height=fitted.drawHeight)
