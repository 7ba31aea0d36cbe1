"""Every label a handout prints around the routine's own text, in one place.

The PDF and the HTML twin take their headings and field names from here, so
the two say the same thing and one catalog can later translate both.
"""

from __future__ import annotations

AUDIENCE = {"self": "Do it yourself", "partner": "With a partner", "clinician": "For clinicians"}

# Section headings and box titles.
SAFETY = "Safety first"
SAFETY_CONTINUED = "Safety first (continued)"
STEPS = "Steps"
WHAT_YOU_NEED = "What you need"
ASSESSMENT = "Before you start: assess"
HAND_TIPS = "Using your hands"
TIPS = "Good to know"
GLOSSARY = "Words to know"
TRACKING = "Track your practice"
NOTES = "Notes"
LEGEND = "What the pictures mean"
SOURCE = "Source"
PERSONAL = "About this handout"

# Groups inside the safety box.
CAUTIONS = "Take care"
RED_FLAGS = "Stop and seek care if…"
CONTRAINDICATIONS = "Do not do this routine if…"
SEEK_CARE = "See a doctor"

# Rows of "What you need".
TIME = "Time"
POSITION = "Position"
EQUIPMENT = "You need"
SETUP = "Get ready"

# Personal details.
PREPARED_FOR = "Prepared for"
BY = "By"
DATE = "Date"

# A step's facts.
USE = "Use"
PRESSURE = "Pressure"
MOVE = "Move"
HOW_LONG = "How long"
WHERE = "Where"
CAUTION = "Caution"

# Tracking log.
DAY = "Day"
DONE = "Done"
TIME_N = "Time {n}"
ONCE_A_DAY = "once a day"
TIMES_A_DAY = "{n} times a day"
TRACKING_INTRO = "Tick a box each time you do the routine ({often})."

# Legend and source line.
PRESSURE_LEVEL = "{level} pressure"
BY_AUTHOR = "by {author}"
VIDEO = "Video"
WEB = "Web page"
STEP_VIDEO = "Video of this step"
NOTES_EMPTY = "Space for your own notes."
CONTACT = "Contact"
STEP_PICTURE = "Step {n}: {text}"
"""Accessible name of a step picture whose routine gives no alt text."""

# Pocket cards (the safety groups above are shared).
CARD_STEP_CAUTIONS = "At these steps"
CARD_SUMMARY = "Take care"
CARD_CONTINUED = "(continued)"
CARD_SEE_A_DOCTOR = "See a doctor:"
CARD_FULL_ADVICE = "Full safety advice in your handout."
CARD_STEP_ONE = "Step {number}"
CARD_STEP_MANY = "Steps {numbers}"
CARD_FROM_SOURCE = "From: {source}"
CARD_VIDEO = "Video:"
CARD_WEB = "More:"
CARD_STEP_VIDEO = "Step {number} video:"

# Clinic sheets (the headings, safety groups and facts above are shared).
SHEET_CONTINUED = "(continued)"
SHEET_CONTACT = "Questions? Contact us"
SHEET_VIDEO = "Watch the video"
SHEET_WEB = "Read more on the web"


DAYS_A_WEEK = "{n} days a week"
TRACKING_INTRO_PLAIN = "Tick a box each time you do the routine."


def tracking_intro_for(often: str | None) -> str:
    """The tick log's first line, with the routine's own frequency when it gives one."""
    return TRACKING_INTRO.format(often=often) if often else TRACKING_INTRO_PLAIN


def tracking_intro(per_day: int) -> str:
    often = ONCE_A_DAY if per_day == 1 else TIMES_A_DAY.format(n=per_day)
    return TRACKING_INTRO.format(often=often)
