"""The yardstick: the same handout text drawn by a bare ReportLab platypus script.

No validation, no layouts, no pictures, no boxes, no running header: read the
routine YAML, register the same fonts, pour every line of text into
Paragraphs and build. Whatever handouts costs beyond this is the price of its
features; bench/run.py reports every figure as a ratio to this script.

    python bench/baseline.py [ROUTINE.yaml] [OUT.pdf]
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

ROOT = Path(__file__).resolve().parent.parent


def register_fonts() -> None:
    """Atkinson Hyperlegible regular and bold, from the same packages handouts uses."""
    from importlib import resources

    files = resources.files("fontpkg_atkinson_hyperlegible") / "files"
    pdfmetrics.registerFont(TTFont("Atkinson", str(files / "AtkinsonHyperlegible-Regular.ttf")))
    pdfmetrics.registerFont(TTFont("Atkinson-Bold", str(files / "AtkinsonHyperlegible-Bold.ttf")))
    pdfmetrics.registerFontFamily("Atkinson", normal="Atkinson", bold="Atkinson-Bold",
                                  italic="Atkinson", boldItalic="Atkinson-Bold")


def load(path: Path) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="Atkinson", fontSize=12, leading=16, spaceAfter=4)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontName="Atkinson-Bold", fontSize=24, leading=29),
        "h2": ParagraphStyle("h2", parent=body, fontName="Atkinson-Bold", fontSize=16, leading=20, spaceBefore=10),
        "step": ParagraphStyle("step", parent=body, fontName="Atkinson-Bold", fontSize=14, leading=18),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=0),
        "small": ParagraphStyle("small", parent=body, fontSize=10, leading=13),
    }


def _steps(data: dict) -> list[dict]:
    if data.get("phases"):
        return [s for phase in data["phases"] for s in phase["steps"]]
    return list(data.get("steps") or [])


def story(data: dict, for_name: str, styles: dict[str, ParagraphStyle]) -> list:
    """Every line of text the handout prints, in the same order, as plain paragraphs."""
    p = lambda text, style="body": Paragraph(escape(str(text)), styles[style])  # noqa: E731
    bullets = lambda items: [Paragraph(escape(str(t)), styles["bullet"], bulletText="•") for t in items or []]  # noqa: E731
    out = [p(data["title"], "title"), p(data["summary"]), p(f"Time: {data['time']}", "small")]
    out.append(p(f"Prepared for: {for_name}"))
    safety = data.get("safety") or {}
    out.append(p("Safety first", "h2"))
    for key, label in (("cautions", "Take care"), ("red_flags", "Stop and seek care if…"),
                       ("contraindications", "Do not do this routine if…")):
        if safety.get(key):
            out += [p(label, "step"), *bullets(safety[key])]
    if safety.get("seek_care"):
        out.append(p(f"See a doctor: {safety['seek_care']}"))
    out += [p("What you need", "h2"), p(f"Time: {data['time']}"), p(f"Position: {data['position']}")]
    out += bullets(data.get("equipment")) + bullets(data.get("setup"))
    out.append(p("Steps", "h2"))
    for n, step in enumerate(_steps(data), start=1):
        out += [p(f"{n}. {step['title']}", "step"), p(step["instruction"]), *bullets(step.get("actions"))]
        facts = [", ".join(step.get("hand_use") or []), step.get("pressure") or "", ", ".join(step.get("motion") or [])]
        if step.get("dosage"):
            facts.append(", ".join(f"{k}: {v}" for k, v in step["dosage"].items()))
        out.append(p(" · ".join(f for f in facts if f), "small"))
        if step.get("caution"):
            out.append(p(f"Caution: {step['caution']}"))
    if data.get("hand_tips"):
        out += [p("Using your hands", "h2"), *[p(t["text"]) for t in data["hand_tips"]]]
    if data.get("tips"):
        out += [p("Good to know", "h2"), *bullets(data["tips"])]
    if data.get("glossary"):
        out += [p("Words to know", "h2"), *[p(f"{t['term']}: {t['definition']}") for t in data["glossary"]]]
    out += [p("Track your practice", "h2"), p("Tick a box each time you do the routine."), p("Notes", "h2"), Spacer(1, 60)]
    src = data.get("source") or {}
    out.append(p(f"Source: {src.get('title', '')} ({src.get('document', '')}).", "small"))
    return out


def render(data: dict, for_name: str = "Ana López") -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=data["title"], invariant=1)
    doc.build(story(data, for_name, _styles()))
    return buf.getvalue()


def main(argv: list[str]) -> None:
    routine = Path(argv[1]) if len(argv) > 1 else ROOT / "content" / "partner-neck.yaml"
    out = Path(argv[2]) if len(argv) > 2 else Path("baseline.pdf")
    register_fonts()
    out.write_bytes(render(load(routine)))


if __name__ == "__main__":
    main(sys.argv)
