"""Bad output paths, options and text: each is one plain message line, exit code 1, nothing written.

Every case names what the user gave (``--out``, ``--for``, a manifest's
``out:``) and runs within a time bound; no case may print a raw control
character, since a message quoting an ESC sequence could clear the terminal
or retitle it, and one quoting a bidi override could make it lie.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handouts.cli import app
from handouts.errors import Problem, inert
from handouts.progress import PlainReporter, _markup

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "content"
ROUTINE = "self-neck-back"
SECONDS = 30.0
"""Every case ends well within this, cold start included; a hang or a retry loop fails."""

RAW = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0), 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                        0x2066, 0x2067, 0x2068, 0x2069)]
"""Characters that must never reach the terminal as they are."""


def invoke(*args: str):
    """Run the CLI; colour on, so click strips no escape sequence that a fault let through."""
    start = time.monotonic()
    result = CliRunner().invoke(app, [str(a) for a in args], color=True)
    assert time.monotonic() - start < SECONDS
    return result


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def assert_refused(result, *lines: str) -> None:
    assert result.exit_code == 1, result.output
    problems = len(lines)
    assert result.stderr.splitlines() == [*lines, f"{problems} problem{'s' if problems != 1 else ''} found."]
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not any(ch in result.stderr for ch in RAW if ch != "\n")


def build(out, *more: str):
    return invoke("build", ROUTINE, "-l", "handout-a4", "--content", SHIPPED, "--out", out, *more)


def no_pdf_written(folder: Path, before: set[str]) -> None:
    after = files(folder)
    assert after == before
    assert not [n for n in after if n.endswith((".pdf", ".part"))]


# --------------------------------------------------------------------------- output paths


def test_out_naming_a_file(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    before = files(tmp_path)
    assert_refused(build(target), f"--out: {target} is a file, not a folder")
    no_pdf_written(tmp_path, before)
    assert target.read_text() == "keep me"


def test_out_below_a_file(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    before = files(tmp_path)
    assert_refused(build(tmp_path / "notes.txt" / "pdfs"), f"--out: {tmp_path / 'notes.txt'} is a file, not a folder")
    no_pdf_written(tmp_path, before)


def test_card_out_naming_a_file(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    result = invoke("card", ROUTINE, "-l", "card-credit", "--content", SHIPPED, "--out", target)
    assert_refused(result, f"--out: {target} is a file, not a folder")
    assert files(tmp_path) == {"notes.txt"}


def test_out_dev_null():
    assert_refused(build("/dev/null"), "--out: /dev/null is a device, not a folder")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_out_under_proc():
    """/proc refuses new files even to root, who ignores permission bits."""
    assert_refused(build("/proc/handouts-test"), "--out: cannot write to /proc/handouts-test: files cannot be made there")
    assert not Path("/proc/handouts-test").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; test_out_under_proc covers it")
def test_out_read_only_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert_refused(build(folder), f"--out: cannot write to {folder}: permission denied")
        assert_refused(build(folder / "sub"), f"--out: cannot write to {folder / 'sub'}: permission denied")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_out_with_an_over_long_folder_name(tmp_path):
    before = files(tmp_path)
    assert_refused(build(tmp_path / ("x" * 300)),
                   "--out: the folder name 'xxxxxxxxxxxxxxxxxxxx…' is too long (300 characters; at most 255)")
    no_pdf_written(tmp_path, before)


def test_out_where_the_pdf_name_is_taken_by_a_folder(tmp_path):
    (tmp_path / f"{ROUTINE}--handout-a4.pdf").mkdir()
    assert_refused(build(tmp_path), f"--out: {tmp_path / (ROUTINE + '--handout-a4.pdf')} is a folder, not a file")
    assert files(tmp_path) == {f"{ROUTINE}--handout-a4.pdf"}


def test_a_disk_that_fills_up_at_the_third_file_leaves_no_file(tmp_path, monkeypatch):
    """Every file goes to a temporary file first; none is renamed into place until all are written."""
    from handouts.pipeline import write

    monkeypatch.chdir(tmp_path)
    real, calls = write._write_part, []

    def third_fails(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(write, "_write_part", third_fails)
    result = invoke("build", ROUTINE, "--content", SHIPPED, "--out", "out",
                    "-l", "handout-a4", "-l", "handout-letter", "-l", "handout-large-print")
    assert_refused(result, "--out: cannot write to out: the disk is full")
    assert len(calls) == 3
    assert list(tmp_path.iterdir()) == []  # not even the folder made for them


def test_out_through_symbolic_links_that_lead_nowhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "dangling").symlink_to("nowhere")
    assert_refused(build("loop"), "--out: cannot write to loop: its symbolic links form a loop")
    assert_refused(build("dangling/pdfs"), "--out: dangling is a symbolic link to nowhere, which does not exist")
    assert sorted(os.listdir(tmp_path)) == ["dangling", "loop"]


def test_a_build_refused_for_its_content_makes_no_folder(tmp_path):
    """The folder is tried before drawing, but a build that then fails on content makes nothing."""
    content = tmp_path / "content"
    content.mkdir()
    text = (SHIPPED / f"{ROUTINE}.yaml").read_text(encoding="utf-8")
    (content / "r.yaml").write_text(text.replace("\nsafety:", "\nsafety_: {}\nsafety:", 1), encoding="utf-8")
    result = invoke("build", "--content", content, "-l", "handout-a4", "--out", tmp_path / "new" / "out")
    assert result.exit_code == 1
    assert not (tmp_path / "new").exists()


def test_an_input_folder_name_too_long_to_look_up(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_refused(invoke("build", "--content", "z" * 300, "--out", "out"),
                   f"{'z' * 40}…{'z' * 40}: the name is too long")
    assert list(tmp_path.iterdir()) == []


BATCH = """\
title: Class
content: {content}
routines: [{routine}]
handouts: [handout-a4]
roster: roster.csv
out: {out}
file_name: "{{name}}--{{routine}}--{{layout}}.pdf"
"""


def test_manifest_out_naming_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results.txt").write_text("keep me")
    (tmp_path / "roster.csv").write_text("name\nAna\n", encoding="utf-8")
    (tmp_path / "class.batch.yaml").write_text(BATCH.format(content=SHIPPED, routine=ROUTINE, out="results.txt"),
                                               encoding="utf-8")
    before = files(tmp_path)
    result = invoke("batch", "class.batch.yaml", "--jobs", "1")
    assert_refused(result, "class.batch.yaml:6: out: results.txt is a file, not a folder")
    assert files(tmp_path) == before


# --------------------------------------------------------------------------- text that acts on the terminal


def routine_with(tmp_path: Path, edit) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    text = (SHIPPED / f"{ROUTINE}.yaml").read_text(encoding="utf-8")
    (content / "r.yaml").write_text(edit(text), encoding="utf-8")
    return content


def set_title(text: str, value: str) -> str:
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("title: "))
    lines[index] = f"title: {value}\n"
    return "".join(lines)


def set_first_step_title(text: str, value: str) -> str:
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("  - title: "))
    lines[index] = f"  - title: {value}\n"
    return "".join(lines)


def test_escape_sequence_in_a_title(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    routine_with(tmp_path, lambda t: set_title(t, '"\\e[2JSelf-massage"'))
    for command in ("validate", "build"):
        args = ["content"] if command == "validate" else ["--content", "content", "--out", "out"]
        assert_refused(invoke(command, *args),
                       "content/r.yaml:2: title: contains a control character (U+001B) that is not allowed in text; "
                       "delete it")
    assert not (tmp_path / "out").exists()


def test_escape_sequence_quoted_in_a_message_is_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    routine_with(tmp_path, lambda t: t.replace("\ntime: 10-15 min\n", '\ntime: "\\e[2J\\e]0;owned\\a"\n', 1))
    result = invoke("validate", "content")
    assert_refused(result, "content/r.yaml:8: time: '\\x1b[2J\\x1b]0;owned\\x07' is not a time; write e.g. "
                           "'30 sec', '1 min', '5-10 min', 'a few seconds'")


def test_escape_sequence_in_a_file_name_given_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_refused(invoke("validate", "\x1b[2Jnotes.yaml"), "\\x1b[2Jnotes.yaml: path does not exist")


def test_right_to_left_override_in_a_step(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    routine_with(tmp_path, lambda t: set_first_step_title(t, "Squeeze \u202eand knead one shoulder"))
    message = ("content/r.yaml:25: steps[1].title: contains an invisible formatting character "
               "(U+202E RIGHT-TO-LEFT OVERRIDE) that would print as a stray mark or a gap; delete it")
    assert_refused(invoke("validate", "content"), message)
    assert_refused(invoke("build", "--content", "content", "-l", "handout-a4", "--out", "out"), message)
    assert not (tmp_path / "out").exists()


def test_right_to_left_override_quoted_in_a_message_is_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    routine_with(tmp_path, lambda t: t.replace("\ntime:", "\nti\u202eme:", 1))
    result = invoke("validate", "content")
    assert result.exit_code == 1
    assert "content/r.yaml:8: ti\\u202eme: unknown key 'ti\\u202eme'; did you mean 'time'?" in result.stderr.splitlines()
    assert "\u202e" not in result.stderr


def test_nul_in_content(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    routine_with(tmp_path, lambda t: set_first_step_title(t, '"Squeeze\\0 and knead"'))
    assert_refused(invoke("build", "--content", "content", "-l", "handout-a4", "--out", "out"),
                   "content/r.yaml:25: steps[1].title: contains a control character (U+0000) that is not allowed "
                   "in text; delete it")
    assert not (tmp_path / "out").exists()


def test_progress_lines_escape_item_names():
    out = io.StringIO()
    reporter = PlainReporter(out=out, err=io.StringIO())
    reporter.begin("Class \x1b[2J", 1, 0, 1, 1, "out\u202e")
    reporter.item("\x1b]0;owned\x07Ana--neck.pdf", False, 0.1, [Problem("roster.csv", 2, "name", "bad \x1b[31m")])
    text = out.getvalue()
    assert not any(ch in text for ch in RAW if ch != "\n")
    assert text.splitlines()[1] == ("[1/1] FAILED \\x1b]0;owned\\x07Ana--neck.pdf  "
                                    "(roster.csv:2: name: bad \\x1b[31m)")
    assert _markup("[bold]Ana\x1b[2J") == "\\[bold]Ana\\x1b[2J"


def test_inert_leaves_ordinary_text_alone():
    text = "Zoë Saldaña — “quoted” 李 🌸 ‘x’ \\ ok"
    assert inert(text) == text


# --------------------------------------------------------------------------- options


def test_for_of_201_characters(tmp_path):
    assert_refused(build(tmp_path / "out", "--for", "x" * 201), "--for: is too long (201 characters; at most 200)")
    assert not (tmp_path / "out").exists()


def test_date_and_note_too_long_are_both_named(tmp_path):
    assert_refused(build(tmp_path / "out", "--date", "d" * 61, "--note", "n" * 2001),
                   "--date: is too long (61 characters; at most 60)",
                   "--note: is too long (2001 characters; at most 2000)")


def test_nul_in_an_option(tmp_path):
    assert_refused(build(tmp_path / "out", "--note", "a\x00b"),
                   "--note: contains a control character (U+0000) that is not allowed in text; delete it")
    assert not (tmp_path / "out").exists()


def test_right_to_left_override_in_an_option(tmp_path):
    result = build(tmp_path / "out", "--for", "Ana \u202eez")
    assert_refused(result, "--for/--note: for_name: contains an invisible formatting character "
                           "(U+202E RIGHT-TO-LEFT OVERRIDE) that would print as a stray mark or a gap; delete it")
    assert not (tmp_path / "out").exists()


def cli(*args: str | bytes, cwd: Path) -> subprocess.CompletedProcess:
    """The installed command with raw argv bytes, as a shell passes them (``--for $'\\xff'``)."""
    env = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONUTF8": "1"}
    env.pop("PYTHONIOENCODING", None)
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "handouts", *args], cwd=cwd, env=env, capture_output=True,
                            timeout=SECONDS)
    assert time.monotonic() - start < SECONDS
    return result


def assert_refused_bytes(result: subprocess.CompletedProcess, line: str) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stderr.decode("utf-8").splitlines() == [line, "1 problem found."]
    assert not any(b in result.stderr for b in (b"\x1b", b"\xff", b"\xe2\x80\xae"))


def test_lone_surrogate_in_for(tmp_path):
    result = cli("build", ROUTINE, "-l", "handout-a4", "--content", str(SHIPPED), "--out", "out",
                 "--for", b"Ana \xff", cwd=tmp_path)
    assert_refused_bytes(result, "--for: contains a byte that is not UTF-8 text (0xFF); "
                                 "retype it, or set your terminal to UTF-8")
    assert list(tmp_path.iterdir()) == []


def test_lone_surrogate_in_card_options(tmp_path):
    result = cli("card", ROUTINE, "--content", str(SHIPPED), "--sheet", b"a4\xff\x1b[2J", cwd=tmp_path)
    assert_refused_bytes(result, "--sheet: unknown sheet 'a4\\udcff\\x1b[2J'; "
                                 "choose one of: a4, letter, avery-5371, avery-c32011")
    result = cli("card", b"neck\xff", "--content", str(SHIPPED), cwd=tmp_path)
    assert result.returncode == 1 and b"\xff" not in result.stderr and b"neck\\udcff" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="other systems refuse names that are not UTF-8")
def test_lone_surrogate_in_out_is_written_as_those_bytes(tmp_path):
    """A folder name that is not UTF-8 is still a name the system takes: the PDF goes there."""
    result = cli("build", ROUTINE, "-l", "handout-a4", "--content", str(SHIPPED), "--out", b"out\xff", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert os.listdir(bytes(tmp_path)) == [b"out\xff"]
