"""The Pocket card page: routine, card layout, print sheet, copies, bleed and flip; preview; download.

The values become the request ``handouts card`` makes
(:func:`handouts.pipeline.run.card_request`); its problems are shown beside
the fields they name.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import HandoutsError
from . import drawing
from .drawer import Lost
from .forms import Errors, one_of, posted, text
from .pages import page
from .routes_handout import attachment

FIELDS = {"routine", "layout", "sheet", "copies", "bleed", "flip"}
FLIPS = ("long", "short")


def sheet_names() -> list[str]:
    from ..render.sheet import SHEETS

    return list(SHEETS)


def _form_page(request: Request, snap, values: dict, errors: Errors | None = None, status: int = 200) -> Response:
    return page(request, "card.html", status, routines=snap.routines, layouts=snap.layouts.get("card", []),
                sheets=sheet_names(), values=values, errors=errors or Errors())


async def card_form(request: Request) -> Response:
    snap = await run_in_threadpool(request.app.state.catalog.snapshot)
    rid = request.query_params.get("routine")
    layouts = snap.layouts.get("card", [])
    values = {"routine": rid if rid in snap.docs else (snap.routines[0].id if snap.routines else ""),
              "layout": "card-credit" if "card-credit" in layouts else (layouts[0] if layouts else ""),
              "sheet": "", "copies": "", "bleed": "0mm", "flip": "long"}
    return _form_page(request, snap, values)


def whole_number(errors: Errors, name: str, value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or len(value) > 6:
        errors.say(name, "whole-number")
        return None
    return int(value)


async def card_post(request: Request) -> Response:
    state = request.app.state
    form = await posted(request)
    snap = await run_in_threadpool(state.catalog.snapshot)
    values = {k: text(form, k) for k in FIELDS}
    errors = Errors()
    routine = one_of(errors, "routine", values["routine"], list(snap.docs))
    layout = one_of(errors, "layout", values["layout"], snap.layouts.get("card", []), "card-layout")
    sheet = values["sheet"]
    if sheet is not None:
        sheet = one_of(errors, "sheet", sheet, sheet_names())
    flip = one_of(errors, "flip", values["flip"] or "long", list(FLIPS))
    copies = whole_number(errors, "copies", values["copies"])
    bleed = values["bleed"] or "0mm"
    download = text(form, "action") == "download"
    if not errors:
        try:
            result = await run_in_threadpool(state.drawer.run, drawing.cards, state.where, routine, layout, sheet,
                                             copies, bleed, flip, not download)
        except HandoutsError as exc:
            errors.add_problems(exc.problems, FIELDS)
        except (drawing.Busy, Lost) as exc:
            return page(request, "refused.html", 503, which="busy" if isinstance(exc, drawing.Busy) else "lost")
    if errors:
        return _form_page(request, snap, values, errors, 422)
    if download:
        return attachment(result)
    token = state.results.add(result)
    return RedirectResponse(f"/result/{token}", status_code=303)


routes = [
    Route("/card", card_form, methods=["GET"]),
    Route("/card", card_post, methods=["POST"]),
]
