"""The personal details of a form (name, date, clinician, note, dosage), held to the command line's rules.

They are validated as ``handouts build --for/--date/--clinician/--note`` validates
them (the same model, the same messages), and a personal dosage goes first in
the note as a roster's ``dosage`` column does, so a handout made in the browser
reads like one made by a batch.
"""

from __future__ import annotations

from ..batch.plan import _note as with_dosage
from ..errors import HandoutsError
from ..models import Personalisation
from ..text import glyph_problems
from ..validation import validate_value
from .forms import Errors
from .settings import MAX_DOSAGE

OPTIONS = ("for_name", "date", "clinician", "note")
"""The fields of :class:`~handouts.models.Personalisation`, each a form field of the same name."""
FIELDS = {*OPTIONS, "dosage"}


def personal_details(errors: Errors, values: dict, language: str = "en") -> Personalisation | None:
    """The personal box's details, validated as ``--for``/``--date``/``--clinician``/``--note`` are;
    a personal dosage goes first in the note, as a roster's ``dosage`` column does."""
    dosage = values.get("dosage")
    if dosage is not None and len(dosage) > MAX_DOSAGE:
        errors.say("dosage", "too-long", n=len(dosage), limit=MAX_DOSAGE)
    # Characters no font prints, found now so they are shown with every other field's problem.
    typed = {k: values.get(k) for k in sorted(FIELDS) if values.get(k)}
    errors.add_problems(glyph_problems(typed, "--for/--note"), FIELDS)
    names = {k: k for k in OPTIONS}
    try:
        validate_value(Personalisation, {k: values.get(k) for k in OPTIONS}, names)  # each field as typed
        return validate_value(Personalisation, {k: values.get(k) for k in OPTIONS}
                              | {"note": with_dosage(dosage, values.get("note"), language)}, names)
    except HandoutsError as exc:
        errors.add_problems(exc.problems, FIELDS)
        return None
