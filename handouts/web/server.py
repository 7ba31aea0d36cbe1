"""``handouts serve``: the web app on a local port, until Ctrl-C.

The socket is bound here, before uvicorn starts, so a port already in use is a
plain ``--port`` problem (exit code 1) instead of a log line from the server;
the app's private temporary folder goes when the server stops.
"""

from __future__ import annotations

import errno
import shutil
import socket
import sys
from pathlib import Path

from ..errors import HandoutsError, Problem
from .settings import LOOPBACK_HOSTS, MAX_CONNECTIONS, Settings

MIN_PORT, MAX_PORT = 1, 65535


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``, or a problem naming the option that chose it."""
    if not MIN_PORT <= port <= MAX_PORT:
        raise HandoutsError(Problem("--port", None, "", f"must be a port number from {MIN_PORT} to {MAX_PORT}"))
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise HandoutsError(Problem("--host", None, "", f"'{host}' is not an address of this computer")) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise HandoutsError(Problem("--port", None, "", f"port {port} is already in use; "
                                                            "choose another with --port")) from None
        raise HandoutsError(Problem("--host", None, "", f"cannot listen on {host}:{port} ({exc.strerror})")) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def exposed_warning(host: str) -> str | None:
    if host in LOOPBACK_HOSTS:
        return None
    return (f"warning: listening on {host}: anyone who can reach this computer on the network can make "
            "handouts with it; the app has no log-in. Use it only on a network you trust.")


def serve(content_dir: Path, layouts_dir: Path | None, host: str, port: int, allow_hosts: tuple[str, ...] = (),
          jobs: int = 0, echo=print) -> None:
    import uvicorn

    from .app import create_app

    if not content_dir.is_dir():
        raise HandoutsError(Problem("--content", None, "", f"folder {content_dir} does not exist"))
    sock = bind(host, port)
    warning = exposed_warning(host)
    if warning:
        echo(warning, file=sys.stderr)
    from ..batch.run import default_jobs

    app = create_app(Settings(content_dir=content_dir, layouts_dir=layouts_dir, host=host, batch_jobs=jobs,
                              draw_workers=jobs or default_jobs(), extra_hosts=allow_hosts))
    shown = f"[{host}]" if ":" in host else host
    echo(f"handouts: open http://{shown}:{sock.getsockname()[1]}/ in your browser; Ctrl-C stops the app")
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, lifespan="on",
                            limit_concurrency=MAX_CONNECTIONS)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        shutil.rmtree(app.state.work_dir, ignore_errors=True)  # also when the server stopped before its lifespan ran
