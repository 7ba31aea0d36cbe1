"""The roster: a CSV file a teacher edits in a spreadsheet, one row per student.

Read leniently (byte-order mark, ``;`` or tab separators, blank lines), but
each cell is validated strictly; a bad row is reported with its line and
column and fails only its own documents.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from ..errors import HandoutsError, Problem, display_path
from ..located import Located
from ..models import Strict
from ..validation import validate

def _no_controls(keep: str = ""):
    def check(value: str) -> str:
        for ch in value:
            if unicodedata.category(ch) == "Cc" and ch not in keep:
                raise PydanticCustomError(
                    "control_character", "contains a control character (U+{code}) that cannot be printed; delete it",
                    {"code": f"{ord(ch):04X}"},
                )
        return value

    return check


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _tidy_lines(value: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def _cell(max_length: int, multiline: bool = False):
    return Annotated[
        str,
        AfterValidator(_no_controls("\n\r\t")),
        AfterValidator(_tidy_lines if multiline else _one_line),
        StringConstraints(min_length=1, max_length=max_length),
    ]


class Student(Strict):
    """One roster row, validated: who the handouts are for and what is special about them."""

    name: _cell(200) = Field(..., description="Name printed as 'Prepared for'.")
    date: _cell(60) | None = Field(None, description="Date printed on this student's handouts, as written.")
    clinician: _cell(200) | None = Field(None, description="Clinician or teacher for this student.")
    note: _cell(1700, multiline=True) | None = Field(
        None, description="Personal note printed in the notes box (room is kept for a personal dosage).")
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] | None = Field(
        None, description="Language code; picks the routine translated into it (id '<routine>-<language>').")
    copies: int = Field(1, ge=0, le=50, description="Printed copies in the combined PDF and on the card sheets.")
    dosage: _cell(200) | None = Field(None, description="Personal dosage for every routine, e.g. '2 times a day'.")
    dosages: dict[str, _cell(200)] = Field(default_factory=dict, description="Personal dosage per routine id.")


BASE_COLUMNS = ("name", "date", "clinician", "note", "language", "copies", "dosage")
DOSAGE_PREFIX = "dosage:"


@dataclass(frozen=True)
class RosterRow:
    """One data row: its place in the file, and either a student or the problems that stop it."""

    index: int
    line: int
    cells: dict[str, str]
    student: Student | None
    problems: tuple[Problem, ...] = ()

    @property
    def label(self) -> str:
        name = (self.cells.get("name") or "").strip()
        return name or f"row {self.index + 1}"


@dataclass
class Roster:
    path: Path
    columns: list[str]
    rows: list[RosterRow] = field(default_factory=list)


def _field_name(field_loc: str) -> str:
    """``dosages.partner-neck`` is the column ``dosage:partner-neck`` to the person who wrote it."""
    if field_loc.startswith("dosages."):
        return DOSAGE_PREFIX + field_loc[len("dosages."):]
    return field_loc


def _decode(path: Path) -> str:
    name = display_path(path)
    if not path.exists():
        raise HandoutsError(Problem(name, None, "", "roster file does not exist"))
    if path.is_dir():
        raise HandoutsError(Problem(name, None, "", "is a folder, not a CSV file"))
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise HandoutsError(Problem(name, line, "", "is not UTF-8 text; save the roster as 'CSV UTF-8' in your spreadsheet")) from None


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(cells: list[str], name: str, routine_ids: list[str]) -> tuple[list[str], list[Problem]]:
    columns = [c.strip().lower() for c in cells]
    problems: list[Problem] = []
    known = list(BASE_COLUMNS) + [DOSAGE_PREFIX + r for r in routine_ids]
    for i, col in enumerate(columns):
        if not col:
            problems.append(Problem(name, 1, f"column {i + 1}", "has no name in the header row; name it or delete the column"))
        elif col.startswith(DOSAGE_PREFIX):
            rid = col[len(DOSAGE_PREFIX):].strip()
            columns[i] = DOSAGE_PREFIX + rid
            if rid not in routine_ids:
                problems.append(Problem(name, 1, col, f"'{rid}' is not a routine of this batch; "
                                        f"routines: {', '.join(routine_ids)}"))
        elif col not in BASE_COLUMNS:
            close = difflib.get_close_matches(col, known, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; columns: {', '.join(BASE_COLUMNS)}, dosage:<routine-id>"
            problems.append(Problem(name, 1, col, f"unknown column '{col}'{hint}"))
        if col and columns.index(columns[i]) != i:
            problems.append(Problem(name, 1, columns[i], "appears twice in the header row; keep one"))
    if "name" not in columns:
        problems.append(Problem(name, 1, "name", "the header row needs a 'name' column"))
    return columns, problems


def _student(path: Path, index: int, line: int, cells: dict[str, str]) -> RosterRow:
    data: dict = {}
    dosages: dict[str, str] = {}
    for col, value in cells.items():
        if col.startswith(DOSAGE_PREFIX):
            if value.strip():
                dosages[col[len(DOSAGE_PREFIX):]] = value
        elif col == "name" or value.strip():
            data[col] = value
    if dosages:
        data["dosages"] = dosages
    lines = {(): line, **{(k,): line for k in data}, **{("dosages", k): line for k in dosages}}
    located = Located(path=path, data=data, lines=lines)
    try:
        student = validate(located, Student)
    except HandoutsError as exc:
        problems = tuple(Problem(p.file, p.line, _field_name(p.field), p.message) for p in exc.problems)
        return RosterRow(index, line, cells, None, problems)
    return RosterRow(index, line, cells, student)


def read_roster(path: Path, routine_ids: list[str]) -> Roster:
    """Every data row of the roster; header problems stop the batch, row problems only their row."""
    name = display_path(path)
    text = _decode(path)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first), strict=False)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise HandoutsError(Problem(name, 1, "", f"the header row cannot be read ({exc})")) from None
    if not header or not any(c.strip() for c in header):
        raise HandoutsError(Problem(name, 1, "", "is empty; the first line should be a header such as: name,date,note"))
    columns, problems = _header(header, name, routine_ids)
    if problems:
        raise HandoutsError(problems)
    roster = Roster(path=path, columns=columns)
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise HandoutsError(Problem(name, previous_end + 1, "", f"cannot be read as CSV ({exc})")) from None
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        index = len(roster.rows)
        if len(cells) > len(columns):
            extra = Problem(name, line, "", f"has {len(cells)} cells but the header has {len(columns)} columns; "
                            "put text with commas in double quotes")
            roster.rows.append(RosterRow(index, line, dict(zip(columns, cells)), None, (extra,)))
            continue
        row = dict(zip(columns, cells + [""] * (len(columns) - len(cells))))
        roster.rows.append(_student(path, index, line, row))
    if not roster.rows:
        raise HandoutsError(Problem(name, None, "", "has a header but no students; add one row per student"))
    return roster
