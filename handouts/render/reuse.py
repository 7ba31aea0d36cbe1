"""A class's handouts drawn once: each student's file is the shared pages plus their details.

In a batch, every student of one routine, layout and clinic gets the same
pages but for the "Prepared for" block, the personal note, and (in a layout
whose running header or footer prints the name or date) those lines. Laying
out and drawing every page again for each student was nearly all of a batch's
time. Here the handout is drawn once as a *template*: the same render, but each
personal paragraph leaves a mark in the page's content where it would have been
drawn, and a running header and footer that print a personal value are left
out. Each student's file is that template's objects, as bytes, with each mark
replaced by a form XObject drawing that student's paragraph (:mod:`.overlay`).

Why this is the same document as a full render. A personal paragraph sits in a
box whose size depends only on the paragraph's height, and a paragraph's height
and the places it can break depend only on its number of lines. So two students
whose paragraphs take the same lines get the same page breaks and positions,
and the template is kept per routine × layout × clinic × the heights of the
personal paragraphs (no reserved room is needed, and nothing moves on the page
compared with a full render). A student's paragraph is checked against the
height the template drew at its real width before it is used; a paragraph the
template had to break across pages, a clinic sheet, or anything that cannot be
checked this way gets the full render. Paragraphs are drawn with the same
objects a full render uses, in the same place of the content stream (so text
reads in the same order); the student's glyphs are in the overlay's own font
subsets, the template's subsets hold only the template's glyphs.

Templates are kept per process, the few most recently used
(:data:`MAX_TEMPLATES`), so a worker's memory does not grow with a class.
:data:`COUNTS` says which path each handout took.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import zlib
from collections import Counter, OrderedDict
from dataclasses import dataclass

from ..errors import HandoutsError, Problem
from ..layout_models import Section
from ..content import image_refs
from . import overlay, pdfobjects
from .flowables import FreshPara
from .handout import HandoutInput, HandoutRenderer
from .pdfobjects import Obj

MAX_TEMPLATES = 8
"""Templates kept per process (each the size of one handout's PDF): a batch's handouts come
routine by routine and layout by layout, with a few heights of name and note among them; a
handful covers what a worker is drawing without its memory growing."""

def enabled() -> bool:
    """``HANDOUTS_REUSE=off`` draws every handout whole: to compare the two ways' times, or to rule
    this one out when a handout looks wrong. Any value but ``on`` or ``off`` is refused by name."""
    value = os.environ.get("HANDOUTS_REUSE", "on").strip().lower() or "on"
    if value not in ("on", "off"):
        raise HandoutsError(Problem("HANDOUTS_REUSE", None, "", f"must be 'on' or 'off', not {value[:40]!r}"))
    return value == "on"

COUNTS: Counter = Counter()
"""How many handouts took each path: ``reused`` (template plus overlay), ``full`` (drawn whole),
and ``template`` (templates drawn)."""

PERSONAL_VALUES = ("{for_name}", "{date}")
"""Running-line placeholders that differ from student to student."""

_MARK = re.compile(rb"(?m)^%handouts-slot (\d+)$\n?")
"""The mark a personal paragraph leaves: a comment line of its own (text in a content stream is
inside a string on a line that starts with an operator, so no text can look like it)."""


@dataclass
class _Template:
    head: bytes
    offsets: dict[int, int]
    root: int
    info: int
    trailer_id: bytes
    first_free: int
    slots: list[tuple[float, float, float, float, float]]
    """Per personal paragraph: x, y, shift, width and height it was drawn with."""
    pages: int
    decorated: bool
    """The running lines print a personal value: the overlay draws them on every page."""
    whole: bytes | None = None
    """The template itself, when no student's detail is drawn on it."""


UNUSABLE = None
_TEMPLATES: "OrderedDict[tuple, _Template | None]" = OrderedDict()


def clear() -> None:
    """Forget every template (tests; a process that changes fonts)."""
    _TEMPLATES.clear()
    _MODELS.clear()


def cached() -> int:
    return len(_TEMPLATES)


# ------------------------------------------------------------------------------ the paragraphs


class _Collect:
    """Makes a student's personal paragraphs as a full render would, and keeps them in order."""

    def __init__(self):
        self.paragraphs: list = []

    def hold(self, markup_text: str, style) -> FreshPara:
        para = FreshPara(markup_text, style)
        self.paragraphs.append(para)
        return para


class _Slot(FreshPara):
    """A personal paragraph in the template: measured and broken like the student's, but drawn
    as a mark in the page's content that a student's form replaces."""

    _recorder: "_Record | None" = None
    _number: int | None = None
    _part_of: "_Record | None" = None

    def drawOn(self, canvas, x, y, _sW=0):
        if self._recorder is None:
            # A part of a paragraph broken across pages (its parts are made afresh by split): the
            # page break depends on the student's lines, so this template cannot be used.
            if self._part_of is not None:
                self._part_of.broken = True
            return
        canvas._code.append(f"%handouts-slot {self._number}")
        self._recorder.drawn[self._number] = (x, y, _sW, self.width, self.height)

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            if part is not self:
                part._part_of = self._recorder or self._part_of
        return parts


class _Record:
    """Stands in for a student in the template's render: numbers each personal paragraph and
    notes where it was drawn; leaves out running lines that print a personal value."""

    def __init__(self, decorated: bool):
        self.decorated = decorated
        self.count = 0
        self.drawn: dict[int, tuple] = {}
        self.broken = False
        self.pages = 0

    def hold(self, markup_text: str, style) -> _Slot:
        para = _Slot(markup_text, style)
        para._recorder = self
        para._number = self.count
        self.count += 1
        return para

    def decoration(self, decoration):
        if not self.decorated:
            return decoration
        record = self

        class _Counted:
            def draw(self, canvas, page, pages):
                record.pages = pages
        return _Counted()


# ------------------------------------------------------------------------------ keys


def _personal_decoration(data: HandoutInput) -> bool:
    texts = [t for part in (data.layout.header, data.layout.footer) if part is not None for t in (part.left, part.right)]
    return any(value in t for t in texts for value in PERSONAL_VALUES)


def _pictures(data: HandoutInput) -> list[str]:
    """The picture files a handout draws: the routine's and the clinic's logo."""
    out = []
    for base, model in ((data.base_file, data.routine), (data.clinic_file, data.clinic)):
        if base is not None and model is not None:
            out += [str(base.parent / ref) for _, ref in image_refs(model.model_dump(mode="json"))]
    return out


_MODELS: "OrderedDict[tuple, tuple]" = OrderedDict()
"""The digest of a routine, layout and clinic, by the objects' identity (the objects are kept
with it, so an identity is not reused): a batch passes the same objects for every student."""


def _shared_key(data: HandoutInput) -> bytes:
    """What every student of one class shares: routine, layout, clinic, and the state on disk of
    their pictures (``build --watch`` draws again in one process after a picture is saved)."""
    models = (data.routine, data.layout, data.clinic)
    ident = (*map(id, models), data.layout_name, str(data.base_file), str(data.clinic_file))
    hit = _MODELS.get(ident)
    if hit is None or any(a is not b for a, b in zip(hit[0], models)):
        h = hashlib.sha256()
        for part in models:
            h.update(part.model_dump_json().encode() if part is not None else b"-")
            h.update(b"\0")
        h.update(repr(ident[3:]).encode())
        hit = _MODELS[ident] = (models, h.digest(), _pictures(data))
        while len(_MODELS) > 2 * MAX_TEMPLATES:
            _MODELS.popitem(last=False)
    states = []
    for path in hit[2]:
        try:
            st = os.stat(path)
            states.append((st.st_size, st.st_mtime_ns))
        except OSError:
            states.append(None)
    return hit[1] + repr(states).encode()


def _paragraphs(data: HandoutInput) -> list:
    """The student's personal paragraphs, made and measured by the sections that print them."""
    renderer = HandoutRenderer(data)
    collect = renderer.slots = _Collect()
    for section in data.layout.sections:
        if section in (Section.personal, Section.notes):
            built = getattr(renderer, HandoutRenderer.SECTION_BUILDERS[section])()
            if any("blPara" not in p.__dict__ for p in collect.paragraphs):  # not measured by its section
                for f in built:
                    f.wrap(renderer.width, renderer.height)
    return collect.paragraphs


# ------------------------------------------------------------------------------ the template


def _template(data: HandoutInput) -> _Template | None:
    """The handout drawn without the student's details, ready to be copied; None when its personal
    paragraphs could not be placed as whole paragraphs (the full render is drawn instead)."""
    renderer = HandoutRenderer(data)
    decorated = _personal_decoration(data)
    record = renderer.slots = _Record(decorated)
    pdf = renderer.render()
    COUNTS["template"] += 1
    if record.broken or len(record.drawn) != record.count:
        return UNUSABLE
    if record.count == 0 and not decorated:
        return _Template(b"", {}, 0, 0, b"", 0, [], 0, False, whole=pdf)
    try:
        return _prepared(pdfobjects.read(pdf), record, decorated)
    except (pdfobjects.NotOurs, ValueError, KeyError, IndexError, zlib.error):
        return UNUSABLE  # not laid out as expected, or a paragraph drawn twice: draw it whole


def _prepared(doc: pdfobjects.Document, record: _Record, decorated: bool) -> _Template | None:
    """The template's objects with each mark replaced by its form, laid down as bytes once."""
    pages = doc.pages()
    first = max(doc.objects) + 1
    slot_pages: dict[int, int] = {}
    for index, number in enumerate(pages, start=1):
        page = doc.objects[number]
        content_ref = int(pdfobjects.value_of(page.head, b"/Contents").split()[0])
        content = doc.objects[content_ref]
        text = zlib.decompress(content.data) if b"/FlateDecode" in content.head else content.data
        names = []

        def placed(m):
            slot = int(m.group(1))
            if slot in slot_pages:
                raise ValueError("a paragraph drawn twice")
            slot_pages[slot] = index
            names.append(b"/Personal%d %d 0 R" % (slot, first + slot))
            return b"q /Personal%d Do Q\n" % slot
        text = _MARK.sub(placed, text)
        if decorated:
            piece = record.count + index - 1
            text += b"\nq /Personal%d Do Q\n" % piece
            names.append(b"/Personal%d %d 0 R" % (piece, first + piece))
        if not names:
            continue
        data_out = zlib.compress(text) if b"/FlateDecode" in content.head else text
        doc.objects[content_ref] = Obj(re.sub(rb"/Length \d+", b"/Length %d" % len(data_out), content.head), data_out)
        doc.objects[number] = Obj(_with_forms(page.head, b" ".join(names)))
    if len(slot_pages) != record.count:
        return UNUSABLE
    writer = pdfobjects.Writer.start(doc.version)
    for number in sorted(doc.objects):
        writer.add(number, doc.objects[number])
    slots = [record.drawn[i] for i in range(record.count)]
    return _Template(bytes(writer.out), writer.offsets, doc.root, doc.info, doc.trailer_id, first, slots,
                     record.pages or len(pages), decorated)


def _with_forms(page: bytes, entries: bytes) -> bytes:
    """A page dictionary whose resources also name ``entries`` (form XObjects)."""
    resources = pdfobjects.value_of(page, b"/Resources")
    if b"/XObject" in resources:
        xobjects = pdfobjects.value_of(resources, b"/XObject")
        new = resources.replace(xobjects, xobjects[:2] + b"\n" + entries + b" " + xobjects[2:], 1)
    else:
        new = resources[:2] + b"\n/XObject << " + entries + b" >> " + resources[2:]
    return page.replace(resources, new, 1)


# ------------------------------------------------------------------------------ one student


def _assemble(template: _Template, data: HandoutInput, paragraphs: list) -> bytes | None:
    """The student's file from the template; None when a paragraph does not measure as the template's."""
    pieces: list = []
    for para, (x, y, shift, width, height) in zip(paragraphs, template.slots):
        measured = para.height if para.width == width and "blPara" in para.__dict__ else para.wrap(width, 1e9)[1]
        if abs(measured - height) > 1e-6:
            return None
        pieces.append(overlay.SlotPiece(para, x, y, shift, width))
    if template.decorated:
        decoration = HandoutRenderer(data).decoration()
        pieces += [overlay.PagePiece(decoration, page, template.pages) for page in range(1, template.pages + 1)]
    w, h = data.layout.page.dimensions
    forms, used = overlay.forms(overlay.draw(pieces, (w, h)), template.first_free)
    writer = pdfobjects.Writer(template.head, template.offsets)
    for i, form in enumerate(forms):
        writer.add(template.first_free + i, form)
    for i, obj in enumerate(used):
        writer.add(template.first_free + len(forms) + i, obj)
    return writer.finish(template.root, template.info, template.trailer_id)


_LOCK = threading.Lock()
"""The caches are the process's; a class batch drawn in a thread of the web app shares them."""


def render_handout(data: HandoutInput) -> bytes:
    """The handout, as :func:`handouts.render.handout.render_handout` draws it, reusing the pages
    it shares with the handouts drawn before it when it can."""
    with _LOCK:
        return _render(data)


def _render(data: HandoutInput) -> bytes:
    if not enabled():
        COUNTS["full"] += 1
        return HandoutRenderer(data).render()
    if data.personal.is_empty:
        return _same_for_everyone(data)
    paragraphs = _paragraphs(data)
    shape = tuple((round(p.width, 3), round(p.height, 3)) for p in paragraphs)
    key = (_shared_key(data), shape)
    if key in _TEMPLATES:
        _TEMPLATES.move_to_end(key)
        template = _TEMPLATES[key]
    else:
        template = _template(data)
        _TEMPLATES[key] = template
        while len(_TEMPLATES) > MAX_TEMPLATES:
            _TEMPLATES.popitem(last=False)
    if template is not None and template.whole is not None and not paragraphs:
        COUNTS["reused"] += 1
        return template.whole
    if template is not None and len(paragraphs) == len(template.slots):
        pdf = _assemble(template, data, paragraphs)
        if pdf is not None:
            COUNTS["reused"] += 1
            return pdf
    COUNTS["full"] += 1
    return HandoutRenderer(data).render()


def _same_for_everyone(data: HandoutInput) -> bytes:
    """A handout with no personal detail is one document for everyone (``build`` without ``--for``,
    again and again under ``--watch``): drawn whole once, then handed out as it is."""
    key = (_shared_key(data), None)
    kept = _TEMPLATES.get(key)
    if kept is not None:
        _TEMPLATES.move_to_end(key)
        COUNTS["reused"] += 1
        return kept.whole
    pdf = HandoutRenderer(data).render()
    COUNTS["full"] += 1
    _TEMPLATES[key] = _Template(b"", {}, 0, 0, b"", 0, [], 0, False, whole=pdf)
    while len(_TEMPLATES) > MAX_TEMPLATES:
        _TEMPLATES.popitem(last=False)
    return pdf
