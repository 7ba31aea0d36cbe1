"""The figure's views: every region is drawn somewhere, and each step gets the view that shows it best."""

from __future__ import annotations

import pytest

from handouts.art.anatomy import REGION_VIEWS, choose_view
from handouts.models import Region


def test_every_region_is_drawn_in_some_view():
    assert set(REGION_VIEWS) == set(Region)
    missing = [r.value for r, views in REGION_VIEWS.items() if not views]
    assert missing == []
    assert {v for views in REGION_VIEWS.values() for v in views} == {"back", "side", "front"}


@pytest.mark.parametrize(
    ("regions", "view"),
    [
        ([Region.scm], "side"),
        ([Region.side_of_neck], "side"),
        ([Region.scm, Region.side_of_neck], "side"),
        ([Region.upper_chest], "front"),
        ([Region.upper_chest, Region.shoulders], "front"),
        ([Region.shoulder_blades], "back"),
        ([Region.upper_trapezius], "back"),
        ([Region.upper_trapezius, Region.back_of_neck, Region.scm], "side"),  # the side shows all three
        ([Region.upper_trapezius, Region.back_of_neck, Region.shoulder_blades], "back"),
        ([], "back"),
    ],
)
def test_choose_view(regions, view):
    assert choose_view(regions) == view
