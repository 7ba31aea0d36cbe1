"""50 handout requests at once against the real server: every one answered with its own PDF, in bounded time.

The latencies themselves are measured by ``bench/web_load.py`` (numbers in the
README); here only that none fails and all finish within the bound.
"""

from __future__ import annotations

import io
import re
import threading
import time

import httpx
from pypdf import PdfReader

from shipped import CONTENT_DIR

from .conftest import served

REQUESTS = 50
BOUND_SECONDS = 90
"""All fifty on 2 busy cores: they take about 5 s; the bound catches a hang, not a slowdown."""


def test_fifty_concurrent_handouts_all_succeed(tmp_path):
    from handouts.web import Settings, create_app

    app = create_app(Settings(content_dir=CONTENT_DIR, work_dir=tmp_path, draw_workers=2))  # as `handouts serve`
    with served(app) as url:
        first = httpx.get(url + "/handout")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', first.text).group(1)
        cookies = dict(first.cookies)
        answers: dict[int, httpx.Response | Exception] = {}
        gate = threading.Barrier(REQUESTS)

        def one(i: int) -> None:
            with httpx.Client(cookies=cookies, timeout=BOUND_SECONDS) as client:
                gate.wait()
                try:
                    answers[i] = client.post(url + "/handout", data={
                        "csrf": token, "routine": "partner-neck", "layout": "handout-a4",
                        "for_name": f"Person {i:03d}", "action": "download"})
                except httpx.HTTPError as exc:
                    answers[i] = exc

        began = time.monotonic()
        threads = [threading.Thread(target=one, args=(i,)) for i in range(REQUESTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(BOUND_SECONDS)
        took = time.monotonic() - began
    assert took < BOUND_SECONDS
    assert sorted(answers) == list(range(REQUESTS))
    failed = {i: a for i, a in answers.items() if isinstance(a, Exception) or a.status_code != 200}
    assert not failed
    assert all(a.content.startswith(b"%PDF-") for a in answers.values())
    for i in (0, 17, REQUESTS - 1):  # each request got its own person's handout
        page = PdfReader(io.BytesIO(answers[i].content)).pages[0].extract_text()
        assert f"Person {i:03d}" in page
