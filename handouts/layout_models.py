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
    left: str = Field("", description="Text at the left; placeholders: {clinic}, {contact}, {title}, {date}, {page}, {pages}.")
    right: str = Field("Page {page} of {pages}", description="Text at the right; same placeholders.")
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


REQUIRED_STYLES = ("body", "title", "subtitle", "h2", "step_title", "label", "small", "header", "footer")
CARD_REQUIRED_STYLES = ("body", "title", "cue", "detail", "step_number", "band", "safety_head", "safety", "contact")
CARD_MIN_FONT = 6.5  # points; nothing on a card is set smaller, whatever a layout asks for


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
    grow: float = Field(1.25, ge=1, le=2, description="Text may grow up to this many times its style size when a face has room.")
    mark_length: Length = Field(4 * MM, description="Length of crop and fold marks on sheets.")
    mark_offset: Length = Field(3 * MM, description="Gap between the trim and a crop mark (at least the bleed).")


class Layout(LayoutPart):
    """A page template for handouts (cards reuse the same engine through ``card``)."""

    kind: Literal["handout", "card"] = Field("handout", description="What the layout renders.")
    abstract: bool = Field(False, description="A base for other layouts only; not built by itself.")
    description: str = Field("", description="One line shown by 'handouts list'.")
    page: Page = Field(..., description="Page size, orientation and margins.")
    brand: Brand = Field(default_factory=Brand, description="Brand colours.")
    min_font_size: Length = Field(12, description="No text is set smaller than this.")
    styles: dict[Name, Style] = Field(..., description="Named text styles, chained by parent.")
    boxes: dict[Name, Box] = Field(default_factory=dict, description="Named box styles: safety, tip, hand_use, notes, glossary...")
    header: Header | None = Field(None, description="Running header; leave out for none.")
    footer: Footer | None = Field(None, description="Running footer; leave out for none.")
    sections: list[Section] = Field(default_factory=list, description="Which sections appear, in order (handouts).")
    card: CardSpec | None = Field(None, description="Card size rules and faces; required when kind is card.")
    illustrations: Illustrations = Field(default_factory=Illustrations, description="Step pictures.")
    step_gap: Length = Field(4 * MM, description="Space between steps.")
    notes_lines: int = Field(6, ge=0, le=30, description="Ruled lines in the notes box when no note is given.")
    tracking_days: int = Field(7, ge=1, le=31, description="Days in the tracking log.")

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
