"""Data read from a file, with the line each value came from.

Kept apart from the YAML reader so that code which only handles located data
(validation, checks, cached content) never loads the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem, display_path

Loc = tuple[str | int, ...]


@dataclass
class Located:
    """Plain data from one YAML file, with the line of each location."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return display_path(self.path)

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc`` or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]

    def problem(self, loc: Loc, message: str) -> Problem:
        return Problem(self.name, self.line_of(loc), format_loc(loc), message)


def format_loc(loc: Loc) -> str:
    """``('steps', 2, 'title')`` -> ``steps[2].title`` (1-based list items read better
    for people, but YAML editors count from the line, so we keep 0-based indices
    out of sight and show 1-based numbers)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out
