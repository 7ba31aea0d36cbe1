"""Benchmark: a class batch with the shared pages drawn once (handouts.render.reuse) against
every handout drawn whole, and against Typst on the same content.

    .venv/bin/python bench/reuse.py                  # 1,000 rows on and off, memory at 1,000 and 5,000, Typst
    .venv/bin/python bench/reuse.py --rows 200 --memory-rows 200,1000 --no-peers   # quicker

Each batch is ``handouts batch`` (``run_batch``) in a fresh process with 2
workers and ``--force``: one personalised ``partner-neck`` handout (A4) per row,
"Student N" and the class's date, as the peer harness personalises its 100. It
prints wall seconds, milliseconds per handout and per page, each worker's peak
memory (the highest of the workers' own high-water marks), and the ratios.

Typst: the peer harness (``../shared/bench-peers``, its README says how to set
up its Python) renders its own 15-step neck handout; here two processes of that
Python render half the rows each, with a different "Prepared for" line each, at
the same time: the same count on the same 2 cores, timed from starting the
processes to their end, as the batch is timed from its start (workers
starting, fonts loading) to its end. ``peer-neck`` (the harness's
content as a routine of ours) is measured too, for a like-for-like page count.
"""

from __future__ import annotations

import argparse
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
PEERS = ROOT.parent / "shared" / "bench-peers"
PYTHON = sys.executable

DRIVER = r"""
import json, sys
from pathlib import Path
from handouts.batch.run import run_batch

class Quiet:
    def begin(self, *a): pass
    def item(self, *a): pass
    def end(self, summary): pass

summary = run_batch(Path(sys.argv[1]), jobs=2, force=True, reporter=Quiet())
assert summary.failed == 0, summary.problems[:3]
print(json.dumps({"seconds": summary.seconds, "built": summary.built, "peak_kb": summary.peak_rss_kb}))
"""

TYPST = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
import common as C, typst_engine as T
data = C.load_content()
out, first, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for n in range(first, first + count):
    T.render_handout(data, os.path.join(out, f"student_{n:05d}.pdf"), f"Student {n}")
"""


def folder(rows: int, routine: str, work: Path) -> Path:
    """A class of ``rows`` students of ``routine`` (A4), its content, and its manifest."""
    content = work / "content"
    content.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "content" / "clinic.yaml", content / "clinic.yaml")
    if routine == "peer-neck":
        shutil.copy(PEERS / "peer-neck.routine.yaml", content / "peer-neck.yaml")
    else:
        shutil.copy(ROOT / "content" / f"{routine}.yaml", content / f"{routine}.yaml")
    (work / "roster.csv").write_text("name\n" + "".join(f"Student {n}\n" for n in range(1, rows + 1)), encoding="utf-8")
    manifest = work / "class.batch.yaml"
    manifest.write_text(f"title: Bench\ncontent: content\nroutines: [{routine}]\nhandouts: [handout-a4]\n"
                        "roster: roster.csv\nout: out\ndate: 14 March 2026\n", encoding="utf-8")
    return manifest


def timed(cmd: list[str], env: dict, cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the process and every process it waited for: the workers)
    and what it printed."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=err)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        if proc.returncode:
            err.seek(0)
            raise SystemExit(err.read().decode()[-2000:])
    return wall, usage.ru_utime + usage.ru_stime, out.decode()


def batch(manifest: Path, reuse: bool) -> dict:
    env = dict(os.environ, HANDOUTS_REUSE="on" if reuse else "off")
    wall, cpu, out = timed([PYTHON, "-c", DRIVER, str(manifest)], env, ROOT)
    result = json.loads(out.strip().splitlines()[-1])
    result["cpu"] = cpu
    result["seconds"] = wall
    pdf = next((manifest.parent / "out").glob("*.pdf"))
    from pypdf import PdfReader

    result["pages"] = len(PdfReader(pdf).pages)
    return result


PAIR = r"""
import subprocess, sys
half = int(sys.argv[3]) // 2
procs = [subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2], sys.argv[4], str(first), str(count)])
         for first, count in ((1, half), (half + 1, int(sys.argv[3]) - half))]
sys.exit(max(p.wait() for p in procs))
"""


def typst(rows: int, python: str, work: Path) -> dict | None:
    """Typst on 2 processes, ``rows`` handouts in all; None when the peer harness is not set up."""
    if not Path(python).exists() or not PEERS.exists():
        return None
    out = work / "typst"
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PEERBENCH_DIR=str(work / "peerbench"))
    wall, cpu, _ = timed([python, "-c", PAIR, TYPST, str(PEERS), str(rows), str(out)], env, PEERS)
    from pypdf import PdfReader

    return {"seconds": wall, "cpu": cpu, "pages": len(PdfReader(next(out.glob("student_*.pdf"))).pages)}


def line(name: str, r: dict, rows: int) -> str:
    per = r["seconds"] / rows * 1000
    mem = f"{r['peak_kb'] / 1024:.0f} MiB" if r.get("peak_kb") else "-"
    return (f"| {name} | {r['seconds']:.2f} s | {r['cpu']:.2f} s | {per:.2f} ms | {per / r['pages']:.2f} ms "
            f"({r['pages']} pages) | {mem} |")


def median(runs: list[dict]) -> dict:
    """Each figure's median over the runs."""
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def warm(rounds: int, python: str, no_peers: bool) -> None:
    """One handout drawn again and again in one process, each for another name (so nothing can
    hand back a whole cached document), against Typst's warm render of the peer harness."""
    sys.path.insert(0, str(ROOT))
    from handouts.content import load_content
    from handouts.fonts import register_all
    from handouts.layouts import LayoutLibrary
    from handouts.models import Personalisation
    from handouts.render import reuse
    from handouts.render.handout import HandoutInput, HandoutRenderer

    register_all()
    content = load_content([ROOT / "content"])
    doc = content.by_id()["partner-neck"]
    layout = LayoutLibrary().get("handout-a4")

    def data(n: int) -> HandoutInput:
        return HandoutInput(doc.routine, layout, "handout-a4", Personalisation(for_name=f"Student {n}", date="14 March 2026"),
                            content.clinic, base_file=doc.path, clinic_file=content.clinic_path)
    from pypdf import PdfReader
    import io

    pages = len(PdfReader(io.BytesIO(HandoutRenderer(data(0)).render())).pages)
    times: dict[str, list[float]] = {"reuse": [], "full": []}
    fns = {"reuse": lambda n: reuse.render_handout(data(n)), "full": lambda n: HandoutRenderer(data(n)).render()}
    for n in range(3):
        fns["reuse"](n), fns["full"](n)
    for n in range(rounds * 10):
        for key in (list(fns) if n % 2 else list(fns)[::-1]):
            start = time.perf_counter()
            fns[key](n + 10)
            times[key].append(time.perf_counter() - start)
    ms = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(f"\nwarm render of one partner-neck handout ({pages} pages), median of {rounds * 10}: "
          f"reuse {ms['reuse']:.2f} ms ({ms['reuse'] / pages:.2f} ms a page), full {ms['full']:.2f} ms "
          f"({ms['full'] / pages:.2f} ms a page)")
    if no_peers or not Path(python).exists():
        return
    env = dict(os.environ, PEERBENCH_DIR=tempfile.mkdtemp(prefix="peerbench-"))
    _, _, out = timed([python, str(PEERS / "typst_engine.py"), "warm"], env, PEERS)
    typst_ms = json.loads(out.strip().splitlines()[-1])["H_ms_median_min_max_first"][0]
    typst_pages = 4
    print(f"Typst warm render (peer harness, median): {typst_ms:.2f} ms ({typst_ms / typst_pages:.2f} ms a page, "
          f"{typst_pages} pages); ours per page / Typst's per page: {(ms['reuse'] / pages) / (typst_ms / typst_pages):.2f}x "
          "(target <= 0.8)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved runs of the fast batches (medians)")
    ap.add_argument("--memory-rows", default="1000,5000", help="row counts for the memory comparison")
    ap.add_argument("--peers-python", default="/tmp/pbvenv/bin/python", help="the peer harness's Python")
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args()
    rows = args.rows
    with tempfile.TemporaryDirectory(prefix="reuse-bench-") as tmp:
        work = Path(tmp)
        manifests = {r: folder(rows, r, work / r) for r in ("partner-neck", "peer-neck")}
        fast = {f"{r}, reuse on": (lambda m=m: batch(m, True)) for r, m in manifests.items()}
        if not args.no_peers and typst(2, args.peers_python, work / "probe") is not None:
            fast["Typst 0.15 (peer harness, 2 processes)"] = lambda: typst(rows, args.peers_python, work)
        runs: dict[str, list[dict]] = {k: [] for k in fast}
        for r in range(args.rounds):  # rotating order: load that comes and goes hits every side
            keys = list(fast)
            for key in keys[r % len(keys):] + keys[:r % len(keys)]:
                runs[key].append(fast[key]())
        results = {k: median(v) for k, v in runs.items()}
        for r, m in manifests.items():
            results[f"{r}, reuse off"] = batch(m, False)
        print(f"{rows} personalised handouts, 2 workers; medians of {args.rounds} interleaved runs "
              f"(reuse off: one run), {time.strftime('%Y-%m-%d %H:%M')}\n")
        print("| run | wall | CPU | wall per handout | per page | worker peak |\n|---|---:|---:|---:|---:|---:|")
        for name, r in results.items():
            print(line(name, r, rows))
        print()
        for routine in manifests:
            on, off = results[f"{routine}, reuse on"], results[f"{routine}, reuse off"]
            print(f"{routine}: reuse on / off: {on['seconds'] / off['seconds']:.2f}x wall, {on['cpu'] / off['cpu']:.2f}x CPU")
        peers = results.get("Typst 0.15 (peer harness, 2 processes)")
        if peers is not None:
            for routine in manifests:
                on = results[f"{routine}, reuse on"]
                print(f"{routine} reuse on / Typst, {rows} handouts on 2 cores: {on['seconds'] / peers['seconds']:.2f}x wall, "
                      f"{on['cpu'] / peers['cpu']:.2f}x CPU (target <= 0.5); per page "
                      f"{(on['seconds'] / on['pages']) / (peers['seconds'] / peers['pages']):.2f}x")
        counts = [int(n) for n in args.memory_rows.split(",")]
        peaks = {}
        for n in counts:
            peaks[n] = batch(folder(n, "partner-neck", work / f"mem-{n}"), True)["peak_kb"]
            print(f"worker peak, {n} rows, reuse on: {peaks[n] / 1024:.1f} MiB")
        if len(counts) == 2:
            print(f"memory {counts[1]} / {counts[0]} rows: {peaks[counts[1]] / peaks[counts[0]]:.3f}x (target <= 1.10)")
    warm(args.rounds, args.peers_python, args.no_peers)


if __name__ == "__main__":
    main()
