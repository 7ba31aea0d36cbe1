"""What a batch remembers between runs: each output's digest, size and time, and nothing it trusts blindly."""

from __future__ import annotations

import json
import shutil

import pytest

from handouts.batch import STATE_NAME, run_batch
from handouts.batch import state as batch_state
from handouts.batch.state import Shard, State

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


def rerun(path):
    summary = run_batch(path, jobs=1, reporter=Quiet())
    return summary.built, summary.skipped, summary.failed


def test_unchanged_rerun_builds_nothing(done):
    assert rerun(done) == (0, 3, 0)


@pytest.mark.parametrize("change, rebuilt", [
    ("one roster row", 1),
    ("routine", 3),
    ("layout", 3),
    ("manifest note", 3),
    ("output replaced", 1),
    ("output deleted", 1),
    ("tool changed", 3),
])
def test_a_change_rebuilds_exactly_what_it_touches(done, monkeypatch, change, rebuilt):
    folder = done.parent
    out = folder / "out"
    if change == "one roster row":
        (folder / "roster.csv").write_text("name\nAna\nBen\nCarla\n")
    elif change == "routine":
        f = folder / "content" / "tiny-stretch.yaml"
        f.write_text(f.read_text().replace("title: ", "title: New ", 1))
    elif change == "layout":
        f = next((folder / "layouts").glob("*.yaml"))
        f.write_text(f.read_text().replace("min_font_size: 9pt", "min_font_size: 8pt"))
    elif change == "manifest note":
        done.write_text(done.read_text() + "note: Bring water.\n")
    elif change == "output replaced":
        next(out.glob("*.pdf")).write_bytes(b"%PDF-1.4 not really")
    elif change == "output deleted":
        next(out.glob("*.pdf")).unlink()
    elif change == "tool changed":
        batch_state.tool_fingerprint.cache_clear()
        monkeypatch.setattr(batch_state, "__version__", "another version")
    built, skipped, failed = rerun(done)
    batch_state.tool_fingerprint.cache_clear()
    assert (built, failed) == (rebuilt, 0)
    assert built + skipped == 3


def test_a_comment_alone_changes_nothing_printed(done):
    f = done.parent / "content" / "tiny-stretch.yaml"
    f.write_text(f.read_text() + "\n# a note to the author\n")
    assert rerun(done) == (0, 3, 0)


@pytest.mark.parametrize("garbage", [
    b"",
    b"not json",
    b"[1, 2, 3]",
    b'{"format": 1, "items": [1]}',
    b'{"format": 1, "items": {"ana--tiny-stretch--handout-small.pdf": "x"}}',
    b'{"format": 1, "items": {"../../etc/passwd": {"digest": 1, "size": "big"}}}',
    b'{"format": 99, "items": {}}',
    b"\xff\xfe\x00garbage",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"format": 1, "items": ' + b"{" * 50_000 + b"}" * 50_000 + b"}",
    b'{"format": 1, "items": {"ana--tiny-stretch--handout-small.pdf": null}}',
    b'{"format": 1, "items": {"ana--tiny-stretch--handout-small.pdf": {"digest": null, "size": 1e400}}}',
    b"null",
    b'{"format": 1, "items": {"x": {"size": ' + b"9" * 5000 + b"}}}",
])
def test_a_damaged_state_file_only_means_rebuilding(done, garbage):
    (done.parent / "out" / f"{STATE_NAME}.json").write_bytes(garbage)
    assert rerun(done) == (3, 0, 0)
    assert rerun(done) == (0, 3, 0)


def test_state_file_names_only_outputs_and_digests(done):
    data = json.loads((done.parent / "out" / f"{STATE_NAME}.json").read_text())
    assert set(data) == {"format", "tool", "items"}
    assert sorted(data["items"]) == sorted(p.name for p in (done.parent / "out").glob("*.pdf"))
    for entry in data["items"].values():
        assert set(entry) == {"digest", "size", "mtime_ns"}


def test_state_of_another_shard_counts_but_is_not_rewritten(done):
    out = done.parent / "out"
    own = State(out, Shard(1, 2))
    assert own.path.name == f"{STATE_NAME}.shard-1-of-2.json"
    name = next(out.glob("*.pdf")).name
    assert own.known[name] and name not in own.own


def test_a_workers_peak_memory_is_its_own():
    """A process started by a parent that once held far more reports its own peak, not the parent's."""
    import subprocess
    import sys

    ballast = bytearray(300 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page, so it is resident
    probe = ("import resource; from handouts.batch.pool import _peak_rss_kb; "
             "print(_peak_rss_kb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    own, inherited = map(int, subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                             check=True).stdout.split())
    del ballast
    assert own < 200 * 1024, (own, inherited)  # getrusage may carry the parent's 300 MB over


def _entry_of(out, name):
    path = out / f"{STATE_NAME}.json"
    return json.loads(path.read_text())["items"][name]


@pytest.mark.parametrize("field, value", [
    ("digest", "f" * 63), ("digest", "F" * 64), ("digest", 7), ("size", -1), ("size", True), ("size", 1.0),
    ("size", "1"), ("mtime_ns", None), ("mtime_ns", 2**64),
])
def test_an_odd_entry_is_not_trusted(done, field, value):
    """A recorded entry counts only as the tool writes it: a 64-digit hex digest and whole sizes and times."""
    out = done.parent / "out"
    name = sorted(p.name for p in out.glob("*.pdf"))[0]
    state = out / f"{STATE_NAME}.json"
    data = json.loads(state.read_text())
    data["items"][name][field] = value
    state.write_text(json.dumps(data))
    assert rerun(done) == (1, 2, 0)
    assert _entry_of(out, name)[field] != value


def test_names_a_batch_could_not_plan_are_dropped_not_kept(done):
    out = done.parent / "out"
    state = out / f"{STATE_NAME}.json"
    data = json.loads(state.read_text())
    entry = next(iter(data["items"].values()))
    for name in ("../../etc/passwd", "/etc/shadow", "a\\b.pdf", ".hidden.pdf", "", "x" * 300, "nul\u0000.pdf"):
        data["items"][name] = entry
    state.write_text(json.dumps(data))
    assert rerun(done) == (0, 3, 0)
    keep = State(out, Shard())
    assert sorted(keep.own) == sorted(p.name for p in out.glob("*.pdf"))


def test_a_state_file_over_the_size_limit_is_not_read(done, monkeypatch):
    monkeypatch.setattr(batch_state, "MAX_STATE_BYTES", 100)
    assert rerun(done) == (3, 0, 0)


def test_a_folder_in_place_of_the_state_file_is_a_problem_before_any_build(done):
    from handouts.errors import HandoutsError

    out = done.parent / "out"
    (out / f"{STATE_NAME}.json").unlink()
    (out / f"{STATE_NAME}.json").mkdir()
    with pytest.raises(HandoutsError) as info:
        rerun(done)
    assert "is a folder; remove it" in str(info.value)
