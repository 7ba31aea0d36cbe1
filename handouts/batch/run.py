"""Running a batch: load, plan, skip what is up to date, render the rest in a worker pool, report.

Every write is atomic, so Ctrl-C or SIGTERM keeps what is done (exit 130) and
a killed run leaves no half file; the next run removes a killed run's
temporary files and carries on where it stopped.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path
from typing import Iterable

from ..errors import HandoutsError, display_path
from ..pipeline.write import folder_problem, words
from .combine import combine
from .load import load_batch
from .plan import Item, plan, select
from .pool import Result, _peak_rss_kb, run_items
from .sheets import SheetRuns
from .state import Shard, State, Summary, tool_fingerprint


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_batch(manifest: Path, jobs: int = 0, force: bool = False, shard: Shard = Shard(), combined: bool = False,
              reporter=None, layouts: Path | None = None, fallback_layouts: Path | None = None,
              sheets_per_run: int | None = None) -> Summary:
    """Build a batch: load and plan everything, skip what is up to date, render the rest in parallel, report.

    A large class card sheet is drawn in runs of whole sheets by all workers and joined
    (``batch.sheets``); ``sheets_per_run`` forces the size of those runs."""
    from ..progress import make_reporter

    started = time.perf_counter()
    batch = load_batch(manifest, layouts, fallback_layouts)
    tool = tool_fingerprint()
    items = select(plan(batch, tool), shard)
    reporter = reporter or make_reporter()
    out_dir = batch.out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # it passed load_batch's check, then changed
        why = folder_problem(out_dir) or f"cannot write to {display_path(out_dir)}: {words(exc)}"
        raise HandoutsError(batch.located.problem(("out",), why)) from None
    state = State(out_dir, shard)
    combined_name = _combined_name(batch.manifest.combined_file, shard)
    summary = Summary(total=len(items))
    summary.removed_parts = len(clean_stale_parts(out_dir, [i.name for i in items] + [combined_name, state.path.name]))

    todo: list[Item] = []
    failed_now: list[Item] = []
    for item in items:
        if item.problems:
            failed_now.append(item)
        elif not force and state.fresh(item.name, item.digest):
            summary.skipped += 1
        else:
            todo.append(item)
    runs = SheetRuns(out_dir, lambda item: _per_sheet(batch, item), jobs or default_jobs(), sheets_per_run)
    work = runs.expand(todo)
    jobs = max(1, min(jobs or default_jobs(), len(work) or 1))
    summary.jobs = jobs
    reporter.begin(batch.manifest.title or display_path(manifest), len(items), summary.skipped, len(todo), jobs,
                   display_path(out_dir))

    def done(result: Result | None) -> None:
        if result is not None and runs.owns(result.name):
            result = runs.add(result)
        if result is None:
            return
        summary.peak_rss_kb = max(summary.peak_rss_kb, result.peak_rss_kb)
        if result.ok:
            state.record(result.name, digest_of[result.name], result.size, result.mtime_ns)
            state.flush(every=1.0)
            summary.built += 1
        else:
            summary.failed += 1
            summary.failed_items.append(result.name)
            summary.problems.extend(result.problems)
        reporter.item(result.name, result.ok, result.seconds, list(result.problems))

    digest_of = {i.name: i.digest for i in todo}
    for item in failed_now:
        done(Result(item.name, False, item.problems))
    previous_term = _stop_on_sigterm()
    try:
        if work:
            run_items(batch, work, jobs, done)
        if combined:
            combine(batch, items, state, out_dir / combined_name, tool, force, summary)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
        runs.discard()
        state.flush()
        if summary.interrupted:
            # Ctrl-C can land while the main process writes the state file, the combined PDF or
            # a joined card sheet, between a temporary file's creation and its cleanup: remove what it left.
            clean_stale_parts(out_dir, [state.path.name, combined_name] + [i.name for i in todo if i.kind == "sheet"])
        summary.seconds = time.perf_counter() - started
        summary.peak_rss_kb = max(summary.peak_rss_kb, _peak_rss_kb() if jobs == 1 else 0)
        summary.problems = sorted(dict.fromkeys(summary.problems), key=lambda p: (p.file, p.line or 0, p.field, p.message))
        reporter.end(summary)
    return summary


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm():
    """Treat SIGTERM (a cluster pre-empting the job) like Ctrl-C: finish the items being
    drawn, keep what is done, start nothing new. Returns the handler to restore."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


def _per_sheet(batch, item: Item) -> int:
    """Cards on one physical sheet of the item's layout (plain geometry, nothing drawn)."""
    from ..pipeline.render import card_imposition

    cards = batch.manifest.cards
    return card_imposition(batch.card_layouts[item.layout], cards.sheet, cards.bleed, cards.flip, item.layout).per_sheet


def _combined_name(name: str, shard: Shard) -> str:
    return name if shard.whole else f"{name[:-4]}{shard.suffix}.pdf"


PART_FILE = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]+\.part$")


def clean_stale_parts(out_dir: Path, owned: Iterable[str]) -> list[Path]:
    """Remove temporary files a killed run left behind, for outputs this run owns only
    (another shard writing to the same folder keeps its in-flight files)."""
    if not out_dir.is_dir():
        return []
    owned_set = set(owned)
    removed = []
    for f in out_dir.glob(".*.part"):
        m = PART_FILE.match(f.name)
        while m and m.group("name") not in owned_set and PART_FILE.match(m.group("name")):
            m = PART_FILE.match(m.group("name"))  # a run of a card sheet, or the temporary copy of one
        if m and m.group("name") in owned_set:
            try:
                f.unlink()
                removed.append(f)
            except OSError:
                pass
    return removed
