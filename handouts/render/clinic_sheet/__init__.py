"""The clinic sheet: one routine on one sheet of paper, printed on both sides.

Clinics hand patients one or two pages, two to four exercises a page, each a
picture and a few short lines. A sheet is a handout layout with a ``sheet:``
block; it shares the handout's document, running footer, safety box and
error handling (:class:`~handouts.render.handout.HandoutRenderer`) and draws
its own sections: a compact title block, every safety line in the safety box,
the steps as tiles in a grid, then the clinic's contact, QR codes and source.
Nothing is shortened or dropped to make a page: what does not fit goes on.
"""

from __future__ import annotations

import re

from reportlab.platypus import Spacer, Table

from ...errors import HandoutsError, Problem, display_path
from ...text import markup, markup_once
from ..flowables import Para, boxed, bullet, cell_style
from ..handout import HandoutInput, HandoutRenderer
from .links import link_block
from .tiles import TileMaker


def missing_briefs(data: HandoutInput) -> list[Problem]:
    """A step with no brief has no tile text; preflight names each with its file and line, this
    catches a routine that reaches the renderer by another road."""
    where = display_path(data.base_file) if data.base_file is not None else data.routine.id
    return [Problem(where, None, f"step {n} ('{step.title}')",
                    f"has no brief; the clinic sheet '{data.layout_name}' prints one sentence for every step")
            for n, step in enumerate(data.routine.all_steps, start=1) if not step.brief]


class SheetRenderer(HandoutRenderer):
    """A handout renderer whose sections are a clinic sheet's."""

    def section_title(self) -> list:
        r = self.r
        facts = [self.labels.audience(r.audience.value), f"{self.labels.colon(self.labels.TIME)} {r.time.text}"]
        return [self.p(r.title, "title"), self.p(r.summary, "subtitle"),
                self.pm(" · ".join(markup(f) for f in facts), "label"), Spacer(1, 3)]

    def section_personal(self) -> list:
        per = self.data.personal
        clinician = per.clinician or (self.data.clinic.clinician if self.data.clinic else None)
        rows = [(k, v) for k, v in ((self.labels.PREPARED_FOR, per.for_name), (self.labels.BY, clinician),
                                    (self.labels.DATE, per.date and self.labels.date(per.date))) if v]
        if not rows:
            return []
        text = "&nbsp;&nbsp;·&nbsp;&nbsp;".join(f"<b>{markup(self.labels.colon(k))}</b> {markup_once(v)}" for k, v in rows)
        if per.note:
            text += f"<br/>{markup_once(per.note)}"
        box = self.layout.boxes.get("personal")
        para = self.personal(text, box.body_style if box else "body")
        if box is None:
            return [para]
        return [boxed([para], box, self.width), Spacer(1, 4)]

    def section_what_you_need(self) -> list:
        r = self.r
        out = [self.pm(f"<b>{markup(self.labels.colon(self.labels.POSITION))}</b> {markup(r.position)}", "body")]
        if r.equipment:
            out.append(self.pm(f"<b>{markup(self.labels.colon(self.labels.EQUIPMENT))}</b> " + markup("; ".join(r.equipment)), "body"))
        return [*out, Spacer(1, 3)]

    def section_safety(self) -> list:
        """Every safety line of the routine, in full, in the layout's safety box."""
        s = self.r.safety
        body: list = []
        groups: list[str | None] = []  # the heading each item is listed under (None: it stands alone)
        for title, lines in ((self.labels.RED_FLAGS, s.red_flags), (self.labels.CONTRAINDICATIONS, s.contraindications),
                             (self.labels.CAUTIONS, s.cautions)):
            if lines:
                body.append(self.heading(title))
                groups.append(None)
                for line in lines:
                    body.append(bullet(markup(line), self.styles["bullet"]))
                    groups.append(title)
        if s.seek_care:
            body.append(self.pm(f"<b>{markup(self.labels.colon(self.labels.SEEK_CARE))}</b> {markup(s.seek_care)}", "box_body"))
            groups.append(None)
        spec = self.layout.boxes.get("safety")
        if spec is not None and self.layout.sheet.safety_columns == 2 and len(body) > 1:
            two = self.two_column_box(spec, body, groups)
            if two is not None:
                return two
        return self.box("safety", self.labels.SAFETY, body)

    def heading(self, title: str, continued: bool = False) -> Para:
        text = f"<b>{markup(title)}</b>" + (f" {markup(self.labels.SHEET_CONTINUED)}" if continued else "")
        return self.pm(text, "box_body")

    def two_column_box(self, spec, body: list, groups: list[str | None]) -> list | None:
        """The safety box with its lines in two columns, split where the columns come out most even,
        never right after a heading; a list split between the columns has its heading repeated at
        the top of the second. None when even so the box is taller than a page: it then goes on
        over pages in one column."""
        border = spec.border.width if spec.border is not None else 0.0
        inner = self.width - 2 * spec.padding - spec.accent_bar - border
        gap = self.layout.sheet.column_gap
        half = (inner - gap) / 2
        heights = [self.stack_height([f], half) for f in body]
        best: tuple[float, list, list] | None = None
        for k in range(1, len(body)):
            if groups[k - 1] is None and groups[k] is not None:
                continue  # a heading: never left at the foot of the first column
            lead = [self.heading(groups[k], continued=True)] if groups[k] is not None else []
            right = lead + body[k:]
            h = max(sum(heights[:k]), sum(heights[k:]) + (self.stack_height(lead, half) if lead else 0.0))
            if best is None or h < best[0] - 1e-6:
                best = (h, body[:k], right)
        if best is None:
            return None
        grid = Table([[best[1], "", best[2]]], colWidths=[half, gap, half], hAlign="LEFT")
        grid.setStyle(cell_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        whole = boxed([self.p(self.labels.SAFETY, spec.title_style), grid], spec, self.width)
        if whole.wrap(self.width, self.height)[1] > self.height:
            return None
        return [whole, Spacer(1, self.styles["body"].fontSize * 0.6)]

    def section_summary(self) -> list:
        return []  # part of the title block

    def section_steps(self) -> list:
        maker = TileMaker(self.layout, self.styles, self.brand, self.data.base_file, self.scale, self.data.routine,
                          self.labels)
        tiles = []
        number = 0
        for phase, steps in self.r.grouped_steps():
            for i, step in enumerate(steps):
                number += 1
                tiles.append(maker.tile(number, step, phase if i == 0 else None))
        gap = self.layout.sheet.row_gap
        out: list = []
        for row in maker.rows(tiles):
            out += [row, Spacer(1, gap)]
        return out

    def section_source(self) -> list:
        """The clinic's contact, the routine's QR codes and the source, kept together at the end."""
        r = self.r
        out: list = []
        clinic = self.data.clinic
        if clinic is not None:
            lines = [f"<b>{markup(clinic.name)}</b>"] + [markup(x) for x in clinic.contact_lines()]
            out += [self.pm(f"<b>{markup(self.labels.SHEET_CONTACT)}</b>", "box_title"), self.pm(" · ".join(lines), "body")]
        links = [(url, label) for url, label in ((r.video_url, self.labels.SHEET_VIDEO), (r.web_url, self.labels.SHEET_WEB)) if url]
        if links:
            spec = self.layout.sheet
            half = (self.width - spec.column_gap) / 2
            blocks = [link_block(url, label, spec.qr_size, half, self.styles["label"]) for url, label in links]
            if len(blocks) == 2:
                t = Table([[blocks[0], "", blocks[1]]], colWidths=[half, spec.column_gap, half], hAlign="LEFT")
                t.setStyle(cell_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
                out.append(t)
            else:
                out.append(blocks[0])
        src = r.source
        parts = [src.title] + ([self.labels.BY_AUTHOR.format(author=src.author)] if src.author else []) + \
                ([src.publisher] if src.publisher else [])
        text = f"{self.labels.colon(self.labels.SOURCE)} " + ", ".join(parts) + f" ({src.document})."
        if src.url:
            text += f" {src.url}"
        out.append(Spacer(1, 3))
        out.append(self.p(text, "small"))
        whole = Table([[out]], colWidths=[self.width], hAlign="LEFT")  # one row: never split from its heading
        whole.setStyle(cell_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        return [self.splittable(whole)]

    scale = 1.0

    def render(self) -> bytes:
        """The sheet with its pictures as large as the layout's ``grow`` allows without a page more
        (a short routine fills its sheet with larger pictures instead of white space), or as small
        as its ``shrink`` allows when that saves a page (a long routine, or a translation whose
        words run longer, keeps to one sheet of paper)."""
        problems = missing_briefs(self.data)
        if problems:
            raise HandoutsError(problems)
        self.scale = 1.0
        base = super().render()
        pages = page_count(base)
        shrink = self.layout.sheet.shrink
        if pages > 1 and shrink < 1.0:
            for scale in (1 - (1 - shrink) / 2, shrink):
                self.scale = scale
                smaller = super().render()
                if page_count(smaller) < pages:
                    return smaller
            self.scale = 1.0
        grow = self.layout.sheet.grow
        if grow <= 1.0:
            return base
        for scale in (grow, 1 + (grow - 1) * 2 / 3, 1 + (grow - 1) / 3):
            self.scale = scale
            try:
                grown = super().render()
            except HandoutsError:
                continue  # a tile grown past what a page holds: a smaller picture will do
            if page_count(grown) <= pages:
                return grown
        return base


def page_count(pdf: bytes) -> int:
    """Pages of a PDF ReportLab wrote (page objects are never inside its compressed streams)."""
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def render_clinic_sheet(data: HandoutInput) -> bytes:
    """The clinic sheet as PDF bytes (byte-identical for identical inputs)."""
    return SheetRenderer(data).render()
