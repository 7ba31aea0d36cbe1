"""The HTML twin's stylesheet, made from the same layout as the PDF: its text styles, colours,
boxes and page size.

Every value comes from a validated layout (lengths in points, colours as
``#rrggbb``), so the text built here holds no content and no quotes; the
structure of the page (how a step flows, what print hides) lives in the
static ``handout.css`` beside the templates.
"""

from __future__ import annotations

from markupsafe import Markup

from ...layout_models import Layout

FONTS = "Atkinson Hyperlegible, Atkinson Hyperlegible Next, Verdana, Arial, Helvetica, sans-serif"

STYLE_SELECTORS = {
    "body": "body",
    "title": "h1",
    "subtitle": ".subtitle",
    "h2": "h2",
    "phase": ".phase-title",
    "step_title": ".step-title",
    "label": ".label",
    "caution": ".caution",
    "box_title": ".box h2",
    "box_body": ".box",
    "safety_title": ".safety h2",
    "small": ".small",
    "caption": "figcaption",
    "header": ".page-header",
    "footer": ".page-footer",
}
"""Which elements each layout style dresses; a style the layout lacks is left out."""


def _pt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "pt"


def stylesheet(layout: Layout, primary: str | None = None) -> Markup:
    """The layout's styles as CSS rules, followed by the page box for printing."""
    rules: list[str] = []
    brand = layout.brand
    primary = primary or brand.primary
    rules.append(f":root {{ --primary: {primary}; --accent: {brand.accent}; --muted: {brand.muted}; "
                 f"--light: {brand.light}; }}")
    for name, selector in STYLE_SELECTORS.items():
        if name not in layout.styles:
            continue
        s = layout.resolved_style(name)
        decl = []
        if s.size:
            decl.append(f"font-size: {_pt(s.size)}")
        if s.leading:
            decl.append(f"line-height: {_pt(s.leading)}")
        if s.color and name not in ("box_body",):
            decl.append(f"color: {s.color}")
        if s.weight:
            decl.append(f"font-weight: {'bold' if s.weight == 'bold' else 'normal'}")
        decl.append("font-style: " + ("italic" if s.italic else "normal"))
        if s.align and name != "body":
            decl.append(f"text-align: {s.align}")
        if name == "body":
            decl.append(f"font-family: {FONTS}")
        rules.append(f"{selector} {{ {'; '.join(decl)}; }}")
    for name, box in layout.boxes.items():
        decl = []
        if box.background:
            decl.append(f"background: {box.background}")
        if box.border:
            decl.append(f"border: {_pt(box.border.width)} solid {box.border.color}")
        if box.accent_bar and box.border:
            decl.append(f"border-left: {_pt(box.accent_bar)} solid {box.border.color}")
        decl.append(f"padding: {_pt(box.padding)}")
        rules.append(f".box-{name} {{ {'; '.join(decl)}; }}")
    w, h = layout.page.dimensions
    m = layout.page.margins
    rules.append(f"@page {{ size: {_pt(w)} {_pt(h)}; margin: {_pt(m.top)} {_pt(m.right)} {_pt(m.bottom)} "
                 f"{_pt(m.left)}; }}")
    ill = layout.illustrations
    rules.append(f".step-pictures {{ flex-basis: {_pt(ill.width)}; }}")
    return Markup("\n".join(rules))
