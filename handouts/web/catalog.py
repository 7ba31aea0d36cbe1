"""What the content and layouts folders hold right now, read again only when a file changes.

The front desk edits routines while the app runs; each page asks for a
snapshot, which is rebuilt when any YAML file's size or modification time
changed. A broken routine or layout file does not stop the others: it is left
out of the pickers, and its problems are listed on the Content page.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..content import RoutineDoc, kind_of, load_routine, yaml_files
from ..errors import HandoutsError, Problem, unexpected
from ..layouts import LayoutLibrary


@dataclass(frozen=True)
class RoutineInfo:
    """One routine as the picker shows it."""

    id: str
    title: str
    audience: str
    language: str
    languages: tuple[str, ...]
    steps: int
    also: tuple[str, ...] = ()
    """The languages it can be printed beside (``--also``): the other languages of its original's family."""


@dataclass
class Snapshot:
    fingerprint: tuple
    routines: list[RoutineInfo] = field(default_factory=list)
    docs: dict[str, RoutineDoc] = field(default_factory=dict)
    layouts: dict[str, list[str]] = field(default_factory=dict)  # kind -> names: handout, sheet, card, bilingual
    problems: list[Problem] = field(default_factory=list)

    def routine_ids(self) -> list[str]:
        return [r.id for r in self.routines]


def fingerprint(folders: list[Path]) -> tuple:
    """(path, size, modification time) of every YAML file in ``folders``; a changed file changes it."""
    out = []
    for folder in folders:
        try:
            files = yaml_files([folder])
        except HandoutsError as exc:
            out.append((str(folder), tuple(str(p) for p in exc.problems)))
            continue
        for f in files:
            try:
                st = f.stat()
                out.append((str(f), st.st_size, st.st_mtime_ns))
            except OSError:
                out.append((str(f), None, None))
    return tuple(out)


class Catalog:
    """The snapshot of one content folder and layouts folder, shared by every request."""

    def __init__(self, content_dir: Path, layouts_dir: Path | None):
        self.content_dir = content_dir
        self.layouts_dir = layouts_dir
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def library(self) -> LayoutLibrary:
        return LayoutLibrary(self.layouts_dir)

    def snapshot(self) -> Snapshot:
        folders = [self.content_dir, *([self.layouts_dir] if self.layouts_dir else [])]
        key = fingerprint(folders)
        with self._lock:
            if self._snapshot is None or self._snapshot.fingerprint != key:
                self._snapshot = self._load(key)
            return self._snapshot

    def _load(self, key: tuple) -> Snapshot:
        from ..translations import base_language, languages_by_id, original_id

        snap = Snapshot(key)
        try:
            files = [f for f in yaml_files([self.content_dir]) if kind_of(f) == "routine"]
        except HandoutsError as exc:
            snap.problems += exc.problems
            files = []
        docs: list[RoutineDoc] = []
        for f in files:
            try:
                doc = load_routine(f)
            except HandoutsError as exc:
                snap.problems += exc.problems
                continue
            except Exception as exc:  # noqa: BLE001 - one odd file fails only itself
                snap.problems.append(unexpected(f, exc))
                continue
            if doc.id in snap.docs:
                continue  # the Content page names the clash (validate reports it)
            snap.docs[doc.id] = doc
            docs.append(doc)
        languages = languages_by_id(docs)
        ids = set(snap.docs)
        for doc in sorted(docs, key=lambda d: d.id):
            r = doc.routine
            family = languages.get(original_id(doc, ids) or doc.id, [])
            also = tuple(sorted(lang for lang in family if lang != base_language(r)))
            snap.routines.append(RoutineInfo(doc.id, r.title, r.audience.value, r.language,
                                             tuple(languages.get(doc.id, [r.language])), len(r.all_steps), also))
        library = self.library()
        snap.layouts = {"handout": [], "sheet": [], "card": []}
        try:
            names = library.names()
        except HandoutsError as exc:
            snap.problems += exc.problems
            names = []
        for name in names:
            try:
                layout = library.get(name)
            except HandoutsError as exc:
                snap.problems += exc.problems
                continue
            if layout.abstract:
                continue
            kind = "sheet" if layout.kind == "handout" and layout.sheet is not None else layout.kind
            snap.layouts.setdefault(kind, []).append(name)
        try:  # layouts that print a routine beside its translation: offered only with a second language
            bilingual = set(library.buildable("bilingual"))
        except HandoutsError:
            bilingual = set()
        snap.layouts["bilingual"] = [n for kind in ("handout", "sheet") for n in snap.layouts[kind] if n in bilingual]
        for kind in ("handout", "sheet"):
            snap.layouts[kind] = [n for n in snap.layouts[kind] if n not in bilingual]
        return snap
