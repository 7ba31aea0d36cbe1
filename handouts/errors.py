"""The one user-facing error family.

Everything a user can get wrong (a file, a field, a roster row, a glyph no font
has) ends up as a :class:`Problem`; the CLI turns a :class:`HandoutsError` into
``file:line: field: message`` lines and exit code 1, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, located as precisely as we know."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class HandoutsError(Exception):
    """Raised with every problem found, so a user fixes a file in one pass."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("handouts", None, "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


SHIPPED = Path(__file__).resolve().parent / "data"
"""Files that come with handouts (layouts, sheet presets, the starter folder)."""


def display_path(path: Path | str) -> str:
    """Paths relative to the working folder read better in messages; a file shipped
    inside the package is named ``handouts:layouts/card-base.yaml`` wherever it is installed."""
    p = Path(path)
    resolved = p.resolve()
    if resolved.is_relative_to(SHIPPED):
        return "handouts:" + resolved.relative_to(SHIPPED).as_posix()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def unexpected(path: Path | str, exc: BaseException) -> Problem:
    """A failure no check foresaw, still reported against its file instead of as a traceback."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    what = type(exc).__name__ + (f": {detail}" if detail else "")
    return Problem(display_path(path), None, "", f"could not be checked ({what}); please report this")
