"""Planning a batch: one item per output file, each with its digest and the problems that stop it.

Rows × routines × layouts, in roster order, then the class card sheets. The
routines go through the same preflight as ``handouts build`` (glyphs and
safety rules), so a routine that ``build`` refuses fails every item of it
here too; a bad row fails only its own items.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..content import image_refs
from .. import labels
from ..errors import Problem, display_path
from ..models import Personalisation
from .load import Batch, variant_id
from .names import file_name, safe_stem
from .roster import Roster, RosterRow, _field_name
from .state import Shard, file_digest, sha, tool_fingerprint


def _model_digest(model, source: Path | None = None) -> str:
    """A model's content plus the bytes of every picture it names (relative to ``source``)."""
    dumped = model.model_dump(mode="json")
    pictures = [(ref, file_digest(source.parent / ref)) for _, ref in image_refs(dumped)] if source is not None else []
    return sha(dumped, pictures)


@dataclass(frozen=True)
class Item:
    """One output file and what it is made from."""

    name: str
    kind: str  # 'handout', 'html' (its HTML twin), 'sheet', or 'row': a row that has no files of its own but has problems
    row: int | None = None
    line: int | None = None
    student: str = ""
    routine: str = ""
    layout: str = ""
    also: str = ""  # a bilingual handout: the key of the routine printed beside ``routine``
    personal: Personalisation | None = None
    copies: int = 1
    cards: tuple[tuple[str, int], ...] = ()
    digest: str = ""
    problems: tuple[Problem, ...] = ()
    part: tuple[int, int] | None = None  # a 'sheet' drawn as run k of n of its physical sheets (see batch.sheets)


FORMAT_KINDS = {"pdf": ("handout",), "html": ("html",), "both": ("handout", "html")}
"""The items a manifest's ``format`` makes for each student, routine and layout."""


def html_name(pdf_name: str) -> str:
    """The HTML twin's file name: the handout's, ending in .html instead of .pdf."""
    return pdf_name[:-4] + ".html"


def _row_problems(roster: Roster, row: RosterRow) -> list[Problem]:
    from ..text import glyph_problems

    if row.student is None:
        return list(row.problems)
    data = row.student.model_dump(exclude_none=True, exclude={"copies", "language", "also"})
    found = glyph_problems(data, display_path(roster.path), lambda loc: row.line)
    return [Problem(p.file, p.line, _field_name(p.field), p.message) for p in found]


def _note(dosage: str | None, note: str | None, language: str = "en") -> str | None:
    """The note printed for one student: their dosage first, labelled in the routine's language."""
    return labels.for_language(language).with_dosage(dosage, note)


def _routine_for(batch: Batch, rid: str, row: RosterRow, roster_name: str,
                 checked: dict[str, list[Problem]]) -> tuple[str, list[Problem]]:
    """The routine a student reads (the routine itself, or its translation into their
    language) and the problems that stop it; a routine's own problems are found once."""
    from ..pipeline.preflight import routine_problems

    key = rid
    language = row.student.language if row.student else None
    if language and rid in batch.routines:
        own = batch.routines[rid].routine.language
        if own.split("-")[0] != language.split("-")[0]:
            key = variant_id(rid, language)
            if key not in batch.routines and key not in batch.broken:
                return key, [Problem(roster_name, row.line, "language",
                                     f"no '{language}' version of routine '{rid}'; add a routine with id '{key}' "
                                     f"and language: {language}, or leave the cell empty")]
    if key not in checked:
        if key in batch.broken:
            checked[key] = list(batch.broken[key])
        else:
            doc = batch.routines[key]
            checked[key] = routine_problems(doc)
    return key, checked[key]


def _second_routine(batch: Batch, key: str, language: str | None, lname: str, row: RosterRow, roster_name: str,
                    checked: dict[str, list[Problem]]) -> tuple[str, list[Problem]]:
    """The routine a bilingual layout prints beside ``key`` for this row, and the problems that stop it;
    a problem of the second language itself is the row's, in its 'also' column."""
    from ..pipeline.bilingual import OPTION
    from ..pipeline.preflight import routine_problems

    if not language:
        return "", [Problem(roster_name, row.line, "also", f"layout '{lname}' prints two languages; fill this "
                                                             "row's 'also' column or set also: in the manifest")]
    second, problems = batch.translations.get((key, language), (None, []))
    if second is None:
        return "", [Problem(roster_name, row.line, "also", p.message) if p.file == OPTION else p for p in problems]
    if second not in checked:
        checked[second] = routine_problems(batch.routines[second])
    return second, checked[second]


def _sheet_problems(batch: Batch, key: str, layout_name: str, checked: dict[str, list[Problem]]) -> list[Problem]:
    """A routine's missing briefs for one sheet layout, found once per routine and layout."""
    from ..pipeline.preflight import sheet_problems

    memo = f"{key}\0sheet\0{layout_name}"
    if memo not in checked:
        checked[memo] = sheet_problems(batch.routines[key], layout_name)
    return checked[memo]


def plan(batch: Batch, tool: str | None = None) -> list[Item]:
    """Every output file of the batch, in roster order, then the card sheets.

    File names come from the whole roster (not one shard), so every shard agrees on
    them; a name that would collide (two "Sam Lee" rows) gets "-2", "-3" in roster order."""
    tool = tool if tool is not None else tool_fingerprint()
    m = batch.manifest
    roster_name = display_path(batch.roster.path)
    clinic_digest = _model_digest(batch.clinic, batch.clinic_path) if batch.clinic else None
    layout_digest = {n: _model_digest(l) for n, l in batch.handout_layouts.items()}
    routine_digest = {k: _model_digest(d.routine, d.path) for k, d in batch.routines.items()}
    checked: dict[str, list[Problem]] = {}
    used: set[str] = {(m.combined_file).casefold()}
    sheets: list[Item] = []
    if m.cards is not None:
        for lname in m.cards.layouts:
            sheet_name = m.cards.file_name.format(layout=lname, sheet=m.cards.sheet)
            used.add(sheet_name.casefold())
            sheets.append(Item(name=sheet_name, kind="sheet", layout=lname))
    items: list[Item] = []
    card_counts: dict[str, int] = {}
    for row in batch.roster.rows:
        row_problems = _row_problems(batch.roster, row)
        also = (row.student.also or m.also) if row.student is not None else None  # the row's second language
        stem0 = safe_stem(row.cells.get("name", ""), f"row-{row.index + 1:03d}")
        k = 1
        while True:
            stem = stem0 if k == 1 else f"{stem0}-{k}"
            names = [file_name(_pattern(m.file_name, batch, lname, also), stem, rid, lname, row.index + 1)
                     for rid in m.routines for lname in m.handouts]
            taken = [n for name in names for n in (name, html_name(name))]
            if not any(n.casefold() in used for n in taken) and len({n.casefold() for n in taken}) == len(taken):
                break
            k += 1
        used.update(n.casefold() for n in taken)
        student = row.student
        names_iter = iter(names)
        unreported: list[Problem] = []  # a cards-only batch has no handout items to carry a row's problems
        for rid in m.routines:
            key, rproblems = _routine_for(batch, rid, row, roster_name, checked)
            problems = list(row_problems) + rproblems
            personal = None
            if student is not None and not problems:
                try:
                    personal = Personalisation(
                        for_name=student.name,
                        date=student.date or m.date,
                        clinician=student.clinician or m.clinician,
                        note=_note(student.dosages.get(rid) or student.dosage, student.note or m.note,
                                   batch.routines[key].routine.language),
                    )
                except Exception as exc:  # noqa: BLE001 - reported against the row
                    problems.append(Problem(roster_name, row.line, "", f"cannot be used ({exc})"))
            if student is not None and not problems:
                card_counts[key] = card_counts.get(key, 0) + student.copies
            if not m.handouts:
                unreported.extend(problems)
            for lname in m.handouts:
                pdf_name = next(names_iter)
                # A clinic sheet needs a brief for every step: refused up front, as build refuses it.
                sheet = (_sheet_problems(batch, key, lname, checked) if batch.handout_layouts[lname].sheet is not None
                         and key in batch.routines else [])
                second, second_problems = "", []
                if batch.handout_layouts[lname].bilingual is not None and student is not None:
                    second, second_problems = _second_routine(batch, key, also, lname, row, roster_name, checked)
                for kind in FORMAT_KINDS[m.format]:
                    name = pdf_name if kind == "handout" else html_name(pdf_name)
                    item_problems = problems + sheet + second_problems
                    bilingual = [also, routine_digest[second]] if second else []
                    digest = "" if item_problems else sha(tool, routine_digest[key], layout_digest[lname], clinic_digest,
                                                      personal.model_dump(mode="json"), name, *bilingual)
                    items.append(Item(name=name, kind=kind, row=row.index, line=row.line, student=row.label,
                                      routine=key, layout=lname, also=second, personal=personal,
                                      copies=student.copies if student else 1, digest=digest,
                                      problems=tuple(dict.fromkeys(item_problems))))
        if unreported:
            items.append(Item(name=f"row {row.index + 1} ({row.label})", kind="row", row=row.index, line=row.line,
                              student=row.label, problems=tuple(dict.fromkeys(unreported))))
    cards = tuple((key, card_counts[key]) for key in sorted(card_counts, key=_routine_order(m.routines))
                  if card_counts[key] > 0)
    if sheets and cards:
        assert m.cards is not None
        for sheet in sheets:
            digest = sha(tool, "sheet", _model_digest(batch.card_layouts[sheet.layout]), m.cards.sheet,
                          m.cards.bleed, m.cards.flip, clinic_digest, [(k, routine_digest[k], n) for k, n in cards], sheet.name)
            items.append(Item(name=sheet.name, kind="sheet", layout=sheet.layout, cards=cards, digest=digest))
    return items


def _pattern(pattern: str, batch: Batch, layout_name: str, also: str | None) -> str:
    """The file-name pattern with ``{also}`` filled: the second language on a bilingual layout, else empty."""
    layout = batch.handout_layouts.get(layout_name)
    return pattern.replace("{also}", also if also and layout is not None and layout.bilingual is not None else "")


def _routine_order(routines: list[str]):
    def key(routine_key: str) -> tuple[int, str]:
        for i, rid in enumerate(routines):
            if routine_key == rid or routine_key.startswith(rid + "-"):
                return (i, routine_key)
        return (len(routines), routine_key)

    return key


def select(items: list[Item], shard: Shard) -> list[Item]:
    """This shard's items: rows by index modulo N; the class card sheets go with shard 0."""
    return [i for i in items if (i.row is not None and shard.owns(i.row)) or (i.row is None and shard.index == 0)]


def check_manifest(path: Path, fallback_layouts: Path | None = None) -> list[Problem]:
    """Every problem of a manifest, its roster and its rows (for ``handouts validate``), each once."""
    from ..errors import HandoutsError
    from .load import load_batch

    try:
        batch = load_batch(path, None, fallback_layouts)
    except HandoutsError as exc:
        return exc.problems
    return list(dict.fromkeys(p for item in plan(batch) for p in item.problems))
