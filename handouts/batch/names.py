"""File names made from people's names: safe on every file system, unique within a batch.

A roster is untrusted text: a name may hold '/', '..', emoji, a reserved
Windows device name or a thousand characters. Every file name a batch writes
comes through here.
"""

from __future__ import annotations

import re
import unicodedata

NAME_LIMIT = 60
"""Characters of a student's name kept in a file name; long names are cut, never the routine or layout."""
FILE_BYTES_LIMIT = 240
"""File names stay below the 255-byte limit of common file systems, with room for the atomic-write suffix."""
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}



def safe_stem(text: str, fallback: str) -> str:
    """A file-name-safe version of a person's name: letters and digits of any script
    kept, everything else (separators, dots, quotes, emoji) turned into '-'."""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or (cat[0] == "M" and out and out[-1] != "-"):
            out.append(ch)
        else:
            out.append("-")
    stem = re.sub(r"-{2,}", "-", "".join(out)).strip("-").lower()
    stem = unicodedata.normalize("NFC", stem)[:NAME_LIMIT].rstrip("-")
    return stem or fallback


def _fits(name: str) -> bool:
    return len(name.encode("utf-8")) <= FILE_BYTES_LIMIT


def _not_reserved(name: str) -> str:
    head, dot, rest = name.partition(".")
    return f"{head}_{dot}{rest}" if head.lower() in WINDOWS_RESERVED else name


def file_name(pattern: str, stem: str, routine: str, layout: str, row: int) -> str:
    """Fill the pattern; a long name is shortened until the file name fits."""
    while True:
        name = _not_reserved(pattern.format(name=stem, routine=routine, layout=layout, row=f"{row:03d}"))
        if _fits(name) or len(stem) <= 1:
            return name
        stem = stem[: max(1, len(stem) - 8)].rstrip("-") or stem[:1]
