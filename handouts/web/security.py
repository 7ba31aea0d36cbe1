"""The guards every request passes: Host allow-list, body size, CSRF token, security headers.

Listening on 127.0.0.1 keeps other computers out, but not other web pages: any
site the front desk opens can make the browser post to localhost, and a name
that resolves to 127.0.0.1 (DNS rebinding) can even read the answers. So a
request is served only when its Host header names this computer (or the
``--host`` given), every form carries a token only our own pages know, and no
page may be framed or run a script from elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "handouts_csrf"
CSRF_FIELD = "csrf"

SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'; object-src 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def host_name(header: str) -> str:
    """The host of a Host header without its port: ``[::1]:8000`` is ``[::1]``, ``localhost:80`` is ``localhost``.

    Anything after the host but a port (``127.0.0.1:80@evil.example``) leaves the header whole, so it
    matches no allowed name."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        host, rest = (header[: end + 1], header[end + 1:]) if end > 0 else (header, "")
    elif header.count(":") == 1:
        host, rest = header.split(":")[0], ":" + header.split(":")[1]
    else:
        host, rest = header, ""
    if rest and not (rest.startswith(":") and rest[1:].isdigit() and len(rest) <= 6):
        return header
    return host


class Guard:
    """ASGI middleware: refuses a foreign Host (400) and a body over its limit (413), adds security headers.

    The body limit is checked on the declared length first and then on the bytes
    as they arrive, so a chunked upload cannot go past it either; ``limit_for``
    gives each path its limit."""

    def __init__(self, app: ASGIApp, allowed_hosts: set[str], limit_for, refuse):
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}
        self.limit_for = limit_for
        self.refuse = refuse  # (status, which) -> an ASGI response for a refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        send = _with_headers(send)
        if host_name(headers.get("host", "")) not in self.allowed:
            await self.refuse(400, "host")(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self.refuse(413, "size")(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not started:
                await self.refuse(413, "size")(scope, receive, send)


class BodyTooLarge(Exception):
    """The body grew past its limit while it was read."""


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
            if b"cache-control" not in names:
                extra.append((b"cache-control", b"no-store"))
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return wrapped


class Csrf:
    """Double-submit tokens: a random cookie per browser, and in each form its HMAC under a per-process secret.

    Another site can make the browser send our cookie, but cannot read it or our
    pages, so it cannot write the matching field. The secret lives only in this
    process: restarting the app makes old forms invalid, which is harmless."""

    def __init__(self, secret: bytes | None = None):
        self.secret = secret or secrets.token_bytes(32)

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(32)

    def token(self, cookie: str) -> str:
        return hmac.new(self.secret, cookie.encode("ascii", "replace"), hashlib.sha256).hexdigest()

    def valid(self, cookie: str | None, field: str | None) -> bool:
        if not cookie or not field or len(cookie) > 100 or len(field) > 100:
            return False
        return hmac.compare_digest(self.token(cookie), field)
