"""An unchanged rerun is recognised from file bytes alone; any change takes the full path."""

from __future__ import annotations

import shutil

import pytest

from handouts import batch as batch_module
from handouts import batch_state
from handouts.batch import run_batch
from handouts.batch_state import Shard, previous_run_stands

from test_batch import CASE, manifest, roster


class Quiet:
    def begin(self, *a) -> None: ...
    def item(self, *a) -> None: ...
    def end(self, *a) -> None: ...


@pytest.fixture
def done(tmp_path):
    """A finished batch of three in its own copy of the test content and layouts."""
    shutil.copytree(CASE / "content", tmp_path / "content")
    shutil.copytree(CASE / "layouts", tmp_path / "layouts")
    (tmp_path / "content" / "broken-routine.yaml").unlink()
    csv = roster(tmp_path, "name\nAna\nBen\nCara\n")
    path = manifest(tmp_path, csv)
    text = path.read_text().replace(str(CASE / "content"), "content").replace(str(CASE / "layouts"), "layouts")
    path.write_text(text)
    summary = run_batch(path, jobs=1, reporter=Quiet())
    assert summary.built == 3 and summary.failed == 0
    return path


def test_unchanged_rerun_needs_no_models(done, monkeypatch):
    def no_loading(*a, **k):
        raise AssertionError("an unchanged rerun must not load the batch")

    monkeypatch.setattr(batch_module, "load_batch", no_loading)
    summary = run_batch(done, jobs=1, reporter=Quiet())
    assert (summary.total, summary.skipped, summary.built, summary.failed) == (3, 3, 0, 0)


@pytest.mark.parametrize("change", [
    "roster", "routine", "layout", "manifest", "new content file", "output replaced", "output deleted",
    "temporary file left", "tool changed",
])
def test_any_change_takes_the_full_path(done, monkeypatch, change):
    folder = done.parent
    out = folder / "out"
    if change == "roster":
        (folder / "roster.csv").write_text("name\nAna\nBen\nCarla\n")
    elif change == "routine":
        f = folder / "content" / "tiny-stretch.yaml"
        f.write_text(f.read_text() + "\n# a comment changes the bytes\n")
    elif change == "layout":
        f = next((folder / "layouts").glob("*.yaml"))
        f.write_text(f.read_text() + "\n# edited\n")
    elif change == "manifest":
        done.write_text(done.read_text() + "note: Bring water.\n")
    elif change == "new content file":
        (folder / "content" / "another.yaml").write_text("id: another\n")
    elif change == "output replaced":
        next(out.glob("*.pdf")).write_bytes(b"%PDF-1.4 not really")
    elif change == "output deleted":
        next(out.glob("*.pdf")).unlink()
    elif change == "temporary file left":
        name = next(out.glob("*.pdf")).name
        (out / f".{name}.abc123.part").write_bytes(b"half")
    elif change == "tool changed":
        monkeypatch.setattr(batch_state, "tool_fingerprint", lambda: "another version")
    assert previous_run_stands(done, Shard(), combined=False) is None


def test_other_options_are_not_the_same_run(done):
    assert previous_run_stands(done, Shard(), combined=False) is not None
    assert previous_run_stands(done, Shard(), combined=True) is None
    assert previous_run_stands(done, Shard(0, 2), combined=False) is None


def test_a_run_with_failures_records_no_shortcut(tmp_path):
    csv = roster(tmp_path, "name,copies\nAna,1\nBen,lots\n")
    path = manifest(tmp_path, csv)
    summary = run_batch(path, jobs=1, reporter=Quiet())
    assert summary.failed == 1
    assert previous_run_stands(path, Shard(), combined=False) is None
    again = run_batch(path, jobs=1, reporter=Quiet())
    assert again.failed == 1, "the failure is reported again, not hidden by a shortcut"


def test_a_later_failure_withdraws_the_shortcut(done):
    assert previous_run_stands(done, Shard(), combined=False) is not None
    (done.parent / "roster.csv").write_text("name,copies\nAna,1\nBen,lots\nCara,1\n")
    summary = run_batch(done, jobs=1, reporter=Quiet())
    assert summary.failed == 1
    (done.parent / "roster.csv").write_text("name\nAna\nBen\nCara\n")
    assert previous_run_stands(done, Shard(), combined=False) is None


def test_the_command_answers_an_unchanged_rerun_without_heavy_imports(done):
    """The point of the shortcut: no models, layouts, fonts or renderer are loaded."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from handouts.cli import app\n"
        f"try:\n    app(['batch', {str(done)!r}], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('reportlab', 'handouts.models', 'handouts.layouts', 'handouts.batch') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=done.parent)
    assert "built 0, up to date 3, failed 0 of 3" in result.stdout, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
