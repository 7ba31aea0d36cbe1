"""The HTML twin, read back with a real HTML parser (lxml): every word of the routine, its structure,
escaping of hostile text, pictures inside the file, and the layout's colours and sizes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from PIL import Image
from typer.testing import CliRunner

from handouts.cli import app
from handouts.content import load_routine
from shipped import CONTENT_DIR, ROOT, ROUTINES

GOOD = ROOT / "tests" / "cases" / "content-good" / "neck-ease.yaml"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def parse(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def text_of(el) -> str:
    return squash(el.text_content())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html")
    result = run("build", "--content", str(CONTENT_DIR), "-l", "handout-a4", "--format", "html", "--out", str(out),
                 "--for", "Sam Lee", "--date", "2 May 2026")
    assert result.exit_code == 0, result.output
    return out


def expected_lines(rid: str) -> list[str]:
    r = load_routine(CONTENT_DIR / f"{rid}.yaml").routine
    lines = [r.title, r.summary, r.position, *r.equipment, *r.setup]
    for step in r.all_steps:
        lines += [step.title, step.instruction, *step.actions, *([step.caution] if step.caution else [])]
    s = r.safety
    lines += [*s.cautions, *s.red_flags, *s.contraindications, *([s.seek_care] if s.seek_care else [])]
    lines += [t.text for t in r.hand_tips] + list(r.tips) + [g.definition for g in r.glossary]
    return [squash(x) for x in lines]


@pytest.mark.parametrize("rid", ROUTINES)
def test_every_line_of_the_routine_is_in_the_html(built, rid):
    root = parse(built / f"{rid}--handout-a4.html")
    body = text_of(root.body)
    missing = [line for line in expected_lines(rid) if line not in body]
    assert missing == []
    r = load_routine(CONTENT_DIR / f"{rid}.yaml").routine
    steps = root.xpath("//section[contains(@class,'steps')]//ol[contains(@class,'steps')]/li")
    assert [text_of(li.xpath(".//*[contains(@class,'step-title')]/span[2]")[0]) for li in steps] == \
        [squash(s.title) for s in r.all_steps]
    assert [text_of(li.xpath(".//*[contains(@class,'step-number')]")[0]) for li in steps] == \
        [str(n) for n in range(1, len(r.all_steps) + 1)]
    safety = root.xpath("//section[contains(concat(' ',@class,' '),' safety ')]")[0]
    safety_text = text_of(safety)
    for line in [*r.safety.cautions, *r.safety.red_flags, *r.safety.contraindications]:
        assert squash(line) in safety_text
    assert safety.get("aria-labelledby") and root.get_element_by_id(safety.get("aria-labelledby")) is not None


@pytest.mark.parametrize("rid", ROUTINES)
def test_structure(built, rid):
    root = parse(built / f"{rid}--handout-a4.html")
    r = load_routine(CONTENT_DIR / f"{rid}.yaml").routine
    assert root.get("lang") == r.language
    h1 = root.xpath("//h1")
    assert len(h1) == 1 and text_of(h1[0]) == squash(r.title)
    levels = [int(h.tag[1]) for h in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    order = [s.get("class").split()[-1] if "box" in s.get("class") else s.get("class").split()[0]
             for s in root.xpath("//main/section")]
    assert order.index("safety") < order.index("steps")
    assert root.xpath("//script") == [] and root.xpath("//@*[starts-with(name(), 'on')]") == []
    # Nothing is fetched: no stylesheet links, and every picture is inline or a data: URI.
    assert root.xpath("//link") == [] and root.xpath("//iframe|//object|//embed") == []
    assert all(src.startswith("data:") for src in root.xpath("//img/@src"))
    svgs = root.xpath("//*[local-name()='svg'][not(@aria-hidden='true')]")
    assert svgs and all(s.get("role") == "img" for s in svgs)
    # Pictograms are drawn once each and shown by reference; every reference finds its drawing.
    for ref in root.xpath("//*[local-name()='use']/@href"):
        assert root.xpath(f"//*[local-name()='symbol'][@id='{ref[1:]}']"), ref
    for svg in svgs:
        label = root.get_element_by_id(svg.get("aria-labelledby"))
        assert squash(label.text_content())
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids))
    for step, li in zip(r.all_steps, root.xpath("//li[contains(@class,'step')]")):
        if step.illustration:
            names = [squash(root.get_element_by_id(s.get("aria-labelledby")).text_content())
                     for s in li.xpath(".//*[local-name()='svg'][contains(@class,'picture')]")]
            assert squash(step.illustration.alt) in names


def test_personal_details_and_links(built):
    root = parse(built / "partner-neck--handout-a4.html")
    rows = [text_of(x) for x in root.xpath("//section[contains(@class,'personal')]//dd")]
    assert rows[0] == "Sam Lee" and "2 May 2026" in rows
    r = load_routine(CONTENT_DIR / "partner-neck.yaml").routine
    if r.source.url:
        assert r.source.url in root.xpath("//a/@href")


def test_css_comes_from_the_layout(tmp_path):
    result = run("build", "--content", str(CONTENT_DIR), "self-neck-back", "-l", "handout-a4", "-l",
                 "handout-large-print", "--format", "html", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    a4 = (tmp_path / "self-neck-back--handout-a4.html").read_text()
    large = (tmp_path / "self-neck-back--handout-large-print.html").read_text()
    assert re.search(r"\bbody \{ font-size: 12pt; line-height: 16pt", a4)
    assert re.search(r"\bbody \{ font-size: 18pt; line-height: 24pt", large)
    assert ".box-safety { background: #fff3ef; border: 1.5pt solid #b3261e; border-left: 5pt solid #b3261e" in a4
    assert "@page { size: 595.28pt 841.89pt" in a4
    assert "--primary: #1f4e79" in a4


def test_both_formats_and_identical_rebuilds(tmp_path):
    args = ("build", "--content", str(CONTENT_DIR), "self-neck-tools", "-l", "handout-letter", "--format", "both")
    assert run(*args, "--out", str(tmp_path / "a")).exit_code == 0
    assert run(*args, "--out", str(tmp_path / "b")).exit_code == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["self-neck-tools--handout-letter.html", "self-neck-tools--handout-letter.pdf"]
    assert (tmp_path / "a" / names[0]).read_bytes() == (tmp_path / "b" / names[0]).read_bytes()


def test_bad_format_is_named(tmp_path):
    result = run("build", "--content", str(CONTENT_DIR), "--format", "docx", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "--format: 'docx' is not a format; choose one of: pdf, html, both"
    assert list(tmp_path.iterdir()) == []


HOSTILE = "<script>alert('x')</script> & \"quoted\" <b>bold</b>"


def test_hostile_text_is_plain_text(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    text = GOOD.read_text()
    text = text.replace("title: Warm up the neck", f"title: '{HOSTILE.replace(chr(39), chr(39) * 2)}'")
    text = text.replace("Use light pressure", "Use <i>light</i> & \"gentle\" pressure")
    (content / "neck-ease.yaml").write_text(text)
    result = run("build", "--content", str(content), "-l", "handout-a4", "--format", "html", "--out",
                 str(tmp_path / "out"), "--note", "</p><script>bad()</script>")
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "out" / "neck-ease--handout-a4.html").read_text()
    assert "<script" not in raw and "<b>bold" not in raw and "<i>light" not in raw
    root = lxml.html.fromstring(raw)
    assert root.xpath("//script|//b|//i") == []
    titles = [text_of(x) for x in root.xpath("//*[contains(@class,'step-title')]/span[2]")]
    assert titles[0] == squash(HOSTILE)
    assert "Use <i>light</i> & \"gentle\" pressure" in text_of(root.body)
    assert "</p><script>bad()</script>" in text_of(root.xpath("//section[contains(@class,'notes')]")[0])
    # The step picture is named by the escaped text too, inside the SVG's title.
    assert any(HOSTILE in t.text_content() for t in root.xpath("//*[local-name()='title']"))


def test_user_pictures_stay_inside_the_file(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    Image.new("RGB", (60, 40), "#336699").save(content / "images" / "a.png")
    (content / "images" / "c.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80">'
        '<rect x="10" y="10" width="100" height="60" fill="#2e7d6b"/></svg>')
    text = GOOD.read_text()
    text = text.replace("    hand_use: [fingertips]\n", "    hand_use: [fingertips]\n"
                        "    illustration: {image: images/a.png, alt: A blue square of colour.}\n", 1)
    text = text.replace("    dosage: {repetitions: 3-5}\n", "    dosage: {repetitions: 3-5}\n"
                        "    illustration: {image: images/c.svg, alt: A green box.}\n", 1)
    (content / "neck-ease.yaml").write_text(text)
    result = run("build", "--content", str(content), "-l", "handout-a4", "--format", "html", "--out",
                 str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    root = parse(tmp_path / "out" / "neck-ease--handout-a4.html")
    imgs = root.xpath("//li[@id='step-1']//img")
    assert len(imgs) == 1 and imgs[0].get("alt") == "A blue square of colour."
    assert imgs[0].get("src").startswith("data:image/png;base64,iVBORw0KGgo")
    svg = root.xpath("//li[@id='step-2']//*[local-name()='svg'][contains(@class,'picture')]")
    assert len(svg) == 1
    assert text_of(root.get_element_by_id(svg[0].get("aria-labelledby"))) == "A green box."
    assert svg[0].xpath(".//*[local-name()='rect']")


def batch_folder(tmp: Path, fmt: str) -> Path:
    content = tmp / "content"
    shutil.copytree(CONTENT_DIR, content)
    manifest = content / "class-example.batch.yaml"
    text = manifest.read_text()
    assert "\nhandouts: [handout-a4]" in text
    manifest.write_text(text.replace("\nhandouts: [handout-a4]", f"\nhandouts: [handout-a4]\nformat: {fmt}", 1))
    return manifest


def test_batch_writes_an_html_twin_per_person(tmp_path):
    manifest = batch_folder(tmp_path, "both")
    result = run("batch", str(manifest), "--jobs", "1")
    assert result.exit_code == 0, result.output
    out = tmp_path / "output" / "class-example"
    pdfs = sorted(p.stem for p in out.glob("*--handout-a4.pdf"))
    htmls = sorted(p.stem for p in out.glob("*--handout-a4.html"))
    assert pdfs and htmls == pdfs
    page = parse(out / "sam-lee--partner-neck--handout-a4.html")
    assert text_of(page.xpath("//section[contains(@class,'personal')]//dd")[0]) == "Sam Lee"


def test_batch_format_is_checked(tmp_path):
    manifest = batch_folder(tmp_path, "docx")
    result = run("validate", str(manifest))
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "format" in x)
    assert line.endswith("class-example.batch.yaml:8: format: 'docx' is not allowed; choose one of: pdf, html, both")


def test_qr_targets_are_real_links(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    text = GOOD.read_text()
    text = text.replace("regions: [back_of_neck]\n", "regions: [back_of_neck]\nvideo_url: https://example.org/v?a=1&b=2\n"
                        "web_url: https://example.org/neck\n", 1)
    text = text.replace("    dosage: {duration: 1 min}\n", "    dosage: {duration: 1 min}\n"
                        "    video_url: https://example.org/step-1\n", 1)
    (content / "neck-ease.yaml").write_text(text)
    result = run("build", "--content", str(content), "-l", "handout-a4", "--format", "html", "--out",
                 str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    root = parse(tmp_path / "out" / "neck-ease--handout-a4.html")
    links = {a.get("href"): text_of(a) for a in root.xpath("//a")}
    assert links["https://example.org/v?a=1&b=2"] == "https://example.org/v?a=1&b=2"
    assert "https://example.org/neck" in links
    step = root.xpath("//li[@id='step-1']//a/@href")
    assert step == ["https://example.org/step-1"]


def test_a_refused_routine_writes_neither_format(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "neck-ease.yaml").write_text(GOOD.read_text().replace("title: Ease a stiff neck", "title: Ease 🦄", 1))
    result = run("build", "--content", str(content), "-l", "handout-a4", "--format", "both", "--out",
                 str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "no font can print '🦄'" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("position, pictures", [("none", 0), ("right", 1), ("above", 1)])
def test_picture_position_follows_the_layout(tmp_path, position, pictures):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "mine.yaml").write_text(f"extends: handout-a4\ndescription: mine\n"
                                       f"illustrations: {{position: {position}}}\n"
                                       "sections: [title, steps, safety, source]\n")
    result = run("build", "--content", str(GOOD.parent), "neck-ease", "-l", "mine", "--layouts", str(layouts),
                 "--format", "html", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    root = parse(tmp_path / "out" / "neck-ease--mine.html")
    steps = root.xpath("//li[contains(@class,'step')]")
    assert len(steps) == 2
    for li in steps:
        assert len(li.xpath(".//*[local-name()='svg'][contains(@class,'picture')]")) == pictures
        assert f" {position}" in li.xpath(".//div[contains(@class,'step-body')]")[0].get("class")
    # The layout prints safety after the steps; the HTML twin still puts it first.
    kinds = [s.get("class") for s in root.xpath("//main/section")]
    assert [k.split()[-1] if "box" in k else k.split()[0] for k in kinds] == ["safety", "steps", "source"]


def test_clinic_logo_and_contact(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(GOOD, content / GOOD.name)
    Image.new("RGB", (120, 40), "#5a2d82").save(content / "logo.png")
    (content / "clinic.yaml").write_text("name: Example & Co <Clinic>\nphone: (555) 010-0100\nlogo: logo.png\n"
                                         "logo_alt: Example Clinic logo\nbrand_color: '#5a2d82'\n")
    result = run("build", "--content", str(content), "-l", "handout-a4", "--format", "html", "--out",
                 str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "out" / "neck-ease--handout-a4.html").read_text()
    root = lxml.html.fromstring(raw)
    logo = root.xpath("//header//img")
    assert len(logo) == 1 and logo[0].get("alt") == "Example Clinic logo"
    assert logo[0].get("src").startswith("data:image/png;base64,")
    assert text_of(root.xpath("//header//p")[0]) == "Example & Co <Clinic>"
    assert "(555) 010-0100" in text_of(root.xpath("//footer")[0])
    assert "--primary: #5a2d82" in raw


def test_the_pdfs_typeface_travels_in_the_file(built):
    import base64
    import io

    from fontTools.ttLib import TTFont

    raw = (built / "partner-neck--handout-a4.html").read_text()
    faces = re.findall(r'@font-face \{ font-family: "Atkinson Hyperlegible"; font-weight: (normal|bold); '
                       r'font-style: normal; src: url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\) format\("woff"\); \}', raw)
    assert [w for w, _ in faces] == ["normal", "bold"]
    body = text_of(parse(built / "partner-neck--handout-a4.html").body)
    for _, data in faces:
        woff = base64.b64decode(data)
        assert woff[:4] == b"wOFF" and len(woff) < 40_000
        cmap = TTFont(io.BytesIO(woff)).getBestCmap()
        assert {c for c in body if not c.isspace()} <= {chr(k) for k in cmap}
    assert "font-family: Atkinson Hyperlegible" in raw  # the body text asks for it


def test_every_section_a_layout_can_name_has_an_html_form():
    from handouts.layout_models import Section
    from handouts.render.html.view import _Builder

    # The title and summary open every page; each other section is drawn by its own method.
    missing = [s.value for s in Section if s.value not in ("title", "summary")
               and not callable(getattr(_Builder, f"section_{s.value}", None))]
    assert missing == []
