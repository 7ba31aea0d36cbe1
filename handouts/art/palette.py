"""The clinic's colours, as every drawing takes them.

A module of its own so body maps, pictograms and picture keys share one
definition without any of them depending on another.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Palette:
    """The four colours every illustration is drawn in (hex strings, e.g. from the layout's brand)."""

    primary: str = "#1f4e79"  # outlines/headings colour (hex)
    accent: str = "#2e7d6b"  # highlighted regions and motion marks
    muted: str = "#5b6670"  # body outline lines
    light: str = "#eaf1f8"  # light fills
