"""Pages from templates: every word the browser shows is in ``handouts/data/web/``, none here.

Templates autoescape everything (routine text, names, messages are plain
text); each page gets the CSRF token of the browser that asked for it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from .security import CSRF_COOKIE

TEMPLATES = resources.files("handouts") / "data" / "web"


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


class Values(dict):
    """A form's values for a template: a field never filled in reads as empty, not as an error."""

    def __missing__(self, key):
        return None


def page(request: Request | None, template: str, code: int = 200, **data) -> HTMLResponse:
    """``template`` filled with ``data``; a browser without a CSRF cookie gets one with the page."""
    cookie = token = ""
    if request is not None:
        csrf = request.app.state.csrf
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        if not cookie or len(cookie) > 100:
            cookie = csrf.new_cookie()
            request.state.new_cookie = cookie
        token = csrf.token(cookie)
    if "values" in data:
        data["values"] = Values(data["values"])
    body = environment().get_template(template).render(csrf_token=token, **data)
    response = HTMLResponse(body, status_code=code)
    if request is not None and getattr(request.state, "new_cookie", None):
        response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", path="/")
    return response


def refusal(status: int, which: str):
    """The plain page for a request refused before it reaches a route (foreign Host, body too large)."""
    body = environment().get_template("refused.html").render(status=status, which=which, csrf_token="")
    return HTMLResponse(body, status_code=status)
