"""Bilingual handouts in a class batch: the manifest's ``also``, the roster's ``also`` column, resume."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from handouts.cli import app
from handouts.yamlio import load_yaml

from pdfcheck import missing_texts

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"


def step_titles(routine_file: Path) -> list[str]:
    data = load_yaml(routine_file).data
    return [step["title"] for phase in data["phases"] for step in phase["steps"]]


def class_folder(tmp: Path, roster: str, extra: str = "also: fr\n",
                 handouts: str = "[handout-a4, bilingual-a4]") -> Path:
    """A class of partner-neck with its Spanish and French translations; returns the manifest."""
    content = tmp / "content"
    content.mkdir()
    for name in ("partner-neck.yaml", "partner-neck-es.yaml", "partner-neck-fr.yaml"):
        shutil.copy(CONTENT / name, content / name)
    (tmp / "roster.csv").write_text(roster, encoding="utf-8")
    path = tmp / "class.batch.yaml"
    path.write_text(f"title: Mixed class\ncontent: content\nroutines: [partner-neck]\nhandouts: {handouts}\n"
                    f"roster: roster.csv\nout: out\n{extra}", encoding="utf-8")
    return path


def batch(*args: str | Path):
    return CliRunner().invoke(app, ["batch", *[str(a) for a in args]])


def validate(path: Path):
    return CliRunner().invoke(app, ["validate", str(path)])


MIXED = "name,also\nAna,es\nBen,\nCara,de\n"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mixed")
    path = class_folder(tmp, MIXED)
    return tmp, path, batch(path, "--jobs", "1", "--combined")


def test_each_row_gets_its_second_language_and_the_impossible_row_fails_alone(mixed):
    tmp, _, result = mixed
    out = tmp / "out"
    assert result.exit_code == 1
    assert "built 5, up to date 0, failed 1 of 6" in result.stdout
    assert (f"{tmp / 'roster.csv'}:4: also: partner-neck has no translation into 'de'" in result.stdout
            or "roster.csv:4: also: partner-neck has no translation into 'de'" in result.stdout)
    assert sorted(p.name for p in out.glob("*--*.pdf")) == [
        "ana--partner-neck--bilingual-a4.pdf", "ana--partner-neck--handout-a4.pdf",
        "ben--partner-neck--bilingual-a4.pdf", "ben--partner-neck--handout-a4.pdf",
        "cara--partner-neck--handout-a4.pdf"]
    english, spanish, french = (step_titles(CONTENT / f) for f in
                                ("partner-neck.yaml", "partner-neck-es.yaml", "partner-neck-fr.yaml"))
    ana, ben = out / "ana--partner-neck--bilingual-a4.pdf", out / "ben--partner-neck--bilingual-a4.pdf"
    assert missing_texts(ana, english + spanish) == []
    assert len(missing_texts(ana, french)) == len(french)
    assert missing_texts(ben, english + french) == []  # the manifest's also: fr
    assert len(missing_texts(ben, spanish)) == len(spanish)
    # an ordinary layout stays one-language, also for a row that asks for a second one
    plain = out / "ana--partner-neck--handout-a4.pdf"
    assert missing_texts(plain, english) == [] and len(missing_texts(plain, spanish)) == len(spanish)


def test_bilingual_handouts_carry_the_personal_details_and_read_well_in_the_combined_pdf(mixed):
    tmp, _, _ = mixed
    first = PdfReader(tmp / "out" / "ana--partner-neck--bilingual-a4.pdf").pages[0].extract_text()
    assert "Prepared for / Preparado para: Ana" in " ".join(first.split())
    titles = [o.title for o in PdfReader(tmp / "out" / "combined.pdf").outline]
    assert titles == ["Ana — partner-neck (handout-a4)", "Ana — partner-neck + partner-neck-es (bilingual-a4)",
                      "Ben — partner-neck (handout-a4)", "Ben — partner-neck + partner-neck-fr (bilingual-a4)",
                      "Cara — partner-neck (handout-a4)"]


def test_resume_skips_what_is_unchanged_and_rebuilds_after_the_translation_changes(tmp_path):
    path = class_folder(tmp_path, MIXED)
    assert "built 5" in batch(path, "--jobs", "1").stdout
    again = batch(path, "--jobs", "1")
    assert "built 0, up to date 5, failed 1 of 6" in again.stdout
    spanish = tmp_path / "content" / "partner-neck-es.yaml"
    old = "Calienta el cuello y los hombros con las yemas"
    spanish.write_text(spanish.read_text(encoding="utf-8").replace(old, old + ", despacio", 1), encoding="utf-8")
    changed = batch(path, "--jobs", "1")
    assert "built 1, up to date 4, failed 1 of 6" in changed.stdout
    assert "built  ana--partner-neck--bilingual-a4.pdf" in changed.stdout
    assert missing_texts(tmp_path / "out" / "ana--partner-neck--bilingual-a4.pdf", [old + ", despacio"]) == []
    # the second language of a row is part of what its handout is made from
    (tmp_path / "roster.csv").write_text("name,also\nAna,fr\nBen,\nCara,de\n", encoding="utf-8")
    switched = batch(path, "--jobs", "1")
    assert "built 1, up to date 4, failed 1 of 6" in switched.stdout
    assert missing_texts(tmp_path / "out" / "ana--partner-neck--bilingual-a4.pdf", step_titles(CONTENT / "partner-neck-fr.yaml")) == []


def test_the_also_placeholder_names_the_file_by_its_second_language(tmp_path):
    path = class_folder(tmp_path, "name,also,language\nAna,es,\nBen,,\nDan,en,es\n", handouts="[bilingual-a4]",
                        extra='also: fr\nfile_name: "{name}--{routine}+{also}--{layout}.pdf"\n')
    result = batch(path, "--jobs", "1")
    assert result.exit_code == 0, result.stdout
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "ana--partner-neck+es--bilingual-a4.pdf", "ben--partner-neck+fr--bilingual-a4.pdf",
        "dan--partner-neck+en--bilingual-a4.pdf"]
    # a student reading the Spanish gets it first, with the English beside it
    dan = PdfReader(tmp_path / "out" / "dan--partner-neck+en--bilingual-a4.pdf").pages[0].extract_text()
    assert dan.index("Masaje de cuello") < dan.index("Neck and shoulder massage")


@pytest.mark.parametrize(("extra", "handouts", "roster", "expected"), [
    ("also: de\n", "[bilingual-a4]", "name\nAna\n",
     "class.batch.yaml:7: also: partner-neck has no translation into 'de': no routine in"),
    ("also: EN\n", "[bilingual-a4]", "name\nAna\n",
     "class.batch.yaml:7: also: 'en' is the language of partner-neck already"),
    ("also: e1\n", "[bilingual-a4]", "name\nAna\n",
     "class.batch.yaml:7: also: 'e1' is not a language code; give one such as es or fr"),
    ("also: " + "e" * 41 + "\n", "[bilingual-a4]", "name\nAna\n", "class.batch.yaml:7: also: "),
    ("also: es\n", "[handout-a4]", "name\nAna\n",
     "class.batch.yaml:7: also: no layout in handouts prints two languages"),
    ("", "[handout-a4, bilingual-a4]", "name\nAna\n",
     "class.batch.yaml:4: handouts[2]: layout 'bilingual-a4' prints a routine beside its translation, "
     "but no second language is given"),
    ("also: es\nformat: both\n", "[bilingual-a4]", "name\nAna\n",
     "class.batch.yaml:8: format: layout 'bilingual-a4' prints two languages, which only a PDF does"),
    ("also: es\n", "[bilingual-a4]", "name,also\nAna,\nBen,en\nCara,x\n",
     "roster.csv:3: also: 'en' is the language of partner-neck already"),
    ("also: es\n", "[bilingual-a4]", "name,also\nAna,\nBen,en\nCara,x\n",
     "roster.csv:4: also: 'x' is not a language code"),
    ("", "[bilingual-a4, handout-a4]", "name,also\nAna,es\nBen,\n",
     "roster.csv:3: also: layout 'bilingual-a4' prints two languages; fill this row's 'also' column"),
])
def test_validate_names_file_line_and_field(tmp_path, extra, handouts, roster, expected):
    path = class_folder(tmp_path, roster, extra=extra, handouts=handouts)
    result = validate(path)
    assert result.exit_code == 1
    assert expected in result.output.replace(str(tmp_path) + "/", ""), result.output
    assert "Traceback" not in result.output


def test_a_manifest_level_impossibility_draws_nothing(tmp_path):
    path = class_folder(tmp_path, MIXED, extra="also: de\n")
    result = batch(path, "--jobs", "1")
    assert result.exit_code == 1 and "class.batch.yaml:7: also: partner-neck has no translation into 'de'" in result.output
    assert not (tmp_path / "out").exists()
