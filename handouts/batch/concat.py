"""Join many PDFs into one, writing each object as soon as it is read.

A class of two thousand students is tens of thousands of pages. A PDF writer
that keeps every page until it writes (pypdf's does) grows with the class, so
the combined file is written here object by object: one input is open at a
time, its objects are renumbered and streamed to the output, and all that is
kept between inputs is one number per written object (its offset) and one per
page. A copy of a document reuses the objects already written for its first
copy; only its page dictionaries are written again.
"""

from __future__ import annotations

import gc
import hashlib
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    create_string_object,
)

from ..errors import HandoutsError, Problem

CATALOG, PAGES, OUTLINES, INFO, FIRST_FREE = 1, 2, 3, 4, 5
COLLECT_EVERY = 16
"""Inputs read between two garbage collections: bounds memory at a few inputs' objects
while costing a few per cent of the time (a collection after every input costs half again)."""


@dataclass(frozen=True)
class Part:
    """One input document, how many times it appears, and its bookmark (None: no bookmark)."""

    path: Path
    copies: int
    label: str | None


class _Out:
    """The output file, the offset of every object written, and the page list."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.offsets = array("q", [0] * FIRST_FREE)
        self.pages = array("q")
        self.fh.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def new_number(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def write(self, number: int, obj: PdfObject) -> None:
        self.offsets[number] = self.fh.tell()
        self.fh.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.fh)
        self.fh.write(b"\nendobj\n")


def _ref(number: int) -> IndirectObject:
    return IndirectObject(number, 0, None)  # type: ignore[arg-type]


class _Copier:
    """Renumbers one input's objects into the output, writing each once."""

    def __init__(self, reader: PdfReader, out: _Out):
        self.reader = reader
        self.out = out
        self.numbers: dict[tuple[int, int], int] = {}
        self.todo: list[tuple[int, int]] = []
        root = reader.trailer.raw_get("/Root")
        # A reference back to the input's own catalog or page tree means the combined file's.
        if isinstance(root, IndirectObject):
            self.numbers[(root.idnum, root.generation)] = CATALOG
            pages = reader.trailer["/Root"].raw_get("/Pages")
            if isinstance(pages, IndirectObject):
                self.numbers[(pages.idnum, pages.generation)] = PAGES

    def number_of(self, ref: IndirectObject) -> int:
        key = (ref.idnum, ref.generation)
        if key not in self.numbers:
            self.numbers[key] = self.out.new_number()
            self.todo.append(key)
        return self.numbers[key]

    def remap(self, obj: PdfObject) -> PdfObject:
        if isinstance(obj, IndirectObject):
            return _ref(self.number_of(obj))
        if isinstance(obj, StreamObject):
            copy = obj.__class__()
            copy._data = obj._data  # the encoded bytes, written as they are
            copy.update({k: self.remap(v) for k, v in obj.items() if k != "/Length"})
            return copy
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({k: self.remap(v) for k, v in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.remap(v) for v in obj)
        return obj

    def drain(self) -> None:
        while self.todo:
            idnum, generation = self.todo.pop()
            obj = self.reader.get_object(IndirectObject(idnum, generation, self.reader))
            self.out.write(self.numbers[(idnum, generation)], self.remap(obj if obj is not None else NumberObject(0)))

    def page_dicts(self) -> list[tuple[int, DictionaryObject]]:
        """Each page's number in the output (its first copy) and its dictionary, inherited
        attributes made its own and pointing at the output's objects."""
        pages = list(self.reader.pages)  # pypdf copies inherited /Resources, /MediaBox... onto each page
        numbers = []
        for page in pages:
            # A link or annotation that points at a page points at the page's first copy.
            number = self.out.new_number()
            ref = page.indirect_reference
            if ref is not None:
                self.numbers[(ref.idnum, ref.generation)] = number
            numbers.append(number)
        result = []
        for number, page in zip(numbers, pages):
            fields = {k: self.remap(v) for k, v in page.items() if k != "/Parent"}
            fields[NameObject("/Parent")] = _ref(PAGES)
            result.append((number, DictionaryObject(fields)))
        return result


def _outline(out: _Out, marks: list[tuple[str, int]]) -> None:
    numbers = [out.new_number() for _ in marks]
    for i, ((label, page), number) in enumerate(zip(marks, numbers)):
        item = DictionaryObject({
            NameObject("/Title"): create_string_object(label),
            NameObject("/Parent"): _ref(OUTLINES),
            NameObject("/Dest"): ArrayObject([_ref(page), NameObject("/Fit")]),
        })
        if i:
            item[NameObject("/Prev")] = _ref(numbers[i - 1])
        if i + 1 < len(numbers):
            item[NameObject("/Next")] = _ref(numbers[i + 1])
        out.write(number, item)
    root = DictionaryObject({NameObject("/Type"): NameObject("/Outlines"), NameObject("/Count"): NumberObject(len(marks))})
    if numbers:
        root[NameObject("/First")] = _ref(numbers[0])
        root[NameObject("/Last")] = _ref(numbers[-1])
    out.write(OUTLINES, root)


def _finish(out: _Out, title: str, info: dict[str, str] | None = None, lang: str | None = None,
            outline: bool = True) -> None:
    kids = ArrayObject(_ref(n) for n in out.pages)
    out.write(PAGES, DictionaryObject({NameObject("/Type"): NameObject("/Pages"), NameObject("/Kids"): kids,
                                       NameObject("/Count"): NumberObject(len(out.pages))}))
    out.write(CATALOG, DictionaryObject({
        NameObject("/Type"): NameObject("/Catalog"),
        NameObject("/Pages"): _ref(PAGES),
        NameObject("/Outlines"): _ref(OUTLINES),
        NameObject("/PageMode"): NameObject("/UseOutlines" if outline else "/UseNone"),
        NameObject("/ViewerPreferences"): DictionaryObject({NameObject("/DisplayDocTitle"): BooleanObject(True)}),
        **({NameObject("/Lang"): create_string_object(lang)} if lang else {}),
    }))
    out.write(INFO, DictionaryObject({
        NameObject("/Title"): create_string_object(title),
        NameObject("/Creator"): create_string_object("handouts"),
        NameObject("/Producer"): create_string_object("handouts"),
        **{NameObject(f"/{k}"): create_string_object(v) for k, v in (info or {}).items()},
    }))
    start = out.fh.tell()
    size = len(out.offsets)
    out.fh.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    for number in range(1, size):
        out.fh.write(f"{out.offsets[number]:010d} 00000 n \n".encode())
    ident = hashlib.sha256(f"{title}{size}{start}".encode()).hexdigest()[:32]
    out.fh.write(f"trailer\n<< /Size {size} /Root {CATALOG} 0 R /Info {INFO} 0 R /ID [<{ident}> <{ident}>] >>\n"
                 f"startxref\n{start}\n%%EOF\n".encode())


def concatenate(parts: list[Part], fh: BinaryIO, title: str, info: dict[str, str] | None = None,
                lang: str | None = None) -> int:
    """Write the parts, in order and each ``copies`` times, as one PDF to ``fh``; the page count.

    ``info`` adds document information entries (``{"Author": ...}``) and ``lang`` the
    document's language, for a join that stands for one document (a class card sheet)."""
    out = _Out(fh)
    marks: list[tuple[str, int]] = []
    for index, part in enumerate(parts):
        if part.copies < 1:
            continue
        if index % COLLECT_EVERY == COLLECT_EVERY - 1:
            gc.collect()  # a reader's objects point at each other; free them before they pile up
        try:
            copier = _Copier(PdfReader(str(part.path)), out)
            page_dicts = copier.page_dicts()
            copier.drain()
        except HandoutsError:
            raise
        except Exception as exc:  # pypdf raises many kinds for a damaged file
            raise HandoutsError(Problem(str(part.path), None, "",
                                        f"cannot be read back as a PDF ({type(exc).__name__}); "
                                        "build the batch again with --force")) from None
        for n in range(part.copies):
            first = len(out.pages)
            for number, page in page_dicts:
                number = number if n == 0 else out.new_number()
                out.write(number, page)
                out.pages.append(number)
            if n == 0 and part.label and len(out.pages) > first:
                marks.append((part.label, out.pages[first]))
    _outline(out, marks)
    _finish(out, title, info, lang, outline=bool(marks))
    return len(out.pages)
