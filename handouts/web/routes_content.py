"""The Content page: each routine's reading grade, PEMAT score and safety rules, and every broken file.

The same checks as ``handouts check`` and ``handouts validate``; a problem is
shown as those commands print it, ``file:line: field: message``.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import HandoutsError
from .pages import page

PEMAT_LAYOUT = "handout-a4"


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    audience: str
    language: str
    reading: str
    reading_ok: bool
    pemat: int
    pemat_ok: bool
    rules_passed: int
    rules_waived: int
    rules_failed: list[str]
    warnings: int


def report(catalog) -> tuple[list[Row], list[str]]:
    """A row per routine that loads, and every problem ``handouts validate`` finds, as text."""
    from ..checks import check_routine
    from ..checks.languages import describe
    from ..checks.pemat import PEMAT_TARGET
    from ..validate import validate_paths

    snap = catalog.snapshot()
    library = catalog.library()
    try:
        sections = [s.value for s in library.get(PEMAT_LAYOUT).sections]
    except HandoutsError:
        sections = None
    rows = []
    for info in snap.routines:
        check = check_routine(snap.docs[info.id], sections)
        read = check.readability
        reading = describe(read.scores)[0] if read.scores else "not measured"
        failed = [f"{r.rule}: {r.message}" for r in check.safety if not r.passed and not r.waived]
        rows.append(Row(info.id, info.title, info.audience, info.language, reading,
                        bool(read.scores) and read.grade_ok, check.pemat.score, check.pemat.score >= PEMAT_TARGET,
                        sum(1 for r in check.safety if r.passed), sum(1 for r in check.safety if r.waived),
                        failed, len(check.warnings)))
    problems: list[str] = []
    targets = [catalog.content_dir, *([catalog.layouts_dir] if catalog.layouts_dir else [])]
    try:
        validate_paths(targets, catalog.layouts_dir, shipped=True)
    except HandoutsError as exc:
        problems = [str(p) for p in dict.fromkeys(exc.problems)]
    return rows, problems


def checked(catalog) -> tuple[list[Row], list[str]]:
    """:func:`report`, taking its turn with the documents being drawn: the checks read the same fonts."""
    from .drawing import turn

    with turn():
        return report(catalog)


async def content_page(request: Request) -> Response:
    from .drawing import Busy

    try:
        rows, problems = await run_in_threadpool(checked, request.app.state.catalog)
    except Busy:
        return page(request, "refused.html", 503, which="busy")
    return page(request, "content.html", rows=rows, problems=problems,
                folder=str(request.app.state.catalog.content_dir))


routes = [Route("/content", content_page, methods=["GET"])]
