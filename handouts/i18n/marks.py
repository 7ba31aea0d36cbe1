"""The marker Babel's extractor looks for on an English string printed later, not where it is written.

A label kept in a table (a region's name, a section heading) is translated
when a document is drawn, in that document's language; ``N_`` leaves the
string as it is and only lets ``pybabel extract`` find it.
"""

from __future__ import annotations


def N_(msgid: str) -> str:  # noqa: N802 - the name Babel and gettext tools know
    return msgid
