"""The one user-facing error family.

Everything a user can get wrong (a file, a field, a roster row, a glyph no font
has) ends up as a :class:`Problem`; the CLI turns a :class:`HandoutsError` into
``file:line: field: message`` lines and exit code 1, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
"""Characters a terminal acts on instead of showing: C0 and C1 controls and DEL (an ESC
starts a sequence that can clear the screen or retitle the window), line and paragraph
separators, the bidi controls that reorder what follows them, and lone surrogates (bytes
that were not UTF-8), which an output stream may refuse to encode."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def inert(text: str) -> str:
    """``text`` with every character in :data:`_UNSAFE` written as an escape (``\\x1b``, ``\\u202e``).

    Messages quote what users and their files wrote; escaped, a quoted value is
    always one line that prints as written and cannot restyle the terminal."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(found: re.Match) -> str:
    ch = found.group()
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, located as precisely as we know."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        file, field, message = inert(str(self.file)), inert(str(self.field)), inert(str(self.message))
        where = file if self.line is None else f"{file}:{inert(str(self.line))}"
        if field:
            return f"{where}: {field}: {message}"
        return f"{where}: {message}"


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
    try:
        # The folder is resolved, not the name: a link is named as the user sees it, not by its target.
        resolved = p.resolve() if p.name in ("", ".", "..") else p.parent.resolve() / p.name
    except (OSError, RuntimeError):  # a symbolic link loop, a name too long to look up: say it as given
        return str(p)
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
