"""Options and environment values a user can get wrong: each refused by name, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from handouts.cli import app

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "content"


def build(tmp_path: Path, *args: str, env: dict | None = None):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", "partner-neck", "--content", str(SHIPPED), "--out", str(out), *args],
                                env=env)
    return result, out


@pytest.mark.parametrize("value, message", [
    ("x" * 5000, "--also: '" + "x" * 40 + "…' is not a language code; give one such as es or fr"),
    ("", "--also: '' is not a language code; give one such as es or fr"),
    ("../../etc", "--also: '../../etc' is not a language code; give one such as es or fr"),
    ("es\x1b[2J", "--also: 'es\\x1b[2J' is not a language code; give one such as es or fr"),
    ("en", "--also: 'en' is the language of partner-neck already; name the other language to print beside it"),
    ("de", "--also: partner-neck has no translation into 'de'"),
])
def test_a_second_language_that_cannot_be_is_refused_by_name(tmp_path, value, message):
    result, out = build(tmp_path, "-l", "bilingual-a4", "--also", value)
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output) < 1000, "a huge value is not repeated back whole"
    assert not out.exists() or not list(out.iterdir())


def test_a_second_language_with_a_one_language_layout_is_refused(tmp_path):
    result, out = build(tmp_path, "-l", "handout-a4", "--also", "es")
    assert result.exit_code == 1
    assert "--also: layout 'handout-a4' prints one language; choose a bilingual layout" in result.output
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.parametrize("value", ["maybe", "x" * 10_000, "0"])
def test_the_reuse_switch_takes_only_on_or_off(tmp_path, value):
    result, out = build(tmp_path, "-l", "handout-a4", "--for", "Ana", env={"HANDOUTS_REUSE": value})
    assert result.exit_code == 1
    assert "HANDOUTS_REUSE: must be 'on' or 'off', not " in result.output
    assert len(result.output) < 1000
    assert not out.exists() or not list(out.iterdir())
