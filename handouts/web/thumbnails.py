"""Pictures of routines' first pages for the picker, kept per routine, layout and content state.

A routine's file changing changes the catalog's fingerprint, so its old
picture is never shown again; the cache holds a bounded number of pictures.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from . import drawing
from . import settings

_cache: OrderedDict[tuple, bytes] = OrderedDict()
_lock = threading.Lock()


def thumbnail_for(state, snap, routine: str, layout: str, dpi: int) -> bytes:
    key = (str(state.catalog.content_dir), routine, layout, dpi, hash(snap.fingerprint))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    png = state.drawer.run(drawing.thumbnail, state.where, routine, layout, dpi)
    with _lock:
        _cache[key] = png
        while len(_cache) > settings.MAX_THUMBNAILS:
            _cache.popitem(last=False)
    return png
