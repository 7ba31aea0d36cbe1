"""Benchmark: handouts against a bare ReportLab script, on this machine, in one run.

    .venv/bin/python bench/run.py            # the full set (a few minutes)
    .venv/bin/python bench/run.py --quick    # smaller batches, for a smoke test

Prints a Markdown table (paste it into the README) with every figure, the
matching figure of bench/baseline.py, their ratio and the target. Nothing is
hard-coded: each number is measured now. handouts keeps a results cache
(handouts/cache.py); here it is a folder of the benchmark's own, removed at
the end, so earlier use of the machine changes nothing. The cold build is
timed three ways: with that cache filled by an earlier build (the same routine
printed for another patient), after an edit to the routine's text (its own
entries miss, pictures and layouts do not), and with a new, empty cache for
every run (the first build on a machine).
Times are medians; the machine's other load shows up as noise, so compare
ratios from the same run, not numbers from different days.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
CONTENT = ROOT / "content"
ROUTINE = "partner-neck"
LAYOUT = "handout-a4"
HANDOUTS = Path(sys.executable).with_name("handouts")


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ------------------------------------------------------------------ warm renders, in this process


def warm_handouts(runs: int) -> float:
    from handouts.content import load_content
    from handouts.layouts import LayoutLibrary
    from handouts.models import Personalisation
    from handouts.render.handout import HandoutInput, render_handout

    content = load_content([CONTENT])
    doc = content.by_id()[ROUTINE]
    layout = LayoutLibrary().get(LAYOUT)
    names = iter(f"Student {i}" for i in range(10_000))

    def one() -> bytes:
        data = HandoutInput(doc.routine, layout, LAYOUT, Personalisation(for_name=next(names)), content.clinic,
                            base_file=doc.path, clinic_file=content.clinic_path)
        return render_handout(data)

    one()  # first render loads fonts and caches; "warm" means after it
    return median_time(one, runs)


def warm_baseline(runs: int) -> float:
    import baseline

    baseline.register_fonts()
    data = baseline.load(CONTENT / f"{ROUTINE}.yaml")
    names = iter(f"Student {i}" for i in range(10_000))
    baseline.render(data, next(names))
    return median_time(lambda: baseline.render(data, next(names)), runs)


# ------------------------------------------------------------------ cold runs, as subprocesses


def compile_package() -> None:
    """Byte-compile the package, as pip does when it installs one.

    An editable checkout run with PYTHONDONTWRITEBYTECODE set would otherwise
    recompile every module on every cold run (60-70 ms), a cost no installed
    copy pays; ReportLab, in site-packages, is compiled already."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "handouts")], check=True,
                   stdout=subprocess.DEVNULL)


def cold(commands: dict[str, tuple[list[str], Callable[[], dict[str, str]]]], runs: int, cwd: Path) -> dict[str, float]:
    """Each command ``runs`` times, interleaved so drifting load hits all alike.

    Each command comes with a function that prepares one run and gives its
    environment (so a run can be handed a fresh, empty results cache, or a
    routine edited since the last run); it is not timed."""
    compile_package()
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for key, (cmd, env) in commands.items():
            run_env = env()
            start = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=run_env)
            times[key].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in times.items()}


def with_cache(folder: Path) -> dict[str, str]:
    return {**os.environ, "HANDOUTS_CACHE_DIR": str(folder)}


def editable_content(folder: Path) -> Callable[[], None]:
    """A copy of content/ and a function that edits a sentence of the routine, as an author revising it would."""
    shutil.copytree(CONTENT, folder)
    routine = folder / f"{ROUTINE}.yaml"
    text = routine.read_text(encoding="utf-8")
    marker = "\nsummary: >\n  "
    if marker not in text:
        raise SystemExit(f"{routine} has no folded top-level summary to edit")
    revisions = iter(range(1, 1_000_000))

    def edit() -> None:
        routine.write_text(text.replace(marker, f"{marker}Revision {next(revisions)}. ", 1), encoding="utf-8")

    return edit


# ------------------------------------------------------------------ batches


FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Ella", "Farah", "Grace", "Hiro", "Ines", "José", "Kofi", "Lena"]
LAST = ["López", "O'Connor", "Dubois", "Ivanov", "Schmidt", "Haddad", "Kim", "Tanaka", "Silva", "Müller"]


def batch_manifest(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["name,note"]
    for i in range(rows):
        lines.append(f"\"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i:03d}\",")
    (folder / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifest = folder / "bench.batch.yaml"
    manifest.write_text(f"content: {CONTENT}\nroutines: [{ROUTINE}]\nhandouts: [{LAYOUT}]\n"
                        f"roster: roster.csv\nout: out\n", encoding="utf-8")
    return manifest


def batch_wall(manifest: Path, *args: str) -> float:
    start = time.perf_counter()
    result = subprocess.run([str(HANDOUTS), "batch", str(manifest), *args], cwd=manifest.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"batch failed:\n{result.stdout}\n{result.stderr}")
    return took


class Quiet:
    def begin(self, *a) -> None: ...
    def item(self, *a) -> None: ...
    def end(self, *a) -> None: ...


def batch_peak_mb(manifest: Path, jobs: int) -> float:
    """Peak resident memory of the busiest worker process (not the parent)."""
    from handouts.batch import run_batch

    summary = run_batch(manifest, jobs=jobs, force=True, reporter=Quiet())
    if summary.failed:
        raise SystemExit(f"batch failed: {summary.problems[:3]}")
    return summary.peak_rss_kb / 1024


# ------------------------------------------------------------------ report


def row(what: str, value: str, base: str, ratio: float | None, target: str, ok: bool | None) -> str:
    r = f"{ratio:.2f}×" if ratio is not None else "–"
    verdict = "–" if ok is None else ("met" if ok else "**missed**")
    return f"| {what} | {value} | {base} | {r} | {target} | {verdict} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small batches (20/20/50), fewer repeats")
    ap.add_argument("--jobs", type=int, default=0, help="workers for the 'all cores' runs (default: all)")
    args = ap.parse_args()
    from handouts.batch import default_jobs

    cores = args.jobs or default_jobs()
    runs = 3 if args.quick else 9
    cold_runs = 3 if args.quick else 5
    n_batch, n_small, n_large = (20, 20, 50) if args.quick else (200, 50, 500)

    tmp = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    filled = tmp / "cache-filled"
    os.environ["HANDOUTS_CACHE_DIR"] = str(filled)  # this process, the commands and the batch workers
    try:
        print(f"# machine: {os.cpu_count()} cores visible, {cores} used for 'all cores'; python {sys.version.split()[0]}",
              file=sys.stderr)
        print("warm renders ...", file=sys.stderr)
        warm = warm_handouts(runs)
        warm_base = warm_baseline(runs)
        print("cold runs ...", file=sys.stderr)
        # A fresh, empty cache for each "first" run; the shared one, filled by an earlier build, for the rest.
        build = [str(HANDOUTS), "build", ROUTINE, "-l", LAYOUT, "-o", str(tmp / "cold")]
        subprocess.run(build, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=with_cache(filled))
        edit = editable_content(tmp / "edited")
        edited = build[:-2] + ["--content", str(tmp / "edited"), "-o", str(tmp / "cold-edited")]
        subprocess.run(edited, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=with_cache(filled))
        empties = iter(range(1_000_000))
        colds = cold({
            "handouts": (build, lambda: with_cache(filled)),
            "edited": (edited, lambda: edit() or with_cache(filled)),
            "first": (build, lambda: with_cache(tmp / f"cache-empty-{next(empties)}")),
            "baseline": ([sys.executable, str(ROOT / "bench" / "baseline.py"), str(CONTENT / f"{ROUTINE}.yaml"),
                          str(tmp / "baseline.pdf")], lambda: dict(os.environ)),
        }, cold_runs, ROOT)
        print(f"batch of {n_batch} ...", file=sys.stderr)
        manifest = batch_manifest(tmp / "batch", n_batch)
        one_worker = batch_wall(manifest, "--jobs", "1", "--force")
        all_cores = batch_wall(manifest, "--jobs", str(cores), "--force")
        rerun = statistics.median(batch_wall(manifest, "--jobs", str(cores)) for _ in range(3))
        print(f"memory at {n_small} and {n_large} ...", file=sys.stderr)
        peak_small = batch_peak_mb(batch_manifest(tmp / "small", n_small), cores)
        peak_large = batch_peak_mb(batch_manifest(tmp / "large", n_large), cores)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    sec = lambda s: f"{s:.2f} s"  # noqa: E731
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({cores} workers for 'all cores'), "
          f"Python {sys.version.split()[0]}; medians of {runs} warm and {cold_runs} cold runs; "
          f"load average at the end {load} (other work on the machine slows every figure).\n")
    print("| measure | handouts | bare ReportLab | ratio | target | |")
    print("|---|---|---|---|---|---|")
    print(row(f"warm render, {ROUTINE} ({LAYOUT})", ms(warm), ms(warm_base), warm / warm_base, "≤ 0.55×",
              warm / warm_base <= 0.55))
    print(row(f"cold `handouts build {ROUTINE} -l {LAYOUT}`, results cache filled by an earlier build",
              sec(colds["handouts"]), sec(colds["baseline"]), colds["handouts"] / colds["baseline"], "≤ 1.15×",
              colds["handouts"] / colds["baseline"] <= 1.15))
    print(row(f"cold `handouts build {ROUTINE} -l {LAYOUT}`, the routine's text edited since the last build",
              sec(colds["edited"]), sec(colds["baseline"]), colds["edited"] / colds["baseline"], "≤ 1.15×",
              colds["edited"] / colds["baseline"] <= 1.15))
    print(row(f"cold `handouts build {ROUTINE} -l {LAYOUT}`, empty results cache (first build ever)",
              sec(colds["first"]), sec(colds["baseline"]), colds["first"] / colds["baseline"], "≤ 1.15×",
              colds["first"] / colds["baseline"] <= 1.15))
    print(row(f"batch of {n_batch} personalised, 1 worker", sec(one_worker), ms(warm_base) + " (1 render)",
              one_worker / warm_base, "–", None))
    print(row(f"batch of {n_batch} personalised, {cores} workers", sec(all_cores), ms(warm_base) + " (1 render)",
              all_cores / warm_base, "≤ 80×", all_cores / warm_base <= 80))
    print(row(f"unchanged rerun of {n_batch}", sec(rerun), ms(warm) + " (1 handouts render)", rerun / warm, "≤ 10×",
              rerun / warm <= 10))
    flat = peak_large / peak_small
    print(row(f"peak memory per worker, {n_small} handouts", f"{peak_small:.0f} MB", "–", None, "≤ 150 MB",
              peak_small <= 150))
    print(row(f"peak memory per worker, {n_large} handouts", f"{peak_large:.0f} MB", f"{peak_small:.0f} MB at {n_small}",
              flat, "≤ 150 MB, flat (≤ 1.10×)", peak_large <= 150 and flat <= 1.10))
    print(f"\nThroughput: {n_batch / one_worker:.1f} handouts/s with 1 worker, {n_batch / all_cores:.1f} handouts/s "
          f"with {cores} (wall time of the whole command, start-up included).")


if __name__ == "__main__":
    main()
