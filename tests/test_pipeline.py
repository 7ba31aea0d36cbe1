"""One pipeline: every command refuses the same routine with the same words, and validate says so first."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handouts.cli import app

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "tests" / "cases" / "checks"


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def unsafe(tmp_path, monkeypatch):
    """A copy of partner-neck with its cautions removed, in a folder with a one-row class batch."""
    content = tmp_path / "content"
    content.mkdir()
    text = (ROOT / "content" / "partner-neck.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\n  cautions:\n(    - .*\n(      .*\n)*)+", "\n", text)
    assert "cautions:" not in text
    (content / "partner-neck.yaml").write_text(text, encoding="utf-8")
    (content / "roster.csv").write_text("name\nAna\n", encoding="utf-8")
    (content / "class.batch.yaml").write_text(
        "routines: [partner-neck]\nhandouts: [handout-a4]\nroster: roster.csv\nout: ../out\n"
        "cards: {layouts: [card-credit], sheet: a4}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"content/partner-neck\.yaml:\d+: ", line)]


def test_build_card_batch_and_validate_refuse_an_unsafe_routine_alike(unsafe):
    results = {
        "build": run("build", "-l", "handout-a4", "--out", "out"),
        "card": run("card", "-l", "card-credit", "--out", "out"),
        "batch": run("batch", "content/class.batch.yaml", "--jobs", "1"),
        "validate": run("validate"),
    }
    said = {name: problems(r.stderr) for name, r in results.items()}
    assert all(r.exit_code == 1 for r in results.values()), {n: r.output for n, r in results.items()}
    expected = said["build"]
    assert len(expected) == 1 and "neck-cautions" in expected[0] and "safety.cautions" in expected[0]
    assert said == {name: expected for name in results}
    assert not list((unsafe / "out").glob("*.pdf"))


def test_validate_prints_each_problem_once(unsafe):
    result = run("validate")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == len(set(lines))
    assert lines[-1] == f"{len(lines) - 1} problem{'s' if len(lines) != 2 else ''} found."


@pytest.mark.parametrize("routine, rule", [("neck-red-flags.yaml", "neck-red-flags"), ("unknown-waiver.yaml", "unknown-waiver")])
def test_validate_reports_what_build_refuses(tmp_path, monkeypatch, routine, rule):
    (tmp_path / "content").mkdir()
    shutil.copy(CHECKS / routine, tmp_path / "content" / routine)
    monkeypatch.chdir(tmp_path)
    build = run("build", "-l", "handout-a4", "--out", "out")
    validate = run("validate")
    assert build.exit_code == validate.exit_code == 1
    assert rule in build.stderr and build.stderr == validate.stderr


def test_validate_refuses_a_character_no_font_prints(tmp_path, monkeypatch):
    (tmp_path / "content").mkdir()
    text = (CHECKS / "good.yaml").read_text(encoding="utf-8").replace("title: ", "title: 🦄 ", 1)
    (tmp_path / "content" / "good.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    build, validate = run("build", "--out", "out"), run("validate")
    assert build.exit_code == validate.exit_code == 1
    assert "U+1F984" in validate.stderr and build.stderr == validate.stderr


def test_an_option_out_of_bounds_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("build", "partner-neck", "-l", "handout-a4", "--out", str(tmp_path), "--note", "x" * 2001)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "--note: is too long (2001 characters; at most 2000)"


def test_own_layouts_folder_extends_the_shipped_layouts(tmp_path, monkeypatch):
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "handout-a4.yaml").write_text(
        "extends: handout-a4\ndescription: ours\nbrand: {primary: '#5a2d82'}\n", encoding="utf-8")
    (tmp_path / "layouts" / "purple-letter.yaml").write_text(
        "extends: handout-letter\ndescription: purple letter\nbrand: {primary: '#5a2d82'}\n", encoding="utf-8")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    listed = run("list")
    assert listed.exit_code == 0, listed.output
    rows = {line.split()[0]: line.split()[1:3] for line in listed.stdout.splitlines()[listed.stdout.splitlines().index("Layouts:") + 1:]}
    assert rows["handout-a4"] == ["handout", "own"] and rows["purple-letter"] == ["handout", "own"]
    assert rows["handout-letter"] == ["handout", "shipped"]
    built = run("build", "partner-neck", "-l", "purple-letter", "-l", "handout-a4", "--out", "out")
    assert built.exit_code == 0, built.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["partner-neck--handout-a4.pdf",
                                                                    "partner-neck--purple-letter.pdf"]
    elsewhere = run("build", "partner-neck", "-l", "purple-letter", "--layouts", str(tmp_path / "nope"))
    assert elsewhere.exit_code == 1
    assert elsewhere.stderr.splitlines()[0] == f"--layouts: folder {tmp_path / 'nope'} does not exist"


def test_a_batch_finds_your_layouts_by_option_manifest_or_the_layouts_folder(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "tests" / "cases" / "batch" / "content", tmp_path / "content")
    (tmp_path / "content" / "broken-routine.yaml").unlink()
    (tmp_path / "content" / "roster.csv").write_text("name\nAna\n", encoding="utf-8")
    small = (ROOT / "tests" / "cases" / "batch" / "layouts" / "handout-small.yaml").read_text(encoding="utf-8")
    for folder in ("layouts", "elsewhere"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "handout-small.yaml").write_text(small, encoding="utf-8")
    manifest = tmp_path / "content" / "class.batch.yaml"
    manifest.write_text("routines: [tiny-stretch]\nhandouts: [handout-small]\nroster: roster.csv\nout: ../out\n",
                        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("batch", manifest, "--jobs", "1").exit_code == 0  # ./layouts
    assert run("batch", manifest, "--jobs", "1", "--force", "--layouts", "elsewhere").exit_code == 0
    shutil.rmtree(tmp_path / "layouts")
    refused = run("batch", manifest, "--jobs", "1", "--force")
    assert refused.exit_code == 1 and "unknown layout 'handout-small'" in refused.stderr
    manifest.write_text(manifest.read_text() + "layouts: ../elsewhere\n", encoding="utf-8")
    assert run("batch", manifest, "--jobs", "1", "--force").exit_code == 0
