"""What a batch remembers between runs: which output was built from what.

The state file beside the outputs records, for each output, the digest of
everything it was made from and the file's size and time. A rerun plans every
item as usual (loading and checking every input), and skips an item whose
digest is unchanged and whose file is still the one written. The state file
is read as untrusted data: anything odd in it only means rebuilding.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..errors import HandoutsError, Problem, display_path
from ..pipeline.write import write_atomic

STATE_NAME = ".handouts-batch"
STATE_FORMAT = 1

MAX_STATE_BYTES = 32_000_000
"""The largest state file read: an entry takes about 150 bytes, so this is 200,000 outputs,
twenty for each of 10,000 roster rows (the most a roster holds). A larger file was not
written by handouts, and is ignored: everything is rebuilt."""

_DIGEST = re.compile(r"[0-9a-f]{64}")
_INT_MAX = 2**63


@dataclass(frozen=True)
class Shard:
    """Roster rows whose 0-based index modulo ``count`` equals ``index``."""

    index: int = 0
    count: int = 1

    @property
    def whole(self) -> bool:
        return self.count == 1

    def owns(self, row_index: int) -> bool:
        return row_index % self.count == self.index

    @property
    def suffix(self) -> str:
        return "" if self.whole else f".shard-{self.index}-of-{self.count}"


def parse_shard(text: str | None) -> Shard:
    """``'2/4'`` -> Shard(2, 4); indices count from 0, like a Kubernetes completion index."""
    if text is None or not text.strip():
        return Shard()
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or int(m.group(2)) < 1 or int(m.group(1)) >= int(m.group(2)):
        raise HandoutsError(Problem("--shard", None, "", f"'{text}' should be I/N with 0 <= I < N, e.g. 0/4 for the first of four"))
    return Shard(int(m.group(1)), int(m.group(2)))


def sha(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version plus the package's own source and the libraries that shape the PDF,
    so upgrading handouts (or editing it) rebuilds everything."""
    from importlib import metadata

    package = Path(__file__).resolve().parent.parent
    sources = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yaml") and p.is_file())
    versions = {}
    for dist in ("reportlab", "pypdf", "svglib", "fontpkg-atkinson-hyperlegible", "fontpkg-inter", "fontpkg-noto-sans"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return sha(__version__, versions, *[(str(p.relative_to(package)), p.read_bytes()) for p in sources])


@dataclass
class Summary:
    total: int = 0
    built: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    jobs: int = 1
    interrupted: bool = False
    problems: list[Problem] = field(default_factory=list)
    failed_items: list[str] = field(default_factory=list)
    combined: Path | None = None
    combined_docs: int = 0
    combined_missing: int = 0
    combined_fresh: bool = False
    peak_rss_kb: int = 0
    removed_parts: int = 0

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.failed else 0


class State:
    """What was built from what: output name -> digest, size and modification time.

    An entry counts only while the file on disk still has the recorded size and
    time, so a deleted, replaced or half-copied output is rebuilt. Each shard
    keeps its own state file (shards may share one output folder); every state
    file in the folder is consulted when deciding what is up to date."""

    def __init__(self, out_dir: Path, shard: Shard):
        self.out_dir = out_dir
        self.path = out_dir / f"{STATE_NAME}{shard.suffix}.json"
        self.known: dict[str, list[dict]] = {}
        self.own: dict[str, dict] = {}
        self.dirty = False
        self.flushed_at = 0.0
        if self.path.is_dir():  # found now, not after the first outputs are drawn
            raise HandoutsError(Problem(display_path(self.path), None, "", "is a folder; remove it, the batch "
                                        "keeps its record of what it built in a file of that name"))
        if out_dir.is_dir():
            for f in sorted(out_dir.glob(f"{STATE_NAME}*.json")):
                entries = self._read(f)
                for name, entry in entries.items():
                    self.known.setdefault(name, []).append(entry)
                if f == self.path:
                    self.own = dict(entries)

    @staticmethod
    def _read(path: Path) -> dict[str, dict]:
        """The well-formed entries of a state file; anything unreadable or odd is left out,
        which only means rebuilding. Nothing in it is used but to compare an output's
        digest, size and time, and only for names the batch plans itself."""
        from ..yamlio import read_limited

        try:
            data = json.loads(read_limited(path, MAX_STATE_BYTES, "a batch state file").decode("utf-8"))
        except (HandoutsError, ValueError, RecursionError, MemoryError):
            return {}
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT or not isinstance(data.get("items"), dict):
            return {}
        entries = {}
        for name, entry in data["items"].items():
            if _output_name(name) and isinstance(entry, dict):
                digest, size, mtime_ns = entry.get("digest"), entry.get("size"), entry.get("mtime_ns")
                if (isinstance(digest, str) and _DIGEST.fullmatch(digest)
                        and _count(size) and _count(mtime_ns)):
                    entries[name] = {"digest": digest, "size": size, "mtime_ns": mtime_ns}
        return entries

    def fresh(self, name: str, digest: str) -> bool:
        try:
            st = (self.out_dir / name).stat()
        except OSError:
            return False
        return any(e.get("digest") == digest and e.get("size") == st.st_size and e.get("mtime_ns") == st.st_mtime_ns
                   for e in self.known.get(name, []))

    def record(self, name: str, digest: str, size: int, mtime_ns: int) -> None:
        entry = {"digest": digest, "size": size, "mtime_ns": mtime_ns}
        self.own[name] = entry
        self.known[name] = [entry]
        self.dirty = True

    def flush(self, every: float = 0.0) -> None:
        if not self.dirty or time.monotonic() - self.flushed_at < every:
            return
        data = {"format": STATE_FORMAT, "tool": __version__, "items": dict(sorted(self.own.items()))}
        write_atomic(self.path, json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8"))
        self.dirty = False
        self.flushed_at = time.monotonic()


def _output_name(name: object) -> bool:
    """A name the batch could have planned: a plain, visible file name, never a path."""
    return (isinstance(name, str) and 0 < len(name) <= 255 and not name.startswith(".")
            and not any(c in name for c in "/\\\0"))


def _count(value: object) -> bool:
    return type(value) is int and 0 <= value < _INT_MAX


def file_digest(path: Path) -> str:
    """The bytes of an input file (an image a routine names), or 'missing'.

    Read in pieces, so a large picture never sits in memory whole; anything but a
    regular file (a pipe or a device, which could be read forever) counts as missing."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return "missing"
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return "missing"
            h = hashlib.sha256()
            while chunk := os.read(fd, 1 << 20):
                h.update(chunk)
            return h.hexdigest()
        finally:
            os.close(fd)
    except OSError:
        return "missing"
