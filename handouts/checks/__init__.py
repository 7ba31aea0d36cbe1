"""Build-time health-literacy and safety checks.

Patient handouts are read by people under stress, at home, without the
therapist: the text has to be easy, the safety content complete. These checks
measure both from the same validated routine the renderers use, so a handout
that reads at college level or forgets to say "stop if you feel dizzy" is
caught before it is printed.

- :mod:`.readability` — reading grades (Flesch-Kincaid, SMOG), sentence
  length, long words, passive voice, undefined medical terms;
- :mod:`.safety` — safety rules with ids, messages, hints and waivers;
- :mod:`.pemat` — a PEMAT-P style checklist and score;
- :mod:`.report` — everything per routine, as text or stable JSON.
"""

from .pemat import PematItem, PematReport, pemat_report
from .readability import Readability, TermUse, readability_report, reader_text
from .report import JSON_VERSION, Finding, RoutineCheck, check_routine, format_report, report_json
from .safety import RULES, RuleResult, known_rule_ids, run_safety_rules, safety_problems

__all__ = [
    "JSON_VERSION",
    "RULES",
    "Finding",
    "PematItem",
    "PematReport",
    "Readability",
    "RoutineCheck",
    "RuleResult",
    "TermUse",
    "check_routine",
    "format_report",
    "known_rule_ids",
    "pemat_report",
    "readability_report",
    "reader_text",
    "report_json",
    "run_safety_rules",
    "safety_problems",
]
