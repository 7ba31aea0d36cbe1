"""Content past the model's limits is refused quickly, by file, line and field."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handouts.cli import app

GOOD = Path(__file__).resolve().parents[1] / "cases" / "content-good" / "neck-ease.yaml"


def build(tmp_path: Path, text: str):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "neck-ease.yaml").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["build", "--content", str(tmp_path / "content"), "-l", "handout-a4",
                                      "--out", str(tmp_path / "out")])
    assert time.perf_counter() - started < 10
    assert not (tmp_path / "out").exists()
    return result


@pytest.mark.parametrize("edit, line", [
    (lambda t: t.replace("title: Ease a stiff neck", "title: " + "A" * 100_000), "neck-ease.yaml:2: title: is too long (100000 characters; at most 120)"),
    (lambda t: t.replace("position: Sit on a chair with your back supported.", "position: " + "word " * 400),
     "neck-ease.yaml:6: position: is too long (1999 characters; at most 1000)"),
    (lambda t: t.replace("steps:\n", "steps:\n" + "  - {title: Again, instruction: Breathe.}\n" * 50, 1),
     "neck-ease.yaml:8: steps: has too many items (at most 50)"),
    (lambda t: t.replace("    pressure: light\n", "    pressure: light\n    brief: " + "x" * 200 + "\n", 1),
     "neck-ease.yaml:13: steps[1].brief: is too long (200 characters; at most 120)"),
    (lambda t: t.replace("    pressure: light\n", "    pressure: light\n    brief: " + "Rub. " * 3 + "\n", 1),
     "neck-ease.yaml:13: steps[1].brief: has 3 sentences; keep it to 1"),
    (lambda t: t.replace("source:\n", "web_url: https://example.org/" + "a" * 400 + "\nsource:\n", 1),
     "neck-ease.yaml:22: web_url: is too long (420 characters; at most 300)"),
    (lambda t: t.replace("  red_flags:\n", "  card_summary: [" + ", ".join(["Be gentle."] * 7) + "]\n  red_flags:\n", 1),
     "neck-ease.yaml:19: safety.card_summary: has too many items (at most 6)"),
    (lambda t: t.replace("  red_flags:\n", "  card_summary: [" + "y" * 200 + "]\n  red_flags:\n", 1),
     "neck-ease.yaml:19: safety.card_summary[1]: is too long (200 characters; at most 160)"),
    (lambda t: t.replace("source:\n", "translation_of: nowhere\nsource:\n", 1),
     "neck-ease.yaml:22: translation_of: names 'nowhere', which is not a routine here; give the id of the "
     "routine this one translates"),
])
def test_content_past_a_limit_is_refused_at_once(tmp_path, edit, line):
    result = build(tmp_path, edit(GOOD.read_text(encoding="utf-8")))
    assert result.exit_code == 1
    assert any(printed.endswith(line) for printed in result.stderr.splitlines()), result.stderr
