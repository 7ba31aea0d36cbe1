"""``build --watch``: rebuild what an edit changes, show its problems, keep watching.

An author edits a routine or a layout and sees the result, or the message that
says what is wrong, without running a command each time. What is rebuilt:

- a routine file: that routine;
- a layout file: every requested layout whose ``extends:`` chain holds it;
- the clinic profile, a picture, or anything else in the folders: everything.

A broken file is reported and watching goes on; the next save that fixes it
builds. Each rebuild is a normal build: checked first, then written atomically.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import HandoutsError, Problem, display_path
from .layouts import LayoutLibrary
from .models import Personalisation

DEBOUNCE_MS = 300
"""Editors save in bursts (a temporary file, a rename, a touch): wait this long for quiet."""
STARTED_MS = 200


@dataclass
class Request:
    """What one build asks for; ``routines`` and ``layouts`` empty mean all."""

    routines: list[str]
    layouts: list[str]
    out: Path
    content_dir: Path
    own_layouts: Path | None = None
    personal: Personalisation = field(default_factory=Personalisation)
    formats: tuple[str, ...] = ("pdf",)


def build(request: Request, routines: list[str] | None = None, layouts: list[str] | None = None,
          echo: Callable[[str], None] = print) -> bool:
    """One build of ``routines`` × ``layouts`` (None: as requested); problems printed, not raised.
    True when everything built."""
    from .pipeline.run import handout_request, run_jobs

    try:
        jobs, content = handout_request(request.routines if routines is None else routines,
                                        request.layouts if layouts is None else layouts, request.out,
                                        request.personal, request.content_dir, LayoutLibrary(request.own_layouts),
                                        request.formats)
        for path in run_jobs(jobs, content):
            echo(str(path))
    except HandoutsError as exc:
        for problem in exc.problems:
            echo(str(problem))
        return False
    return True


def _is_routine(path: Path, content_dir: Path) -> bool:
    return (path.suffix in (".yaml", ".yml") and path.name != "clinic.yaml" and not path.name.endswith(".batch.yaml")
            and path.resolve().parent == content_dir.resolve())


def _layout_uses(library: LayoutLibrary, name: str, changed: set[Path]) -> bool:
    path = library.path_of(name)
    if path is None:
        return True
    try:
        return any(doc.path.resolve() in changed for doc in library._chain(path))
    except HandoutsError:
        return True  # a broken chain: build it, so its problem is shown


def plan_rebuild(request: Request, changed: Iterable[Path]) -> list[tuple[list[str], list[str]]]:
    """The builds a set of changed files needs, as (routines, layouts) pairs; [] when none."""
    changed = {Path(p).resolve() for p in changed}
    own = request.own_layouts.resolve() if request.own_layouts is not None else None
    layout_files = {p for p in changed if own is not None and p.parent == own and p.suffix in (".yaml", ".yml")}
    routine_files = {p for p in changed if _is_routine(p, request.content_dir)} - layout_files
    others = changed - layout_files - routine_files
    if others:
        return [(request.routines, request.layouts)]
    builds: list[tuple[list[str], list[str]]] = []
    if layout_files:
        library = LayoutLibrary(request.own_layouts)
        try:
            names = request.layouts or library.buildable("handout")
        except HandoutsError:
            names = request.layouts
        hit = [n for n in names if _layout_uses(library, n, layout_files)]
        if hit or not names:
            builds.append((request.routines, hit))
    for path in sorted(routine_files):
        if not path.exists():
            continue
        if request.routines and not _requested(path, request.routines):
            continue
        builds.append(([str(path)], request.layouts))
    return builds


def _requested(path: Path, wanted: list[str]) -> bool:
    """Whether the routine in ``path`` is one the command named (by id or by path)."""
    from .content import load_routine

    for item in wanted:
        if Path(item).suffix in (".yaml", ".yml") and Path(item).resolve() == path:
            return True
    try:
        return load_routine(path).id in wanted
    except HandoutsError:
        return path.stem in wanted  # broken: named by its file, show its problems


def watch(request: Request, stop: threading.Event | None = None, echo: Callable[[str], None] = print,
          ready: threading.Event | None = None) -> None:
    """Build everything asked for, then rebuild on every change until ``stop`` is set or Ctrl-C."""
    import watchfiles

    folders = [request.content_dir] + ([request.own_layouts] if request.own_layouts is not None else [])
    if not request.content_dir.is_dir():
        raise HandoutsError(Problem("--content", None, "", f"folder {request.content_dir} does not exist"))
    build(request, echo=echo)
    out = request.out.resolve()
    started = False
    # An empty set comes every STARTED_MS until something changes: the first says the watcher is
    # running, so an edit made after "watching" is printed is never missed.
    for changes in watchfiles.watch(*folders, stop_event=stop, debounce=DEBOUNCE_MS, step=50,
                                    rust_timeout=STARTED_MS, yield_on_timeout=True):
        if not started:
            started = True
            echo(f"watching {', '.join(display_path(f) for f in folders)} for changes; Ctrl-C stops")
            if ready is not None:
                ready.set()
        paths = [Path(p) for _, p in changes]
        paths = [p for p in paths if not p.resolve().is_relative_to(out) and not p.name.startswith(".")]
        for routines, layouts in plan_rebuild(request, paths):
            echo(f"changed: {', '.join(sorted(display_path(p) for p in paths))}")
            build(request, routines, layouts, echo=echo)
