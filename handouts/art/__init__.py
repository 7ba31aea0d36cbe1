"""Generated illustrations for handouts and cards: body maps, hand pictograms, pressure scales.

Everything is drawn with ReportLab vector shapes, so pictures stay sharp at any
print size, follow the clinic's colours, and need no image files. Each function
returns a ``Drawing`` of exactly the size asked for with nothing outside it, so
the page layout can place it like a box.

The package is layered so each module imports only those before it:
``geometry`` ← ``palette`` ← ``anatomy`` ← ``marks`` ← ``compose`` and
``legend``; ``pictograms`` needs only ``geometry`` and ``palette``; ``hands``
(poses on the body) builds on ``pictograms``, and ``tools`` and ``stance`` on
``geometry`` and ``palette``; ``compose`` uses all three. This module is the
public face that render code imports.
"""

from .anatomy import REGION_VIEWS, VIEWS, choose_view
from .compose import Technique, body_map
from .hands import HAND_PARTS
from .legend import legend_items, motion_icon
from .palette import Palette
from .pictograms import hand_pictogram, pressure_scale
from .stance import stance_view
from .tools import tool_drawing, tool_icon

__all__ = [
    "HAND_PARTS",
    "Palette",
    "Technique",
    "REGION_VIEWS",
    "VIEWS",
    "body_map",
    "choose_view",
    "hand_pictogram",
    "legend_items",
    "motion_icon",
    "pressure_scale",
    "stance_view",
    "tool_drawing",
    "tool_icon",
]
