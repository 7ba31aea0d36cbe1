"""The Handout pages: pick a routine and a layout, type who it is for, preview the pages, download.

The form's values become the same request ``handouts build`` makes
(:func:`handouts.pipeline.run.handout_request`), so a value the command
refuses is refused here with the same words, beside its field.
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import HandoutsError
from . import drawing
from .drawer import Lost
from .forms import Errors, one_of, posted, text
from .pages import page
from .results import Result
from .personal import personal_details
from .settings import THUMBNAIL_DPI
from .thumbnails import thumbnail_for

FIELDS = {"routine", "layout", "also", "format", "for_name", "date", "clinician", "note", "dosage"}
FORMATS = ("pdf", "html")
DEFAULT_LAYOUT = "handout-a4"
MAX_LANGUAGE = 35
"""The longest second language taken (a language tag such as es-419 is far shorter); longer is refused
before the pipeline would repeat it in its message."""


def handout_layouts(snap) -> list[str]:
    return snap.layouts.get("handout", []) + snap.layouts.get("sheet", [])


def second_languages(snap) -> list[tuple[str, str]]:
    """(code, English name) of every language some routine can be printed beside; whether the chosen
    routine has that translation is the pipeline's to say, in the words of ``build --also``."""
    from babel import Locale, UnknownLocaleError

    codes = sorted({code for r in snap.routines for code in r.also})
    named = []
    for code in codes:
        try:
            named.append((code, Locale.parse(code).get_display_name("en") or code))
        except (ValueError, UnknownLocaleError):
            named.append((code, code))
    return named


async def home(request: Request) -> Response:
    snap = await run_in_threadpool(request.app.state.catalog.snapshot)
    return page(request, "home.html", routines=snap.routines, broken=len(snap.problems))


async def thumb(request: Request) -> Response:
    rid = request.path_params["routine"]
    state = request.app.state
    snap = await run_in_threadpool(state.catalog.snapshot)
    layouts = handout_layouts(snap)
    if rid not in snap.docs or not layouts:
        return page(request, "error.html", 404, status=404)
    layout = DEFAULT_LAYOUT if DEFAULT_LAYOUT in layouts else layouts[0]
    try:
        png = await run_in_threadpool(thumbnail_for, state, snap, rid, layout, THUMBNAIL_DPI)
    except (HandoutsError, drawing.Busy, Lost):
        png = None
    if png is None:
        return page(request, "error.html", 404, status=404)
    return Response(png, media_type="image/png", headers={"cache-control": "private, max-age=60"})


def _form_page(request: Request, snap, values: dict, errors: Errors | None = None, status: int = 200) -> Response:
    return page(request, "handout.html", status, routines=snap.routines, layouts=handout_layouts(snap),
                sheets=snap.layouts.get("sheet", []), bilingual=snap.layouts.get("bilingual", []),
                languages=second_languages(snap), values=values, errors=errors or Errors())


async def handout_form(request: Request) -> Response:
    snap = await run_in_threadpool(request.app.state.catalog.snapshot)
    rid = request.query_params.get("routine")
    layouts = handout_layouts(snap)
    values = {"routine": rid if rid in snap.docs else (snap.routines[0].id if snap.routines else ""),
              "layout": DEFAULT_LAYOUT if DEFAULT_LAYOUT in layouts else (layouts[0] if layouts else ""),
              "format": "pdf"}
    return _form_page(request, snap, values)


async def handout_post(request: Request) -> Response:
    state = request.app.state
    form = await posted(request)
    snap = await run_in_threadpool(state.catalog.snapshot)
    values = {k: text(form, k) for k in FIELDS}
    errors = Errors()
    routine = one_of(errors, "routine", values["routine"], list(snap.docs))
    layout = one_of(errors, "layout", values["layout"], handout_layouts(snap) + snap.layouts.get("bilingual", []))
    fmt = one_of(errors, "format", values["format"] or "pdf", list(FORMATS))
    if values["also"] is not None and len(values["also"]) > MAX_LANGUAGE:
        errors.say("also", "too-long", n=len(values["also"]), limit=MAX_LANGUAGE)
    language = snap.docs[routine].routine.language if routine in snap.docs else "en"
    personal = personal_details(errors, values, language)  # the dosage's label in the routine's language
    download = text(form, "action") == "download"
    if not errors:
        try:
            result = await run_in_threadpool(state.drawer.run, drawing.handout, state.where, routine, layout, fmt,
                                             personal, not download, values["also"])
        except HandoutsError as exc:
            errors.add_problems(exc.problems, FIELDS)
        except (drawing.Busy, Lost) as exc:
            return page(request, "refused.html", 503, which="busy" if isinstance(exc, drawing.Busy) else "lost")
    if errors:
        return _form_page(request, snap, values, errors, 422)
    if download or fmt == "html":
        return attachment(result)
    token = state.results.add(result)
    return RedirectResponse(f"/result/{token}", status_code=303)


def attachment(result: Result) -> Response:
    """The document as a download, under the generated name ``<routine-id>--<layout>.pdf``
    (``<routine-id>+<lang>--<layout>.pdf`` beside a translation)."""
    name = re.sub(r"[^A-Za-z0-9._+-]", "-", result.filename)
    return Response(result.data, media_type=result.media_type,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


async def result_page(request: Request) -> Response:
    token = request.path_params["token"]
    result = request.app.state.results.get(token)
    if result is None:
        return page(request, "error.html", 404, status=404)
    return page(request, "result.html", token=token, result=result, shown=len(result.pictures))


async def result_download(request: Request) -> Response:
    result = request.app.state.results.get(request.path_params["token"])
    if result is None:
        return page(request, "error.html", 404, status=404)
    return attachment(result)


async def result_picture(request: Request) -> Response:
    result = request.app.state.results.get(request.path_params["token"])
    number = request.path_params["page"]
    if result is None or not 1 <= number <= len(result.pictures):
        return page(request, "error.html", 404, status=404)
    return Response(result.pictures[number - 1], media_type="image/png")


routes = [
    Route("/", home, methods=["GET"]),
    Route("/thumb/{routine:str}.png", thumb, methods=["GET"]),
    Route("/handout", handout_form, methods=["GET"]),
    Route("/handout", handout_post, methods=["POST"]),
    Route("/result/{token:str}", result_page, methods=["GET"]),
    Route("/result/{token:str}/download", result_download, methods=["GET"]),
    Route("/result/{token:str}/page/{page:int}.png", result_picture, methods=["GET"]),
]
