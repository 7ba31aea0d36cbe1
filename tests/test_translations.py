"""Shipped translations say what their originals say, and a translation that drifts is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handouts.checks import readability_report
from handouts.checks.safety import run_safety_rules
from handouts.cli import app
from handouts.content import load_content, load_routine
from handouts.translations import languages_by_id

from pdfcheck import missing_texts
from shipped import CONTENT_DIR, TRANSLATIONS

runner = CliRunner()

EXPECTED = {
    "clinical-neck-es": "clinical-neck", "partner-back-es": "partner-back", "partner-neck-es": "partner-neck",
    "self-neck-back-es": "self-neck-back", "self-neck-tools-es": "self-neck-tools",
    "partner-neck-fr": "partner-neck", "self-neck-back-fr": "self-neck-back",
}


def _pair(translation_id: str):
    t = load_routine(CONTENT_DIR / f"{translation_id}.yaml").routine
    o = load_routine(CONTENT_DIR / f"{t.translation_of}.yaml").routine
    return t, o


def test_every_routine_is_in_spanish_and_two_in_french():
    assert TRANSLATIONS == sorted(EXPECTED)
    for tid, of in EXPECTED.items():
        t, _ = _pair(tid)
        assert t.translation_of == of and t.id == f"{of}-{t.language}"


@pytest.mark.parametrize("translation_id", TRANSLATIONS)
def test_a_translation_keeps_every_step_fact_and_safety_line(translation_id):
    t, o = _pair(translation_id)
    assert len(t.all_steps) == len(o.all_steps)
    assert [len(p.steps) for p in t.phases] == [len(p.steps) for p in o.phases]
    for ts, os_ in zip(t.all_steps, o.all_steps):
        assert (ts.regions, ts.hand_use, ts.pressure, ts.motion, ts.dosage) == \
               (os_.regions, os_.hand_use, os_.pressure, os_.motion, os_.dosage)
        assert (ts.caution is None) == (os_.caution is None)
        ti, oi = ts.illustration, os_.illustration
        assert (ti.path, ti.tools, ti.stance, ti.direction, ti.view, ti.hands) == \
               (oi.path, oi.tools, oi.stance, oi.direction, oi.view, oi.hands)
    for group in ("cautions", "red_flags", "contraindications", "card_summary"):
        assert len(getattr(t.safety, group)) == len(getattr(o.safety, group)), group
    assert (t.safety.seek_care is None) == (o.safety.seek_care is None)
    assert [w.rule for w in t.waivers] == [w.rule for w in o.waivers]
    assert (t.audience, t.regions, t.time, t.source.document) == (o.audience, o.regions, o.time, o.source.document)
    assert t.language != o.language and o.id in t.source.note


@pytest.mark.parametrize("translation_id", TRANSLATIONS)
def test_a_translation_meets_its_language_targets_and_safety_rules(translation_id):
    t, o = _pair(translation_id)
    report = readability_report(t)
    assert report.language == t.language and report.scores, report.unknown_language
    assert [s.formula for s in report.scores] == (
        ["Szigriszt-Pazos", "Fernández-Huerta"] if t.language == "es" else ["Kandel-Moles"])
    assert all(s.ok for s in report.scores), report.scores
    results = run_safety_rules(t)
    assert [r.rule for r in results if not r.ok] == []
    # the same rules pass, and the same are waived, as on the original: nothing slips through in translation
    original = run_safety_rules(o)
    assert sorted((r.rule, r.passed, r.waived) for r in results) == \
           sorted((r.rule, r.passed, r.waived) for r in original)


@pytest.mark.parametrize("translation_id", TRANSLATIONS)
def test_a_translation_keeps_the_card_limits(translation_id):
    t, _ = _pair(translation_id)
    assert len(t.title) <= 60
    for step in t.all_steps:
        assert step.cue and len(step.cue) <= 40
        assert step.brief and len(step.brief) <= 120


def _folder(tmp_path: Path, original: str, translation: str, edit=None) -> Path:
    folder = tmp_path / "content"
    folder.mkdir(parents=True)
    shutil.copy(CONTENT_DIR / f"{original}.yaml", folder)
    text = (CONTENT_DIR / f"{translation}.yaml").read_text(encoding="utf-8")
    (folder / f"{translation}.yaml").write_text(edit(text) if edit else text, encoding="utf-8")
    return folder


def _line(path: Path, starts: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.strip().startswith(starts))


def test_a_translation_missing_a_red_flag_is_refused_naming_the_field(tmp_path):
    folder = _folder(tmp_path, "partner-neck", "partner-neck-es",
                     lambda text: text.replace("    - Un dolor de cabeza nuevo, o dolores de cabeza que cambian o van a peor.\n", ""))
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    name = folder / "partner-neck-es.yaml"
    expected = (f"{name}:{_line(name, 'red_flags:')}: safety.red_flags: has 3 lines but its original partner-neck "
                f"({folder / 'partner-neck.yaml'}) has 4; a translation keeps every safety line, one for one")
    assert expected in result.output.splitlines(), result.output
    assert "Traceback" not in result.output


def test_a_dropped_step_caution_and_changed_region_are_refused(tmp_path):
    def edit(text: str) -> str:
        text = text.replace("        caution: Baja por el lado del cuello. Nunca pases por delante de la garganta.\n", "")
        return text.replace("        regions: [upper_chest]\n", "        regions: [upper_back]\n")

    folder = _folder(tmp_path, "partner-neck", "partner-neck-es", edit)
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(": phases[1].steps[5].caution: is missing in step 5 of its original partner-neck" in x for x in lines), lines
    assert any(": phases[2].steps[3].regions: is upper_back but step 8 of its original partner-neck" in x
               and x.endswith("says upper_chest; a translation keeps them") for x in lines), lines


def test_a_translation_of_a_routine_that_is_not_there(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    text = (CONTENT_DIR / "self-neck-back-fr.yaml").read_text(encoding="utf-8")
    (folder / "self-neck-back-fr.yaml").write_text(text.replace("translation_of: self-neck-back", "translation_of: nope"),
                                                    encoding="utf-8")
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    name = folder / "self-neck-back-fr.yaml"
    assert result.output.splitlines()[0] == (
        f"{name}:2: translation_of: names 'nope', which is not a routine here; "
        "give the id of the routine this one translates")


def test_checking_only_the_translation_finds_its_original_beside_it():
    result = runner.invoke(app, ["validate", str(CONTENT_DIR / "partner-neck-es.yaml")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["check", str(CONTENT_DIR / "self-neck-back-fr.yaml")])
    assert result.exit_code == 0, result.output
    assert "K-M" in result.output and "0 error(s)" in result.output


def test_an_id_with_a_language_suffix_is_a_translation_without_saying_so(tmp_path):
    folder = _folder(tmp_path, "self-neck-back", "self-neck-back-fr",
                     lambda text: text.replace("translation_of: self-neck-back\n", ""))
    docs = load_content([folder]).routines
    assert languages_by_id(docs) == {"self-neck-back": ["en", "fr"], "self-neck-back-fr": ["fr"]}
    # and it is held to the same rules
    broken = _folder(tmp_path / "b", "self-neck-back", "self-neck-back-fr",
                     lambda text: text.replace("translation_of: self-neck-back\n", "").replace(
                         "    dosage:\n      duration: several minutes\n", "    dosage:\n      duration: 10 min\n"))
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "steps[5].dosage: is 10 min but step 5 of its original self-neck-back" in result.output


def test_list_shows_each_routines_languages():
    result = runner.invoke(app, ["list", "--content", str(CONTENT_DIR)])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines() if line.startswith("  ")}
    expected = {"partner-neck": "en, es, fr", "self-neck-back": "en, es, fr", "partner-back": "en, es",
                "clinical-neck": "en, es", "self-neck-tools": "en, es", "partner-neck-es": "es", "partner-neck-fr": "fr"}
    # one column after the step count, starting at the same place on every routine row, before the title
    start = rows["partner-neck"].index(" steps  ") + len(" steps  ")
    for rid, languages in expected.items():
        assert rows[rid][start:].startswith(languages + "  "), rows[rid]
    assert rows["partner-neck-fr"][start:].split("  ", 1)[1].strip() == "Massage du cou et des épaules pour un proche"


def test_building_a_drifted_translation_alone_is_refused_with_the_same_message(tmp_path):
    folder = _folder(tmp_path, "partner-neck", "partner-neck-es",
                     lambda text: text.replace("    - Un dolor de cabeza nuevo, o dolores de cabeza que cambian o van a peor.\n", ""))
    validate = runner.invoke(app, ["validate", str(folder)])
    out = tmp_path / "out"
    build = runner.invoke(app, ["build", "partner-neck-es", "-l", "handout-a4", "--content", str(folder), "--out", str(out)])
    assert build.exit_code == 1
    message = next(x for x in validate.output.splitlines() if "safety.red_flags" in x)
    assert message in build.output.splitlines(), build.output
    assert not out.exists() or not list(out.iterdir())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("translations")
    handouts = runner.invoke(app, ["build", *TRANSLATIONS, "-l", "handout-a4", "--content", str(CONTENT_DIR),
                                   "--out", str(out)])
    assert handouts.exit_code == 0, handouts.output
    cards = runner.invoke(app, ["card", *TRANSLATIONS, "-l", "card-credit", "--content", str(CONTENT_DIR),
                                "--out", str(out)])
    assert cards.exit_code == 0, cards.output
    return out


@pytest.mark.parametrize("translation_id", TRANSLATIONS)
def test_a_translated_handout_prints_every_step_and_safety_line(built, translation_id):
    t, _ = _pair(translation_id)
    expected = [t.title, *t.safety.all_lines()]
    for step in t.all_steps:
        expected += [step.title, step.instruction, *step.actions, *([step.caution] if step.caution else [])]
    assert missing_texts(built / f"{translation_id}--handout-a4.pdf", expected) == []


@pytest.mark.parametrize("translation_id", TRANSLATIONS)
def test_a_translated_card_prints_every_cue_and_red_flag(built, translation_id):
    t, _ = _pair(translation_id)
    expected = [step.cue for step in t.all_steps] + t.safety.red_flags + [t.safety.seek_care]
    assert missing_texts(built / f"{translation_id}--card-credit.pdf", expected) == []
