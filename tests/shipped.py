"""What ships with the project, by file name only: tests parametrise over it without loading anything."""

from __future__ import annotations

from pathlib import Path

from handouts.layouts import shipped_layouts

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
NOT_ROUTINES = ("clinic.yaml", ".batch.yaml")
"""Content files that are not routines, by name: the clinic profile and batch manifests."""

ALL_ROUTINES = sorted(p.stem for p in CONTENT_DIR.glob("*.yaml") if not p.name.endswith(NOT_ROUTINES))
"""Routine ids of the shipped content (each routine file is named after its id; a test checks it)."""

TRANSLATIONS = [r for r in ALL_ROUTINES if r.endswith(("-es", "-fr"))]
"""Shipped translations of the English routines (each names its original with ``translation_of``;
``tests/test_translations.py`` holds them to it)."""

ROUTINES = [r for r in ALL_ROUTINES if r not in TRANSLATIONS]
"""The English routines: the tests parametrised over them read English labels and English reading formulas."""

CARD_LAYOUTS = sorted(p.stem for p in shipped_layouts().glob("card-*.yaml") if not p.stem.endswith("-base"))
