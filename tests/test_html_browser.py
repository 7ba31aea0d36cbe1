"""The HTML twin in a real browser: axe-core's WCAG 2.2 AA rules, zoom, picture names, reading order.

Debian's chromium runs headless through Selenium and ``/usr/bin/chromedriver``;
axe-core comes bundled in the ``selenium-axe-python`` package. Without chromium
the tests are skipped with the reason, except on CI (``CI`` set), which installs
it (``.ci/run``) and where a skip would hide a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser import chromium, missing
from shipped import CONTENT_DIR, ROUTINES

from handouts.layouts import LayoutLibrary
from handouts.pipeline.run import build_handouts

WHY = missing()
if WHY and os.environ.get("CI"):
    raise RuntimeError(f"the browser tests must run on CI: {WHY}")
pytestmark = pytest.mark.skipif(WHY is not None, reason=WHY or "")

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAYOUTS = LayoutLibrary().buildable("handout")
"""Every shipped layout a handout (and so its HTML twin) is built in."""


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every shipped routine's HTML in every shipped handout layout, built like ``handouts build --format html``."""
    out = tmp_path_factory.mktemp("html")
    build_handouts([], LAYOUTS, out, content_dir=CONTENT_DIR, formats=("html",))
    return {(rid, layout): out / f"{rid}--{layout}.html" for rid in ROUTINES for layout in LAYOUTS}


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def axe_version() -> str:
    from selenium_axe_python import Axe

    head = Path(Axe.__init__.__defaults__[0]).read_text(encoding="utf-8")[:200]
    return head.split("axe v", 1)[1].split()[0]


def test_bundled_axe_knows_wcag22():
    major, minor, _ = (int(x) for x in axe_version().split("."))
    assert (major, minor) >= (4, 5), "the wcag22aa tag arrived in axe-core 4.5"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("routine", ROUTINES)
def test_no_axe_violations(browser, pages, routine, layout):
    from selenium_axe_python import Axe

    browser.get(pages[routine, layout].as_uri())
    axe = Axe(browser)
    axe.inject()
    results = axe.run(options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    assert results["violations"] == [], axe.report(results["violations"])
    assert len(results["passes"]) >= 15 or results.get("testEngine"), "axe ran no rules"


@pytest.mark.parametrize("routine", ROUTINES)
def test_no_horizontal_scrolling_at_200_percent(browser, pages, routine):
    """200 % zoom in a 1280 px window leaves a 640 CSS px viewport; the page must reflow into it."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 640, "height": 450, "deviceScaleFactor": 2, "mobile": False})
    try:
        browser.get(pages[routine, "handout-large-print"].as_uri())
        width, client = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert 600 <= client <= 640  # less a vertical scroll bar
        assert width <= client, f"{width - client} px of horizontal scrolling"
        wide = browser.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > arguments[0]"
            " && !e.closest('.table-wrap')).map(e => e.tagName)", client + 1)
        assert wide == []
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("routine", ROUTINES)
def test_every_picture_has_an_accessible_name(browser, pages, routine):
    browser.get(pages[routine, "handout-a4"].as_uri())
    names = browser.execute_script("""
        return [...document.querySelectorAll('svg:not([aria-hidden=true]), img')].map(e => {
            const id = e.getAttribute('aria-labelledby');
            const byId = id ? document.getElementById(id) : null;
            return [e.getAttribute('role') || e.tagName.toLowerCase(),
                    e.getAttribute('alt') || (byId ? byId.textContent : '')];
        });""")
    assert names, "no pictures"
    unnamed = [n for n in names if not n[1].strip()]
    assert unnamed == []
    assert all(role in ("img",) for role, _ in names)


@pytest.mark.parametrize("routine", ROUTINES)
def test_reading_order_of_a_step(browser, pages, routine):
    """Within each step the browser meets the number, then the title, then the picture, then the text."""
    browser.get(pages[routine, "handout-a4"].as_uri())
    orders = browser.execute_script("""
        return [...document.querySelectorAll('li.step')].map(li => {
            const seen = [];
            const walk = n => {
                if (n.nodeType === 1 && n.matches('.step-number')) { seen.push('number'); return; }
                if (n.nodeType === 1 && n.matches('.step-title > span:not(.step-number)')) { seen.push('title'); return; }
                if (n.nodeType === 1 && n.matches('svg[role=img], img')) { seen.push('picture'); return; }
                if (n.nodeType === 1 && n.matches('.step-text p:first-child')) { seen.push('text'); return; }
                n.childNodes.forEach(walk);
            };
            walk(li);
            return seen.filter((x, i) => seen.indexOf(x) === i);
        });""")
    assert orders
    assert all(order == ["number", "title", "picture", "text"] for order in orders), orders


def test_safety_region_comes_before_the_steps(browser, pages):
    browser.get(pages[ROUTINES[0], "handout-a4"].as_uri())
    regions = browser.execute_script("""
        return [...document.querySelectorAll('main section[aria-labelledby]')].map(s =>
            [s.className, document.getElementById(s.getAttribute('aria-labelledby')).textContent]);""")
    kinds = [c for c, _ in regions]
    safety = next(i for i, c in enumerate(kinds) if "safety" in c.split())
    steps = next(i for i, c in enumerate(kinds) if c.split()[0] == "steps")
    assert safety < steps
    assert regions[safety][1] == "Safety first"


def test_axe_finds_a_violation_when_there_is_one(browser, tmp_path):
    """The rule run above can fail: a picture without a name on an otherwise fine page is reported."""
    from selenium_axe_python import Axe

    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main><h1>x</h1>'
                    '<svg role="img" width="10" height="10"><rect width="10" height="10"/></svg></main></body></html>')
    browser.get(page.as_uri())
    axe = Axe(browser)
    axe.inject()
    results = axe.run(options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    assert "svg-img-alt" in [v["id"] for v in results["violations"]]


@pytest.mark.parametrize("routine", ROUTINES)
def test_the_page_fetches_nothing(browser, pages, routine):
    browser.get(pages[routine, "handout-a4"].as_uri())
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert fetched == []
    assert browser.execute_script("return document.scripts.length") == 0
    used = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        document.fonts.ready.then(() => done([...document.fonts].filter(f => f.status === 'loaded')
                                                .map(f => f.family + ' ' + f.weight)));""")
    assert sorted(used) == ["Atkinson Hyperlegible bold", "Atkinson Hyperlegible normal"]


def test_pictures_logo_links_and_odd_text_pass_axe_too(browser, tmp_path):
    """Beyond the shipped routines: a user's PNG and SVG, a clinic logo, links, and text full of markup."""
    import shutil

    from PIL import Image
    from selenium_axe_python import Axe

    good = Path(__file__).parent / "cases" / "content-good" / "neck-ease.yaml"
    content = tmp_path / "content"
    content.mkdir()
    Image.new("RGB", (60, 40), "#336699").save(content / "a.png")
    Image.new("RGB", (120, 40), "#5a2d82").save(content / "logo.png")
    (content / "c.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80">'
                                   '<rect x="10" y="10" width="100" height="60" fill="#2e7d6b"/></svg>')
    (content / "clinic.yaml").write_text("name: Example & Co\nlogo: logo.png\nlogo_alt: Example logo\n")
    text = good.read_text().replace("title: Warm up the neck", "title: \"<script>x()</script> & 'quotes'\"", 1)
    text = text.replace("regions: [back_of_neck]\n", "regions: [back_of_neck]\nvideo_url: https://example.org/v\n", 1)
    text = text.replace("    hand_use: [fingertips]\n", "    hand_use: [fingertips]\n"
                        "    illustration: {image: a.png, alt: A blue square.}\n", 1)
    text = text.replace("    dosage: {repetitions: 3-5}\n", "    dosage: {repetitions: 3-5}\n"
                        "    illustration: {image: c.svg, alt: A green box.}\n", 1)
    (content / "neck-ease.yaml").write_text(text)
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
    build_handouts([], ["handout-a4"], tmp_path / "out", content_dir=content, formats=("html",))
    browser.get((tmp_path / "out" / "neck-ease--handout-a4.html").as_uri())
    axe = Axe(browser)
    axe.inject()
    results = axe.run(options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    assert results["violations"] == [], axe.report(results["violations"])
    assert browser.execute_script("return document.images.length") == 2
    assert browser.execute_script("return [...document.images].every(i => i.complete && i.naturalWidth > 0)")


@pytest.mark.parametrize("layout, size", [("handout-a4", (595.28, 841.89)), ("handout-letter", (612, 792))])
def test_printout_uses_the_layouts_page_and_keeps_every_word(browser, pages, tmp_path, layout, size):
    import base64

    import pdfplumber

    from handouts.content import load_routine

    browser.get(pages["partner-neck", layout].as_uri())
    printed = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    routine = load_routine(CONTENT_DIR / "partner-neck.yaml").routine
    with pdfplumber.open(pdf) as doc:
        assert all(abs(p.width - size[0]) < 1 and abs(p.height - size[1]) < 1 for p in doc.pages)
        text = " ".join((p.extract_text() or "") for p in doc.pages)
        words = [c for p in doc.pages for c in p.chars]
        assert all(0 <= c["x0"] and c["x1"] <= size[0] for c in words), "text outside the page"
    flat = " ".join(text.split())
    missing = [s.title for s in routine.all_steps if " ".join(s.title.split()) not in flat]
    assert missing == []
    assert " ".join(routine.safety.red_flags[0].split()) in flat
