"""What one output file is made from: a job per file, planned before anything is drawn.

Jobs are plain, picklable data, so the same job can be rendered in the
command's own process or in a batch worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..content import RoutineDoc
from ..layout_models import Layout
from ..models import Personalisation


@dataclass(frozen=True)
class SheetOptions:
    """How cards are imposed on a print sheet (``sheet`` None: one page per card face)."""

    sheet: str | None = None
    bleed: float = 0.0
    flip: str = "long"


@dataclass(frozen=True, eq=False)
class HandoutJob:
    """One handout: a routine in a layout, for one person (or for nobody in particular),
    as a print PDF or (``format`` "html") as its accessible HTML twin."""

    out: Path
    doc: RoutineDoc
    layout_name: str
    layout: Layout
    personal: Personalisation = field(default_factory=Personalisation)
    format: str = "pdf"
    also: RoutineDoc | None = None
    """The routine printed beside ``doc`` in a second language (a bilingual layout), or None."""

    @property
    def docs(self) -> tuple[RoutineDoc, ...]:
        return (self.doc,) if self.also is None else (self.doc, self.also)


@dataclass(frozen=True, eq=False)
class CardJob:
    """Pocket cards: routines in a card layout, ``copies`` sets each, on pages or a sheet.

    ``copies`` None fills a sheet with whole sets of the first routine's cards."""

    out: Path
    routines: tuple[tuple[RoutineDoc, int], ...]
    layout_name: str
    layout: Layout
    options: SheetOptions = SheetOptions()
    fill: bool = False

    @property
    def docs(self) -> tuple[RoutineDoc, ...]:
        return tuple(doc for doc, _ in self.routines)

    @property
    def personal(self) -> Personalisation:
        return Personalisation()


@dataclass(frozen=True, eq=False)
class CalibrationJob:
    """The front/back registration test sheet of a card layout."""

    out: Path
    layout_name: str
    layout: Layout
    options: SheetOptions

    @property
    def docs(self) -> tuple[RoutineDoc, ...]:
        return ()

    @property
    def personal(self) -> Personalisation:
        return Personalisation()


Job = HandoutJob | CardJob | CalibrationJob
