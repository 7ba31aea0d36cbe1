"""Content models: amounts, times, dosage wording and the shape of a routine."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML

from handouts.models import (
    AmountField,
    Clinic,
    Dosage,
    DurationField,
    Routine,
    Safety,
    Step,
)

AMOUNT = TypeAdapter(AmountField)
DURATION = TypeAdapter(DurationField)
GOOD_DIR = Path(__file__).parent / "cases" / "content-good"


def good(name: str) -> dict:
    return YAML(typ="safe").load((GOOD_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize("value, low, high, text", [
    (3, 3, 3, "3"),
    (2.5, 2.5, 2.5, "2.5"),
    ("4", 4, 4, "4"),
    ("3-5", 3, 5, "3–5"),
    ("3 - 5", 3, 5, "3–5"),
    ("3–5", 3, 5, "3–5"),
    ("3 to 5", 3, 5, "3–5"),
    ("10-20", 10, 20, "10–20"),
    ("5-5", 5, 5, "5"),
    ("a few", 2, 3, "a few"),
    ("Several", 3, 5, "several"),
    (" A Few ", 2, 3, "a few"),
])
def test_amount(value, low, high, text):
    amount = AMOUNT.validate_python(value)
    assert (amount.low, amount.high, amount.text, str(amount)) == (low, high, text, text)


@pytest.mark.parametrize("value, message", [
    (0, "must be more than zero"),
    (-2, "must be more than zero"),
    ("0-5", "range must be positive and low to high, e.g. 3-5"),
    ("5-3", "range must be positive and low to high, e.g. 3-5"),
    ("lots", "'lots' should be a number, a range such as 3-5, 'a few' or 'several'"),
    ("3-", "'3-' should be a number, a range such as 3-5, 'a few' or 'several'"),
    (True, "should be a number, a range such as 3-5, 'a few' or 'several'"),
])
def test_amount_errors(value, message):
    with pytest.raises(ValidationError) as info:
        AMOUNT.validate_python(value)
    assert info.value.errors()[0]["msg"] == message


@pytest.mark.parametrize("value", ["9" * 400, 10_001, "3-20000"])
def test_amount_of_absurd_size_is_refused(value):
    with pytest.raises(ValidationError) as info:
        AMOUNT.validate_python(value)
    assert info.value.errors()[0]["msg"] == "is too large; at most 10,000"


# ---------------------------------------------------------------- durations


@pytest.mark.parametrize("value, low, high, text", [
    ("30 sec", 30, 30, "30 sec"),
    ("30s", 30, 30, "30 sec"),
    ("45 seconds", 45, 45, "45 sec"),
    ("1 min", 60, 60, "1 min"),
    ("1.5 minutes", 90, 90, "1.5 min"),
    ("2 hours", 7200, 7200, "2 h"),
    ("5-10 min", 300, 600, "5–10 min"),
    ("5 - 10 mins", 300, 600, "5–10 min"),
    ("10 to 20 seconds", 10, 20, "10–20 sec"),
    ("30 sec - 2 min", 30, 120, "30 sec–2 min"),
    ("5 MIN", 300, 300, "5 min"),
    ("a few seconds", 3, 5, "a few seconds"),
    ("several minutes", 180, 300, "several minutes"),
    ("about a minute", 60, 60, "about a minute"),
])
def test_duration(value, low, high, text):
    d = DURATION.validate_python(value)
    assert (d.low_seconds, d.high_seconds, d.text, str(d)) == (low, high, text, text)


@pytest.mark.parametrize("value, message", [
    ("0 min", "must be more than zero"),
    ("5 min - 30 sec", "must be positive and written low to high, e.g. '5-10 min'"),
    ("10-5 min", "must be positive and written low to high, e.g. '5-10 min'"),
    ("5", "'5' is not a time; write e.g. '30 sec', '1 min', '5-10 min', 'a few seconds'"),
    (5, "'5' is not a time; write e.g. '30 sec', '1 min', '5-10 min', 'a few seconds'"),
    ("5 parsecs", "'5 parsecs' is not a time; write e.g. '30 sec', '1 min', '5-10 min', 'a few seconds'"),
    ("soon", "'soon' is not a time; write e.g. '30 sec', '1 min', '5-10 min', 'a few seconds'"),
])
def test_duration_errors(value, message):
    with pytest.raises(ValidationError) as info:
        DURATION.validate_python(value)
    assert info.value.errors()[0]["msg"] == message


# ---------------------------------------------------------------- dosage


@pytest.mark.parametrize("fields, text", [
    ({"duration": "1 min"}, "1 min"),
    ({"duration": "1 min", "per_side": True}, "1 min each side"),
    ({"repetitions": 1}, "once"),
    ({"repetitions": "3-5"}, "3–5 times"),
    ({"repetitions": "a few"}, "a few times"),
    ({"hold_seconds": "10-20"}, "hold 10–20 sec"),
    ({"hold_seconds": "a few"}, "hold a few seconds"),
    ({"repetitions": 3, "hold_seconds": 10, "per_side": True}, "3 times, hold 10 sec each side"),
    ({"duration": "5 min", "times_per_day": 3}, "5 min; 3× a day"),
    ({"times_per_day": 2, "days_per_week": "5-7"}, "2× a day, 5–7 days a week"),
])
def test_dosage_compact(fields, text):
    assert Dosage(**fields).compact() == text


@pytest.mark.parametrize("fields", [{}, {"per_side": True}])
def test_dosage_must_say_something(fields):
    with pytest.raises(ValidationError) as info:
        Dosage(**fields)
    assert info.value.errors()[0]["type"] == "empty_dosage"


# ---------------------------------------------------------------- steps and routines


def test_text_is_folded_to_one_line():
    step = Step(title="  Warm   up ", instruction="Rub your hands\ntogether.\n")
    assert (step.title, step.instruction) == ("Warm up", "Rub your hands together.")


@pytest.mark.parametrize("instruction, ok", [
    ("One. Two. Three.", True),
    ("One. Two. Three. Four.", False),
    ("Press with about 2.5 kg. Hold it. Let go.", True),
])
def test_instruction_has_at_most_three_sentences(instruction, ok):
    if ok:
        Step(title="Press", instruction=instruction)
    else:
        with pytest.raises(ValidationError) as info:
            Step(title="Press", instruction=instruction)
        assert info.value.errors()[0]["msg"] == "has 4 sentences; keep it to 3 and move the rest into actions"


def test_step_title_length_limit():
    Step(title="x" * 60, instruction="Do it.")
    with pytest.raises(ValidationError) as info:
        Step(title="x" * 61, instruction="Do it.")
    assert info.value.errors()[0]["ctx"]["max_length"] == 60


def test_all_steps_across_phases_in_reading_order():
    routine = Routine.model_validate(good("shoulder-rub"))
    assert [s.title for s in routine.all_steps] == [
        "Glide over the shoulders",
        "Knead the top of the shoulders",
        "Finish with light strokes",
    ]
    groups = routine.grouped_steps()
    assert [(p.title, len(steps)) for p, steps in groups] == [("Warm up", 1), ("Work", 2)]


def test_all_steps_without_phases():
    routine = Routine.model_validate(good("neck-ease"))
    assert [s.title for s in routine.all_steps] == ["Warm up the neck", "Press and release"]
    assert routine.grouped_steps() == [(None, list(routine.steps))]
    assert routine.steps[0].dosage.compact() == "1 min"


def test_steps_or_phases_not_both_and_not_neither():
    data = good("neck-ease")
    data["phases"] = [{"title": "Prepare", "steps": [{"title": "Sit", "instruction": "Sit down."}]}]
    with pytest.raises(ValidationError) as info:
        Routine.model_validate(data)
    assert info.value.errors()[0]["type"] == "steps_and_phases"
    data = good("neck-ease")
    data["steps"] = []
    with pytest.raises(ValidationError) as info:
        Routine.model_validate(data)
    assert info.value.errors()[0]["type"] == "no_steps"


def test_unknown_keys_are_refused_everywhere():
    data = good("neck-ease")
    data["steps"][0]["presure"] = "light"
    with pytest.raises(ValidationError) as info:
        Routine.model_validate(data)
    assert [(e["type"], e["loc"]) for e in info.value.errors()] == [("extra_forbidden", ("steps", 0, "presure"))]


def test_models_are_frozen():
    routine = Routine.model_validate(good("neck-ease"))
    with pytest.raises(ValidationError):
        routine.title = "Changed"


def test_safety_lines_in_order():
    safety = Safety(cautions=["Go gently."], red_flags=["Stop if dizzy."], contraindications=["Not after surgery."],
                    seek_care="See a doctor if pain lasts.")
    assert safety.all_lines() == ["Go gently.", "Stop if dizzy.", "Not after surgery.", "See a doctor if pain lasts."]


def test_clinic_contact_lines_skip_what_is_missing():
    clinic = Clinic(name="Riverside", phone="555 0100", web="riverside.example")
    assert clinic.contact_lines() == ["555 0100", "riverside.example"]


def test_schema_documents_every_field():
    """The JSON Schema is the authors' reference: every property of every model says what it is for."""
    schema = Routine.model_json_schema()
    blocks = [schema, *schema.get("$defs", {}).values()]
    for block in blocks:
        for name, prop in block.get("properties", {}).items():
            assert prop.get("description"), f"{block.get('title')}.{name} has no description"


def test_duration_of_absurd_size_is_refused():
    from handouts.models import _parse_duration

    from pydantic_core import PydanticCustomError

    for text in ["9" * 400 + " min", "25 hours", "1-90000 sec"]:
        with pytest.raises(PydanticCustomError, match="is too large; at most 24 hours"):
            _parse_duration(text)
