"""YAML reading that remembers where every value came from.

ruamel.yaml is used because it keeps line numbers for every key and list item;
we flatten its round-trip nodes into plain dicts and lists plus a table from
"location path" to line, so validation errors can point at a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import HandoutsError, Problem, display_path

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


def _plain(node: Any, loc: Loc, lines: dict[Loc, int]) -> Any:
    if isinstance(node, CommentedMap):
        lines.setdefault(loc, node.lc.line + 1)
        out = {}
        for key, value in node.items():
            key_loc = loc + (str(key),)
            try:
                lines[key_loc] = node.lc.key(key)[0] + 1
            except (KeyError, TypeError):
                pass
            out[str(key)] = _plain(value, key_loc, lines)
        return out
    if isinstance(node, CommentedSeq):
        lines.setdefault(loc, node.lc.line + 1)
        out_list = []
        for i, value in enumerate(node):
            item_loc = loc + (i,)
            try:
                lines[item_loc] = node.lc.item(i)[0] + 1
            except (KeyError, TypeError, IndexError):
                pass
            out_list.append(_plain(value, item_loc, lines))
        return out_list
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def load_yaml(path: Path) -> Located:
    """Read one YAML file; malformed YAML is a :class:`HandoutsError` with its line."""
    name = display_path(path)
    if not path.exists():
        raise HandoutsError(Problem(name, None, "", "file does not exist"))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise HandoutsError(
            Problem(name, None, "", f"is not UTF-8 text (byte {exc.start}); save it as UTF-8")
        ) from None
    except OSError as exc:
        raise HandoutsError(Problem(name, None, "", f"cannot be read: {exc.strerror}")) from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = (exc.problem or exc.context or "malformed YAML").strip()
        raise HandoutsError(Problem(name, line, "", f"malformed YAML: {what}")) from None
    except YAMLError as exc:
        raise HandoutsError(Problem(name, None, "", f"malformed YAML: {exc}")) from None
    lines: dict[Loc, int] = {}
    data = _plain(raw, (), lines)
    return Located(path=path, data=data, lines=lines)
