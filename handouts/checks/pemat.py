"""A PEMAT-P style checklist: how understandable and actionable a handout is.

The AHRQ Patient Education Materials Assessment Tool (printable, PEMAT-P)
asks about 24 yes/no questions; materials scoring 70% or more are considered
understandable and actionable. Some questions can be judged from the routine
and the layout's section list alone, and are scored here:

========================  =============================================================
item                      met when
========================  =============================================================
purpose                   the summary states what the routine is for (it is present)
terms-defined             no flagged medical word is used without a definition
active-voice              at most one sentence in ten is passive (see readability)
short-sections            no step instruction has more than 3 sentences and no list
                          (steps of a group, actions, setup, tips, safety lists) has
                          more than 7 items
informative-headers       every step has a title and none is generic ("Step 2", "Next")
summary                   the layout shows the summary section (or, without a layout,
                          the routine has one)
visual-aids               every step has regions (the renderer draws a body map captioned
                          from them) or an illustration (which always has alt text)
numbered-steps            the layout shows numbered steps, after "what you need" when
                          both appear
addresses-reader          every step instruction speaks to the reader: after leading
                          adverbs and an opening "If/When/With ...," clause it does not
                          start with an article, a demonstrative or a third-person
                          pronoun ("The therapist...", "This stroke...", "He...")
tangible-tool             the layout has a tracking log or a notes section
========================  =============================================================

Without a layout, ``tangible-tool`` cannot be judged: it is reported as
``unknown`` and left out of the score. The rest of PEMAT-P (everyday words,
clear numbers, no calculations, clear pictures...) needs a person: those
items are listed as "review by hand". The score is automatable items met /
automatable items judged, as a percentage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Routine
from ..located import format_loc
from .readability import TermUse, reader_text, sentences, step_locs, term_uses, is_passive, words

PEMAT_TARGET = 70
"""PEMAT's threshold: 70% or more counts as understandable / actionable."""

PEMAT_RULES: dict[str, str] = {"pemat-score": f"the PEMAT-P score is below {PEMAT_TARGET}%"}
"""Warning id from this module; a routine may waive it like any rule."""

MAX_LIST_ITEMS = 7
MAX_INSTRUCTION_SENTENCES = 3
MAX_PASSIVE_SHARE = 0.10

REVIEW_BY_HAND: list[tuple[str, str]] = [
    ("everyday-words", "Uses common, everyday words"),
    ("no-distractions", "Leaves out information that distracts from the purpose"),
    ("numbers-clear", "Numbers are clear and easy to understand"),
    ("no-calculations", "Does not expect the reader to do calculations"),
    ("visuals-clear", "Pictures are clear, uncluttered and reinforce the text"),
    ("visuals-actionable", "Pictures make the steps easier to act on"),
]
"""PEMAT-P questions that need a person to judge them."""

STATUSES = ("met", "not met", "unknown")


@dataclass(frozen=True)
class PematItem:
    id: str
    label: str
    category: str  # "understandable" or "actionable"
    status: str  # one of STATUSES
    detail: str = ""

    @property
    def judged(self) -> bool:
        return self.status != "unknown"


@dataclass
class PematReport:
    """The automated PEMAT-P items of one routine, its score and what to review by hand."""

    routine_id: str
    items: list[PematItem] = field(default_factory=list)
    review_by_hand: list[str] = field(default_factory=lambda: [label for _, label in REVIEW_BY_HAND])

    def _score(self, category: str | None = None) -> int | None:
        judged = [i for i in self.items if i.judged and (category is None or i.category == category)]
        if not judged:
            return None
        return round(100 * sum(i.status == "met" for i in judged) / len(judged))

    @property
    def met(self) -> int:
        return sum(i.status == "met" for i in self.items)

    @property
    def judged(self) -> int:
        return sum(i.judged for i in self.items)

    @property
    def score(self) -> int:
        """Automatable items met / automatable items judged, in percent."""
        return self._score() or 0

    @property
    def understandable(self) -> int | None:
        return self._score("understandable")

    @property
    def actionable(self) -> int | None:
        return self._score("actionable")

    @property
    def unmet(self) -> list[PematItem]:
        return [i for i in self.items if i.status == "not met"]


# --------------------------------------------------------------------------- item checks

_GENERIC_TITLE = re.compile(
    r"^(?:(?:step|part|stage|section|phase|exercise|move)\s*\d*|\d+|next|continue|more|other|misc\.?|"
    r"miscellaneous|then|instructions?|untitled|todo|tbd)[.:)]?$",
    re.IGNORECASE,
)
_INTRO = {"if", "when", "while", "with", "using", "once", "after", "before", "as", "for", "to", "keeping",
          "starting", "at", "from", "on", "in", "during", "without", "between", "holding"}
_LEAD_ADVERBS = {"then", "now", "next", "first", "second", "third", "finally", "again", "still", "also",
                 "afterwards", "last", "lastly", "meanwhile"}
_NOT_TO_READER = {"the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "they",
                  "his", "her", "their", "them", "there", "here", "we", "our", "i", "my", "one", "someone",
                  "somebody", "each", "every", "many", "most", "some", "patients", "clients", "people"}


def _opening_word(instruction: str) -> str:
    """The word the instruction really starts with, past adverbs and an opening clause."""
    first = sentences(instruction)[0] if instruction.strip() else ""
    tokens = [w.lower() for w in words(first)]
    if tokens and tokens[0] in _INTRO and "," in first:
        rest = first.split(",", 1)[1]
        tokens = [w.lower() for w in words(rest)]
    while tokens and (tokens[0] in _LEAD_ADVERBS or tokens[0].endswith("ly")):
        tokens = tokens[1:]
    return tokens[0] if tokens else ""


def _item(id_: str, label: str, category: str, ok: bool | None, problems: list[str]) -> PematItem:
    status = "unknown" if ok is None else ("met" if ok else "not met")
    return PematItem(id_, label, category, status, "; ".join(problems))


def _lists(routine: Routine) -> list[tuple[str, int]]:
    out = [("setup", len(routine.setup)), ("tips", len(routine.tips)), ("hand_tips", len(routine.hand_tips))]
    for name in ("cautions", "red_flags", "contraindications"):
        out.append((f"safety.{name}", len(getattr(routine.safety, name))))
    if routine.phases:
        out += [(f"phases[{p + 1}].steps", len(ph.steps)) for p, ph in enumerate(routine.phases)]
    else:
        out.append(("steps", len(routine.steps)))
    out += [(format_loc(loc + ("actions",)), len(s.actions)) for loc, s in step_locs(routine)]
    return out


def pemat_report(routine: Routine, sections: list[str] | None = None,
                 terms: list[TermUse] | None = None) -> PematReport:
    """Score the automatable PEMAT-P items of ``routine`` shown with a layout's ``sections``.

    ``sections`` is the layout's section list (names such as ``"summary"``,
    ``"tracking_log"``); ``None`` means no layout is known, and the items that
    depend on it are judged from the routine alone or left ``unknown``.
    ``terms`` is :func:`.readability.term_uses` of the routine when the caller
    has it already (searching every term is the slow part).
    """
    sections = [str(getattr(s, "value", s)) for s in sections] if sections is not None else None
    steps = step_locs(routine)
    pieces = reader_text(routine)
    items: list[PematItem] = []

    items.append(_item("purpose", "Purpose is evident (a summary says what it is for)", "understandable",
                       bool(routine.summary), [] if routine.summary else ["no summary"]))

    # The term list, passive voice and who a step speaks to are English word lists:
    # on other languages those items are left unknown rather than judged wrongly.
    english = routine.language.split("-")[0].lower() == "en"
    not_english = [f"checked on English text only (this routine is '{routine.language}')"]
    if english:
        undefined = [u for u in (term_uses(routine, pieces) if terms is None else terms) if not u.defined]
        items.append(_item("terms-defined", "Medical terms are defined", "understandable", not undefined,
                           [f"'{u.term}' ({u.where})" for u in undefined]))
        all_sentences = [s for p in pieces for s in sentences(p.text)]
        passive = [s for s in all_sentences if is_passive(s)]
        share = len(passive) / len(all_sentences) if all_sentences else 0.0
        items.append(_item("active-voice", "Uses the active voice", "understandable", share <= MAX_PASSIVE_SHARE,
                           [f"{len(passive)} of {len(all_sentences)} sentences are passive"]
                           if share > MAX_PASSIVE_SHARE else []))
    else:
        items.append(_item("terms-defined", "Medical terms are defined", "understandable", None, not_english))
        items.append(_item("active-voice", "Uses the active voice", "understandable", None, not_english))

    long_parts = [f"{format_loc(loc + ('instruction',))} has {n} sentences"
                  for loc, s in steps if (n := len(sentences(s.instruction))) > MAX_INSTRUCTION_SENTENCES]
    long_parts += [f"{name} has {n} items" for name, n in _lists(routine) if n > MAX_LIST_ITEMS]
    items.append(_item("short-sections", f"Short sections (instructions of up to {MAX_INSTRUCTION_SENTENCES} sentences, "
                       f"lists of up to {MAX_LIST_ITEMS} items)", "understandable", not long_parts, long_parts))

    titles = [s.title.strip() for _, s in steps]
    generic = [f"{format_loc(loc + ('title',))} '{s.title}'" for loc, s in steps if _GENERIC_TITLE.match(s.title.strip())]
    repeated = sorted({t for t in titles if titles.count(t) > 1})
    items.append(_item("informative-headers", "Step titles are informative", "understandable",
                       not generic and not repeated,
                       [f"generic: {g}" for g in generic] + [f"repeated title '{t}'" for t in repeated]))

    if sections is None:
        items.append(_item("summary", "Provides a summary", "understandable", bool(routine.summary), []))
    else:
        shown = "summary" in sections
        items.append(_item("summary", "Provides a summary", "understandable", shown,
                           [] if shown else ["the layout has no summary section"]))

    unillustrated = [f"step {n} '{s.title}'" for n, (_, s) in enumerate(steps, 1) if not (s.regions or s.illustration)]
    items.append(_item("visual-aids", "A captioned picture for every step", "understandable", not unillustrated,
                       [f"no regions or illustration: {', '.join(unillustrated)}"] if unillustrated else []))

    order_problems = []
    if not steps:
        order_problems.append("no steps")
    if sections is not None:
        if "steps" not in sections:
            order_problems.append("the layout has no steps section")
        elif "what_you_need" in sections and sections.index("what_you_need") > sections.index("steps"):
            order_problems.append("the layout puts 'what you need' after the steps")
    items.append(_item("numbered-steps", "Actions are broken into numbered steps in a logical order", "actionable",
                       not order_problems, order_problems))

    not_to_reader = []
    for loc, s in steps:
        word = _opening_word(s.instruction)
        if word in _NOT_TO_READER:
            not_to_reader.append(f"{format_loc(loc + ('instruction',))} starts with '{word}'")
    items.append(_item("addresses-reader", "Steps speak to the reader ('Press...', 'You...')", "actionable",
                       not not_to_reader if english else None, not_to_reader if english else not_english))

    if sections is None:
        items.append(_item("tangible-tool", "Offers a tangible tool (tracking log or notes)", "actionable", None,
                           ["no layout given"]))
    else:
        tool = "tracking_log" in sections or "notes" in sections
        items.append(_item("tangible-tool", "Offers a tangible tool (tracking log or notes)", "actionable", tool,
                           [] if tool else ["the layout has neither tracking_log nor notes"]))

    return PematReport(routine_id=routine.id, items=items)
