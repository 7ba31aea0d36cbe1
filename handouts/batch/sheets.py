"""A very large class card sheet drawn in runs by all workers, then joined into its one file.

A class sheet is drawn in memory before it is written, about 23 KB a physical
sheet, and a roster may ask for 100,000 sheets (10,000 rows of 50 copies). A
sheet of more than MAX_SHEETS_PER_RUN is therefore cut into runs of whole
sheets (every front page with the mirrored back behind it, so duplex order is
kept), each run a pool item of its own, drawn by all workers at once. A run is
written as a hidden ``.<sheet>.p<k>of<n>.part`` file beside the outputs, never
under the sheet's name, and only the joined file is recorded in the batch
state: a run can never pass for the sheet. When every run is drawn they are
joined in order, streamed, into the sheet's file, which appears in one step;
the runs are then removed, and so are any left by Ctrl-C or a killed batch
(the next run removes them with its other temporary files).

A smaller sheet is drawn whole, by one worker, because that is not slower: with
each face drawn once and placed as a form (``render.sheet``), joining in the
main process (pypdf reads every object back) costs about what a second worker
saves (measured on 2 cores: 4,000 sheets in two runs took 0.99x the time drawn
whole, 400 sheets 1.52x, starting the pool included).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import HandoutsError, Problem
from .plan import Item
from .pool import Result

MAX_SHEETS_PER_RUN = 2_500
"""The most physical sheets drawn in one piece (5,000 pages, about 60 MB while drawn): a
class needs 4,000 sheets at 10,000 students with two routines of two cards each."""

MIN_SHEETS_PER_RUN = 100
"""The fewest physical sheets in a run: each run composes the cards again and embeds its own
font subsets, so many workers do not cut a sheet into slivers."""

NAME_ROOM = 255 - 40
"""A sheet whose file name is longer than this is drawn in one piece: a run's name and its own
temporary name add up to 40 bytes, and a file name holds at most 255."""


def part_name(name: str, k: int, n: int) -> str:
    """The hidden file of run ``k`` (from 0) of ``n``; the batch's stale-file cleaning knows it by ``name``."""
    return f".{name}.p{k + 1}of{n}.part"


def fewest_sheets(item: Item, per_sheet: int) -> int:
    """The physical sheets the item needs at the least: every copy of a routine is one card or more."""
    return -(-sum(copies for _, copies in item.cards) // per_sheet)


def run_count(sheets: int, jobs: int, per_run: int | None = None) -> int:
    """How many runs ``sheets`` physical sheets are cut into for ``jobs`` workers.

    One while they fit MAX_SHEETS_PER_RUN; past it, runs of at most that many, as a
    multiple of ``jobs`` (so the workers finish together), none below MIN_SHEETS_PER_RUN.
    ``per_run`` forces the run size (tests cut a small class into many runs)."""
    if per_run is not None:
        return max(1, min(sheets, -(-sheets // max(1, per_run))))
    if sheets <= MAX_SHEETS_PER_RUN:
        return 1
    rounds = -(-sheets // (MAX_SHEETS_PER_RUN * jobs))
    return max(-(-sheets // MAX_SHEETS_PER_RUN), min(jobs * rounds, sheets // MIN_SHEETS_PER_RUN))


@dataclass
class _Sheet:
    item: Item
    parts: list[Item]
    results: dict[int, Result] = field(default_factory=dict)


class SheetRuns:
    """The class card sheets of one batch run that are drawn in runs, and their joining."""

    def __init__(self, out_dir: Path, per_sheet, jobs: int, per_run: int | None = None):
        self.out_dir = out_dir
        self.per_sheet = per_sheet  # Item -> cards on one physical sheet of its layout
        self.jobs = jobs
        self.per_run = per_run
        self.sheets: dict[str, _Sheet] = {}
        self.part_of: dict[str, tuple[str, int]] = {}

    def expand(self, todo: list[Item]) -> list[Item]:
        """``todo`` with each large sheet replaced by its runs, in order."""
        out: list[Item] = []
        for item in todo:
            n = 1
            if item.kind == "sheet" and item.cards and len(os.fsencode(item.name)) <= NAME_ROOM:
                try:
                    n = run_count(fewest_sheets(item, self.per_sheet(item)), self.jobs, self.per_run)
                except HandoutsError:
                    n = 1  # a wrong sheet option is reported by the item itself
            if n == 1:
                out.append(item)
                continue
            parts = [replace(item, name=part_name(item.name, k, n), part=(k, n)) for k in range(n)]
            self.sheets[item.name] = _Sheet(item, parts)
            for k, part in enumerate(parts):
                self.part_of[part.name] = (item.name, k)
            out += parts
        return out

    def owns(self, name: str) -> bool:
        return name in self.part_of

    def add(self, result: Result) -> Result | None:
        """Take a run's result; once every run of its sheet is in, the sheet's own result (joined,
        or failed with what went wrong), else None."""
        sheet_name, k = self.part_of.pop(result.name)
        sheet = self.sheets[sheet_name]
        sheet.results[k] = result
        if len(sheet.results) < len(sheet.parts):
            return None
        del self.sheets[sheet_name]
        results = [sheet.results[i] for i in range(len(sheet.parts))]
        seconds = sum(r.seconds for r in results)
        peak = max(r.peak_rss_kb for r in results)
        try:
            if not all(r.ok for r in results):
                return Result(sheet_name, False, _problems(sheet, results), seconds, peak_rss_kb=peak)
            return self._join(sheet, seconds, peak)
        finally:
            self._remove(sheet.parts)

    def _join(self, sheet: _Sheet, seconds: float, peak: int) -> Result:
        import time

        from ..pipeline.write import write_streamed
        from .concat import Part, concatenate

        start = time.perf_counter()
        paths = [self.out_dir / p.name for p in sheet.parts]
        title, info, lang = _document_facts(paths[0])
        path = self.out_dir / sheet.item.name
        try:
            write_streamed(path, lambda fh: concatenate([Part(p, 1, None) for p in paths], fh, title, info, lang))
        except HandoutsError as exc:
            return Result(sheet.item.name, False, tuple(exc.problems), seconds, peak_rss_kb=peak)
        except Exception as exc:  # noqa: BLE001 - reported against the sheet, the batch goes on
            problem = Problem(sheet.item.name, None, "", f"its {len(paths)} parts could not be joined "
                              f"({type(exc).__name__}); please report this")
            return Result(sheet.item.name, False, (problem,), seconds, peak_rss_kb=peak)
        st = path.stat()
        return Result(sheet.item.name, True, (), seconds + time.perf_counter() - start, st.st_size, st.st_mtime_ns,
                      peak)

    def discard(self) -> None:
        """Remove the runs of every sheet not joined yet (Ctrl-C, or a pool that stopped)."""
        for sheet in self.sheets.values():
            self._remove(sheet.parts)
        self.sheets.clear()
        self.part_of.clear()

    def _remove(self, parts: list[Item]) -> None:
        for part in parts:
            try:
                (self.out_dir / part.name).unlink()
            except OSError:
                pass


def _problems(sheet: _Sheet, results: list[Result]) -> tuple[Problem, ...]:
    """What stopped the runs, each once, named by the sheet (never by a run's hidden file)."""
    n = len(sheet.parts)
    found: list[Problem] = []
    for k, r in enumerate(results):
        for p in r.problems:
            if p.file == sheet.parts[k].name:
                p = Problem(sheet.item.name, p.line, p.field, f"part {k + 1} of {n}: {p.message}")
            found.append(p)
    return tuple(dict.fromkeys(found))


def _document_facts(path: Path) -> tuple[str, dict[str, str], str | None]:
    """The title, author, subject and language of a drawn run, which the joined sheet keeps."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        meta = reader.metadata or {}
        lang = reader.trailer["/Root"].get("/Lang")
    except Exception:  # noqa: BLE001 - an unreadable run is reported by the join itself
        return "", {}, None
    info = {key: str(meta[f"/{key}"]) for key in ("Subject", "Author") if meta.get(f"/{key}")}
    return str(meta.get("/Title") or ""), info, str(lang) if lang else None
