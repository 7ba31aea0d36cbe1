"""The Starlette application: routes, the guards every request passes, and plain error pages.

No error shows a traceback: a refused request gets a short page saying what
to do, a fault of the app one line asking to report it (the details stay in
the app's log on the terminal).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import routes_card, routes_class, routes_content, routes_handout
from .catalog import Catalog
from .drawer import Drawer
from .drawing import Where
from .forms import CsrfRefused
from .jobs import Jobs
from .pages import page, refusal
from .results import Results
from .security import BodyTooLarge, Csrf, Guard
from .settings import MAX_CLASS_BYTES, MAX_FORM_BYTES, MAX_RESULT_BYTES, MAX_RESULTS, Settings

log = logging.getLogger("handouts.web")

STATIC = {"web.css": "text/css; charset=utf-8", "progress.js": "text/javascript; charset=utf-8"}
"""The only files served as they are, by these fixed names."""


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        return page(request, "error.html", 404, status=404)
    data = (resources.files("handouts") / "data" / "web" / "static" / name).read_bytes()
    return Response(data, media_type=STATIC[name], headers={"cache-control": "private, max-age=300"})


def body_limit(path: str) -> int:
    return MAX_CLASS_BYTES if path == "/class" else MAX_FORM_BYTES


async def http_error(request: Request, exc: HTTPException) -> Response:
    return page(request, "error.html", exc.status_code, status=exc.status_code)


async def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
    return page(request, "refused.html", 403, status=403, which="csrf")


async def too_large(request: Request, exc: BodyTooLarge) -> Response:
    return page(request, "refused.html", 413, status=413, which="size")


async def fault(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    return page(None, "error.html", 500, status=500)


def create_app(settings: Settings | None = None) -> Guard:
    """The app for ``settings``; its private work folder is made now and removed when the app shuts down."""
    settings = settings or Settings()
    own_work = settings.work_dir is None
    work = Path(tempfile.mkdtemp(prefix="handouts-web-")) if own_work else settings.work_dir
    work.chmod(0o700)

    @asynccontextmanager
    async def lifespan(_app):
        app.state.drawer.start()
        yield
        app.state.drawer.stop()
        app.state.jobs.stop()
        if own_work:
            shutil.rmtree(work, ignore_errors=True)

    routes = [*routes_handout.routes, *routes_card.routes, *routes_class.routes, *routes_content.routes,
              Route("/static/{name:str}", static, methods=["GET"])]
    app = Starlette(debug=False, routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, CsrfRefused: csrf_refused,
                                        BodyTooLarge: too_large, Exception: fault})
    app.state.settings = settings
    app.state.work_dir = work
    app.state.csrf = Csrf()
    app.state.catalog = Catalog(settings.content_dir, settings.layouts_dir)
    app.state.where = Where(settings.content_dir, settings.layouts_dir, work)
    app.state.drawer = Drawer(settings.draw_workers)
    app.state.results = Results(MAX_RESULTS, MAX_RESULT_BYTES)
    app.state.jobs = Jobs(work, settings.content_dir, settings.layouts_dir, settings.batch_jobs)
    guarded = Guard(app, settings.allowed_hosts, body_limit, refusal)
    guarded.state = app.state  # tests and the server reach the app's state through the guard
    guarded.inner = app
    return guarded
