"""ReportLab's own PDF output, read and written as numbered objects of bytes.

Putting one student's details into a handout drawn once for the whole class
(:mod:`handouts.render.reuse`) joins two documents ReportLab wrote, thousands of
times a batch. A general reader (pypdf) parses every object into Python values
and costs more than drawing the page again; here an object stays the bytes
ReportLab wrote, found through the cross-reference table, and only references
(``12 0 R``) outside stream data are rewritten. It reads nothing but what
ReportLab writes: one classic cross-reference table, no object streams, every
stream's ``/Length`` a number in its dictionary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REF = re.compile(rb"(\d+) 0 R\b")
_LENGTH = re.compile(rb"/Length (\d+)")


class NotOurs(ValueError):
    """The bytes are not a PDF laid out the way ReportLab writes one."""


@dataclass
class Obj:
    """One object: its dictionary (or whole body) and, for a stream, the encoded data."""

    head: bytes
    data: bytes | None = None

    def body(self) -> bytes:
        if self.data is None:
            return self.head
        return self.head + b"\nstream\n" + self.data + b"endstream"

    def refs(self) -> list[int]:
        return [int(n) for n in _REF.findall(self.head)]

    def renumbered(self, numbers: dict[int, int]) -> "Obj":
        head = _REF.sub(lambda m: b"%d 0 R" % numbers[int(m.group(1))], self.head)
        return Obj(head, self.data)


@dataclass
class Document:
    objects: dict[int, Obj]
    root: int
    info: int
    trailer_id: bytes
    """The trailer's ``/ID`` entry as written (invariant documents have a fixed one)."""
    version: bytes

    def pages(self) -> list[int]:
        """Page object numbers in order (ReportLab writes one flat page tree)."""
        pages_ref = value_of(self.objects[self.root].head, b"/Pages")
        kids = value_of(self.objects[int(pages_ref.split()[0])].head, b"/Kids")
        return [int(n) for n in _REF.findall(kids)]


def read(data: bytes) -> Document:
    """The objects of a PDF that ReportLab wrote."""
    try:
        start = int(data[data.rindex(b"startxref") + 9:].split()[0])
        table = data[start:]
        if not table.startswith(b"xref"):
            raise NotOurs("no cross-reference table")
        lines = table.split(b"\n")
        first, count = (int(x) for x in lines[1].split())
        offsets: dict[int, int] = {}
        for i in range(count):
            entry = lines[2 + i].split()
            if entry[2] == b"n":
                offsets[first + i] = int(entry[0])
        trailer = table[table.index(b"trailer"):]
        root = int(value_of(trailer, b"/Root").split()[0])
        info = int(value_of(trailer, b"/Info").split()[0])
        trailer_id = value_of(trailer, b"/ID")
    except (ValueError, IndexError) as exc:
        raise NotOurs(str(exc)) from None
    objects = {}
    for number, at in offsets.items():
        opening = b"%d 0 obj\n" % number
        if not data.startswith(opening, at):
            raise NotOurs(f"object {number} is not where the table says")
        at += len(opening)
        stream_at = data.find(b"\nstream\n", at)
        end_at = data.find(b"\nendobj", at)
        if stream_at != -1 and stream_at < end_at:
            head = data[at:stream_at]
            length = _LENGTH.search(head)
            if length is None:
                raise NotOurs(f"stream {number} has no length")
            begin = stream_at + 8
            objects[number] = Obj(head, data[begin:begin + int(length.group(1))])
        else:
            objects[number] = Obj(data[at:end_at])
    return Document(objects, root, info, trailer_id, data[:data.index(b"\n")])


def value_of(text: bytes, key: bytes) -> bytes:
    """The value of ``key`` in a dictionary's text: a reference, a name, a number, or a
    bracketed array or dictionary (nested brackets followed)."""
    at = re.search(re.escape(key) + rb"(?![A-Za-z0-9])", text)
    if at is None:
        raise KeyError(key.decode())
    i = at.end()
    while text[i:i + 1] in b" \r\n\t":
        i += 1
    if text.startswith(b"<<", i) or text.startswith(b"[", i):
        depth = 0
        j = i
        while j < len(text):
            if text.startswith(b"<<", j) or text[j:j + 1] == b"[":
                depth += 1
                j += 2 if text[j:j + 1] == b"<" else 1
            elif text.startswith(b">>", j) or text[j:j + 1] == b"]":
                depth -= 1
                j += 2 if text[j:j + 1] == b">" else 1
                if depth == 0:
                    return text[i:j]
            elif text[j:j + 1] == b"(":  # a string: brackets inside do not count
                j = _string_end(text, j)
            else:
                j += 1
        raise ValueError(f"unbalanced value of {key.decode()}")
    ref = re.match(rb"\d+ 0 R", text[i:])
    if ref:
        return ref.group(0)
    if text.startswith(b"/", i):
        return b"/" + re.match(rb"[^\s/<>\[\]()]*", text[i + 1:]).group(0)
    return re.match(rb"[^\s/<>\[\]()]+", text[i:]).group(0)


def _string_end(text: bytes, i: int) -> int:
    depth = 0
    while i < len(text):
        c = text[i:i + 1]
        if c == b"\\":
            i += 2
            continue
        if c == b"(":
            depth += 1
        elif c == b")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def reachable(doc: Document, starts: list[int]) -> list[int]:
    """Every object reached from ``starts`` by references, in a fixed order."""
    seen: dict[int, None] = {}
    todo = list(starts)
    while todo:
        n = todo.pop()
        if n in seen or n not in doc.objects:
            continue
        seen[n] = None
        todo.extend(reversed(doc.objects[n].refs()))
    return sorted(seen)


class Writer:
    """A PDF written object by object: a fixed head (header and objects, with their offsets)
    is laid down once and copied for each document built on it."""

    def __init__(self, head: bytes, offsets: dict[int, int]):
        self.out = bytearray(head)
        self.offsets = dict(offsets)

    @staticmethod
    def start(version: bytes) -> "Writer":
        return Writer(version + b"\n%\x93\x8c\x8b\x9e ReportLab Generated PDF document (opensource)\n", {})

    def add(self, number: int, obj: Obj) -> None:
        self.offsets[number] = len(self.out)
        self.out += b"%d 0 obj\n" % number
        self.out += obj.body()
        self.out += b"\nendobj\n"

    def finish(self, root: int, info: int, trailer_id: bytes) -> bytes:
        size = max(self.offsets) + 1
        start = len(self.out)
        rows = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        for n in range(1, size):
            at = self.offsets.get(n)
            rows.append(b"%010d 00000 n \n" % at if at is not None else b"0000000000 65535 f \n")
        self.out += b"".join(rows)
        self.out += (b"trailer\n<<\n/ID %s\n/Info %d 0 R\n/Root %d 0 R\n/Size %d\n>>\nstartxref\n%d\n%%%%EOF\n"
                     % (trailer_id, info, root, size, start))
        return bytes(self.out)
