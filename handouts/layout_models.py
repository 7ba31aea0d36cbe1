"""Page-template models: the shape of every file in ``layouts/``.

A layout is validated only after its ``extends:`` chain is merged, so a child may
override one field of a parent, and a misspelt key or unknown style or section
name anywhere in the chain is an error, never a silent default.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from .units import INCH, MM, Length

Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (210 * MM, 297 * MM),
    "A5": (148 * MM, 210 * MM),
    "A6": (105 * MM, 148 * MM),
    "A7": (74 * MM, 105 * MM),
    "Letter": (8.5 * INCH, 11 * INCH),
    "Legal": (8.5 * INCH, 14 * INCH),
    "ID-1": (85.60 * MM, 53.98 * MM),
    "business-us": (3.5 * INCH, 2 * INCH),
    "index-5x3": (5 * INCH, 3 * INCH),
}


class LayoutPart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Margins(LayoutPart):
    top: Length = Field(..., description="Top margin.")
    bottom: Length = Field(..., description="Bottom margin.")
    left: Length = Field(..., description="Left margin.")
    right: Length = Field(..., description="Right margin.")


class Page(LayoutPart):
    size: str = Field("A4", description=f"Named size ({', '.join(PAGE_SIZES)}) or 'custom' with width and height.")
    width: Length | None = Field(None, description="Page width, with size: custom.")
    height: Length | None = Field(None, description="Page height, with size: custom.")
    orientation: Literal["portrait", "landscape"] = Field("portrait", description="portrait or landscape.")
    margins: Margins = Field(..., description="Space between the page edge and the text.")

    @model_validator(mode="after")
    def _size(self) -> "Page":
        if self.size == "custom":
            if self.width is None or self.height is None:
                raise PydanticCustomError("page_size", "size: custom needs both width and height")
        elif self.size not in PAGE_SIZES:
            raise PydanticCustomError(
                "page_size", "'{size}' is not a page size; choose one of: {names}, custom",
                {"size": self.size, "names": ", ".join(PAGE_SIZES)},
            )
        return self

    @property
    def dimensions(self) -> tuple[float, float]:
        """(width, height) in points, orientation applied."""
        w, h = (self.width, self.height) if self.size == "custom" else PAGE_SIZES[self.size]
        assert w is not None and h is not None
        if self.orientation == "landscape":
            w, h = max(w, h), min(w, h)
        elif self.size != "custom":
            w, h = min(w, h), max(w, h)
        return w, h


class FontFamily(str, Enum):
    """Font families shipped as Python packages (see handouts/fonts.py)."""

    atkinson = "atkinson"
    inter = "inter"
    noto = "noto"


class Style(LayoutPart):
    """A text style. Unset fields come from ``parent``."""

    parent: Name | None = Field(None, description="Style to inherit from.")
    font: FontFamily | None = Field(None, description="Font family.")
    weight: Literal["regular", "bold"] | None = Field(None, description="regular or bold.")
    italic: bool | None = Field(None, description="Italic text (avoid for body text).")
    size: Length | None = Field(None, description="Font size.")
    leading: Length | None = Field(None, description="Distance between baselines.")
    color: Color | None = Field(None, description="Text colour, #rrggbb.")
    space_before: Length | None = Field(None, description="Space above the paragraph.")
    space_after: Length | None = Field(None, description="Space below the paragraph.")
    align: Literal["left", "center", "right"] | None = Field(None, description="Alignment (left for body text).")
    left_indent: Length | None = Field(None, description="Indent of every line.")
    keep_with_next: bool | None = Field(None, description="Never end a page with this paragraph (headings).")


class Border(LayoutPart):
    width: Length = Field(..., description="Line width.")
    color: Color = Field(..., description="Line colour.")


class Box(LayoutPart):
    """A coloured, bordered box around a section (safety, tips, notes...)."""

    background: Color | None = Field(None, description="Fill colour.")
    border: Border | None = Field(None, description="Border line.")
    accent_bar: Length = Field(0, description="Width of a solid bar on the left edge, in the border colour.")
    padding: Length = Field(3 * MM, description="Space between border and text.")
    title_style: Name = Field(..., description="Style of the box heading.")
    body_style: Name = Field(..., description="Style of the box text.")
    keep_together: bool = Field(True, description="Never split the box across pages.")


class Header(LayoutPart):
    left: str = Field("", description="Text at the left; placeholders: {clinic}, {title}, {date}, {for_name}.")
    right: str = Field("", description="Text at the right; same placeholders.")
    style: Name = Field("header", description="Text style.")
    rule: bool = Field(True, description="Draw a thin line under the header.")


class Footer(LayoutPart):
    left: str = Field("", description="Text at the left; placeholders: {clinic}, {contact}, {title}, {date}, {page}, "
                                      "{pages}, {page_of} ('Page 2 of 3' in the routine's language).")
    right: str = Field("{page_of}", description="Text at the right; same placeholders.")
    style: Name = Field("footer", description="Text style.")
    rule: bool = Field(True, description="Draw a thin line above the footer.")


class Brand(LayoutPart):
    primary: Color = Field("#1f4e79", description="Headings, numbers and rules.")
    accent: Color = Field("#2e7d6b", description="Highlights on body maps and pictograms.")
    muted: Color = Field("#5f6b76", description="Secondary text and lines.")
    light: Color = Field("#eef3f8", description="Light fills (step number discs, table heads).")


class Illustrations(LayoutPart):
    position: Literal["left", "right", "above", "none"] = Field("left", description="Where each step's picture sits.")
    width: Length = Field(42 * MM, description="Width of the picture frame.")
    height: Length = Field(42 * MM, description="Height of the picture frame.")
    pictograms: bool = Field(True, description="Show hand-use and pressure pictograms.")
    user_images: Literal["instead", "beside"] = Field(
        "instead", description="A step's own image replaces the drawn body map, or sits beside it."
    )


class Section(str, Enum):
    title = "title"
    personal = "personal"
    summary = "summary"
    what_you_need = "what_you_need"
    assessment = "assessment"
    steps = "steps"
    hand_tips = "hand_tips"
    tips = "tips"
    safety = "safety"
    glossary = "glossary"
    notes = "notes"
    tracking_log = "tracking_log"
    legend = "legend"
    source = "source"


PRINTER_EDGE = 12.0
"""Points kept clear at the paper's edge: most printers cannot print the outer 4 mm."""
HEADER_GAP = 4.0
"""Points between the text area and the running header's text; the header's rule sits in it."""
FOOTER_GAP = 6.0
"""Points between the text area and the running footer's text; the footer's rule sits in it."""
HEADER_DESCENT = 0.3
"""Share of a header line's leading kept under its baseline, so descenders clear the rule."""
PICTURE_GAP = 4 * MM
"""Space between a step's picture and the text beside it."""

MIN_TEXT_AREA_WIDTH = 80 * MM
"""Narrowest text area (page less its side margins) a handout is laid out in. An A6 page with
10 mm margins leaves 85 mm; narrower, a step's picture and its text no longer share a line."""
MIN_TEXT_AREA_HEIGHT = 100 * MM
"""Lowest text area (page less its top and bottom margins) a handout is laid out in. An A6 page
with 12 mm margins leaves 124 mm; lower, a step's heading, picture and first lines no longer
share a page."""
MIN_TEXT_WIDTH = 40 * MM
"""Narrowest column of text: beside a step's picture, or inside a box's padding and border.
About 20 characters of 12 pt text; narrower, words break letter by letter."""
MAX_FONT_SIZE = 72.0
"""Largest text size, in points, any style may ask for: a poster's headline. Larger, one word
fills a line and a heading no longer fits a page with anything after it."""
MIN_LINES_PER_PAGE = 10
"""Lines of any one style a page's text area must hold. Fewer, and a heading with its first
lines, or a box's title (up to four lines in a narrow box) with a line of its text, padding
and the space around both, no longer fits a page."""
MIN_CHARS_PER_LINE = 10
"""Characters one line of a column must hold in each style set in it. Fewer, and a short
heading such as 'Safety first (continued)' takes most of a page, a step's title all of it."""
CHAR_WIDTH = 0.55
"""Width of an average character, spaces included, in ems, to turn a column's width into
characters. The shipped fonts measure 0.43 to 0.47 on a handout's sentences; the rest is room
for capitals, bold headings and words that do not break where a line ends."""
MAX_GAP_SHARE = 0.15
"""Largest share of the text area's height one gap may take: a step gap, the space above and
below a paragraph together, a box's padding above and below its text together. A box that
goes on over pages needs its padding, its title's and its text's space and lines on one page:
with ten lines a page, three such gaps and four lines still leave room. More also leaves pages
mostly empty, and a gap taller than the page cannot be placed at all."""
MAX_PICTURE_SHARE = 0.5
"""Largest share of the text area's height a step's picture may take, so the picture, its
caption and pictograms, and the step's heading always share one page."""
MAX_BORDER = 4.0
"""Thickest box border, in points. The line is drawn centred on the box's edge, so half of it
lies inside: thicker, it covers the padding and the text and paints the box dark."""
MAX_ACCENT_BAR = 12.0
"""Widest accent bar, in points: a bar marks a box's edge; wider, it is a coloured column that
takes the text's room."""
MAX_INDENT = 25 * MM
"""Largest left indent of a style: an indent marks a list or a quotation; a deeper one leaves a
sliver of text in a box or beside a picture."""

REQUIRED_STYLES = ("body", "title", "subtitle", "h2", "step_title", "label", "small", "header", "footer")
CARD_REQUIRED_STYLES = ("body", "title", "cue", "detail", "step_number", "band", "safety_head", "safety", "contact")
CARD_MIN_FONT = 6.5  # points; nothing on a card is set smaller, whatever a layout asks for
CARD_BACK_MIN_FONT = 8.5  # points; the back's safety lines are read at arm's length, in a hurry


class CardSection(str, Enum):
    """What a card face can show, in order."""

    title = "title"
    steps = "steps"
    safety = "safety"
    contact = "contact"
    source = "source"


class CardFaces(LayoutPart):
    front: list[CardSection] = Field(default_factory=lambda: [CardSection.title, CardSection.steps],
                                     min_length=1, description="Sections on the front, in order.")
    back: list[CardSection] = Field(default_factory=lambda: [CardSection.safety, CardSection.contact],
                                    min_length=1, description="Sections on the back, in order.")


class CardSpec(LayoutPart):
    """A pocket card: the layout's ``page`` is one panel, a face is ``panels`` panels side by side."""

    safe_zone: Length = Field(3 * MM, description="No text closer than this to the trim (or a fold).")
    corner_radius: Length = Field(3 * MM, description="Rounded corners of the card outline.")
    panels: int = Field(1, ge=1, le=3, description="Panels side by side on each face (2 or 3 fold to one panel).")
    overflow: Literal["continue", "fail"] = Field(
        "continue", description="When text at the minimum size still does not fit: continue on more cards, or fail the build.")
    fold_marks: bool = Field(True, description="Mark the folds between panels (sheets: outside the trim; the card: a dotted line).")
    faces: CardFaces = Field(default_factory=CardFaces, description="What goes on the front and the back.")
    gap: Length = Field(0, description="Space between cards on a print sheet.")
    background: Color = Field("#ffffff", description="Card colour; reaches into the bleed when there is one.")
    pictograms: bool = Field(True, description="Hand pictograms beside each cue, when they fit.")
    pictures: Literal["steps", "none"] = Field(
        "none", description="'steps': a small body map with its hand beside each step, when the card has room; "
                            "'none': the card carries no step pictures (they are in the handout).")
    back_min_font_size: Length = Field(
        CARD_BACK_MIN_FONT, description="No text on the back (safety, contact) is set smaller than this; a back "
                                        "too long at this size is summarised (safety.card_summary) or continues.")
    grow: float = Field(1.25, ge=1, le=2, description="Text may grow up to this many times its style size when a face has room.")
    mark_length: Length = Field(4 * MM, description="Length of crop and fold marks on sheets.")
    mark_offset: Length = Field(3 * MM, description="Gap between the trim and a crop mark (at least the bleed).")


SHEET_MIN_FONT = 11.0
"""Points: nothing on a clinic sheet is set smaller. A sheet is read once at arm's length,
often by someone in pain; its text is kept to what fits at this size, never shrunk below it."""
SHEET_SECTIONS = ("title", "personal", "summary", "what_you_need", "safety", "steps", "source")
"""Sections a clinic sheet draws (``source`` carries the clinic's contact, the QR codes and the source line)."""
SHEET_REQUIRED_STYLES = ("cue", "brief", "detail", "step_number", "box_title", "safety_title", "phase")
MAX_SHEET_COLUMNS = 4


class SheetSpec(LayoutPart):
    """A clinic sheet: the routine on one sheet of paper, steps as tiles in a grid.

    The tile's picture takes its size from ``illustrations.width`` and ``height``."""

    columns: int = Field(2, ge=1, le=MAX_SHEET_COLUMNS, description="Tiles side by side.")
    column_gap: Length = Field(5 * MM, description="Space between tiles side by side.")
    row_gap: Length = Field(4 * MM, description="Space between rows of tiles.")
    tile_padding: Length = Field(2.5 * MM, description="Space between a tile's border and its picture and text.")
    tile_background: Color = Field("#f7f9fb", description="Tile fill colour.")
    tile_border: Border | None = Field(None, description="Tile border line; leave out for none.")
    qr_size: Length = Field(22 * MM, description="Printed size of a QR code, its quiet zone included.")
    safety_columns: int = Field(2, ge=1, le=2, description="Columns of the safety box's lines (2 keeps a box of "
                                                          "short lines low; one taller than a page uses 1).")
    grow: float = Field(1.0, ge=1, le=1.6, description="Tile pictures may grow up to this many times "
                                                      "illustrations' size while the sheet keeps its page count "
                                                      "(a short routine fills its sheet).")
    shrink: float = Field(0.8, ge=0.6, le=1, description="Tile pictures may shrink down to this many times "
                                                        "illustrations' size when that saves a page (a long "
                                                        "routine, or a translation, keeps to its sheet).")


class Layout(LayoutPart):
    """A page template for handouts (cards reuse the same engine through ``card``)."""

    kind: Literal["handout", "card"] = Field("handout", description="What the layout renders.")
    abstract: bool = Field(False, description="A base for other layouts only; not built by itself.")
    description: str = Field("", description="One line shown by 'handouts list'.")
    page: Page = Field(..., description="Page size, orientation and margins.")
    brand: Brand = Field(default_factory=Brand, description="Brand colours.")
    min_font_size: Length = Field(12, description="No text is set smaller than this.")
    hyphenate: bool = Field(False, description="Break long words at the end of a line with a hyphen, by the "
                                               "rules of the routine's language (none for a language without "
                                               "rules): for narrow columns, where a long word would leave a gap.")
    styles: dict[Name, Style] = Field(..., description="Named text styles, chained by parent.")
    boxes: dict[Name, Box] = Field(default_factory=dict, description="Named box styles: safety, tip, hand_use, notes, glossary...")
    header: Header | None = Field(None, description="Running header; leave out for none.")
    footer: Footer | None = Field(None, description="Running footer; leave out for none.")
    sections: list[Section] = Field(default_factory=list, description="Which sections appear, in order (handouts).")
    card: CardSpec | None = Field(None, description="Card size rules and faces; required when kind is card.")
    sheet: SheetSpec | None = Field(None, description="Draw this handout layout as a clinic sheet: the steps as "
                                                      "tiles in a grid on one sheet of paper.")
    illustrations: Illustrations = Field(default_factory=Illustrations, description="Step pictures.")
    step_gap: Length = Field(4 * MM, description="Space between steps.")
    notes_lines: int = Field(6, ge=0, le=30, description="Ruled lines in the notes box when no note is given.")
    tracking_days: int = Field(7, ge=1, le=31, description="Days in the tracking log.")
    tracking_log: Literal["auto", "always", "never"] = Field(
        "auto", description="'auto': a tick log when the routine's dosage says how often (times_per_day, "
                            "days_per_week) and its audience is not clinicians; 'always': a tick log in every "
                            "handout; 'never': none. Only used when 'tracking_log' is in sections.")
    bilingual: Literal["columns", "alternating"] | None = Field(
        None, description="Print a routine with its translation (build --also LANG): 'columns' sets the two "
                          "languages side by side, each step's number and picture once between them; "
                          "'alternating' sets each block in the first language, then the second. Leave out "
                          "for one language.")

    def resolved_style(self, name: str) -> Style:
        """The style with every unset field taken from its parent chain."""
        chain: list[Style] = []
        seen: list[str] = []
        current: str | None = name
        while current is not None:
            if current in seen:
                raise ValueError(f"styles inherit from each other in a cycle: {' -> '.join(seen + [current])}")
            if current not in self.styles:
                raise ValueError(f"unknown style '{current}'")
            seen.append(current)
            chain.append(self.styles[current])
            current = self.styles[current].parent
        merged: dict = {}
        for style in reversed(chain):
            merged.update({k: v for k, v in style.model_dump().items() if v is not None})
        merged["parent"] = None
        return Style(**merged)

    def reference_problems(self) -> list[tuple[tuple, str]]:
        """Names that point nowhere, as (location, message) pairs.

        Checked after merging, because a child may define a style its parent's
        box refers to; the loader turns each pair into a located problem.
        """
        problems: list[tuple[tuple, str]] = []
        problems += self._card_problems()
        if self.kind == "card":
            missing = [n for n in CARD_REQUIRED_STYLES if n not in self.styles]
            if missing:
                names = ", ".join(f"'{n}'" for n in missing)
                problems.append((("styles",), f"card layouts need the style{'s' if len(missing) > 1 else ''} {names}"))
        for name in (() if self.kind == "card" else REQUIRED_STYLES):
            if name not in self.styles:
                problems.append((("styles",), f"style '{name}' is required"))
        known = ", ".join(sorted(self.styles))
        for name, style in self.styles.items():
            if style.parent is not None and style.parent not in self.styles:
                problems.append((("styles", name, "parent"), f"unknown style '{style.parent}'; known styles: {known}"))
        for name, box in self.boxes.items():
            for attr in ("title_style", "body_style"):
                ref = getattr(box, attr)
                if ref not in self.styles:
                    problems.append((("boxes", name, attr), f"unknown style '{ref}'; known styles: {known}"))
        for part_name in ("header", "footer"):
            part = getattr(self, part_name)
            if part is not None and part.style not in self.styles:
                problems.append(((part_name, "style"), f"unknown style '{part.style}'; known styles: {known}"))
        for name in self.styles:
            try:
                resolved = self.resolved_style(name)
            except ValueError as exc:
                problems.append((("styles", name, "parent"), str(exc)))
                continue
            if resolved.size is not None and resolved.size + 1e-6 < self.min_font_size:
                problems.append(
                    (("styles", name, "size"), f"{resolved.size:g} pt is below the layout's min_font_size of {self.min_font_size:g} pt")
                )
        seen: set[Section] = set()
        for i, section in enumerate(self.sections):
            if section in seen:
                problems.append((("sections", i), f"section '{section.value}' is listed twice"))
            seen.add(section)
        if self.kind == "handout" and not self.sections:
            problems.append((("sections",), "is required"))
        elif self.kind == "handout" and Section.safety not in self.sections:
            problems.append((("sections",), "'safety' is required; safety content is never left out"))
        problems += self.fit_problems()
        problems += self._sheet_problems()
        problems += self._bilingual_problems()
        return problems

    def _bilingual_problems(self) -> list[tuple[tuple, str]]:
        """Two languages side by side need room for both; a bilingual sheet sets one tile a row,
        its two languages across it."""
        if getattr(self, "bilingual", None) is None:
            return []
        if self.kind != "handout":
            return [(("bilingual",), "only handout layouts (kind: handout) print two languages")]
        problems: list[tuple[tuple, str]] = []
        if self.sheet is not None and self.sheet.columns != 1:
            problems.append((("sheet", "columns"), "a bilingual sheet has one tile a row, its two languages side by "
                                                   "side; set columns: 1"))
        if self.bilingual == "columns" and getattr(self, "page", None) is not None and not self._area_problems():
            width, _ = self.text_area()
            ill = self.illustrations
            picture = ill.width + PICTURE_GAP if ill.position != "none" else 0.0
            column = (width - picture - PICTURE_GAP) / 2
            if column + 1e-6 < MIN_TEXT_WIDTH:
                problems.append((("bilingual",), f"two columns beside the pictures leave {_mm(column)} for each "
                                                 f"language; each needs {_mm(MIN_TEXT_WIDTH)} (a wider page, "
                                                 "smaller pictures, or 'alternating')"))
        return problems

    def text_area(self) -> tuple[float, float]:
        """(width, height) of the page's text area, in points: the page less its margins."""
        w, h = self.page.dimensions
        m = self.page.margins
        return w - m.left - m.right, h - m.top - m.bottom

    def fit_problems(self) -> list[tuple[tuple, str]]:
        """Sizes that are each valid but cannot be laid out together: a page with no room left
        inside its margins, text too large for the page, a picture or a box's padding that
        leaves no room for text, a gap taller than the page, a running line taller than its
        margin. Each is reported where its value is set, so the file and line point at it.

        Within these bounds any routine the content rules accept is laid out: what is taller
        than a page (a step, a box, a caption) goes on over pages (see render/handout.py).
        Card layouts keep their own rules (``_card_problems``); the text-size, indent and
        line bounds apply to them too."""
        styles = getattr(self, "styles", None) or {}
        problems = self._size_problems(styles) + self._box_line_problems()
        page = getattr(self, "page", None)
        if self.kind != "handout" or page is None:
            return problems
        area = self._area_problems()
        if area:
            return problems + area
        width, height = self.text_area()
        narrowing = self._picture_problems(width, height) + self._padding_problems(width, height)
        if not problems and not narrowing:  # a column's width means little while these are wrong
            narrowing += self._column_problems(width)
        problems += self._line_problems(styles, height) + self._running_problems() + narrowing
        gap = MAX_GAP_SHARE * height
        if self.step_gap > gap + 1e-6:
            problems.append((("step_gap",), _too_much_gap(self.step_gap, height)))
        for name, style in styles.items():
            # The space above and below one paragraph count as one gap: both go with it into a box.
            attrs = [a for a in ("space_before", "space_after") if getattr(style, a) is not None]
            if not attrs:
                continue
            try:
                around = self._space_around(name)
                inherited = self._space_around(style.parent) if style.parent is not None else 0.0
            except ValueError:
                continue
            if around > gap + 1e-6 and inherited <= gap + 1e-6:  # else reported at the parent
                attr = max(attrs, key=lambda a: getattr(style, a))
                what = _too_much_gap(getattr(style, attr), height) if getattr(style, attr) > gap + 1e-6 \
                    else _too_much_gap(around, height, "the space above and below a paragraph together")
                problems.append((("styles", name, attr), what))
        return problems

    def _space_around(self, name: str) -> float:
        resolved = self.resolved_style(name)
        return (resolved.space_before or 0) + (resolved.space_after or 0)

    def _size_problems(self, styles: dict) -> list[tuple[tuple, str]]:
        """Text sizes and indents beyond any page, checked where each style sets them."""
        problems: list[tuple[tuple, str]] = []
        if self.min_font_size > MAX_FONT_SIZE + 1e-6:
            problems.append((("min_font_size",), _too_large_text(self.min_font_size)))
        for name, style in styles.items():
            if style.size is not None and style.size > MAX_FONT_SIZE + 1e-6:
                problems.append((("styles", name, "size"), _too_large_text(style.size)))
            if style.left_indent is not None and style.left_indent > MAX_INDENT + 1e-6:
                problems.append((("styles", name, "left_indent"),
                                 f"{_mm(style.left_indent)} is too deep an indent; at most {_mm(MAX_INDENT)}"))
        return problems

    def _box_line_problems(self) -> list[tuple[tuple, str]]:
        problems: list[tuple[tuple, str]] = []
        for name, box in (getattr(self, "boxes", None) or {}).items():
            if box.border is not None and box.border.width > MAX_BORDER + 1e-6:
                problems.append((("boxes", name, "border", "width"), f"{_pt_mm(box.border.width)} is too thick "
                                 f"for a box border; at most {_pt(MAX_BORDER)}"))
            if box.accent_bar > MAX_ACCENT_BAR + 1e-6:
                problems.append((("boxes", name, "accent_bar"), f"{_pt_mm(box.accent_bar)} is too wide for an "
                                 f"accent bar; at most {_pt(MAX_ACCENT_BAR)}"))
        return problems

    def _area_problems(self) -> list[tuple[tuple, str]]:
        """The page, less its margins, must leave the smallest text area a handout is laid out in."""
        w, h = self.page.dimensions
        least = f"{_mm(MIN_TEXT_AREA_WIDTH, unit=False)} × {_mm(MIN_TEXT_AREA_HEIGHT)}"
        need = f"handouts need a text area of at least {least}"
        if w < MIN_TEXT_AREA_WIDTH - 1e-6 or h < MIN_TEXT_AREA_HEIGHT - 1e-6:
            if self.page.size != "custom":
                field = "size"
            else:
                field = "width" if w < MIN_TEXT_AREA_WIDTH - 1e-6 else "height"
            return [(("page", field), f"a {_mm(w, unit=False)} × {_mm(h)} page is too small for a handout; {need} "
                                      "inside the margins")]
        aw, ah = self.text_area()
        m = self.page.margins
        if aw < MIN_TEXT_AREA_WIDTH - 1e-6 or ah < MIN_TEXT_AREA_HEIGHT - 1e-6:
            # Named at the widest margin on the short side: the value most likely set by mistake.
            if ah < MIN_TEXT_AREA_HEIGHT - 1e-6:
                side = "top" if m.top >= m.bottom else "bottom"
            else:
                side = "left" if m.left >= m.right else "right"
            return [(("page", "margins", side),
                     f"{_mm(getattr(m, side))} leaves a text area of only {_mm(max(aw, 0), unit=False)} × "
                     f"{_mm(max(ah, 0))} on a {_mm(w, unit=False)} × {_mm(h)} page; {need}")]
        return []

    def _line_source(self, name: str) -> tuple[tuple | None, float] | None:
        """The height of a style's lines (its leading, or its size when that is larger) and where
        that value is set: the nearest style in the parent chain that sets it. None for a style
        whose chain is broken (reported already)."""
        try:
            resolved = self.resolved_style(name)
        except ValueError:
            return None
        size = resolved.size if resolved.size is not None else 12.0
        leading = resolved.leading if resolved.leading is not None else size * 1.3
        attr = "leading" if resolved.leading is not None and leading >= size else "size"
        current: str | None = name
        while current is not None:
            style = self.styles[current]
            if getattr(style, attr) is not None:
                return ("styles", current, attr), max(leading, size)
            current = style.parent
        return None, max(leading, size)

    def _line_problems(self, styles: dict, height: float) -> list[tuple[tuple, str]]:
        """Every style's lines must fit the page several times over; checked where the line height is set."""
        problems: list[tuple[tuple, str]] = []
        most = height / MIN_LINES_PER_PAGE
        for name, style in styles.items():
            if style.size is not None and style.size > MAX_FONT_SIZE + 1e-6:
                continue  # reported as too large already
            found = self._line_source(name)
            if found is None or found[0] is None or found[0][1] != name:
                continue  # inherited: checked at the style that sets it
            loc, line = found
            if line > most + 1e-6:
                what = f"{_pt(line)} lines" if loc[-1] == "leading" else f"{_pt(line)} text"
                problems.append((loc, f"{what}: the {_mm(height)} high text area holds only {int(height // line)} "
                                      f"of them; a page holds at least {MIN_LINES_PER_PAGE} lines, "
                                      f"so at most {_pt(most)}"))
        return problems

    def _column_problems(self, width: float) -> list[tuple[tuple, str]]:
        """Each style must leave MIN_CHARS_PER_LINE characters a line in the narrowest column it
        is set in: the text area, a box less its padding, a step's text beside its picture, a
        caption beside its picture.

        Reported at what makes the column narrow when it is less than half the text area (a
        wide picture, deep padding), otherwise where the style's size is set."""
        # (what the column is, its width, styles set in it, what narrows it, how much a point of that narrows it)
        columns: list[tuple[str, float, list[str], tuple | None, float]] = [
            ("the text area", width, list(self.styles), None, 0.0)]
        for name, box in self.boxes.items():
            border = box.border.width if box.border is not None else 0.0
            inner = width - 2 * box.padding - box.accent_bar - border
            names = [box.title_style, box.body_style] + (["bullet"] if name in ("safety", "tip") else [])
            columns.append((f"the {name} box", inner, names, ("boxes", name, "padding"), 2.0))
        ill = self.illustrations
        if ill.position in ("left", "right"):
            columns.append(("a step's text beside its picture", width - ill.width - PICTURE_GAP,
                            ["step_title", "body", "bullet", "label", "caution"], ("illustrations", "width"), 1.0))
            columns.append(("a picture's caption", ill.width, ["caption"], None, 0.0))
        elif ill.position == "above":
            columns.append(("a picture's caption beside it", width - ill.width - PICTURE_GAP, ["caption"],
                            ("illustrations", "width"), 1.0))
        problems: list[tuple[tuple, str]] = []
        done: set[str] = set()
        for where, column, names, cause, rate in sorted(columns, key=lambda c: c[1]):
            for name in names:
                if name in done or name not in self.styles:
                    continue
                done.add(name)
                try:
                    size = self.resolved_style(name).size or 12.0
                except ValueError:
                    continue
                need = MIN_CHARS_PER_LINE * CHAR_WIDTH * size
                if column >= need - 1e-6:
                    continue
                chars = int(column // (CHAR_WIDTH * size))
                if cause is not None and column < width / 2:
                    value = self.illustrations.width if cause[0] == "illustrations" else self.boxes[cause[1]].padding
                    problems.append((cause, f"{_mm(value)} leaves {_mm(column)} across for {where}, where "
                                            f"{_pt(size)} '{name}' text fits only {chars} characters a line; a line "
                                            f"holds at least {MIN_CHARS_PER_LINE}, so at most "
                                            f"{_mm(max(value - (need - column) / rate, 0))}"))
                else:
                    largest = column / (MIN_CHARS_PER_LINE * CHAR_WIDTH)
                    problems.append((self._size_loc(name),
                                     f"{_pt(size)} '{name}' text fits only {chars} characters a line in {where} "
                                     f"({_mm(column)} across); a line holds at least {MIN_CHARS_PER_LINE}, "
                                     f"so at most {_pt(largest)}"))
        return problems

    def _size_loc(self, name: str) -> tuple:
        """Where a style's size is set: the nearest style in its parent chain that sets one."""
        current: str | None = name
        while current is not None and current in self.styles:
            if self.styles[current].size is not None:
                return ("styles", current, "size")
            current = self.styles[current].parent
        return ("styles", name)

    def _running_problems(self) -> list[tuple[tuple, str]]:
        """The running header and footer must fit their margins, inside the printable edge.

        Reported at the margin when the running lines are no taller than the body's (the
        margin is what is small), otherwise at the style that makes them tall."""
        problems: list[tuple[tuple, str]] = []
        m = self.page.margins
        body = self._line_source("body") if "body" in self.styles else None
        for part_name, margin, side in (("header", m.top, "top"), ("footer", m.bottom, "bottom")):
            part = getattr(self, part_name, None)
            if part is None or part.style not in self.styles:
                continue
            found = self._line_source(part.style)
            if found is None:
                continue  # a broken parent chain, reported already
            if (self.resolved_style(part.style).size or 0) > MAX_FONT_SIZE + 1e-6:
                continue  # reported as too large already
            loc, line = found
            need = header_band(line) if part_name == "header" else footer_band(line)
            if need <= margin + 1e-6:
                continue
            if loc is None or (body is not None and line <= body[1] + 1e-6):
                problems.append((("page", "margins", side),
                                 f"{_mm(margin)} is too small for the {part_name}: its {_pt(line)} lines "
                                 f"(style '{part.style}') need {_mm(need)}"))
            else:
                problems.append((loc, f"{_pt(line)} {part_name} lines need a {side} margin of {_mm(need)}; "
                                      f"page.margins.{side} is {_mm(margin)}"))
        return problems

    def _picture_problems(self, width: float, height: float) -> list[tuple[tuple, str]]:
        ill = self.illustrations
        if ill.position == "none":
            return []
        problems: list[tuple[tuple, str]] = []
        widest = width - PICTURE_GAP - MIN_TEXT_WIDTH
        if ill.width > widest + 1e-6:
            problems.append((("illustrations", "width"),
                             f"{_mm(ill.width)} is too wide: the text area is {_mm(width)} wide and the text beside a "
                             f"picture needs {_mm(MIN_TEXT_WIDTH)}; at most {_mm(max(widest, 0))}"))
        tallest = MAX_PICTURE_SHARE * height
        if ill.height > tallest + 1e-6:
            problems.append((("illustrations", "height"),
                             f"{_mm(ill.height)} is too tall: a picture may take {MAX_PICTURE_SHARE:.0%} of the "
                             f"{_mm(height)} high text area; at most {_mm(tallest)}"))
        return problems

    def _padding_problems(self, width: float, height: float) -> list[tuple[tuple, str]]:
        """Every box, less its padding, border and accent bar, keeps a column of text and most of a page."""
        problems: list[tuple[tuple, str]] = []
        for name, box in self.boxes.items():
            border = box.border.width if box.border is not None else 0.0
            if border > MAX_BORDER + 1e-6 or box.accent_bar > MAX_ACCENT_BAR + 1e-6:
                continue  # reported already
            across = (width - MIN_TEXT_WIDTH - box.accent_bar - border) / 2
            down = MAX_GAP_SHARE * height / 2
            if box.padding > across + 1e-6:
                problems.append((("boxes", name, "padding"),
                                 f"{_mm(box.padding)} is too much: the text area is {_mm(width)} wide and the text "
                                 f"inside a box needs {_mm(MIN_TEXT_WIDTH)}; at most {_mm(max(min(across, down), 0))}"))
            elif box.padding > down + 1e-6:
                problems.append((("boxes", name, "padding"),
                                 f"{_mm(box.padding)} is too much: above and below the text it takes more than "
                                 f"{MAX_GAP_SHARE:.0%} of the {_mm(height)} high text area; at most {_mm(down)}"))
        return problems

    def _card_problems(self) -> list[tuple[tuple, str]]:
        """Card rules: a card block on card layouts only, safety and steps on some face, readable sizes."""
        if self.kind != "card":
            return [(("card",), "only card layouts (kind: card) take a card block")] if self.card is not None else []
        if self.card is None:
            return [(("card",), "is required for card layouts")]
        problems: list[tuple[tuple, str]] = []
        if self.min_font_size + 1e-6 < CARD_MIN_FONT:
            problems.append((("min_font_size",), f"{self.min_font_size:g} pt is too small to read; cards use {CARD_MIN_FONT:g} pt or more"))
        if self.card.back_min_font_size + 1e-6 < CARD_BACK_MIN_FONT:
            problems.append((("card", "back_min_font_size"), f"{self.card.back_min_font_size:g} pt is too small for "
                             f"safety read at arm's length; card backs use {CARD_BACK_MIN_FONT:g} pt or more"))
        listed = [(side, i, s) for side in ("front", "back") for i, s in enumerate(getattr(self.card.faces, side))]
        seen: set[CardSection] = set()
        for side, i, section in listed:
            if section in seen:
                problems.append((("card", "faces", side, i), f"section '{section.value}' is listed twice"))
            seen.add(section)
        if CardSection.safety not in seen:
            problems.append((("card", "faces"), "'safety' is required on a face; safety content is never left out"))
        if CardSection.steps not in seen:
            problems.append((("card", "faces"), "'steps' is required on a face"))
        w, h = self.page.dimensions
        if 2 * self.card.safe_zone >= min(w, h) * 0.6:
            problems.append((("card", "safe_zone"), "leaves too little room for text on this card size"))
        return problems


    def _sheet_problems(self) -> list[tuple[tuple, str]]:
        """A clinic sheet's grid must fit its page, its text stay large, its sections be ones it draws."""
        spec = getattr(self, "sheet", None)
        if spec is None:
            return []
        if self.kind != "handout":
            return [(("sheet",), "only handout layouts (kind: handout) take a sheet block")]
        problems: list[tuple[tuple, str]] = []
        if self.min_font_size + 1e-6 < SHEET_MIN_FONT:
            problems.append((("min_font_size",), f"{_pt(self.min_font_size)} is too small for a clinic sheet; "
                                                 f"sheets use {_pt(SHEET_MIN_FONT)} or more"))
        missing = [n for n in SHEET_REQUIRED_STYLES if n not in self.styles]
        if missing:
            names = ", ".join(f"'{n}'" for n in missing)
            problems.append((("styles",), f"sheet layouts need the style{'s' if len(missing) > 1 else ''} {names}"))
        for i, section in enumerate(self.sections):
            if section.value not in SHEET_SECTIONS:
                problems.append((("sections", i), f"section '{section.value}' is not drawn on a clinic sheet; "
                                                  f"sheet sections: {', '.join(SHEET_SECTIONS)}"))
        if Section.steps not in self.sections:
            problems.append((("sections",), "'steps' is required on a clinic sheet"))
        page = getattr(self, "page", None)
        if page is None or self._area_problems():
            return problems  # the page itself is reported already
        width, height = self.text_area()
        gap_most = MAX_GAP_SHARE * height
        for attr in ("row_gap", "tile_padding"):
            if getattr(spec, attr) > gap_most + 1e-6:
                problems.append((("sheet", attr), _too_much_gap(getattr(spec, attr), height)))
        if spec.column_gap > width / 4 + 1e-6:
            problems.append((("sheet", "column_gap"), f"{_mm(spec.column_gap)} is too wide: the text area is "
                                                      f"{_mm(width)} wide; at most {_mm(width / 4)}"))
            return problems
        tile = self.tile_width()
        ill = self.illustrations
        picture = ill.width + PICTURE_GAP if ill.position != "none" else 0.0
        need = 2 * spec.tile_padding + picture + MIN_TEXT_WIDTH
        if tile < need - 1e-6:
            most = int((width + spec.column_gap) // (need + spec.column_gap))
            if most >= 1 and most < spec.columns:
                problems.append((("sheet", "columns"),
                                 f"{spec.columns} columns of tiles leave {_mm(tile)} for each tile; a tile needs "
                                 f"{_mm(need)} (its picture and {_mm(MIN_TEXT_WIDTH)} of text), so at most {most}"))
            else:
                problems.append((("illustrations", "width"),
                                 f"{_mm(ill.width)} leaves too little room for a tile's text: a tile is "
                                 f"{_mm(tile)} wide and its text needs {_mm(MIN_TEXT_WIDTH)}"))
        if spec.qr_size + 1e-6 < QR_MIN_SIZE:
            problems.append((("sheet", "qr_size"), f"{_mm(spec.qr_size)} is too small for a phone to read; "
                                                   f"at least {_mm(QR_MIN_SIZE)}"))
        elif spec.qr_size > min(tile - 2 * spec.tile_padding, MAX_PICTURE_SHARE * height) + 1e-6:
            problems.append((("sheet", "qr_size"), f"{_mm(spec.qr_size)} is too large for a tile "
                                                   f"{_mm(tile)} wide; at most "
                                                   f"{_mm(min(tile - 2 * spec.tile_padding, MAX_PICTURE_SHARE * height))}"))
        return problems

    def tile_width(self) -> float:
        """Width of one tile of a clinic sheet's grid, in points."""
        assert self.sheet is not None
        width, _ = self.text_area()
        return (width - (self.sheet.columns - 1) * self.sheet.column_gap) / self.sheet.columns


QR_MIN_SIZE = 15 * MM
"""Smallest printed QR code a phone held at reading distance focuses on (as render/qr.py draws them)."""


def header_band(leading: float) -> float:
    """Top margin a running header with lines ``leading`` points apart needs (render/page.py draws it so)."""
    return PRINTER_EDGE + HEADER_GAP + (1 + HEADER_DESCENT) * leading


def footer_band(leading: float) -> float:
    """Bottom margin a running footer with lines ``leading`` points apart needs."""
    return PRINTER_EDGE + FOOTER_GAP + leading


def _pt(points: float) -> str:
    return f"{round(points, 1):g} pt"


def _pt_mm(points: float) -> str:
    return f"{_pt(points)} ({_mm(points)})"


def _mm(points: float, unit: bool = True) -> str:
    return f"{round(points / MM, 1):g}" + (" mm" if unit else "")


def _too_large_text(size: float) -> str:
    return f"{_pt(size)} is too large; text is set at {_pt(MAX_FONT_SIZE)} at most"


def _too_much_gap(gap: float, height: float, what: str = "") -> str:
    subject = f"{what} ({_mm(gap)}) is" if what else f"{_mm(gap)} is"
    return (f"{subject} more than {MAX_GAP_SHARE:.0%} of the {_mm(height)} high text area; "
            f"at most {_mm(MAX_GAP_SHARE * height)}")


def layout_file_schema() -> dict:
    """JSON Schema for one layout *file*.

    A file may extend a parent and override any single value deep inside it,
    so nothing is required in a file; the merged result is what must be whole
    (``Layout``). Unknown keys stay errors."""
    schema = Layout.model_json_schema()

    def relax(node):
        if isinstance(node, dict):
            node.pop("required", None)
            for value in node.values():
                relax(value)
        elif isinstance(node, list):
            for value in node:
                relax(value)

    relax(schema)
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "Name of the parent layout (a file in the same folder, without .yaml).",
    }
    schema["description"] = "One layout file; merged with its extends chain, then validated as a whole."
    return schema
