"""Every label a document prints around the routine's own text, in one place.

The constants below are the English source strings (the msgids of the message
catalogs). A renderer never prints one of them directly: it asks
:func:`for_language` once per document for a :class:`Labels` in the routine's
``language``, which has the same names, translated, and the phrases that need
a number (plural forms, dates, dosages) as methods. The PDF, the card, the
clinic sheet and the HTML twin thus say the same thing in the same language.
"""

from __future__ import annotations

import re
from datetime import date
from .i18n import Messages, messages_for
from .i18n.marks import N_
from .models import HAND_USE_LABELS, MOTION_LABELS, REGION_LABELS, TOOL_LABELS, Amount, Dosage, Duration

AUDIENCE = {"self": N_("Do it yourself"), "partner": N_("With a partner"), "clinician": N_("For clinicians")}

# Section headings and box titles.
SAFETY = N_("Safety first")
STEPS = N_("Steps")
WHAT_YOU_NEED = N_("What you need")
ASSESSMENT = N_("Before you start: assess")
HAND_TIPS = N_("Using your hands")
TIPS = N_("Good to know")
GLOSSARY = N_("Words to know")
TRACKING = N_("Track your practice")
NOTES = N_("Notes")
LEGEND = N_("What the pictures mean")
SOURCE = N_("Source")
PERSONAL = N_("About this handout")
COLON = N_("{label}:")
"""A label before its text ('Caution: ...'); French sets a space before the colon."""
THEN = N_("{first}; {then}")
"""How much, then how often ('1 min; 2× a day'); French sets a space before the semicolon."""
YOUR_DOSAGE = N_("Your dosage")
"""Before a student's or patient's own dosage, first in the notes box (a roster's ``dosage`` column)."""
CONTINUED = N_("{title} (continued)")
"""A box title repeated on the page a box goes on to."""

# Groups inside the safety box.
CAUTIONS = N_("Take care")
RED_FLAGS = N_("Stop and seek care if…")
CONTRAINDICATIONS = N_("Do not do this routine if…")
SEEK_CARE = N_("See a doctor")

# Rows of "What you need".
TIME = N_("Time")
POSITION = N_("Position")
EQUIPMENT = N_("You need")
SETUP = N_("Get ready")

# Personal details.
PREPARED_FOR = N_("Prepared for")
BY = N_("By")
DATE = N_("Date")

# A step's facts.
USE = N_("Use")
PRESSURE = N_("Pressure")
MOVE = N_("Move")
HOW_LONG = N_("How long")
WHERE = N_("Where")
CAUTION = N_("Caution")

# Tracking log.
DAY = N_("Day")
DONE = N_("Done")
TIME_N = N_("Time {n}")
TRACKING_INTRO = N_("Tick a box each time you do the routine ({often}).")
TRACKING_INTRO_PLAIN = N_("Tick a box each time you do the routine.")

# Legend and source line.
PRESSURE_LEVEL = N_("{level} pressure")
BY_AUTHOR = N_("by {author}")
VIDEO = N_("Video")
WEB = N_("Web page")
STEP_VIDEO = N_("Video of this step")
NOTES_EMPTY = N_("Space for your own notes.")
CONTACT = N_("Contact")
STEP_PICTURE = N_("Step {n}: {text}")
"""Accessible name of a step picture whose routine gives no alt text."""

# Running header and footer: a layout's ``{page_of}``.
PAGE_OF = N_("Page {page} of {pages}")

# Pocket cards (the safety groups above are shared).
CARD_STEP_CAUTIONS = N_("At these steps")
CARD_SUMMARY = N_("Take care")
CARD_CONTINUED = N_("(continued)")
CARD_SEE_A_DOCTOR = N_("See a doctor:")
CARD_FULL_ADVICE = N_("Full safety advice in your handout.")
CARD_STEP_ONE = N_("Step {number}")
CARD_STEP_MANY = N_("Steps {numbers}")
CARD_FROM_SOURCE = N_("From: {source}")
CARD_VIDEO = N_("Video:")
CARD_WEB = N_("More:")
CARD_STEP_VIDEO = N_("Step {number} video:")

# Clinic sheets (the headings, safety groups and facts above are shared).
SHEET_CONTINUED = N_("(continued)")
SHEET_CONTACT = N_("Questions? Contact us")
SHEET_VIDEO = N_("Watch the video")
SHEET_WEB = N_("Read more on the web")

PRESSURE_WORDS = {"light": N_("light"), "moderate": N_("moderate"), "firm": N_("firm")}
"""A step's pressure as printed after 'Pressure:' and in '{level} pressure'."""

VAGUE_WORDS = {
    "a few": N_("a few"), "several": N_("several"),
    "a few seconds": N_("a few seconds"), "several seconds": N_("several seconds"),
    "a few minutes": N_("a few minutes"), "several minutes": N_("several minutes"),
    "about a minute": N_("about a minute"),
}
"""The vague amounts and durations a routine may give, as the models write them."""

HOLD_VAGUE = {"a few": N_("hold a few seconds"), "several": N_("hold several seconds")}
"""A vague hold as one phrase: its words agree with 'seconds' in languages that inflect them."""

DAYS_VAGUE = {"a few": N_("a few days a week"), "several": N_("several days a week")}
"""Vague days a week as one phrase, for the same reason: 'unos cuantos días', not 'unas cuantas'."""

UNIT_WORDS = {"sec": N_("sec"), "min": N_("min"), "h": N_("h")}
"""The short time units a duration is written with ('1 min', '10–20 sec')."""

_NAMES = {name: value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_UNIT = re.compile(r"\b(sec|min|h)\b")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Labels:
    """The labels of one document, in its language: ``labels.SAFETY`` is 'Primero, la seguridad'
    in a Spanish one. Built once per document; a missing translation stops the build."""

    def __init__(self, messages: Messages):
        self.messages = messages
        self.language = messages.language

    def __getattr__(self, name: str) -> str:
        english = _NAMES.get(name)
        if english is None:
            raise AttributeError(name)
        text = self.messages.gettext(english)
        setattr(self, name, text)
        return text

    def _(self, msgid: str, **values: object) -> str:
        return self.messages.gettext(msgid, **values)

    # ------------------------------------------------------------ vocabulary

    def audience(self, audience: str) -> str:
        return self._(AUDIENCE[audience])

    def region(self, region) -> str:
        return self._(REGION_LABELS[region])

    def regions(self, regions) -> str:
        return ", ".join(self.region(r) for r in regions)

    def hand_use(self, hand_use) -> str:
        return self._(HAND_USE_LABELS[hand_use])

    def hand_uses(self, hand_uses) -> str:
        return ", ".join(self.hand_use(h) for h in hand_uses)

    def motions(self, motions) -> str:
        return ", ".join(self._(MOTION_LABELS[m]) for m in motions)

    def step_facts(self, step) -> list[tuple[str, str]]:
        """(label, value) for what a step says about hand, pressure, movement, time and place,
        in the order the handout and its HTML twin print them; facts the step lacks are left out."""
        facts = [(self.USE, step.hand_use and self.hand_uses(step.hand_use)),
                 (self.PRESSURE, step.pressure and self.pressure(step.pressure)),
                 (self.MOVE, step.motion and self.motions(step.motion)),
                 (self.HOW_LONG, step.dosage and self.dosage(step.dosage)),
                 (self.WHERE, step.regions and self.regions(step.regions))]
        return [(name, value) for name, value in facts if value]

    def tool(self, tool) -> str:
        return self._(TOOL_LABELS[tool])

    def pressure(self, level) -> str:
        return self._(PRESSURE_WORDS[getattr(level, "value", level)])

    def pressure_level(self, level) -> str:
        return self._(PRESSURE_LEVEL, level=self.pressure(level))

    def colon(self, label: str) -> str:
        return self._(COLON, label=label)

    def with_dosage(self, dosage: str | None, note: str | None) -> str | None:
        """A personal note with the personal dosage, when there is one, as its first line."""
        if not dosage:
            return note
        first = f"{self.colon(self._(YOUR_DOSAGE))} {dosage}"
        return first + (f"\n{note}" if note else "")

    def continued(self, title: str) -> str:
        return self._(CONTINUED, title=title)

    def page_of(self, page: int, pages: int) -> str:
        return self._(PAGE_OF, page=self.number(page), pages=self.number(pages))

    # ------------------------------------------------------------ numbers and dates

    def number(self, value: float | str) -> str:
        """A number as the language writes it ('1.5' is '1,5' in Spanish and French)."""
        from babel.numbers import format_decimal

        return format_decimal(float(value), locale=self.messages.locale or "en")

    def _numbers(self, text: str) -> str:
        return _NUMBER.sub(lambda m: self.number(m.group()), text)

    def amount(self, amount: Amount) -> str:
        """An amount from a dosage ('3', '3–5', 'a few') in this language."""
        if amount.text in VAGUE_WORDS:
            return self._(VAGUE_WORDS[amount.text])
        return self._numbers(amount.text)

    def duration(self, duration: Duration) -> str:
        if duration.text in VAGUE_WORDS:
            return self._(VAGUE_WORDS[duration.text])
        return _UNIT.sub(lambda m: self._(UNIT_WORDS[m.group()]), self._numbers(duration.text))

    def vague_seconds(self, amount: Amount) -> str:
        """A vague hold ('a few') as a number of seconds in words ('unos segundos')."""
        return self._(VAGUE_WORDS[f"{amount.text} seconds"])

    def date(self, text: str) -> str:
        """A date given as '2026-11-26' in this language's long form; any other text as written."""
        if _ISO_DATE.match(text.strip()):
            try:
                return self.messages.long_date(date.fromisoformat(text.strip()))
            except ValueError:
                return text
        return text

    # ------------------------------------------------------------ plural phrases

    def times_a_day(self, amount: Amount) -> str:
        return self.messages.ngettext("{n} time a day", "{n} times a day", _count(amount),
                                      shown=self.amount(amount))

    def days_a_week(self, amount: Amount) -> str:
        if amount.text in DAYS_VAGUE:
            return self._(DAYS_VAGUE[amount.text])
        return self.messages.ngettext("{n} day a week", "{n} days a week", _count(amount),
                                      shown=self.amount(amount))

    def tracking_intro(self, often: str | None) -> str:
        """The tick log's first line, with the routine's own frequency when it gives one."""
        return self._(TRACKING_INTRO, often=often) if often else self._(TRACKING_INTRO_PLAIN)

    def dosage(self, d: Dosage) -> str:
        """A step's dosage in a few words, for step facts and cards: '1 min each side', '3–5 times'."""
        parts: list[str] = []
        if d.duration:
            parts.append(self.duration(d.duration))
        if d.repetitions:
            parts.append(self._(N_("once")) if d.repetitions.text == "1" else
                         self.messages.ngettext("{n} time", "{n} times", _count(d.repetitions),
                                                shown=self.amount(d.repetitions)))
        if d.hold_seconds:
            held = HOLD_VAGUE.get(d.hold_seconds.text)
            parts.append(self._(held) if held else self._(N_("hold {n} sec"), n=self.amount(d.hold_seconds)))
        text = ", ".join(parts)
        if d.per_side:
            text = self._(N_("{dosage} each side"), dosage=text) if text else self._(N_("each side"))
        freq = []
        if d.times_per_day:
            freq.append(self._(N_("{n}× a day"), n=self.amount(d.times_per_day)))
        if d.days_per_week:
            freq.append(self.days_a_week(d.days_per_week))
        if freq:
            text = self._(THEN, first=text, then=", ".join(freq)) if text else ", ".join(freq)
        return text


def _count(amount: Amount) -> int:
    """The number a phrase agrees with: the top of a range ('3–5 times'), 2 or more for 'a few'."""
    return int(amount.high) if float(amount.high).is_integer() else 2


# The printer's registration test sheet (no routine, so the reader's language is the clinic's).
CALIBRATION_FRONT = N_("Card {n} front: row {row}, column {column}")
CALIBRATION_BACK = N_("Card {n} back: behind front row {row}, column {column}")
CALIBRATION_LIGHT = N_("Hold to the light: both crosshairs should meet.")
CALIBRATION_RINGS_LONG = N_("Rings 1, 2, 3 mm · flip on the long edge")
CALIBRATION_RINGS_SHORT = N_("Rings 1, 2, 3 mm · flip on the short edge")
# Bookmarks of a class's combined PDF.
BOOKMARK_HANDOUT = N_("{student} — {routine} ({layout})")
BOOKMARK_CARDS = N_("Cards ({layout})")


def for_language(language: str) -> Labels:
    """The labels of a document in ``language`` (a routine's ``language`` field)."""
    return Labels(messages_for(language))


def english() -> Labels:
    return for_language("en")
