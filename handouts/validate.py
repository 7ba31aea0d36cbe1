"""``handouts validate``: everything a build would refuse, reported once, before anyone builds.

Content files load and validate as they do for a build, then go through the
same preflight (glyphs, safety rules); layouts are merged and validated with
their ``extends:`` chains, the clinic's own and the shipped ones; batch
manifests are planned row by row. A problem found twice (a routine that is
both in the folder and in a manifest) is printed once.
"""

from __future__ import annotations

from pathlib import Path

from .content import kind_of, load_content, yaml_files
from .errors import HandoutsError, Problem


def validate_paths(targets: list[Path], own_layouts: Path | None, shipped: bool) -> str:
    """The summary line of a clean validation; a HandoutsError with every problem otherwise."""
    from .layouts import LayoutLibrary, load_layouts_from
    from .pipeline.preflight import preflight

    files = yaml_files(targets)
    content_files = [f for f in files if kind_of(f) != "layout"]
    layout_files = [f for f in files if kind_of(f) == "layout"]
    problems: list[Problem] = []
    routines = 0
    if content_files or not layout_files:
        try:
            content = load_content(content_files if content_files else targets)
            routines = len(content.routines)
            problems += preflight(content.routines, content.clinic, content.clinic_path)
        except HandoutsError as exc:
            problems += exc.problems
    if layout_files:
        try:
            load_layouts_from(layout_files)
        except HandoutsError as exc:
            problems += exc.problems
    shipped_count = 0
    if shipped:
        library = LayoutLibrary(own_layouts)
        for name in library.names():
            if library.origin(name) == "shipped":
                shipped_count += 1
                try:
                    library.get(name)
                except HandoutsError as exc:
                    problems += exc.problems
    batch_files = [f for f in content_files if kind_of(f) == "batch"]
    if batch_files:
        from .batch import check_manifest

        for f in batch_files:
            problems += check_manifest(f, own_layouts)
    if problems:
        raise HandoutsError(list(dict.fromkeys(problems)))
    parts = [f"{routines} routine(s)", f"{len(layout_files)} layout file(s)"]
    if batch_files:
        parts.append(f"{len(batch_files)} batch manifest(s)")
    if shipped:
        parts.append(f"{shipped_count} shipped layout(s)")
    return f"ok: {', '.join(parts)} valid."
