"""Pocket cards: the routine's steps as numbered cues on the front, its safety on the back.

Three steps, each in its own module, data flowing one way: :mod:`.content` says
what goes on a card, :mod:`.fit` decides sizes and which card each piece goes
on (with :mod:`.pack` stacking pieces into panels), and :mod:`.draw` paints the
resulting :class:`CardFace` objects at any origin on any canvas, so a single
card and a sheet of forty share one look.
"""

from __future__ import annotations

from .content import CueRow, step_cautions, step_detail
from .draw import draw_face, new_canvas, render_card_pages
from .faces import CardFace, CardSet
from .fit import CardOverflow, compose_card
from .geometry import Rect

__all__ = [
    "CardFace",
    "CardOverflow",
    "CardSet",
    "CueRow",
    "Rect",
    "compose_card",
    "draw_face",
    "new_canvas",
    "render_card_pages",
    "step_cautions",
    "step_detail",
]
