"""The same 15-step handout drawn by handouts, by Typst and by a bare ReportLab canvas, in one run.

    .venv/bin/python bench/peers.py            # 5 warm rounds, 3 rounds of 1,000 handouts
    .venv/bin/python bench/peers.py --quick    # 3 warm rounds, 1 round of 1,000 handouts

The peers come from the shared peer harness (``../shared/bench-peers``, see its
README): ``typst_engine.py`` (Typst through its PyPI binding, each handout one
``typst.compile``) and ``rl_canvas.py`` (ReportLab's canvas with a hand-made,
memoised layout: the floor of what ReportLab can do). They run in the harness's
own virtual environment, named by ``PEERBENCH_PYTHON`` (default
``/tmp/pbvenv/bin/python``; ``python3 -m venv /tmp/pbvenv && /tmp/pbvenv/bin/pip
install typst==0.15.2 'reportlab[accel]==5.1.0' PyYAML``). handouts draws the
harness's ``peer-neck.routine.yaml``, the same content as a routine of ours, in
``handout-a4``, with no clinic profile (the peers have none).

Warm: each side in a fresh process renders two handouts, then the median of 20
more, each for a new name (the harness's own ``warm`` mode, and the same loop
for handouts through ``pipeline.render``, as ``build``, the web app and a batch
draw; once more with ``HANDOUTS_REUSE=off``, every page drawn for each name);
the rounds rotate the order, and the figure is the median over rounds. Per page divides by each side's own page count. Batch: 1,000 handouts
for different names on 2 processes, wall time from start to the last file:
``handouts batch --jobs 2``, and for each peer two processes drawing 500 each.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT.parent / "shared" / "bench-peers"
ROUTINE_FILE = HARNESS / "peer-neck.routine.yaml"
ROUTINE = "peer-neck"
LAYOUT = "handout-a4"
HANDOUTS = Path(sys.executable).with_name("handouts")
PYTHON = sys.executable
PEER_PYTHON = Path(os.environ.get("PEERBENCH_PYTHON", "/tmp/pbvenv/bin/python"))
PEERS = {"Typst": "typst_engine.py", "canvas floor": "rl_canvas.py"}
WARM_RUNS = 20
WHOLE = "handouts, drawn whole"
"""handouts with ``HANDOUTS_REUSE=off``: every page drawn for each name, as before a process kept
the pages one routine's handouts share (``render/reuse.py``)."""

OURS_WARM = r"""
import json, statistics, sys, time
from pathlib import Path
from handouts.content import load_content
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation
from handouts.pipeline.render import render_handout

content = load_content([Path(sys.argv[1])])
doc = content.by_id()[sys.argv[2]]
layout = LayoutLibrary().get(sys.argv[3])

def once(name):
    return render_handout(doc.routine, layout, sys.argv[3], Personalisation(for_name=name), content.clinic,
                          base_file=doc.path)

end = time.perf_counter() + 0.5  # as the harness does: the CPU at full speed before timing
while time.perf_counter() < end:
    sum(i * i for i in range(1000))
once("Student warmup 0"), once("Student warmup 1")
times = []
for i in range(int(sys.argv[4])):
    t = time.perf_counter(); pdf = once(f"Student {i + 1}"); times.append(time.perf_counter() - t)
Path(sys.argv[5]).write_bytes(pdf)
print(json.dumps({"ms": statistics.median(times) * 1000}))
"""

PEER_BATCH = r"""
import os, sys
here, out, first, last, engine = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
sys.path.insert(0, here)
os.chdir(here)
import common
module = __import__(engine[:-3])
data = common.load_content()
for n in range(first, last):
    module.render_handout(data, os.path.join(out, f"student-{n:04d}.pdf"), f"Student {n:04d}")
"""


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(path.read_bytes())).pages)


def run(cmd: list[str], cwd: Path = ROOT, env: dict | None = None) -> str:
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return out.stdout


def peer_env(tmp: Path) -> dict:
    return {**os.environ, "PEERBENCH_DIR": str(tmp / "peers")}


def content_folder(tmp: Path) -> Path:
    """The peer routine alone in a folder, as a routine file of ours (no clinic profile)."""
    folder = tmp / "content"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROUTINE_FILE, folder / f"{ROUTINE}.yaml")
    return folder


# ------------------------------------------------------------------ warm


def warm_round(tmp: Path, content: Path, order: list[str]) -> dict[str, float]:
    """One median warm render (ms) per side, each side in a fresh process, in ``order``."""
    got = {}
    for side in order:
        if side.startswith("handouts"):
            env = {**os.environ, "HANDOUTS_REUSE": "off" if side == WHOLE else "on"}
            out = run([PYTHON, "-c", OURS_WARM, str(content), ROUTINE, LAYOUT, str(WARM_RUNS), str(tmp / "ours.pdf")],
                      env=env)
            got[side] = json.loads(out.strip().splitlines()[-1])["ms"]
        else:
            out = run([str(PEER_PYTHON), PEERS[side], "warm"], cwd=HARNESS, env=peer_env(tmp))
            got[side] = json.loads(out.strip().splitlines()[-1])["H_ms_median_min_max_first"][0]
    return got


def warm(tmp: Path, content: Path, rounds: int) -> dict[str, float]:
    sides = ["handouts", WHOLE, *PEERS]
    per: dict[str, list[float]] = {s: [] for s in sides}
    for r in range(rounds):
        for side, ms in warm_round(tmp, content, sides[r % len(sides):] + sides[:r % len(sides)]).items():
            per[side].append(ms)
    return {s: statistics.median(v) for s, v in per.items()}


def page_counts(tmp: Path) -> dict[str, int]:
    counts = {"handouts": pages(tmp / "ours.pdf")}
    counts[WHOLE] = counts["handouts"]
    for side, script in PEERS.items():
        out = tmp / f"{script}.pdf"
        run([str(PEER_PYTHON), script, "handout", str(out)], cwd=HARNESS, env=peer_env(tmp))
        counts[side] = pages(out)
    return counts


# ------------------------------------------------------------------ 1,000 handouts on 2 processes


def manifest(tmp: Path, content: Path, rows: int) -> Path:
    folder = tmp / "batch"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roster.csv").write_text("name\n" + "".join(f"Student {i:04d}\n" for i in range(rows)), encoding="utf-8")
    path = folder / "peer.batch.yaml"
    path.write_text(f"content: {content}\nroutines: [{ROUTINE}]\nhandouts: [{LAYOUT}]\nroster: roster.csv\nout: out\n",
                    encoding="utf-8")
    return path


def batch_once(tmp: Path, side: str, batch: Path, rows: int, procs: int) -> float:
    start = time.perf_counter()
    if side == "handouts":
        run([str(HANDOUTS), "batch", str(batch), "--jobs", str(procs), "--force"], cwd=batch.parent)
        return time.perf_counter() - start
    out = tmp / f"batch-{PEERS[side]}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    share = [(k * rows // procs, (k + 1) * rows // procs) for k in range(procs)]
    children = [subprocess.Popen([str(PEER_PYTHON), "-c", PEER_BATCH, str(HARNESS), str(out), str(a), str(b), PEERS[side]],
                                 env=peer_env(tmp), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                for a, b in share]
    for child in children:
        _, err = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"{side} batch failed:\n{err[-3000:]}")
    seconds = time.perf_counter() - start
    if len(list(out.glob("*.pdf"))) != rows:
        raise SystemExit(f"{side} batch wrote {len(list(out.glob('*.pdf')))} files, not {rows}")
    return seconds


def batches(tmp: Path, content: Path, rows: int, procs: int, rounds: int) -> dict[str, float]:
    batch = manifest(tmp, content, rows)
    sides = ["handouts", *PEERS]
    per: dict[str, list[float]] = {s: [] for s in sides}
    for r in range(rounds):
        for side in sides[r % len(sides):] + sides[:r % len(sides)]:
            per[side].append(batch_once(tmp, side, batch, rows, procs))
    return {s: statistics.median(v) for s, v in per.items()}


# ------------------------------------------------------------------ report


def available() -> str | None:
    """Why the peers cannot run here, or None."""
    if not ROUTINE_FILE.is_file():
        return f"no peer harness at {HARNESS}"
    if not PEER_PYTHON.is_file():
        return f"no peer environment at {PEER_PYTHON} (set PEERBENCH_PYTHON; see this file's docstring)"
    probe = subprocess.run([str(PEER_PYTHON), "-c", "import typst, reportlab, yaml"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"{PEER_PYTHON} lacks typst, reportlab or PyYAML"
    return None


def versions() -> str:
    code = "import typst, reportlab; from importlib.metadata import version; print(version('typst'), reportlab.Version)"
    typst_version, rl_version = run([str(PEER_PYTHON), "-c", code]).split()
    return f"Typst (PyPI typst {typst_version}), ReportLab {rl_version} for the canvas floor"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds")
    ap.add_argument("--rows", type=int, default=1_000)
    ap.add_argument("--procs", type=int, default=2)
    args = ap.parse_args()
    missing = available()
    if missing:
        raise SystemExit(f"peers: {missing}")
    warm_rounds, batch_rounds = (3, 1) if args.quick else (5, 3)
    tmp = Path(tempfile.mkdtemp(prefix="handouts-peers-"))

    def say(what: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)

    sys.path.insert(0, str(ROOT / "bench"))
    from run import OtherLoad

    other = OtherLoad()
    try:
        content = content_folder(tmp)
        say(f"warm renders, {warm_rounds} rounds")
        w = other.measure("warm", lambda: warm(tmp, content, warm_rounds))
        n = page_counts(tmp)
        say(f"{args.rows:,} handouts on {args.procs} processes, {batch_rounds} rounds")
        b = other.measure("batch", lambda: batches(tmp, content, args.rows, args.procs, batch_rounds))
        peer_versions = versions()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    typst = "Typst"
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"{peer_versions}; medians of {warm_rounds} warm rounds (each the median of {WARM_RUNS} renders) and "
          f"{batch_rounds} batch rounds, interleaved. Other processes took this share of all CPUs: "
          f"{other.summary()}.\n")
    print("| measure | handouts | Typst | canvas floor | handouts ÷ Typst | target | |")
    print("|---|---|---|---|---|---|---|")
    pp = {s: w[s] / n[s] for s in w}
    print(f"| warm render of one handout | {w['handouts']:.1f} ms ({n['handouts']} pages) | {w[typst]:.1f} ms "
          f"({n[typst]} pages) | {w['canvas floor']:.1f} ms ({n['canvas floor']} pages) | "
          f"{w['handouts'] / w[typst]:.2f}× | – | – |")
    r = pp["handouts"] / pp[typst]
    print(f"| warm render, per page | {pp['handouts']:.1f} ms | {pp[typst]:.1f} ms | {pp['canvas floor']:.1f} ms | "
          f"{r:.2f}× | ≤ 0.8× | {'met' if r <= 0.8 else '**missed**'} |")
    r = pp[WHOLE] / pp[typst]
    print(f"| warm render, per page, every page drawn (`HANDOUTS_REUSE=off`) | {pp[WHOLE]:.1f} ms | {pp[typst]:.1f} ms | "
          f"{pp['canvas floor']:.1f} ms | {r:.2f}× | – | – |")
    r = b["handouts"] / b[typst]
    print(f"| {args.rows:,} personalised handouts, {args.procs} processes | {b['handouts']:.1f} s | {b[typst]:.1f} s | "
          f"{b['canvas floor']:.1f} s | {r:.2f}× | ≤ 0.5× | {'met' if r <= 0.5 else '**missed**'} |")
    per = {s: b[s] / (args.rows * n[s]) * 1000 for s in b}
    print(f"| the same, per page | {per['handouts']:.1f} ms | {per[typst]:.1f} ms | {per['canvas floor']:.1f} ms | "
          f"{per['handouts'] / per[typst]:.2f}× | – | – |")


if __name__ == "__main__":
    main()
