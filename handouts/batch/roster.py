"""The roster: a CSV file a teacher edits in a spreadsheet, one row per student.

Read leniently (byte-order mark, ``;`` or tab separators, blank lines), but
each cell is validated strictly; a bad row is reported with its line and
column and fails only its own documents.

The rows themselves are found strictly, by a reader of our own rather than the
``csv`` module, which reads a quote that is never closed as one cell running
to the end of the file: the students after it would vanish into one note. A
quoted cell that never closes, runs over more lines than a note may have, or
closes on a later line with text after its closing quote (the mark of a
missing quote closed by the next one) stops the whole batch with the line
where the quote opened: which rows it swallowed cannot be known, and building
the rest would silently leave students out.
"""

from __future__ import annotations

import difflib
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
from ..yamlio import read_limited
from .manifest import LanguageCode

MAX_ROWS = 10_000
"""Students in one roster (blank rows are counted apart, to the same limit): every pupil of a
large school. Each row is validated and planned in memory before anything is built, so a
roster has to stay a list of people, not an export of a whole database."""

MAX_ROSTER_BYTES = 4_000_000
"""400 bytes for each of ``MAX_ROWS`` rows (a name, a date, a clinician, dosages and a few
sentences of note), and room for a full 1,700-character note on every row of a roster of
2,000; a larger file is not a class list."""

MAX_CELL_CHARS = 10_000
"""The longest cell read before validation: the longest a cell may be is a 1,700-character note,
and spaces and line breaks that tidying removes could make it longer as typed. Longer cells are
refused with their row, never handed to validation whole."""

MAX_CELL_LINES = 30
"""The most lines a quoted cell may run over: a notes box is never ruled for more than 30
lines (a layout's notes_lines), so a longer cell is a quote left open over the next rows."""

MAX_CELLS = 200
"""Cells kept of one row: more than any header has (the known columns and a dosage per routine).
A longer row is reported as having more than this, and the rest of it is skipped in one step,
so a line of a million commas costs no more than a short one."""


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
    also: LanguageCode | None = Field(
        None, description="Second language printed beside the routine on bilingual layouts; empty: the manifest's also.")
    copies: int = Field(1, ge=0, le=50, description="Printed copies in the combined PDF and on the card sheets.")
    dosage: _cell(200) | None = Field(None, description="Personal dosage for every routine, e.g. '2 times a day'.")
    dosages: dict[str, _cell(200)] = Field(default_factory=dict, description="Personal dosage per routine id.")


BASE_COLUMNS = ("name", "date", "clinician", "note", "language", "also", "copies", "dosage")
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
    raw = read_limited(path, MAX_ROSTER_BYTES, "a roster")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise HandoutsError(Problem(name, line, "", "is not UTF-8 text; save the roster as 'CSV UTF-8' in your spreadsheet")) from None


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Broken(Exception):
    """A quote that makes the row boundaries after it unknowable."""

    def __init__(self, line: int, cell: int, message: str):
        self.line, self.cell, self.message = line, cell, message


_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)("?)')


class _Rows:
    """CSV records with the line each starts on, read as a spreadsheet writes them.

    A cell that starts with a double quote runs to the next lone quote (``""`` is a quote
    inside it) and may hold the delimiter and line breaks; text after its closing quote
    is kept, as spreadsheets do. Line ends arrive as plain newlines."""

    def __init__(self, text: str, delimiter: str):
        self.text = text
        self.pos = 0
        self.line = 1
        d = re.escape(delimiter)
        self.plain = re.compile(f"[^{d}\n]*")
        # cells past MAX_CELLS: plain ones, and quoted ones on one line, each with its delimiter
        self.skip = re.compile(f'(?:(?:"[^"\n]*(?:""[^"\n]*)*"[^{d}\n]*|(?:[^{d}\n"][^{d}\n]*)?){d})*')

    def next(self) -> tuple[int, list[str], int] | None:
        """(first line, cells, number of cells) of the next record, or None at the end; a record
        of more than MAX_CELLS cells keeps its first MAX_CELLS and counts MAX_CELLS + 1."""
        text = self.text
        if self.pos >= len(text):
            return None
        start = self.line
        cells: list[str] = []
        count = 0
        while True:
            if count > MAX_CELLS:  # nothing more is kept: plain and one-line quoted cells go at once
                self.pos = self.skip.match(text, self.pos).end()
            cell = self._cell(count)
            if count < MAX_CELLS:
                cells.append(cell)
            count = min(count + 1, MAX_CELLS + 1)
            if self.pos >= len(text):
                break
            ends_record = text[self.pos] == "\n"
            self.pos += 1
            if ends_record:
                self.line += 1
                break
        return start, cells, count

    def _cell(self, index: int) -> str:
        text = self.text
        if not text.startswith('"', self.pos):
            found = self.plain.match(text, self.pos)
            self.pos = found.end()
            return found.group()
        opened = self.line
        found = _QUOTED.match(text, self.pos)
        body, closed = found.group(1), found.group(2)
        breaks = body.count("\n")
        if not closed:
            raise _Broken(opened, index, "a quote opened here is never closed; end the cell with a quote (\"), "
                                         "and write a quote inside a cell as two (\"\")")
        if breaks >= MAX_CELL_LINES:
            raise _Broken(opened, index, f"a quote opened here runs over {breaks + 1} lines, to line "
                                         f"{opened + breaks}; a cell may hold at most {MAX_CELL_LINES} lines "
                                         "- is its closing quote missing?")
        tail = self.plain.match(text, found.end())
        self.pos = tail.end()
        self.line += breaks
        if breaks and tail.group().strip():
            raise _Broken(opened, index, f"a quote opened here closes only on line {self.line}, where text "
                                         "follows it - is its closing quote missing?")
        return body.replace('""', '"') + tail.group()


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


def _long_cells(name: str, line: int, columns: list[str], cells: list[str]) -> list[Problem]:
    return [Problem(name, line, columns[i] if i < len(columns) else f"column {i + 1}",
                    f"is {len(cell):,} characters long; a cell may hold at most {MAX_CELL_CHARS:,}")
            for i, cell in enumerate(cells) if len(cell) > MAX_CELL_CHARS]


def _shown(cell: str) -> str:
    return cell if len(cell) <= MAX_CELL_CHARS else cell[:60] + "…"


def read_roster(path: Path, routine_ids: list[str]) -> Roster:
    """Every data row of the roster; header problems and broken quotes stop the batch, row problems only their row."""
    name = display_path(path)
    text = _decode(path).replace("\r\n", "\n").replace("\r", "\n")
    rows = _Rows(text, _delimiter(text.split("\n", 1)[0]))
    columns: list[str] = []
    try:
        first = rows.next()
        header = first[1] if first else []
        if not header or not any(c.strip() for c in header):
            raise HandoutsError(Problem(name, 1, "", "is empty; the first line should be a header such as: name,date,note"))
        columns, problems = _header(header, name, routine_ids)
        if problems:
            raise HandoutsError(problems)
        roster = Roster(path=path, columns=columns)
        blank = 0
        while (record := rows.next()) is not None:
            line, cells, count = record
            if not any(c.strip() for c in cells):
                blank += 1
                if blank > MAX_ROWS:
                    raise HandoutsError(Problem(name, line, "", f"has more than {MAX_ROWS:,} blank rows; "
                                                "is it the right file?"))
                continue
            index = len(roster.rows)
            if index >= MAX_ROWS:
                raise HandoutsError(Problem(name, line, "", f"the roster has more than {MAX_ROWS:,} students, the most "
                                            "one batch takes; split it into several rosters and batches"))
            shown = dict(zip(columns, map(_shown, cells)))
            if count > len(columns):
                cells_text = f"more than {MAX_CELLS}" if count > MAX_CELLS else str(count)
                extra = Problem(name, line, "", f"has {cells_text} cells but the header has {len(columns)} columns; "
                                "put text with commas in double quotes")
                roster.rows.append(RosterRow(index, line, shown, None, (extra,)))
                continue
            long_cells = _long_cells(name, line, columns, cells)
            if long_cells:
                roster.rows.append(RosterRow(index, line, shown, None, tuple(long_cells)))
                continue
            row = dict(zip(columns, cells + [""] * (len(columns) - len(cells))))
            roster.rows.append(_student(path, index, line, row))
    except _Broken as exc:
        field = columns[exc.cell] if exc.cell < len(columns) else ""
        raise HandoutsError(Problem(name, exc.line, field, exc.message)) from None
    if not roster.rows:
        raise HandoutsError(Problem(name, None, "", "has a header but no students; add one row per student"))
    return roster
