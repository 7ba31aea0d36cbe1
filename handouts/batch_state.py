"""What a batch remembers between runs, and the shortcut it allows.

The state file beside the outputs records what each output was built from.
After a run that built everything it had to, it also records the bytes of
every file the batch read (manifest, roster, routines, clinic, layouts,
images, and the listings of their folders) and the tool's own fingerprint.
When none of those bytes changed and every output is still the file that was
written, the batch's answer is already on disk: a rerun says so without
loading a model, a layout or a font. This module stays free of those imports
for that reason.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import __version__
from .errors import HandoutsError, Problem
from .write import write_atomic

STATE_NAME = ".handouts-batch"
STATE_FORMAT = 1


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

    package = Path(__file__).resolve().parent
    sources = sorted(package.rglob("*.py"))
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
        self.inputs: dict | None = None
        """Written with the state: the inputs of a run that built everything it had to."""
        self.stored_inputs: dict | None = None
        if out_dir.is_dir():
            for f in sorted(out_dir.glob(f"{STATE_NAME}*.json")):
                entries = self._read(f)
                for name, entry in entries.items():
                    self.known.setdefault(name, []).append(entry)
                if f == self.path:
                    self.own = dict(entries)
                    self.stored_inputs = self._read_inputs(f)

    @staticmethod
    def _read(path: Path) -> dict[str, dict]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != STATE_FORMAT or not isinstance(data.get("items"), dict):
                return {}
            return {k: v for k, v in data["items"].items() if isinstance(v, dict)}
        except (OSError, ValueError, AttributeError):
            return {}  # unreadable state only means rebuilding

    @staticmethod
    def _read_inputs(path: Path) -> dict | None:
        try:
            found = json.loads(path.read_text(encoding="utf-8")).get("inputs")
        except (OSError, ValueError, AttributeError):
            return None
        return found if isinstance(found, dict) else None

    def as_written(self, name: str) -> bool:
        """The output is still the very file this shard wrote (same size and time)."""
        entry = self.own.get(name)
        try:
            st = (self.out_dir / name).stat()
        except OSError:
            return False
        return entry is not None and entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns

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

    def set_inputs(self, inputs: dict | None) -> None:
        if inputs != self.stored_inputs:
            self.inputs = self.stored_inputs = inputs
            self.dirty = True

    def flush(self, every: float = 0.0) -> None:
        if not self.dirty or time.monotonic() - self.flushed_at < every:
            return
        data = {"format": STATE_FORMAT, "tool": __version__, "items": dict(sorted(self.own.items()))}
        if self.stored_inputs is not None:
            data["inputs"] = self.stored_inputs
        write_atomic(self.path, json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8"))
        self.dirty = False
        self.flushed_at = time.monotonic()


# --------------------------------------------------------------------------- the shortcut


YAML_SUFFIXES = (".yaml", ".yml")


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _listing_digest(folder: Path) -> str:
    """The YAML file names under ``folder``: a new, removed or renamed file changes
    which routine or layout a name finds, even when no file read last time changed."""
    try:
        names = sorted(str(f.relative_to(folder)) for f in folder.rglob("*")
                       if f.suffix.lower() in YAML_SUFFIXES and f.is_file())
    except OSError:
        return "missing"
    return sha(names)


def _options(shard: Shard, combined: bool) -> dict:
    return {"shard": [shard.index, shard.count], "combined": combined}


def inputs_record(files: list[Path], folders: list[Path], shard: Shard, combined: bool, title: str,
                  outputs: list[str], combined_name: str | None, combined_docs: int) -> dict:
    """What a finished run read, for :func:`previous_run_stands` to compare against next time."""
    return {
        "tool": tool_fingerprint(),
        "options": _options(shard, combined),
        "files": {str(p.resolve()): _file_digest(p) for p in sorted(set(files))},
        "folders": {str(f.resolve()): _listing_digest(f) for f in sorted(set(folders))},
        "title": title,
        "outputs": sorted(outputs),
        "combined": {"name": combined_name, "docs": combined_docs} if combined_name else None,
    }


def _manifest_out(manifest: Path) -> Path | None:
    """The output folder the manifest names, read without the models (None: let the full load decide)."""
    try:
        from ruamel.yaml import YAML

        data = YAML(typ="safe").load(manifest.read_bytes())
    except Exception:  # noqa: BLE001 - any doubt means the ordinary path, which explains problems
        return None
    out = data.get("out") if isinstance(data, dict) else None
    return manifest.parent / out if isinstance(out, str) and out.strip() else None


def previous_run_stands(manifest: Path, shard: Shard, combined: bool) -> tuple[Summary, str, Path] | None:
    """When nothing the last complete run read has changed and its outputs are untouched:
    the summary of a run that finds everything up to date, its title and output folder."""
    started = time.perf_counter()
    out_dir = _manifest_out(manifest)
    if out_dir is None or not out_dir.is_dir():
        return None
    state = State(out_dir, shard)
    rec = state.stored_inputs
    if not rec or rec.get("options") != _options(shard, combined) or rec.get("tool") != tool_fingerprint():
        return None
    files, folders, outputs = rec.get("files"), rec.get("folders"), rec.get("outputs")
    if not isinstance(files, dict) or not isinstance(folders, dict) or not isinstance(outputs, list):
        return None
    if str(manifest.resolve()) not in files:
        return None
    if any(_file_digest(Path(p)) != d for p, d in files.items()):
        return None
    if any(_listing_digest(Path(f)) != d for f, d in folders.items()):
        return None
    if any(out_dir.glob(".*.part")) or not all(state.as_written(name) for name in outputs):
        return None
    summary = Summary(total=len(outputs), skipped=len(outputs), jobs=1)
    if combined:
        info = rec.get("combined") or {}
        if not info.get("name") or not state.as_written(info["name"]):
            return None
        summary.combined, summary.combined_docs, summary.combined_fresh = out_dir / info["name"], info.get("docs", 0), True
    summary.seconds = time.perf_counter() - started
    return summary, str(rec.get("title") or manifest.name), out_dir


def quick_rerun(manifest: Path, shard: Shard, combined: bool, reporter=None) -> Summary | None:
    """Report and return the summary of an unchanged rerun, or None when there is work to look at."""
    found = previous_run_stands(manifest, shard, combined)
    if found is None:
        return None
    from .errors import display_path
    from .progress import make_reporter

    summary, title, out_dir = found
    reporter = reporter or make_reporter()
    reporter.begin(title, summary.total, summary.skipped, 0, summary.jobs, display_path(out_dir))
    reporter.end(summary)
    return summary
