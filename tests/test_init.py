"""`handouts init`: a starter folder that validates and builds as it is, and never overwrites a file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from handouts.cli import app

from pdfcheck import missing_texts


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


EXPECTED = ["content/class-roster.csv", "content/class.batch.yaml", "content/clinic.yaml",
            "content/shoulder-neck-self-care.yaml", "layouts/clinic-a4.yaml"]


def test_init_writes_a_folder_that_builds_without_edits(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("init", "clinic")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "clinic"
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == EXPECTED
    for name in EXPECTED:
        text = (folder / name).read_text(encoding="utf-8")
        assert name.endswith(".csv") or text.startswith("#"), f"{name} should open with a comment"
    monkeypatch.chdir(folder)
    assert run("validate").exit_code == 0
    built = run("build")
    assert built.exit_code == 0, built.output
    assert (folder / "output" / "shoulder-neck-self-care--clinic-a4.pdf").is_file()
    assert missing_texts(folder / "output" / "shoulder-neck-self-care--clinic-a4.pdf",
                         ["Your Clinic Name", "Squeeze and knead one shoulder, then the other"]) == []
    cards = run("card", "--sheet", "a4", "-l", "card-credit")
    assert cards.exit_code == 0, cards.output
    batch = run("batch", "content/class.batch.yaml", "--jobs", "1")
    assert batch.exit_code == 0, batch.output
    assert len(list((folder / "output" / "class").glob("*.pdf"))) == 4  # three students and the card sheet


def test_init_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "clinic.yaml").write_text("name: Mine\n", encoding="utf-8")
    result = run("init")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("content/clinic.yaml: already exists; init never overwrites a file, "
                                             "so run it in a new folder")
    assert (tmp_path / "content" / "clinic.yaml").read_text() == "name: Mine\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["clinic.yaml", "content"]


def test_init_into_a_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("taken").write_text("x")
    result = run("init", "taken")
    assert result.exit_code == 1 and result.stderr.startswith("taken: is a file, not a folder")
