"""Documents made for a browser, kept in memory under random names until they are fetched or pushed out.

Nothing a request names is ever a file: a result is found by a random token
the app made, and only a bounded number of results is kept.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


@dataclass(frozen=True)
class Result:
    """One made document: its bytes, the name it downloads as, and pictures of its first pages."""

    data: bytes
    filename: str
    media_type: str
    pages: int = 0
    pictures: tuple[bytes, ...] = field(default=(), repr=False)
    title: str = ""
    kind: str = "handout"  # the page that made it: handout or card


    @property
    def size(self) -> int:
        return len(self.data) + sum(len(p) for p in self.pictures)


class Results:
    """The newest ``limit`` results, and no more than ``max_bytes`` of them (the newest is always kept)."""

    def __init__(self, limit: int, max_bytes: int):
        self.limit = limit
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, Result] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, result: Result) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._items[token] = result
            total = sum(r.size for r in self._items.values())
            while len(self._items) > 1 and (len(self._items) > self.limit or total > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                total -= dropped.size
        return token

    def get(self, token: str) -> Result | None:
        if not TOKEN.match(token):
            return None
        with self._lock:
            found = self._items.get(token)
            if found is not None:
                self._items.move_to_end(token)
            return found

    def __len__(self) -> int:
        return len(self._items)
