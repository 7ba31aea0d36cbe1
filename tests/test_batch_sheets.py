"""Class card sheets: drawn in runs of whole sheets by several workers and joined into the same
document as one drawn whole, in order, atomic, resumable; each repeated face drawn once."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from handouts.batch import run_batch
from handouts.batch.pool import Result
from handouts.batch.sheets import MAX_SHEETS_PER_RUN, MIN_SHEETS_PER_RUN, SheetRuns, part_name, run_count
from handouts.batch.plan import Item

from pdfcheck import font_report, normalise

REPO = Path(__file__).resolve().parent.parent
CASE = REPO / "tests" / "cases" / "batch"
SHEET = "cards--card-credit--a4.pdf"
STUDENTS = 120


class Quiet:
    def __init__(self) -> None:
        self.items: list[tuple[str, bool, list]] = []

    def begin(self, *a) -> None: ...
    def item(self, name, ok, seconds, problems) -> None:
        self.items.append((name, ok, problems))
    def end(self, *a) -> None: ...


def class_manifest(folder: Path, students: int = STUDENTS) -> Path:
    """A cards-only class of ``students`` on A4 credit-card sheets, ten cards a sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roster.csv").write_text("name\n" + "".join(f"Student {i:03d}\n" for i in range(students)),
                                       encoding="utf-8")
    path = folder / "class.batch.yaml"
    path.write_text(f"title: Test class\ncontent: {CASE / 'content'}\nroutines: [tiny-stretch]\nhandouts: []\n"
                    "cards: {layouts: [card-credit], sheet: a4}\nroster: roster.csv\nout: out\n", encoding="utf-8")
    return path


def build(folder: Path, jobs: int = 1, per_run: int | None = None, force: bool = False):
    reporter = Quiet()
    summary = run_batch(class_manifest(folder), jobs=jobs, force=force, reporter=reporter, sheets_per_run=per_run)
    return summary, reporter


def page_texts(path: Path) -> list[str]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        out = []
        for page in pdf:
            tp = page.get_textpage()
            out.append(normalise(tp.get_text_range()))
            tp.close()
            page.close()
        return out
    finally:
        pdf.close()


def picture(path: Path, page: int) -> Image.Image:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return pdf[page].render(scale=60 / 72).to_pil().convert("RGB")
    finally:
        pdf.close()


def fonts_by_page(path: Path) -> dict[int, list[dict]]:
    pages: dict[int, list[dict]] = {}
    for font in font_report(path):
        for where in font["found_in"]:
            pages.setdefault(int(where[0].split()[1]), []).append(font)
    return pages


@pytest.fixture(scope="module")
def whole_and_split(tmp_path_factory):
    """The same class drawn whole on one worker, and in runs of 3 sheets on two workers."""
    base = tmp_path_factory.mktemp("sheets")
    whole, whole_report = build(base / "whole")
    split, split_report = build(base / "split", jobs=2, per_run=3)
    assert whole.built == split.built == 1 and not whole.failed and not split.failed, (whole.problems, split.problems)
    return base / "whole" / "out", base / "split" / "out", split_report


def test_run_count_follows_sheets_and_workers():
    assert run_count(200, 2) == 1  # 1,000 students: drawn faster whole than split and joined
    assert run_count(MAX_SHEETS_PER_RUN, 8) == 1
    assert run_count(MAX_SHEETS_PER_RUN + 1, 2) == 2  # one run a worker
    assert run_count(3 * MAX_SHEETS_PER_RUN, 2) == 4  # runs of at most MAX_SHEETS_PER_RUN, a multiple of the workers
    assert run_count(5 * MAX_SHEETS_PER_RUN, 1) == 5
    assert run_count(MAX_SHEETS_PER_RUN + 1, 64) == (MAX_SHEETS_PER_RUN + 1) // MIN_SHEETS_PER_RUN  # no slivers
    assert run_count(12, 2, per_run=3) == 4
    assert run_count(2, 2, per_run=5) == 1


def test_split_sheet_equals_the_whole_one(whole_and_split):
    whole_dir, split_dir, _ = whole_and_split
    whole, split = whole_dir / SHEET, split_dir / SHEET
    a, b = PdfReader(str(whole)), PdfReader(str(split))
    assert len(a.pages) == len(b.pages) == 24  # 120 students, one card each, ten cards a sheet: 12 sheets
    assert len(a.pages) % 2 == 0  # every front has its back
    assert [p.mediabox[2:] for p in a.pages] == [p.mediabox[2:] for p in b.pages]
    assert page_texts(whole) == page_texts(split)
    assert a.metadata.title == b.metadata.title and a.metadata.author == b.metadata.author
    assert a.metadata.subject == b.metadata.subject
    assert a.trailer["/Root"]["/Lang"] == b.trailer["/Root"]["/Lang"] == "en"
    for page in (0, 1, 4, 5, 6, 7, 23):  # runs of three sheets: either side of the first join, and the last back
        diff = ImageChops.difference(picture(whole, page), picture(split, page))
        changed = sum(diff.convert("L").histogram()[33:])
        assert changed <= 20, (page, changed)


def test_every_page_of_the_split_sheet_has_its_fonts_embedded_and_subset(whole_and_split):
    _, split_dir, _ = whole_and_split
    pages = fonts_by_page(split_dir / SHEET)
    count = len(PdfReader(str(split_dir / SHEET)).pages)
    assert sorted(pages) == list(range(1, count + 1))
    for n, fonts in pages.items():
        assert fonts and all(f["embedded"] and f["subset"] for f in fonts), (n, fonts)


def test_only_the_sheet_is_reported_kept_and_recorded(whole_and_split):
    _, split_dir, report = whole_and_split
    assert [name for name, ok, _ in report.items] == [SHEET]
    assert sorted(p.name for p in split_dir.iterdir()) == [".handouts-batch.json", SHEET]
    state = json.loads((split_dir / ".handouts-batch.json").read_text())
    assert list(state["items"]) == [SHEET]


def _part_pdf(path: Path, text: str) -> None:
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path), pagesize=(200, 100), invariant=1)
    c.setTitle("Pocket cards: test")
    c.drawString(20, 50, text)
    c.showPage()
    c.save()


def test_runs_join_in_sheet_order_whatever_order_they_finish(tmp_path):
    item = Item(name="cards.pdf", kind="sheet", layout="card-credit", cards=(("r", 31 * MAX_SHEETS_PER_RUN),))
    runs = SheetRuns(tmp_path, lambda item: 10, jobs=4)
    parts = runs.expand([item])
    assert [p.part for p in parts] == [(0, 4), (1, 4), (2, 4), (3, 4)]
    assert [p.name for p in parts] == [part_name("cards.pdf", k, 4) for k in range(4)]
    for k, part in enumerate(parts):
        _part_pdf(tmp_path / part.name, f"run {k}")
    finished = None
    for part in reversed(parts):
        assert finished is None
        finished = runs.add(Result(part.name, True, seconds=0.1))
    assert finished is not None and finished.ok and finished.name == "cards.pdf"
    assert page_texts(tmp_path / "cards.pdf") == ["run 0", "run 1", "run 2", "run 3"]
    assert PdfReader(str(tmp_path / "cards.pdf")).metadata.title == "Pocket cards: test"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards.pdf"]


def test_a_failed_run_fails_the_sheet_by_name(tmp_path, monkeypatch):
    from handouts.pipeline import render

    real = render._sheet_run

    def second_run_fails(cards, per_sheet, k, n):
        if k == 1:
            raise RuntimeError("no paper")
        return real(cards, per_sheet, k, n)

    monkeypatch.setattr(render, "_sheet_run", second_run_fails)
    summary, report = build(tmp_path, per_run=4)  # at least 12 sheets: three runs
    assert summary.failed == 1 and summary.built == 0
    assert [str(p) for p in summary.problems] == [
        f"{SHEET}: part 2 of 3: could not be built (card sheet; RuntimeError: no paper); please report this"]
    assert [(name, ok) for name, ok, _ in report.items] == [(SHEET, False)]
    assert list((tmp_path / "out").iterdir()) == []  # no run left behind, nothing recorded


def test_an_interrupted_join_leaves_no_partial_file_and_the_next_run_finishes(tmp_path, monkeypatch):
    from handouts.batch import concat

    real = concat.concatenate

    def half_then_ctrl_c(parts, fh, *args, **kwargs):
        fh.write(b"%PDF-1.7\n" + b"0" * 10_000)
        raise KeyboardInterrupt

    out = tmp_path / "out"
    out.mkdir(parents=True)
    old = b"%PDF-1.7 an older good sheet\n%%EOF\n"
    (out / SHEET).write_bytes(old)
    monkeypatch.setattr(concat, "concatenate", half_then_ctrl_c)
    summary, _ = build(tmp_path, per_run=8, force=True)
    assert summary.interrupted and summary.exit_code == 130
    assert (out / SHEET).read_bytes() == old  # untouched, never half a file
    assert sorted(p.name for p in out.iterdir() if p.name != ".handouts-batch.json") == [SHEET]
    monkeypatch.setattr(concat, "concatenate", real)
    summary, _ = build(tmp_path, per_run=8)
    assert summary.built == 1 and not summary.failed
    assert len(PdfReader(str(out / SHEET)).pages) == 24
    assert sorted(p.name for p in out.iterdir()) == [".handouts-batch.json", SHEET]


def test_a_split_sheet_resumes_and_a_killed_runs_files_are_removed(tmp_path):
    summary, _ = build(tmp_path, per_run=8)
    assert summary.built == 1
    out = tmp_path / "out"
    sheet = (out / SHEET).read_bytes()
    # what a killed batch leaves: a drawn run, and the temporary copy of a run being written
    for stale in (part_name(SHEET, 1, 3), "." + part_name(SHEET, 2, 3) + ".k3y9q2ab.part"):
        (out / stale).write_bytes(b"%PDF-1.7 half")
    again, report = build(tmp_path, per_run=8)
    assert (again.built, again.skipped, again.removed_parts) == (0, 1, 2)
    assert sorted(p.name for p in out.iterdir()) == [".handouts-batch.json", SHEET]
    assert (out / SHEET).read_bytes() == sheet
    (out / SHEET).unlink()  # a deleted sheet is drawn again, in runs, and joins to the same pages
    third, _ = build(tmp_path, per_run=8)
    assert third.built == 1
    assert page_texts(out / SHEET) == page_texts_of(sheet, tmp_path)


def page_texts_of(data: bytes, tmp: Path) -> list[str]:
    path = tmp / "before.pdf"
    path.write_bytes(data)
    return page_texts(path)


def test_a_small_class_sheet_is_drawn_in_one_piece(tmp_path):
    item = Item(name="cards.pdf", kind="sheet", layout="card-credit", cards=(("r", 10 * MAX_SHEETS_PER_RUN),))
    runs = SheetRuns(tmp_path, lambda item: 10, jobs=2)
    assert runs.expand([item]) == [item]
    long_name = Item(name="x" * 230 + ".pdf", kind="sheet", layout="card-credit", cards=(("r", 20 * MAX_SHEETS_PER_RUN),))
    assert len(runs.expand([replace(long_name, name="cards.pdf")])) == 2
    assert runs.expand([long_name]) == [long_name]  # no room for a run's name beside it
    assert re.fullmatch(r"\.cards\.pdf\.p2of4\.part", part_name("cards.pdf", 1, 4))


# ---------------------------------------------------------------- each face drawn once


def face_by_face(monkeypatch) -> None:
    """Draw every copy of a face in place, as sheets were drawn before faces became forms."""
    from handouts.render import sheet
    from handouts.render.card import draw_face

    monkeypatch.setattr(sheet._Faces, "place", lambda self, face, x, y: draw_face(self.c, face, x, y, self.bleed))


def class_sheet(routine_file: Path, layout_name: str, copies: int, bleed: float = 0.0) -> bytes:
    from handouts.content import load_content, load_routine
    from handouts.layouts import LayoutLibrary
    from handouts.pipeline.render import render_sheet_for_many

    clinic = load_content([REPO / "content"]).clinic
    routine = load_routine(routine_file).routine
    return render_sheet_for_many([(routine, copies)], LayoutLibrary().get(layout_name), clinic, "a4", bleed=bleed,
                                 layout_name=layout_name)


def forms_placed(pdf: bytes) -> list[set[str]]:
    import io

    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        out.append({str(name) for name in xobjects.get_object() if str(name).startswith("/FormXob.")
                    and "CardFace" in str(name)} if xobjects else set())
    return out


def texts_of(pdf: bytes, tmp: Path, name: str) -> list[str]:
    path = tmp / name
    path.write_bytes(pdf)
    return page_texts(path)


@pytest.mark.parametrize("bleed", [0.0, 3 * 72 / 25.4])
def test_a_face_that_repeats_is_drawn_once_and_placed(tmp_path, monkeypatch, bleed):
    routine = REPO / "content" / "partner-neck.yaml"
    pdf = class_sheet(routine, "card-credit", 40, bleed)
    placed = forms_placed(pdf)
    faces = set().union(*placed)
    assert len(faces) == 4  # 40 copies of two cards: two fronts and two backs
    assert all(len(p) == 2 for p in placed)  # each page places its side's two faces
    monkeypatch.undo()
    face_by_face(monkeypatch)
    before = class_sheet(routine, "card-credit", 40, bleed)
    assert forms_placed(before) == [set()] * len(placed)
    assert texts_of(pdf, tmp_path, "forms.pdf") == texts_of(before, tmp_path, "before.pdf")
    for page in (0, 1, len(placed) - 1):
        a = picture(tmp_path / "forms.pdf", page)
        b = picture(tmp_path / "before.pdf", page)
        assert sum(ImageChops.difference(a, b).convert("L").histogram()[33:]) <= 20, page
    for n, fonts in fonts_by_page(tmp_path / "forms.pdf").items():
        assert fonts and all(f["embedded"] and f["subset"] for f in fonts), (n, fonts)
    assert len(pdf) < len(before)


def test_a_face_with_links_is_drawn_in_place_and_keeps_them(tmp_path, monkeypatch):
    """A QR code's link is a page annotation, which a form cannot carry."""
    import io

    routine = REPO / "tests" / "cases" / "cards" / "linked-routine.yaml"
    pdf = class_sheet(routine, "card-a6", 6)
    face_by_face(monkeypatch)
    before = class_sheet(routine, "card-a6", 6)

    def links(data: bytes) -> list[list[str]]:
        return [sorted(str(a.get_object()["/A"]["/URI"]) for a in page.get("/Annots") or [])
                for page in PdfReader(io.BytesIO(data)).pages]

    assert links(pdf) == links(before)
    assert sum(len(page) for page in links(pdf)) == 6 * 2  # every back, both codes
    assert texts_of(pdf, tmp_path, "forms.pdf") == texts_of(before, tmp_path, "before.pdf")


def test_a_join_that_fails_fails_the_sheet_and_keeps_the_older_one(tmp_path, monkeypatch):
    from handouts.batch import concat

    def broken(*args, **kwargs):
        raise RecursionError("deep")

    out = tmp_path / "out"
    out.mkdir(parents=True)
    (out / SHEET).write_bytes(b"%PDF-1.7 an older good sheet\n%%EOF\n")
    monkeypatch.setattr(concat, "concatenate", broken)
    summary, report = build(tmp_path, per_run=4, force=True)
    assert summary.failed == 1 and summary.exit_code == 1
    assert [str(p) for p in summary.problems] == [
        f"{SHEET}: its 3 parts could not be joined (RecursionError); please report this"]
    assert (out / SHEET).read_bytes().startswith(b"%PDF-1.7 an older good sheet")
    assert sorted(p.name for p in out.iterdir()) == [SHEET]
