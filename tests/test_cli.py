"""The command line, driven through typer's CliRunner: output and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handouts.cli import app

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "cases"
GOOD = CASES / "content-good"
TEST_LAYOUTS = CASES / "layouts"


# ---------------------------------------------------------------- validate


def test_validate_good_content(runner, monkeypatch):
    monkeypatch.chdir(CASES)
    result = runner.invoke(app, ["validate", "content-good"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "ok: 2 routine(s), 0 layout file(s) valid.\n", "")


def test_validate_good_content_and_layouts_by_default(runner, monkeypatch, tmp_path):
    shutil.copytree(GOOD, tmp_path / "content")
    shutil.copytree(TEST_LAYOUTS, tmp_path / "layouts")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.stderr
    shipped = len(list((REPO / "handouts" / "data" / "layouts").glob("*.yaml")))
    assert result.stdout == f"ok: 2 routine(s), 4 layout file(s), {shipped} shipped layout(s) valid.\n"


def test_validate_single_files(runner, monkeypatch):
    monkeypatch.chdir(CASES)
    result = runner.invoke(app, ["validate", "content-good/neck-ease.yaml", "layouts/child.yaml"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ok: 1 routine(s), 1 layout file(s) valid.\n"


def test_validate_clinic_file_alone(runner, monkeypatch, tmp_path):
    (tmp_path / "clinic.yaml").write_text("name: Riverside Massage\nphone: 555 0100\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "clinic.yaml"])
    assert result.exit_code == 0, result.stderr


def test_validate_bad_content_exits_1_with_every_problem(runner, monkeypatch, tmp_path):
    shutil.copytree(GOOD, tmp_path / "content")
    one = tmp_path / "content" / "neck-ease.yaml"
    one.write_text(one.read_text().replace("audience: self", "audience: me"), encoding="utf-8")
    two = tmp_path / "content" / "shoulder-rub.yaml"
    two.write_text(two.read_text().replace("time: 5-10 min", "time: a while"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "content"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "content/neck-ease.yaml:4: audience: 'me' is not allowed; choose one of: self, partner, clinician",
        "content/shoulder-rub.yaml:5: time: 'a while' is not a time; write e.g. '30 sec', '1 min', '5-10 min', 'a few seconds'",
        "2 problems found.",
    ]


def test_validate_reports_a_missing_path_among_good_ones(runner, monkeypatch):
    monkeypatch.chdir(CASES)
    result = runner.invoke(app, ["validate", "content-good", "nowhere"])
    assert (result.exit_code, result.stderr) == (1, "nowhere: path does not exist\n1 problem found.\n")


def test_validate_absolute_paths_outside_the_working_folder_stay_absolute(runner, monkeypatch, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:1: ")


# ---------------------------------------------------------------- list


def test_list_shows_each_routine_with_its_step_count(runner, monkeypatch):
    monkeypatch.chdir(CASES)
    result = runner.invoke(app, ["list", "--content", "content-good", "--layouts", "layouts"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Routines:"
    neck = next(line for line in lines if "neck-ease" in line)
    rub = next(line for line in lines if "shoulder-rub" in line)
    assert neck.split()[:4] == ["neck-ease", "self", "2", "steps"] and neck.endswith("Ease a stiff neck")
    assert rub.split()[:4] == ["shoulder-rub", "partner", "3", "steps"]
    assert lines.index(neck) < lines.index(rub)
    layouts = {line.split()[0]: line.split()[1:3] for line in lines[lines.index("Layouts:") + 1:]}
    assert layouts["child"] == ["handout", "own"] and layouts["letter"] == ["handout", "own"]
    assert layouts["handout-a4"] == ["handout", "shipped"] and layouts["card-credit"] == ["card", "shipped"]
    assert "base" not in layouts and "handout-base" not in layouts


def test_list_bad_content_exits_1(runner, monkeypatch, tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "r.yaml").write_text("id: r\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["list", "--layouts", str(TEST_LAYOUTS)])
    assert result.exit_code == 1
    assert "content/r.yaml:1: title: is required" in result.stderr.splitlines()


def test_list_empty_content_folder_exits_1(runner, monkeypatch, tmp_path):
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["list", "--layouts", str(TEST_LAYOUTS)])
    assert (result.exit_code, result.stderr) == (1, "content: no routines found (expected routine .yaml files)\n1 problem found.\n")


# ---------------------------------------------------------------- the real repository


def real_routines() -> list[Path]:
    folder = REPO / "content"
    return [p for p in folder.glob("*.yaml") if p.stem != "clinic" and not p.stem.endswith((".clinic", ".batch"))]


@pytest.mark.skipif(not real_routines(), reason="content/ has no routines yet")
def test_real_content_and_layouts_validate(runner, monkeypatch):
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.stderr
    shipped = len(list((REPO / "handouts" / "data" / "layouts").glob("*.yaml")))
    assert result.stdout == (f"ok: {len(real_routines())} routine(s), 0 layout file(s), 1 batch manifest(s), "
                             f"{shipped} shipped layout(s) valid.\n")


# ---------------------------------------------------------------- schema


@pytest.mark.parametrize("which, keys", [
    ("routine", {"id", "title", "summary", "audience", "time", "steps", "phases", "safety", "source"}),
    ("clinic", {"name", "logo", "logo_alt", "brand_color"}),
    ("layout", {"page", "styles", "boxes", "sections", "min_font_size"}),
    ("batch", {"routines", "handouts", "cards", "roster", "out", "file_name", "clinic"}),
])
def test_schema_is_strict_json(runner, which, keys):
    result = runner.invoke(app, ["schema", which])
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    assert keys <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    for name, sub in schema.get("$defs", {}).items():
        if sub.get("type") == "object" and "properties" in sub:
            assert sub.get("additionalProperties") is False, name


def test_schema_defaults_to_routine(runner):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Routine"


def test_schema_nonsense_exits_1(runner):
    result = runner.invoke(app, ["schema", "nonsense"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "handouts: unknown schema 'nonsense'; choose one of: routine, clinic, layout, batch\n1 problem found.\n"


# ---------------------------------------------------------------- entry points


def test_python_dash_m_help():
    result = subprocess.run([sys.executable, "-m", "handouts", "--help"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for command in ("validate", "list", "schema"):
        assert command in result.stdout


def test_no_arguments_shows_help(runner):
    result = runner.invoke(app, [])
    assert "validate" in result.output and "Usage" in result.output


def test_layout_schema_describes_a_file_that_extends_a_parent():
    import json

    from typer.testing import CliRunner

    from handouts.cli import app

    result = CliRunner().invoke(app, ["schema", "layout"])
    schema = json.loads(result.output)
    assert "extends" in schema["properties"]

    def has_required(node) -> bool:
        if isinstance(node, dict):
            return "required" in node or any(has_required(v) for v in node.values())
        return isinstance(node, list) and any(has_required(v) for v in node)

    assert not has_required(schema)
    assert schema["additionalProperties"] is False


def test_garbage_collection_resumes_once_a_command_has_loaded(monkeypatch):
    """main() holds the collector back during start-up; settle() hands it back, and only then."""
    import gc

    from handouts import cli

    frozen = []
    monkeypatch.setattr(cli.gc, "freeze", lambda: frozen.append(True))
    cli.settle()
    assert frozen == [], "an embedding program's collector is left alone"
    gc.disable()
    try:
        cli.settle()
        assert gc.isenabled() and frozen == [True]
    finally:
        gc.enable()
