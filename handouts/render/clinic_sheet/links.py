"""A web address as a sheet prints it: the QR code, and the short link in words beside it.

The words let a reader without a phone camera type the address; the code keeps
its quiet zone (``render/qr.py``), so nothing is set against it.
"""

from __future__ import annotations

import re

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Table

from ...text import markup
from ..flowables import Para, cell_style
from ..qr import QRFlowable, min_size_for


def short_link(url: str) -> str:
    """The address as a person types it: no scheme, no trailing slash."""
    return re.sub(r"^https?://", "", url).rstrip("/")


def link_block(url: str, label: str, size: float, width: float, style: ParagraphStyle) -> Table:
    """The code at the left, its label and short link at the right, within ``width``.

    The code is never printed smaller than its modules need (``min_size_for``)."""
    side = max(size, min_size_for(url))
    side = min(side, width * 0.6)
    words = Para(f"<b>{markup(label)}</b><br/>{markup(short_link(url))}", style)
    t = Table([[QRFlowable(url, side), words]], colWidths=[side + 4, max(width - side - 4, 1)], hAlign="LEFT")
    t.setStyle(cell_style([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return t
