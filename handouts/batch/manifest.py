"""The batch manifest: which routines and layouts, for whom, and where the files go.

Validated like every other YAML file (``file:line: field: message``); paths
in it are relative to the manifest.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from ..located import Located
from ..models import Strict, Text
from ..units import Length
from ..validation import validate

FILE_FIELDS = ("name", "routine", "layout", "row", "also")
SHEET_FIELDS = ("layout", "sheet")


def pattern_fields(pattern: str) -> list[str]:
    """The ``{placeholders}`` of a file-name pattern, in order."""
    return [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]


def _file_pattern(allowed: tuple[str, ...]):
    def check(value: str) -> str:
        try:
            fields = pattern_fields(value)
        except ValueError:
            raise PydanticCustomError("file_name", "has an unmatched brace; placeholders look like {example}",
                                      {"example": "{" + allowed[0] + "}"}) from None
        unknown = [f for f in fields if f not in allowed]
        if unknown:
            raise PydanticCustomError(
                "file_name", "'{field}' is not a placeholder; use {allowed}",
                {"field": "{" + unknown[0] + "}", "allowed": ", ".join("{" + a + "}" for a in allowed)},
            )
        if "/" in value or "\\" in value:
            raise PydanticCustomError("file_name", "must be a file name, without '/' or '\\'")
        if value.startswith("."):
            raise PydanticCustomError("file_name", "must not start with '.' (such files are hidden)")
        if not value.lower().endswith(".pdf"):
            raise PydanticCustomError("file_name", "must end with .pdf")
        return value

    return check


def _plain_file_name(value: str) -> str:
    if "/" in value or "\\" in value or value.startswith(".") or not value.lower().endswith(".pdf"):
        raise PydanticCustomError("file_name", "must be a plain file name ending in .pdf, e.g. class--all.pdf")
    return value


FilePattern = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=120),
                        AfterValidator(_file_pattern(FILE_FIELDS))]
SheetPattern = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=120),
                         AfterValidator(_file_pattern(SHEET_FIELDS))]
PlainPdfName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=120),
                         AfterValidator(_plain_file_name)]
RelPath = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LayoutName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+([-_][a-z0-9]+)*$", min_length=1, max_length=64)]
def _language_code(value: str) -> str:
    """A second language as a teacher may type it ('ES', 'es-MX'), as routines name theirs: 'es'."""
    code = value.strip().split("-")[0].lower()
    if not re.fullmatch(r"[a-z]{2}", code) or not re.fullmatch(r"[A-Za-z]{2}(-[A-Za-z]{2})?", value.strip()):
        raise PydanticCustomError("language", "'{value}' is not a language code; give one such as es or fr",
                                  {"value": value.strip()[:40]})
    return code


LanguageCode = Annotated[str, StringConstraints(max_length=40), AfterValidator(_language_code)]
"""A second language: two letters, as routines name their language ('es'); 'ES' and 'es-MX' mean 'es'."""
RoutineId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=64)]


# --------------------------------------------------------------------------- the manifest


class CardSheets(Strict):
    """Pocket cards for the whole class, many to a sheet."""

    layouts: list[LayoutName] = Field(..., min_length=1, description="Card layouts, e.g. [card-credit].")
    sheet: LayoutName = Field(..., description="Sheet the cards are imposed on: a4, letter, avery-5371 or avery-c32011.")
    bleed: Length = Field(0.0, description="Bleed around each card, e.g. 3mm; 0 for none.")
    flip: Literal["long", "short"] = Field("long", description="Duplex flip edge: the backs are mirrored to match.")
    file_name: SheetPattern = Field("cards--{layout}--{sheet}.pdf", description="Sheet file name; placeholders {layout}, {sheet}.")


class BatchManifest(Strict):
    """A class or clinic batch: which routines and layouts, for whom, and where the files go.

    Paths are relative to the manifest file's folder."""

    title: Text | None = Field(None, description="What the batch is, shown in the summary, e.g. 'Thursday class'.")
    content: RelPath = Field(".", description="Folder holding the routines (and clinic.yaml); default: the manifest's folder.")
    layouts: RelPath | None = Field(None, description="Layouts folder; default: the layouts shipped with handouts.")
    routines: list[RoutineId] = Field(..., min_length=1, description="Routine ids, in the order their handouts are printed.")
    handouts: list[LayoutName] = Field(["handout-a4"], description="Handout layouts; one personalised handout per student, routine and layout.")
    also: LanguageCode | None = Field(
        None, description="Second language, e.g. es: bilingual handout layouts print each routine beside its "
                          "translation into it (a roster column 'also' overrides it per student).")
    format: Literal["pdf", "html", "both"] = Field(
        "pdf", description="pdf, html (each handout's accessible HTML twin, named like the PDF but ending in .html) or both.")
    cards: CardSheets | None = Field(None, description="Pocket-card sheets for the class; leave out for none.")
    roster: RelPath = Field(..., description="The roster: a CSV file with a header row (see README, 'Batch').")
    clinic: RelPath | None = Field(None, description="Clinic profile; default: the clinic profile in the content folder, if any.")
    out: RelPath = Field(..., description="Output folder.")
    file_name: FilePattern = Field(
        "{name}--{routine}--{layout}.pdf",
        description="Handout file name; placeholders {name}, {routine}, {layout}, {row} (roster row number), "
                    "{also} (the second language of a bilingual handout; empty otherwise).",
    )
    combined_file: PlainPdfName = Field("combined.pdf", description="File name of the combined PDF built with --combined.")
    date: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None = Field(
        None, description="Date printed on every handout whose roster row has no date.")
    clinician: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = Field(
        None, description="Clinician or teacher for rows without one (default: from the clinic profile).")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1700)] | None = Field(
        None, description="Note printed for rows without one.")


def load_manifest(located: Located) -> BatchManifest:
    return validate(located, BatchManifest)
