"""Sheet presets are data: paper sizes and pre-cut card stocks live in ``handouts/data/sheets.yaml``.

A new stock is a few commented lines in that file, not code. The file is read
with the project's YAML reader and checked by the models below, so a mistake
in it is reported with the file, line and field like any other input; it is
read once per process, on first use.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator
from pydantic_core import PydanticCustomError

from ..units import MM, Length
from ..validation import validate

FIT_TOLERANCE = 0.1 * MM  # how far a pre-cut grid may seem to run off the paper through rounding


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Size(_Part):
    width: Length = Field(..., description="Width, portrait.")
    height: Length = Field(..., description="Height, portrait.")

    @property
    def points(self) -> tuple[float, float]:
        return self.width, self.height


class Precut(_Part):
    """Card stock with the cards already cut: fixed positions, no bleed."""

    card: Size = Field(..., description="The size of each pre-cut card.")
    columns: PositiveInt = Field(..., description="Cards across.")
    rows: PositiveInt = Field(..., description="Cards down.")
    left: Length = Field(..., description="Left paper edge to the first card.")
    top: Length = Field(..., description="Top paper edge to the first card.")
    gap_x: Length = Field(0.0, description="Space between cards across.")
    gap_y: Length = Field(0.0, description="Space between cards down.")


class SheetPreset(_Part):
    description: str = Field(..., min_length=1, description="One line for help texts and messages.")
    paper: Size = Field(..., description="The paper size, portrait.")
    crop_marks: bool = Field(True, description="Draw crop marks outside the cards.")
    precut: Precut | None = Field(None, description="Fixed card positions of pre-cut stock; leave out for plain paper.")

    @model_validator(mode="after")
    def _grid_on_paper(self) -> "SheetPreset":
        grid = self.precut
        if grid is None:
            return self
        right = grid.left + grid.columns * grid.card.width + (grid.columns - 1) * grid.gap_x
        bottom = grid.top + grid.rows * grid.card.height + (grid.rows - 1) * grid.gap_y
        over = [f"{reach / MM:.1f} mm {way}, past the {edge / MM:.1f} mm {what} paper"
                for reach, edge, way, what in ((right, self.paper.width, "across", "wide"),
                                               (bottom, self.paper.height, "down", "high"))
                if reach > edge + FIT_TOLERANCE]
        if over:
            raise PydanticCustomError("precut_off_paper", "the pre-cut cards reach {over}; check left, top, "
                                      "the card size and the gaps", {"over": " and ".join(over)})
        return self


class SheetFile(_Part):
    sheets: dict[str, SheetPreset] = Field(..., min_length=1, description="Presets by the name used on the command line.")


@dataclass(frozen=True)
class SheetSpec:
    """One preset under its name, as the imposition uses it."""

    name: str
    description: str
    size: tuple[float, float]  # portrait width, height
    crop_marks: bool
    precut: Precut | None


def load_sheets(path: Path) -> Mapping[str, SheetSpec]:
    """The presets in ``path``; a :class:`~handouts.errors.HandoutsError` naming file, line and field if any is wrong."""
    from ..yamlio import load_yaml  # the parser loads only when sheets are used

    presets = validate(load_yaml(path), SheetFile).sheets
    return MappingProxyType({name: SheetSpec(name, p.description, p.paper.points, p.crop_marks, p.precut)
                             for name, p in presets.items()})


@functools.cache
def shipped_sheets() -> Mapping[str, SheetSpec]:
    """The presets shipped with handouts."""
    with importlib.resources.as_file(importlib.resources.files("handouts") / "data" / "sheets.yaml") as path:
        return load_sheets(path)


class _ShippedSheets(Mapping[str, SheetSpec]):
    """The shipped presets as a mapping that reads the file on first use, not at import."""

    def __getitem__(self, name: str) -> SheetSpec:
        return shipped_sheets()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(shipped_sheets())

    def __len__(self) -> int:
        return len(shipped_sheets())

    def __repr__(self) -> str:
        return f"SHEETS({', '.join(self)})"


SHEETS: Mapping[str, SheetSpec] = _ShippedSheets()
