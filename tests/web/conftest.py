"""The web app under test: through Starlette's TestClient, or served by uvicorn on a free local port."""

from __future__ import annotations

import re
import socket
import threading
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest

from shipped import CONTENT_DIR



def pytest_configure(config):
    # Starlette 1.x asks its TestClient's users to move to httpx2; httpx still works the same.
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")

TOKEN = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def csrf_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


@pytest.fixture
def make_app(tmp_path):
    from handouts.web import Settings, create_app

    def make(content: Path = CONTENT_DIR, **kwargs):
        kwargs.setdefault("batch_jobs", 1)
        return create_app(Settings(content_dir=content, work_dir=tmp_path / "work", **kwargs))

    (tmp_path / "work").mkdir()
    return make


@pytest.fixture
def client(make_app):
    from starlette.testclient import TestClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with TestClient(make_app(), base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
            yield c


def form_token(client, path: str) -> str:
    return csrf_of(client.get(path).text)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(app, port: int | None = None):
    """``app`` on http://127.0.0.1:PORT/ in a thread of this process, stopped on exit."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
