"""Printed strings come from the message catalogs, in the routine's language.

English is the source language; Spanish and French catalogs translate every
string the code marks as printed. A Spanish or French handout, clinic sheet,
pocket card and HTML twin are read back and must contain none of the English
strings; a language with no catalog, or a catalog missing a string, stops the
build with a message naming the language and the string.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from handouts import labels
from handouts.cli import app
from handouts.i18n import catalog
from handouts.layouts import LayoutLibrary
from handouts.models import Amount, Dosage
from handouts.render.page import Decoration
from handouts.styles import paragraph_styles

from pdfcheck import stream_text

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "i18n"
LOCALE = ROOT / "handouts" / "data" / "locale"
ROUTINES = {"es": CASES / "rutina-es.yaml", "fr": CASES / "routine-fr.yaml"}
LANGUAGES = ("es", "fr")

SAME_IN = {
    "es": {"h", "min", "{label}:", "{first}; {then}", "{student} — {routine} ({layout})"},
    "fr": {"h", "min", "Contact", "Date", "Notes", "Position", "Source", "{student} — {routine} ({layout})"},
}
"""Strings a language writes exactly as English does: they cannot tell an English label from a
translated one, so the read-back tests leave them out. Listed here so a new one is a decision."""

CLINIC = """\
name: Clínica Río
clinician: Ana Ruiz
address: Calle Mayor 1, 28001 Madrid
phone: 910 000 000
email: hola@clinica-rio.example
"""


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def msgid_of(message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def extracted() -> dict[str, tuple[str, ...]]:
    """Every string the code marks as printed, as Babel's extractor finds it now."""
    found: dict[str, tuple[str, ...]] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "handouts"), method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS):
        forms = (message,) if isinstance(message, str) else tuple(message)
        found[forms[0]] = forms
    return found


def po(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "handouts.po").open("rb") as fh:
        return read_po(fh, locale=language)


def english_strings() -> list[str]:
    """The English catalog: every msgid and plural msgid of the template."""
    with (LOCALE / "handouts.pot").open("rb") as fh:
        template = read_po(fh)
    out = []
    for message in template:
        if message.id:
            out.extend(message.id if isinstance(message.id, (list, tuple)) else [message.id])
    return out


def pattern(msgid: str) -> re.Pattern:
    """``msgid`` as printed: each ``{placeholder}`` any short text, whole words at both ends."""
    pieces = re.split(r"\{[a-z_]+\}", msgid)
    body = r"\S.{0,80}?".join(re.escape(p) for p in pieces)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def english_found(text: str, language: str) -> list[str]:
    return [msgid for msgid in english_strings()
            if msgid not in SAME_IN[language] and has_words(msgid) and pattern(msgid).search(text)]


def has_words(msgid: str) -> bool:
    """'{label}:' has no words of its own to look for: any 'x:' would match it."""
    return re.search(r"[A-Za-z]", re.sub(r"\{[a-z_]+\}", "", msgid)) is not None


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """A handout, clinic sheet, HTML twin and pocket card of each test routine, built once."""
    folder = tmp_path_factory.mktemp("i18n")
    (folder / "content").mkdir()
    (folder / "content" / "clinic.yaml").write_text(CLINIC, encoding="utf-8")
    out = folder / "output"
    made: dict[tuple[str, str], Path] = {}
    for language, routine in ROUTINES.items():
        shutil.copy(routine, folder / "content" / routine.name)
        path = folder / "content" / routine.name
        here = os.getcwd()
        os.chdir(folder)
        try:
            result = run("build", str(path), "-l", "handout-a4", "-l", "sheet-a4", "--format", "both",
                         "--for", "Ana", "--date", "2026-11-26", "--out", str(out))
            assert result.exit_code == 0, result.output
            result = run("card", str(path), "-l", "card-credit", "--out", str(out))
            assert result.exit_code == 0, result.output
        finally:
            os.chdir(here)
        rid = routine.stem
        made[(language, "handout")] = out / f"{rid}--handout-a4.pdf"
        made[(language, "sheet")] = out / f"{rid}--sheet-a4.pdf"
        made[(language, "html")] = out / f"{rid}--handout-a4.html"
        made[(language, "card")] = out / f"{rid}--card-credit.pdf"
    return made


class _Text(HTMLParser):
    """The words a reader or a screen reader meets: text, alt text and accessible names."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        for name, value in attrs:
            if name in ("alt", "aria-label", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def document_text(path: Path) -> str:
    if path.suffix == ".html":
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        return re.sub(r"\s+", " ", " ".join(parser.parts))
    return stream_text(path)


# ---------------------------------------------------------------------------------- the catalogs


def test_template_lists_every_string_the_code_prints():
    """A label added to the code without `make messages` fails here, naming it."""
    with (LOCALE / "handouts.pot").open("rb") as fh:
        template = {msgid_of(m) for m in read_po(fh) if m.id}
    code = set(extracted())
    assert sorted(code - template) == [], "run make messages"
    assert sorted(template - code) == [], "run make messages (the template lists strings no code prints)"
    assert len(code) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    code = extracted()
    catalog_ = po(language)
    assert catalog_.num_plurals == 2
    translated = {msgid_of(m): m for m in catalog_ if m.id}
    untranslated = []
    for msgid, forms in code.items():
        message = translated.get(msgid)
        strings = () if message is None else (message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None or message.fuzzy or not all(strings) or len(strings) != (2 if len(forms) == 2 else 1):
            untranslated.append(msgid)
            continue
        wanted = set(re.findall(r"\{[a-z_]+\}", msgid))
        for text in strings:
            assert set(re.findall(r"\{[a-z_]+\}", text)) == wanted, (language, msgid, text)
    assert untranslated == []


def test_spanish_uses_tu_and_french_uses_vous():
    es = " ".join(m.string if isinstance(m.string, str) else " ".join(m.string) for m in po("es") if m.id)
    fr = " ".join(m.string if isinstance(m.string, str) else " ".join(m.string) for m in po("fr") if m.id)
    assert re.search(r"\b(usted|haga|consulte)\b", es, re.I) is None
    assert "necesitas" in es and "tus notas" in es
    assert re.search(r"\b(tu|ton|ta|tes)\b", fr) is None
    assert "vous" in fr and "vos notes" in fr


def test_identical_words_are_exactly_those_listed():
    """The words kept out of the read-back tests are the ones each catalog writes as English does."""
    for language, same in SAME_IN.items():
        identical = {msgid_of(m) for m in po(language) if m.id and m.string == msgid_of(m)}
        assert identical == same, language


# ---------------------------------------------------------------------------------- documents


@pytest.mark.parametrize("kind", ["handout", "sheet", "card", "html"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_documents_print_no_english_label(built, language, kind):
    text = document_text(built[(language, kind)])
    assert english_found(text, language) == []


@pytest.mark.parametrize("language, expected", [
    ("es", ["Primero, la seguridad", "Lo que necesitas", "Pasos", "Registra tu práctica", "Página 1 de 3",
            "Preparado para", "26 de noviembre de 2026", "1 min por lado; 3× al día, 5 días a la semana",
            "3–5 veces, mantén 10 s", "3 veces al día, 5 días a la semana", "Qué significan los dibujos",
            "presión ligera", "Hazlo tú"]),
    ("fr", ["La sécurité d'abord", "Ce qu'il vous faut", "Étapes", "Suivez votre pratique", "Page 1 sur 3",
            "Préparé pour", "26 novembre 2026", "1 min de chaque côté ; 3× par jour, 5 jours par semaine",
            "3–5 fois, maintenir 10 s", "3 fois par jour, 5 jours par semaine", "Ce que montrent les dessins",
            "pression légère", "À faire vous-même"]),
])
def test_handout_prints_translated_labels(built, language, expected):
    text = document_text(built[(language, "handout")])
    assert [e for e in expected if e not in text] == []


def test_french_sets_a_space_that_does_not_break_before_a_colon(built):
    words = labels.for_language("fr")
    assert words.colon(words.CAUTION) == "Attention\u00a0:" and labels.english().colon("Caution") == "Caution:"
    assert labels.for_language("es").colon("Cuidado") == "Cuidado:"
    raw = built[("fr", "html")].read_text(encoding="utf-8")
    assert "<strong>Attention\u00a0:</strong> Gardez la balle" in raw
    assert "Source : Routine de test" in document_text(built[("fr", "handout")])  # read back, spaces folded


def test_card_and_sheet_print_translated_labels(built):
    card = document_text(built[("es", "card")])
    assert "En estos pasos" in card and "Paso 2:" in card and "Consulta a un médico:" in card
    sheet = document_text(built[("fr", "sheet")])
    assert "Des questions ? Contactez-nous" in sheet and "Regardez la vidéo" in sheet and "Page 1 sur 1" in sheet
    html = built[("es", "html")].read_text(encoding="utf-8")
    assert '<html lang="es">' in html and "Primero, la seguridad" in html and "26 de noviembre de 2026" in html


# ---------------------------------------------------------------------------------- plurals, dates, numbers


def amount(text: str) -> Amount:
    return Dosage(times_per_day=text).times_per_day


@pytest.mark.parametrize("language, one, three, range_, vague", [
    ("en", "1 time a day", "3 times a day", "2–3 times a day", "a few times a day"),
    ("es", "1 vez al día", "3 veces al día", "2–3 veces al día", "unas cuantas veces al día"),
    ("fr", "1 fois par jour", "3 fois par jour", "2–3 fois par jour", "quelques fois par jour"),
])
def test_plural_forms(language, one, three, range_, vague):
    words = labels.for_language(language)
    assert [words.times_a_day(amount(x)) for x in ("1", "3", "2-3", "a few")] == [one, three, range_, vague]


def test_plural_rules_follow_each_catalog():
    """French counts 0 with the singular; Spanish and English do not."""
    days = {lang: [labels.for_language(lang).days_a_week(Dosage(days_per_week=n).days_per_week) for n in (1, 2)]
            for lang in ("en", "es", "fr")}
    assert days == {"en": ["1 day a week", "2 days a week"], "es": ["1 día a la semana", "2 días a la semana"],
                    "fr": ["1 jour par semaine", "2 jours par semaine"]}
    vague = {lang: labels.for_language(lang).days_a_week(Dosage(days_per_week="a few").days_per_week)
             for lang in ("en", "es", "fr")}
    assert vague == {"en": "a few days a week", "es": "unos cuantos días a la semana",
                     "fr": "quelques jours par semaine"}, "'a few' agrees with 'days' (masculine in Spanish)"
    fr = catalog.messages_for("fr")
    es = catalog.messages_for("es")
    assert fr.ngettext("{n} day a week", "{n} days a week", 0) == "0 jour par semaine"
    assert es.ngettext("{n} day a week", "{n} days a week", 0) == "0 días a la semana"


@pytest.mark.parametrize("language, iso, written", [
    ("en", "November 26, 2026", "next Tuesday"),
    ("en-GB", "26 November 2026", "next Tuesday"),
    ("es", "26 de noviembre de 2026", "el martes"),
    ("fr", "26 novembre 2026", "mardi prochain"),
])
def test_dates(language, iso, written):
    words = labels.for_language(language)
    assert words.date("2026-11-26") == iso
    assert words.date(written) == written, "a date written in words is printed as written"
    assert words.date("2026-02-30") == "2026-02-30", "an impossible date is printed as written"
    assert catalog.messages_for(language).long_date(date(2026, 11, 26)) == iso


def test_numbers_and_dosage_words():
    es, fr = labels.for_language("es"), labels.for_language("fr")
    dosage = Dosage(duration="1.5 min", hold_seconds="a few", repetitions=1)
    assert es.dosage(dosage) == "1,5 min, 1 vez, mantén unos segundos"
    assert fr.dosage(dosage) == "1,5 min, 1 fois, maintenir quelques secondes"
    assert labels.english().dosage(dosage) == dosage.compact() == "1.5 min, once, hold a few seconds"
    assert es.page_of(1, 2) == "Página 1 de 2" and fr.page_of(1, 2) == "Page 1 sur 2"


def test_footer_placeholder_is_translated_and_a_layouts_own_words_are_kept():
    layout = LayoutLibrary().get("handout-a4")
    assert layout.footer.right == "{page_of}"
    decoration = Decoration(layout, paragraph_styles(layout), {}, None, labels.for_language("es").page_of)
    assert decoration.fill("{page_of}", 1, 2) == "Página 1 de 2"
    assert decoration.fill("Page {page} of {pages}", 1, 2) == "Page 1 of 2"
    assert decoration.fill("Hoja {page}/{pages}", 2, 3) == "Hoja 2/3"


# ---------------------------------------------------------------------------------- refused


def routine_in(tmp_path: Path, language: str) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    text = ROUTINES["es"].read_text(encoding="utf-8").replace("language: es", f"language: {language}")
    path = content / "rutina.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def language_line(path: Path) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if line.startswith("language:"))


@pytest.mark.parametrize("command", [["validate"], ["build", "content/rutina.yaml", "-l", "handout-a4"],
                                     ["card", "content/rutina.yaml", "-l", "card-credit"]])
def test_language_without_catalog_is_refused(tmp_path, monkeypatch, command):
    path = routine_in(tmp_path, "de")
    monkeypatch.chdir(tmp_path)
    result = run(*command)
    assert result.exit_code == 1, result.output
    expected = (f"content/rutina.yaml:{language_line(path)}: language: no printed strings for language 'de' "
                "(available: en, es, fr)")
    assert expected in result.output.splitlines()
    assert "Traceback" not in result.output
    assert not (tmp_path / "output").exists() or not any((tmp_path / "output").iterdir())


def test_batch_refuses_a_language_without_catalog_with_the_same_words(tmp_path, monkeypatch):
    path = routine_in(tmp_path, "de")
    (tmp_path / "content" / "roster.csv").write_text("name\nAna\n", encoding="utf-8")
    (tmp_path / "content" / "c.batch.yaml").write_text(
        "title: Test\nroutines: [rutina-es]\nhandouts: [handout-a4]\nroster: roster.csv\nout: ../output\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("batch", "content/c.batch.yaml")
    assert result.exit_code == 1, result.output
    assert (f"content/rutina.yaml:{language_line(path)}: language: no printed strings for language 'de' "
            "(available: en, es, fr)") in result.output.splitlines()
    assert not list((tmp_path / "output").glob("*.pdf"))


def test_catalog_missing_a_string_is_refused(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)
    po_file = locale / "es" / "LC_MESSAGES" / "handouts.po"
    text = po_file.read_text(encoding="utf-8")
    cut = 'msgid "Safety first"\nmsgstr "Primero, la seguridad"\n'
    assert cut in text
    po_file.write_text(text.replace(cut, 'msgid "Safety first"\nmsgstr ""\n'), encoding="utf-8")
    monkeypatch.setattr(catalog, "locale_dir", lambda: locale)
    catalog._load.cache_clear()
    catalog.template.cache_clear()
    try:
        path = routine_in(tmp_path, "es")
        monkeypatch.chdir(tmp_path)
        result = run("build", "content/rutina.yaml", "-l", "handout-a4")
        assert result.exit_code == 1, result.output
        assert (f"content/rutina.yaml:{language_line(path)}: language: the es catalog has no translation for "
                "'Safety first' (translate it in handouts/data/locale/es/LC_MESSAGES/handouts.po)"
                in result.output.splitlines())
        assert "Traceback" not in result.output
        with pytest.raises(Exception, match="has no es translation for 'Safety first'"):
            labels.for_language("es").SAFETY
    finally:
        catalog._load.cache_clear()
        catalog.template.cache_clear()


def test_translation_with_wrong_placeholders_counts_as_missing(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)
    po_file = locale / "fr" / "LC_MESSAGES" / "handouts.po"
    text = po_file.read_text(encoding="utf-8")
    cut = 'msgstr "Page {page} sur {pages}"'
    assert cut in text
    po_file.write_text(text.replace(cut, 'msgstr "Page {page} sur {total}"'), encoding="utf-8")
    monkeypatch.setattr(catalog, "locale_dir", lambda: locale)
    catalog._load.cache_clear()
    try:
        assert catalog.missing(catalog.messages_for("fr")) == ["Page {page} of {pages}"]
        with pytest.raises(Exception, match="has no fr translation for 'Page {page} of {pages}'"):
            labels.for_language("fr").page_of(1, 2)
    finally:
        catalog._load.cache_clear()


def test_catalog_past_its_size_limit_is_refused(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)
    po_file = locale / "fr" / "LC_MESSAGES" / "handouts.po"
    text = po_file.read_text(encoding="utf-8")
    po_file.write_text(text + "# " + "x" * (catalog.MAX_CATALOG_BYTES - len(text.encode())) + "\n", encoding="utf-8")
    assert po_file.stat().st_size > catalog.MAX_CATALOG_BYTES
    monkeypatch.setattr(catalog, "locale_dir", lambda: locale)
    catalog._load.cache_clear()
    try:
        content = tmp_path / "content"
        content.mkdir()
        shutil.copy(ROUTINES["fr"], content / "routine-fr.yaml")
        monkeypatch.chdir(tmp_path)
        result = run("validate")
        assert result.exit_code == 1, result.output
        line = language_line(content / "routine-fr.yaml")
        assert (f"content/routine-fr.yaml:{line}: language: the catalog handouts:locale/fr/LC_MESSAGES/handouts.po "
                "is too large to be a message catalog") in result.output.splitlines()
    finally:
        catalog._load.cache_clear()


def test_regional_variants_read_their_language():
    assert labels.for_language("es-MX").SAFETY == "Primero, la seguridad"
    assert labels.for_language("en-GB").SAFETY == "Safety first"
    assert catalog.available_languages() == ["en", "es", "fr"]


def test_french_sets_a_space_before_the_semicolon_of_a_dosage():
    from handouts.labels import for_language
    from handouts.models import Dosage

    dosage = Dosage(duration="1 min", times_per_day=2)
    assert for_language("en").dosage(dosage) == "1 min; 2× a day"
    assert for_language("fr").dosage(dosage) == "1 min\u00a0; 2× par jour"


def test_the_calibration_sheet_prints_its_words_from_the_catalog():
    from handouts.layouts import LayoutLibrary
    from handouts.pipeline.render import card_imposition
    from handouts.render.sheet import render_calibration

    layout = LayoutLibrary().get("card-credit")
    imposition = card_imposition(layout, "a4", 0.0, "short", "card-credit")
    english = stream_text(render_calibration(imposition, "card-credit"))
    french = stream_text(render_calibration(imposition, "card-credit", labels.for_language("fr")))
    assert "Card 1 front: row 1, column 1" in english and "flip on the short edge" in english
    assert "Carte 1, recto : ligne 1, colonne 1" in french and "retourner par le bord court" in french
    assert "Card" not in french


def test_a_personal_dosage_is_labelled_in_the_routines_language():
    """A roster's dosage column (or the web form's) goes first in the notes box, labelled from the catalog."""
    assert labels.for_language("en").with_dosage("2 times a day", "Go gently.") == "Your dosage: 2 times a day\nGo gently."
    assert labels.for_language("es").with_dosage("2 veces al día", None) == "Tu dosis: 2 veces al día"
    french = labels.for_language("fr")
    assert french.with_dosage("2 fois par jour", None) == f"{french.colon('Votre dosage')} 2 fois par jour"
    assert labels.for_language("es").with_dosage(None, "Hola") == "Hola"
