"""Class batches started from the browser: one runs at a time, a few wait, the rest are refused.

A job is an ordinary batch: the app writes a manifest and the roster into a
folder of its own (generated names only, inside the app's private temporary
folder) and runs ``handouts.batch.run_batch`` on it, in a thread, with the
batch's own worker pool. The page follows it through a reporter that counts
items as they finish. Finished jobs are kept for download, a bounded number,
and removed with their folders.
"""

from __future__ import annotations

import json
import logging
import queue
import secrets
import shutil
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HandoutsError, Problem
from .settings import MAX_KEPT_CLASSES, MAX_QUEUED_CLASSES

log = logging.getLogger("handouts.web")

ROSTER = "roster.csv"
MANIFEST = "class.batch.yaml"
OUT = "out"
COMBINED = "combined.pdf"
ZIP = "class.zip"


class Full(Exception):
    """Too many class batches are waiting."""


@dataclass
class Order:
    """What a class batch is to build: routine ids and layout names already checked against the folder."""

    routines: list[str]
    handouts: list[str]
    card_layouts: list[str] = field(default_factory=list)
    sheet: str | None = None
    date: str | None = None
    clinician: str | None = None
    note: str | None = None


@dataclass
class Job:
    id: str
    folder: Path
    state: str = "waiting"  # waiting, running, done, failed
    total: int = 0
    built: int = 0
    failed: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    failed_items: list[str] = field(default_factory=list)
    seconds: float = 0.0
    has_zip: bool = False
    has_combined: bool = False
    files: int = 0
    fault: bool = False  # a fault of the app, not of the roster or the choices
    workers: int = 0

    @property
    def finished(self) -> int:
        return self.built + self.failed

    @property
    def percent(self) -> int:
        return 100 if self.state in ("done", "failed") else int(100 * self.finished / self.total) if self.total else 0

    def shown(self, problem: Problem) -> str:
        """A problem as the browser shows it, without the private folder's path."""
        text = str(problem)
        for prefix in (str(self.folder) + "/", str(self.folder.resolve()) + "/"):
            text = text.replace(prefix, "")
        return text

    def status(self) -> dict:
        return {"state": self.state, "total": self.total, "built": self.built, "failed": self.failed,
                "finished": self.finished, "percent": self.percent, "zip": self.has_zip,
                "combined": self.has_combined}


class Reporter:
    """Batch progress (see ``handouts.progress``) counted into a job for its page to show.

    A batch the runner gives one worker draws in this process, beside the
    handouts drawn for other pages; it then holds the app's drawing lock
    (see :mod:`.drawing`) from its first item to its end."""

    def __init__(self, job: Job):
        self.job = job
        self.holding = False

    def begin(self, title: str, total: int, skipped: int, todo: int, jobs: int, out_dir: str) -> None:
        from .drawing import _draw_lock

        self.job.total = total - skipped
        self.job.workers = jobs
        if jobs == 1 and todo:
            _draw_lock.acquire()
            self.holding = True

    def item(self, name: str, ok: bool, seconds: float, problems: list[Problem]) -> None:
        if ok:
            self.job.built += 1
        else:
            self.job.failed += 1

    def end(self, summary) -> None:
        if self.holding:
            from .drawing import _draw_lock

            _draw_lock.release()
            self.holding = False
        self.job.problems = list(summary.problems)
        self.job.failed_items = list(summary.failed_items)
        self.job.seconds = summary.seconds


class Jobs:
    """The registry and the one thread that runs class batches in order."""

    def __init__(self, root: Path, content_dir: Path, layouts_dir: Path | None, workers: int = 0):
        self.root = root
        self.content_dir = content_dir
        self.layouts_dir = layouts_dir
        self.workers = workers
        self._jobs: dict[str, Job] = {}
        self._order: list[str] = []
        self._queue: queue.Queue[tuple[Job, Order] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def submit(self, roster: bytes, order: Order) -> Job:
        with self._lock:
            waiting = sum(1 for j in self._jobs.values() if j.state in ("waiting", "running"))
            if waiting > MAX_QUEUED_CLASSES:
                raise Full()
            job_id = secrets.token_urlsafe(16)
            folder = self.root / f"class-{len(self._order) + 1:04d}-{secrets.token_hex(4)}"
            folder.mkdir(mode=0o700)
            (folder / ROSTER).write_bytes(roster)
            (folder / MANIFEST).write_text(self._manifest(order), encoding="utf-8")
            job = Job(job_id, folder)
            self._jobs[job_id] = job
            self._order.append(job_id)
            self._forget_old()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run_all, name="class-batches", daemon=True)
                self._thread.start()
        self._queue.put((job, order))
        return job

    def _manifest(self, order: Order) -> str:
        """The batch manifest, as JSON (which YAML reads): every value is quoted, nothing is read as markup."""
        data: dict = {"content": str(self.content_dir.resolve()), "routines": order.routines,
                      "handouts": order.handouts, "roster": ROSTER, "out": OUT, "combined_file": COMBINED}
        if order.card_layouts and order.sheet:
            data["cards"] = {"layouts": order.card_layouts, "sheet": order.sheet}
        for key in ("date", "clinician", "note"):
            if getattr(order, key):
                data[key] = getattr(order, key)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def _forget_old(self) -> None:
        finished = [j for j in self._order if self._jobs[j].state in ("done", "failed")]
        while len(finished) >= MAX_KEPT_CLASSES:
            old = finished.pop(0)
            job = self._jobs.pop(old)
            self._order.remove(old)
            shutil.rmtree(job.folder, ignore_errors=True)

    def _run_all(self) -> None:
        while True:
            entry = self._queue.get()
            if entry is None:
                return
            job, _ = entry
            self._run(job)

    def _run(self, job: Job) -> None:
        from ..batch import run_batch

        job.state = "running"
        try:
            run_batch(job.folder / MANIFEST, jobs=self.workers, combined=True, reporter=Reporter(job),
                      layouts=self.layouts_dir)
            self._pack(job)
            job.state = "done"
        except HandoutsError as exc:
            job.refused = list(dict.fromkeys(exc.problems))
            job.state = "failed"
        except Exception as exc:  # noqa: BLE001 - the page says so in one line; the app goes on
            log.error("class batch %s failed: %s: %s", job.folder.name, type(exc).__name__, exc)
            job.fault = True
            job.state = "failed"

    def _pack(self, job: Job) -> None:
        """The zip of every file the batch wrote (the combined PDF is its own download)."""
        out = job.folder / OUT
        files = sorted(p for p in out.iterdir() if p.is_file() and not p.name.startswith(".")
                       and p.suffix in (".pdf", ".html") and p.name != COMBINED)
        with zipfile.ZipFile(job.folder / ZIP, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for path in files:
                zf.write(path, arcname=path.name)
        job.files = len(files)
        job.has_zip = bool(files)
        job.has_combined = (out / COMBINED).is_file()

    def zip_path(self, job: Job) -> Path:
        return job.folder / ZIP

    def combined_path(self, job: Job) -> Path:
        return job.folder / OUT / COMBINED

    def stop(self) -> None:
        self._queue.put(None)

    def wait(self, job: Job, timeout: float) -> bool:
        """Wait until ``job`` ends (tests and the load script); whether it did."""
        end = time.monotonic() + timeout
        while job.state in ("waiting", "running") and time.monotonic() < end:
            time.sleep(0.05)
        return job.state not in ("waiting", "running")
