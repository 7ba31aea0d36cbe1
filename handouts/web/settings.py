"""What one running web app serves from, and the bounds that keep a request small.

A browser is an untrusted client even on this computer (any page it opens can
post a form to localhost), so every size and count a request can choose has a
limit here, each with a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..batch.roster import MAX_ROSTER_BYTES

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
"""Host names a page served from this computer is reached by; anything else in a Host header
is a DNS-rebinding attempt (a foreign name resolved to 127.0.0.1) unless ``--host`` named it."""

MAX_FORM_BYTES = 64 * 1024
"""A handout or card form: the longest note (2,000 characters) and every other field, with room to spare."""
MAX_CLASS_BYTES = MAX_ROSTER_BYTES + 64 * 1024
"""A class form: one roster (the roster's own limit) and its few choices."""
MAX_FIELDS = 60
"""Fields in one form: a class form ticks every routine and layout of a clinic's folder, tens at most."""
MAX_FIELD_BYTES = 16 * 1024
"""One field of a handout or card form (the note is the longest, 2,000 characters)."""
MAX_DOSAGE = 200
"""A personal dosage, as a roster's ``dosage`` cell allows."""

PREVIEW_DPI = 60
"""Pictures of pages on screen: a page fits the window and its text is legible."""
MAX_PREVIEW_PAGES = 24
"""Pages pictured in one preview; a longer document says how many more it has (the PDF has them all)."""
THUMBNAIL_DPI = 24
"""A routine's first page in the picker: enough to recognise it."""
MAX_THUMBNAILS = 64
"""Thumbnails kept in memory (per routine, layout and content state)."""
MAX_RESULTS = 32
"""Documents kept for preview and download; older ones are dropped and must be made again."""
MAX_RESULT_BYTES = 96 * 1024 * 1024
"""Memory those documents and their page pictures may take together (a long large-print handout
with its 24 pictures is about 3 MB)."""
MAX_WAITING_RENDERS = 64
"""Handout and card requests waiting for their turn to draw; more are told to try again shortly."""
MAX_CONNECTIONS = 128
"""Connections and requests the server takes at once; uvicorn answers more with 503 at once."""
MAX_QUEUED_CLASSES = 2
"""Class batches waiting behind the one that runs; more are refused with a message."""
MAX_KEPT_CLASSES = 6
"""Finished class batches kept for download; the oldest is removed (its folder too) when another ends."""


@dataclass
class Settings:
    """Where routines and layouts come from, where the app may write, and who may ask."""

    content_dir: Path = Path("content")
    layouts_dir: Path | None = None
    work_dir: Path | None = None
    """The private temporary folder (0700) the app writes into; None: made when the app starts."""
    host: str = "127.0.0.1"
    batch_jobs: int = 0
    """Worker processes of a class batch (0: every core), as ``handouts batch --jobs``."""
    draw_workers: int = 0
    """Worker processes drawing handouts and cards for the pages; 0 draws in this process, one at a time."""
    extra_hosts: tuple[str, ...] = field(default_factory=tuple)

    @property
    def allowed_hosts(self) -> set[str]:
        hosts = {*LOOPBACK_HOSTS, *self.extra_hosts}
        if self.host not in ("0.0.0.0", "::"):
            hosts.add(self.host)
            if ":" in self.host and not self.host.startswith("["):
                hosts.add(f"[{self.host}]")
        return hosts
