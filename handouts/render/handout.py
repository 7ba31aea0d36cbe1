"""The multi-page handout: a story of sections, in the order the layout lists them.

Each ``_section_*`` method returns flowables for one section (or nothing when the
routine has no content for it), so a layout can reorder or drop sections
without code changes — except the safety box, which layouts cannot drop.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.flowables import KeepTogether

from .. import images
from ..errors import HandoutsError, Problem, display_path
from ..layout_models import PICTURE_GAP, Layout, Section
from ..models import (
    Clinic,
    HandUse,
    Tool,
    Personalisation,
    Routine,
    Step,
)
from .. import labels
from ..styles import paragraph_styles
from ..text import markup, markup_once
from ..units import MM
from . import pictures
from .flowables import (MOVE_SHARE, Ahead, Beside, Breakable, ContinuedBox, FittedBox, FreshPara, Gap, Para, RuledLines, StepDisc,
                        TickBox, boxed, bullet, cell_style, first_of, stack_height, table)
from .qr import QRFlowable, min_size_for
from .page import Decoration, decorated_canvas


@dataclass
class HandoutInput:
    """Everything one handout is made from, already validated."""

    routine: Routine
    layout: Layout
    layout_name: str
    personal: Personalisation
    clinic: Clinic | None = None
    base_file: Path | None = None
    clinic_file: Path | None = None


class HandoutRenderer:
    slots = None
    """When set (``handouts.render.reuse``), makes the paragraphs of one person's details and
    stands in for the running header and footer: a batch draws the rest once for every student."""

    def __init__(self, data: HandoutInput):
        self.data = data
        self.r = data.routine
        self.labels = labels.for_language(data.routine.language)
        self.layout = data.layout
        self.styles = paragraph_styles(data.layout, data.routine.language)
        self.styles["caption_side"] = ParagraphStyle("caption_side", parent=self.styles["caption"], alignment=TA_LEFT,
                                                     spaceAfter=self.styles["body"].spaceAfter)
        w, h = data.layout.page.dimensions
        m = data.layout.page.margins
        self.page_size = (w, h)
        self.width = w - m.left - m.right
        self.height = h - m.top - m.bottom
        self.brand = data.layout.brand
        if data.clinic is not None and data.clinic.brand_color:
            self.brand = self.brand.model_copy(update={"primary": data.clinic.brand_color})

    # ------------------------------------------------------------------ helpers

    def p(self, text: str, style: str) -> Paragraph:
        return Para(markup(text), self.styles[style])

    def pm(self, markup_text: str, style: str) -> Paragraph:
        """A paragraph from markup that already escaped its content."""
        return Para(markup_text, self.styles[style])

    def personal(self, markup_text: str, style: str) -> Paragraph:
        """One person's details: parsed and broken afresh, never kept in the paragraph caches,
        which hold the routine's text that every handout of a batch shares."""
        if self.slots is not None:
            return self.slots.hold(markup_text, self.styles[style])
        return FreshPara(markup_text, self.styles[style])

    def bullets(self, items: list[str], style: str = "bullet") -> list:
        return [bullet(markup(t), self.styles[style]) for t in items]

    def box(self, name: str, title: str, body: list) -> list:
        """The layout's box around ``body``.

        The safety box moves whole to the next page when it fits on one page, and continues
        under "(continued)" only when it is taller than a page: it is read as one. Other boxes
        (tips, words to know) break like text when the page they reach has room for their start,
        going on under "(continued)", so no page is left a quarter empty before them; a box
        taller than a page fills the page it starts on. Nothing is left out."""
        spec = self.layout.boxes.get(name)
        if spec is None:
            return [self.h2(title), *body]
        gap = Spacer(1, self.styles["body"].fontSize * 0.8)
        whole = boxed([self.p(title, spec.title_style), *body], spec, self.width)
        fits = whole.wrap(self.width, self.height)[1] <= self.height
        if fits and name in WHOLE_BOXES:
            return [_outlined(whole, title), gap]
        # Other boxes that fit a page break like text when the page they reach has room for their
        # start: moving them whole would leave that room blank.
        return [_outlined(ContinuedBox(self.p(title, spec.title_style),
                                       lambda: self.p(self.labels.continued(title), spec.title_style), body, spec, self.width,
                                       self.height, move_below=self.height * MOVE_SHARE if fits else 0), title),
                gap]

    def stack_height(self, flowables: list, width: float | None = None) -> float:
        """Height of ``flowables`` one under the other (kept-together groups opened), as a frame stacks them."""
        return stack_height(flowables, width or self.width, at_top=True)

    def splittable(self, t: Table, width: float | None = None) -> Table:
        """``t``, allowed to break inside a row when one of its rows is taller than a page
        (large print, a long list in one cell): kept whole, such a row could never be placed."""
        t.wrap(width or self.width, self.height)
        if max(t._rowHeights or [0]) > self.height:
            t.splitInRow = 1
        return t

    def headed(self, heading: list, table: Table) -> Breakable:
        """A heading and the table under it, kept on one page when they fit; otherwise the table
        breaks between rows, the heading staying with at least its first row."""
        def pieces(width: float, room: float) -> list | None:
            table.wrap(width, self.height)
            first_row = (table._rowHeights or [0])[0]
            return [*heading, table] if self.stack_height(heading, width) + first_row <= room else None
        return Breakable([*heading, table], pieces, self.height)

    def h2(self, text: str) -> Paragraph:
        return _outlined(self.p(text, "h2"), text)

    # ------------------------------------------------------------------ sections

    def section_title(self) -> list:
        r = self.r
        facts = [self.labels.audience(r.audience.value), f"{self.labels.colon(self.labels.TIME)} {r.time.text}"]
        block = [
            _outlined(self.p(r.title, "title"), r.title),
            self.p(r.summary, "subtitle"),
            self.pm(" · ".join(markup(f) for f in facts), "label"),
        ]
        ill = r.illustration
        if ill is not None and ill.image and self.data.base_file is not None:
            side = min(45 * MM, self.width * 0.3)
            picture = images.fitted(images.resolve(self.data.base_file, ill.image), side, side)
            block = [table([[block, [picture, self.p(ill.alt, "caption")]]], [self.width - side - 6, side + 6],
                           [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 0)])]
            self.splittable(block[0])
        return [*block, Spacer(1, 6)]

    def section_personal(self) -> list:
        per = self.data.personal
        clinician = per.clinician or (self.data.clinic.clinician if self.data.clinic else None)
        rows = []
        if per.for_name:
            rows.append((self.labels.PREPARED_FOR, per.for_name))
        if clinician:
            rows.append((self.labels.BY, clinician))
        if per.date:
            rows.append((self.labels.DATE, self.labels.date(per.date)))
        if not rows:
            return []
        text = "&nbsp;&nbsp;&nbsp;·&nbsp;&nbsp;&nbsp;".join(f"<b>{markup(self.labels.colon(k))}</b> {markup_once(v)}" for k, v in rows)
        box = self.layout.boxes.get("personal")
        para = self.personal(text, box.body_style if box else "body")
        if box is None:
            return [para]
        whole = boxed([para], box, self.width)
        if whole.wrap(self.width, self.height)[1] > self.height:  # long names in large print
            whole = ContinuedBox(None, lambda: None, [para], box, self.width, self.height)
        return [whole, Spacer(1, 8)]

    def section_summary(self) -> list:
        return []  # the summary is part of the title block; kept as a section name for ordering

    def section_what_you_need(self) -> list:
        r = self.r
        label = self.styles["body"]
        rows = [
            [self.pm(f"<b>{markup(self.labels.TIME)}</b>", "body"), self.p(r.time.text, "body")],
            [self.pm(f"<b>{markup(self.labels.POSITION)}</b>", "body"), self.p(r.position, "body")],
        ]
        if r.equipment:
            rows.append([self.pm(f"<b>{markup(self.labels.EQUIPMENT)}</b>", "body"), self.bullets(r.equipment)])
        if r.setup:
            rows.append([self.pm(f"<b>{markup(self.labels.SETUP)}</b>", "body"), self.bullets(r.setup)])
        # The key column holds its longest word whole ('Préparez-vous' in large print), up to 40 % of the width.
        keys = [row[0] for row in rows] + [self.pm(f"<b>{markup(name)}</b>", "body") for _, name in self.routine_links()]
        widest = max(k.minWidth() for k in keys) + 6
        key_w = min(max(28 * MM, label.fontSize * 7, widest), self.width * 0.4)
        for url, name in self.routine_links():
            rows.append([self.pm(f"<b>{markup(name)}</b>", "body"), self.link(url, self.width - key_w - 6)])
        table = Table(rows, colWidths=[key_w, self.width - key_w])
        table.setStyle(cell_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LINEBELOW", (0, 0), (-1, -2), 0.4, HexColor(self.brand.light)),
        ]))
        table.splitInRow = 1  # a long list of things to get ready may go on over the page
        return [self.headed([self.h2(self.labels.WHAT_YOU_NEED)], table), Spacer(1, 4)]

    def section_assessment(self) -> list:
        if not self.r.assessment:
            return []
        out: list = [self.h2(self.labels.ASSESSMENT)]
        for item in self.r.assessment:
            out.append(bullet(f"<b>{markup(item.question)}</b>", self.styles["bullet"]))
            if item.look_for:
                sub = self.styles["bullet"]
                out.extend(bullet(markup(t), _indented(sub, 1), "–") for t in item.look_for)
        return out

    def section_safety(self) -> list:
        s = self.r.safety
        groups: list[list] = []
        if s.cautions:
            groups.append([self.pm(f"<b>{markup(self.labels.CAUTIONS)}</b>", "box_body"), *self.bullets(s.cautions)])
        if s.red_flags:
            groups.append([self.pm(f"<b>{markup(self.labels.RED_FLAGS)}</b>", "box_body"), *self.bullets(s.red_flags)])
        if s.contraindications:
            groups.append([self.pm(f"<b>{markup(self.labels.CONTRAINDICATIONS)}</b>", "box_body"), *self.bullets(s.contraindications)])
        if s.seek_care:
            groups.append([self.pm(f"<b>{markup(self.labels.colon(self.labels.SEEK_CARE))}</b> {markup(s.seek_care)}", "box_body")])
        return self.box("safety", self.labels.SAFETY, [f for g in groups for f in g])

    def section_steps(self) -> list:
        """Numbered steps; each heading (section, phase) travels with the step after it.

        A step is kept on one page when it fits there; otherwise, rather than leave the foot of
        the page blank, it starts there with its picture and first lines (:meth:`cut_step`).

        ReportLab's keepWithNext does not join a paragraph to a KeepTogether or
        table, so the headings are grouped with their first step explicitly."""
        out: list = []
        pending: list = [self.h2(self.labels.STEPS)]
        number = 0
        for phase, steps in self.r.grouped_steps():
            if phase is not None:
                pending.append(_outlined(self.p(phase.title, "phase"), phase.title, 1))
                if phase.purpose:
                    pending.append(self.p(phase.purpose, "body"))
            for step in steps:
                number += 1
                block = self.step_block(number, step)
                if self.stack_height([*pending, block]) <= self.height:
                    placed = [Breakable([*pending, block], self.cut_step(pending, number, step), self.height)]
                else:
                    placed = self.tall_step(pending, number, step)
                out.extend(_tagged(placed, f"step {number} ('{step.title}')"))
                out.append(Spacer(1, self.layout.step_gap))
                pending = []
        return out

    def section_hand_tips(self) -> list:
        if not self.r.hand_tips:
            return []
        rows = []
        box = self.layout.boxes.get("hand_use")
        inner = self.width - (2 * box.padding + box.accent_bar if box else 0)
        size = min(max(self.styles["box_body"].fontSize * 2.2, 26), inner / 4)
        spans = []
        for i, tip in enumerate(self.r.hand_tips):
            if tip.hand_use is None:
                rows.append([self.p(tip.text, "box_body"), ""])
                spans.append(("SPAN", (0, i), (1, i)))
                continue
            label = f"<b>{markup(self.labels.colon(self.labels.hand_use(tip.hand_use).capitalize()))}</b> "
            rows.append([pictures.hand_icon(tip.hand_use, size, self.brand), self.pm(label + markup(tip.text), "box_body")])
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        table = Table(rows, colWidths=[size + 8, inner - size - 8])
        table.setStyle(cell_style([*commands, *spans]))
        table.wrap(inner, self.height)
        if max(table._rowHeights) <= self.height / 3:
            # One table a tip, in the same columns: the box breaks between tips when the page it
            # reaches has room for its start, instead of moving whole and leaving that room blank.
            tips = []
            for row in rows:
                one = Table([row], colWidths=[size + 8, inner - size - 8])
                one.setStyle(cell_style([*commands, *([("SPAN", (0, 0), (1, 0))] if row[1] == "" else [])]))
                tips.append(one)
            return self.box("hand_use", self.labels.HAND_TIPS, tips)
        # A tip that with the box's title and padding may not fit a page (large text in a narrow
        # box): each picture above its tip, so the box breaks between tips and inside a tip's text.
        body = [cell for row in rows for cell in row if cell != ""]
        return self.box("hand_use", self.labels.HAND_TIPS, body)

    def section_tips(self) -> list:
        if not self.r.tips:
            return []
        return self.box("tip", self.labels.TIPS, self.bullets(self.r.tips))

    def section_glossary(self) -> list:
        if not self.r.glossary:
            return []
        body = [self.pm(f"<b>{markup(self.labels.colon(t.term))}</b> {markup(t.definition)}", "box_body") for t in self.r.glossary]
        return self.box("glossary", self.labels.GLOSSARY, body)

    def section_tracking_log(self) -> list:
        """A tick log sized by the routine's own dosage: one row per practice a day, its frequency
        in words. Left out when no step says how often (the handout never guesses), and on
        clinician handouts unless the layout asks for it (``tracking_log: always``)."""
        often = practice_frequency(self.r, self.labels)
        wanted = self.layout.tracking_log
        if wanted == "never" or (wanted == "auto" and (often is None or self.r.audience.value == "clinician")):
            return []
        per_day = often.per_day if often else 1
        days = self.layout.tracking_days
        body_style = self.styles["body"]
        side = body_style.fontSize * 1.1
        first = min(max(22 * MM, body_style.fontSize * 5), self.width * 0.3)
        col = (self.width - first) / days
        # A day's column holds its tick box or its number, with the cells' 6 pt padding each side;
        # when a page is too narrow for every day in one row, the days go on in further rows.
        need = max(side, self.styles["small"].fontSize * 1.3) + 14
        per_row = days if col >= need else max(1, int((self.width - first) // need))
        col = (self.width - first) / per_row
        tables: list = []
        for start in range(1, days + 1, per_row):
            numbers = range(start, min(start + per_row, days + 1))
            header = [self.pm(f"<b>{markup(self.labels.DAY)}</b>", "small")] + [self.pm(f"<b>{d}</b>", "small") for d in numbers]
            rows = [header]
            for t in range(per_day):
                label = self.labels.DONE if per_day == 1 else self.labels.TIME_N.format(n=t + 1)
                rows.append([self.p(label, "small")] + [TickBox(side, self.brand.muted) for _ in numbers])
            table = Table(rows, colWidths=[first] + [col] * len(numbers),
                          hAlign="CENTER" if per_row == days else "LEFT")
            table.setStyle(cell_style([
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), HexColor(self.brand.light)),
                ("GRID", (0, 0), (-1, -1), 0.4, HexColor(self.brand.muted)),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]))
            tables += [Spacer(1, 6), table] if tables else [table]
        intro = self.p(self.labels.tracking_intro(often.words if often else None), "body")
        return [KeepTogether([self.h2(self.labels.TRACKING), intro, *tables]), Spacer(1, 8)]

    def section_notes(self) -> list:
        note = self.data.personal.note
        if note:
            body = [self.personal(markup_once(note), "box_body")]
        else:
            spacing = self.styles["body"].leading * 1.6
            body = [Spacer(1, 4), RuledLines(self.layout.notes_lines, spacing, self.brand.muted)]
            spec = self.layout.boxes.get("notes")
            if spec is not None and self.layout.notes_lines:
                def make(lines: int):
                    return boxed([self.p(self.labels.NOTES, spec.title_style), Spacer(1, 4),
                                  RuledLines(lines, spacing, self.brand.muted)], spec, self.width)
                if make(self.layout.notes_lines).wrap(self.width, self.height)[1] <= self.height:
                    return [_outlined(FittedBox(make, self.layout.notes_lines, MIN_NOTES_LINES), self.labels.NOTES),
                            Spacer(1, self.styles["body"].fontSize * 0.8)]
        return self.box("notes", self.labels.NOTES, body)

    def section_legend(self) -> list:
        used: list = []
        tools: list = []
        for step in self.r.all_steps:
            used += [h for h in step.hand_use if h not in used]
            if step.illustration and HandUse.tool in step.hand_use:
                tools += [t for t in step.illustration.tools if t in HELD_TOOLS and t not in tools]
        if tools:  # the tools held in place of a hand stand for "tool", each with its own icon
            used = [h for h in used if h != HandUse.tool]
        if not (used or tools) or not self.layout.illustrations.pictograms:
            return []
        per_row = 3 if self.styles["small"].fontSize < 14 else 2
        size = min(max(self.styles["small"].fontSize * 2.2, 24), (self.width / per_row / 2 - 6) / 1.6)
        cells = []
        for h in used:
            cells.append([pictures.hand_icon(h, size, self.brand), self.p(self.labels.hand_use(h), "small")])
        for t in tools:
            cells.append([pictures.tool_icon(t, size, self.brand), self.p(self.labels.tool(t), "small")])
        for level in ("light", "moderate", "firm"):
            cells.append([pictures.pressure_icon(level, size * 1.6, size * 0.5, self.brand), self.p(self.labels.pressure_level(level), "small")])
        rows = []
        for i in range(0, len(cells), per_row):
            chunk = cells[i : i + per_row]
            row = []
            for icon, label in chunk:
                row.extend([icon, label])
            while len(row) < per_row * 2:
                row.append("")
            rows.append(row)
        icon_w = size * 1.6 + 6
        label_w = self.width / per_row - icon_w
        table = Table(rows, colWidths=[icon_w, label_w] * per_row)
        table.setStyle(cell_style([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        return [self.headed([self.h2(self.labels.LEGEND)], table), Spacer(1, 6)]

    def routine_links(self) -> list[tuple[str, str]]:
        """The routine's own web addresses with their labels, as printed beside their QR codes."""
        r = self.r
        return [(url, name) for url, name in ((r.video_url, self.labels.VIDEO), (r.web_url, self.labels.WEB)) if url]

    def link(self, url: str, width: float, name: str = "") -> Table:
        """A QR code with the short link beside it, for a reader with or without a phone camera."""
        size = max(min_size_for(url), min(self.styles["body"].leading * 3, width * 0.4))
        short = re.sub(r"^https?://", "", url).rstrip("/")
        words = self.pm((f"<b>{markup(name)}</b><br/>" if name else "") + markup(short), "label")
        t = Table([[QRFlowable(url, size), words]], colWidths=[size + 6, max(width - size - 6, 1)], hAlign="LEFT")
        t.setStyle(cell_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        return t

    def contact_block(self) -> list:
        """The clinic's name and contact details, for layouts whose running lines leave them out
        (large print keeps to one short item each side); every handout says how to reach the clinic."""
        clinic = self.data.clinic
        running = [t for part in (self.layout.header, self.layout.footer) if part is not None
                   for t in (part.left, part.right) if t]
        if clinic is None or not clinic.contact_lines() or any("{contact}" in t for t in running):
            return []
        lines = [f"<b>{markup(clinic.name)}</b>"] + [markup(x) for x in clinic.contact_lines()]
        # Not a group of its own: inside the source's group, a nested KeepTogether measures as
        # endless (it asks to be split) and sent the whole block to a new page every time.
        return [_outlined(self.pm(f"<b>{markup(self.labels.CONTACT)}</b>", "box_title"), self.labels.CONTACT),
                self.pm("<br/>".join(lines), "body"), Spacer(1, 6)]

    def section_source(self) -> list:
        src = self.r.source
        parts = [src.title]
        if src.author:
            parts.append(self.labels.BY_AUTHOR.format(author=src.author))
        if src.publisher:
            parts.append(src.publisher)
        text = f"{self.labels.colon(self.labels.SOURCE)} " + ", ".join(parts) + f" ({src.document})."
        if src.url:
            text += f" {src.url}"
        if src.note:
            text += f" {src.note}"
        out = [*self.contact_block(), Spacer(1, 6), self.p(text, "small")]
        if Section.what_you_need not in self.layout.sections:
            out[-1:-1] = [self.link(url, self.width, name) for url, name in self.routine_links()]
        # The source line never has a page to itself: with the contact details it is one block.
        return [KeepTogether(out)] if len(out) > 2 else out

    # ------------------------------------------------------------------ steps

    def text_width(self) -> float:
        """Width of a step's text column: the frame, less the picture beside it."""
        ill = self.layout.illustrations
        return self.width if ill.position in ("above", "none") else self.width - ill.width - PICTURE_GAP

    def step_text(self, number: int, step: Step) -> list:
        """The step's heading row (number disc and title), instruction, bullets, facts and caution."""
        st = self.styles
        text_w = self.text_width()
        disc_d = min(st["step_number"].fontSize * 1.9, text_w / 3)
        head = Table(
            [[StepDisc(number, st["step_number"].fontName, st["step_number"].fontSize, self.brand.primary, disc_d),
              self.p(step.title, "step_title")]],
            colWidths=[disc_d + 6, text_w - disc_d - 6],
        )
        head.setStyle(cell_style([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        phased = any(phase is not None for phase, _ in self.r.grouped_steps())
        text: list = [_outlined(head, f"{number}. {step.title}", 2 if phased else 1)]
        caption = pictures.caption_text(step, self.labels)
        if caption and self.layout.illustrations.position != "above":
            # Beside the picture, the caption (where the hands go) reads after the title at the text's
            # width; under a narrow picture it ran to seven lines and set the step's height.
            text.append(self.p(caption, "caption_side"))
        instruction = self.p(step.instruction, "body")
        instruction._instruction = True
        text.append(instruction)
        text.extend(self.bullets(step.actions))
        facts = self.step_facts(step)
        if facts:
            text.append(self.pm(facts, "label"))
        if step.caution:
            text.append(self.pm(f"<b>{markup(self.labels.colon(self.labels.CAUTION))}</b> {markup(step.caution)}", "caution"))
        if step.video_url:
            text.append(self.link(step.video_url, text_w, self.labels.STEP_VIDEO))
        return text

    def beside(self, picture, text: list) -> Beside:
        """The picture and a column of text side by side, in the layout's order."""
        ill = self.layout.illustrations
        text_w = self.text_width()
        if ill.position == "left":
            both = Beside([picture], text, (ill.width + PICTURE_GAP, text_w), read_first="right")
        else:
            both = Beside(text, [picture], (text_w, ill.width + PICTURE_GAP), read_first="left")
        if hasattr(text[0], "_outline"):
            both._outline = text[0]._outline
        return both

    def step_block(self, number: int, step: Step):
        """One step, kept on one page: text alone, under its picture, or beside it."""
        ill = self.layout.illustrations
        text = self.step_text(number, step)
        if ill.position == "none":
            return KeepTogether(text)
        picture = self.step_picture(step)
        if ill.position == "above":
            return KeepTogether([text[0], Spacer(1, 4), picture, Spacer(1, 6), *text[1:]])
        return self.beside(picture, text)

    def tall_step(self, pending: list, number: int, step: Step) -> list:
        """A step taller than a page (a long list of actions, large print): its heading, picture
        and first lines stay together where it starts, and what does not fit beside the picture
        follows at full width, going on to the next page as it needs.

        Kept whole, such a step could never be placed; moved whole to a new page, it would leave
        the page before it half empty."""
        ill = self.layout.illustrations
        head, *rest = self.step_text(number, step)
        first = rest.pop(0)
        self.splittable(head, self.text_width())
        if ill.position == "none":
            lead = [head, first]
        elif ill.position == "above":
            lead = [head, Spacer(1, 4), *self.picture_parts(self.step_picture(step)), Spacer(1, 6), first]
        else:
            picture = self.step_picture(step)
            tall = self.stack_height([picture], ill.width + PICTURE_GAP)
            if max(tall, self.stack_height([head, first], self.text_width())) > self.height:
                # Picture and caption, or heading and instruction, taller than a page by themselves:
                # side by side they could never be placed, one under the other they go on over pages.
                lead = [head, Spacer(1, 4), *self.picture_parts(picture), Spacer(1, 6), first]
            else:
                side = self.fill_beside([head, first], rest, tall)
                lead = [self.beside(picture, side)]
        lead = [*pending, *lead]
        kept = [KeepTogether(lead)] if self.stack_height(lead) <= self.height else lead
        return kept + rest

    def fill_beside(self, side: list, rest: list, tall: float) -> list:
        """``side`` with as much of ``rest`` as fits beside a picture ``tall`` high, taken from the
        front of ``rest``: whole pieces first, then the first lines of the next paragraph.

        Only whole pieces beside the picture left the column short by up to a paragraph, and a
        step's start as tall as its picture plus that paragraph (a third of a page in large print)."""
        width = self.text_width()
        while rest and self.stack_height([*side, rest[0]], width) <= tall:
            side.append(rest.pop(0))
        if rest and isinstance(rest[0], Paragraph):
            left = tall - self.stack_height(side, width) - max(side[-1].getSpaceAfter(), rest[0].getSpaceBefore())
            rest[0].allowOrphans = 1  # one line beside the picture, the rest under it
            parts = rest[0].split(width, left) if left > 0 else []
            if len(parts) == 2 and self.stack_height([*side, parts[0]], width) <= tall:
                side.append(parts[0])
                rest[0] = parts[1]
        return side

    def cut_before(self, before: list, last: list):
        """How the section before ``last`` (the source line) breaks so that ``last`` shares a page
        with its end: the notes box takes fewer lines, a box goes on "(continued)"."""
        def pieces(width: float, room: float) -> list | None:
            head, *between = before
            if not hasattr(head, "split") or isinstance(head, KeepTogether):
                return [*before, *last] if isinstance(last[0], KeepTogether) and \
                    self.stack_height(before, width) <= room else None
            left = room - self.stack_height([*between, *last], width)
            parts = head.split(width, left) if left > 0 else []
            if parts:
                return [*parts, *between, *last]
            if not isinstance(last[0], KeepTogether):
                return None
            # The source with the clinic's contact: a page of its own is not a leftover.
            if self.stack_height(before, width) <= room:
                return [*before, *last]
            parts = head.split(width, room)
            return [*parts, *(f for f in between if type(f) is not Spacer), *last] if parts else None
        return pieces

    def cut_step(self, pending: list, number: int, step: Step):
        """How a step that fits a page is cut when the page it reaches has room for its start but
        not for all of it: heading, picture and first lines there, the rest at full width after.

        Moving it whole would leave the bottom of that page blank. A picture beside the text may
        be drawn smaller there (down to :data:`LOW_PICTURE_SCALE`) when that lets the step start."""
        def pieces(width: float, room: float) -> list | None:
            beside_text = self.layout.illustrations.position in ("left", "right")
            cut = None
            for scale in (1.0, 0.9, LOW_PICTURE_SCALE) if beside_text else (1.0,):
                cut = start(width, room, scale)
                if cut is not None:
                    break
            if cut is None and pending and pending[-1].style.name == "body" and self.stack_height(pending, width) <= room:
                # A phase's title and purpose end this page (with a line of text, not a heading);
                # its first step opens the next.
                return [*pending, Breakable([self.step_block(number, step)], self.cut_step([], number, step),
                                            self.height)]
            return cut

        def start(width: float, room: float, scale: float) -> list | None:
            ill = self.layout.illustrations
            text = self.step_text(number, step)
            instruction = next(i for i, f in enumerate(text) if getattr(f, "_instruction", False))
            if ill.position in ("left", "right"):
                picture = self.step_picture(step, scale)
                tall = self.stack_height([picture], ill.width + PICTURE_GAP)
                # The text column beside the picture runs down to the foot of the page, as it does
                # when the whole step fits; what does not fit there follows on the next page.
                column = max(tall, room - (self.stack_height(pending, width) if pending else 0))
                for _ in range(2):
                    text = self.step_text(number, step)  # afresh: filling the column splits a paragraph
                    side, rest = text[:instruction], text[instruction:]
                    side = self.fill_beside(side, rest, column)
                    lead = [*pending, self.beside(picture, side)]
                    over = self.stack_height(lead, width) - room
                    if over <= 0 or column - over < tall:
                        break
                    column -= over
                if not rest:
                    return None
                if len(side) > instruction:
                    return [*lead, *rest] if self.stack_height(lead, width) <= room else None
            else:
                lead = [*pending, *text[:instruction]]
                if ill.position == "above":
                    lead[len(pending) + 1:len(pending) + 1] = [Spacer(1, 4), self.step_picture(step), Spacer(1, 6)]
                rest = text[instruction:]
            # The instruction's first lines stay with the picture; the rest follows on the next page.
            first, *after = rest
            left = room - self.stack_height(lead, width)
            first.allowOrphans = 1
            parts = first.split(width, left) if left > 0 else []
            if len(parts) == 2 and self.stack_height([*lead, parts[0]], width) <= room:
                return [*lead, *parts, *after]
            if after and self.stack_height([*lead, first], width) <= room:
                return [*lead, first, *after]
            return None
        return pieces

    def picture_parts(self, picture) -> list:
        """A step's picture as one piece when it fits a page; otherwise its drawing, pictograms and
        caption one under the other, so a long caption in large text goes on to the next page."""
        if self.stack_height([picture]) <= self.height or not isinstance(picture, Table):
            return [picture]
        parts: list = []
        for row in picture._cellvalues:
            for cell in row:
                if isinstance(cell, (list, tuple)):
                    parts.extend(cell)
                elif cell not in ("", None):
                    parts.append(cell)
        return parts

    def step_facts(self, step: Step) -> str:
        L = self.labels
        return " · ".join(f"<b>{markup(L.colon(name))}</b> " + markup(value) for name, value in L.step_facts(step))

    def step_picture(self, step: Step, scale: float = 1.0):
        ill = self.layout.illustrations
        beside = self.width if ill.position == "above" else None
        return pictures.step_picture(step, ill.width * scale, ill.height * scale, self.brand, self.styles["caption"], ill.pictograms,
                                     beside_width=beside, base_file=self.data.base_file, user_images=ill.user_images,
                                     routine=self.r, with_caption=ill.position == "above", words=self.labels)

    # ------------------------------------------------------------------ document

    SECTION_BUILDERS: dict[Section, str] = {s: f"section_{s.value}" for s in Section}

    def story(self) -> list:
        built: list[tuple[Section, list]] = []
        for section in self.layout.sections:
            builder: Callable[[], list] = getattr(self, self.SECTION_BUILDERS[section])
            flowables = _tagged(builder(), SECTION_NAMES[section])
            if flowables:
                built.append((section, flowables))
        return self.arranged(built)

    FILLERS = (Section.what_you_need, Section.assessment, Section.legend, Section.hand_tips, Section.personal)
    """Sections short enough to fill the room a safety box leaves when it moves to the next page."""

    def arranged(self, built: list[tuple[Section, list]]) -> list:
        """The sections one after the other, with two rules against near-empty pages.

        A safety box that fits a page but not the room left under the title moves to the next page
        whole, and the short sections after it (what you need, the legend) that fit that room come
        first, so the first page is never the title alone; the safety box still comes before the
        steps. The source line stays with the section before it, so it never has a page to itself."""
        out: list = []
        i = 0
        while i < len(built):
            section, flowables = built[i]
            if section is Section.safety and not any(isinstance(f, ContinuedBox) for f in flowables):
                then = []
                while i + 1 < len(built) and built[i + 1][0] in self.FILLERS:
                    i += 1
                    then.append(built[i][1])
                out.extend(_tagged([Ahead(flowables, then, self.height)], SECTION_NAMES[section]) if then else flowables)
            elif section is Section.source and out:
                tail = []
                while out and isinstance(out[-1], Spacer):
                    tail.insert(0, out.pop())
                if out and self.stack_height([out[-1], *tail, *flowables]) <= self.height:
                    tail.insert(0, out.pop())
                    out.append(_tagged([Breakable([*tail, *flowables], self.cut_before(tail, flowables), self.height)],
                                       SECTION_NAMES[section])[0])
                else:
                    out.extend([*tail, *flowables])
            else:
                out.extend(flowables)
            i += 1
        # A gap before a heading that brings its own space above is not added to it; one at the
        # top of a page is dropped.
        return [Gap(f.width, f.height) if type(f) is Spacer and f.height < self.height * GAP_SHARE else f
                for f, after in zip(out, [*out[1:], None])
                if not (type(f) is Spacer and after is not None and first_of(after).getSpaceBefore() >= f.height)]

    def did_not_fit(self, part: str) -> Problem:
        """What a page of this layout could not hold, named for the person who can shorten it."""
        area = f"{self.width / MM:.0f} × {self.height / MM:.0f} mm"
        return Problem(self.where(), None, "", f"{part or 'part of the handout'} does not fit on a page of layout "
                                               f"'{self.data.layout_name}' (a text area of {area}); shorten it, or "
                                               "choose a layout with larger pages or smaller text")

    def where(self) -> str:
        """The routine's file as messages name it (its id when drawn from no file)."""
        return display_path(self.data.base_file) if self.data.base_file is not None else self.r.id

    def render(self) -> bytes:
        buf = io.BytesIO()
        layout = self.layout
        m = layout.page.margins
        clinic = self.data.clinic
        doc = _Document(
            buf,
            pagesize=self.page_size,
            leftMargin=m.left, rightMargin=m.right, topMargin=m.top, bottomMargin=m.bottom,
            title=self.r.title,
            author=clinic.name if clinic else (self.r.source.publisher or "handouts"),
            subject=self.r.summary,
            creator="handouts",
            keywords=self.labels.regions(self.r.regions),
            lang=self.r.language,
            invariant=1,
            initialFontName="Atkinson",
            initialFontSize=12,
        )
        frame = Frame(m.left, m.bottom, self.width, self.height, id="body", leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        decoration = self.decoration()
        if self.slots is not None:
            decoration = self.slots.decoration(decoration)
        try:
            doc.build(self.story(), canvasmaker=decorated_canvas(decoration))
        except _TooLong:
            raise HandoutsError(Problem(self.where(), None, "", f"would run to more than {MAX_PAGES} pages in layout "
                                        f"'{self.data.layout_name}'; choose a layout with larger pages or smaller "
                                        "text")) from None
        except LayoutError:
            raise HandoutsError(self.did_not_fit(doc.placing)) from None
        return buf.getvalue()

    def decoration(self) -> Decoration:
        """The running header and footer, with this handout's values."""
        clinic = self.data.clinic
        values = {
            "clinic": clinic.name if clinic else "",
            "contact": " · ".join(clinic.contact_lines()) if clinic else "",
            "title": self.r.title,
            "date": self.labels.date(self.data.personal.date) if self.data.personal.date else "",
            "for_name": self.data.personal.for_name or "",
        }
        logo = None
        if clinic is not None and clinic.logo and self.data.clinic_file is not None:
            logo = images.resolve(self.data.clinic_file, clinic.logo)
        return Decoration(self.layout, self.styles, values, logo, self.labels.page_of)


HELD_TOOLS = (Tool.towel, Tool.tennis_ball, Tool.balls_in_sock)
"""Tools held in place of a hand: the picture key shows each instead of one "tool" entry
(set-up such as a chair or a wall is drawn in the pictures and needs no key)."""

GAP_SHARE = 0.1
"""Space between parts, as a part of the frame's height, up to which it is a gap (dropped at the top
of a page); the renderer's gaps are a few points."""

LOW_PICTURE_SCALE = 0.8
"""The smallest a step's picture is drawn, as a part of the layout's size, to let the step start in
the room left at the foot of a page rather than move on and leave that room blank."""

MIN_NOTES_LINES = 2
"""Ruled lines the notes box keeps when it takes only the room a page has left."""

WHOLE_BOXES = ("safety", "personal")
"""Boxes moved whole to the next page when they fit a page: the safety box is read as one."""


SECTION_NAMES: dict[Section, str] = {
    Section.title: "the title",
    Section.personal: "the personal details",
    Section.summary: "the summary",
    Section.what_you_need: "'What you need'",
    Section.assessment: "the assessment",
    Section.steps: "the steps",
    Section.hand_tips: "the 'Using your hands' box",
    Section.tips: "the 'Good to know' box",
    Section.safety: "the safety box",
    Section.glossary: "the 'Words to know' box",
    Section.notes: "the notes box",
    Section.tracking_log: "the tracking log",
    Section.legend: "the picture legend",
    Section.source: "the source line",
}
"""How a message names each section, should a page not hold it."""


@dataclass(frozen=True)
class Frequency:
    """How often the routine says to practise, as its dosages give it."""

    per_day: int
    """Rows in the tick log: the most times a day any step asks for (1 when only days are given)."""
    words: str
    """The frequency as the routine says it: '2-3 times a day, 5 days a week'."""


def practice_frequency(routine: Routine, words: labels.Labels | None = None) -> Frequency | None:
    """The routine's own frequency, from the steps' dosages (the largest given); None when no step
    says how often, so that no handout prints a frequency the routine does not give."""
    per_day = per_week = None
    for step in routine.all_steps:
        d = step.dosage
        if d is None:
            continue
        if d.times_per_day and (per_day is None or d.times_per_day.high > per_day.high):
            per_day = d.times_per_day
        if d.days_per_week and (per_week is None or d.days_per_week.high > per_week.high):
            per_week = d.days_per_week
    if per_day is None and per_week is None:
        return None
    parts = []
    if per_day is not None:
        parts.append((words or labels.english()).times_a_day(per_day))
    if per_week is not None:
        parts.append((words or labels.english()).days_a_week(per_week))
    rows = max(1, min(int(per_day.high), MAX_TRACKING_ROWS)) if per_day is not None else 1
    return Frequency(rows, ", ".join(parts))


MAX_TRACKING_ROWS = 12
"""Rows of tick boxes a day, whatever a dosage says: beyond this the log would not fit a page."""


def _outlined(flowable, title: str, level: int = 0):
    """``flowable``, marked as the start of an outline entry (a bookmark) named ``title``."""
    flowable._outline = (title, level)
    return flowable


def _tagged(flowables: list, part: str) -> list:
    """``flowables`` marked as belonging to ``part`` (kept-together groups and their content too),
    unless a finer part (one step) marked them already."""
    for f in flowables:
        if not hasattr(f, "_handout_part"):
            f._handout_part = part
        if isinstance(f, KeepTogether):
            _tagged(f._content, f._handout_part)
    return flowables


MAX_PAGES = 500
"""Pages one handout may run to. The longest shipped handout has 19; a layout with every bound
at its limit at once (ten lines a page, the largest gaps) makes under 300 of the longest routine.
Past this, a part is being moved on from page to page without being placed: stop, and say so,
rather than write pages without end."""


class _TooLong(LayoutError):
    """The handout ran past MAX_PAGES."""


class _Document(BaseDocTemplate):
    """A document that remembers which part of the handout it is placing, so that a part no
    page can hold is named in the message instead of surfacing as ReportLab's LayoutError."""

    placing = ""

    def handle_flowable(self, flowables):
        if flowables:
            self.placing = getattr(flowables[0], "_handout_part", self.placing)
        super().handle_flowable(flowables)

    def afterFlowable(self, flowable):
        """Bookmarks: a flowable that opens a section or a step is an entry in the PDF's outline."""
        entry = getattr(flowable, "_outline", None)
        if entry is not None and hasattr(self.canv, "mark") and self.frame is not None:
            tall = getattr(flowable, "_height", None) or getattr(flowable, "height", 0)
            top = self.frame._y + flowable.getSpaceAfter() + tall
            self.canv.mark(entry[0], entry[1], min(top + 4, self.pagesize[1]))

    def handle_pageBegin(self):
        if self.page >= MAX_PAGES:
            raise _TooLong(f"more than {MAX_PAGES} pages")
        super().handle_pageBegin()


def _indented(style, level: int):
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-l{level}", parent=style, leftIndent=style.leftIndent + style.fontSize * 1.2 * level)


def render_handout(data: HandoutInput) -> bytes:
    """The handout as PDF bytes (byte-identical for identical inputs)."""
    return HandoutRenderer(data).render()
