"""Loading a batch as a whole: manifest, roster, layouts, routines, clinic.

A problem of the batch as a whole (the manifest, the roster's header, an
unknown layout or routine, the clinic profile) stops it here, before any file
is touched; a routine that fails to load fails only the items that print it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..content import RoutineDoc, load_clinic, routines_by_id
from ..errors import HandoutsError, Problem, display_path
from ..layout_models import Layout
from ..layouts import LayoutChoice, LayoutLibrary
from ..located import Located
from ..models import Clinic
from ..yamlio import load_yaml
from .manifest import BatchManifest, load_manifest, pattern_fields
from .roster import Roster, read_roster


@dataclass
class Batch:
    """Everything a batch is made of, loaded and checked as a whole."""

    path: Path
    located: Located
    manifest: BatchManifest
    roster: Roster
    out_dir: Path
    library: LayoutLibrary
    handout_layouts: dict[str, Layout]
    routines: dict[str, RoutineDoc]
    broken: dict[str, list[Problem]]
    clinic: Clinic | None
    clinic_path: Path | None
    card_layouts: dict[str, Layout] = field(default_factory=dict)
    translations: dict[tuple[str, str], tuple[str | None, list[Problem]]] = field(default_factory=dict)
    """(routine key, second language) -> the id of the routine printed beside it on a bilingual
    layout (its document is in ``routines``), or None and the problems that stop it."""


def load_batch(path: Path, layouts: Path | None = None, fallback_layouts: Path | None = None) -> Batch:
    """Read and check the manifest and everything it names; any problem here stops the batch.

    Your own layouts: ``layouts`` (the command's ``--layouts``), else the
    manifest's ``layouts:``, else ``fallback_layouts`` (``./layouts`` when it exists)."""
    from ..pipeline.preflight import clinic_problems
    from ..pipeline.write import folder_problem
    from ..text import glyph_problems

    located = load_yaml(path)
    manifest = load_manifest(located)
    problems: list[Problem] = []
    base = path.parent

    def where(loc: tuple, message: str) -> None:
        problems.append(located.problem(loc, message))

    fields = pattern_fields(manifest.file_name)
    if "name" not in fields and "row" not in fields:
        where(("file_name",), "needs {name} or {row}, so each student gets their own file")
    if len(manifest.routines) > 1 and "routine" not in fields:
        where(("file_name",), "needs {routine}: the batch has more than one routine")
    if len(manifest.handouts) > 1 and "layout" not in fields:
        where(("file_name",), "needs {layout}: the batch has more than one handout layout")
    for i, rid in enumerate(manifest.routines):
        if rid in manifest.routines[:i]:
            where(("routines", i), f"'{rid}' is listed twice")
    if not manifest.handouts and manifest.cards is None:
        where(("handouts",), "is empty and there are no cards: the batch would build nothing")
    problems += glyph_problems({k: getattr(manifest, k) for k in ("date", "clinician", "note") if getattr(manifest, k)},
                               located.name, located.line_of)

    # layouts: the command's folder, else the manifest's, on top of the shipped ones
    layouts_dir = layouts
    if layouts_dir is None and manifest.layouts:
        layouts_dir = base / manifest.layouts
        if not layouts_dir.is_dir():
            where(("layouts",), f"folder {display_path(layouts_dir)} does not exist")
            layouts_dir = None
    elif layouts_dir is None:
        layouts_dir = fallback_layouts
    library = LayoutLibrary(layouts_dir)
    handout_layouts: dict[str, Layout] = {}
    for i, name in enumerate(manifest.handouts):
        layout = _layout(library, name, "handout", ("handouts", i), where, problems)
        if layout is not None:
            handout_layouts[name] = layout
    card_layouts: dict[str, Layout] = {}
    if manifest.cards is not None:
        card_layouts = _card_layouts(library, manifest, where, problems)

    # roster
    roster_path = base / manifest.roster
    roster = None
    try:
        roster = read_roster(roster_path, list(manifest.routines))
    except HandoutsError as exc:
        problems.extend(exc.problems)

    # routines (and their translations the roster asks for)
    content_dir = base / manifest.content
    docs: dict[str, RoutineDoc] = {}
    broken: dict[str, list[Problem]] = {}
    clinic_files: list[Path] = []
    if not content_dir.is_dir():
        where(("content",), f"folder {display_path(content_dir)} does not exist")
    else:
        languages = {row.student.language for row in (roster.rows if roster else []) if row.student and row.student.language}
        wanted = set(manifest.routines) | {variant_id(r, lang) for r in manifest.routines for lang in languages}
        docs, broken, clinic_files = routines_by_id(content_dir, wanted)
        for i, rid in enumerate(manifest.routines):
            if rid not in docs and rid not in broken:
                known = ", ".join(sorted(docs)) or "none"
                where(("routines", i), f"no routine with id '{rid}' in {display_path(content_dir)}; known ids: {known}")

    # clinic
    clinic: Clinic | None = None
    clinic_path: Path | None = None
    if manifest.clinic is not None:
        clinic_path = base / manifest.clinic
        if not clinic_path.is_file():
            where(("clinic",), f"clinic profile {display_path(clinic_path)} does not exist")
            clinic_path = None
    elif len(clinic_files) > 1:
        where(("clinic",), "the content folder holds several clinic profiles ("
              + ", ".join(display_path(f) for f in clinic_files) + "); name one with clinic:")
    elif clinic_files:
        clinic_path = clinic_files[0]
    if clinic_path is not None:
        try:
            clinic = load_clinic(clinic_path)
            problems += clinic_problems(clinic, clinic_path)
        except HandoutsError as exc:
            problems.extend(exc.problems)

    translations = _translations(manifest, handout_layouts, roster, docs, located, where)

    out_problem = folder_problem(base / manifest.out)  # before anything is drawn
    if out_problem:
        where(("out",), out_problem)
    if problems:
        raise HandoutsError(sorted(dict.fromkeys(problems), key=lambda p: (p.file, p.line or 0)))
    assert roster is not None
    return Batch(path=path, located=located, manifest=manifest, roster=roster, out_dir=base / manifest.out,
                 library=library, handout_layouts=handout_layouts, routines=docs, broken=broken,
                 clinic=clinic, clinic_path=clinic_path, card_layouts=card_layouts, translations=translations)


def _translations(manifest: BatchManifest, handout_layouts: dict[str, Layout], roster: Roster | None,
                  docs: dict[str, RoutineDoc], located: Located, where) -> dict[tuple[str, str], tuple[str | None, list[Problem]]]:
    """Every (routine, second language) pair a bilingual layout of the batch may print, found once.

    What no row could build is refused here, before anything is drawn: a second language with
    no bilingual layout to print it, a bilingual layout with no second language anywhere, a
    manifest ``also`` that some routine has no translation into. A row's own ``also`` that
    cannot be printed fails only that row (see ``plan``). The translations found are added to
    ``docs``, so workers load them with the rest."""
    from ..pipeline.bilingual import OPTION, translation_into

    bilingual = [n for n, layout in handout_layouts.items() if layout.bilingual is not None]
    rows = [row.student for row in (roster.rows if roster else []) if row.student is not None]
    row_languages = {s.also for s in rows if s.also}
    if manifest.also and not bilingual and handout_layouts.keys() == set(manifest.handouts):
        where(("also",), "no layout in handouts prints two languages; add a bilingual one such as bilingual-a4 "
                         "(handouts list shows them as 'bilingual'), or leave also out")
    if bilingual and manifest.format != "pdf":
        where(("format",), f"layout '{bilingual[0]}' prints two languages, which only a PDF does; use format: pdf")
    if bilingual and not manifest.also and roster is not None and not row_languages:
        where(("handouts", manifest.handouts.index(bilingual[0])),
              f"layout '{bilingual[0]}' prints a routine beside its translation, but no second language is given; "
              "set also: LANG (e.g. also: es) or fill the roster's 'also' column")
    found: dict[tuple[str, str], tuple[str | None, list[Problem]]] = {}
    if not bilingual:
        return found
    languages = row_languages | ({manifest.also} if manifest.also else set())
    variants = {row.language for row in rows if row.language}
    keys = [k for rid in manifest.routines for k in (rid, *(variant_id(rid, lang) for lang in sorted(variants)))
            if k in docs]
    for key in dict.fromkeys(keys):
        for lang in sorted(languages):
            try:
                second = translation_into(docs[key], lang)
            except HandoutsError as exc:
                found[key, lang] = (None, list(exc.problems))
                if lang == manifest.also and key in manifest.routines:
                    for p in exc.problems:
                        if p.file == OPTION:
                            where(("also",), p.message)
                continue
            docs.setdefault(second.id, second)
            found[key, lang] = (second.id, [])
    return found


def _layout(library: LayoutLibrary, name: str, kind: str, loc: tuple, where, problems: list[Problem]) -> Layout | None:
    try:
        return library.choose(name, kind)[1]
    except LayoutChoice as exc:
        where(loc, str(exc))
    except HandoutsError as exc:
        problems.extend(exc.problems)
    return None


def _card_layouts(library: LayoutLibrary, manifest: BatchManifest, where, problems: list[Problem]) -> dict[str, Layout]:
    """The card layouts, checked against the sheet: a card that does not fit stops the batch."""
    from ..pipeline.render import card_imposition
    from ..render.sheet import check_options

    cards = manifest.cards
    assert cards is not None
    found: dict[str, Layout] = {}
    for i, name in enumerate(cards.layouts):
        layout = _layout(library, name, "card", ("cards", "layouts", i), where, problems)
        if layout is not None:
            found[name] = layout
    try:
        check_options(cards.sheet, cards.bleed, cards.flip)
    except HandoutsError as exc:
        for p in exc.problems:
            option = p.file.lstrip("-") if p.file in ("--sheet", "--bleed", "--flip") else "sheet"
            where(("cards", option), p.message.replace("leave --bleed out", "set bleed: 0"))
        return found
    for i, (name, layout) in enumerate(found.items()):
        try:
            card_imposition(layout, cards.sheet, cards.bleed, cards.flip, name)
        except HandoutsError as exc:
            for p in exc.problems:
                where(("cards", "layouts", cards.layouts.index(name)), p.message)
    return found


def variant_id(routine_id: str, language: str) -> str:
    """The id of a routine's translation: ``partner-neck`` in ``es`` is ``partner-neck-es``."""
    return f"{routine_id}-{language.lower()}"
