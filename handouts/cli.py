"""The command line: thin commands over the pipeline, one place that turns errors into exit codes."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .errors import HandoutsError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn validated massage and self-care routines into print-ready handouts and pocket cards.",
    pretty_exceptions_enable=False,
)

DEFAULT_CONTENT = Path("content")
DEFAULT_LAYOUTS = Path("layouts")


def fail(exc: HandoutsError) -> None:
    """The one exit path for user errors: every problem on its own line, exit code 1."""
    for problem in exc.problems:
        typer.echo(str(problem), err=True)
    count = len(exc.problems)
    typer.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
    raise typer.Exit(code=1)


@app.command()
def validate(
    paths: Optional[list[Path]] = typer.Argument(None, help="Files or folders (default: content/ and layouts/)."),
) -> None:
    """Check routines, clinic profile and layouts; report every problem with file, line and field."""
    settle()
    from .content import kind_of, load_content, yaml_files
    from .layouts import load_layouts_from

    targets = list(paths) if paths else [DEFAULT_CONTENT, DEFAULT_LAYOUTS]
    problems = []
    try:
        files = yaml_files(targets)
    except HandoutsError as exc:
        fail(exc)
    content_files = [f for f in files if kind_of(f) != "layout"]
    layout_files = [f for f in files if kind_of(f) == "layout"]
    routines = 0
    if content_files or not layout_files:
        try:
            content = load_content(content_files if content_files else targets)
            routines = len(content.routines)
        except HandoutsError as exc:
            problems.extend(exc.problems)
    if layout_files:
        try:
            load_layouts_from(layout_files)
        except HandoutsError as exc:
            problems.extend(exc.problems)
    batch_files = [f for f in content_files if kind_of(f) == "batch"]
    if batch_files:
        from .batch import check_manifest

        for f in batch_files:
            problems.extend(check_manifest(f))
    if problems:
        fail(HandoutsError(problems))
    batches = f", {len(batch_files)} batch manifest(s)" if batch_files else ""
    typer.echo(f"ok: {routines} routine(s), {len(layout_files)} layout file(s){batches} valid.")


@app.command()
def build(
    routines: Optional[list[str]] = typer.Argument(None, help="Routine ids or content file paths (default: every routine in content/)."),
    layout: Optional[list[str]] = typer.Option(None, "--layout", "-l", help="Handout layout name; repeat for several (default: every handout layout)."),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder."),
    content_dir: Path = typer.Option(DEFAULT_CONTENT, "--content", help="Content folder (routines and clinic.yaml)."),
    for_name: Optional[str] = typer.Option(None, "--for", help="Name of the person the handout is for."),
    date: Optional[str] = typer.Option(None, "--date", help="Date to print, as you want it written."),
    clinician: Optional[str] = typer.Option(None, "--clinician", help="Clinician name (default: from clinic.yaml)."),
    note: Optional[str] = typer.Option(None, "--note", help="Personal note; without one the notes box has lines to write on."),
) -> None:
    """Build handout PDFs: OUT/<routine-id>--<layout>.pdf, written atomically."""
    from .build import build as build_all, load_selection
    from .layouts import LayoutLibrary
    from .models import Personalisation

    wanted = list(routines or [])
    try:
        personal = Personalisation(for_name=for_name, date=date, clinician=clinician, note=note)
        library = LayoutLibrary()
        layouts = list(layout) if layout else library.buildable("handout")
        selection = load_selection(wanted, content_dir)
        settle()
        built = build_all(wanted, layouts, out, personal, content_dir, library, selection, quality=True)
    except HandoutsError as exc:
        fail(exc)
    for path in built.paths:
        typer.echo(str(path))
    for line in built.quality:
        typer.echo(f"quality: {line}")


@app.command()
def batch(
    manifest: Path = typer.Argument(..., help="Batch manifest (*.batch.yaml)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes (default: all cores)."),
    force: bool = typer.Option(False, "--force", help="Rebuild everything, even files that are up to date."),
    shard: Optional[str] = typer.Option(None, "--shard", help="Build slice I of N (I counts from 0): roster rows whose index modulo N is I."),
    combined: bool = typer.Option(False, "--combined", help="Also write one print-ready PDF of everything, in roster order."),
) -> None:
    """Build one personalised handout per roster row, routine and layout, plus the class card sheets."""
    settle()
    from .batch_state import parse_shard, quick_rerun

    try:
        part = parse_shard(shard)
        summary = None if force else quick_rerun(manifest, part, combined)
        if summary is None:
            from .batch import run_batch

            summary = run_batch(manifest, jobs=jobs, force=force, shard=part, combined=combined)
    except HandoutsError as exc:
        fail(exc)
    raise typer.Exit(code=summary.exit_code)


@app.command()
def card(
    routines: Optional[list[str]] = typer.Argument(None, help="Routine ids or content file paths (default: every routine in content/)."),
    layout: Optional[list[str]] = typer.Option(None, "--layout", "-l", help="Card layout name; repeat for several (default: every card layout that suits the sheet)."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="Impose on a print sheet: a4, letter, avery-5371 or avery-c32011 (default: one page per card face)."),
    copies: Optional[int] = typer.Option(None, "--copies", help="Sets of cards per routine on the sheet (default: fill one sheet)."),
    bleed: str = typer.Option("0mm", "--bleed", help="Colour past the trim for print shops, e.g. 3mm (default: none)."),
    flip: str = typer.Option("long", "--flip", help="How the sheet turns over for the backs: long or short edge."),
    calibration: bool = typer.Option(False, "--calibration", help="Print a front/back registration test sheet instead of cards."),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder."),
    content_dir: Path = typer.Option(DEFAULT_CONTENT, "--content", help="Content folder (routines and clinic.yaml)."),
) -> None:
    """Build pocket cards: OUT/<routine-id>--<layout>.pdf, or OUT/<routine-id>--<layout>--<sheet>.pdf on sheets."""
    settle()
    from pydantic_core import PydanticCustomError

    from .cards import build_cards
    from .errors import Problem
    from .layouts import LayoutLibrary
    from .units import parse_length

    try:
        try:
            bleed_pt = parse_length(bleed)
        except PydanticCustomError as exc:
            raise HandoutsError(Problem("--bleed", None, "", str(exc))) from None
        written = build_cards(list(routines or []), list(layout or []), out, sheet=sheet, copies=copies,
                              bleed=bleed_pt, flip=flip, calibration=calibration, content_dir=content_dir,
                              library=LayoutLibrary())
    except HandoutsError as exc:
        fail(exc)
    for path in written:
        typer.echo(str(path))


@app.command("list")
def list_(
    content_dir: Path = typer.Option(DEFAULT_CONTENT, "--content", help="Content folder."),
    layouts_dir: Path = typer.Option(DEFAULT_LAYOUTS, "--layouts", help="Layouts folder."),
) -> None:
    """List routines (id, title, audience, steps) and layouts."""
    settle()
    from .content import load_content
    from .layouts import LayoutLibrary

    try:
        content = load_content([content_dir])
        library = LayoutLibrary(layouts_dir)
        layouts = library.describe()
    except HandoutsError as exc:
        fail(exc)
    typer.echo("Routines:")
    width = max(len(d.id) for d in content.routines)
    for doc in sorted(content.routines, key=lambda d: d.id):
        r = doc.routine
        typer.echo(f"  {doc.id:<{width}}  {r.audience.value:<9}  {len(r.all_steps):>2} steps  {r.title}")
    typer.echo("Layouts:")
    lwidth = max((len(n) for n, _ in layouts), default=0)
    for name, kind in layouts:
        typer.echo(f"  {name:<{lwidth}}  {kind}")


@app.command()
def schema(
    which: str = typer.Argument("routine", help="routine, clinic, layout or batch."),
) -> None:
    """Print the JSON Schema of a content, layout or batch manifest file."""
    settle()
    from .batch_models import BatchManifest
    from .layout_models import layout_file_schema
    from .models import Clinic, Routine

    schemas = {
        "routine": Routine.model_json_schema,
        "clinic": Clinic.model_json_schema,
        "layout": layout_file_schema,
        "batch": BatchManifest.model_json_schema,
    }
    if which not in schemas:
        fail(HandoutsError(f"unknown schema '{which}'; choose one of: {', '.join(schemas)}"))
    typer.echo(json.dumps(schemas[which](), indent=2, ensure_ascii=False))


@app.command()
def check(
    paths: Optional[list[Path]] = typer.Argument(None, help="Routine files or folders (default: content/)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON (stable shape, version 1)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too, not only on errors."),
    layout: str = typer.Option("handout-a4", "--layout", "-l", help="Layout whose sections the PEMAT items judge."),
) -> None:
    """Check reading level, medical terms, safety rules and PEMAT-P items of each routine."""
    settle()
    from .checks import check_routine, format_report, report_json
    from .content import load_content
    from .layouts import LayoutLibrary

    try:
        content = load_content(list(paths) if paths else [DEFAULT_CONTENT])
        sections = [s.value for s in LayoutLibrary().get(layout).sections]
    except HandoutsError as exc:
        fail(exc)
    checks = [check_routine(doc, sections) for doc in sorted(content.routines, key=lambda d: d.id)]
    if as_json:
        typer.echo(json.dumps(report_json(checks, layout), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_report(checks))
    if any(c.errors for c in checks) or (strict and any(c.warnings for c in checks)):
        raise typer.Exit(code=1)


def settle() -> None:
    """Start collecting garbage again, leaving what is loaded so far out of every collection.

    Start-up (libraries, models, content) makes many objects that live until
    the process ends; collecting while they are made, and walking them in every
    later collection, is wasted time for a command that runs once."""
    if not gc.isenabled():  # only a process started by main(); callers that embed the app keep their own
        gc.freeze()
        gc.enable()


def main() -> None:
    """Console-script entry point.

    The garbage collector waits until a command has loaded what it needs
    (see :func:`settle`); on the way out, what is still alive is frozen out of
    its reach, since the process is ending. Output is flushed and exit
    handlers run as usual."""
    gc.disable()
    try:
        app()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
