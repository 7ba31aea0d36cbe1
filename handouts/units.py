"""One parser for lengths, so every layout says ``3mm``, ``0.125in`` or ``8pt`` the same way.

Lengths are stored in PDF points (1/72 in). A bare number means points.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

MM = 72 / 25.4
INCH = 72.0
UNITS = {"pt": 1.0, "mm": MM, "cm": 10 * MM, "in": INCH}

_FAR_TOO_LONG = 1e6  # points: about 350 m, more than any page or card

_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in)?\s*$")


def parse_length(value: Any) -> float:
    """``'3mm'`` -> 8.503...; numbers pass through as points."""
    if value is None:
        raise PydanticCustomError("length", "must not be empty; write a length such as 3mm, 0.125in or 8pt")
    if isinstance(value, bool):
        raise PydanticCustomError("length", "should be a length such as 3mm, 0.125in or 8pt, not true or false")
    points: float | None = None
    if isinstance(value, (int, float)):
        points = float(value)
    elif isinstance(value, str):
        m = _LENGTH.match(value)
        if m:
            points = float(m.group(1)) * UNITS[m.group(2) or "pt"]
    if points is None:
        raise PydanticCustomError(
            "length", "'{value}' is not a length; write e.g. 3mm, 0.125in, 1cm or 8pt", {"value": value}
        )
    if not math.isfinite(points) or abs(points) >= _FAR_TOO_LONG:
        raise PydanticCustomError("length", "is far too long for a page or card")
    return points


def _non_negative(value: Any) -> float:
    n = parse_length(value)
    if n < 0:
        raise PydanticCustomError("length", "must not be negative")
    return n


_SCHEMA = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?\d+(\.\d+)?\s*(pt|mm|cm|in)?$"}],
           "description": "A length: a number of points, or a number with mm, cm, in or pt."}

Length = Annotated[float, BeforeValidator(_non_negative), WithJsonSchema(_SCHEMA)]
"""A non-negative length in points, written with any unit."""


def fmt_mm(points: float) -> str:
    return f"{points / MM:.1f} mm"


def option_length(option: str, value: str) -> float:
    """A non-negative length given on the command line; a wrong one is a problem named by its option."""
    from .errors import HandoutsError, Problem

    try:
        return _non_negative(value)
    except PydanticCustomError as exc:
        raise HandoutsError(Problem(option, None, "", str(exc))) from None
