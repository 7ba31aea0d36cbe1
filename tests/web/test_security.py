"""The guards of the web app: Host allow-list, CSRF, size limits, no paths from requests, no tracebacks."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from .conftest import form_token


def handout_form(client, **fields) -> dict:
    return {"csrf": form_token(client, "/handout"), "routine": "partner-neck", "layout": "handout-a4",
            "action": "download", **fields}


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "",
                                  "192.168.1.20:8000", "127.0.0.1:8000@evil.example", "localhost:abc",
                                  "[::1]evil.example", "127.0.0.1:"])
def test_a_foreign_host_header_is_refused(client, host):
    r = client.get("/", headers={"host": host})
    assert r.status_code == 400
    assert "answers only at the address it was started on" in r.text


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000"])
def test_this_computers_names_are_served(client, host):
    assert client.get("/", headers={"host": host}).status_code == 200


def test_the_host_given_and_names_allowed_are_served(make_app):
    from starlette.testclient import TestClient

    app = make_app(host="192.168.1.20", extra_hosts=("clinic-pc",))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        for host in ("192.168.1.20:8000", "clinic-pc:8000"):
            assert client.get("/", headers={"host": host}).status_code == 200
        assert client.get("/", headers={"host": "other-pc"}).status_code == 400


def test_every_answer_carries_the_security_headers(client):
    for r in (client.get("/"), client.get("/nope"), client.get("/static/web.css"),
              client.get("/", headers={"host": "evil.example"})):
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-content-type-options"] == "nosniff"


def test_the_csrf_cookie_is_http_only_and_same_site(client):
    cookie = client.get("/handout").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


@pytest.mark.parametrize("path", ["/handout", "/card", "/class"])
def test_a_form_without_its_token_is_refused(client, path):
    client.get(path)
    r = client.post(path, data={"routine": "partner-neck"})
    assert r.status_code == 403
    assert "not sent from this app's own page" in r.text.replace("&#39;", "'")


def test_a_token_for_another_browser_or_a_forged_one_is_refused(client, make_app):
    data = handout_form(client)
    client.cookies.set("handouts_csrf", "another-browser")
    assert client.post("/handout", data=data).status_code == 403
    client.cookies.clear()
    assert client.post("/handout", data=data).status_code == 403  # no cookie at all
    fresh = handout_form(client)
    assert client.post("/handout", data={**fresh, "csrf": "0" * 64}).status_code == 403
    assert client.post("/handout", data=fresh).status_code == 200  # the real one still works


def test_a_form_posted_from_another_site_is_refused_even_with_a_token(client):
    data = handout_form(client)
    assert client.post("/handout", data=data, headers={"origin": "http://evil.example"}).status_code == 403
    assert client.post("/handout", data=data, headers={"origin": "http://127.0.0.1:8000"}).status_code == 200


def test_a_body_over_its_limit_is_refused_before_it_is_read(client):
    from handouts.web.settings import MAX_CLASS_BYTES, MAX_FORM_BYTES

    data = handout_form(client, note="n" * MAX_FORM_BYTES)
    r = client.post("/handout", data=data)
    assert r.status_code == 413 and "larger than the app accepts" in r.text
    r = client.post("/class", content=b"x" * (MAX_CLASS_BYTES + 1),
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


def test_a_body_without_a_length_is_cut_off_at_the_limit(client):
    from handouts.web.settings import MAX_FORM_BYTES

    token = form_token(client, "/handout")

    def chunks():
        yield f"csrf={token}&note=".encode()
        for _ in range(MAX_FORM_BYTES // 1024 + 2):
            yield b"n" * 1024

    r = client.post("/handout", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


def test_too_many_fields_or_files_are_refused(client):
    from handouts.web.settings import MAX_FIELDS

    token = form_token(client, "/class")
    fields = [("csrf", token)] + [("routines", f"r{i}") for i in range(MAX_FIELDS + 1)]
    r = client.post("/class", data=dict(fields[:1]), files=[(k, (None, v)) for k, v in fields[1:]])
    assert r.status_code == 400 and "Traceback" not in r.text
    files = [("roster", (f"r{i}.csv", b"name\nA\n", "text/csv")) for i in range(2)]
    r = client.post("/class", data={"csrf": token}, files=files)
    assert r.status_code == 400


@pytest.mark.parametrize("path", [
    "/static/..%2F..%2F..%2Fpyproject.toml", "/static/../../pyproject.toml", "/static/%2Fetc%2Fpasswd",
    "/thumb/..%2F..%2Fpyproject.png", "/thumb/%2Fetc%2Fpasswd.png", "/result/..%2F..%2Fetc%2Fpasswd",
    "/result/../../etc/passwd/download", "/class/..%2F..%2Fetc/class.zip", "/class/%2Fetc%2Fpasswd/status",
])
def test_a_path_in_an_address_reaches_no_file(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert b"[project]" not in r.content and b"root:" not in r.content


@pytest.mark.parametrize("routine", ["../content/partner-neck.yaml", "/etc/passwd", "partner-neck.yaml",
                                     "content/partner-neck.yaml"])
def test_a_path_in_a_form_reaches_no_file(client, routine):
    r = client.post("/handout", data=handout_form(client, routine=routine))
    assert r.status_code == 422 and "choose a routine from the list" in r.text


def test_the_app_writes_only_generated_names_in_its_own_folder(client, tmp_path):
    for name in ("../escape", "/tmp/x", "a/b"):
        client.post("/handout", data=handout_form(client, for_name=name))
    work = tmp_path / "work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
    assert list(work.iterdir()) == []  # handouts are made in memory; only class batches write


def test_a_fault_shows_a_plain_page_without_a_traceback(client, monkeypatch):
    from handouts.web import drawing

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail from deep inside")

    monkeypatch.setattr(drawing, "handout", broken)
    r = client.post("/handout", data=handout_form(client))
    assert r.status_code == 500
    assert "Something went wrong" in r.text
    assert "Traceback" not in r.text and "secret detail" not in r.text and "RuntimeError" not in r.text


def test_too_many_waiting_documents_are_told_to_try_again(client):
    from handouts.web import drawing
    from handouts.web.settings import MAX_WAITING_RENDERS

    data = handout_form(client)
    for _ in range(MAX_WAITING_RENDERS):
        drawing._waiting.acquire()
    try:
        r = client.post("/handout", data=data)
    finally:
        for _ in range(MAX_WAITING_RENDERS):
            drawing._waiting.release()
    assert r.status_code == 503 and "try again in a moment" in r.text


def test_results_are_bounded(client):
    from handouts.web.results import Result, Results

    store = Results(3, 1000)
    tokens = [store.add(Result(b"%PDF", f"{i}.pdf", "application/pdf")) for i in range(5)]
    assert len(store) == 3
    assert store.get(tokens[0]) is None and store.get(tokens[4]).filename == "4.pdf"
    assert store.get("../../etc/passwd") is None
    big = store.add(Result(b"x" * 600, "big.pdf", "application/pdf", pictures=(b"p" * 300,)))
    assert len(store) == 3 and store.get(big) is not None  # 900 bytes and two small ones fit in 1000
    huge = store.add(Result(b"x" * 5000, "huge.pdf", "application/pdf"))
    assert len(store) == 1 and store.get(huge) is not None  # the newest is kept even alone over the bound


def test_the_private_folder_is_0700_and_removed_when_the_app_stops():
    from starlette.testclient import TestClient

    from handouts.web import Settings, create_app
    from shipped import CONTENT_DIR

    app = create_app(Settings(content_dir=CONTENT_DIR))
    work = app.state.work_dir
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/").status_code == 200
        assert work.is_dir() and work.stat().st_mode & 0o777 == 0o700
    assert not work.exists()


def test_serve_refuses_a_port_in_use_plainly():
    from handouts.cli import app

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"--port: port {port} is already in use; choose another with --port" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, message", [
    (["--port", "70000"], "--port: must be a port number from 1 to 65535"),
    (["--content", "no-such-folder"], "--content: folder no-such-folder does not exist"),
])
def test_serve_refuses_bad_options_plainly(args, message):
    from handouts.cli import app

    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 1 and message in result.output


def test_listening_beyond_this_computer_warns():
    from handouts.web.server import exposed_warning

    assert exposed_warning("127.0.0.1") is None and exposed_warning("localhost") is None
    assert "anyone who can reach this computer" in exposed_warning("0.0.0.0")


@pytest.mark.parametrize("host, warned", [("0.0.0.0", True), ("127.0.0.1", False)])
def test_serve_warns_when_it_listens_beyond_this_computer(monkeypatch, host, warned):
    import uvicorn

    from handouts.cli import app

    from .conftest import free_port

    from handouts.web.settings import MAX_CONNECTIONS

    configs = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: configs.append(self.config))
    port = free_port()
    result = CliRunner().invoke(app, ["serve", "--host", host, "--port", str(port)])
    assert result.exit_code == 0
    assert configs[0].limit_concurrency == MAX_CONNECTIONS  # more connections are answered 503
    assert ("warning: listening on 0.0.0.0: anyone who can reach this computer" in result.output) is warned
    assert f"open http://{host}:{port}/ in your browser" in result.output


@pytest.mark.parametrize("path", ["/", "/handout", "/card", "/class", "/content", "/nope"])
def test_no_page_refers_to_anything_elsewhere(client, path):
    import re

    page = client.get(path).text
    links = re.findall(r'(?:href|src|action)="([^"]*)"', page)
    assert links and all(link.startswith(("/", "#")) and not link.startswith("//") for link in links), links


def test_the_web_files_name_no_outside_address():
    import re
    from importlib import resources

    web = resources.files("handouts") / "data" / "web"
    files = [p for p in web.iterdir() if p.is_file()] + list((web / "static").iterdir())
    assert len(files) >= 10
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!127\.0\.0\.1[:/])|//cdn", text), f.name  # only this computer is named


def test_one_field_past_its_limit_is_refused(client):
    from handouts.web.settings import MAX_FIELD_BYTES, MAX_FORM_BYTES

    assert MAX_FIELD_BYTES < MAX_FORM_BYTES
    data = handout_form(client)
    files = {"note": (None, "n" * (MAX_FIELD_BYTES + 1))}  # multipart, so the body is read part by part
    r = client.post("/handout", data=data, files=files)
    assert r.status_code == 400 and "could not be read" in r.text
    files = {"note": (None, "n" * 100)}
    assert client.post("/handout", data=data, files=files).status_code == 200


def test_a_worker_that_dies_is_reported_and_replaced():
    import os

    from handouts.web.drawer import Drawer, Lost

    drawer = Drawer(1)
    try:
        with pytest.raises(Lost):
            drawer.run(os._exit, 3)
        assert drawer.run(abs, -3) == 3  # a new pool took its place
    finally:
        drawer.stop()


def test_a_workers_problems_come_back_whole():
    from handouts.errors import HandoutsError, Problem
    from handouts.web.drawer import Drawer
    from handouts.web.drawing import Where, handout
    from handouts.models import Personalisation
    from shipped import CONTENT_DIR

    drawer = Drawer(1)
    try:
        with pytest.raises(HandoutsError) as caught:
            drawer.run(handout, Where(CONTENT_DIR, None, CONTENT_DIR.parent / "output"), "partner-neck",
                       "handout-a4", "pdf", Personalisation(for_name="Sam 😀"), False)
    finally:
        drawer.stop()
    assert caught.value.problems == [Problem("--for/--note", None, "for_name",
                                             "no font can print '😀' (U+1F600 GRINNING FACE)")]
