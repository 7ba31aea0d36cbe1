"""Chinese, Japanese and Korean names print from Noto Sans CJK, cut to the characters needed and made TrueType."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from handouts import cjk, fontcache
from handouts.content import load_content
from handouts.fonts import family_for
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation
from handouts.pipeline.render import render_card_pdf, render_handout
from handouts.text import glyph_problems

from pdfcheck import font_report, normalise

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
LIBRARY = LayoutLibrary()

NAMES = {
    "simplified": "王小红",
    "traditional": "李小龍 張偉",
    "japanese": "山田 はなこ 佐藤ケンジ",
    "korean": "김민준",
}


@pytest.fixture(scope="module")
def shipped():
    return load_content([CONTENT])


def _routine(shipped, routine_id="self-neck-back"):
    return shipped.by_id()[routine_id]


def _handout(shipped, name: str, layout="handout-a4") -> bytes:
    doc = _routine(shipped)
    return render_handout(doc.routine, LIBRARY.get(layout), layout, Personalisation(for_name=name), shipped.clinic,
                          base_file=doc.path)


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        return normalise("\n".join(page.extract_text() or "" for page in opened.pages))


def _cjk_programs(pdf: bytes) -> list[tuple[str, TTFont]]:
    """Every embedded program of the CJK font, wherever the pages use it: (FontName, the font file
    as fontTools reads it)."""
    from pypdf.generic import DictionaryObject, IndirectObject

    reader = PdfReader(io.BytesIO(pdf))
    out = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(IndirectObject(number, 0, reader))
        if not isinstance(obj, DictionaryObject) or obj.get("/Type") != "/FontDescriptor":
            continue
        name = str(obj["/FontName"])
        if "NotoSansCJK" in name:
            assert "/FontFile2" in obj and "/FontFile3" not in obj, name  # TrueType outlines
            out.append((name, TTFont(io.BytesIO(obj["/FontFile2"].get_object().get_data()))))
    return out


# ---------------------------------------------------------------- the glyph check


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_chinese_japanese_and_korean_names_pass_the_glyph_check(name):
    assert glyph_problems({"name": name}, "roster.csv") == []
    assert {family_for(c) for c in name if not c.isspace()} == {"cjk"}


def test_a_character_the_cjk_font_lacks_and_an_emoji_are_still_named():
    rare = "\U0002A6D6"  # CJK Extension B, not in Noto Sans CJK SC
    (problem,) = glyph_problems({"name": "林" + rare}, "roster.csv")
    assert problem.message == f"no font can print '{rare}' (U+2A6D6 CJK UNIFIED IDEOGRAPH-2A6D6)"
    (problem,) = glyph_problems({"name": "李 🌸"}, "roster.csv")
    assert problem.message == "no font can print '🌸' (U+1F338 CHERRY BLOSSOM)"


def test_without_the_font_package_a_cjk_character_is_refused_naming_the_package():
    script = ("import handouts.cjk as c\nc.source_path = lambda: None\n"
              "from handouts.text import glyph_problems\n"
              "print(glyph_problems({'name': '李明'}, 'roster.csv')[0].message)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert out.startswith("no font can print '李' (U+674E CJK UNIFIED IDEOGRAPH-674E), '明' (U+660E")
    assert out.endswith("which is not installed (pip install mplfonts)")


def test_the_font_is_the_ofl_noto_sans_cjk_never_simhei():
    path = cjk.source_path()
    assert path is not None and path.name == "NotoSansCJKsc-Regular.otf"
    with TTFont(str(path), lazy=True) as font:
        assert "SIL Open Font License" in font["name"].getDebugName(13)
    assert cjk.FILE == ("fonts", "NotoSansCJKsc-Regular.otf")  # the package's SimHei may not be redistributed


# ---------------------------------------------------------------- printing


@pytest.mark.parametrize("kind", NAMES.keys())
def test_a_cjk_name_prints_in_a_handout_and_reads_back(shipped, kind):
    pdf = _handout(shipped, NAMES[kind])
    assert f"Prepared for: {NAMES[kind]}" in _text(pdf)
    (report,) = [f for f in font_report(pdf) if "NotoSansCJK" in f["name"]]
    assert report["embedded"] and report["subset"]


def test_the_embedded_font_is_a_truetype_subset_holding_the_glyphs(shipped):
    name = "李小龍 山田はなこ 김민준"
    pdf = _handout(shipped, name)
    ((base, font),) = _cjk_programs(pdf)
    assert base.startswith("/") and "+NotoSansCJKsc-Regular" in base
    assert "glyf" in font and "CFF " not in font
    glyphs = font["glyf"]
    drawn = [g for g in font.getGlyphOrder() if g != font.getGlyphOrder()[0]]
    assert len(drawn) == len(set(name.replace(" ", "")))  # a subset: exactly the characters printed
    assert all(glyphs[g].numberOfContours > 0 for g in drawn)  # real outlines, no empty boxes


def test_a_card_with_chinese_and_devanagari_names_prints_them(shipped):
    doc = _routine(shipped, "partner-neck")
    clinic = shipped.clinic.model_copy(update={"name": "李明 & अनीता शर्मा Massage", "phone": "電話 555 0100"})
    routine = doc.routine.model_copy(update={"title": "肩颈放松 Neck relief"})
    pdf = render_card_pdf(routine, LIBRARY.get("card-a6"), clinic, layout_name="card-a6")
    text = _text(pdf)
    assert "李明 &" in text and "電話 555 0100" in text and "肩颈放松" in text
    fonts = {f["name"].split("+")[-1] for f in font_report(pdf)}
    assert "NotoSansCJKsc-Regular" in fonts and any("Devanagari" in f for f in fonts)


def test_a_cjk_name_does_not_change_the_line_height(shipped):
    """The lines of a paragraph holding a CJK name sit as far apart as those of one without."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import SimpleDocTemplate

    from handouts.fonts import face_name
    from handouts.render.flowables import Para
    from handouts.text import markup

    style = ParagraphStyle("b", fontName=face_name("atkinson"), fontSize=12, leading=16)

    def baselines(name: str) -> list[float]:
        buf = io.BytesIO()
        words = " ".join(["Prepared", "for", name, "with", "a", "note", "that", "runs", "over", "lines"] * 4)
        SimpleDocTemplate(buf, invariant=1).build([Para(markup(words), style)])
        with pdfplumber.open(buf) as opened:
            return sorted({round(c["matrix"][5], 2) for c in opened.pages[0].chars}, reverse=True)

    latin, chinese = baselines("Sam Lee"), baselines("李小龍")
    assert len(chinese) >= 3
    assert chinese[0] == latin[0]  # the first line starts at the same height
    assert {round(a - b, 2) for a, b in zip(chinese, chinese[1:])} == {16.0}


# ---------------------------------------------------------------- one process, many names

_GROW = """
import io, sys
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate
from handouts.fonts import face_name
from handouts.render.flowables import Para
from handouts.text import markup

style = ParagraphStyle("b", fontName=face_name("atkinson"), fontSize=12)

def pdf(*texts):
    buf = io.BytesIO()
    SimpleDocTemplate(buf, invariant=1).build([Para(markup(t), style) for t in texts])
    return buf.getvalue()

for texts in sys.argv[1:]:
    sys.stdout.buffer.write(pdf(*texts.split("|")).hex().encode() + b"\\n")
"""


def _draw(cache: Path, *docs: str) -> list[bytes]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    out = subprocess.run([sys.executable, "-c", _GROW, *docs], capture_output=True, env=env, check=True).stdout
    return [bytes.fromhex(line) for line in out.decode().split()]


def test_a_document_prints_the_same_bytes_whatever_the_process_drew_before(tmp_path):
    """The CJK font grows as a batch worker meets new names, inside a document too; each glyph
    embedded depends only on itself, so a document's bytes never depend on what came before."""
    alone = _draw(tmp_path / "a", "For 李小龍|Notes: 김민준")[0]
    (_, after, grown) = _draw(tmp_path / "b", "For 王小红 山田はなこ", "For 李小龍|Notes: 김민준",
                              "For 張偉|Then 佐藤ケンジ, 이서연")
    assert after == alone
    assert "For 張偉" in _text(grown) and "Then 佐藤ケンジ, 이서연" in _text(grown)
    ((_, font),) = _cjk_programs(grown)
    assert len(font.getGlyphOrder()) == 1 + len(set("張偉佐藤ケンジ이서연"))
    assert all(font["glyf"][g].numberOfContours > 0 for g in font.getGlyphOrder()[1:])


# ---------------------------------------------------------------- the cache


def _cuts(cache: Path) -> list[Path]:
    folder = cache / "handouts" / "fonts"
    return sorted(folder.glob("NotoSansCJKsc-Regular-cut-*.ttf")) if folder.is_dir() else []


def _checked(text: str, cache: Path) -> bytes:
    """A document whose text went through the preflight first, as in a build: one cut for all of it."""
    script = ("import io, sys\nfrom handouts.text import glyph_problems, markup\n"
              "from handouts.fonts import face_name\n"
              "from reportlab.lib.styles import ParagraphStyle\nfrom reportlab.platypus import SimpleDocTemplate\n"
              "from handouts.render.flowables import Para\n"
              "texts = sys.argv[1].split('|')\nassert glyph_problems({'t': texts}, 'x') == []\n"
              "buf = io.BytesIO()\nst = ParagraphStyle('b', fontName=face_name('atkinson'), fontSize=12)\n"
              "SimpleDocTemplate(buf, invariant=1).build([Para(markup(t), st) for t in texts])\n"
              "sys.stdout.buffer.write(buf.getvalue())\n"
              "import handouts.cjk as c\nsys.stderr.write('converted' if c._source.cache_info().currsize else 'cached')\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", script, text], capture_output=True, env=env, check=True)
    CONVERTED.append(done.stderr.decode().strip() == "converted")
    return done.stdout


CONVERTED: list[bool] = []
"""For each call of :func:`_checked`, whether it converted glyphs (True) or found the cut in the cache."""


def test_the_checked_characters_are_cut_once_and_kept(tmp_path):
    cache = tmp_path / "cache"
    first = _checked("For 李小龍|Notes for 김민준", cache)
    (cut,) = _cuts(cache)
    with TTFont(str(cut)) as font:
        assert set(font.getBestCmap()) == {ord(c) for c in "李小龍김민준"}
        assert "glyf" in font
    made = cut.read_bytes()
    assert CONVERTED[-1]
    assert _checked("For 李小龍|Notes for 김민준", cache) == first
    assert not CONVERTED[-1]  # read from the cache: the source font was not even opened
    assert _cuts(cache) == [cut] and cut.read_bytes() == made


@pytest.mark.parametrize("spoil", ["damaged", "oversized", "other-font", "cff-font", "folder", "link"])
def test_a_spoiled_cached_cut_is_made_again(tmp_path, spoil):
    cache = tmp_path / "cache"
    good = _checked("For 李小龍", cache)
    (cut,) = _cuts(cache)
    made = cut.read_bytes()
    cut.unlink()
    if spoil == "damaged":
        cut.write_bytes(made[: len(made) // 2])
    elif spoil == "oversized":
        with cut.open("wb") as fh:
            fh.write(made)
            fh.truncate(fontcache.MAX_CACHED_FONT + 1)
    elif spoil == "other-font":  # a real TrueType font, not the cut it claims to be
        cut.write_bytes(_atkinson().read_bytes())
    elif spoil == "cff-font":
        cut.write_bytes(cjk.source_path().read_bytes()[:4096])
    elif spoil == "folder":
        cut.mkdir()
    elif spoil == "link":
        target = tmp_path / "elsewhere.ttf"
        target.write_bytes(made)
        cut.symlink_to(target)
    assert _checked("For 李小龍", cache) == good
    assert CONVERTED[-1]
    if spoil not in ("folder",):
        assert cut.is_file() and not cut.is_symlink() and cut.read_bytes() == made


def _atkinson() -> Path:
    from importlib import resources

    return Path(str(resources.files("fontpkg_atkinson_hyperlegible") / "files" / "AtkinsonHyperlegible-Regular.ttf"))


def test_a_cache_that_cannot_be_written_works_in_memory(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    pdf = _checked("For 李小龍", blocked)
    assert "For 李小龍" in _text(pdf)
    assert blocked.read_text() == "x"


def test_cached_cuts_are_bounded_in_count_and_the_least_recently_used_go(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(fontcache, "MAX_CUTS", 3)
    source = cjk.source_path()
    made = []
    for n, text in enumerate(["李", "小", "龍", "王", "張"]):
        chars = frozenset(ord(c) for c in text)
        fontcache.cached_cut("CutTest", source, chars, cjk.PS_NAME, lambda chars=chars: cjk._make(chars))
        made.append(tmp_path / "handouts" / "fonts" / f"{source.stem}-cut-{fontcache.cut_key(source, chars)}.ttf")
        os.utime(made[-1], ns=(n * 10**9, n * 10**9))  # one second apart, oldest first
    assert sorted(_cuts(tmp_path)) == sorted(made[-3:])
    unrelated = tmp_path / "handouts" / "fonts" / "Inter-keep.ttf"
    unrelated.write_bytes(b"x")
    monkeypatch.setattr(fontcache, "MAX_CUT_BYTES", 1)  # only the newest cut stays, whatever its size
    chars = frozenset({ord("明")})
    fontcache.cached_cut("CutTest", source, chars, cjk.PS_NAME, lambda: cjk._make(chars))
    assert len(_cuts(tmp_path)) == 1 and unrelated.exists()


# ---------------------------------------------------------------- limits


def test_a_packaged_font_past_the_size_limit_is_not_used(monkeypatch):
    monkeypatch.setattr(cjk, "MAX_SOURCE_BYTES", 1024)
    cjk.source_path.cache_clear()
    try:
        assert cjk.source_path() is None
    finally:
        monkeypatch.undo()
        cjk.source_path.cache_clear()
    assert cjk.source_path() is not None


def test_a_glyph_past_the_fixed_outline_bounds_is_refused_not_understated(monkeypatch):
    from handouts import fontconvert

    source = fontconvert.Source(cjk.source_path())
    monkeypatch.setattr(fontconvert, "MAX_POINTS", 8)
    with pytest.raises(fontconvert.ConvertError, match="points"):
        source.truetype({ord("龍")}, cjk.PS_NAME)
    with pytest.raises(fontconvert.ConvertError, match="U\\+1F338"):
        source.truetype({0x1F338}, cjk.PS_NAME)


# ---------------------------------------------------------------- a batch


def test_batch_workers_share_one_cut_of_the_whole_rosters_characters(tmp_path, monkeypatch):
    """The parent's preflight saw every name; each worker converts them all at once (or finds
    that cut in the cache) instead of growing its font name by name."""
    from typer.testing import CliRunner

    from handouts.cli import app

    case = ROOT / "tests" / "cases" / "batch"
    names = ["李小龍", "山田 はなこ", "김민준", "王小红", "Sam Lee", "張偉"]
    (tmp_path / "roster.csv").write_text("name\n" + "\n".join(names) + "\n", encoding="utf-8")
    (tmp_path / "class.batch.yaml").write_text(
        f"title: CJK class\ncontent: {case / 'content'}\nlayouts: {case / 'layouts'}\nroutines: [tiny-stretch]\n"
        "handouts: [handout-small]\nroster: roster.csv\nout: out\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(cjk, "_expected", set())  # only what this batch's preflight finds
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "class.batch.yaml"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    (cut,) = _cuts(tmp_path / "cache")
    with TTFont(str(cut)) as font:
        assert set(font.getBestCmap()) == {ord(c) for c in "".join(names) if family_for(c) == "cjk"}
    for pdf in sorted((tmp_path / "out").glob("*.pdf")):
        text = _text(pdf.read_bytes())
        assert any(f"Prepared for: {name}" in text for name in names), pdf.name
