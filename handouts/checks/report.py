"""One check report per routine: readability, safety rules, PEMAT-P, and findings.

Findings are of two kinds. **Errors** are broken safety rules and waivers
naming unknown rules: ``handouts check`` always exits 1 on them (and
``handouts build`` refuses the routine). **Warnings** are literacy problems:
``reading-grade``, ``long-sentence``, ``undefined-term`` and ``pemat-score``;
they exit 1 only with ``--strict``. Any finding whose rule a routine waives is
shown as waived, with its reason, and counts as neither.

JSON shape (``handouts check --json``), version 1. Keys never disappear; a
value that does not apply is ``null``. Field paths are like
``steps[3].instruction`` (1-based), lines are 1-based or ``null``::

    {
      "version": 2,
      "layout": "handout-a4" | null,           # whose sections PEMAT judged
      "routines": [
        {
          "id": str, "file": str, "title": str, "audience": "self" | "partner" | "clinician",
          "language": str,                                     # e.g. "en", "es", "fr"
          "readability": {
            "scores": [{"formula": str, "scale": "grade" | "ease", "value": float, "target": float, "ok": bool}],
                                        # the language's formulas: a grade is a ceiling, an ease score a floor
            "words": int, "sentences": int, "avg_sentence_words": float,
            "longest_sentence": {"words": int, "text": str, "field": str, "line": int | null},
            "long_words": {"count": int, "examples": [str]},   # 4+ syllables
            "polysyllables": int,                              # 3+ syllables, as SMOG counts
            "passive": [{"text": str, "field": str, "line": int | null}]
          },
          "terms": [{"term": str, "defined": bool, "field": str, "line": int | null}],
          "safety": [{"rule": str, "passed": bool, "waived": bool, "message": str, "hint": str,
                      "field": str, "line": int | null, "reason": str | null}],
          "pemat": {
            "score": int, "understandable": int | null, "actionable": int | null,
            "met": int, "judged": int,
            "items": [{"id": str, "label": str, "category": str,
                       "status": "met" | "not met" | "unknown", "detail": str}],
            "review_by_hand": [str]
          },
          "findings": [{"severity": "error" | "warning", "rule": str, "message": str, "hint": str,
                        "field": str, "line": int | null, "waived": bool, "reason": str | null}],
          "errors": int, "warnings": int            # not counting waived findings
        }
      ],
      "summary": {"routines": int, "errors": int, "warnings": int}
    }
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from ..content import RoutineDoc
from ..errors import display_path
from ..located import Loc, format_loc
from .pemat import PEMAT_TARGET, REVIEW_BY_HAND, PematReport, pemat_report
from .languages import Score, describe
from .readability import LONG_SENTENCE_WORDS, Readability, readability_report
from .safety import RuleResult, run_safety_rules

JSON_VERSION = 2


@dataclass(frozen=True)
class Finding:
    """Something the author should fix, located in the routine's file."""

    severity: str  # "error" or "warning"
    rule: str
    message: str
    hint: str
    loc: Loc
    line: int | None
    waived: bool = False
    reason: str | None = None

    @property
    def where(self) -> str:
        return format_loc(self.loc)

    @property
    def counts(self) -> bool:
        return not self.waived


@dataclass
class RoutineCheck:
    doc: RoutineDoc
    readability: Readability
    safety: list[RuleResult]
    pemat: PematReport
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error" and f.counts]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning" and f.counts]


def _warnings(doc: RoutineDoc, read: Readability, pemat: PematReport) -> list[Finding]:
    routine = doc.routine
    line = doc.located.line_of
    waivers = {w.rule: w.reason for w in routine.waivers}
    out: list[Finding] = []

    def warn(rule: str, message: str, hint: str, loc: Loc) -> None:
        out.append(Finding("warning", rule, message, hint, loc, line(loc), rule in waivers, waivers.get(rule)))

    if read.unknown_language:
        warn("reading-grade", f"reading grade not measured: {read.unknown_language}",
             "write the routine in a language the checks know, or waive reading-grade with a reason",
             ("language",))
    elif not read.grade_ok:
        reading, aim = describe(read.scores)
        warn("reading-grade",
             f"reads at {reading}; aim for {aim} for a {routine.audience.value} routine",
             "use shorter sentences and shorter, everyday words"
             + (f" (e.g. instead of: {', '.join(read.long_words[:3])})" if read.long_words else ""),
             ("title",))
    for s in read.long_sentences:
        warn("long-sentence", f"sentence of {s.words} words (more than {LONG_SENTENCE_WORDS}): '{_clip(s.text)}'",
             "split it in two; one idea per sentence", s.loc)
    for t in read.undefined_terms:
        warn("undefined-term", f"uses '{t.term}' without a definition",
             f"add it to glossary (term: {t.term}, definition: ...), or explain it in brackets beside the word",
             t.loc)
    if pemat.score < PEMAT_TARGET:
        unmet = ", ".join(i.id for i in pemat.unmet)
        warn("pemat-score", f"PEMAT-P score {pemat.score}% is below {PEMAT_TARGET}% (not met: {unmet})",
             "see the PEMAT items below", ("title",))
    return out


def _clip(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def check_routine(doc: RoutineDoc, sections: list[str] | None = None) -> RoutineCheck:
    """Run every check on one loaded routine; ``sections`` is the layout's section list."""
    read = readability_report(doc.routine)
    rules = run_safety_rules(doc.routine)
    pemat = pemat_report(doc.routine, sections, read.terms)
    findings = [
        Finding("error", r.rule, r.message, r.hint, r.loc, doc.located.line_of(r.loc), r.waived, r.reason)
        for r in rules
        if not r.passed
    ]
    findings += _warnings(doc, read, pemat)
    return RoutineCheck(doc, read, rules, pemat, findings)


# --------------------------------------------------------------------------- JSON


def _place(loc: Loc, line: int | None) -> dict[str, Any]:
    return {"field": format_loc(loc), "line": line}


def routine_json(check: RoutineCheck) -> dict[str, Any]:
    doc, read, pemat = check.doc, check.readability, check.pemat
    line = doc.located.line_of
    return {
        "id": doc.id,
        "file": display_path(doc.path),
        "title": doc.routine.title,
        "audience": doc.routine.audience.value,
        "language": read.language,
        "readability": {
            "scores": [{"formula": s.formula, "scale": s.scale, "value": s.value, "target": s.target, "ok": s.ok}
                       for s in read.scores],
            "words": read.words,
            "sentences": read.sentences,
            "avg_sentence_words": read.avg_sentence_words,
            "longest_sentence": {"words": read.longest.words, "text": read.longest.text,
                                 **_place(read.longest.loc, line(read.longest.loc))},
            "long_words": {"count": len(read.long_words), "examples": read.long_words[:5]},
            "polysyllables": read.polysyllables,
            "passive": [{"text": s.text, **_place(s.loc, line(s.loc))} for s in read.passive],
        },
        "terms": [{"term": t.term, "defined": t.defined, **_place(t.loc, line(t.loc))} for t in read.terms],
        "safety": [
            {"rule": r.rule, "passed": r.passed, "waived": r.waived, "message": r.message, "hint": r.hint,
             **_place(r.loc, line(r.loc)), "reason": r.reason}
            for r in check.safety
        ],
        "pemat": {
            "score": pemat.score,
            "understandable": pemat.understandable,
            "actionable": pemat.actionable,
            "met": pemat.met,
            "judged": pemat.judged,
            "items": [{"id": i.id, "label": i.label, "category": i.category, "status": i.status, "detail": i.detail}
                      for i in pemat.items],
            "review_by_hand": list(pemat.review_by_hand),
        },
        "findings": [
            {"severity": f.severity, "rule": f.rule, "message": f.message, "hint": f.hint,
             **_place(f.loc, f.line), "waived": f.waived, "reason": f.reason}
            for f in check.findings
        ],
        "errors": len(check.errors),
        "warnings": len(check.warnings),
    }


def report_json(checks: list[RoutineCheck], layout: str | None = None) -> dict[str, Any]:
    """The whole report in the stable version-1 shape (see the module docstring)."""
    return {
        "version": JSON_VERSION,
        "layout": layout,
        "routines": [routine_json(c) for c in checks],
        "summary": {
            "routines": len(checks),
            "errors": sum(len(c.errors) for c in checks),
            "warnings": sum(len(c.warnings) for c in checks),
        },
    }


# --------------------------------------------------------------------------- text


LABEL_WIDTH = 16
TEXT_WIDTH = 100


def _row(label: str, value: str) -> str:
    """An aligned ``label  value`` line; long values wrap under the value column."""
    indent = " " * (2 + LABEL_WIDTH)
    return textwrap.fill(value, TEXT_WIDTH, initial_indent=f"  {label:<{LABEL_WIDTH}}",
                         subsequent_indent=indent + "  ", break_on_hyphens=False)


def format_routine(check: RoutineCheck) -> list[str]:
    """One aligned block for one routine."""
    doc, read, pemat = check.doc, check.readability, check.pemat
    line = doc.located.line_of
    out = [f"{doc.id}  ({display_path(doc.path)}, {doc.routine.audience.value})"]

    def mark(score: Score) -> str:
        return "ok" if score.ok else ("HIGH" if score.scale == "grade" else "LOW")

    if read.scores:
        out.append(_row("Reading grade",
                        "  ".join(f"{s.short} {s.value:>4.1f} {mark(s):<4}" for s in read.scores)
                        + "  (target: " + ", ".join(f"{s.short} {'<=' if s.scale == 'grade' else '>='} {s.target:g}"
                                                   for s in read.scores) + ")"))
    else:
        out.append(_row("Reading grade", f"not measured: {read.unknown_language}"))
    longest_line = line(read.longest.loc)
    out.append(_row("Sentences",
                    f"{read.sentences}, {read.words} words, average {read.avg_sentence_words:g} words, "
                    f"longest {read.longest.words} "
                    + (f"(line {longest_line}, {read.longest.where})" if longest_line else f"({read.longest.where})")))
    if read.long_words:
        out.append(_row("Long words", f"{len(read.long_words)} of 4+ syllables: {', '.join(read.long_words[:5])}"
                        + (", ..." if len(read.long_words) > 5 else "")))
    else:
        out.append(_row("Long words", "none of 4+ syllables"))
    if read.passive:
        out.append(_row("Passive voice", f"{len(read.passive)} sentence(s)"))
        for s in read.passive[:3]:
            out.append(_row("", f"line {line(s.loc)}: '{_clip(s.text, 60)}'"))
        if len(read.passive) > 3:
            out.append(_row("", f"... and {len(read.passive) - 3} more"))
    elif read.language != "en":
        out.append(_row("Passive voice", "not checked (English only)"))
    else:
        out.append(_row("Passive voice", "none"))
    if read.terms:
        defined = [t.term for t in read.terms if t.defined]
        undefined = [t.term for t in read.terms if not t.defined]
        text = f"{len(defined)} defined" + (f", NOT defined: {', '.join(undefined)}" if undefined else "")
        out.append(_row("Terms", text))
    elif read.language != "en":
        out.append(_row("Terms", "not checked (the list of medical terms is English)"))
    else:
        out.append(_row("Terms", "no medical terms"))
    parts = [f"{pemat.score}% ({pemat.met} of {pemat.judged} automatable items)"]
    if pemat.understandable is not None and pemat.actionable is not None:
        parts.append(f"understandable {pemat.understandable}%, actionable {pemat.actionable}%")
    out.append(_row("PEMAT-P", "; ".join(parts)))
    for item in pemat.items:
        if item.status != "met":
            out.append(_row("", f"{item.status}: {item.id}" + (f" - {item.detail}" if item.detail else "")))
    out.append(_row("", f"review by hand: {', '.join(id_ for id_, _ in REVIEW_BY_HAND)}"))
    passed = sum(r.passed for r in check.safety)
    waived = sum(r.waived for r in check.safety)
    failed = sum(not r.ok for r in check.safety)
    out.append(_row("Safety rules", f"{passed} passed, {waived} waived, {failed} failed"))
    for r in check.safety:
        if not r.passed:
            state = "waived" if r.waived else "FAILED"
            out.append(_row("", f"{state}: {r.rule}" + (f" ({r.reason})" if r.waived else "")))
    for f in check.findings:
        where = display_path(doc.path) + (f":{f.line}" if f.line else "")
        label = "waived" if f.waived else f.severity
        out.append(f"  {label:<8}{where}: {f.where}: {f.rule}: {f.message}")
        note = f"reason: {f.reason}" if f.waived else f"fix: {f.hint}"
        out.append(textwrap.fill(note, TEXT_WIDTH, initial_indent=" " * 10, subsequent_indent=" " * 12,
                                 break_on_hyphens=False))
    return out


def format_report(checks: list[RoutineCheck]) -> str:
    """The human-readable report: one block per routine, then a total."""
    lines: list[str] = []
    for c in checks:
        lines += format_routine(c)
        lines.append("")
    errors = sum(len(c.errors) for c in checks)
    warnings = sum(len(c.warnings) for c in checks)
    lines.append(f"{len(checks)} routine(s) checked: {errors} error(s), {warnings} warning(s).")
    return "\n".join(lines)
