"""Class batches through the CLI: hostile rosters, bad rows and routines, reruns, shards, interruptions."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from handouts.batch import Shard, clean_stale_parts, file_name, parse_shard, safe_stem
from handouts.cli import app
from handouts.errors import display_path

from pdfcheck import font_report, missing_texts, stream_text

REPO = Path(__file__).resolve().parent.parent
CASE = REPO / "tests" / "cases" / "batch"
HOSTILE = CASE / "hostile-roster.csv"


def manifest(tmp: Path, roster: Path | str, *, routines=("tiny-stretch",), handouts=("handout-small",),
             extra: str = "", builtin_layouts: bool = False, name: str = "class.batch.yaml") -> Path:
    """A manifest in ``tmp`` using the small test routine and layout; outputs go to tmp/out."""
    layouts = "" if builtin_layouts else f"layouts: {CASE / 'layouts'}\n"
    text = (f"title: Test class\ncontent: {CASE / 'content'}\n{layouts}"
            f"routines: [{', '.join(routines)}]\nhandouts: [{', '.join(handouts)}]\n"
            f"roster: {roster}\nout: out\n{extra}")
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def roster(tmp: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str | Path) -> "object":
    return CliRunner().invoke(app, ["batch", *[str(a) for a in args]])


def built_names(stdout: str) -> list[str]:
    return re.findall(r"\] built  (\S.*?\.pdf)", stdout)


def pdfs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pdf"))


def printed(raw: str) -> str:
    """A roster cell as the handout prints it: one line, NFC, no zero-width characters."""
    text = unicodedata.normalize("NFC", re.sub(r"\s+", " ", raw).strip())
    return text.replace("\u200b", "")


# ---------------------------------------------------------------- 30 hostile names

def _hostile_rows() -> list[tuple[int, str]]:
    """(line, name) of every data row of the hostile roster."""
    import csv
    import io

    reader = csv.reader(io.StringIO(HOSTILE.read_text(encoding="utf-8"), newline=""))
    next(reader)
    rows = []
    line = reader.line_num
    for cells in reader:
        rows.append((line + 1, cells[0]))
        line = reader.line_num
    return rows


UNPRINTABLE = {"Mia 🌸": "🌸"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    result = run(manifest(tmp, HOSTILE), "--jobs", "2")
    return tmp, result


def test_hostile_roster_has_30_rows():
    assert len(_hostile_rows()) == 30


def test_hostile_roster_builds_every_printable_row_and_fails_the_rest_cleanly(hostile):
    tmp, result = hostile
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "built 29, up to date 0, failed 1 of 30" in result.stdout
    rows = dict((name, line) for line, name in _hostile_rows())
    for name, char in UNPRINTABLE.items():
        line = rows[name]
        expected = f"{display_path(HOSTILE)}:{line}: name: no font can print '{char}'"
        assert expected in result.stderr, result.stderr
    assert len(pdfs(tmp / "out")) == 29


# Each printable row and the file it must get: separators, dots, quotes and emoji
# become '-', letters of every script stay, and colliding names get -2, -3 in roster order.
EXPECTED_FILES = {
    1: "sam-lee", 2: "sam-lee-2", 3: "ana-bob-script-alert-1-script", 4: "quoted-o-brien",
    5: "josé-müller-øberg", 6: "zoë-saldaña", 7: "дмитрий-иванов", 8: "γιώργος-παπαδόπουλος", 9: "李小龍",
    11: "maximiliana-alexandra-konstantinopoulou-featherstonehaugh-maximiliana"[:60], 12: "etc-passwd",
    13: "hidden", 14: "con", 15: "a-b-c-d-e-f", 16: "blank-cells", 17: "padded-name", 18: "line-break",
    19: "élodie-acute", 20: "nguyễn-thị-minh-khai", 21: "i\u0307smail-çelik", 22: "row-022", 23: "sam-lee-3",
    24: "sam-lee-2-2", 25: "name-100-routine", 26: "ørjan-ødegård", 27: "zero-width", 28: "tab-here",
    29: "ünïcödé-star", 30: "ω-ohm-semi-colon",
}


def test_each_handout_holds_its_own_name_printed_literally(hostile):
    tmp, _ = hostile
    rows = _hostile_rows()
    assert len(EXPECTED_FILES) == 29
    for number, stem in EXPECTED_FILES.items():
        path = tmp / "out" / f"{stem}--tiny-stretch--handout-small.pdf"
        assert path.is_file(), path.name
        prepared_for = "Preparado para" if stem == "zoë-saldaña" else "Prepared for"  # her row asks for Spanish
        assert missing_texts(path, [f"{prepared_for}: {printed(rows[number - 1][1])}"]) == [], path.name


def test_markup_and_notes_print_literally(hostile):
    tmp, _ = hostile
    text = "\n".join(stream_text(p) for p in pdfs(tmp / "out"))
    assert "Ana & Bob <script>alert(1)</script>" in text
    assert "Use <b>gentle</b> pressure & rest > 2 days" in text
    assert "Your dosage: 2 times a day" in text
    assert "{name} 100% {routine}" in text


def test_language_column_picks_the_translation(hostile):
    tmp, _ = hostile
    (zoe,) = [p for p in pdfs(tmp / "out") if p.name.startswith("zoë-saldaña")]
    assert missing_texts(zoe, ["Alivia el cuello rígido", "Zoë Saldaña"]) == []


def test_file_names_are_safe_unique_and_deterministic(hostile):
    tmp, _ = hostile
    out = tmp / "out"
    names = [p.name for p in pdfs(out)]
    assert len({n.casefold() for n in names}) == len(names) == 29
    for n in names:
        assert "/" not in n and "\\" not in n and not n.startswith(".") and ".." not in n
        assert len(n.encode("utf-8")) <= 240
    assert {"sam-lee--tiny-stretch--handout-small.pdf", "sam-lee-2--tiny-stretch--handout-small.pdf",
            "sam-lee-3--tiny-stretch--handout-small.pdf", "sam-lee-2-2--tiny-stretch--handout-small.pdf"} <= set(names)
    assert "etc-passwd--tiny-stretch--handout-small.pdf" in names
    assert "hidden--tiny-stretch--handout-small.pdf" in names
    assert "row-022--tiny-stretch--handout-small.pdf" in names  # a name of punctuation only
    assert not (tmp / "etc").exists() and sorted(p.name for p in tmp.iterdir()) == ["class.batch.yaml", "out"]
    again = tmp / "again"
    again.mkdir()
    result = run(manifest(again, HOSTILE), "--jobs", "1")
    assert sorted(p.name for p in pdfs(again / "out")) == sorted(names), result.stdout


def test_output_is_plain_lines_when_not_a_terminal(hostile):
    _, result = hostile
    lines = [l for l in result.stdout.splitlines() if l.startswith("[")]
    assert len(lines) == 30
    assert all(re.match(r"^\[\s*\d+/30\] (built |FAILED) \S", l) for l in lines)


# ---------------------------------------------------------------- file-name helpers


@pytest.mark.parametrize("raw,stem", [
    ("../../etc/passwd", "etc-passwd"),
    (".hidden", "hidden"),
    ("Sam  Lee", "sam-lee"),
    ("José Müller", "josé-müller"),
    ("🌸🌸", "fallback"),
    ("...", "fallback"),
    ("a" * 300, "a" * 60),
    ("Дмитрий", "дмитрий"),
])
def test_safe_stem(raw, stem):
    assert safe_stem(raw, "fallback") == stem


def test_file_name_fits_and_avoids_reserved_device_names():
    assert file_name("{name}.pdf", "con", "r", "l", 1) == "con_.pdf"
    long = file_name("{name}--{routine}--{layout}.pdf", "я" * 60, "r" * 64, "l" * 64, 1)
    assert len(long.encode()) <= 240 and long.endswith("--" + "r" * 64 + "--" + "l" * 64 + ".pdf")


def test_parse_shard():
    assert parse_shard("2/4") == Shard(2, 4)
    assert parse_shard(None) == Shard()
    for bad in ("4/4", "1/0", "x", "-1/3"):
        with pytest.raises(Exception) as info:
            parse_shard(bad)
        assert "should be I/N" in str(info.value)


# ---------------------------------------------------------------- bad rows, bad routines


def test_a_bad_row_fails_alone_and_is_named(tmp_path):
    csv = roster(tmp_path, "name,copies,language\nAna,1,\nBen,many,\nCara,,xx-yy\nDan,,fr\nEve,2,\n")
    result = run(manifest(tmp_path, csv), "--jobs", "1")
    assert result.exit_code == 1
    assert f"{display_path(csv)}:3: copies: should be a whole number, not 'many'" in result.stderr
    assert f"{display_path(csv)}:4: language: 'xx-yy' is not a language code such as 'en' or 'en-GB'" in result.stderr
    assert (f"{display_path(csv)}:5: language: no 'fr' version of routine 'tiny-stretch'; add a routine with id "
            "'tiny-stretch-fr' and language: fr, or leave the cell empty") in result.stderr
    assert sorted(p.name for p in pdfs(tmp_path / "out")) == [
        "ana--tiny-stretch--handout-small.pdf", "eve--tiny-stretch--handout-small.pdf"]
    assert "built 2, up to date 0, failed 3 of 5" in result.stdout


def test_a_name_in_a_script_that_needs_shaping_builds_and_one_with_no_font_fails_its_row(tmp_path):
    """Devanagari is shaped as it is drawn; Myanmar has no font: that row alone fails, by name."""
    csv = roster(tmp_path, "name\nAna\nअनीता शर्मा\nမောင်\nBen\n")
    result = run(manifest(tmp_path, csv), "--jobs", "1")
    assert result.exit_code == 1
    assert f"{display_path(csv)}:4: name: no font can print 'မ' (U+1019 MYANMAR LETTER MA)" in result.stderr
    built = sorted(p.name for p in pdfs(tmp_path / "out"))
    assert len(built) == 3 and "ana--tiny-stretch--handout-small.pdf" in built


def test_a_bad_routine_fails_only_its_items(tmp_path):
    csv = roster(tmp_path, "name\nAna\nBen\n")
    result = run(manifest(tmp_path, csv, routines=("tiny-stretch", "broken-routine")), "--jobs", "1")
    assert result.exit_code == 1
    broken = CASE / "content" / "broken-routine.yaml"
    assert f"{display_path(broken)}:9: stpes: unknown key 'stpes'; did you mean 'steps'?" in result.stderr
    assert sorted(p.name for p in pdfs(tmp_path / "out")) == [
        "ana--tiny-stretch--handout-small.pdf", "ben--tiny-stretch--handout-small.pdf"]
    assert "built 2, up to date 0, failed 2 of 4" in result.stdout


def test_roster_header_problems_stop_the_batch(tmp_path):
    csv = roster(tmp_path, "nmae,colour,dosage:nope\nAna,red,x\n")
    result = run(manifest(tmp_path, csv), "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:4] == [
        f"{display_path(csv)}:1: nmae: unknown column 'nmae'; did you mean 'name'?",
        f"{display_path(csv)}:1: colour: unknown column 'colour'; columns: name, date, clinician, note, language, also, copies, dosage, dosage:<routine-id>",
        f"{display_path(csv)}:1: dosage:nope: 'nope' is not a routine of this batch; routines: tiny-stretch",
        f"{display_path(csv)}:1: name: the header row needs a 'name' column",
    ]
    assert not (tmp_path / "out").exists()


def test_manifest_problems_name_file_line_and_field(tmp_path):
    csv = roster(tmp_path, "name\nAna\n")
    path = manifest(tmp_path, csv, routines=("tiny-stretch", "no-such-routine"), handouts=("handout-small", "nope"),
                    extra='file_name: "{student}.pdf"\n')
    result = run(path, "--jobs", "1")
    assert result.exit_code == 1
    assert f"{display_path(path)}:8: file_name: '{{student}}' is not a placeholder; use {{name}}, {{routine}}, {{layout}}, {{row}}" \
        in result.stderr
    path = manifest(tmp_path, csv, routines=("tiny-stretch", "no-such-routine"), handouts=("handout-small", "nope"))
    result = run(path, "--jobs", "1")
    assert (f"{display_path(path)}:5: handouts[2]: unknown layout 'nope'; handout layouts: "
            "handout-a4, handout-large-print, handout-letter, handout-small") in result.stderr
    assert re.search(rf"{re.escape(display_path(path))}:4: routines\[2\]: no routine with id 'no-such-routine' in .*; known ids: ",
                     result.stderr)


def test_validate_checks_batch_manifests_and_rows(tmp_path):
    csv = roster(tmp_path, "name,copies\nAna,1\nBen,-1\n")
    path = manifest(tmp_path, csv)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{display_path(csv)}:3: copies: must be at least 0" in result.stderr
    csv.write_text("name,copies\nAna,1\nBen,0\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert (result.exit_code, result.stdout) == (0, "ok: 0 routine(s), 0 layout file(s), 1 batch manifest(s) valid.\n")
    assert not (tmp_path / "out").exists()


def test_shipped_example_validates():
    result = CliRunner().invoke(app, ["validate", str(REPO / "content" / "class-example.batch.yaml")])
    assert result.exit_code == 0, result.stderr


# ---------------------------------------------------------------- incremental


def test_rerun_builds_nothing_and_rebuilds_what_changed(tmp_path):
    csv = roster(tmp_path, "name,note\nAna,\nBen,\nCara,\n")
    path = manifest(tmp_path, csv)
    first = run(path, "--jobs", "1")
    assert first.exit_code == 0 and "built 3, up to date 0" in first.stdout
    out = tmp_path / "out"
    stamps = {p.name: p.stat().st_mtime_ns for p in pdfs(out)}

    again = run(path, "--jobs", "1")
    assert again.exit_code == 0 and "built 0, up to date 3, failed 0 of 3" in again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in pdfs(out)} == stamps

    (out / "ben--tiny-stretch--handout-small.pdf").unlink()
    csv.write_text("name,note\nAna,\nBen,\nCara,Rest on Sundays.\n", encoding="utf-8")
    third = run(path, "--jobs", "1")
    assert sorted(built_names(third.stdout)) == ["ben--tiny-stretch--handout-small.pdf",
                                                 "cara--tiny-stretch--handout-small.pdf"]
    assert missing_texts(out / "cara--tiny-stretch--handout-small.pdf", ["Rest on Sundays."]) == []
    assert (out / "ana--tiny-stretch--handout-small.pdf").stat().st_mtime_ns == stamps["ana--tiny-stretch--handout-small.pdf"]

    forced = run(path, "--jobs", "1", "--force")
    assert "built 3, up to date 0" in forced.stdout


def test_a_replaced_output_is_rebuilt(tmp_path):
    csv = roster(tmp_path, "name\nAna\n")
    path = manifest(tmp_path, csv)
    run(path, "--jobs", "1")
    target = tmp_path / "out" / "ana--tiny-stretch--handout-small.pdf"
    target.write_bytes(b"%PDF-1.4 not really")
    result = run(path, "--jobs", "1")
    assert built_names(result.stdout) == [target.name]
    assert PdfReader(str(target)).pages


# ---------------------------------------------------------------- shards


def test_shards_are_disjoint_and_cover_the_roster(tmp_path):
    csv = roster(tmp_path, "name\n" + "".join(f"Student {i}\n" for i in range(7)))
    path = manifest(tmp_path, csv)
    slices = []
    for i in range(3):
        result = run(path, "--jobs", "1", "--shard", f"{i}/3")
        assert result.exit_code == 0, result.stderr
        slices.append(set(built_names(result.stdout)))
    assert [len(s) for s in slices] == [3, 2, 2]
    assert not (slices[0] & slices[1] or slices[0] & slices[2] or slices[1] & slices[2])
    everything = {f"student-{i}--tiny-stretch--handout-small.pdf" for i in range(7)}
    assert set().union(*slices) == everything
    assert slices[1] == {"student-1--tiny-stretch--handout-small.pdf", "student-4--tiny-stretch--handout-small.pdf"}
    # the shards' state files together make the whole batch up to date
    whole = run(path, "--jobs", "1")
    assert "built 0, up to date 7" in whole.stdout


def test_bad_shard_is_a_clean_error(tmp_path):
    result = run(manifest(tmp_path, roster(tmp_path, "name\nAna\n")), "--shard", "3/3")
    assert result.exit_code == 1
    assert result.stderr.startswith("--shard: '3/3' should be I/N with 0 <= I < N")


# ---------------------------------------------------------------- combined, cards


def test_combined_pdf_in_roster_order_with_copies(tmp_path):
    csv = roster(tmp_path, "name,copies\nZed,1\nAmy,2\nBo,0\n")
    result = run(manifest(tmp_path, csv, extra="combined_file: all.pdf\n"), "--jobs", "1", "--combined")
    assert result.exit_code == 0, result.stderr
    combined = tmp_path / "out" / "all.pdf"
    reader = PdfReader(str(combined))
    pages = [len(PdfReader(str(tmp_path / "out" / f"{n}--tiny-stretch--handout-small.pdf")).pages) for n in ("zed", "amy")]
    assert len(reader.pages) == pages[0] + 2 * pages[1]
    text = stream_text(combined)
    assert text.index("Prepared for: Zed") < text.index("Prepared for: Amy")
    assert text.count("Prepared for: Amy") == 2 and "Prepared for: Bo" not in text
    assert all(f["embedded"] for f in font_report(combined))
    assert "combined: " in result.stdout and "(3 documents)" in result.stdout
    again = run(manifest(tmp_path, csv, extra="combined_file: all.pdf\n"), "--jobs", "1", "--combined")
    assert "up to date (3 documents)" in again.stdout


def test_card_sheets_for_the_class(tmp_path):
    csv = roster(tmp_path, "name,copies\nAna,1\nBen,2\nCy,lots\n")
    path = manifest(tmp_path, csv, handouts=(), builtin_layouts=True,
                    extra="cards: {layouts: [card-credit], sheet: a4}\n")
    result = run(path, "--jobs", "1")
    assert result.exit_code == 1
    assert f"{display_path(csv)}:4: copies: should be a whole number, not 'lots'" in result.stderr
    sheet = tmp_path / "out" / "cards--card-credit--a4.pdf"
    assert missing_texts(sheet, ["Ease a stiff neck"]) == []
    assert "built 1, up to date 0, failed 1 of 2" in result.stdout
    assert sorted(os.listdir(tmp_path / "out")) == [".handouts-batch.json", sheet.name]


# ---------------------------------------------------------------- interruptions


def _start(path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "handouts", "batch", str(path), "--jobs", "2"],
                            cwd=path.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def _wait_for_outputs(out: Path, proc: subprocess.Popen, count: int = 2, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.is_dir() and len(pdfs(out)) >= count:
            return
        if proc.poll() is not None:
            pytest.fail(f"batch ended before it could be interrupted: {proc.communicate()}")
        time.sleep(0.02)
    pytest.fail("no outputs appeared")


def _assert_whole_pdfs(out: Path) -> None:
    for p in pdfs(out):
        data = p.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), p.name
        assert PdfReader(str(p)).pages


def test_killed_batch_leaves_no_partial_pdf_and_resumes(tmp_path):
    csv = roster(tmp_path, "name\n" + "".join(f"Student {i}\n" for i in range(40)))
    path = manifest(tmp_path, csv)
    out = tmp_path / "out"
    proc = _start(path)
    _wait_for_outputs(out, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(pdfs(out))
    assert 2 <= done < 40
    _assert_whole_pdfs(out)
    state = out / ".handouts-batch.json"
    recorded = len(json.loads(state.read_text())["items"]) if state.exists() else 0
    stale = out / ".student-39--tiny-stretch--handout-small.pdf.abcd1234.part"
    stale.write_bytes(b"%PDF-1.4 half")
    result = run(path, "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    assert not list(out.glob("*.part")) and not list(out.glob(".*.part"))
    assert len(pdfs(out)) == 40
    _assert_whole_pdfs(out)
    # outputs the state file had recorded before the kill are kept; later ones are rebuilt
    # (without a record, nothing says what they were built from)
    assert int(re.search(r"built (\d+), up to date (\d+)", result.stdout).group(2)) >= recorded


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_interrupt_stops_cleanly(tmp_path, how):
    """Ctrl-C reaches the whole process group; a cluster's SIGTERM reaches the main process."""
    csv = roster(tmp_path, "name\n" + "".join(f"Student {i}\n" for i in range(40)))
    path = manifest(tmp_path, csv)
    out = tmp_path / "out"
    proc = _start(path)
    _wait_for_outputs(out, proc)
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert b"Traceback" not in stderr
    assert b"interrupted: built" in stdout
    assert not list(out.glob(".*.part"))
    _assert_whole_pdfs(out)


def test_clean_stale_parts_touches_only_owned_outputs(tmp_path):
    mine = tmp_path / ".a.pdf.x1y2z3ab.part"
    other = tmp_path / ".b.pdf.x1y2z3ab.part"
    for f in (mine, other):
        f.write_bytes(b"")
    assert clean_stale_parts(tmp_path, ["a.pdf"]) == [mine]
    assert other.exists() and not mine.exists()


def test_a_sheet_layout_refuses_a_routine_without_briefs_up_front(tmp_path):
    """The same message build gives, per student, before anything is drawn; other layouts still build."""
    csv = roster(tmp_path, "name\nAna\n")
    result = run(manifest(tmp_path, csv, handouts=("handout-small", "sheet-a4")), "--jobs", "1")
    assert result.exit_code == 1
    routine = display_path(CASE / "content" / "tiny-stretch.yaml")
    assert (f"{routine}:10: steps[1].brief: is required for the clinic sheet 'sheet-a4': one plain sentence "
            "saying what to do in step 1 ('Warm up the neck')") in result.stderr
    assert sorted(p.name for p in pdfs(tmp_path / "out")) == ["ana--tiny-stretch--handout-small.pdf"]


def test_ctrl_c_while_the_state_file_is_written_leaves_no_temporary_file(tmp_path, monkeypatch):
    """The worst moment for Ctrl-C: just after the state file's temporary copy was created."""
    import tempfile

    from handouts.batch.run import run_batch
    from handouts.pipeline import write

    csv = roster(tmp_path, "name\nAna\nBen\n")
    path = manifest(tmp_path, csv)
    made = []
    mkstemp = tempfile.mkstemp

    def mkstemp_then_interrupt(*args, **kwargs):
        fd, name = mkstemp(*args, **kwargs)
        if ".handouts-batch" in name and not made:
            made.append(name)
            os.close(fd)
            raise KeyboardInterrupt
        return fd, name

    monkeypatch.setattr(write.tempfile, "mkstemp", mkstemp_then_interrupt)
    summary = run_batch(path, jobs=1, force=True)
    assert made and summary.interrupted
    assert not list((tmp_path / "out").glob(".*.part"))
    assert (tmp_path / "out" / ".handouts-batch.json").is_file()
