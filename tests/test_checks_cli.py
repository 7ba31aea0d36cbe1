"""`handouts check` through the command line: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handouts.cli import app

CASES = Path(__file__).parent / "cases" / "checks"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["check", *args])


def case(name: str) -> str:
    return str(CASES / f"{name}.yaml")


@pytest.mark.parametrize("strict", [[], ["--strict"]])
def test_clean_routine_exits_0(strict):
    result = run(case("good"), *strict)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("good  (")
    assert "0 error(s), 0 warning(s)." in result.output


def test_warning_exits_0_but_1_with_strict():
    assert run(case("undefined-term")).exit_code == 0
    result = run(case("undefined-term"), "--strict")
    assert result.exit_code == 1
    assert "undefined-term: uses 'effleurage' without a definition" in result.output


def test_broken_safety_rule_exits_1_without_strict():
    result = run(case("firm-front-neck"))
    assert result.exit_code == 1
    assert "firm-front-neck" in result.output


def test_waived_rule_exits_0_even_with_strict():
    assert run(case("waived"), "--strict").exit_code == 0


def test_unknown_waiver_exits_1():
    result = run(case("unknown-waiver"))
    assert result.exit_code == 1
    assert "waiver names unknown rule 'firm-neck'" in result.output


def test_json_report_is_machine_readable():
    result = run(case("good"), case("seek-care"), "--json")
    assert result.exit_code == 1  # seek-care breaks a rule
    data = json.loads(result.output)
    assert data["version"] == 2
    assert [r["id"] for r in data["routines"]] == ["good", "seek-care"]
    assert data["summary"] == {"routines": 2, "errors": 1, "warnings": 0}


def test_folder_of_routines_is_checked():
    result = run(str(CASES), "--json")
    ids = {r["id"] for r in json.loads(result.output)["routines"]}
    assert {"good", "neck-cautions", "waived"} <= ids
    assert result.exit_code == 1


def test_missing_path_and_unknown_layout_are_user_errors():
    result = run("no/such/file.yaml")
    assert result.exit_code == 1
    assert "no/such/file.yaml: path does not exist" in result.output
    result = run(case("good"), "--layout", "nope")
    assert result.exit_code == 1
    assert "unknown layout 'nope'" in result.output
