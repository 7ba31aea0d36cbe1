"""Class batches from the browser: a roster in, one PDF per good row out, bad rows named by line and field."""

from __future__ import annotations

import html
import io
import json
import re
import threading
import zipfile

import pytest
from pypdf import PdfReader

from pdfcheck import normalise

from .conftest import form_token
from .test_routes import field_errors

ROSTER = (
    "name,date,note,copies,dosage\n"
    "Ana López,21 November 2026,Go gently,1,Twice a day\n"
    "Ben O'Connor,,,2,\n"
    "Chloé Dubois,,,lots,\n"  # copies must be a number: this row fails, the others are built
    "Dmitri Ivanov (Дмитрий),,,1,\n"
)


def start(client, roster: str | None = ROSTER, upload: bool = False, **fields):
    data = {"csrf": form_token(client, "/class"), "routines": ["partner-neck"], "handouts": ["handout-a4"],
            **fields}
    files = None
    if upload:
        files = {"roster": ("class.csv", roster.encode("utf-8"), "text/csv")}
    elif roster is not None:
        data["roster_text"] = roster
    return client.post("/class", data=data, files=files, follow_redirects=False)


def finish(client, location: str) -> dict:
    job = client.app.state.jobs.get(location.rsplit("/", 1)[1])
    assert client.app.state.jobs.wait(job, 120), "the batch did not finish in time"
    return client.get(location + "/status").json()


def test_a_pasted_roster_builds_a_pdf_per_good_row_and_names_the_bad_one(client):
    r = start(client)
    assert r.status_code == 303 and re.fullmatch(r"/class/[A-Za-z0-9_-]{20,}", r.headers["location"])
    status = finish(client, r.headers["location"])
    assert status == {"state": "done", "total": 4, "built": 3, "failed": 1, "finished": 4, "percent": 100,
                      "zip": True, "combined": True}
    page = html.unescape(client.get(r.headers["location"]).text)
    assert re.search(r"<code>roster\.csv:4: copies: [^<]+</code>", page)
    assert "Download zip (3 files)" in page
    zipped = client.get(r.headers["location"] + "/class.zip")
    assert zipped.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as zf:
        names = sorted(zf.namelist())
        assert names == ["ana-lópez--partner-neck--handout-a4.pdf", "ben-o-connor--partner-neck--handout-a4.pdf",
                         "dmitri-ivanov-дмитрий--partner-neck--handout-a4.pdf"]
        texts = {n: normalise(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(zf.read(n))).pages))
                 for n in names}
    assert "Ana López" in texts[names[0]] and "Twice a day" in texts[names[0]]
    assert "Ben O'Connor" in texts[names[1]]
    combined = client.get(r.headers["location"] + "/combined.pdf")
    assert combined.headers["content-type"] == "application/pdf"
    pages = sum(len(PdfReader(io.BytesIO(zf_bytes)).pages) for zf_bytes in
                [zipfile.ZipFile(io.BytesIO(zipped.content)).read(n) for n in names])
    assert len(PdfReader(io.BytesIO(combined.content)).pages) == pages + pages // 3  # Ben's 2 copies


def test_an_uploaded_roster_with_card_sheets(client):
    r = start(client, "name\nAna\nBen\n", upload=True, card_layouts=["card-credit"], sheet="a4")
    assert r.status_code == 303
    assert finish(client, r.headers["location"])["built"] == 3
    with zipfile.ZipFile(io.BytesIO(client.get(r.headers["location"] + "/class.zip").content)) as zf:
        assert "cards--card-credit--a4.pdf" in zf.namelist() and len(zf.namelist()) == 3


def test_a_roster_without_a_name_column_builds_nothing_and_says_why(client):
    r = start(client, "student,date\nAna,\n")
    assert finish(client, r.headers["location"])["state"] == "failed"
    page = html.unescape(client.get(r.headers["location"]).text)
    assert "Nothing was built" in page and "roster.csv:1:" in page
    assert "/tmp/" not in page  # the app's private folder is not shown
    assert client.get(r.headers["location"] + "/class.zip").status_code == 404


@pytest.mark.parametrize("fields, roster, field, message", [
    ({"routines": []}, ROSTER, "routines", "choose at least one routine"),
    ({"routines": ["../../etc/passwd"]}, ROSTER, "routines", "choose routines from the list"),
    ({"handouts": ["x.yaml"]}, ROSTER, "handouts", "choose layouts from the list"),
    ({"handouts": []}, ROSTER, "handouts", "choose at least one handout layout or card layout"),
    ({}, None, "roster", "upload a roster CSV file or paste its rows"),
    ({}, "   ", "roster", "upload a roster CSV file or paste its rows"),
    ({"date": "d" * 61}, ROSTER, "date", "is too long (61 characters; at most 60)"),
])
def test_a_bad_class_form_is_refused_beside_its_field(client, fields, roster, field, message):
    r = start(client, roster, **fields)
    assert r.status_code == 422
    assert field_errors(r.text, field) == [message]


def test_a_roster_past_the_roster_limit_is_refused(client, monkeypatch):
    from handouts.web import routes_class

    monkeypatch.setattr(routes_class, "MAX_ROSTER_BYTES", 1000)
    r = start(client, "name\n" + "Ana\n" * 300, upload=True)
    assert r.status_code == 422 and "split the class into several rosters" in r.text


def test_classes_wait_their_turn_and_more_are_refused(client, monkeypatch):
    from handouts.web.jobs import Jobs
    from handouts.web.settings import MAX_QUEUED_CLASSES

    gate = threading.Event()
    real = Jobs._run

    def held(self, job):
        gate.wait(30)
        real(self, job)

    monkeypatch.setattr(Jobs, "_run", held)
    started = [start(client, "name\nAna\n") for _ in range(MAX_QUEUED_CLASSES + 1)]
    assert all(r.status_code == 303 for r in started)
    waiting = client.get(started[-1].headers["location"])
    assert "Waiting for the batch before it to finish" in waiting.text
    assert '<script src="/static/progress.js" defer></script>' in waiting.text
    refused = start(client, "name\nAna\n")
    assert refused.status_code == 503 and "A class batch is running" in refused.text
    gate.set()
    for r in started:
        assert finish(client, r.headers["location"])["state"] == "done"


def test_finished_classes_are_kept_up_to_a_bound_and_their_folders_removed(client, monkeypatch):
    from handouts.web import jobs as jobs_module

    monkeypatch.setattr(jobs_module, "MAX_KEPT_CLASSES", 2)
    locations = []
    for _ in range(4):
        r = start(client, "name\nAna\n")
        finish(client, r.headers["location"])
        locations.append(r.headers["location"])
    assert client.get(locations[0]).status_code == 404
    assert client.get(locations[-1]).status_code == 200
    assert len([p for p in client.app.state.work_dir.iterdir()]) <= 3


def test_status_is_json_and_unknown_jobs_are_not_found(client):
    r = client.get("/class/" + "a" * 22 + "/status")
    assert r.status_code == 404 and json.loads(r.text) == {"state": "unknown"}


def test_the_status_counts_items_as_they_finish(client):
    import time

    r = start(client, "name\n" + "".join(f"Person {i}\n" for i in range(8)), handouts=["handout-a4", "handout-letter"])
    location = r.headers["location"]
    seen = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(location + "/status").json()
        seen.add((status["state"], status["finished"]))
        if status["state"] == "done":
            break
        time.sleep(0.02)
    assert ("done", 16) in seen
    assert any(state == "running" and 0 < finished < 16 for state, finished in seen), seen


def test_a_fault_in_a_batch_is_one_plain_line(client, monkeypatch):
    import handouts.batch

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(handouts.batch, "run_batch", broken)
    r = start(client, "name\nAna\n")
    assert finish(client, r.headers["location"])["state"] == "failed"
    page = client.get(r.headers["location"]).text
    assert "could not finish this batch" in page and "secret detail" not in page and "Traceback" not in page


def test_a_class_runs_in_the_batch_worker_pool(make_app):
    """``handouts serve`` gives a class every core, as ``handouts batch`` does: the pool of worker processes."""
    from starlette.testclient import TestClient

    with TestClient(make_app(batch_jobs=2), base_url="http://127.0.0.1") as client:
        r = start(client, "name\nAna\nBen\nCara\nDan\n")
        status = finish(client, r.headers["location"])
        assert status["built"] == 4 and status["state"] == "done"
        assert client.app.state.jobs.get(r.headers["location"].rsplit("/", 1)[1]).workers == 2
        with zipfile.ZipFile(io.BytesIO(client.get(r.headers["location"] + "/class.zip").content)) as zf:
            assert len(zf.namelist()) == 4
