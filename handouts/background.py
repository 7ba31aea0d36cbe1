"""Work that runs beside the rest of a command, in a forked child process.

A ``handouts build`` of a routine nobody has built before spends a good part
of its time on checks (glyphs, safety rules, reading level) whose answers do
not change a single page: they decide whether the files may be written and
what quality line is printed. With a spare core, a child process works them
out while the parent lays out the pages, and the parent asks for the answer
only before it writes.

The answer is always the one the parent would have worked out itself: where
forking is unsafe or pointless (not Linux, one usable core, other threads
running, ``HANDOUTS_BACKGROUND=off``) or the child dies or sends something
unreadable, the work is done in the parent when its result is asked for. An
exception raised by the work is raised again in the parent.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")

_OK, _RAISED = "ok", "raised"


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a child process can do work at the same time as this one, safely.

    Linux only: elsewhere system libraries may not survive a fork (macOS) or
    there is no fork at all (Windows). A process with other threads is never
    forked, as a lock held by one of them would stay held in the child."""
    if os.environ.get("HANDOUTS_BACKGROUND", "").strip().lower() in ("off", "0", "no", "false"):
        return False
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
            and _usable_cores() > 1)


class Background(Generic[T]):
    """``work()``, started now in a child process where possible; :meth:`result` gives its value."""

    def __init__(self, work: Callable[[], T]):
        self._work = work
        self._pid: int | None = None
        self._read: int | None = None
        self._done = False
        self._value: T | None = None
        if can_fork():
            self._start()

    @classmethod
    def done(cls, value: T) -> "Background[T]":
        """Work already done (its result was at hand): nothing is started."""
        job = cls.__new__(cls)
        job._work, job._pid, job._read, job._done, job._value = (lambda: value), None, None, True, value
        return job

    def _start(self) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or process slots left: do it in the parent later
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # pragma: no cover - runs in the child, whose coverage is not collected
            os.close(read)
            self._child(write)
        os.close(write)
        self._pid, self._read = pid, read

    def _child(self, write: int) -> None:  # pragma: no cover - runs in the child
        """Work, send the outcome, and leave without running the parent's exit handlers or flushing its buffers."""
        code = 0
        try:
            try:
                outcome = (_OK, self._work())
            except BaseException as exc:  # noqa: BLE001 - the parent decides what an exception means
                outcome = (_RAISED, exc)
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: BLE001 - an unsendable outcome: the parent works it out itself
            code = 1
        finally:
            os._exit(code)

    @property
    def in_child(self) -> bool:
        """Whether the work was handed to a child process (tests use it)."""
        return self._pid is not None

    def result(self) -> T:
        """The work's value (waiting for the child if it is still working); its exception, raised here."""
        if not self._done:
            self._value = self._collect()
            self._done = True
        return self._value  # type: ignore[return-value]

    def _collect(self) -> T:
        if self._pid is None or self._read is None:
            return self._work()
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        self._read = None
        os.waitpid(self._pid, 0)
        try:
            kind, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - the child died or sent nothing usable
            return self._work()
        if kind == _RAISED:
            if isinstance(value, KeyboardInterrupt):  # the child was interrupted, not the work wrong
                return self._work()
            raise value
        return value
