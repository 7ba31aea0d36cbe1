"""Reading a posted form within its limits, checking its CSRF token, and putting problems beside fields.

The pipeline names a wrong value by the command-line option it came from
(``--for``, ``--copies``); here each option is the form field of the same
meaning, so a message appears next to the box the user typed it in. Problems
of a routine or layout file keep their ``file:line: field: message`` form and
are shown above the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from ..errors import Problem
from .security import CSRF_COOKIE, CSRF_FIELD, host_name
from .settings import MAX_FIELD_BYTES, MAX_FIELDS

OPTION_FIELDS = {
    "--for": "for_name", "--date": "date", "--clinician": "clinician", "--note": "note", "--layout": "layout",
    "--format": "format", "--sheet": "sheet", "--copies": "copies", "--bleed": "bleed", "--flip": "flip",
    "--also": "also",
}
"""Each option the pipeline names in a problem, and the form field that gave its value."""


class CsrfRefused(Exception):
    """A form posted without this app's token for this browser (or from another site)."""


@dataclass(frozen=True)
class Say:
    """A message of the web pages themselves, by key: its words are in the templates (``messages.html``)."""

    key: str
    n: int | None = None
    limit: int | None = None


@dataclass
class Errors:
    """Messages by form field (the pipeline's words, or a :class:`Say`), and problems no field owns."""

    fields: dict[str, list[str | Say]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str | Say) -> None:
        found = self.fields.setdefault(name, [])
        if message not in found:
            found.append(message)

    def say(self, name: str, key: str, **numbers: int) -> None:
        self.add(name, Say(key, **numbers))

    def add_problems(self, problems: list[Problem], fields: set[str]) -> None:
        """Each problem beside the field it names, or above the form when no field of this form owns it."""
        for p in dict.fromkeys(problems):
            target = OPTION_FIELDS.get(p.file) or (p.file if p.file in fields else None)
            if target is None and p.file.startswith("--") and p.field in fields:
                target = p.field  # a character no font prints, in a personal detail ("--for/--note: for_name")
            if target in fields:
                self.add(target, p.message)
            else:
                self.general.append(str(p))

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


async def posted(request: Request, *, max_part: int = MAX_FIELD_BYTES, max_files: int = 0) -> FormData:
    """The form of a POST, read within its limits, once its CSRF token proved it came from our page."""
    origin = request.headers.get("origin")
    # Our pages send no referrer, so a browser may say "null" for them; a named foreign origin is refused at once.
    if origin is not None and origin != "null":
        if host_name(origin.split("://", 1)[-1]) not in request.app.state.settings.allowed_hosts:
            raise CsrfRefused()
    form = await request.form(max_files=max_files, max_fields=MAX_FIELDS, max_part_size=max_part)
    token = form.get(CSRF_FIELD)
    if not isinstance(token, str) or not request.app.state.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
        raise CsrfRefused()
    return form


def text(form: FormData, name: str) -> str | None:
    """A text field, stripped; None when empty or missing (an uploaded file where text belongs is missing)."""
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.replace("\r\n", "\n").strip()
    return value or None


def choices(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None


def one_of(errors: Errors, name: str, value: str | None, allowed: list[str], key: str | None = None) -> str | None:
    """``value`` when it is one of ``allowed``; otherwise "choose one from the list" beside the field
    (``key`` names the message when the field's name alone does not say which).

    Names chosen in a form go to the pipeline only from this list, never as typed:
    the layout library would read a value ending in .yaml as a file path."""
    if value in allowed:
        return value
    errors.say(name, f"not-in-list:{key or name}")
    return None
