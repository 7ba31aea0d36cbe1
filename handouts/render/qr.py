"""QR codes for a routine's video or web page, drawn with ReportLab's own widget.

One function decides how every QR code is made, so handouts, sheets and card
backs print codes a phone camera reads the same way: error correction M (a
printed code survives a fold or a smudge), the four-module quiet zone kept
inside the drawing (a code pressed against text or a border does not scan),
and dark modules in near-black whatever the brand colour (a pale code does not
scan either).
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.platypus import Flowable

MAX_URL = 300
"""Characters in a printed link: a code for a longer address needs modules too
small to print on a card; a shortened link is what a clinic hands out anyway."""

QUIET_MODULES = 4
LEVEL = "M"
DARK = "#1a1a1a"
MIN_SIZE = 15 * 72 / 25.4
"""15 mm: below this a phone held at reading distance does not focus on the code."""


def qr_drawing(url: str, size: float, color: str = DARK) -> Drawing:
    """A square drawing ``size`` points wide holding the code and its quiet zone."""
    widget = QrCodeWidget(url, barLevel=LEVEL, barBorder=QUIET_MODULES)
    widget.barFillColor = HexColor(color)
    widget.barStrokeColor = None
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size)
    drawing.add(widget)
    drawing.transform = (size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0)
    # Drawing.transform scales contents, not the box; keep width/height at size.
    drawing.width = drawing.height = size
    return drawing


def modules(url: str) -> int:
    """Modules across the code (without the quiet zone): says how small it may print."""
    widget = QrCodeWidget(url, barLevel=LEVEL, barBorder=0)
    widget.getBounds()
    return widget.qr.getModuleCount()


def min_size_for(url: str, module_mm: float = 0.5) -> float:
    """Smallest printed size (points) at which each module is at least ``module_mm`` wide."""
    across = modules(url) + 2 * QUIET_MODULES
    return max(MIN_SIZE, across * module_mm * 72 / 25.4)


class QRFlowable(Flowable):
    """A QR code as a flowable for platypus stories (handouts, sheets)."""

    def __init__(self, url: str, size: float, color: str = DARK):
        super().__init__()
        self.url = url
        self.size = size
        self.color = color
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        from reportlab.graphics import renderPDF

        renderPDF.draw(qr_drawing(self.url, self.size, self.color), self.canv, 0, 0)
        # A link area over the code: a reader of the PDF on screen can click it.
        self.canv.linkURL(self.url, (0, 0, self.size, self.size), relative=1)
