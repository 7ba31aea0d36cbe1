"""``handouts init``: a starter clinic folder that builds as it is.

The files are shipped inside the package (``data/starter``) so an installed
handouts can set up a folder anywhere. Nothing that exists is overwritten: a
folder that already holds any of the files is refused whole, naming them.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import HandoutsError, Problem, display_path
from .pipeline.write import folder_problem, write_all


def _files(node: Traversable, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Traversable]]:
    out = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            out += _files(child, prefix + (child.name,))
        elif not child.name.startswith("."):
            out.append((prefix + (child.name,), child))
    return out


def write_starter(folder: Path) -> list[Path]:
    """Write the starter files under ``folder``; every file or none."""
    if folder.exists() and not folder.is_dir():
        raise HandoutsError(Problem(display_path(folder), None, "", "is a file, not a folder"))
    files = _files(resources.files("handouts") / "data" / "starter")
    targets = [(folder.joinpath(*parts), source) for parts, source in files]
    existing = [target for target, _ in targets if target.exists()]
    if existing:
        raise HandoutsError([Problem(display_path(t), None, "", "already exists; init never overwrites a file, "
                                     "so run it in a new folder") for t in existing])
    where = folder_problem(folder)
    if where:
        raise HandoutsError(Problem(display_path(folder), None, "", where))
    write_all([(target, source.read_bytes()) for target, source in targets])
    return [target for target, _ in targets]
