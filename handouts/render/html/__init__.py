"""The accessible HTML twin of a handout: one self-contained page per routine and person.

ReportLab cannot write tagged PDF, so the handout's accessible form is HTML
made from the same validated routine, layout and drawings: a language, one
``h1``, headings in order, the safety box as a named region before the steps,
the steps as an ordered list with their pictures as inline SVG named by their
alt text, links that work, and print CSS. It needs no script and makes no
request: styles and pictures are inside the file.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ... import labels
from ..handout import HandoutInput
from .fonts import font_faces
from .style import stylesheet
from .view import handout_view

TEMPLATES = resources.files("handouts") / "data" / "html"
FONTS_HERE = "/* fonts */"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Autoescaping on for every template: routine text is plain text, as in the PDF."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)


@lru_cache(maxsize=1)
def base_css() -> str:
    return (TEMPLATES / "handout.css").read_text(encoding="utf-8")


def render_html(data: HandoutInput) -> bytes:
    """The handout's HTML twin as UTF-8 bytes (identical for identical inputs)."""
    from markupsafe import Markup

    context = handout_view(data)
    words = labels.for_language(data.routine.language)
    primary = data.clinic.brand_color if data.clinic is not None and data.clinic.brand_color else None
    text = environment().get_template("handout.html.j2").render(
        **context, base_css=Markup(base_css()), layout_css=stylesheet(data.layout, primary),
        caution_label=words.CAUTION, step_video_label=words.STEP_VIDEO, colon=words.colon, font_placeholder=Markup(FONTS_HERE))
    # The fonts hold the page's characters, known only once it is written. The placeholder's first
    # occurrence is the template's own, in the head before any content text.
    return text.replace(FONTS_HERE, font_faces(text), 1).encode("utf-8")
