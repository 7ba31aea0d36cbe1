"""Batch progress: a live bar on a terminal, one plain line per item everywhere else.

CI logs and pipes get lines that make sense when read later (and that tools
can grep); a person at a terminal gets a bar with count, rate and time left.
Problems are repeated at the end as ``file:line: field: message`` lines, the
same shape every other command prints.

Item names, the batch title and folder names come from the manifest and the
roster, so each is printed through :func:`~handouts.errors.inert`: a student
named with an escape sequence shows as that sequence, it does not act on the
terminal (and, on the bar, is not read as Rich markup either).
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from .errors import Problem, display_path, inert


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_lines(summary) -> list[str]:
    """The closing lines: counts and time, then the combined PDF."""
    processed = summary.built + summary.failed
    rate = f", {processed / summary.seconds:.1f} items/s" if processed and summary.seconds > 0 else ""
    if summary.interrupted:
        lines = [f"interrupted: built {summary.built}, up to date {summary.skipped}, failed {summary.failed} "
                 f"of {summary.total} in {summary.seconds:.1f} s; finished files are kept, run the same command to go on"]
    else:
        lines = [f"built {summary.built}, up to date {summary.skipped}, failed {summary.failed} of {summary.total} "
                 f"in {summary.seconds:.1f} s ({_plural(summary.jobs, 'worker')}{rate})"]
    if summary.combined is not None and not summary.interrupted:
        what = "up to date" if summary.combined_fresh else "written"
        line = f"combined: {inert(display_path(summary.combined))} {what} ({_plural(summary.combined_docs, 'document')}"
        if summary.combined_missing:
            line += f"; {summary.combined_missing} failed and left out"
        lines.append(line + ")")
    if summary.removed_parts:
        lines.append(f"removed {_plural(summary.removed_parts, 'unfinished temporary file')} of an earlier run")
    return lines


class PlainReporter:
    """Line per item, for logs: ``[  3/200] built  name.pdf  0.41 s``."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None):
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.count = 0
        self.total = 0

    def _say(self, text: str, err: bool = False) -> None:
        stream = self.err if err else self.out
        stream.write(text + "\n")
        stream.flush()

    def begin(self, title: str, total: int, skipped: int, todo: int, jobs: int, out_dir: str) -> None:
        self.total = total - skipped
        self._say(f"batch: {inert(title)}: {_plural(total, 'item')} ({skipped} up to date, {todo} to build, "
                  f"{_plural(jobs, 'worker')}) -> {inert(out_dir)}")

    def item(self, name: str, ok: bool, seconds: float, problems: list[Problem]) -> None:
        self.count += 1
        width = len(str(self.total))
        status = "built " if ok else "FAILED"
        timing = f"  {seconds:.2f} s" if ok else ""
        reason = f"  ({problems[0]})" if problems and not ok else ""
        self._say(f"[{self.count:>{width}}/{self.total}] {status} {inert(name)}{timing}{reason}")

    def end(self, summary) -> None:
        for problem in summary.problems:
            self._say(str(problem), err=True)
        for line in summary_lines(summary):
            self._say(line)


class RichReporter:
    """A live bar on stderr: done / total, items per second, elapsed and time left."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.progress = None
        self.task = None

    def begin(self, title: str, total: int, skipped: int, todo: int, jobs: int, out_dir: str) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task) -> Text:
                speed = task.finished_speed or task.speed
                return Text("  -.- /s" if speed is None else f"{speed:5.1f} /s", style="progress.data.speed")

        self.console.print(f"[bold]{_markup(title)}[/]: {_plural(total, 'item')} — {skipped} up to date, "
                           f"{todo} to build with {_plural(jobs, 'worker')} → {_markup(out_dir)}", highlight=False)
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                                 TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                                 console=self.console, transient=False)
        self.progress.start()
        self.task = self.progress.add_task("building", total=max(total - skipped, 0))

    def item(self, name: str, ok: bool, seconds: float, problems: list[Problem]) -> None:
        if not ok:
            first = f": {_markup(str(problems[0]))}" if problems else ""
            self.progress.console.print(f"[red]failed[/] {_markup(name)}{first}", highlight=False, markup=True)
        self.progress.advance(self.task)

    def end(self, summary) -> None:
        if self.progress is not None:
            self.progress.stop()
        for problem in summary.problems:
            self.console.print(str(problem), highlight=False, markup=False)
        for line in summary_lines(summary):
            sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _markup(text: str) -> str:
    """Text from a manifest or roster, shown on the bar as written: escaped for the terminal and for Rich."""
    from rich.markup import escape

    return escape(inert(text))


def make_reporter():
    """The bar on an interactive terminal, plain lines otherwise (CI, pipes, ``TERM=dumb``)."""
    interactive = sys.stderr.isatty() and os.environ.get("TERM") != "dumb" and not os.environ.get("CI")
    if interactive:
        try:
            return RichReporter()
        except ImportError:  # pragma: no cover - rich is a dependency; plain lines still work
            pass
    return PlainReporter()
