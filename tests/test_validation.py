"""Broken input is reported all at once, as ``file:line: field: message`` lines, exit code 1.

The table of broken files lives in ``tests/cases/invalid/`` (see conftest.py);
the tests below run each case through the CLI and check the wording rules
that apply to every message.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import pytest

from handouts.cli import app
from handouts.errors import HandoutsError
from handouts.models import Clinic, Routine, Step
from handouts.validation import validate
from handouts.yamlio import load_yaml

# Words that mean a programmer's message reached a user.
JARGON = (
    "Traceback", "Input should", "validation error", "Value error", "type=", "pydantic",
    "For further information", "mapping of keys", "<unicode string>", "NoneType", "dict", "str ",
    "CommentedMap", "TaggedScalar", "block end", "scalar", "Error:",
)

PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+?)(?::(?P<line>\d+))?: (?:(?P<field>[\w\[\].-]+): )?(?P<message>\S.*)$")
SUMMARY_LINE = re.compile(r"^(?P<count>\d+) problems? found\.$")


def test_broken_file(invalid_case, runner, monkeypatch, update_expected):
    monkeypatch.chdir(invalid_case.folder)
    result = runner.invoke(app, invalid_case.args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail("traceback escaped:\n" + "".join(traceback.format_exception(result.exception)))
    if update_expected:
        invalid_case.expected_path.write_text(result.stderr, encoding="utf-8")
    expected = invalid_case.expected_path.read_text(encoding="utf-8")
    assert result.stderr == expected
    assert result.exit_code == invalid_case.exit_code
    assert result.stdout == ""


def test_broken_file_messages_follow_the_rules(invalid_case):
    """Every case's expected output is well-formed and plain, so a careless
    ``--update-expected`` cannot bless a traceback or a pydantic message."""
    lines = invalid_case.expected_path.read_text(encoding="utf-8").splitlines()
    assert lines, "expected.txt is empty"
    *problems, summary = lines
    count = SUMMARY_LINE.match(summary)
    assert count and int(count["count"]) == len(problems) >= 1
    assert len(set(problems)) == len(problems), "a problem is reported twice"
    parsed = []
    for text in problems:
        m = PROBLEM_LINE.match(text)
        assert m, f"not 'file:line: field: message': {text!r}"
        for word in JARGON:
            assert word not in m["message"], f"jargon {word!r} in {text!r}"
        assert not Path(m["file"]).is_absolute(), text
        parsed.append((m["file"], int(m["line"]) if m["line"] else 0))
    # within each file, problems come in line order
    for name in {f for f, _ in parsed}:
        numbers = [n for f, n in parsed if f == name]
        assert numbers == sorted(numbers), f"{name}: problems not in line order"


# ---------------------------------------------------------------- the API under the CLI


def write(tmp_path: Path, text: str, name: str = "routine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (Path(__file__).parent / "cases" / "content-good" / "neck-ease.yaml").read_text(encoding="utf-8")


def test_valid_routine_becomes_a_model(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    routine = validate(load_yaml(write(tmp_path, GOOD)), Routine)
    assert routine.id == "neck-ease"
    assert [s.title for s in routine.steps] == ["Warm up the neck", "Press and release"]


def test_all_problems_of_a_file_at_once_in_line_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = (GOOD.replace("audience: self", "audience: nobody")
                .replace("time: 5 min", "time: whenever")
                .replace("    pressure: light", "    pressure: heavy"))
    with pytest.raises(HandoutsError) as info:
        validate(load_yaml(write(tmp_path, text)), Routine)
    problems = info.value.problems
    assert [(p.line, p.field) for p in problems] == [
        (4, "audience"), (5, "time"), (12, "steps[1].pressure"),
    ]
    assert all(p.file == "routine.yaml" for p in problems)


def test_misspelt_required_key_is_one_problem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = GOOD.replace("    instruction: Press gently", "    instructoin: Press gently")
    with pytest.raises(HandoutsError) as info:
        validate(load_yaml(write(tmp_path, text)), Routine)
    assert [str(p) for p in info.value.problems] == [
        "routine.yaml:15: steps[2].instructoin: unknown key 'instructoin'; did you mean 'instruction'?"
    ]


def test_part_of_a_file_is_located_in_the_whole_file(tmp_path, monkeypatch):
    """``base`` validates one block of a bigger file; lines and fields stay those of the file."""
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "routines:\n  - title: Warm up\n    instruction: Rub your hands.\n    pressure: hrad\n")
    located = load_yaml(path)
    with pytest.raises(HandoutsError) as info:
        validate(located, Step, base=("routines", 0))
    assert [str(p) for p in info.value.problems] == [
        "routine.yaml:4: routines[1].pressure: 'hrad' is not allowed; choose one of: light, moderate, firm"
    ]


def test_clinic_needs_logo_alt_with_a_logo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(HandoutsError) as info:
        validate(load_yaml(write(tmp_path, "name: Riverside\nlogo: logo.png\n", "clinic.yaml")), Clinic)
    assert [str(p) for p in info.value.problems] == [
        "clinic.yaml:1: logo_alt: is required with a logo; say what the logo shows"
    ]
    clinic = validate(load_yaml(write(tmp_path, "name: Riverside\nlogo: logo.png\nlogo_alt: A river\n", "clinic.yaml")), Clinic)
    assert clinic.logo_alt == "A river"


@pytest.mark.parametrize("data, message", [
    ("", "the file is empty; it should hold 'key: value' lines (name:, ...)"),
    ("- name: Riverside\n", "should hold 'key: value' lines (name:, ...), not a list"),
    ("Riverside\n", "should hold 'key: value' lines (name:, ...), not 'Riverside'"),
])
def test_file_that_is_not_key_value_lines(tmp_path, monkeypatch, data, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(HandoutsError) as info:
        validate(load_yaml(write(tmp_path, data, "clinic.yaml")), Clinic)
    assert [p.message for p in info.value.problems] == [message]
