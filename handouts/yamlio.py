"""YAML reading that remembers where every value came from.

ruamel.yaml is used because it keeps line numbers for every key and list item;
we flatten its round-trip nodes into plain dicts and lists plus a table from
"location path" to line, so validation errors can point at a line.

The round-trip loader is pure Python and slow (tens of milliseconds a file,
most of a cold ``build``). So a file is first read with ruamel's C parser
(libyaml), whose nodes carry their start lines too; that fast reading accepts
only the plain shapes hand-written content uses (string keys, strings, plain
numbers, booleans, nulls) and hands anything else (an error, a tag, an alias,
a date, an odd number) to the round-trip loader, so the data, the lines and
every message stay exactly what that loader makes of the file. Text that could
nest deeper than the C parser's stack allows goes to the round-trip loader
too, which reports it instead of dying with the process.

Only a regular file of at most ``MAX_YAML_BYTES`` is read: a pipe or a device
could be read forever.
"""

from __future__ import annotations

import datetime
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.reader import Reader, ReaderError

from .errors import HandoutsError, Problem, display_path
from .filekind import file_kind
from .located import Loc, Located


MAX_NODES = 200_000
"""More values than any hand-written file holds: a sign of aliases nested to explode."""

BIG_NUMBER = 10**15
"""No count, time or length in a handout comes near this; larger numbers are typos."""

MAX_YAML_BYTES = 1_000_000
"""The largest YAML file read: the longest routine shipped is under 20 KB, so 1 MB is fifty
times any hand-written file, and the round-trip loader still reads that much in seconds.
A larger file is the wrong file (a log, a dump, a disk image), not a routine."""

C_PARSER_DEPTH = 256
"""The most nesting, counted generously, that is handed to the C parser. Its composer
recurses in C (a few hundred bytes of stack a level) and overflows the stack, killing the
process, somewhere past 20,000 levels on an 8 MB stack and far sooner on a thread's small
one; 256 levels stay under 100 KB. Content files count under 60, so they keep the fast way."""


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of an input file, refused unless it is a regular file of at most ``limit`` bytes.

    A pipe, a device or a socket can be read forever (``/dev/zero``, a FIFO nobody
    writes to), so the kind is checked before the file is opened; it is opened without
    blocking (a file swapped for a FIFO in between cannot stall the open) and checked
    again, and never more than ``limit`` bytes are read, should it grow meanwhile.
    ``what`` names the kind of file in the message about its size."""
    name = display_path(path)
    try:
        kind = _not_regular(os.stat(path).st_mode)
        size, data = 0, b""
        if kind is None:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                         | getattr(os, "O_BINARY", 0))
            try:
                st = os.fstat(fd)
                kind, size = _not_regular(st.st_mode), st.st_size
                if kind is None and size <= limit:
                    data = _read_at_most(fd, limit + 1)
                    size = max(size, len(data))
            finally:
                os.close(fd)
    except OSError as exc:
        raise HandoutsError(Problem(name, None, "", f"cannot be read: {exc.strerror or exc}")) from None
    if kind is not None:
        raise HandoutsError(Problem(name, None, "", f"is {kind}, not a regular file; name a file saved by an editor"))
    if size > limit:
        shown, most = _size_text(size), _size_text(limit)
        size_of = "" if shown == most else f"{shown}, "
        raise HandoutsError(Problem(name, None, "", f"is {size_of}larger than the {most} {what} may be; "
                                    "is it the right file?"))
    return data


def _not_regular(mode: int) -> str | None:
    return None if stat.S_ISREG(mode) else file_kind(mode)


def _read_at_most(fd: int, count: int) -> bytes:
    chunks = []
    while count > 0:
        chunk = os.read(fd, min(count, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def _size_text(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB".replace(".0 MB", " MB")
    if size >= 1_000:
        return f"{size / 1_000:.1f} KB".replace(".0 KB", " KB")
    return f"{size} bytes"


class _Walk:
    """State of one flattening pass: where each location sits, and what could not be used."""

    def __init__(self) -> None:
        self.lines: dict[Loc, int] = {}
        self.bad: list[tuple[Loc, str]] = []
        self.nodes = 0
        self.open: set[int] = set()


def _plain(node: Any, loc: Loc, walk: _Walk) -> Any:
    walk.nodes += 1
    if walk.nodes > MAX_NODES:
        raise _TooBig()
    if isinstance(node, (CommentedMap, CommentedSeq)):
        if id(node) in walk.open:
            walk.bad.append((loc, "refers to itself through an alias (*name); write the value out"))
            return None
        walk.open.add(id(node))
        try:
            return _plain_collection(node, loc, walk)
        finally:
            walk.open.discard(id(node))
    if isinstance(node, TaggedScalar):
        return None if node.value is None else str(node.value)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        if abs(node) > BIG_NUMBER:
            walk.bad.append((loc, f"the number {_short_number(node)} is far too large"))
            return None
        return int(node)
    if isinstance(node, float):
        if not math.isfinite(node) or abs(node) > BIG_NUMBER:
            walk.bad.append((loc, "is not a usable number; put it in quotes if it is meant as text"))
            return None
        return float(node)
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    return node


def _plain_collection(node: CommentedMap | CommentedSeq, loc: Loc, walk: _Walk) -> Any:
    lines = walk.lines
    if isinstance(node, CommentedMap):
        lines.setdefault(loc, node.lc.line + 1)
        out = {}
        for key, value in node.items():
            key_loc = loc + (_key_text(key),)
            try:
                lines[key_loc] = node.lc.key(key)[0] + 1
            except (KeyError, TypeError):
                pass
            out[_key_text(key)] = _plain(value, key_loc, walk)
        return out
    lines.setdefault(loc, node.lc.line + 1)
    out_list = []
    for i, value in enumerate(node):
        item_loc = loc + (i,)
        try:
            lines[item_loc] = node.lc.item(i)[0] + 1
        except (KeyError, TypeError, IndexError):
            pass
        out_list.append(_plain(value, item_loc, walk))
    return out_list


def _key_text(key: Any) -> str:
    """Keys as the author wrote them: ``true`` not ``True``, ``[a, b]`` not a tuple."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, TaggedScalar):
        return str(key.value)
    if isinstance(key, tuple):
        return "[" + ", ".join(_key_text(k) for k in key) + "]"
    return str(key)


def _short_number(n: int) -> str:
    digits = str(abs(n))
    return digits if len(digits) <= 20 else f"{digits[:6]}… ({len(digits)} digits)"


class _TooBig(Exception):
    pass


# Common YAML slips, reworded for people who do not read parser traces:
# (pattern in ruamel's problem text, pattern in its context text or None,
#  use the context line (where the trouble began) rather than the problem line, message).
_YAML_HINTS: list[tuple[str, str | None, bool, str]] = [
    (r"found duplicate key \"(?P<key>.*?)\"", None, False,
     "the key '{key}' appears twice in the same block; keep only one"),
    (r"found character '\\t'", None, False,
     "a tab character is not allowed here; indent with spaces"),
    (r"found character '(?P<c>.)' that cannot start any token", None, False,
     "a value cannot start with '{c}'; put the whole value in quotes"),
    (r"mapping values are not allowed here", None, False,
     "unexpected ':'; put text that contains ': ' in quotes, or check the indentation"),
    (r"end of stream", r"quoted scalar", True,
     "a quote opened on this line is never closed"),
    (r"found unknown escape character '(?P<c>.)'", None, False,
     "'\\{c}' is not allowed inside double quotes; use single quotes instead"),
    (r".", r"flow sequence", True,
     "a list opened with '[' on this line is not closed with ']' (or its items are not separated by commas)"),
    (r".", r"flow mapping", True,
     "a block opened with '{{' on this line is not closed with '}}' (or its items are not separated by commas)"),
    (r"could not find expected ':'", r"simple key", True,
     "this line is not a 'key: value' line; add the key and ':', or indent it under the line above"),
    (r"expected <block end>, but found '-'", None, False,
     "a '- ' list item where a 'key: value' line was expected; check the indentation"),
    (r"expected <block end>", None, False,
     "the indentation of this line does not match the lines above"),
    (r"found undefined alias '(?P<name>.*?)'", None, False,
     "'*{name}' refers to nothing; put text that starts with '*' in quotes"),
    (r"found another document", None, False,
     "holds a second document (another '---' line); keep one per file"),
]


def _yaml_problem(name: str, exc: MarkedYAMLError) -> Problem:
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    for pattern, context_pattern, at_context, message in _YAML_HINTS:
        found = re.search(pattern, problem)
        if not found or (context_pattern and not re.search(context_pattern, context)):
            continue
        mark = exc.context_mark if at_context and exc.context_mark is not None else exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        return Problem(name, line, "", "malformed YAML: " + message.format(**found.groupdict()))
    mark = exc.problem_mark if exc.problem_mark is not None else exc.context_mark
    line = mark.line + 1 if mark is not None else None
    what = problem or context or "not readable"
    return Problem(name, line, "", f"malformed YAML: {what}")


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, max(offset, 0)) + 1


_TAG = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)


class _Unsure(Exception):
    """The fast reading met something only the round-trip loader reads exactly."""


def _fast_scalar(node: ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == _TAG + "str":
        return value
    if tag == _TAG + "int" and _INT.fullmatch(value):
        number = int(value)
        if abs(number) <= BIG_NUMBER:
            return number
    elif tag == _TAG + "float" and _FLOAT.fullmatch(value):
        number = float(value)
        if abs(number) <= BIG_NUMBER:
            return number
    elif tag == _TAG + "bool" and value in _BOOLS:
        return _BOOLS[value]
    elif tag == _TAG + "null" and value in _NULLS:
        return None
    raise _Unsure()


FAST_DEPTH = 40
"""Deeper nesting than any content file has; the round-trip loader decides whether it reads."""


def _fast_plain(node: Any, loc: Loc, walk: _Walk) -> Any:
    walk.nodes += 1
    if walk.nodes > MAX_NODES or len(loc) > FAST_DEPTH or id(node) in walk.open:
        raise _Unsure()  # an alias, or more than a person writes
    walk.open.add(id(node))  # kept for the whole pass: any node met twice came through an alias
    if isinstance(node, ScalarNode):
        return _fast_scalar(node)
    lines = walk.lines
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, MappingNode) and node.tag == _TAG + "map":
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _TAG + "str" or key_node.value in out:
                raise _Unsure()  # a merge, a key that is not text, or a key given twice
            key = key_node.value
            key_loc = loc + (key,)
            lines[key_loc] = key_node.start_mark.line + 1
            out[key] = _fast_plain(value_node, key_loc, walk)
        return out
    if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
        out_list = []
        for i, item in enumerate(node.value):
            item_loc = loc + (i,)
            lines[item_loc] = item.start_mark.line + 1
            out_list.append(_fast_plain(item, item_loc, walk))
        return out_list
    raise _Unsure()


_LEADING = re.compile(r"(?:\A|[\n\r\x85\u2028\u2029])[ \t?:\ufeff-]*")
"""The start of every line (after any of the line breaks YAML knows) up to its first plain
character: indentation, indicators, and the byte-order mark a stream may start a document with."""


def nesting_bound(text: str) -> int:
    """More than the deepest nesting ``text`` can hold, found without parsing it.

    Every flow collection opens with '[' or '{', so their count bounds flow nesting,
    whatever quotes or comments hide them; a block collection sits deeper than its
    parent by at least one column of indentation or indicator ('- ', '? ', ': ') -
    a list under a key may share the key's column, so each column is allowed two levels."""
    leading = max(map(len, _LEADING.findall(text)), default=0)
    return text.count("[") + text.count("{") + 2 * leading + 2


def _fast_read(path: Path, text: str) -> Located | None:
    """Plain data and lines from the C parser, or None where only the round-trip loader is exact
    (or where nesting could be deep enough to overflow the C parser's stack)."""
    if _DIRECTIVE.search(text) or Reader.NON_PRINTABLE.search(text):
        return None
    if nesting_bound(text) > C_PARSER_DEPTH:
        return None
    try:
        from ruamel.yaml.cyaml import CSafeLoader
    except ImportError:  # no compiled parser on this platform: every file takes the careful way
        return None
    loader = CSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        walk = _Walk()
        data = _fast_plain(node, (), walk)
    except Exception:  # noqa: BLE001 - anything the C parser or the walk trips on is read the careful way
        return None
    finally:
        loader.dispose()
    return Located(path=path, data=data, lines=walk.lines)


def load_yaml(path: Path) -> Located:
    """Read one YAML file; anything unreadable is a :class:`HandoutsError` with its line."""
    name = display_path(path)
    if not path.exists():
        raise HandoutsError(Problem(name, None, "", "file does not exist"))
    if path.is_dir():
        raise HandoutsError(Problem(name, None, "", "is a folder, not a file"))
    raw_bytes = read_limited(path, MAX_YAML_BYTES, "a hand-written YAML file")
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes.count(b"\n", 0, exc.start) + 1
        raise HandoutsError(
            Problem(name, line, "", "is not UTF-8 text (or not text at all); save it as UTF-8 in your editor")
        ) from None
    return _fast_read(path, text) or _careful_read(path, text)


def _careful_read(path: Path, text: str) -> Located:
    """The round-trip loader: exact for every file, and the one that words every problem."""
    from ruamel.yaml import YAML

    name = display_path(path)
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        raise HandoutsError(_yaml_problem(name, exc)) from None
    except ReaderError as exc:
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise HandoutsError(
            Problem(name, _line_at(text, exc.position), "",
                    f"contains a control character ({char}) that is not allowed in text; delete it")
        ) from None
    except YAMLError as exc:
        raise HandoutsError(Problem(name, None, "", f"malformed YAML: {exc}")) from None
    except RecursionError:
        raise HandoutsError(Problem(name, None, "", "malformed YAML: nested too deeply to read")) from None
    except ValueError as exc:
        # e.g. an integer with thousands of digits, which Python refuses to convert
        long_number = re.search(r"\d{1000,}", text)
        line = _line_at(text, long_number.start()) if long_number else None
        what = "a number is far too long" if long_number else f"cannot be read ({exc})"
        raise HandoutsError(Problem(name, line, "", what)) from None
    walk = _Walk()
    try:
        data = _plain(raw, (), walk)
    except (_TooBig, RecursionError):
        raise HandoutsError(
            Problem(name, None, "", "is too large to be a hand-written file (aliases nested too deeply?)")
        ) from None
    if walk.bad:
        located = Located(path=path, data=data, lines=walk.lines)
        raise HandoutsError([located.problem(loc, message) for loc, message in walk.bad])
    return Located(path=path, data=data, lines=walk.lines)
