"""Shared test set-up: the CLI runner and the data-driven broken-file cases.

Every folder under ``tests/cases/invalid/`` is one case: the input files, a
``case.yaml`` (``args`` for the CLI, ``exit_code``; its comment says what the
case is about) and ``expected.txt``, the exact text the CLI must print on
stderr. Adding a folder adds a test; nothing here needs editing.

``pytest --update-expected`` rewrites ``expected.txt`` from the current output;
use it only on purpose, then read every changed message as a user would.
``pytest --update-golden`` rewrites the reference page images under
``tests/golden/`` (see test_golden.py); look at every changed PNG first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASES = TESTS / "cases"
INVALID = CASES / "invalid"


@dataclass(frozen=True)
class CliCase:
    """One broken-input case folder; its ``case.yaml`` is read when a test first asks for it.

    Collection names the cases by folder alone, so a case file that does not
    parse fails its own test instead of stopping the whole run from collecting."""

    folder: Path

    @cached_property
    def spec(self) -> dict:
        return YAML(typ="safe").load((self.folder / "case.yaml").read_text(encoding="utf-8"))

    @property
    def args(self) -> list[str]:
        return [str(a) for a in self.spec["args"]]

    @property
    def exit_code(self) -> int:
        return int(self.spec.get("exit_code", 1))

    @property
    def expected_path(self) -> Path:
        return self.folder / "expected.txt"


def load_case(folder: Path) -> CliCase:
    return CliCase(folder=folder)


def invalid_cases() -> list[CliCase]:
    """Every case folder, found by name: nothing is read at collection time."""
    return [load_case(d) for d in sorted(INVALID.iterdir()) if (d / "case.yaml").is_file()]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-expected",
        action="store_true",
        default=False,
        help="rewrite tests/cases/invalid/*/expected.txt from the current CLI output",
    )
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.png from the current rendering",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "invalid_case" in metafunc.fixturenames:
        cases = invalid_cases()
        metafunc.parametrize("invalid_case", cases, ids=[c.folder.name for c in cases])


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def update_expected(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-expected"))
