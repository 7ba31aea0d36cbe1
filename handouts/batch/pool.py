"""The worker pool: each worker loads fonts, layouts and routines once and renders item after item.

A worker renders and writes one item at a time through the same renderers as
``handouts build`` (``handouts.pipeline.render``); any failure comes back as a
result, so one bad item never stops the pool.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HandoutsError, Problem
from ..layout_models import Layout
from ..models import Clinic
from ..pipeline.write import write_atomic
from .load import Batch
from ..cjk import expected
from .plan import Item


@dataclass(frozen=True)
class WorkerContext:
    """What every worker loads once: routines, layouts, clinic; pickled into each process."""

    out_dir: Path
    routines: dict[str, tuple[object, Path]]  # key -> (routine, its file)
    layouts: dict[str, Layout]
    clinic: Clinic | None
    clinic_path: Path | None
    card_layouts: dict[str, Layout] = field(default_factory=dict)
    cards: object | None = None  # the manifest's CardSheets
    cjk_chars: frozenset[int] = frozenset()  # CJK characters the preflight found: one font cut for all (handouts.cjk)


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    size: int = 0
    mtime_ns: int = 0
    peak_rss_kb: int = 0


_CONTEXT: WorkerContext | None = None

PARENT_POLL_SECONDS = 0.5
"""How often a worker looks whether the batch that started it is still there: a worker
outlives a killed batch by about this long."""


def init_worker(context: WorkerContext, in_pool: bool = True, parent: int | None = None) -> None:
    """Pool initializer: load fonts and keep the context; Ctrl-C is the parent's to handle,
    and a worker ends when the batch process ``parent`` is gone."""
    global _CONTEXT
    if in_pool:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _end_with_parent(parent if parent is not None else os.getppid())
    from ..fonts import register_all
    from ..render import handout  # noqa: F401 - import once, not on the first item

    register_all()
    from ..cjk import expect

    expect(context.cjk_chars)
    _CONTEXT = context


def _end_with_parent(parent: int) -> None:
    """End this worker as soon as the process that started it is gone.

    A batch killed outright (``kill -9``, the out-of-memory killer) cannot tell its
    workers; they would wait forever for work on a queue they hold open themselves,
    keeping the terminal's output open. A dead parent's children are handed to another
    process, so their parent id changes: a daemon thread compares it every half second
    and ends the worker on the spot (any output it was writing is a temporary file the
    next run removes). Polling works on Linux and macOS alike; Linux's
    ``prctl(PR_SET_PDEATHSIG)`` would be immediate but fires when the *thread* that
    started the worker ends, not the process, and exists nowhere else."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _peak_rss_kb() -> int:
    """This process's own peak resident memory, in KiB.

    On Linux the kernel's high-water mark of the process's memory (VmHWM),
    which starts afresh in a new program; ``ru_maxrss`` would report the
    parent's peak to a spawned worker, since it survives fork and exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak / 1024) if sys.platform == "darwin" else int(peak)
    except (ImportError, OSError):
        return 0


def build_item(item: Item) -> Result:
    """Render and write one item; any failure is returned, never raised, so one item cannot stop the pool."""
    ctx = _CONTEXT
    assert ctx is not None, "init_worker was not called"
    start = time.perf_counter()
    try:
        if item.kind == "sheet":
            pdf = _render_sheet(ctx, item)
        elif item.kind == "html":
            from ..pipeline.render import render_html

            routine, base_file = ctx.routines[item.routine]
            pdf = render_html(routine, ctx.layouts[item.layout], item.layout, item.personal, ctx.clinic,
                              base_file=base_file, clinic_file=ctx.clinic_path)
        elif item.also:
            from ..render.bilingual import Translation, render_bilingual
            from ..render.handout import HandoutInput

            routine, base_file = ctx.routines[item.routine]
            second, second_file = ctx.routines[item.also]
            pdf = render_bilingual(HandoutInput(routine, ctx.layouts[item.layout], item.layout, item.personal, ctx.clinic,
                                                base_file=base_file, clinic_file=ctx.clinic_path),
                                   Translation(second, second_file))
        else:
            from ..pipeline.render import render_handout

            routine, base_file = ctx.routines[item.routine]
            pdf = render_handout(routine, ctx.layouts[item.layout], item.layout, item.personal, ctx.clinic,
                                 base_file=base_file, clinic_file=ctx.clinic_path)
        path = ctx.out_dir / item.name
        write_atomic(path, pdf)
        st = path.stat()
        return Result(item.name, True, (), time.perf_counter() - start, st.st_size, st.st_mtime_ns, _peak_rss_kb())
    except HandoutsError as exc:
        return Result(item.name, False, tuple(exc.problems), time.perf_counter() - start, peak_rss_kb=_peak_rss_kb())
    except Exception as exc:  # noqa: BLE001 - reported against the item, the batch goes on
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        where = f"row {item.row + 1}" if item.row is not None else "card sheet"
        problem = Problem(item.name, None, "", f"could not be built ({where}; {type(exc).__name__}"
                          f"{': ' + detail if detail else ''}); please report this")
        return Result(item.name, False, (problem,), time.perf_counter() - start, peak_rss_kb=_peak_rss_kb())


def _render_sheet(ctx: WorkerContext, item: Item) -> bytes:
    from ..pipeline.render import render_sheet_for_many

    cards = ctx.cards
    routines = [(ctx.routines[key][0], copies) for key, copies in item.cards]
    return render_sheet_for_many(routines, ctx.card_layouts[item.layout], ctx.clinic, cards.sheet,
                                 bleed=cards.bleed, flip=cards.flip, layout_name=item.layout, part=item.part)


# --------------------------------------------------------------------------- running


def _context(batch: Batch) -> WorkerContext:
    return WorkerContext(
        out_dir=batch.out_dir,
        routines={k: (d.routine, d.path) for k, d in batch.routines.items()},
        layouts=batch.handout_layouts,
        clinic=batch.clinic,
        clinic_path=batch.clinic_path,
        card_layouts=batch.card_layouts,
        cards=batch.manifest.cards,
        cjk_chars=expected(),
    )


def run_items(batch: Batch, todo: list[Item], jobs: int, done) -> None:
    """Render ``todo`` in the command's own process (one job) or a pool of ``jobs`` workers."""
    context = _context(batch)
    if jobs == 1:
        init_worker(context, in_pool=False)
        for item in todo:
            done(build_item(item))
        return
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_worker, initargs=(context, True, os.getpid()))
    pending = {pool.submit(build_item, item): item for item in todo}
    try:
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                item = pending.pop(fut)
                try:
                    done(fut.result())
                except BrokenProcessPool:
                    done(Result(item.name, False, (Problem(item.name, None, "", "the worker process building it stopped "
                                                           "unexpectedly (out of memory?); run the batch again"),)))
    except KeyboardInterrupt:
        # finish what is being drawn (every write is atomic), start nothing new
        pool.shutdown(wait=True, cancel_futures=True)
        for fut, item in pending.items():
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                done(fut.result())
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
