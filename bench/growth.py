"""How time and memory grow with the roster and with the routine, and where a render's time goes.

    .venv/bin/python bench/growth.py            # rows 10/100/1,000/5,000, routines of 5/15/30/60 steps, profile
    .venv/bin/python bench/growth.py --quick    # rows 10/100/1,000, fewer repeats

Rows: ``handouts batch --force`` of partner-neck in handout-a4 on 2 workers, a
fresh process per size: wall time of the whole command, and the peak memory
(VmHWM) of the busiest worker. Steps: routines of 5 to 60 steps made by
repeating partner-neck's own steps in phases of ten (in a temporary content
folder), each rendered in a fresh
process: the first render, the median warm render with every page drawn (as a
process's first handout of a routine is; later ones reuse the pages they share,
``render/reuse.py``), pages, and
the process's peak memory. Profile: cProfile of one such warm render, grouped by
what the time is spent on.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
CONTENT = ROOT / "content"
ROUTINE = "partner-neck"
LAYOUT = "handout-a4"
PYTHON = sys.executable
PHASE = 10
"""Steps per phase in the generated routines (partner-neck has two phases of about this size)."""
PROFILED = 5
"""Warm renders profiled together (for new names): one alone is too noisy to split in shares."""

BATCH_CHILD = r"""
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from handouts.batch import run_batch

class Quiet:
    def begin(self, *a): pass
    def item(self, *a): pass
    def end(self, *a): pass

summary = run_batch(Path(sys.argv[1]), jobs=int(sys.argv[2]), force=True, reporter=Quiet())
own = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]
print(json.dumps({"built": summary.built, "failed": summary.failed, "seconds": time.perf_counter() - start,
                  "worker_kb": summary.peak_rss_kb, "parent_kb": int(own)}))
"""

RENDER_CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
from handouts.content import load_content
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation
from handouts.render.handout import HandoutInput, render_handout
from pypdf import PdfReader
import io

content = load_content([Path(sys.argv[1])])
doc = content.by_id()[sys.argv[2]]
layout = LayoutLibrary().get(sys.argv[3])
runs = int(sys.argv[4])

def once(i):
    return render_handout(HandoutInput(doc.routine, layout, sys.argv[3], Personalisation(for_name=f"Student {i}"),
                                       content.clinic, base_file=doc.path, clinic_file=content.clinic_path))

t = time.perf_counter(); pdf = once(0); first = time.perf_counter() - t
times = []
for i in range(runs):
    t = time.perf_counter(); once(i + 1); times.append(time.perf_counter() - t)
own = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]
print(json.dumps({"first": first, "warm": statistics.median(times), "pages": len(PdfReader(io.BytesIO(pdf)).pages),
                  "peak_kb": int(own)}))
"""


def child(code: str, *args: str) -> dict:
    out = subprocess.run([PYTHON, "-c", code, *args], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ rows


def roster_growth(tmp: Path, sizes: list[int], jobs: int) -> dict[int, dict]:
    from run import batch_manifest

    results = {}
    for rows in sizes:
        manifest = batch_manifest(tmp / f"rows-{rows}", rows)
        start = time.perf_counter()
        got = child(BATCH_CHILD, str(manifest), str(jobs))
        got["wall"] = time.perf_counter() - start
        if got["failed"] or got["built"] != rows:
            raise SystemExit(f"batch of {rows} rows failed: {got}")
        results[rows] = got
    return results


# ------------------------------------------------------------------ steps


def routine_with_steps(folder: Path, count: int) -> str:
    """A copy of partner-neck with ``count`` steps (its own, repeated in order) in ``folder``."""
    import copy

    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load((CONTENT / f"{ROUTINE}.yaml").read_text(encoding="utf-8"))
    steps = [s for p in data.get("phases") or [] for s in p["steps"]] or list(data["steps"])
    made = []
    for i in range(count):
        step = copy.deepcopy(steps[i % len(steps)])
        if i >= len(steps):
            step["title"] = f"{step['title'][:45]} ({i // len(steps) + 1})"
        made.append(step)
    rid = f"{ROUTINE}-{count}-steps"
    data["id"] = rid
    data.pop("steps", None)
    data.pop("phases", None)
    data["phases"] = [{"title": f"Round {k // PHASE + 1}", "steps": made[k:k + PHASE]} for k in range(0, count, PHASE)]
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{rid}.yaml", "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    clinic = CONTENT / "clinic.yaml"
    if clinic.exists() and not (folder / "clinic.yaml").exists():
        (folder / "clinic.yaml").write_text(clinic.read_text(encoding="utf-8"), encoding="utf-8")
    return rid


def step_growth(tmp: Path, counts: list[int], runs: int) -> dict[int, dict]:
    folder = tmp / "steps"
    results = {}
    for count in counts:
        rid = routine_with_steps(folder, count)
        results[count] = child(RENDER_CHILD, str(folder), rid, LAYOUT, str(runs))
    return results


# ------------------------------------------------------------------ profile


def profile(top: int = 15) -> tuple[list[tuple[str, float, float]], float, list[tuple[str, float]]]:
    """cProfile of one warm render: the top functions by cumulative time, the total, and shares by group."""
    import cProfile
    import pstats

    from handouts.content import load_content
    from handouts.layouts import LayoutLibrary
    from handouts.models import Personalisation
    from handouts.render.handout import HandoutInput, render_handout

    content = load_content([CONTENT])
    doc = content.by_id()[ROUTINE]
    layout = LayoutLibrary().get(LAYOUT)

    def once(name: str) -> bytes:
        return render_handout(HandoutInput(doc.routine, layout, LAYOUT, Personalisation(for_name=name),
                                           content.clinic, base_file=doc.path, clinic_file=content.clinic_path))

    once("First Student"), once("Second Student")
    prof = cProfile.Profile()
    prof.enable()
    for i in range(PROFILED):
        once(f"Profiled Student {i}")
    prof.disable()
    stats = pstats.Stats(prof)
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in entries.values()) / PROFILED
    rows = []
    for (file, line, func), (_, _, tt, ct, _) in entries.items():
        where = file.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        rows.append((f"{where}:{line}({func})", ct / PROFILED, tt / PROFILED))
    rows.sort(key=lambda r: -r[1])

    def spent(match) -> float:
        """Time in the outermost calls of the functions ``match`` picks (a call inside another counts once)."""
        chosen = {k for k in entries if match(k)}
        return sum(v[3] for k in chosen for c, v in entries[k][4].items() if c not in chosen)

    build = spent(lambda k: k[0].endswith("doctemplate.py") and k[2] == "build")
    writing = spent(lambda k: k[0].endswith("doctemplate.py") and k[2] == "_endBuild")
    # what a frame draws (each top-level flowable, nested ones inside) and what page templates draw (header, footer)
    drawing = sum(v[3] for k in entries if k[2] == "drawOn" for c, v in entries[k][4].items()
                  if c[0].endswith("frames.py") and c[2] == "_add")
    drawing += spent(lambda k: k[0].endswith("doctemplate.py") and k[2] in ("handle_pageBegin", "handle_pageEnd"))
    build, writing, drawing = build / PROFILED, writing / PROFILED, drawing / PROFILED
    groups = [
        ("making the story (paragraphs, tables, pictures' forms) before layout", total - build),
        ("laying it out on pages (wrap, split, page templates)", build - writing - drawing),
        ("drawing it (paragraph lines, tables, forms placed)", drawing),
        ("writing the file (fonts subset, streams compressed, objects formatted)", writing),
    ]
    return rows[:top], total, groups


# ------------------------------------------------------------------ report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="rows up to 1,000 and fewer warm renders")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    sizes = [10, 100, 1_000] if args.quick else [10, 100, 1_000, 5_000]
    counts = [5, 15, 30, 60]
    runs = 5 if args.quick else 15
    tmp = Path(tempfile.mkdtemp(prefix="handouts-growth-"))

    def say(what: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)

    import shutil

    from run import OtherLoad

    other = OtherLoad()
    try:
        say("profile of one warm render")
        top, total, groups = profile()
        say(f"routines of {counts} steps")
        steps = other.measure("steps", lambda: step_growth(tmp, counts, runs))
        say(f"rosters of {sizes} rows on {args.jobs} workers")
        rows = other.measure("rows", lambda: roster_growth(tmp, sizes, args.jobs))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"Measured {time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]}, {args.jobs} workers; other "
          f"processes took this share of all CPUs: {other.summary()}.\n")
    print(f"| roster rows ({ROUTINE}, {LAYOUT}, {args.jobs} workers) | wall time | per handout | "
          "peak memory per worker | main process |")
    print("|---:|---:|---:|---:|---:|")
    for n, r in rows.items():
        print(f"| {n:,} | {r['wall']:.1f} s | {r['wall'] / n * 1000:.0f} ms | {r['worker_kb'] / 1024:.0f} MB | "
              f"{r['parent_kb'] / 1024:.0f} MB |")
    print()
    print(f"| steps ({LAYOUT}) | pages | first render | warm render, every page drawn | per page | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, r in steps.items():
        print(f"| {n} | {r['pages']} | {r['first'] * 1000:.0f} ms | {r['warm'] * 1000:.0f} ms | "
              f"{r['warm'] / r['pages'] * 1000:.1f} ms | {r['peak_kb'] / 1024:.0f} MB |")
    print(f"\nA warm render of {ROUTINE} ({LAYOUT}), every page drawn, under cProfile (the mean of {PROFILED}): "
          f"{total * 1000:.0f} ms (profiling slows it). "
          "By what the time is spent on:\n")
    for label, spent in groups:
        print(f"- {label}: {spent / total:.0%}")
    print("\n| function | cumulative | own |")
    print("|---|---:|---:|")
    for name, ct, tt in top:
        print(f"| `{name}` | {ct * 1000:.1f} ms | {tt * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
