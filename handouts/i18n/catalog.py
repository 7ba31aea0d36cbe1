"""Message catalogs read at run time from the ``.po`` files shipped in the package.

The catalogs are read as text (Babel's ``read_po``) rather than compiled to
``.mo`` files by a build step: they are small (about 130 strings), read
once per process and language, and the wheel then carries exactly the files
translators edit, with nothing to keep in step.

A missing or fuzzy translation is an error naming the language and the
string, never a silent English fallback: a Spanish handout with one English
heading is a handout the reader cannot fully use, and nobody would notice.
"""

from __future__ import annotations

import io
import re
from gettext import c2py
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import HandoutsError, Problem

DOMAIN = "handouts"
SOURCE_LANGUAGE = "en"
MAX_CATALOG_BYTES = 1_000_000
"""A catalog of every printed string is under 10 KB; a far larger file is not ours."""


_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def locale_dir() -> Path:
    return Path(str(resources.files("handouts") / "data" / "locale"))


def available_languages() -> list[str]:
    """English, and every language with a catalog in the package."""
    found = sorted(p.name for p in locale_dir().iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())
    return [SOURCE_LANGUAGE, *[code for code in found if code != SOURCE_LANGUAGE]]


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _base(language: str) -> str:
    return language.split("-")[0].lower()


def _catalog_name(language: str) -> str:
    return f"handouts:locale/{language}/LC_MESSAGES/{DOMAIN}.po"


@dataclass
class Messages:
    """The printed strings of one language; English returns the source strings."""

    language: str
    translations: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    plural_rule: object = None
    locale: object = None

    def _missing(self, msgid: str) -> HandoutsError:
        return HandoutsError(Problem(_catalog_name(self.language), None, "",
                                     f"has no {self.language} translation for '{msgid}'; "
                                     "translate it (make messages updates the catalogs)"))

    def gettext(self, msgid: str, **values: object) -> str:
        """``msgid`` in this language, its ``{placeholders}`` filled from ``values``."""
        if self.language == SOURCE_LANGUAGE:
            text = msgid
        else:
            found = self.translations.get(msgid)
            if not isinstance(found, str) or not found:
                raise self._missing(msgid)
            text = found
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, shown: str | None = None, **values: object) -> str:
        """The form of ``singular``/``plural`` this language uses for ``n``; ``{n}`` is filled in
        with ``shown`` when given (a range '3–5' agrees with its top, 'a few' with a plural)."""
        if self.language == SOURCE_LANGUAGE:
            text = singular if n == 1 else plural
        else:
            forms = self.translations.get(singular)
            if not isinstance(forms, tuple) or not all(forms):
                raise self._missing(singular)
            index = self.plural_rule(n) if callable(self.plural_rule) else 0  # type: ignore[operator]
            text = forms[min(int(index), len(forms) - 1)]
        return text.format(n=n if shown is None else shown, **values)

    def long_date(self, value: date) -> str:
        """A date as this language writes it in full ('26 November 2026', '26 de noviembre de 2026')."""
        from babel.dates import format_date

        return format_date(value, format="long", locale=self.locale or "en")


@lru_cache(maxsize=16)
def _load(language: str) -> Messages:
    from babel import Locale
    from babel.messages.pofile import read_po

    path = locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as fh:
        data = fh.read(MAX_CATALOG_BYTES + 1)
    if len(data) > MAX_CATALOG_BYTES:
        raise HandoutsError(Problem(_catalog_name(language), None, "", "is too large to be a message catalog"))
    catalog = read_po(io.BytesIO(data), locale=language, domain=DOMAIN)
    translations: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        value = tuple(message.string) if isinstance(message.string, (list, tuple)) else message.string
        # A translation that drops or invents a {placeholder} would print wrong or fail mid-page;
        # it counts as no translation, so preflight names the string.
        wanted = _placeholders(key)
        if all(_placeholders(text) == wanted for text in (value if isinstance(value, tuple) else (value,)) if text):
            translations[key] = value
    # The catalog's own Plural-Forms picks the msgstr index; CLDR's categories (Locale.plural_form)
    # name forms ('one', 'many') that a gettext catalog does not number the same way.
    return Messages(language, translations, c2py(catalog.plural_expr), Locale.parse(language))


def missing(messages: Messages) -> list[str]:
    """The printed strings (as the shipped template lists them) this language has no translation for."""
    if messages.language == SOURCE_LANGUAGE:
        return []
    wanted = [m.id[0] if isinstance(m.id, (list, tuple)) else m.id for m in template() if m.id]
    return [msgid for msgid in wanted
            if not (isinstance(found := messages.translations.get(msgid), (str, tuple)) and found and all(found))]


@lru_cache(maxsize=1)
def template():
    """The message template (``handouts.pot``): every string the code marks as printed."""
    from babel.messages.pofile import read_po

    with (locale_dir() / f"{DOMAIN}.pot").open("rb") as fh:
        return read_po(fh, domain=DOMAIN)


def messages_for(language: str) -> Messages:
    """The messages for a routine's ``language`` ('es-MX' reads the Spanish catalog)."""
    base = _base(language)
    if base == SOURCE_LANGUAGE:
        return Messages(SOURCE_LANGUAGE, locale=language.replace("-", "_"))
    if base not in available_languages():
        raise HandoutsError(Problem("language", None, "",
                                    f"no printed strings for language '{language}' "
                                    f"(available: {', '.join(available_languages())})"))
    return _load(base)
