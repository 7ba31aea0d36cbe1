"""A routine and its translation in one document: every word of both, one number and picture a
step, both languages of a step at the same height, each language's labels from its own catalog."""

from __future__ import annotations

import io
import re
import shutil
from functools import lru_cache
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from typer.testing import CliRunner

from handouts import labels
from handouts.cli import app
from handouts.content import load_content
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation, Routine
from handouts.pipeline.run import handout_request
from handouts.render.bilingual import BilingualRenderer, Translation, render_bilingual
from handouts.render.handout import HandoutInput

from density import page_fills, read
from pdfcheck import read_facts
from shipped import CONTENT_DIR, ROOT
from test_golden import ARTIFACTS, CHANGED_TOLERANCE, GOLDEN, MEAN_TOLERANCE, _difference, _page_image

runner = CliRunner()
LIBRARY = LayoutLibrary()
PERSON = Personalisation(for_name="Ana López", date="2026-11-21", clinician="J. Ellis")
BILINGUAL = ["bilingual-a4", "bilingual-alternating-a4", "bilingual-letter", "bilingual-sheet-a4"]

PAIRS = [
    ("partner-neck", "partner-neck-es", "bilingual-a4"),
    ("partner-neck", "partner-neck-es", "bilingual-alternating-a4"),
    ("partner-neck", "partner-neck-es", "bilingual-letter"),
    ("partner-neck", "partner-neck-es", "bilingual-sheet-a4"),
    ("partner-neck-es", "partner-neck-fr", "bilingual-a4"),
    ("self-neck-back-fr", "self-neck-back", "bilingual-alternating-a4"),
    ("self-neck-tools", "self-neck-tools-es", "bilingual-alternating-a4"),
    ("clinical-neck", "clinical-neck-es", "bilingual-a4"),
    ("self-neck-back-es", "self-neck-back-fr", "bilingual-sheet-a4"),
]
"""(routine, the translation beside it, layout): both arrangements, A4 and Letter, the sheet,
English first and second, Spanish with French, the longest routine."""


@lru_cache(maxsize=None)
def _content():
    return load_content([CONTENT_DIR])


def _doc(routine_id: str):
    return _content().by_id()[routine_id]


@lru_cache(maxsize=None)
def pdf(first: str, second: str, layout_name: str) -> bytes:
    content = _content()
    a, b = _doc(first), _doc(second)
    data = HandoutInput(a.routine, LIBRARY.get(layout_name), layout_name, PERSON, content.clinic, base_file=a.path,
                        clinic_file=content.clinic_path)
    return render_bilingual(data, Translation(b.routine, b.path))


@lru_cache(maxsize=None)
def facts(first: str, second: str, layout_name: str):
    return read_facts(pdf(first, second, layout_name))


def words_of(routine: Routine, sheet: bool) -> list[str]:
    """Every line of the routine a document of this kind prints."""
    s = routine.safety
    out = [routine.title, *s.cautions, *s.red_flags, *s.contraindications, *([s.seek_care] if s.seek_care else [])]
    for step in routine.all_steps:
        if sheet:
            out += [step.cue or step.title, step.brief or ""]
        else:
            out += [step.title, step.instruction, *step.actions]
        out += [step.caution] if step.caution else []
    if not sheet:
        out += [routine.summary, *routine.tips, *(t.text for t in routine.hand_tips)]
    return [t for t in out if t]


def missing(f, expected: list[str]) -> list[str]:
    """The expected lines not in the document's text, where a line that a page break cuts counts
    as printed when both its parts are: on the next page the other language's column is read
    between them."""
    out = []
    for line in f.missing(expected):
        words = line.split()
        if not any(not f.missing([" ".join(words[:k]), " ".join(words[k:])]) for k in range(2, len(words) - 1)):
            out.append(line)
    return out


@pytest.mark.parametrize("first,second,layout_name", PAIRS)
def test_every_line_of_both_routines_prints(first, second, layout_name):
    sheet = LIBRARY.get(layout_name).sheet is not None
    f = facts(first, second, layout_name)
    for rid in (first, second):
        assert missing(f, words_of(_doc(rid).routine, sheet)) == [], rid


@pytest.mark.parametrize("first,second,layout_name", PAIRS)
def test_pages_are_full_text_stays_apart_and_fonts_are_embedded(first, second, layout_name):
    """No page but the last more than a quarter blank or ending with a heading; no text on top of
    other text; nothing outside the margins or below the layout's smallest size."""
    layout = LIBRARY.get(layout_name)
    data = pdf(first, second, layout_name)
    fills = page_fills(data, read(data), layout)
    assert len(fills) > 1
    for fill in fills[:-1]:
        assert fill.blank <= 0.25, (fill.number, round(fill.blank, 3))
        assert not fill.last_is_heading, (fill.number, fill.last_line)
    f = facts(first, second, layout_name)
    assert f.overlapping() == []
    w, h = layout.page.dimensions
    m = layout.page.margins
    outside = [g for g in f.glyphs if g.x0 < m.left - 1 or g.x1 > w - m.right + 1 or g.top < 0 or g.bottom > h]
    assert outside == []
    assert min(g.size for g in f.glyphs) >= layout.min_font_size - 0.01
    assert f.fonts and all(font["embedded"] and font["subset"] for font in f.fonts), f.fonts
    assert all(size == pytest.approx((w, h), abs=0.3) for size in f.sizes)


def test_the_document_names_the_first_language_and_title():
    meta = facts("partner-neck-es", "partner-neck-fr", "bilingual-a4").metadata
    assert meta["/Lang"] == "es" and meta["/Title"] == _doc("partner-neck-es").routine.title


def _disc_numbers(data: bytes, x_max: float, layout_name: str = "bilingual-a4") -> list[tuple[int, int, float]]:
    """(page, number, top) of each step number drawn in the picture column (the white bold
    digits of a number disc, at the step-number size)."""
    found = []
    size = LIBRARY.get(layout_name).resolved_style("step_number").size
    with pdfplumber.open(io.BytesIO(data)) as doc:
        for n, page in enumerate(doc.pages, start=1):
            chars = [c for c in page.chars if c["text"].isdigit() and c["x1"] <= x_max
                     and abs(c["size"] - size) < 0.1 and "Bold" in c["fontname"]]
            rows: dict[float, list] = {}
            for c in chars:
                rows.setdefault(round(c["top"]), []).append(c)
            for top, cs in sorted(rows.items()):
                found.append((n, int("".join(c["text"] for c in sorted(cs, key=lambda c: c["x0"]))), top))
    return found


def _lines(glyphs, page: int, x0: float, x1: float) -> list[tuple[float, str]]:
    """(top, text without spaces) of each line of glyphs on ``page`` between ``x0`` and ``x1``."""
    rows: dict[int, list] = {}
    for g in glyphs:
        if g.page == page and x0 - 0.5 <= g.x0 and g.x1 <= x1 + 0.5:
            rows.setdefault(round(g.top), []).append(g)
    return [(min(g.top for g in gs), "".join(g.text for g in sorted(gs, key=lambda g: g.x0)))
            for _, gs in sorted(rows.items())]


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("first,second", [("partner-neck", "partner-neck-es"), ("partner-neck-es", "partner-neck-fr")])
def test_each_step_has_one_number_and_both_languages_start_at_its_height(first, second):
    layout = LIBRARY.get("bilingual-a4")
    a, b = _doc(first).routine, _doc(second).routine
    renderer = BilingualRenderer(HandoutInput(a, layout, "bilingual-a4", PERSON), Translation(b))
    left = layout.page.margins.left
    col_a = left + renderer.picture_width + renderer.gap
    col_b = col_a + renderer.column + renderer.gap
    data = pdf(first, second, "bilingual-a4")
    numbers = _disc_numbers(data, col_a)
    assert [n for _, n, _ in numbers] == list(range(1, len(a.all_steps) + 1))
    f = facts(first, second, "bilingual-a4")
    opens = {}
    for phase, steps in a.grouped_steps():
        opens[id(steps[0])] = phase
    phases_b = {i: phase for i, (phase, _) in enumerate(b.grouped_steps())}
    starts_b = {}
    count = 0
    for i, (_, steps) in enumerate(b.grouped_steps()):
        starts_b[count] = phases_b[i]
        count += len(steps)
    for (page, number, disc_top), sa, sb in zip(numbers, a.all_steps, b.all_steps):
        phase_a, phase_b = opens.get(id(sa)), starts_b.get(number - 1)
        first_a = _squashed(phase_a.title if phase_a else sa.title)
        first_b = _squashed(phase_b.title if phase_b else sb.title)
        lines_a = [(top, text) for top, text in _lines(f.glyphs, page, col_a, col_a + renderer.column)
                   if first_a.startswith(text) or text.startswith(first_a[:20])]
        lines_b = [(top, text) for top, text in _lines(f.glyphs, page, col_b, col_b + renderer.column)
                   if first_b.startswith(text) or text.startswith(first_b[:20])]
        assert lines_a and lines_b, (number, first_a, first_b)
        top_a = min(lines_a, key=lambda line: abs(line[0] - disc_top))[0]
        top_b = min(lines_b, key=lambda line: abs(line[0] - disc_top))[0]
        assert abs(top_a - top_b) <= 1, (number, top_a, top_b)
        assert abs(top_a - disc_top) < 20, (number, top_a, disc_top)  # the number stands beside the step's start


def test_each_language_prints_its_own_catalogs_labels():
    """A Spanish-French document prints no English label: headings, safety groups, step facts and
    the personal details come from the Spanish and the French catalogs."""
    f = facts("partner-neck-es", "partner-neck-fr", "bilingual-a4")
    es, fr, en = labels.for_language("es"), labels.for_language("fr"), labels.english()
    names = ["SAFETY", "STEPS", "WHAT_YOU_NEED", "HAND_TIPS", "TIPS", "GLOSSARY", "NOTES", "LEGEND", "CAUTIONS",
             "RED_FLAGS", "CONTRAINDICATIONS", "SEEK_CARE", "POSITION", "EQUIPMENT", "SETUP", "PREPARED_FOR",
             "CAUTION", "PRESSURE", "TIME"]
    for name in names:
        english, spanish, french = getattr(en, name), getattr(es, name), getattr(fr, name)
        assert f.missing([spanish, french]) == [], name
        if english not in (spanish, french):
            assert english not in f.text, name
    assert f.missing([es.page_of(1, len(f.sizes)), es.date("2026-11-21"), fr.date("2026-11-21")]) == []
    assert en.page_of(1, len(f.sizes)) not in f.text


def test_the_sheet_prints_step_words_in_both_languages_beside_one_picture():
    f = facts("partner-neck", "partner-neck-es", "bilingual-sheet-a4")
    a, b = _doc("partner-neck").routine, _doc("partner-neck-es").routine
    numbers = _disc_numbers(pdf("partner-neck", "partner-neck-es", "bilingual-sheet-a4"), 200, "bilingual-sheet-a4")
    assert sorted(n for _, n, _ in numbers) == list(range(1, len(a.all_steps) + 1))
    es = labels.for_language("es")
    assert f.missing([es.dosage(s.dosage) for s in b.all_steps if s.dosage]) == []
    assert f.missing([labels.english().dosage(s.dosage) for s in a.all_steps if s.dosage]) == []
    assert len(f.sizes) <= 3


# ---------------------------------------------------------------------- requests and errors


def test_build_writes_each_pair_once_per_bilingual_layout(tmp_path):
    result = runner.invoke(app, ["build", "self-neck-back", "--also", "es", "-l", "bilingual-a4",
                                 "-l", "bilingual-sheet-a4", "-o", str(tmp_path), "--content", str(CONTENT_DIR)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["self-neck-back+es--bilingual-a4.pdf",
                                                              "self-neck-back+es--bilingual-sheet-a4.pdf"]


def test_a_second_language_with_no_routine_named_pairs_every_original_that_has_it(tmp_path):
    jobs, _ = handout_request([], [], tmp_path, content_dir=CONTENT_DIR, library=LIBRARY, also="fr")
    assert sorted(j.out.name for j in jobs) == sorted(f"{rid}+fr--{layout}.pdf" for rid in ("partner-neck", "self-neck-back")
                                                      for layout in BILINGUAL)
    assert {(j.doc.id, j.also.id) for j in jobs} == {("partner-neck", "partner-neck-fr"), ("self-neck-back", "self-neck-back-fr")}


def test_plain_builds_leave_bilingual_layouts_out(tmp_path):
    jobs, _ = handout_request(["partner-neck"], [], tmp_path, content_dir=CONTENT_DIR, library=LIBRARY)
    assert jobs and not any(j.layout_name in BILINGUAL for j in jobs)


def _fails(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args,message", [
    (["partner-back", "--also", "fr"], "--also: partner-back has no translation into 'fr': no routine in content says "
                                       "translation_of: partner-back with language: fr; partner-back is in en, es"),
    (["partner-neck", "--also", "en"], "--also: 'en' is the language of partner-neck already; name the other "
                                       "language to print beside it"),
    (["partner-neck-es", "--also", "ES"], "--also: 'es' is the language of partner-neck-es already"),
    (["partner-neck", "--also", "12"], "--also: '12' is not a language code; give one such as es or fr"),
    (["partner-neck", "-l", "bilingual-a4"], "--layout: layout 'bilingual-a4' prints a routine beside its "
                                                  "translation; add --also LANG (e.g. --also es)"),
    (["partner-neck", "-l", "handout-a4", "--also", "es"], "--also: layout 'handout-a4' prints one language; choose "
                                                           "a bilingual layout"),
    (["partner-neck", "--also", "es", "--format", "both"], "--format: a bilingual handout is made as a PDF only"),
    (["partner-neck", "--also", "es", "--watch"], "--also: bilingual handouts are built once, not watched"),
])
def test_a_wrong_request_is_refused_by_name(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    _fails(["build", *args, "-o", str(tmp_path / "out")], message)
    assert not (tmp_path / "out").exists()


def test_a_translation_that_drifted_is_refused_naming_its_step(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for name in ("partner-neck.yaml", "partner-neck-es.yaml", "clinic.yaml"):
        shutil.copy(CONTENT_DIR / name, content / name)
    es = content / "partner-neck-es.yaml"
    lines = es.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines) if text.strip() == "pressure: light")
    lines[line] = lines[line].replace("light", "firm")
    es.write_text("".join(lines), encoding="utf-8")
    for args in (["partner-neck", "--also", "es"], ["partner-neck-es", "--also", "en"]):
        _fails(["build", *args, "--content", str(content), "-o", str(tmp_path / "out")],
               f"partner-neck-es.yaml:{line + 1}: phases[1].steps[1].pressure: is firm but step 1 of its original "
               "partner-neck")
    assert not (tmp_path / "out").exists()


def _layout_file(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "layouts"
    folder.mkdir(exist_ok=True)
    (folder / "mine.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("text,message", [
    ("extends: bilingual-a4\ndescription: x\nbilingual: sideways\n",
     "mine.yaml:3: bilingual: 'sideways' is not allowed; choose one of: columns, alternating"),
    ("extends: bilingual-sheet-a4\ndescription: x\nsheet: {columns: 2}\n",
     "mine.yaml:3: sheet.columns: a bilingual sheet has one tile a row, its two languages side by side; set columns: 1"),
    ("extends: bilingual-a4\ndescription: x\nbilingual: columns\npage: {size: A5, orientation: portrait, "
     "margins: {top: 15mm, bottom: 15mm, left: 12mm, right: 12mm}}\n",
     "mine.yaml:3: bilingual: two columns beside the pictures leave 38 mm for each language; each needs 40 mm"),
])
def test_a_layout_that_cannot_print_two_languages_is_refused(tmp_path, text, message, monkeypatch):
    monkeypatch.chdir(ROOT)
    layouts = _layout_file(tmp_path, text)
    _fails(["build", "partner-neck", "-l", "mine", "--also", "es", "--layouts", str(layouts),
            "-o", str(tmp_path / "out")], message)


def test_layouts_list_shows_the_bilingual_layouts(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    for name in BILINGUAL:
        row = next(line for line in result.output.splitlines() if line.split()[:1] == [name])
        assert row.split()[1:3] == ["bilingual", "shipped"], row
    assert LIBRARY.buildable("bilingual") == BILINGUAL


# ---------------------------------------------------------------------- pictures


GOLDEN_CASES = {
    "partner-neck+es--bilingual-sheet-a4--p1": (("partner-neck", "partner-neck-es", "bilingual-sheet-a4"), 0),
    "partner-neck+es--bilingual-sheet-a4--p2": (("partner-neck", "partner-neck-es", "bilingual-sheet-a4"), 1),
    "partner-neck+es--bilingual-a4--p5": (("partner-neck", "partner-neck-es", "bilingual-a4"), 4),
}


@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_bilingual_page_matches_its_golden_image(case, request):
    args, index = GOLDEN_CASES[case]
    actual = _page_image(pdf(*args), index)
    golden = GOLDEN / f"{case}.png"
    if request.config.getoption("--update-golden"):
        actual.save(golden, optimize=True)
        pytest.skip(f"wrote {golden.relative_to(ROOT)}; look at it before committing")
    assert golden.is_file(), f"no golden image {golden.relative_to(ROOT)}; run pytest --update-golden and look at it"
    expected = Image.open(golden).convert("RGB")
    assert actual.size == expected.size
    mean, changed, diff = _difference(actual, expected)
    if mean > MEAN_TOLERANCE or changed > CHANGED_TOLERANCE:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        actual.save(ARTIFACTS / f"{case}.png")
        diff.save(ARTIFACTS / f"{case}--diff.png")
    assert mean <= MEAN_TOLERANCE and changed <= CHANGED_TOLERANCE, (case, mean, changed)


def test_bilingual_layouts_keep_clear_print_sizes():
    """Two languages are no reason for smaller text: 12 pt body in handouts, 11 pt on the sheet."""
    for name in BILINGUAL:
        layout = LIBRARY.get(name)
        body = layout.resolved_style("body")
        assert body.size >= (11 if layout.sheet is not None else 12) and body.align == "left", name
        assert layout.bilingual in ("columns", "alternating"), name
