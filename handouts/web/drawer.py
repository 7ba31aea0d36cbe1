"""Where the web app's documents are drawn: in this process one at a time, or in worker processes.

``handouts serve`` draws in a pool of worker processes (one per core, like a
batch), so requests that arrive together are drawn side by side and the
server's own process stays free to answer; each worker draws one document at
a time. The tests draw in their own process, one at a time, under the lock
in :mod:`.drawing`. Either way a request waits in a bounded queue.

A worker's problems come back as :class:`~handouts.errors.Problem` values (an
exception would lose its structure on the way between processes).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..errors import HandoutsError
from .drawing import turn, waiting_slot


class Lost(Exception):
    """The worker drawing a document died (out of memory, killed); the request may be tried again."""


def _start_worker(parent: int) -> None:
    """Ctrl-C is the server's to handle; a worker ends when the server is gone; fonts load once."""
    import importlib

    from ..batch.pool import _end_with_parent
    from ..fonts import register_all

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent(parent)
    register_all()
    importlib.import_module("handouts.render.handout")  # imported once, not on the first request


def _ready() -> bool:
    return True


def _call(fn, args: tuple):
    """``fn(*args)`` in a worker: ("ok", value), or ("problems", [Problem, ...])."""
    try:
        return "ok", fn(*args)
    except HandoutsError as exc:
        return "problems", list(exc.problems)


class Drawer:
    def __init__(self, workers: int = 0):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the workers now, so the first request does not wait for them."""
        if self.workers:
            pool = self._get_pool()
            for _ in range(self.workers):
                pool.submit(_ready)

    def stop(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.workers,
                                                 mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start_worker, initargs=(os.getpid(),))
            return self._pool

    def run(self, fn, *args):
        """``fn(*args)`` drawn where this app draws; its problems raised as one HandoutsError."""
        if not self.workers:
            with turn():
                return fn(*args)
        with waiting_slot():
            try:
                kind, value = self._get_pool().submit(_call, fn, args).result()
            except BrokenProcessPool:
                self._forget_broken()
                raise Lost() from None
        if kind == "problems":
            raise HandoutsError(value)
        return value

    def _forget_broken(self) -> None:
        """A worker that died breaks its pool; the next request starts a new one."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
