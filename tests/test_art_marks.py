"""Motion marks: the hold-time label reads the same however the content wrote it."""

from __future__ import annotations

import pytest

from handouts.art.marks import hold_text


@pytest.mark.parametrize(("given", "shown"), [("10-20", "10–20 s"), ("10-20 s", "10–20 s"), ("30", "30 s"),
                                              ("5 to 10 seconds", "5–10 s"), ("a few s", "a few sec"),
                                              ("a few seconds", "a few seconds")])
def test_hold_text(given, shown):
    assert hold_text(given) == shown
