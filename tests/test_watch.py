"""`build --watch`: an edit rebuilds what it changes, a broken save is reported, watching goes on."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from handouts.watch import Request, plan_rebuild, watch
from shipped import CONTENT_DIR

TIMEOUT = 20.0


def folder(tmp: Path) -> Path:
    content = tmp / "content"
    content.mkdir()
    for name in ("self-neck-back.yaml", "partner-neck.yaml", "clinic.yaml"):
        shutil.copy(CONTENT_DIR / name, content / name)
    return content


def wait_for(condition, what: str) -> None:
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_plan_rebuild_names_only_what_changed(tmp_path):
    content = folder(tmp_path)
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "clinic-a4.yaml").write_text("extends: handout-a4\ndescription: ours\nbrand: {primary: '#5a2d82'}\n")
    (layouts / "other.yaml").write_text("extends: handout-letter\ndescription: other\n")
    request = Request([], [], tmp_path / "out", content, layouts)
    assert plan_rebuild(request, [content / "partner-neck.yaml"]) == [([str((content / "partner-neck.yaml").resolve())], [])]
    assert plan_rebuild(request, [layouts / "clinic-a4.yaml"]) == [([], ["clinic-a4"])]
    assert plan_rebuild(request, [content / "clinic.yaml"]) == [([], [])]
    named = Request(["self-neck-back"], ["handout-a4"], tmp_path / "out", content, layouts)
    assert plan_rebuild(named, [content / "partner-neck.yaml"]) == []
    assert plan_rebuild(named, [layouts / "clinic-a4.yaml"]) == []


def test_watch_rebuilds_after_a_change_and_survives_a_broken_save(tmp_path):
    content = folder(tmp_path)
    out = tmp_path / "out"
    lines: list[str] = []
    stop, ready = threading.Event(), threading.Event()
    request = Request([], ["handout-a4"], out, content)
    thread = threading.Thread(target=watch, args=(request, stop, lines.append, ready), daemon=True)
    thread.start()
    try:
        assert ready.wait(TIMEOUT)
        pdf = out / "partner-neck--handout-a4.pdf"
        other = out / "self-neck-back--handout-a4.pdf"
        assert pdf.exists() and other.exists()
        first, other_first = pdf.stat().st_mtime_ns, other.stat().st_mtime_ns
        routine = content / "partner-neck.yaml"
        good = routine.read_text()
        routine.write_text(good.replace("title: Neck and shoulder massage for a partner",
                                        "title: Neck and shoulder massage for a friend", 1))
        wait_for(lambda: pdf.stat().st_mtime_ns != first, "the rebuilt PDF")
        assert other.stat().st_mtime_ns == other_first, "an unchanged routine was rebuilt"
        routine.write_text(good.replace("audience: partner", "audience: robots", 1))
        wait_for(lambda: any("audience" in line and "partner-neck.yaml:" in line for line in lines), "the problem")
        mtime = pdf.stat().st_mtime_ns
        routine.write_text(good)
        wait_for(lambda: pdf.stat().st_mtime_ns != mtime, "the build after the fix")
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert not thread.is_alive()


def test_ctrl_c_ends_watching_with_130(tmp_path):
    content = folder(tmp_path)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "handouts", "build", "--watch", "-l", "handout-a4",
                             "--content", str(content), "--out", str(tmp_path / "out")],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        seen = []
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            line = proc.stdout.readline()
            seen.append(line)
            if line.startswith("watching "):
                break
        assert seen[-1].startswith("watching "), seen
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "interrupted; nothing half-written was left behind"


def test_watching_a_missing_folder_is_refused(tmp_path):
    from typer.testing import CliRunner

    from handouts.cli import app

    result = CliRunner().invoke(app, ["build", "--watch", "--content", str(tmp_path / "nope"), "--out",
                                      str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"--content: folder {tmp_path / 'nope'} does not exist", "1 problem found."]
