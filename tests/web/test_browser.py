"""The web app in a real browser: Debian's chromium fills the forms, downloads the PDF and the class zip.

The app runs under uvicorn on a free local port in this process; the browser
is the one ``tests/browser.py`` starts (nothing downloaded, nothing kept).
With ``HANDOUTS_SCREENSHOT=1`` the preview page is saved as
``docs/web-handout.png`` for the README.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from browser import chromium, missing
from pdfcheck import normalise
from shipped import CONTENT_DIR, ROOT

from .conftest import served

WHY = missing()
if WHY and os.environ.get("CI"):
    raise RuntimeError(f"the browser tests must run on CI: {WHY}")
pytestmark = pytest.mark.skipif(WHY is not None, reason=WHY or "")

SCREENSHOT = ROOT / "docs" / "web-handout.png"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from handouts.web import Settings, create_app

    work = tmp_path_factory.mktemp("work")
    downloads = tmp_path_factory.mktemp("downloads")
    app = create_app(Settings(content_dir=CONTENT_DIR, work_dir=work, batch_jobs=1))
    with served(app) as url, chromium(1280, 900) as driver:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        yield url, driver, downloads


def downloaded(folder: Path, name: str, timeout: float = 60) -> Path:
    path = folder / name
    deadline = time.monotonic() + timeout
    while not (path.exists() and not (folder / (name + ".crdownload")).exists() and path.stat().st_size):
        assert time.monotonic() < deadline, f"{name} was not downloaded; the folder holds {os.listdir(folder)}"
        time.sleep(0.1)
    return path


def save_screenshot(png: bytes) -> None:
    """The page as a 256-colour PNG: the same picture for the README at a third of the size."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    image.save(SCREENSHOT, optimize=True)
    assert SCREENSHOT.stat().st_size < 200_000


def wait_for(driver, css: str, timeout: float = 60):
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located(("css selector", css)))


def test_fill_the_handout_form_preview_and_download_the_pdf(site):
    from selenium.webdriver.support.ui import Select

    url, driver, downloads = site
    driver.get(url + "/")
    driver.find_element("css selector", 'a.button[href="/handout?routine=partner-neck"]').click()
    Select(driver.find_element("id", "layout")).select_by_value("handout-a4")
    driver.find_element("id", "for_name").send_keys("Sam Lee")
    driver.find_element("id", "date").send_keys("21 November 2026")
    driver.find_element("id", "dosage").send_keys("Twice a day for a week")
    driver.find_element("id", "note").send_keys("Go gently on the left side.")
    driver.find_element("css selector", 'button[value="preview"]').click()
    first = wait_for(driver, "ol.pages img")
    driver.execute_script("return arguments[0].decode()", first)
    pictures = driver.find_elements("css selector", "ol.pages img")
    assert len(pictures) >= 4
    assert all(driver.execute_script("return arguments[0].naturalWidth", img) > 400 for img in pictures[:2])
    if os.environ.get("HANDOUTS_SCREENSHOT"):
        driver.execute_script("document.querySelectorAll('ol.pages img').forEach(i => i.decode())")
        time.sleep(0.5)
        save_screenshot(driver.get_screenshot_as_png())
    driver.find_element("link text", "Download PDF").click()
    pdf = downloaded(downloads, "partner-neck--handout-a4.pdf")
    reader = PdfReader(pdf)
    text = normalise(" ".join(page.extract_text() for page in reader.pages))
    assert "Sam Lee" in text and "21 November 2026" in text and "Twice a day for a week" in text
    assert len(reader.pages) == len(pictures)


def test_a_bad_field_is_shown_next_to_it_in_the_browser(site):
    url, driver, _ = site
    driver.get(url + "/handout?routine=partner-neck")
    driver.find_element("id", "for_name").send_keys("Sam 😀")
    driver.find_element("css selector", 'button[value="download"]').click()
    error = wait_for(driver, "#for_name-error")
    assert "no font can print '😀'" in error.text
    box = driver.find_element("id", "for_name")
    assert box.get_attribute("aria-invalid") == "true"
    assert abs(error.location["x"] - box.location["x"]) < 2 and 0 < error.location["y"] - box.location["y"] < 80


def test_upload_a_roster_and_wait_for_the_zip(site, tmp_path):
    url, driver, downloads = site
    roster = tmp_path / "class.csv"
    roster.write_text("name,note\nAna López,Go gently\nBen O'Connor,\n,missing name\n", encoding="utf-8")
    driver.get(url + "/class")
    driver.find_element("id", "roster").send_keys(str(roster))
    driver.find_element("css selector", 'input[name="routines"][value="self-neck-back"]').click()
    driver.find_element("css selector", "button.primary").click()
    link = wait_for(driver, 'a[href$="/class.zip"]', timeout=120)
    bar = driver.find_element("id", "job-bar")
    assert bar.get_attribute("value") == "100"
    assert "roster.csv:4: name:" in driver.find_element("css selector", ".alert").text
    link.click()
    with zipfile.ZipFile(downloaded(downloads, "class.zip")) as zf:
        names = sorted(zf.namelist())
        assert names == ["ana-lópez--self-neck-back--handout-a4.pdf", "ben-o-connor--self-neck-back--handout-a4.pdf"]
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(zf.read(names[0]))).pages)
    assert "Ana López" in normalise(text)


TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(driver) -> list:
    from selenium_axe_python import Axe

    axe = Axe(driver)
    axe.inject()
    results = axe.run(options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    assert results["violations"] == [], axe.report(results["violations"])
    return results["passes"]


@pytest.mark.parametrize("path", ["/", "/handout", "/card", "/class", "/content", "/no-such-page"])
def test_the_pages_meet_wcag_aa(site, path):
    url, driver, _ = site
    driver.get(url + path)
    assert len(axe_violations(driver)) >= 10


def test_a_form_with_problems_meets_wcag_aa(site):
    url, driver, _ = site
    driver.get(url + "/card")
    driver.find_element("id", "copies").send_keys("lots")
    driver.find_element("css selector", 'button[value="preview"]').click()
    wait_for(driver, "#copies-error")
    axe_violations(driver)


def test_the_pages_reflow_at_200_percent_zoom(site):
    url, driver, _ = site
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 640, "height": 450, "deviceScaleFactor": 2, "mobile": False})
    try:
        for path in ("/", "/handout", "/card", "/class", "/content"):
            driver.get(url + path)
            width, client = driver.execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert width <= client, f"{path}: {width - client} px of horizontal scrolling"
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
