"""Handouts and cards drawn for the web app through the command line's own pipeline.

Each request becomes the same jobs ``handouts build`` and ``handouts card``
make (``pipeline.run.handout_request`` / ``card_request``), checked and drawn
by ``render_jobs``; nothing is written to disk. The functions here take only
plain values (a :class:`Where` and the form's choices), so they run the same
in this process or in a worker process (see :mod:`.drawer`).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..models import Personalisation
from . import settings
from .results import Result
from .settings import MAX_WAITING_RENDERS

_draw_lock = threading.Lock()
_waiting = threading.BoundedSemaphore(MAX_WAITING_RENDERS)


class Busy(Exception):
    """More requests are waiting to draw than the app lets queue."""


@contextmanager
def waiting_slot():
    """A place in the queue of documents to draw; refused at once when the queue is full."""
    if not _waiting.acquire(blocking=False):
        raise Busy()
    try:
        yield
    finally:
        _waiting.release()


@contextmanager
def turn():
    """Drawing in this process, one at a time: ReportLab and pdfium keep per-process state that
    threads must not share. Refused at once when too many are already waiting."""
    with waiting_slot(), _draw_lock:
        yield


@dataclass(frozen=True)
class Where:
    """The folders a document is made from, and the folder its (never written) output is planned in."""

    content_dir: Path
    layouts_dir: Path | None
    work_dir: Path

    def library(self):
        from ..layouts import LayoutLibrary

        return LayoutLibrary(self.layouts_dir)


def pictures(pdf: bytes) -> tuple[int, tuple[bytes, ...]]:
    """The page count and PNG pictures of its first pages, up to the preview's bound."""
    from ..preview import page_count, rasterise

    count = page_count(pdf)
    return count, tuple(rasterise(pdf, list(range(1, min(count, settings.MAX_PREVIEW_PAGES) + 1)),
                                  settings.PREVIEW_DPI))


def handout(where: Where, routine: str, layout: str, fmt: str, personal: Personalisation, preview: bool,
            also: str | None = None) -> Result:
    """One handout (``fmt`` 'pdf' or 'html'), checked and drawn as ``handouts build`` draws it;
    with ``also`` (a second language, as ``--also``) the routine beside its translation."""
    from ..pipeline.run import handout_request, render_jobs

    jobs, content = handout_request([routine], [layout], where.work_dir, personal, where.content_dir,
                                    where.library(), (fmt,), also)
    (path, data), = render_jobs(jobs, content)
    count, pngs = pictures(data) if preview and fmt == "pdf" else (0, ())
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    return Result(data, path.name, media, count, pngs, jobs[0].doc.routine.title)


def cards(where: Where, routine: str, layout: str, sheet: str | None, copies: int | None, bleed: str, flip: str,
          preview: bool) -> Result:
    """One routine's pocket cards, on pages or imposed on a sheet, as ``handouts card`` draws them."""
    from ..pipeline.run import card_request, render_jobs
    from ..units import option_length

    jobs, content = card_request([routine], [layout], where.work_dir, sheet=sheet, copies=copies,
                                 bleed=option_length("--bleed", bleed), flip=flip, content_dir=where.content_dir,
                                 library=where.library())
    (path, data), = render_jobs(jobs, content)
    count, pngs = pictures(data) if preview else (0, ())
    return Result(data, path.name, "application/pdf", count, pngs, jobs[0].docs[0].routine.title, "card")


def thumbnail(where: Where, routine: str, layout: str, dpi: int) -> bytes:
    """A small picture of a routine's first page in ``layout``."""
    from ..pipeline.run import handout_request, render_jobs
    from ..preview import rasterise

    jobs, content = handout_request([routine], [layout], where.work_dir, None, where.content_dir, where.library())
    (_, data), = render_jobs(jobs, content)
    return rasterise(data, [1], dpi)[0]
