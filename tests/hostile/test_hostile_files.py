"""Files handouts reads as input can never crash it, hang it or lose a roster row.

Every hostile input is made here in a temporary folder. A case that could kill
the interpreter (the C parser's stack) or block it (a pipe, a device) runs the
CLI in a child process with a time-out; the rest go through the CLI runner.
Each case must end within ``BOUND`` seconds with exit code 1 and its message,
or, for a damaged batch state, with exit code 0 and everything rebuilt.

A roster quote that is never closed stops the whole batch: which rows it
swallowed cannot be known, so building the others would leave students out
without a word. A row whose cell is merely too long fails alone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handouts.batch import STATE_NAME
from handouts.cli import app

from test_batch import manifest, roster

BOUND = 10.0
"""Seconds any one hostile case may take, start of the command to its exit."""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pipes, devices and process groups are POSIX")


def cli(*args: str | Path):
    started = time.monotonic()
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result, time.monotonic() - started


def child(folder: Path, *args: str | Path) -> tuple[subprocess.CompletedProcess, float]:
    """The CLI in its own process, killed if it outlives the bound (a hang fails the test, never the run)."""
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "handouts", *map(str, args)], cwd=folder, capture_output=True,
                              text=True, timeout=BOUND, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"handouts {' '.join(map(str, args))} still running after {BOUND} s")
    return done, time.monotonic() - started


def refused(result, seconds: float, *messages: str) -> None:
    """Exit code 1, exactly these messages and the count, no traceback, within the bound."""
    stderr = result.stderr
    code = result.returncode if hasattr(result, "returncode") else result.exit_code
    assert code == 1, stderr
    count = len(messages)
    assert stderr == "".join(m + "\n" for m in messages) + f"{count} problem{'s' if count != 1 else ''} found.\n"
    assert seconds < BOUND


# ---------------------------------------------------------------- YAML files

NESTED_TOO_DEEPLY = "malformed YAML: nested too deeply to read"


@pytest.mark.parametrize("text", [
    pytest.param("[" * 30_000, id="30000-brackets"),
    pytest.param("{" * 30_000, id="30000-braces"),
    pytest.param("a: " + "[" * 30_000 + "]" * 30_000 + "\n", id="30000-closed-brackets"),
    pytest.param("- " * 30_000 + "x\n", id="30000-dashes-on-one-line"),
    pytest.param("\ufeff" + "- " * 30_000 + "x\n", id="30000-dashes-after-a-byte-order-mark"),
    pytest.param("\r".join(" " * (2_000 * i) + "- " * 1_000 for i in range(30)) + "x", id="dashes-on-lines-broken-by-cr"),
    pytest.param("".join(" " * i + f"k{i}:\n" for i in range(1_200)) + " " * 1_200 + "end: 1\n",
                 id="deeply-indented-block-mapping"),
])
def test_deep_nesting_is_refused_not_a_crash(tmp_path, text):
    """The C parser would overflow its stack (exit 139): only the round-trip loader sees such files."""
    (tmp_path / "deep.yaml").write_text(text, encoding="utf-8")
    result, seconds = child(tmp_path, "validate", "deep.yaml")
    refused(result, seconds, f"deep.yaml: {NESTED_TOO_DEEPLY}")


def test_a_device_is_refused_unread(tmp_path):
    result, seconds = child(tmp_path, "validate", "/dev/zero")
    refused(result, seconds, "/dev/zero: is a device, not a regular file; name a file saved by an editor")


def test_a_named_pipe_is_refused_unopened(tmp_path):
    os.mkfifo(tmp_path / "routine.yaml")
    result, seconds = child(tmp_path, "validate", "routine.yaml")
    refused(result, seconds, "routine.yaml: is a named pipe (FIFO), not a regular file; name a file saved by an editor")


def test_a_pipe_or_a_dangling_link_inside_a_content_folder_is_named(tmp_path):
    """A folder is read file by file; what is not a regular file is named, never skipped or opened."""
    content = tmp_path / "content"
    content.mkdir()
    os.mkfifo(content / "b-pipe.yaml")
    (content / "a-gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (content / "c-folder.yaml").mkdir()  # a folder that only looks like a file: walked, not refused
    result, seconds = child(tmp_path, "validate", "content")
    refused(result, seconds,
            "content/a-gone.yaml: is a link to nothing, not a regular file; "
            "name a file saved by an editor",
            "content/b-pipe.yaml: is a named pipe (FIFO), not a regular file; name a file saved by an editor")


def test_a_folder_of_too_many_yaml_files_is_refused_unread(tmp_path, monkeypatch):
    import handouts.content

    monkeypatch.setattr(handouts.content, "MAX_FOLDER_FILES", 5)
    for n in range(6):
        (tmp_path / f"r{n}.yaml").write_text("id: [unclosed\n")
    monkeypatch.chdir(tmp_path)
    result, seconds = cli("validate", ".")
    refused(result, seconds, ".: holds 6 YAML files; at most 5 are read from one folder "
                             "(name the files, or split the folder)")


def test_a_named_pipe_as_batch_manifest_is_refused(tmp_path):
    os.mkfifo(tmp_path / "class.batch.yaml")
    result, seconds = child(tmp_path, "batch", "class.batch.yaml")
    refused(result, seconds,
            "class.batch.yaml: is a named pipe (FIFO), not a regular file; name a file saved by an editor")


def test_a_5_mb_yaml_file_is_refused_unparsed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = "- " + "x" * 97 + "\n"
    (tmp_path / "big.yaml").write_text("id: big\nsteps:\n" + line * 50_000, encoding="utf-8")
    result, seconds = cli("validate", "big.yaml")
    refused(result, seconds, "big.yaml: is 5 MB, larger than the 1 MB a hand-written YAML file may be; "
                             "is it the right file?")


# ---------------------------------------------------------------- rosters

def _students(first: int, last: int) -> str:
    return "".join(f"Student {i},\n" for i in range(first, last + 1))


def test_an_unclosed_quote_stops_the_batch_at_the_line_it_opened(tmp_path, monkeypatch):
    """Row 3 of 50 opens a quote: it would swallow the 47 rows after it into one note."""
    monkeypatch.chdir(tmp_path)
    csv = roster(tmp_path, "name,note\n" + _students(1, 2) + 'Student 3,"Knee pain since May\n' + _students(4, 50))
    message = ('roster.csv:4: note: a quote opened here is never closed; end the cell with a quote ("), '
               'and write a quote inside a cell as two ("")')
    path = manifest(tmp_path, csv.name)
    result, seconds = cli("batch", path.name, "--jobs", "1")
    refused(result, seconds, message)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))
    result, seconds = cli("validate", path.name)
    refused(result, seconds, message)


def test_a_quote_closed_rows_later_is_not_a_note(tmp_path, monkeypatch):
    """A missing quote closed by the next row's opening quote hides the rows in between."""
    monkeypatch.chdir(tmp_path)
    csv = roster(tmp_path, "name,note\n" + _students(1, 2) + 'Student 3,"Knee pain\n' + _students(4, 6)
                 + 'Student 7,"Use ice, twice a day"\n' + _students(8, 50))
    path = manifest(tmp_path, csv.name)
    result, seconds = cli("batch", path.name, "--jobs", "1")
    refused(result, seconds, "roster.csv:4: note: a quote opened here closes only on line 8, where text follows it "
                             "- is its closing quote missing?")


def test_a_quote_over_more_lines_than_a_note_holds_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    csv = roster(tmp_path, "name,note\nAna,\n" + 'Ben,"open\n' + "more words\n" * 40 + 'end"\nCara,\n')
    path = manifest(tmp_path, csv.name)
    result, seconds = cli("batch", path.name, "--jobs", "1")
    refused(result, seconds, "roster.csv:3: note: a quote opened here runs over 42 lines, to line 44; a cell may "
                             "hold at most 30 lines - is its closing quote missing?")


def test_a_note_over_a_few_lines_still_reads(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    csv = roster(tmp_path, 'name,note\nAna,"Line one\nline two\n\nline four"\nBen,"say ""hi"", twice"\nCara,\n')
    result, seconds = cli("batch", manifest(tmp_path, csv.name).name, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert "built 3, up to date 0, failed 0 of 3" in result.stdout
    assert seconds < BOUND


def test_a_roster_over_the_row_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    csv = roster(tmp_path, "name\n" + "".join(f"Student {i}\n" for i in range(20_000)))
    result, seconds = cli("batch", manifest(tmp_path, csv.name).name, "--jobs", "1")
    refused(result, seconds, "roster.csv:10002: the roster has more than 10,000 students, the most one batch takes; "
                             "split it into several rosters and batches")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_a_2_mb_cell_fails_its_row_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    csv = roster(tmp_path, "name,note\nAna,\nBen," + "x" * 2_000_000 + "\nCara,\n")
    result, seconds = cli("batch", manifest(tmp_path, csv.name).name, "--jobs", "1")
    assert result.exit_code == 1
    assert "roster.csv:3: note: is 2,000,000 characters long; a cell may hold at most 10,000\n" in result.stderr
    assert "built 2, up to date 0, failed 1 of 3" in result.stdout
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "ana--tiny-stretch--handout-small.pdf", "cara--tiny-stretch--handout-small.pdf"]
    assert len(result.stdout) + len(result.stderr) < 10_000  # the cell is never echoed whole
    assert seconds < BOUND


def test_a_roster_that_is_a_pipe_is_refused(tmp_path):
    os.mkfifo(tmp_path / "roster.csv")
    path = manifest(tmp_path, "roster.csv")
    result, seconds = child(tmp_path, "batch", path.name)
    refused(result, seconds, "roster.csv: is a named pipe (FIFO), not a regular file; name a file saved by an editor")


def test_a_huge_roster_file_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with (tmp_path / "roster.csv").open("w", encoding="utf-8") as f:
        f.write("name,note\n")
        f.truncate(6_000_000)
    result, seconds = cli("batch", manifest(tmp_path, "roster.csv").name)
    refused(result, seconds, "roster.csv: is 6 MB, larger than the 4 MB a roster may be; is it the right file?")


# ---------------------------------------------------------------- batch state

@pytest.fixture
def built(tmp_path, monkeypatch):
    """A finished batch of three; returns its manifest's name (the folder is the working folder)."""
    monkeypatch.chdir(tmp_path)
    path = manifest(tmp_path, roster(tmp_path, "name\nAna\nBen\nCara\n").name)
    result, _ = cli("batch", path.name, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    return path.name


def _deep() -> bytes:
    return b'{"format": 1, "items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def _nulls() -> bytes:
    return json.dumps({"format": 1, "tool": None, "items": {
        "ana--tiny-stretch--handout-small.pdf": None,
        "ben--tiny-stretch--handout-small.pdf": {"digest": None, "size": None, "mtime_ns": None},
        "cara--tiny-stretch--handout-small.pdf": {"digest": [], "size": {}, "mtime_ns": True},
    }}).encode()


def _list() -> bytes:
    return b'[{"format": 1, "items": {}}, null, 3]'


def _escaping_names() -> bytes:
    entry = {"digest": "0" * 64, "size": 1, "mtime_ns": 1}
    return json.dumps({"format": 1, "items": {"../../etc/passwd": entry, "/etc/shadow": entry,
                                              "..\\..\\boot.ini": entry, ".hidden.pdf": entry}}).encode()


def _garbage(path: Path) -> None:
    with path.open("wb") as f:
        for _ in range(50):
            f.write(os.urandom(1_000_000))


@pytest.mark.parametrize("damage", ["deep nesting", "null entries", "a list", "50 MB of garbage",
                                    "names outside the folder"])
@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
def test_a_damaged_state_file_only_means_rebuilding(built, tmp_path, damage, force):
    state = tmp_path / "out" / f"{STATE_NAME}.json"
    if damage == "50 MB of garbage":
        _garbage(state)
    else:
        state.write_bytes({"deep nesting": _deep, "null entries": _nulls, "a list": _list,
                           "names outside the folder": _escaping_names}[damage]())
    result, seconds = cli("batch", built, "--jobs", "1", *(["--force"] if force else []))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "built 3, up to date 0, failed 0 of 3" in result.stdout
    assert seconds < BOUND
    data = json.loads(state.read_text(encoding="utf-8"))
    assert sorted(data["items"]) == sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    again, _ = cli("batch", built, "--jobs", "1")
    assert "built 0, up to date 3, failed 0 of 3" in again.stdout


def test_a_state_file_that_is_a_pipe_only_means_rebuilding(built, tmp_path):
    state = tmp_path / "out" / f"{STATE_NAME}.shard-0-of-2.json"  # another shard's, so this run never replaces it
    os.mkfifo(state)
    (tmp_path / "out" / f"{STATE_NAME}.json").unlink()
    result, seconds = child(tmp_path, "batch", built, "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert "built 3, up to date 0, failed 0 of 3" in result.stdout
    assert seconds < BOUND


def test_a_folder_where_the_state_file_goes_is_named(built, tmp_path):
    state = tmp_path / "out" / f"{STATE_NAME}.json"
    state.unlink()
    state.mkdir()
    result, seconds = cli("batch", built, "--jobs", "1")
    refused(result, seconds, f"out/{STATE_NAME}.json: is a folder; remove it, the batch keeps its record of what it "
                             "built in a file of that name")


# ---------------------------------------------------------------- a killed batch

def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has ended; only its parent has not collected it)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc")
def test_workers_end_when_the_batch_is_killed(tmp_path):
    """kill -9 of the batch alone: its workers (and multiprocessing's helper) go within the bound
    and let go of the output, so whoever reads it sees its end."""
    csv = roster(tmp_path, "name\n" + "".join(f"Student {i}\n" for i in range(60)))
    path = manifest(tmp_path, csv.name)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "handouts", "batch", path.name, "--jobs", "2"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not (out.is_dir() and any(out.glob("*.pdf"))):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no output appeared"
            time.sleep(0.02)
        workers = _children(proc.pid)
        assert len(workers) >= 2, workers
        os.kill(proc.pid, signal.SIGKILL)
        killed = time.monotonic()
        try:
            proc.communicate(timeout=BOUND)  # returns once every holder of the output pipes is gone
        except subprocess.TimeoutExpired:
            pytest.fail(f"the output is still held open {BOUND} s after the batch was killed")
        while any(_running(w) for w in workers) and time.monotonic() - killed < BOUND:
            time.sleep(0.05)
        assert [w for w in workers if _running(w)] == []
        assert len(list(out.glob("*.pdf"))) < 60
    finally:
        for pid in [proc.pid, *workers]:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait()
