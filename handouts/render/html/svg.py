"""Our ReportLab drawings as inline SVG: the same geometry the PDF prints, named for screen readers.

ReportLab writes a standalone SVG document (XML prolog, doctype, fixed ids
``clip`` and ``group``, a placeholder ``<title>``). Inline in a page that holds
dozens of pictures, ids must be unique and the title must be the picture's
accessible name, so the tree is rewritten here before it reaches a template.
Only drawings made by our own code (body maps, pictograms, pictures already
converted and checked by :mod:`handouts.images`) come through here, never a
user's SVG text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markupsafe import Markup
from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

_URL_REF = re.compile(r"url\(#([^)]+)\)")


GEOMETRY = ("points", "d", "transform", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
            "width", "height", "style", "stroke-width", "viewBox")
"""Attributes whose numbers are coordinates: rounded to a tenth of a point (a 300 dpi printer's dot is
a quarter of a point), which makes the page much smaller. Text is never touched."""

_LONG_NUMBER = re.compile(r"(-?\d+\.\d)\d+")


def _tree(drawing: Drawing, prefix: str) -> ET.Element:
    """ReportLab's SVG of ``drawing`` without its placeholder title, ids prefixed, coordinates rounded."""
    root = ET.fromstring(renderSVG.drawToString(drawing).encode("utf-8"))
    for old in [c for c in root if c.tag in (f"{{{SVG}}}title", f"{{{SVG}}}desc")]:
        root.remove(old)
    _prefix_ids(root, prefix)
    for el in root.iter():
        for attr in GEOMETRY:
            value = el.get(attr)
            if value and "." in value:
                el.set(attr, _LONG_NUMBER.sub(r"\1", value))
    root.attrib.pop("version", None)
    return root


def _named(root: ET.Element, name: str, prefix: str, width: float, height: float, css_class: str) -> Markup:
    title = ET.Element(f"{{{SVG}}}title", {"id": f"{prefix}-title"})
    title.text = name
    root.insert(0, title)
    root.set("width", f"{width:g}pt")
    root.set("height", f"{height:g}pt")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title")
    root.set("focusable", "false")
    if css_class:
        root.set("class", css_class)
    return Markup(ET.tostring(root, encoding="unicode"))


def inline_svg(drawing: Drawing, name: str, prefix: str, css_class: str = "") -> Markup:
    """``drawing`` as an ``<svg role="img">`` element named ``name``, its ids prefixed with ``prefix``.

    ``name`` is plain text; the XML serialiser escapes it."""
    root = _tree(drawing, prefix)
    return _named(root, name, prefix, float(root.get("width", "0")), float(root.get("height", "0")), css_class)


def symbol(drawing: Drawing, symbol_id: str) -> Markup:
    """``drawing`` as a ``<symbol>``: drawn once in the page, shown wherever :func:`use` names it
    (a handout repeats the same few pictograms dozens of times)."""
    root = _tree(drawing, symbol_id)
    out = ET.Element(f"{{{SVG}}}symbol", {"id": symbol_id, "viewBox": root.get("viewBox", "")})
    out.extend(list(root))
    text = ET.tostring(out, encoding="unicode")
    return Markup(text.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1))


def use(symbol_id: str, name: str, prefix: str, width: float, height: float, css_class: str = "") -> Markup:
    """An ``<svg role="img">`` named ``name`` showing the symbol ``symbol_id``."""
    root = ET.Element(f"{{{SVG}}}svg", {"viewBox": f"0 0 {width:g} {height:g}"})
    ET.SubElement(root, f"{{{SVG}}}use", {"href": f"#{symbol_id}"})
    return _named(root, name, prefix, width, height, css_class)


def _prefix_ids(root: ET.Element, prefix: str) -> None:
    """Make every id unique on the page and keep every ``url(#id)`` and ``href`` pointing at it."""
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    if not ids:
        return

    def fix(text: str) -> str:
        return _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})" if m.group(1) in ids else m.group(0), text)

    for el in root.iter():
        if el.get("id") in ids:
            el.set("id", f"{prefix}-{el.get('id')}")
        for attr in ("style", "clip-path", "fill", "stroke", "mask"):
            if el.get(attr) and "url(#" in el.get(attr):
                el.set(attr, fix(el.get(attr)))
        for attr in ("href", f"{{{XLINK}}}href"):
            ref = el.get(attr)
            if ref and ref.startswith("#") and ref[1:] in ids:
                el.set(attr, f"#{prefix}-{ref[1:]}")
