"""The Class pages: a roster (uploaded or pasted), routines and layouts, a progress bar, a zip.

The choices become a batch manifest in a folder of the app's own, and the
batch runs as ``handouts batch --combined`` runs: bad rows are reported with
their line and field, the other rows are built.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..batch.roster import MAX_ROSTER_BYTES
from .forms import Errors, choices, posted, text, upload
from .jobs import Full, Order
from .pages import page
from .routes_card import sheet_names
from .personal import personal_details
from .routes_handout import handout_layouts
from .settings import MAX_CLASS_BYTES

FIELDS = {"roster", "roster_text", "routines", "handouts", "card_layouts", "sheet", "date", "clinician", "note"}


def _form_page(request: Request, snap, values: dict, errors: Errors | None = None, status: int = 200) -> Response:
    return page(request, "class.html", status, routines=snap.routines, layouts=handout_layouts(snap),
                card_layouts=snap.layouts.get("card", []), sheets=sheet_names(), values=values,
                errors=errors or Errors(), roster_limit=MAX_ROSTER_BYTES)


async def class_form(request: Request) -> Response:
    snap = await run_in_threadpool(request.app.state.catalog.snapshot)
    layouts = handout_layouts(snap)
    values = {"routines": [], "handouts": ["handout-a4"] if "handout-a4" in layouts else layouts[:1],
              "card_layouts": [], "sheet": "a4"}
    return _form_page(request, snap, values)


def _picked(errors: Errors, name: str, wanted: list[str], allowed: list[str]) -> list[str]:
    unknown = [w for w in wanted if w not in allowed]
    if unknown:
        errors.say(name, f"not-in-list:{name}")
    return list(dict.fromkeys(w for w in wanted if w in allowed))


async def class_post(request: Request) -> Response:
    state = request.app.state
    form = await posted(request, max_part=MAX_CLASS_BYTES, max_files=1)
    snap = await run_in_threadpool(state.catalog.snapshot)
    errors = Errors()
    values = {"routines": choices(form, "routines"), "handouts": choices(form, "handouts"),
              "card_layouts": choices(form, "card_layouts"), "sheet": text(form, "sheet"),
              "roster_text": text(form, "roster_text"),
              **{k: text(form, k) for k in ("date", "clinician", "note")}}
    routines = _picked(errors, "routines", values["routines"], list(snap.docs))
    if not values["routines"]:
        errors.say("routines", "no-routine")
    handouts = _picked(errors, "handouts", values["handouts"], handout_layouts(snap))
    card_layouts = _picked(errors, "card_layouts", values["card_layouts"], snap.layouts.get("card", []))
    sheet = values["sheet"]
    if card_layouts and sheet not in sheet_names():
        errors.say("sheet", "no-card-sheet")
    if not values["handouts"] and not values["card_layouts"]:
        errors.say("handouts", "nothing-to-build")
    personal_details(errors, values)
    roster = await _roster(form, errors)
    if errors:
        return _form_page(request, snap, values, errors, 422)
    order = Order(routines, handouts, card_layouts, sheet if card_layouts else None,
                  values["date"], values["clinician"], values["note"])
    try:
        job = await run_in_threadpool(state.jobs.submit, roster, order)
    except Full:
        return page(request, "refused.html", 503, which="classes")
    return RedirectResponse(f"/class/{job.id}", status_code=303)


async def _roster(form, errors: Errors) -> bytes | None:
    """The roster's bytes, uploaded or pasted (not both), within the roster's own size limit."""
    file = upload(form, "roster")
    pasted = text(form, "roster_text")
    if file is not None and pasted is not None:
        errors.say("roster", "roster-twice")
        return None
    if file is not None:
        data = await file.read(MAX_ROSTER_BYTES + 1)
        await file.close()
    elif pasted is not None:
        data = pasted.encode("utf-8")
    else:
        errors.say("roster", "no-roster")
        return None
    if len(data) > MAX_ROSTER_BYTES:
        errors.say("roster", "roster-too-large", limit=MAX_ROSTER_BYTES)
        return None
    if not data.strip():
        errors.say("roster", "roster-empty")
        return None
    return data


def _job(request: Request):
    return request.app.state.jobs.get(request.path_params["job"])


async def class_status_page(request: Request) -> Response:
    job = _job(request)
    if job is None:
        return page(request, "error.html", 404, status=404)
    return page(request, "class_status.html", job=job, problems=[job.shown(p) for p in job.problems],
                refused=[job.shown(p) for p in job.refused])


async def class_status(request: Request) -> Response:
    job = _job(request)
    if job is None:
        return JSONResponse({"state": "unknown"}, status_code=404)
    return JSONResponse(job.status())


async def class_zip(request: Request) -> Response:
    job = _job(request)
    if job is None or not job.has_zip:
        return page(request, "error.html", 404, status=404)
    return FileResponse(request.app.state.jobs.zip_path(job), media_type="application/zip", filename="class.zip")


async def class_combined(request: Request) -> Response:
    job = _job(request)
    if job is None or not job.has_combined:
        return page(request, "error.html", 404, status=404)
    return FileResponse(request.app.state.jobs.combined_path(job), media_type="application/pdf",
                        filename="class-combined.pdf")


routes = [
    Route("/class", class_form, methods=["GET"]),
    Route("/class", class_post, methods=["POST"]),
    Route("/class/{job:str}", class_status_page, methods=["GET"]),
    Route("/class/{job:str}/status", class_status, methods=["GET"]),
    Route("/class/{job:str}/class.zip", class_zip, methods=["GET"]),
    Route("/class/{job:str}/combined.pdf", class_combined, methods=["GET"]),
]
