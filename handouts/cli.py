"""The command line: each command turns its options into a request for the pipeline.

Nothing here decides what a document contains or whether it may be written;
the one thing decided here is how an outcome ends the process (:func:`command`):
0 done, 1 an input is wrong (every problem printed as ``file:line: field:
message``), 130 interrupted.
"""

from __future__ import annotations

import errno
import functools
import gc
import json
import os
import sys
from pathlib import Path
from typing import Callable, Optional

import typer

from .errors import HandoutsError, Problem, inert

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn validated massage and self-care routines into print-ready handouts and pocket cards.",
    pretty_exceptions_enable=False,
)

DEFAULT_CONTENT = Path("content")
DEFAULT_LAYOUTS = Path("layouts")

LAYOUTS_HELP = "Your own layouts folder, on top of the shipped layouts (default: ./layouts when it exists)."
CONTENT_HELP = "Content folder (routines and clinic.yaml)."


def fail(exc: HandoutsError) -> None:
    """The one exit path for user errors: every problem on its own line, exit code 1."""
    for problem in exc.problems:
        typer.echo(str(problem), err=True)
    count = len(exc.problems)
    typer.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
    raise typer.Exit(code=1)


def command(fn: Callable) -> Callable:
    """Register ``fn`` as a command whose user errors and interruptions end the process the same way.

    A command may return an exit code (a batch that built some items and failed
    others returns 1 after its report)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        settle()
        try:
            code = fn(*args, **kwargs)
        except HandoutsError as exc:
            fail(exc)
        except KeyboardInterrupt:
            typer.echo("interrupted; nothing half-written was left behind", err=True)
            raise typer.Exit(code=130) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except OSError as exc:
            if not isinstance(exc.filename, (str, bytes, os.PathLike)):
                internal(exc)
            fail(HandoutsError(refused_path(exc)))
        except Exception as exc:  # noqa: BLE001 - a fault of handouts, not of the input: one line, no traceback
            internal(exc)
        if code:
            raise typer.Exit(code=code)

    return run


def internal(exc: BaseException) -> None:
    """A fault of handouts, not of the input: one line, no traceback, exit code 1."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    typer.echo(f"handouts: internal error ({type(exc).__name__}{': ' + inert(detail) if detail else ''}); "
               "please report this", err=True)
    raise typer.Exit(code=1) from None


def refused_path(exc: OSError) -> Problem:
    """A path the system refused (a name too long to look up, a folder not ours to read), named as given.

    Paths come from options and files; whichever check missed one, the user
    still gets the path and the reason, not an internal error."""
    from .pipeline.write import words

    name = os.fsdecode(exc.filename)
    if len(name) > 100:  # most likely the name refused as too long: its start and end say which
        name = f"{name[:40]}…{name[-40:]}"
    return Problem(name, None, "", "does not exist" if exc.errno == errno.ENOENT else words(exc))


def say(text: str) -> None:
    """Print lines that quote content (titles, descriptions) with any control character escaped,
    so a title cannot act on the terminal; line breaks between lines stay."""
    typer.echo("\n".join(inert(line) for line in text.split("\n")))


def own_layouts(option: Path | None) -> Path | None:
    """The clinic's layouts folder: the one named, else ./layouts when it exists."""
    if option is None:
        return DEFAULT_LAYOUTS if DEFAULT_LAYOUTS.is_dir() else None
    if not option.is_dir():
        raise HandoutsError(Problem("--layouts", None, "", f"folder {option} does not exist"))
    return option


def library(option: Path | None):
    from .layouts import LayoutLibrary

    return LayoutLibrary(own_layouts(option))


@app.command()
@command
def validate(
    paths: Optional[list[Path]] = typer.Argument(None, help="Files or folders (default: content/ and your layouts)."),
    layouts_dir: Optional[Path] = typer.Option(None, "--layouts", help=LAYOUTS_HELP),
) -> None:
    """Check routines, clinic profile, batch manifests and layouts: everything a build would refuse."""
    from .validate import validate_paths

    own = own_layouts(layouts_dir)
    targets = list(paths) if paths else [DEFAULT_CONTENT, *([own] if own else [])]
    report = validate_paths(targets, own, shipped=not paths)
    say(report)


@app.command()
@command
def build(
    routines: Optional[list[str]] = typer.Argument(None, help="Routine ids or content file paths (default: every routine in content/)."),
    layout: Optional[list[str]] = typer.Option(None, "--layout", "-l", help="Handout layout name; repeat for several (default: every handout layout)."),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder."),
    content_dir: Path = typer.Option(DEFAULT_CONTENT, "--content", help=CONTENT_HELP),
    layouts_dir: Optional[Path] = typer.Option(None, "--layouts", help=LAYOUTS_HELP),
    for_name: Optional[str] = typer.Option(None, "--for", help="Name of the person the handout is for."),
    date: Optional[str] = typer.Option(None, "--date", help="Date to print, as you want it written."),
    clinician: Optional[str] = typer.Option(None, "--clinician", help="Clinician name (default: from clinic.yaml)."),
    note: Optional[str] = typer.Option(None, "--note", help="Personal note; without one the notes box has lines to write on."),
    format: str = typer.Option("pdf", "--format", help="pdf, html (the accessible HTML twin) or both."),
    watch: bool = typer.Option(False, "--watch", help="Keep watching content/ and your layouts; rebuild what changes until Ctrl-C."),
    also: Optional[str] = typer.Option(None, "--also", help="Second language, e.g. es: each routine beside its translation, in the bilingual layouts (OUT/<routine-id>+<lang>--<layout>.pdf)."),
) -> None:
    """Build handouts: OUT/<routine-id>--<layout>.pdf (and .html), all written at the end, each atomically."""
    from .models import Personalisation
    from .pipeline.plan import formats_of
    from .pipeline.quality import quality_line
    from .pipeline.run import handout_request, run_jobs
    from .validation import validate_value

    formats = formats_of(format)
    personal = validate_value(Personalisation, dict(for_name=for_name, date=date, clinician=clinician, note=note),
                              {"for_name": "--for", "date": "--date", "clinician": "--clinician", "note": "--note"})
    if watch and also is not None:
        raise HandoutsError(Problem("--also", None, "", "bilingual handouts are built once, not watched; "
                                                        "leave out --watch"))
    if watch:
        from .watch import Request, watch as keep_watching

        keep_watching(Request(list(routines or []), list(layout or []), out, content_dir, own_layouts(layouts_dir),
                              personal, formats), echo=say)
        return
    jobs, content = handout_request(list(routines or []), list(layout or []), out, personal, content_dir,
                                    library(layouts_dir), formats, also)
    for path in run_jobs(jobs, content):
        typer.echo(str(path))
    docs = {id(doc): doc for job in jobs for doc in job.docs}
    for doc in docs.values():
        typer.echo(f"quality: {quality_line(doc)}")


@app.command()
@command
def preview(
    routine: str = typer.Argument(..., help="Routine id or content file path."),
    layout: Optional[str] = typer.Option(None, "--layout", "-l", help="Handout layout (default: handout-a4)."),
    page: Optional[int] = typer.Option(None, "--page", help="Only this page (default: every page)."),
    dpi: int = typer.Option(100, "--dpi", help="Resolution of the pictures, 30 to 300 dots per inch."),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder."),
    content_dir: Path = typer.Option(DEFAULT_CONTENT, "--content", help=CONTENT_HELP),
    layouts_dir: Optional[Path] = typer.Option(None, "--layouts", help=LAYOUTS_HELP),
) -> None:
    """Build a handout and write PNG pictures of its pages beside it: OUT/<routine-id>--<layout>--p<N>.png."""
    from .preview import preview as make_preview

    for path in make_preview(routine, layout, out, page=page, dpi=dpi, content_dir=content_dir,
                             library=library(layouts_dir)):
        typer.echo(str(path))


@app.command()
@command
def card(
    routines: Optional[list[str]] = typer.Argument(None, help="Routine ids or content file paths (default: every routine in content/)."),
    layout: Optional[list[str]] = typer.Option(None, "--layout", "-l", help="Card layout name; repeat for several (default: every card layout that suits the sheet)."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="Impose on a print sheet: a4, letter, avery-5371 or avery-c32011 (default: one page per card face)."),
    copies: Optional[int] = typer.Option(None, "--copies", help="Sets of cards per routine on the sheet (default: fill one sheet)."),
    bleed: str = typer.Option("0mm", "--bleed", help="Colour past the trim for print shops, e.g. 3mm (default: none)."),
    flip: str = typer.Option("long", "--flip", help="How the sheet turns over for the backs: long or short edge."),
    calibration: bool = typer.Option(False, "--calibration", help="Print a front/back registration test sheet instead of cards."),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder."),
    content_dir: Path = typer.Option(DEFAULT_CONTENT, "--content", help=CONTENT_HELP),
    layouts_dir: Optional[Path] = typer.Option(None, "--layouts", help=LAYOUTS_HELP),
) -> None:
    """Build pocket cards: OUT/<routine-id>--<layout>.pdf, or OUT/<routine-id>--<layout>--<sheet>.pdf on sheets."""
    from .pipeline.run import build_cards
    from .units import option_length

    written = build_cards(list(routines or []), list(layout or []), out, sheet=sheet, copies=copies,
                          bleed=option_length("--bleed", bleed), flip=flip, calibration=calibration,
                          content_dir=content_dir, library=library(layouts_dir))
    for path in written:
        typer.echo(str(path))


@app.command()
@command
def batch(
    manifest: Path = typer.Argument(..., help="Batch manifest (*.batch.yaml)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, max=256, help="Worker processes (default: all cores)."),
    force: bool = typer.Option(False, "--force", help="Rebuild everything, even files that are up to date."),
    shard: Optional[str] = typer.Option(None, "--shard", help="Build slice I of N (I counts from 0): roster rows whose index modulo N is I."),
    combined: bool = typer.Option(False, "--combined", help="Also write one print-ready PDF of everything, in roster order."),
    layouts_dir: Optional[Path] = typer.Option(None, "--layouts", help="Your own layouts folder (default: the manifest's layouts:, else ./layouts when it exists)."),
) -> int:
    """Build one personalised handout per roster row, routine and layout, plus the class card sheets."""
    from .batch import parse_shard, run_batch

    part = parse_shard(shard)
    explicit = own_layouts(layouts_dir) if layouts_dir is not None else None
    summary = run_batch(manifest, jobs=jobs, force=force, shard=part, combined=combined, layouts=explicit,
                        fallback_layouts=own_layouts(None))
    return summary.exit_code


@app.command("list")
@command
def list_(
    content_dir: Path = typer.Option(DEFAULT_CONTENT, "--content", help="Content folder."),
    layouts_dir: Optional[Path] = typer.Option(None, "--layouts", help=LAYOUTS_HELP),
) -> None:
    """List routines (id, audience, steps, languages, title) and layouts (shipped or your own)."""
    from .content import load_content
    from .translations import languages_by_id

    content = load_content([content_dir])
    lib = library(layouts_dir)
    layouts = lib.describe()
    typer.echo("Routines:")
    width = max(len(d.id) for d in content.routines)
    languages = {rid: ", ".join(codes) for rid, codes in languages_by_id(content.routines).items()}
    lang_width = max(len(v) for v in languages.values())
    for doc in sorted(content.routines, key=lambda d: d.id):
        r = doc.routine
        say(f"  {doc.id:<{width}}  {r.audience.value:<9}  {len(r.all_steps):>2} steps  "
            f"{languages[doc.id]:<{lang_width}}  {r.title}")
    typer.echo("Layouts:")
    lwidth = max((len(n) for n, _, _ in layouts), default=0)
    kwidth = max((len(k) for _, k, _ in layouts), default=0)
    for name, kind, description in layouts:
        origin = "own" if lib.origin(name) == "own" else "shipped"
        say(f"  {name:<{lwidth}}  {kind:<{kwidth}}  {origin:<7}  {description}".rstrip())


@app.command()
@command
def schema(
    which: str = typer.Argument("routine", help="routine, clinic, layout or batch."),
) -> None:
    """Print the JSON Schema of a content, layout or batch manifest file."""
    from .batch.manifest import BatchManifest
    from .layout_models import layout_file_schema
    from .models import Clinic, Routine

    schemas = {
        "routine": Routine.model_json_schema,
        "clinic": Clinic.model_json_schema,
        "layout": layout_file_schema,
        "batch": BatchManifest.model_json_schema,
    }
    if which not in schemas:
        raise HandoutsError(Problem("handouts", None, "", f"unknown schema '{which}'; choose one of: {', '.join(schemas)}"))
    typer.echo(json.dumps(schemas[which](), indent=2, ensure_ascii=False))


@app.command()
@command
def check(
    paths: Optional[list[Path]] = typer.Argument(None, help="Routine files or folders (default: content/)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON (stable shape, version 1)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too, not only on errors."),
    layout: str = typer.Option("handout-a4", "--layout", "-l", help="Layout whose sections the PEMAT items judge."),
    layouts_dir: Optional[Path] = typer.Option(None, "--layouts", help=LAYOUTS_HELP),
) -> int:
    """Check reading level, medical terms, safety rules and PEMAT-P items of each routine."""
    from .checks import check_routine, format_report, report_json
    from .content import load_content
    from .pipeline.preflight import preflight

    content = load_content(list(paths) if paths else [DEFAULT_CONTENT])
    sections = [s.value for s in library(layouts_dir).get(layout).sections]
    checks = [check_routine(doc, sections) for doc in sorted(content.routines, key=lambda d: d.id)]
    if as_json:
        typer.echo(json.dumps(report_json(checks, layout), indent=2, ensure_ascii=False))
    else:
        say(format_report(checks))
    # Characters no font prints are not part of the report, but a build refuses them all the same.
    glyphs = [p for p in preflight(content.routines, content.clinic, content.clinic_path)
              if not _is_safety(p)]
    if glyphs:
        raise HandoutsError(glyphs)
    if any(c.errors for c in checks) or (strict and any(c.warnings for c in checks)):
        return 1
    return 0


def _is_safety(problem: Problem) -> bool:
    from .checks.safety import known_rule_ids

    return problem.message.split(":", 1)[0] in set(known_rule_ids()) | {"unknown-waiver"}


@app.command()
@command
def init(
    folder: Path = typer.Argument(Path("."), help="Folder to set up (default: the current folder)."),
) -> None:
    """Write a starter clinic folder that builds as it is: clinic profile, a sample routine,
    a layout in your colours, and a class batch with a three-row roster."""
    from .starter import write_starter

    for path in write_starter(folder):
        typer.echo(str(path))
    typer.echo("next: edit content/clinic.yaml, then run 'handouts build' here")


@app.command()
@command
def serve(
    content_dir: Path = typer.Option(DEFAULT_CONTENT, "--content", help=CONTENT_HELP),
    layouts_dir: Optional[Path] = typer.Option(None, "--layouts", help=LAYOUTS_HELP),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this computer only)."),
    allow_host: Optional[list[str]] = typer.Option(None, "--allow-host", help="Another name the app may be reached by; repeat for several."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, max=256, help="Worker processes drawing documents and class batches (default: all cores)."),
) -> None:
    """Start the web app: pick a routine, type who it is for, preview and download; cards and classes too."""
    from .web.server import serve as run_server

    run_server(content_dir, own_layouts(layouts_dir), host, port, tuple(allow_host or ()), jobs)


def settle() -> None:
    """Start collecting garbage again, leaving what is loaded so far out of every collection.

    Start-up (libraries, models, content) makes many objects that live until
    the process ends; collecting while they are made, and walking them in every
    later collection, is wasted time for a command that runs once."""
    if not gc.isenabled():  # only a process started by main(); callers that embed the app keep their own
        gc.freeze()
        gc.enable()


def main() -> None:
    """Console-script entry point; the collector waits until a command starts (see :func:`settle`)."""
    gc.disable()
    try:
        app()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
