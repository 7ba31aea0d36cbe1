"""`handouts build`: what it refuses, what it prints, and that it never leaves a broken file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from handouts.cli import app

from pdfcheck import missing_texts

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "tests" / "cases" / "checks"


def content_with(tmp: Path, *routine_files: Path, text_edit=None) -> Path:
    content = tmp / "content"
    content.mkdir()
    for f in routine_files:
        text = f.read_text()
        if text_edit:
            text = text_edit(text)
        (content / f.name).write_text(text)
    return content


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_build_prints_paths_and_a_quality_line(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("build", "self-neck-back", "-l", "handout-a4", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "self-neck-back--handout-a4.pdf"
    assert result.output.splitlines()[0] == str(pdf) and pdf.exists()
    quality = [line for line in result.output.splitlines() if line.startswith("quality: self-neck-back:")]
    assert len(quality) == 1
    assert "Flesch-Kincaid" in quality[0] and "PEMAT" in quality[0] and "safety rules 6/6 met" in quality[0]


def test_build_refuses_a_routine_that_breaks_a_safety_rule(tmp_path, monkeypatch):
    content = content_with(tmp_path, CHECKS / "neck-red-flags.yaml")
    monkeypatch.chdir(tmp_path)
    result = run("build", "--content", "content", "-l", "handout-a4", "--out", "out")
    assert result.exit_code == 1
    assert "content/neck-red-flags.yaml:" in result.output and "neck-red-flags" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert content.exists()


def test_waived_rule_builds(tmp_path, monkeypatch):
    content_with(tmp_path, CHECKS / "waived.yaml")
    monkeypatch.chdir(tmp_path)
    result = run("build", "--content", "content", "-l", "handout-a4", "--out", "out")
    assert result.exit_code == 0, result.output
    assert "waived" in result.output


def test_a_glyph_no_font_has_is_named_and_old_output_survives(tmp_path, monkeypatch):
    good = content_with(tmp_path, CHECKS / "good.yaml")
    monkeypatch.chdir(tmp_path)
    assert run("build", "--content", "content", "-l", "handout-a4", "--out", "out").exit_code == 0
    pdf = tmp_path / "out" / "good--handout-a4.pdf"
    before = pdf.read_bytes()
    text = (good / "good.yaml").read_text().replace("title: Ease a stiff neck", "title: Ease a stiff neck \U0001F600")
    (good / "good.yaml").write_text(text)
    result = run("build", "--content", "content", "-l", "handout-a4", "--out", "out")
    assert result.exit_code == 1
    assert "content/good.yaml:3: title: no font can print '\U0001F600' (U+1F600 GRINNING FACE)" in result.output
    assert pdf.read_bytes() == before
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["good--handout-a4.pdf"]


def test_unknown_routine_and_layout_are_clear_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("build", "no-such-routine", "--out", str(tmp_path))
    assert result.exit_code == 1 and "no-such-routine: no routine with this id or path; known ids:" in result.output
    result = run("build", "self-neck-back", "-l", "handout-a3", "--out", str(tmp_path))
    assert result.exit_code == 1 and "unknown layout 'handout-a3'" in result.output
    result = run("build", "self-neck-back", "-l", "handout-base", "--out", str(tmp_path))
    assert result.exit_code == 1 and "layout 'handout-base' is abstract" in result.output


def test_same_output_twice_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("build", "self-neck-back", "content/self-neck-back.yaml", "-l", "handout-a4", "--out", str(tmp_path))
    assert result.exit_code == 1 and "twice" in result.output
    assert not list(tmp_path.iterdir())


def test_routine_given_as_a_file_path(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("build", str(CHECKS / "good.yaml"), "-l", "handout-letter", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "good--handout-letter.pdf").exists()


def test_layout_given_as_a_file_path_is_named_by_its_stem(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("build", "partner-neck", "-l", str(ROOT / "handouts" / "data" / "layouts" / "handout-letter.yaml"), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["partner-neck--handout-letter.pdf"]


def test_personalisation_and_note(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("build", "partner-back", "-l", "handout-a4", "--out", str(tmp_path), "--for", "Zoë & Ørjan <3",
                 "--date", "1 March 2027", "--clinician", "Dr Ng", "--note", "Twice daily; stop if sore > 2 days.")
    assert result.exit_code == 0, result.output
    assert missing_texts(tmp_path / "partner-back--handout-a4.pdf",
                         ["Prepared for: Zoë & Ørjan <3", "By: Dr Ng", "Date: 1 March 2027",
                          "Twice daily; stop if sore > 2 days."]) == []


def test_build_of_one_routine_reads_its_file_once_and_no_other(tmp_path, monkeypatch):
    """Asked for by id, a routine is read from the file of that name; the quality line reuses it."""
    import handouts.content

    calls = []
    real = handouts.content.load_routine
    monkeypatch.setattr(handouts.content, "load_routine", lambda path: calls.append(Path(path).name) or real(path))
    monkeypatch.chdir(ROOT)
    result = run("build", "partner-neck", "-l", "handout-a4", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("quality: partner-neck: reading grade")
    assert calls == ["partner-neck.yaml"]


def test_a_broken_file_does_not_stop_the_build_of_another_routine(tmp_path, monkeypatch):
    content = content_with(tmp_path, ROOT / "content" / "partner-neck.yaml")
    (content / "draft.yaml").write_text("id: draft\ntitle: [unfinished\n")
    monkeypatch.chdir(tmp_path)
    result = run("build", "partner-neck", "-l", "handout-a4", "--out", "out")
    assert result.exit_code == 0, result.output
    everything = run("build", "-l", "handout-a4", "--out", "out")
    assert everything.exit_code == 1 and "content/draft.yaml:2: malformed YAML" in everything.stderr


def test_a_routine_whose_file_is_named_otherwise_is_still_found(tmp_path, monkeypatch):
    content = content_with(tmp_path)
    (content / "neck.yaml").write_text((ROOT / "content" / "partner-neck.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    result = run("build", "partner-neck", "-l", "handout-a4", "--out", "out")
    assert result.exit_code == 0, result.output
    missing = run("build", "partner-nek", "-l", "handout-a4", "--out", "out")
    assert missing.stderr.splitlines()[0] == "partner-nek: no routine with this id or path; known ids: partner-neck"


def _broken_render(*args, **kwargs):
    raise RuntimeError("drawing failed")


def test_checks_come_before_drawing(tmp_path, monkeypatch):
    """A routine the preflight refuses is never drawn: its plain message is the one shown."""
    import handouts.render.handout

    content_with(tmp_path, CHECKS / "neck-red-flags.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(handouts.render.handout, "render_handout", _broken_render)
    result = run("build", "--content", "content", "-l", "handout-a4", "--out", "out")
    assert result.exit_code == 1
    assert "content/neck-red-flags.yaml:" in result.output
    assert "RuntimeError" not in result.output and not (tmp_path / "out").exists()


def test_an_unexpected_drawing_failure_is_one_plain_line_and_writes_nothing(tmp_path, monkeypatch):
    import handouts.render.handout
    import handouts.render.reuse

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(handouts.render.handout, "render_handout", _broken_render)
    monkeypatch.setattr(handouts.render.reuse, "render_handout", _broken_render)
    result = run("build", "partner-neck", "-l", "handout-a4", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["handouts: internal error (RuntimeError: drawing failed); please report this"]
    assert not (tmp_path / "out").exists()


def test_a_second_build_gives_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    for out in ("a", "b"):
        result = run("build", "partner-neck", "self-neck-back", "-l", "handout-a4", "--for", "Ana",
                     "--out", str(tmp_path / out))
        assert result.exit_code == 0, result.output
    for name in ("partner-neck--handout-a4.pdf", "self-neck-back--handout-a4.pdf"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_nothing_is_written_under_the_home_folder(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.chdir(ROOT)
    for args in (["build", "partner-neck", "-l", "handout-a4"], ["card", "partner-neck", "-l", "card-credit"]):
        result = run(*args, "--out", str(tmp_path / "out"))
        assert result.exit_code == 0, result.output
    assert list(home.rglob("*")) == []
