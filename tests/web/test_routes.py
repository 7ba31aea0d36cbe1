"""Every page of the web app through Starlette's TestClient: what it shows, what it makes, what it refuses.

A value the command line refuses is refused here with the same words, shown
next to its field; the documents are read back (text, pages, pictures).
"""

from __future__ import annotations

import html
import io
import re
import shutil

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from pdfcheck import normalise
from shipped import CONTENT_DIR, ROUTINES

from .conftest import form_token


def pdf_text(data: bytes) -> str:
    return normalise(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def field_errors(page: str, name: str) -> list[str]:
    """The messages shown under the field ``name`` (the box its ``aria-describedby`` names)."""
    found = re.search(rf'<div class="field-errors" id="{name}-error">(.*?)</div>', page, re.S)
    if not found:
        return []
    return [html.unescape(m) for m in re.findall(r'<p class="field-error"><span class="sr">[^<]*</span>([^<]*)</p>',
                                                 found.group(1))]


def post_handout(client, **fields):
    data = {"csrf": form_token(client, "/handout"), "routine": "partner-neck", "layout": "handout-a4",
            "format": "pdf", "action": "download", **fields}
    return client.post("/handout", data=data, follow_redirects=False)


def test_home_lists_every_routine_with_its_facts(client):
    page = client.get("/").text
    for rid in ROUTINES:
        assert f'href="/handout?routine={rid}"' in page
        assert f'src="/thumb/{rid}.png"' in page
    assert "Neck and shoulder massage for a partner" in page
    assert "<dd>en, es, fr</dd>" in page  # partner-neck's languages


def test_thumbnail_is_a_small_png_of_the_first_page(client):
    r = client.get("/thumb/partner-neck.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(r.content[16:20], "big"), int.from_bytes(r.content[20:24], "big")
    assert abs(width - 595.28 * 24 / 72) <= 1 and abs(height - 841.89 * 24 / 72) <= 1  # A4 at 24 dpi
    assert client.get("/thumb/no-such-routine.png").status_code == 404


def test_handout_form_offers_routines_and_layouts(client):
    page = client.get("/handout?routine=self-neck-back").text
    assert '<option value="self-neck-back" selected>' in page
    for layout in ("handout-a4", "handout-large-print", "handout-letter", "sheet-a4"):
        assert f'<option value="{layout}"' in page
    assert 'value="html"' in page  # the HTML twin


def test_download_is_a_pdf_carrying_the_typed_details(client):
    r = post_handout(client, for_name="Sam Lee", date="21 November 2026", clinician="J. Ellis",
                     note="Go gently on the left side.", dosage="Twice a day for a week")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="partner-neck--handout-a4.pdf"'
    text = pdf_text(r.content)
    for typed in ("Sam Lee", "21 November 2026", "J. Ellis", "Go gently on the left side.",
                  "Twice a day for a week"):
        assert typed in text


def test_large_print_layout_is_the_one_drawn(client):
    a4 = post_handout(client, for_name="Sam Lee").content
    large = post_handout(client, for_name="Sam Lee", layout="handout-large-print").content
    assert len(PdfReader(io.BytesIO(large)).pages) > len(PdfReader(io.BytesIO(a4)).pages)


def test_preview_shows_every_page_as_a_picture_and_downloads_the_same_pdf(client):
    r = post_handout(client, for_name="Ana López", action="preview")
    assert r.status_code == 303
    result = r.headers["location"]
    page = client.get(result).text
    pdf = client.get(result + "/download")
    assert pdf.status_code == 200 and "Ana López" in pdf_text(pdf.content)
    pages = len(PdfReader(io.BytesIO(pdf.content)).pages)
    assert page.count('<img src="/result/') == pages
    assert f"{pages} pages" in page and "Download PDF" in page
    picture = client.get(f"{result}/page/1.png")
    assert picture.headers["content-type"] == "image/png" and picture.content[:4] == b"\x89PNG"
    assert abs(int.from_bytes(picture.content[16:20], "big") - 595.28 * 60 / 72) <= 1  # A4 width at 60 dpi
    assert client.get(f"{result}/page/{pages + 1}.png").status_code == 404


def test_html_twin_downloads_as_an_escaped_page(client):
    r = post_handout(client, format="html", for_name="<b>Sam</b> & Co")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"].endswith('.html"')
    assert "&lt;b&gt;Sam&lt;/b&gt; &amp; Co" in r.text and "<b>Sam</b>" not in r.text


def cli_message(*args: str) -> str:
    from handouts.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 1
    return result.output.splitlines()[0] if result.output else result.stderr.splitlines()[0]


def test_a_bad_name_is_refused_with_the_commands_words_next_to_the_field(client, tmp_path):
    r = post_handout(client, for_name="x" * 201)
    assert r.status_code == 422
    (message,) = field_errors(r.text, "for_name")
    assert message == "is too long (201 characters; at most 200)"
    cli = cli_message("build", "partner-neck", "-l", "handout-a4", "--for", "x" * 201, "-o", str(tmp_path))
    assert cli == f"--for: {message}"
    assert 'aria-invalid="true" aria-describedby="for_name-error"' in r.text
    assert 'value="' + "x" * 201 + '"' in r.text  # what was typed stays in the form


def test_a_character_no_font_prints_is_named_beside_its_field_with_every_other_problem(client):
    r = post_handout(client, for_name="Sam 😀", dosage="😀 twice", date="d" * 61)
    assert r.status_code == 422
    assert field_errors(r.text, "for_name") == ["no font can print '😀' (U+1F600 GRINNING FACE)"]
    assert field_errors(r.text, "dosage") == ["no font can print '😀' (U+1F600 GRINNING FACE)"]
    assert field_errors(r.text, "date") == ["is too long (61 characters; at most 60)"]


def test_a_control_character_is_named_once(client):
    r = post_handout(client, for_name="Sam\x1b[2J")
    assert r.status_code == 422
    assert len(field_errors(r.text, "for_name")) == 1


def test_each_field_has_its_own_message(client):
    r = post_handout(client, date="d" * 61, clinician="c" * 201, note="n" * 2001, dosage="z" * 201)
    assert r.status_code == 422
    assert field_errors(r.text, "date") == ["is too long (61 characters; at most 60)"]
    assert field_errors(r.text, "clinician") == ["is too long (201 characters; at most 200)"]
    assert field_errors(r.text, "note") == ["is too long (2001 characters; at most 2000)"]
    assert field_errors(r.text, "dosage") == ["is 201 characters long; at most 200"]


@pytest.mark.parametrize("field, value", [
    ("routine", "../content/partner-neck.yaml"), ("routine", "nope"),
    ("layout", "/etc/passwd.yaml"), ("layout", "card-credit"), ("format", "docx"),
])
def test_a_choice_not_in_the_list_is_refused(client, field, value):
    r = post_handout(client, **{field: value})
    assert r.status_code == 422
    assert len(field_errors(r.text, field)) == 1


def test_a_sheet_needs_briefs_and_says_which_step_lacks_one(make_app, tmp_path):
    from starlette.testclient import TestClient

    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    path = content / "self-neck-back.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\n( +)brief: [^\n]*", "", text, count=1), encoding="utf-8")
    with TestClient(make_app(content), base_url="http://127.0.0.1") as client:
        r = post_handout(client, routine="self-neck-back", layout="sheet-a4")
    assert r.status_code == 422
    page = html.unescape(r.text)
    assert "is required for the clinic sheet 'sheet-a4'" in page
    assert re.search(r"self-neck-back\.yaml:\d+: steps\[\d+\]\.brief: ", page)  # the routine file's problem, with its line, above the form


def test_cards_on_a_sheet_download_and_preview(client):
    token = form_token(client, "/card")
    base = {"csrf": token, "routine": "partner-neck", "layout": "card-credit", "sheet": "a4", "copies": "2",
            "bleed": "3mm", "flip": "short"}
    r = client.post("/card", data={**base, "action": "download"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="partner-neck--card-credit--a4.pdf"'
    reader = PdfReader(io.BytesIO(r.content))
    box = reader.pages[0].mediabox
    assert sorted(round(float(v)) for v in (box.width, box.height)) == [595, 842]  # an A4 sheet
    assert "Neck" in pdf_text(r.content)
    r = client.post("/card", data={**base, "action": "preview"}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get(r.headers["location"]).text.count('<img src="/result/') == len(reader.pages)


@pytest.mark.parametrize("fields, field, message", [
    ({"copies": "two", "sheet": "a4"}, "copies", "must be a whole number, e.g. 2 (or empty to fill the sheet)"),
    ({"copies": "3"}, "copies", "copies are for sheets; add --sheet a4 (or letter, ...)"),
    ({"copies": "501", "sheet": "a4"}, "copies", "must be 1 to 500"),
    ({"bleed": "20mm", "sheet": "a4"}, "bleed", "20.0 mm is not a bleed; use 0 to 10 mm, usually 3mm"),
    ({"sheet": "a3"}, "sheet", "choose a sheet from the list, or none"),
    ({"flip": "sideways"}, "flip", "choose long or short edge"),
])
def test_card_options_are_refused_beside_their_field(client, fields, field, message):
    data = {"csrf": form_token(client, "/card"), "routine": "partner-neck", "layout": "card-credit",
            "action": "download", **fields}
    r = client.post("/card", data=data)
    assert r.status_code == 422
    assert field_errors(r.text, field) == [message]


def test_content_page_reports_checks_and_every_broken_file(make_app, tmp_path):
    from starlette.testclient import TestClient

    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    broken = content / "partner-back.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("audience: partner", "audience: everyone", 1),
                      encoding="utf-8")
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "clinic-a4.yaml").write_text("extends: handout-a4\npage:\n  size: A9\n", encoding="utf-8")
    with TestClient(make_app(content, layouts_dir=layouts), base_url="http://127.0.0.1") as client:
        page = html.unescape(client.get("/content").text)
        home = client.get("/").text
    assert re.search(r"partner-back\.yaml:\d+: audience: ", page)
    assert re.search(r"clinic-a4\.yaml:3: page\.size: ", page)
    assert 'href="/handout?routine=partner-back"' not in home  # left out of the picker
    assert "partner-neck" in page and "grade 2.4 (Flesch-Kincaid) / 5.5 (SMOG)" in page
    assert "100 %" in page and "6 passed" in page


def test_pages_refuse_other_methods_and_unknown_addresses_plainly(client):
    for r in (client.post("/content"), client.get("/no/such/page"), client.get("/result/" + "a" * 32)):
        assert r.status_code in (404, 405)
        assert "Traceback" not in r.text and "<h1>" in r.text


def test_a_long_document_previews_its_first_pages_only(client, monkeypatch):
    from handouts.web import settings

    monkeypatch.setattr(settings, "MAX_PREVIEW_PAGES", 2)
    r = post_handout(client, action="preview")
    page = client.get(r.headers["location"]).text
    assert page.count('<img src="/result/') == 2
    assert "The first 2 pages are shown; the PDF has all 6." in page
    assert client.get(r.headers["location"] + "/page/3.png").status_code == 404


def test_thumbnails_kept_are_bounded(client, monkeypatch):
    from handouts.web import settings, thumbnails

    monkeypatch.setattr(settings, "MAX_THUMBNAILS", 2)
    thumbnails._cache.clear()
    for rid in ("partner-neck", "partner-back", "self-neck-back"):
        assert client.get(f"/thumb/{rid}.png").status_code == 200
    assert len(thumbnails._cache) == 2
    assert [key[1] for key in thumbnails._cache] == ["partner-back", "self-neck-back"]


def test_an_edited_routine_is_read_again_without_a_restart(make_app, tmp_path):
    from starlette.testclient import TestClient

    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    path = content / "partner-back.yaml"
    with TestClient(make_app(content), base_url="http://127.0.0.1") as client:
        assert "Back massage for a partner to ease tension" in client.get("/").text
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Back massage for a partner to ease tension", "Back massage for two", 1),
                        encoding="utf-8")
        page = client.get("/").text
        assert "Back massage for two" in page and "to ease tension" not in page
        r = post_handout(client, routine="partner-back")
        assert "Back massage for two" in pdf_text(r.content)
