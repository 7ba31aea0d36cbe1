"""Content models: the single source of truth for what a routine may say.

Every model forbids unknown keys, so a misspelt field is an error rather than a
silently ignored line; every field carries a description because the JSON
Schema (``handouts schema routine``) is the reference content authors read.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .i18n.marks import N_


class Strict(BaseModel):
    """Base for every content model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def bad_character(text: str) -> str | None:
    """Why ``text`` cannot be printed or shown as it is, or None.

    A YAML escape ("\\e", "\\0") or a pasted value can put any character into
    a string; a control character would print as a gap and act on the terminal
    of whoever reads a message quoting it, and a lone surrogate (a byte of a
    command-line argument that was not UTF-8) is not text at all."""
    if text.isprintable():
        return None
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in "\t\n\r":
            return f"contains a control character (U+{ord(ch):04X}) that is not allowed in text; delete it"
        if category == "Cs":
            if 0xDC80 <= ord(ch) <= 0xDCFF:
                return (f"contains a byte that is not UTF-8 text (0x{ord(ch) - 0xDC00:02X}); "
                        "retype it, or set your terminal to UTF-8")
            return f"contains half of a surrogate pair (U+{ord(ch):04X}), which is not a character; delete it"
    return None


def _printable(value: Any) -> Any:
    problem = bad_character(value) if isinstance(value, str) else None
    if problem:
        raise PydanticCustomError("control_character", problem)
    return value


Printable = BeforeValidator(_printable)
"""Runs before pydantic's own string check, which would call a lone surrogate 'unable to parse raw data'."""

MAX_TEXT = 1_000
"""Characters in one text field: the longest in the shipped routines is under 300; a
paragraph past this is not one a patient reads, and would only slow every page."""

MAX_ITEMS = 50
"""Items in one list (steps, bullets, safety lines, terms...): far above any real routine,
low enough that a mistaken file cannot make a handout of hundreds of pages."""

def text_of(max_length: int):
    """Plain, non-empty text of at most ``max_length`` characters; runs of white space
    (YAML folding) become one space."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length),
        AfterValidator(_one_line),
        Printable,
    ]


Text = text_of(MAX_TEXT)

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=64),
]


def _sentence_count(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])", text) if s.strip()])


def _max_sentences(limit: int):
    def check(value: str) -> str:
        if _sentence_count(value) > limit:
            raise PydanticCustomError(
                "too_many_sentences",
                "has {count} sentences; keep it to {limit} and move the rest into actions",
                {"count": _sentence_count(value), "limit": limit},
            )
        return value

    return check


# --------------------------------------------------------------------------- vocabularies


class Audience(str, Enum):
    """Who performs the routine: the reader on themself, a partner, or a clinician."""

    self_ = "self"
    partner = "partner"
    clinician = "clinician"


class Region(str, Enum):
    """Controlled vocabulary of body regions; every value has a drawn shape."""

    suboccipitals = "suboccipitals"
    back_of_neck = "back_of_neck"
    side_of_neck = "side_of_neck"
    scm = "scm"
    upper_trapezius = "upper_trapezius"
    levator_scapulae = "levator_scapulae"
    shoulders = "shoulders"
    shoulder_blades = "shoulder_blades"
    upper_back = "upper_back"
    beside_spine = "beside_spine"
    ribs = "ribs"
    lower_back = "lower_back"
    sacrum = "sacrum"
    upper_chest = "upper_chest"
    upper_arms = "upper_arms"


REGION_LABELS: dict[Region, str] = {
    Region.suboccipitals: N_("base of the skull"),
    Region.back_of_neck: N_("back of the neck"),
    Region.side_of_neck: N_("side of the neck"),
    Region.scm: N_("front-side neck muscle (SCM)"),
    Region.upper_trapezius: N_("top of the shoulders (upper trapezius)"),
    Region.levator_scapulae: N_("neck-to-shoulder-blade muscle (levator scapulae)"),
    Region.shoulders: N_("shoulders"),
    Region.shoulder_blades: N_("shoulder blades"),
    Region.upper_back: N_("upper back"),
    Region.beside_spine: N_("muscles beside the spine"),
    Region.ribs: N_("ribs"),
    Region.lower_back: N_("lower back"),
    Region.sacrum: N_("base of the spine (sacrum)"),
    Region.upper_chest: N_("upper chest, below the collarbone"),
    Region.upper_arms: N_("upper arms"),
}


class HandUse(str, Enum):
    """Which part of the hand (or a tool) does the work."""

    thumb = "thumb"
    fingertips = "fingertips"
    palm = "palm"
    heel_of_hand = "heel_of_hand"
    knuckles = "knuckles"
    whole_hand = "whole_hand"
    tool = "tool"


HAND_USE_LABELS: dict[HandUse, str] = {
    HandUse.thumb: N_("thumb"),
    HandUse.fingertips: N_("fingertips"),
    HandUse.palm: N_("palm"),
    HandUse.heel_of_hand: N_("heel of hand"),
    HandUse.knuckles: N_("knuckles"),
    HandUse.whole_hand: N_("whole hand"),
    HandUse.tool: N_("tool"),
}


class Pressure(str, Enum):
    light = "light"
    moderate = "moderate"
    firm = "firm"


class Motion(str, Enum):
    glide = "glide"
    knead = "knead"
    circles = "circles"
    press_and_release = "press_and_release"
    squeeze = "squeeze"
    pinch_and_roll = "pinch_and_roll"
    strip = "strip"
    rock = "rock"
    hold = "hold"
    stretch = "stretch"
    roll = "roll"


MOTION_LABELS: dict[Motion, str] = {
    Motion.glide: N_("glide"),
    Motion.knead: N_("knead"),
    Motion.circles: N_("circles"),
    Motion.press_and_release: N_("press and release"),
    Motion.squeeze: N_("squeeze"),
    Motion.pinch_and_roll: N_("pinch and roll"),
    Motion.strip: N_("strip"),
    Motion.rock: N_("rock"),
    Motion.hold: N_("hold"),
    Motion.stretch: N_("stretch"),
    Motion.roll: N_("roll"),
}
"""Names printed in a step's facts; each is a message translated per document."""


class Direction(str, Enum):
    """Which way a stroke travels on the body map (head is up)."""

    up = "up"
    down = "down"
    outward = "outward"
    inward = "inward"
    up_and_down = "up_and_down"
    along = "along"
    across = "across"  # from one side of the body over the midline to the other
    circles = "circles"  # small circles on the spot, no travel
    still = "still"  # press or hold on the spot, no travel


# --------------------------------------------------------------------------- amounts

_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*$")
_VAGUE = {"a few": (2, 3), "several": (3, 5)}
_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600,
}


class Amount(BaseModel):
    """A count that may be a range ("3-5") or a deliberately vague "a few"."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    low: float
    high: float
    text: str

    def __str__(self) -> str:
        return self.text


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


MAX_AMOUNT = 10_000
MAX_SECONDS = 24 * 3600


def _bounded(kind: str, value: float, limit: float, words: str) -> float:
    """Refuse absurd sizes (and the infinity that hundreds of digits parse to)."""
    if not value < limit + 1e-9:
        raise PydanticCustomError(kind, "is too large; at most {words}", {"words": words})
    return value


def _parse_amount(value: Any) -> Any:
    if isinstance(value, Amount):
        return value
    if isinstance(value, bool):
        raise PydanticCustomError("amount", "should be a number, a range such as 3-5, 'a few' or 'several'")
    if isinstance(value, (int, float)):
        if value <= 0:
            raise PydanticCustomError("amount", "must be more than zero")
        _bounded("amount", value, MAX_AMOUNT, f"{MAX_AMOUNT:,}")
        return Amount(low=value, high=value, text=_fmt_num(value))
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _VAGUE:
            low, high = _VAGUE[key]
            return Amount(low=low, high=high, text=key)
        m = _RANGE.match(key)
        if m:
            low = float(m.group(1))
            high = float(m.group(2) or m.group(1))
            if low <= 0 or high < low:
                raise PydanticCustomError("amount", "range must be positive and low to high, e.g. 3-5")
            _bounded("amount", high, MAX_AMOUNT, f"{MAX_AMOUNT:,}")
            text = _fmt_num(low) if low == high else f"{_fmt_num(low)}–{_fmt_num(high)}"
            return Amount(low=low, high=high, text=text)
    raise PydanticCustomError(
        "amount", "'{value}' should be a number, a range such as 3-5, 'a few' or 'several'", {"value": value}
    )


AmountField = Annotated[
    Amount,
    BeforeValidator(_parse_amount),
    WithJsonSchema({"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "string"}],
                    "description": "A number, a range such as '3-5', 'a few' or 'several'."}),
]


class Duration(BaseModel):
    """A length of time, possibly a range, kept in seconds plus the author's wording."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    low_seconds: float
    high_seconds: float
    text: str

    def __str__(self) -> str:
        return self.text


_NUM = r"(\d+(?:\.\d+)?)"
_DURATION_ONE = re.compile(rf"^{_NUM}\s*([a-z]+)$")
_DURATION_RANGE = re.compile(rf"^{_NUM}\s*([a-z]+)?\s*(?:-|–|to)\s*{_NUM}\s*([a-z]+)$")
_SHORT_UNIT = {1: "sec", 60: "min", 3600: "h"}
_VAGUE_DURATION = {
    "a few seconds": (3, 5, "a few seconds"),
    "several seconds": (5, 10, "several seconds"),
    "a few minutes": (120, 180, "a few minutes"),
    "several minutes": (180, 300, "several minutes"),
    "about a minute": (60, 60, "about a minute"),
}


def _parse_duration(value: Any) -> Any:
    if isinstance(value, Duration):
        return value
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _VAGUE_DURATION:
            low, high, text = _VAGUE_DURATION[key]
            return Duration(low_seconds=low, high_seconds=high, text=text)
        one = _DURATION_ONE.match(key)
        rng = _DURATION_RANGE.match(key)
        if one and one.group(2) in _UNITS:
            unit = _UNITS[one.group(2)]
            n = float(one.group(1))
            if n <= 0:
                raise PydanticCustomError("duration", "must be more than zero")
            _bounded("duration", n * unit, MAX_SECONDS, "24 hours")
            return Duration(low_seconds=n * unit, high_seconds=n * unit, text=f"{_fmt_num(n)} {_SHORT_UNIT[unit]}")
        if rng and rng.group(4) in _UNITS and (rng.group(2) is None or rng.group(2) in _UNITS):
            unit = _UNITS[rng.group(4)]
            unit_a = _UNITS[rng.group(2)] if rng.group(2) else unit
            a, b = float(rng.group(1)), float(rng.group(3))
            low, high = a * unit_a, b * unit
            if low <= 0 or high < low:
                raise PydanticCustomError("duration", "must be positive and written low to high, e.g. '5-10 min'")
            _bounded("duration", high, MAX_SECONDS, "24 hours")
            first = _fmt_num(a) + ("" if unit_a == unit else " " + _SHORT_UNIT[unit_a])
            return Duration(low_seconds=low, high_seconds=high, text=f"{first}–{_fmt_num(b)} {_SHORT_UNIT[unit]}")
    raise PydanticCustomError(
        "duration",
        "'{value}' is not a time; write e.g. '30 sec', '1 min', '5-10 min', 'a few seconds'",
        {"value": value},
    )


DurationField = Annotated[
    Duration,
    BeforeValidator(_parse_duration),
    WithJsonSchema({"type": "string", "description": "A time such as '30 sec', '1 min', '5-10 min' or 'a few seconds'."}),
]


# --------------------------------------------------------------------------- pieces


class Dosage(Strict):
    """How much: any combination of time, repetitions, hold and frequency."""

    duration: DurationField | None = Field(None, description="How long to keep going, e.g. '1 min' or '5-10 min'.")
    repetitions: AmountField | None = Field(None, description="How many times to repeat the movement, e.g. 3, '3-5' or 'a few'.")
    hold_seconds: AmountField | None = Field(None, description="How long to hold each press or stretch, in seconds, e.g. '10-20'.")
    per_side: bool = Field(False, description="True when the dosage applies to each side separately.")
    times_per_day: AmountField | None = Field(None, description="How many times a day to do it.")
    days_per_week: AmountField | None = Field(None, description="How many days a week to do it.")

    @model_validator(mode="after")
    def _not_empty(self) -> "Dosage":
        if not any([self.duration, self.repetitions, self.hold_seconds, self.times_per_day, self.days_per_week]):
            raise PydanticCustomError(
                "empty_dosage", "says nothing; give at least one of duration, repetitions, hold_seconds, times_per_day"
            )
        return self

    def compact(self) -> str:
        """Short form for cards and labels: '1 min each side', '3-5 times', 'hold 10-20 sec'."""
        parts: list[str] = []
        if self.duration:
            parts.append(self.duration.text)
        if self.repetitions:
            parts.append(f"{self.repetitions.text} times" if self.repetitions.text not in ("1",) else "once")
        if self.hold_seconds:
            parts.append(f"hold {self.hold_seconds.text} sec" if self.hold_seconds.text not in _VAGUE
                         else f"hold {self.hold_seconds.text} seconds")
        text = ", ".join(parts)
        if self.per_side:
            text += " each side"
        freq = []
        if self.times_per_day:
            freq.append(f"{self.times_per_day.text}× a day")
        if self.days_per_week:
            freq.append(f"{self.days_per_week.text} days a week")
        if freq:
            text = (text + "; " if text else "") + ", ".join(freq)
        return text


class Landmark(str, Enum):
    """Points a stroke can start or end at besides the regions (see ``StrokePath``)."""

    base_of_skull = "base_of_skull"
    ear = "ear"
    base_of_neck = "base_of_neck"
    shoulder_tip = "shoulder_tip"
    lowest_rib = "lowest_rib"


PATH_POINT_VIEWS: dict[str, frozenset[str]] = {
    **{r.value: frozenset(v.split()) for r, v in {
        Region.suboccipitals: "back side", Region.back_of_neck: "back side", Region.side_of_neck: "front side",
        Region.scm: "front side", Region.upper_trapezius: "back front side", Region.levator_scapulae: "back",
        Region.shoulders: "back front side", Region.shoulder_blades: "back", Region.upper_back: "back side",
        Region.beside_spine: "back", Region.ribs: "back", Region.lower_back: "back", Region.sacrum: "back",
        Region.upper_chest: "front side", Region.upper_arms: "back front side"}.items()},
    **{m.value: frozenset(v.split()) for m, v in {
        Landmark.base_of_skull: "back side", Landmark.ear: "back front side", Landmark.base_of_neck: "back side",
        Landmark.shoulder_tip: "back front side", Landmark.lowest_rib: "back"}.items()},
}
"""Which body-map views can show each region and landmark, so a path is checked when the routine is read
(the drawings are checked against this table by the art tests)."""


class Tool(str, Enum):
    """Something other than the hands used in, or set up for, a step; each has a drawing and an icon."""

    towel = "towel"
    tennis_ball = "tennis_ball"
    balls_in_sock = "balls_in_sock"
    stool = "stool"
    chair = "chair"
    cushion = "cushion"
    bolster = "bolster"
    wall = "wall"
    mat = "mat"


TOOL_LABELS: dict[Tool, str] = {
    Tool.towel: N_("knotted towel"),
    Tool.tennis_ball: N_("tennis ball"),
    Tool.balls_in_sock: N_("tennis balls in a sock"),
    Tool.stool: N_("stool"),
    Tool.chair: N_("low-backed chair"),
    Tool.cushion: N_("floor cushion"),
    Tool.bolster: N_("bolster"),
    Tool.wall: N_("wall"),
    Tool.mat: N_("mat"),
}


class Giver(str, Enum):
    """Where the person giving the massage is, seen from above."""

    behind = "behind"
    left = "left"
    right = "right"
    head = "head"


class Posture(str, Enum):
    seated = "seated"
    lying_face_down = "lying_face_down"
    lying_face_up = "lying_face_up"


class StrokePath(Strict):
    """Where a stroke starts and ends, as regions or landmarks of the body map."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True,
                              populate_by_name=True)
    start: str = Field(..., alias="from", description="Region or landmark where the stroke starts, e.g. base_of_skull.",
                       json_schema_extra={"enum": list(PATH_POINT_VIEWS)})
    end: str = Field(..., alias="to", description="Region or landmark where the stroke ends, e.g. shoulders.",
                     json_schema_extra={"enum": list(PATH_POINT_VIEWS)})

    @field_validator("start", "end")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in PATH_POINT_VIEWS:
            raise PydanticCustomError("path_point", "'{v}' is not a region or landmark; use one of: {choices}",
                                      {"v": value, "choices": ", ".join(PATH_POINT_VIEWS)})
        return value

    @model_validator(mode="after")
    def _moves(self) -> "StrokePath":
        if self.start == self.end:
            raise PydanticCustomError("path_still", "starts and ends at '{v}'; a stroke on one spot needs "
                                      "direction: still or circles instead of a path", {"v": self.start})
        return self


class Stance(Strict):
    """Where the giver is for a partner or clinician step; printed as a small top view."""

    giver: Giver = Field(..., description="behind, left, right (the person's own left and right) or head.")
    person: Posture = Field(Posture.seated, description="seated, lying_face_down or lying_face_up.")


class Illustration(Strict):
    """A picture for a step: a user image (path relative to the YAML file) or a view of the body map."""

    image: Text | None = Field(None, description="PNG, JPEG or SVG file, relative to this YAML file. Leave out to draw the body map.")
    alt: Text = Field(..., description="What the picture shows, for screen readers and the HTML twin.")
    view: str | None = Field(None, description="Body-map view to draw: 'back', 'side' or 'front'. Chosen from the regions when left out.")
    direction: Direction | None = Field(None, description="Which way the stroke travels on the body map.")
    path: StrokePath | None = Field(None, description="Where the stroke starts and ends, e.g. "
                                    "{from: base_of_skull, to: shoulders}; arrows are drawn along it.")
    tools: list[Tool] = Field(max_length=3, default_factory=list, description="Tools used or set up for the step.")
    stance: Stance | None = Field(None, description="Where the giver is (partner and clinician steps); give it "
                                  "where it changes.")
    hands: int | None = Field(None, ge=1, le=2, description="How many hands work at once, 1 or 2; left out: "
                              "two for a partner or clinician on both sides of the body, one for self-massage.")

    @model_validator(mode="after")
    def _view(self) -> "Illustration":
        if self.view is not None and self.view not in ("back", "side", "front"):
            raise PydanticCustomError("view", "view '{v}' is not one of: back, side, front", {"v": self.view})
        return self

    @field_validator("path")
    @classmethod
    def _path_in_view(cls, path: StrokePath | None, info: ValidationInfo) -> StrokePath | None:
        if path is None:
            return path
        a, b = PATH_POINT_VIEWS[path.start], PATH_POINT_VIEWS[path.end]
        view = info.data.get("view")
        if view in ("back", "side", "front"):
            for point, views in ((path.start, a), (path.end, b)):
                if view not in views:
                    raise PydanticCustomError(
                        "path_view", "the {view} view cannot show '{p}' (it is drawn in the {shown} view); "
                        "choose another view or another point", {"view": view, "p": point, "shown": " or ".join(sorted(views))})
        elif not a & b:
            raise PydanticCustomError(
                "path_view", "no view shows both '{a}' ({av}) and '{b}' ({bv}); split the stroke into two steps",
                {"a": path.start, "b": path.end, "av": ", ".join(sorted(a)), "bv": ", ".join(sorted(b))})
        return path


MAX_BRIEF = 120
"""Characters in a step's brief: two or three short lines of a sheet's tile, beside the picture."""

WebAddress = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=300), Printable]
"""A web address a phone can open from a printed QR code; longer ones need modules too small to print."""


class Step(Strict):
    """One numbered instruction the reader carries out."""

    title: text_of(60) = Field(
        ..., description="Short imperative title, e.g. 'Warm up the neck'. At most 60 characters."
    )
    instruction: Annotated[Text, AfterValidator(_max_sentences(3))] = Field(
        ..., description="One to three sentences saying what to do."
    )
    actions: list[Text] = Field(max_length=MAX_ITEMS, default_factory=list, description="Optional bullet points: the sub-steps, in order.")
    hand_use: list[HandUse] = Field(max_length=MAX_ITEMS, default_factory=list, description="Which part of the hand does the work.")
    pressure: Pressure | None = Field(None, description="How hard to press: light, moderate or firm.")
    motion: list[Motion] = Field(max_length=MAX_ITEMS, default_factory=list, description="The kind of movement.")
    dosage: Dosage | None = Field(None, description="How long, how often, how many times.")
    regions: list[Region] = Field(max_length=MAX_ITEMS, default_factory=list, description="Body regions this step works on.")
    caution: Text | None = Field(None, description="A warning that belongs to this step.")
    cue: text_of(40) | None = Field(
        None, description="Very short cue for pocket cards; the title is used when left out."
    )
    brief: Annotated[text_of(MAX_BRIEF), AfterValidator(_max_sentences(1))] | None = Field(
        None, description=f"The step in one plain sentence, at most {MAX_BRIEF} characters, for a clinic sheet's "
                          "tile. Required when a sheet layout is built.")
    video_url: WebAddress | None = Field(None, description="Optional video of this step; printed as a QR code on sheets.")
    illustration: Illustration | None = Field(None, description="Picture for this step.")


class Phase(Strict):
    """A named group of steps (the clinical routine moves through phases)."""

    title: Text = Field(..., description="Phase name, e.g. 'Prepare'.")
    purpose: Text | None = Field(None, description="Why this phase comes here, in one sentence.")
    steps: list[Step] = Field(..., max_length=MAX_ITEMS, min_length=1, description="The steps of this phase, in order.")


class Tip(Strict):
    """A piece of advice, optionally about one part of the hand."""

    text: Text = Field(..., description="The advice.")
    hand_use: HandUse | None = Field(None, description="The part of the hand the tip is about.")


MAX_CARD_SUMMARY = 6
"""Lines in a card's safety summary: it stands in for longer lists on a card back."""

MAX_CARD_SUMMARY_LINE = 160
"""Characters in one line of a card's safety summary: two or three lines on a wallet card."""


class Safety(Strict):
    """Safety content. It is never dropped, shortened or split by any renderer; a pocket card may print
    the routine's own ``card_summary`` instead of the longer lists, always with a pointer to the handout."""

    cautions: list[Text] = Field(max_length=MAX_ITEMS, default_factory=list, description="Things to take care with while doing the routine.")
    red_flags: list[Text] = Field(max_length=MAX_ITEMS, 
        default_factory=list, description="Signs that mean: stop and seek care (dizziness, numbness, pain spreading to the arm...)."
    )
    contraindications: list[Text] = Field(max_length=MAX_ITEMS, default_factory=list, description="When not to do the routine at all.")
    seek_care: Text | None = Field(
        None, description="When to see a doctor or therapist, e.g. pain lasting more than a few days."
    )
    card_summary: list[text_of(MAX_CARD_SUMMARY_LINE)] = Field(
        max_length=MAX_CARD_SUMMARY, default_factory=list,
        description="A pocket card's short form of the cautions, reasons not to do the routine and step cautions, "
                    "restating them in fewer words. Used only when printing every safety line would need more "
                    "cards; "
                    "red flags and the 'see a doctor' line still print in full, with a pointer to the handout.")

    def all_lines(self) -> list[str]:
        return [*self.cautions, *self.red_flags, *self.contraindications, *([self.seek_care] if self.seek_care else [])]


class AssessmentItem(Strict):
    """Something a clinician asks or checks before treating."""

    question: Text = Field(..., description="The question or observation.")
    look_for: list[Text] = Field(max_length=MAX_ITEMS, default_factory=list, description="Typical answers or signs to look for.")


class Term(Strict):
    """A word the reader may not know, with a plain definition."""

    term: Text = Field(..., description="The word as it appears in the text.")
    definition: Text = Field(..., description="A plain-language definition.")


class Waiver(Strict):
    """A deliberate exception to a safety or literacy rule, with the reason written down."""

    rule: Slug = Field(..., description="The id of the rule being waived.")
    reason: Text = Field(..., description="Why the rule does not apply to this routine.")


class Source(Strict):
    """Where the facts of the routine come from."""

    document: Text = Field(..., description="The source document, e.g. the seed file name.")
    title: Text = Field(..., description="Title of the source.")
    publisher: Text | None = Field(None, description="Site, organisation or author that published it.")
    author: Text | None = Field(None, description="Named author, when the source gives one.")
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$"), Printable] | None = Field(None, description="Web address, when the source gives one.")
    note: Text | None = Field(None, description="How this routine relates to the source, e.g. 'restated in plain words'.")


# --------------------------------------------------------------------------- documents


class Routine(Strict):
    """A complete routine: everything a handout or a card is built from."""

    id: Slug = Field(..., description="Unique id (lowercase words joined by '-'); names output files.")
    title: text_of(120) = Field(
        ..., description="Title shown on the handout and card. At most 120 characters.")
    summary: Annotated[Text, AfterValidator(_max_sentences(2))] = Field(..., description="One line saying what the routine is for.")
    audience: Audience = Field(..., description="Who does the routine: self, partner or clinician.")
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = Field("en", description="Language of the text, e.g. 'en' or 'en-GB'.")
    translation_of: Slug | None = Field(None, description="The id of the routine this one translates; it must keep "
                                        "that routine's steps, regions, dosage and every safety line.")
    time: DurationField = Field(..., description="How long the whole routine takes, e.g. '5-10 min'.")
    position: Text = Field(..., description="How the person sits or lies, and where the helper stands.")
    setup: list[Text] = Field(max_length=MAX_ITEMS, default_factory=list, description="Getting ready, before the first step.")
    equipment: list[Text] = Field(max_length=MAX_ITEMS, default_factory=list, description="What you need (stool, cushion, towel, tennis balls...).")
    regions: list[Region] = Field(..., max_length=MAX_ITEMS, min_length=1, description="Body regions the routine works on.")
    illustration: Illustration | None = Field(None, description="A picture for the whole routine, shown beside the title.")
    assessment: list[AssessmentItem] = Field(max_length=MAX_ITEMS, default_factory=list, description="Questions and checks before starting (clinician routines).")
    steps: list[Step] = Field(max_length=MAX_ITEMS, default_factory=list, description="The steps, in order. Use either steps or phases.")
    phases: list[Phase] = Field(max_length=MAX_ITEMS, default_factory=list, description="Steps grouped into named phases. Use either steps or phases.")
    hand_tips: list[Tip] = Field(max_length=MAX_ITEMS, default_factory=list, description="Advice on using the hands well.")
    tips: list[Text] = Field(max_length=MAX_ITEMS, default_factory=list, description="General advice.")
    safety: Safety = Field(..., description="Cautions, red flags and contraindications. Never dropped.")
    glossary: list[Term] = Field(max_length=MAX_ITEMS, default_factory=list, description="Words to know, with plain definitions.")
    waivers: list[Waiver] = Field(max_length=MAX_ITEMS, default_factory=list, description="Rules deliberately waived, each with a reason.")
    source: Source = Field(..., description="Where the routine comes from.")
    video_url: WebAddress | None = Field(None, description="Optional video of the routine; printed as a QR code on sheets.")
    web_url: WebAddress | None = Field(None, description="Optional web page about the routine; printed as a QR code on sheets.")

    @model_validator(mode="after")
    def _steps_or_phases(self) -> "Routine":
        if self.steps and self.phases:
            raise PydanticCustomError("steps_and_phases", "use either steps or phases, not both")
        if not self.steps and not self.phases:
            raise PydanticCustomError("no_steps", "has no steps; add steps (or phases with steps)")
        return self

    @property
    def all_steps(self) -> list[Step]:
        """Every step in reading order, across phases."""
        if self.phases:
            return [s for p in self.phases for s in p.steps]
        return list(self.steps)

    def grouped_steps(self) -> list[tuple[Phase | None, list[Step]]]:
        """(phase, steps) pairs; a routine without phases is one unnamed group."""
        if self.phases:
            return [(p, list(p.steps)) for p in self.phases]
        return [(None, list(self.steps))]


class Clinic(Strict):
    """The clinic or teacher whose details appear on handouts and card backs."""

    name: Text = Field(..., description="Clinic or practice name.")
    clinician: Text | None = Field(None, description="Default clinician name.")
    address: Text | None = Field(None, description="Postal address, one line.")
    phone: Text | None = Field(None, description="Phone number.")
    email: Text | None = Field(None, description="Email address.")
    web: Text | None = Field(None, description="Web address.")
    logo: Text | None = Field(None, description="Logo image (PNG, JPEG or SVG), relative to this file.")
    logo_alt: Text | None = Field(None, description="What the logo shows; required with a logo.")
    brand_color: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] | None = Field(
        None, description="Accent colour as #rrggbb; overrides the layout's brand colour."
    )

    @model_validator(mode="after")
    def _logo_alt(self) -> "Clinic":
        if self.logo and not self.logo_alt:
            raise PydanticCustomError("logo_alt", "a logo needs logo_alt: say what it shows")
        return self

    def contact_lines(self) -> list[str]:
        return [x for x in (self.address, self.phone, self.email, self.web) if x]


class Personalisation(Strict):
    """Per-build details printed on one handout: who it is for, by whom, when, and a note."""

    for_name: Annotated[str, StringConstraints(max_length=200), Printable] | None = Field(None, description="Patient or student name.")
    date: Annotated[str, StringConstraints(max_length=60), Printable] | None = Field(None, description="Date printed on the handout, as written.")
    clinician: Annotated[str, StringConstraints(max_length=200), Printable] | None = Field(None, description="Clinician or teacher name.")
    note: Annotated[str, StringConstraints(max_length=2000), Printable] | None = Field(None, description="A personal note printed in the notes box.")

    @property
    def is_empty(self) -> bool:
        return not any([self.for_name, self.date, self.clinician, self.note])
