"""Benchmark: handouts against a bare ReportLab script, on this machine, in one run.

    .venv/bin/python bench/run.py            # the full set (several minutes)
    .venv/bin/python bench/run.py --quick    # fewer repeats, smaller batches: a smoke test

Prints a Markdown table (paste it into the README) with every figure, the
matching figure of bench/baseline.py (the same handout drawn by plain ReportLab
platypus), their ratio and the target. Nothing is hard-coded: each number is
measured now, and only ratios within one run mean anything. The machine may be
shared, so every time is a median, and the runs being compared are interleaved
(in rotating order) so that a burst of other load hits both sides alike.
handouts keeps nothing on disk between runs, so a cold build is simply a fresh
process.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
CONTENT = ROOT / "content"
ROUTINE = "partner-neck"
LAYOUT = "handout-a4"
HANDOUTS = Path(sys.executable).with_name("handouts")
PYTHON = sys.executable


# ------------------------------------------------------------------ timing helpers


def interleaved(fns: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median seconds of each function over ``runs`` rounds, one call of each per round.

    The order rotates every round, so neither side always runs first (after
    the other has warmed, or cooled, the CPU caches); load that comes and goes
    then lands on both sides instead of on whichever ran during it."""
    keys = list(fns)
    times: dict[str, list[float]] = {k: [] for k in keys}
    for r in range(runs):
        for key in keys[r % len(keys):] + keys[:r % len(keys)]:
            start = time.perf_counter()
            fns[key]()
            times[key].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in times.items()}


def process(cmd: list[str], cwd: Path = ROOT) -> Callable[[], None]:
    """A function that runs ``cmd`` as a fresh process and fails loudly if it fails."""

    def run() -> None:
        result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr}")

    return run


# ------------------------------------------------------------------ 1. warm render, in this process


def warm_renders(runs: int) -> dict[str, float]:
    """One handout drawn by handouts and by the bare script, both after a first render.

    The first render of a process pays for fonts, layout styles and pictures
    that every later handout reuses; a batch or a long-lived service only ever
    sees the later ones, so that is what is compared. Each render is for a
    new name, so nothing per-person can be reused."""
    import baseline
    from handouts.content import load_content
    from handouts.layouts import LayoutLibrary
    from handouts.models import Personalisation
    from handouts.render.handout import HandoutInput, render_handout

    content = load_content([CONTENT])
    doc = content.by_id()[ROUTINE]
    layout = LayoutLibrary().get(LAYOUT)
    names = iter(f"Student {i}" for i in range(1_000_000))

    def ours() -> bytes:
        return render_handout(HandoutInput(doc.routine, layout, LAYOUT, Personalisation(for_name=next(names)),
                                           content.clinic, base_file=doc.path, clinic_file=content.clinic_path))

    baseline.register_fonts()
    data = baseline.load(CONTENT / f"{ROUTINE}.yaml")

    def bare() -> bytes:
        return baseline.render(data, next(names))

    ours(), bare()
    return interleaved({"handouts": ours, "baseline": bare}, runs)


# ------------------------------------------------------------------ 2. cold runs, as fresh processes


def compile_package() -> None:
    """Byte-compile the package, as pip does when it installs one.

    This checkout is an editable install and PYTHONDONTWRITEBYTECODE may be
    set, so without this every cold run would compile every module again, a
    cost no installed copy pays; ReportLab and the other dependencies in
    site-packages were compiled by pip already."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "handouts")], check=True,
                   stdout=subprocess.DEVNULL)


def cold_runs(tmp: Path, runs: int) -> dict[str, float]:
    """A real one-off build against the bare script, each as a new process, plus what a process costs before it draws.

    ``python -c pass`` is the interpreter's own start-up and the import-only
    runs are each side's imports; subtracting them splits a cold build into
    start-up, imports and the work itself, so a miss can be traced to one of
    them."""
    compile_package()
    build = [str(HANDOUTS), "build", ROUTINE, "-l", LAYOUT, "--out", str(tmp / "cold")]
    bare = [PYTHON, str(BENCH / "baseline.py"), str(CONTENT / f"{ROUTINE}.yaml"), str(tmp / "baseline.pdf")]
    commands = {
        "build": build,
        "baseline": bare,
        "import handouts.cli": [PYTHON, "-c", "import handouts.cli"],
        "import baseline": [PYTHON, "-c", f"import sys; sys.path.insert(0, {str(BENCH)!r}); import baseline"],
        "python": [PYTHON, "-c", "pass"],
    }
    for cmd in commands.values():  # once untimed: files into the page cache, output folder made
        process(cmd)()
    return interleaved({k: process(cmd) for k, cmd in commands.items()}, runs)


@dataclass
class ImportCost:
    module: str
    self_us: int
    cumulative_us: int


def import_profile(argv: list[str], runs: int) -> list[ImportCost]:
    """Every import of one cold run of ``argv`` (python arguments), largest cumulative time first.

    From ``python -X importtime`` on a real build, not a bare import, so the
    modules a command imports lazily are counted too. Each module's time is
    the median over ``runs`` runs (one profile alone is too noisy to rank by)."""
    seen: dict[str, list[tuple[int, int]]] = {}
    for _ in range(runs):
        result = subprocess.run([PYTHON, "-X", "importtime", *argv], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed under -X importtime:\n{result.stderr[-2000:]}")
        for line in result.stderr.splitlines():
            if not line.startswith("import time:") or "imported package" in line:
                continue
            self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
            seen.setdefault(name.strip(), []).append((int(self_us), int(cumulative_us)))
    costs = [ImportCost(name, int(statistics.median(s for s, _ in v)), int(statistics.median(c for _, c in v)))
             for name, v in seen.items()]
    return sorted(costs, key=lambda c: -c.cumulative_us)


def import_profiles(tmp: Path, runs: int) -> dict[str, list[ImportCost]]:
    """The imports of a cold ``handouts build`` and, for scale, of the bare script's cold run."""
    build = ("import sys; from handouts.cli import main; "
             f"sys.argv = ['handouts', 'build', {ROUTINE!r}, '-l', {LAYOUT!r}, '--out', {str(tmp / 'importtime')!r}]; "
             "main()")
    bare = [str(BENCH / "baseline.py"), str(CONTENT / f"{ROUTINE}.yaml"), str(tmp / "importtime-baseline.pdf")]
    return {"handouts": import_profile(["-c", build], runs), "baseline": import_profile(bare, runs)}


def self_time_by_package(costs: list[ImportCost]) -> list[tuple[str, float]]:
    """Import time summed by top-level package (self times, so nothing is counted twice), in ms, largest first.

    Cumulative times nest (``handouts.cli`` contains ``typer``), so the top
    ten alone cannot say which packages the time belongs to; this can."""
    totals: dict[str, float] = {}
    for c in costs:
        package = c.module.split(".")[0]
        totals[package] = totals.get(package, 0.0) + c.self_us / 1000
    return sorted(totals.items(), key=lambda kv: -kv[1])


# ------------------------------------------------------------------ 3. and 4. batches


FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Ella", "Farah", "Grace", "Hiro", "Ines", "José", "Kofi", "Lena"]
LAST = ["López", "O'Connor", "Dubois", "Ivanov", "Schmidt", "Haddad", "Kim", "Tanaka", "Silva", "Müller"]


def batch_manifest(folder: Path, rows: int, small: bool = False) -> Path:
    """A manifest and a roster of ``rows`` distinct names in ``folder``.

    ``small`` uses the tiny routine and picture-less A5 layout kept in bench/
    (copies of the batch test case), so a roster of thousands renders in
    seconds; otherwise the real routine in the shipped handout-a4."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["name,note"]
    for i in range(rows):
        lines.append(f"\"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i:05d}\",")
    (folder / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if small:
        where = f"content: {BENCH / 'content'}\nlayouts: {BENCH / 'layouts'}\nroutines: [tiny-stretch]\nhandouts: [bench-small]\n"
    else:
        where = f"content: {CONTENT}\nroutines: [{ROUTINE}]\nhandouts: [{LAYOUT}]\n"
    manifest = folder / "bench.batch.yaml"
    manifest.write_text(f"{where}roster: roster.csv\nout: out\n", encoding="utf-8")
    return manifest


def batch_throughput(tmp: Path, rows: int, cores: int, runs: int) -> dict[str, float]:
    """Wall time of ``handouts batch --force`` for ``rows`` handouts, with one worker and with ``cores``.

    Run as the command a user types, so start-up, loading, planning and the
    pool's spawn are all in it; the two variants are interleaved."""
    manifest = batch_manifest(tmp / "throughput", rows)
    one = [str(HANDOUTS), "batch", str(manifest), "--jobs", "1", "--force"]
    many = [str(HANDOUTS), "batch", str(manifest), "--jobs", str(cores), "--force"]
    return interleaved({"1": process(one, manifest.parent), "all": process(many, manifest.parent)}, runs)


class Quiet:
    def begin(self, *a) -> None: ...
    def item(self, *a) -> None: ...
    def end(self, *a) -> None: ...


def batch_peak_mb(tmp: Path, rows: int, jobs: int) -> float:
    """Peak resident memory of the busiest worker over a batch of ``rows`` (the parent is not counted).

    A worker that kept something per handout would grow with the roster; the
    ratio between two roster sizes shows that, whatever the machine's base
    figure. The picture-less layout keeps the large roster quick and leaves
    the per-handout state, not pictures, as what is measured."""
    from handouts.batch import run_batch

    summary = run_batch(batch_manifest(tmp / f"memory-{rows}", rows, small=True), jobs=jobs, force=True,
                        reporter=Quiet())
    if summary.failed or summary.built != rows:
        raise SystemExit(f"batch of {rows} failed ({summary.built} built): {summary.problems[:3]}")
    return summary.peak_rss_kb / 1024


SHEET_CHILD = r"""
import sys
from pathlib import Path
from handouts.batch import run_batch

class Quiet:
    def begin(self, *a): pass
    def item(self, *a): pass
    def end(self, *a): pass

manifest, jobs, how = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
if how == "before":  # every copy of a face drawn in place, as before faces became forms
    from handouts.render import sheet
    from handouts.render.card import draw_face
    sheet._Faces.place = lambda self, face, x, y: draw_face(self.c, face, x, y, self.bleed)
per_run = {"auto": None, "before": 10**9, "whole": 10**9}.get(how)
if per_run is None and how != "auto":
    per_run = int(how)
summary = run_batch(manifest, jobs=jobs, force=True, reporter=Quiet(), sheets_per_run=per_run)
if summary.built != 1 or summary.failed:
    raise SystemExit(f"class sheet failed: {summary.problems[:3]}")
"""


def class_sheet(tmp: Path, rows: int, jobs: int, runs: int, variants: dict[str, str]) -> dict[str, float]:
    """Wall time of a cards-only batch (the shipped class example's routines and card layout) for
    ``rows`` students, each variant a fresh process, interleaved: ``before`` (one worker drawing
    every face in place), ``whole`` (one worker, faces as forms), ``auto`` (as a batch chooses),
    or a number (runs of that many sheets at the least, on ``jobs`` workers)."""
    folder = tmp / f"sheet-{rows}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roster.csv").write_text("name\n" + "".join(f"Student {i:05d}\n" for i in range(rows)), encoding="utf-8")
    manifest = folder / "cards.batch.yaml"
    manifest.write_text(f"content: {CONTENT}\nroutines: [partner-neck, partner-back]\nhandouts: []\n"
                        "cards: {layouts: [card-credit], sheet: a4}\nroster: roster.csv\nout: out\n", encoding="utf-8")
    commands = {k: [PYTHON, "-c", SHEET_CHILD, str(manifest), str(jobs), how] for k, how in variants.items()}
    for cmd in commands.values():  # once untimed: output folder made, files in the page cache
        process(cmd, folder)()
    return interleaved({k: process(cmd, folder) for k, cmd in commands.items()}, runs)


COMBINE_CHILD = r"""
import sys
from pathlib import Path
from handouts.batch.concat import Part, concatenate
part, count, out = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(out, "wb") as fh:
    concatenate([Part(part, 1, f"Student {i}") for i in range(count)], fh, "Class")
print(next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1])
"""


def combined_peak_mb(tmp: Path, counts: tuple[int, ...]) -> list[float]:
    """Peak resident memory of joining ``count`` handouts into one PDF (``batch --combined``),
    each count in a fresh process, so the ratio between counts shows whether memory grows
    with the class."""
    from handouts.layouts import LayoutLibrary
    from handouts.models import Personalisation
    from handouts.pipeline.plan import select
    from handouts.pipeline.render import render_handout

    doc = next(d for d in select([], CONTENT).docs if d.routine.id == ROUTINE)
    _, layout = LayoutLibrary(None).choose(LAYOUT, "handout")
    part = tmp / "part.pdf"
    part.write_bytes(render_handout(doc.routine, layout, LAYOUT, Personalisation(for_name="Ana Bell"), None,
                                    doc.path.parent))
    peaks = []
    for count in counts:
        out = subprocess.run([sys.executable, "-c", COMBINE_CHILD, str(part), str(count), str(tmp / "all.pdf")],
                             capture_output=True, text=True, check=True)
        peaks.append(int(out.stdout.strip()) / 1024)
    return peaks


# ------------------------------------------------------------------ report


def row(what: str, value: str, base: str, ratio: float | None, target: str, ok: bool | None) -> str:
    r = f"{ratio:.2f}×" if ratio is not None else "–"
    verdict = "–" if ok is None else ("met" if ok else "**missed**")
    return f"| {what} | {value} | {base} | {r} | {target} | {verdict} |"


def ms(s: float) -> str:
    return f"{s * 1000:.0f} ms"


def sec(s: float) -> str:
    return f"{s:.2f} s"


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


class OtherLoad:
    """The share of the machine's CPU time that other processes took while a section ran.

    The load average lags by a minute and counts this benchmark too; this
    subtracts our own CPU time (this process and every child it waited for)
    from all the CPU time the kernel counted busy (/proc/stat), so a figure
    that looks off can be matched with competing work, not guessed at.
    Linux only; elsewhere it reports nothing."""

    def __init__(self) -> None:
        self.shares: dict[str, float] = {}

    @staticmethod
    def _sample() -> tuple[float, float, float] | None:
        import resource

        try:
            fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        except (OSError, ValueError):
            return None
        busy = (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
        own = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                  for f in ("ru_utime", "ru_stime"))
        return time.perf_counter(), busy, own

    def measure(self, name: str, fn: Callable[[], object]):
        before = self._sample()
        result = fn()
        after = self._sample()
        if before and after and after[0] > before[0]:
            other = (after[1] - before[1]) - (after[2] - before[2])
            self.shares[name] = max(0.0, other / ((after[0] - before[0]) * (os.cpu_count() or 1)))
        return result

    def summary(self) -> str:
        return ", ".join(f"{name} {share:.0%}" for name, share in self.shares.items()) or "not measured"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats and smaller memory batches (200/1,000 rows)")
    ap.add_argument("--jobs", type=int, default=0, help="workers for the 'all cores' batch (default: all)")
    args = ap.parse_args()
    from handouts.batch.run import default_jobs

    cores = args.jobs or default_jobs()
    warm_n, cold_n, profile_n, batch_n = (5, 3, 1, 1) if args.quick else (15, 9, 5, 3)
    throughput_rows = 200
    small_rows, large_rows = (200, 1_000) if args.quick else (1_000, 5_000)
    memory_jobs = 2
    sheet_rows, big_rows = 1_000, 10_000
    load_before = load_average()

    def say(what: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {what} (load {load_average()})", file=sys.stderr, flush=True)

    other = OtherLoad()
    tmp = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    try:
        say("warm renders")
        warm = other.measure("warm", lambda: warm_renders(warm_n))
        say("cold runs")
        cold = other.measure("cold", lambda: cold_runs(tmp, cold_n))
        say("import profile")
        imports = import_profiles(tmp, profile_n)
        say(f"batch of {throughput_rows}, 1 and {cores} workers")
        batch = other.measure("batch", lambda: batch_throughput(tmp, throughput_rows, cores, batch_n))
        say(f"worker memory at {small_rows} and {large_rows} rows")
        peak_small, peak_large = other.measure("memory", lambda: (batch_peak_mb(tmp, small_rows, memory_jobs),
                                                                  batch_peak_mb(tmp, large_rows, memory_jobs)))
        say(f"class card sheet for {sheet_rows:,} students: as before, now, and split across {cores} workers")
        sheet = other.measure("sheet", lambda: class_sheet(tmp, sheet_rows, cores, max(batch_n, 3),
                                                           {"before": "before", "now": "auto", "split": "100"}))
        big = None
        if not args.quick:
            say(f"class card sheet for {big_rows:,} students: whole, and split across {cores} workers")
            big = other.measure("large sheet", lambda: class_sheet(tmp, big_rows, cores, batch_n,
                                                                   {"whole": "whole", "split": "auto"}))
        say(f"joining {small_rows} and {large_rows} handouts into one PDF")
        joined_small, joined_large = combined_peak_mb(tmp, (small_rows, large_rows))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    base = warm["baseline"]
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores ({cores} workers for 'all cores'), "
          f"Python {sys.version.split()[0]}; medians of {warm_n} warm, {cold_n} cold and {batch_n} batch runs, "
          f"interleaved; load average {load_before} at the start, {load_average()} at the end. Other processes "
          f"took this share of all CPUs during each section: {other.summary()} (such work slows every figure, "
          f"and the batch with all cores most).\n")
    print("| measure | handouts | bare ReportLab | ratio | target | |")
    print("|---|---|---|---|---|---|")
    r = warm["handouts"] / base
    print(row(f"warm render, {ROUTINE} ({LAYOUT}), after a first render", ms(warm["handouts"]), ms(base), r,
              "≤ 0.55×", r <= 0.55))
    r = cold["build"] / cold["baseline"]
    print(row(f"cold `handouts build {ROUTINE} -l {LAYOUT}`, a fresh process", sec(cold["build"]),
              sec(cold["baseline"]), r, "≤ 1.5×", r <= 1.5))
    r = cold["import handouts.cli"] / cold["import baseline"]
    print(row("cold `python -c \"import handouts.cli\"` (vs `import baseline`: its module-level imports)",
              sec(cold["import handouts.cli"]), sec(cold["import baseline"]), r, "–", None))
    print(row("cold `python -c pass` (interpreter start-up, in both of the above)", sec(cold["python"]),
              sec(cold["python"]), None, "–", None))
    r = batch["1"] / base
    print(row(f"batch of {throughput_rows} personalised, 1 worker", sec(batch["1"]), ms(base) + " (1 render)", r,
              "–", None))
    r = batch["all"] / base
    print(row(f"batch of {throughput_rows} personalised, {cores} workers", sec(batch["all"]), ms(base) + " (1 render)",
              r, "≤ 80×", r <= 80))
    print(row(f"peak memory per worker, {small_rows:,} handouts ({memory_jobs} workers)", f"{peak_small:.0f} MB", "–",
              None, "–", None))
    flat = peak_large / peak_small
    print(row(f"peak memory per worker, {large_rows:,} handouts ({memory_jobs} workers)", f"{peak_large:.0f} MB",
              f"{peak_small:.0f} MB at {small_rows:,}", flat, "≤ 1.10×", flat <= 1.10))

    what = f"class card sheet, {sheet_rows:,} students × 2 routines (`card-credit`, A4, 400 sheets)"
    r = sheet["now"] / sheet["before"]
    print(row(f"{what}, as a batch draws it now (each face once, whole)", sec(sheet["now"]),
              sec(sheet["before"]) + " before", r, "≤ 0.6×", r <= 0.6))
    r = sheet["split"] / sheet["now"]
    print(row(f"{what}, forced into 2 runs on {cores} workers and joined", sec(sheet["split"]),
              sec(sheet["now"]) + " whole", r, "–", None))
    if big is not None:
        r = big["split"] / big["whole"]
        print(row(f"class card sheet, {big_rows:,} students (4,000 sheets: past 2,500, cut into runs to bound memory) "
                  f"on {cores} workers", sec(big["split"]), sec(big["whole"]) + " whole", r, "–", None))
    print(row(f"peak memory joining {small_rows:,} handouts into one PDF (`--combined`)", f"{joined_small:.0f} MB",
              "–", None, "–", None))
    flat = joined_large / joined_small
    print(row(f"peak memory joining {large_rows:,} handouts into one PDF (`--combined`)", f"{joined_large:.0f} MB",
              f"{joined_small:.0f} MB at {small_rows:,}", flat, "≤ 1.10×", flat <= 1.10))

    start = cold["python"]
    print(f"\nCold build: interpreter start-up {ms(start)} for both; `import handouts.cli` {ms(cold['import handouts.cli'] - start)} "
          f"more (the build imports the rest when it needs it), then {ms(cold['build'] - cold['import handouts.cli'])} to "
          f"the end. Bare script: module-level imports {ms(cold['import baseline'] - start)}, then "
          f"{ms(cold['baseline'] - cold['import baseline'])} to the end.")
    print(f"Throughput: {throughput_rows / batch['1']:.1f} handouts/s with 1 worker, "
          f"{throughput_rows / batch['all']:.1f} handouts/s with {cores} (wall time of the whole command, start-up "
          f"included).")
    print(f"\nLargest imports of a cold `handouts build` (python -X importtime, median of {profile_n}):\n")
    print("| module | cumulative | self |")
    print("|---|---|---|")
    for c in imports["handouts"][:10]:
        print(f"| `{c.module}` | {c.cumulative_us / 1000:.1f} ms | {c.self_us / 1000:.1f} ms |")
    print()
    for who, label in (("handouts", "`handouts build`"), ("baseline", "the bare script")):
        packages = self_time_by_package(imports[who])
        print(f"All imports of {label}: {sum(t for _, t in packages):.0f} ms (under -X importtime); by package: "
              + ", ".join(f"{name} {t:.0f} ms" for name, t in packages[:8]) + ".")

if __name__ == "__main__":
    main()
