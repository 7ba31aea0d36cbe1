"""``handouts serve`` as a user starts it: it answers on 127.0.0.1, and its private folder goes when it stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from shipped import ROOT

from .conftest import free_port


def test_serve_answers_locally_and_cleans_up_when_stopped(tmp_path):
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "-m", "handouts", "serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.HTTPError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert r.status_code == 200 and "Pick a routine" in r.text
        (work,) = [p for p in tmp_path.iterdir() if p.name.startswith("handouts-web-")]
        assert work.stat().st_mode & 0o777 == 0o700
        assert httpx.get(f"http://127.0.0.1:{port}/", headers={"host": "rebind.example"}).status_code == 400
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 130  # Ctrl-C ends it as it ends every command
    assert f"open http://127.0.0.1:{port}/ in your browser" in out
    assert "warning" not in err and "Traceback" not in err
    assert not work.exists()
