"""Reading level, sentence length, passive voice and undefined terms of a routine.

Patient-education guidance asks for grade 6-8 text, short sentences, the
active voice and every medical word defined. This module measures those on
the *reader-facing text* of a routine, which is, in reading order:

- ``title``, ``summary``, ``position`` and every ``setup`` line;
- for phased routines, each phase ``title`` and ``purpose``;
- for every step: ``title``, ``instruction``, each of its ``actions`` and its ``caution``;
- every ``hand_tips[].text`` and every ``tips`` line;
- the safety lines: ``cautions``, ``red_flags``, ``contraindications`` and ``seek_care``.

Left out on purpose: ``equipment`` (a list of nouns, not sentences),
``assessment`` (questions a clinician asks, not text the reader acts on),
``glossary`` definitions (they are the explanation, not the thing explained),
illustration alt text, the source and the ids.

Each piece is one unit of reading: a piece without closing punctuation (a
title, a bullet) is counted as one sentence, as a reader meets it.

Grades come from ``textstat`` (Flesch-Kincaid grade and SMOG), whose syllable
counts use the CMU pronouncing dictionary with a hyphenation fallback; we do
not count syllables by hand. :mod:`.syllables` only makes textstat read the
dictionary entries of the words the text uses instead of the whole dictionary.

Passive voice is found by a deliberately simple heuristic: a form of *be*
(am, is, are, was, were, be, been, being), at most two adverbs (``-ly`` words,
``not``, ``also``...), then a past participle: a word ending in ``-ed`` (but not
``need``, ``bed``, ``red``...) or one of a small list of irregular participles
(``done``, ``held``, ``kept``, ``given``...). Participles that mostly describe a
state (``relaxed``, ``seated``, ``tired``, ``broken``, ``swollen``...) are not
counted, so "make sure your partner is relaxed" is not flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import textstat

from . import syllables
from ..models import Audience, Routine, Step
from ..located import Loc, format_loc

syllables.install()

# --------------------------------------------------------------------------- thresholds

READING_TARGETS: dict[Audience, tuple[float, float]] = {
    Audience.self_: (8.0, 9.0),
    Audience.partner: (8.0, 9.0),
    Audience.clinician: (12.0, 13.0),
}
"""Highest acceptable (Flesch-Kincaid, SMOG) grade per audience. Text for
patients and partners aims at grade 8 or below (NIH); SMOG reads higher on the
same text, so its ceiling is one grade up. Clinician routines are professional
reading and are only warned about above grade 12."""

LONG_SENTENCE_WORDS = 25
"""A sentence longer than this is hard to follow in one breath; it gets a warning."""

LONG_WORD_SYLLABLES = 4
"""Words of this many syllables or more are listed as long words (more than three)."""

LITERACY_RULES: dict[str, str] = {
    "reading-grade": "the reading grade is above the target for the audience",
    "long-sentence": f"a sentence has more than {LONG_SENTENCE_WORDS} words",
    "undefined-term": "a medical or technical word is used without a definition",
}
"""Warning ids from this module; a routine may waive them like any rule."""

# --------------------------------------------------------------------------- reader-facing text


@dataclass(frozen=True)
class TextPiece:
    """One piece of reader-facing text and the field it came from."""

    loc: Loc
    text: str

    @property
    def where(self) -> str:
        return format_loc(self.loc)


def step_locs(routine: Routine) -> list[tuple[Loc, Step]]:
    """Every step with its field path, in reading order (phases flattened)."""
    if routine.phases:
        return [
            (("phases", p, "steps", i), step)
            for p, phase in enumerate(routine.phases)
            for i, step in enumerate(phase.steps)
        ]
    return [(("steps", i), step) for i, step in enumerate(routine.steps)]


def reader_text(routine: Routine) -> list[TextPiece]:
    """The reader-facing text of ``routine`` in reading order (see the module docstring)."""
    out: list[TextPiece] = [
        TextPiece(("title",), routine.title),
        TextPiece(("summary",), routine.summary),
        TextPiece(("position",), routine.position),
    ]
    out += [TextPiece(("setup", i), line) for i, line in enumerate(routine.setup)]

    def steps_of(prefix: Loc, steps: list[Step]) -> None:
        for i, step in enumerate(steps):
            loc = prefix + (i,)
            out.append(TextPiece(loc + ("title",), step.title))
            out.append(TextPiece(loc + ("instruction",), step.instruction))
            out.extend(TextPiece(loc + ("actions", j), a) for j, a in enumerate(step.actions))
            if step.caution:
                out.append(TextPiece(loc + ("caution",), step.caution))

    if routine.phases:
        for p, phase in enumerate(routine.phases):
            out.append(TextPiece(("phases", p, "title"), phase.title))
            if phase.purpose:
                out.append(TextPiece(("phases", p, "purpose"), phase.purpose))
            steps_of(("phases", p, "steps"), list(phase.steps))
    else:
        steps_of(("steps",), list(routine.steps))
    out += [TextPiece(("hand_tips", i, "text"), tip.text) for i, tip in enumerate(routine.hand_tips)]
    out += [TextPiece(("tips", i), line) for i, line in enumerate(routine.tips)]
    safety = routine.safety
    for name in ("cautions", "red_flags", "contraindications"):
        out += [TextPiece(("safety", name, i), line) for i, line in enumerate(getattr(safety, name))]
    if safety.seek_care:
        out.append(TextPiece(("safety", "seek_care"), safety.seek_care))
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")


def sentences(text: str) -> list[str]:
    """Split one piece into sentences (the same rule the content model uses)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def scoring_text(pieces: list[TextPiece]) -> str:
    """One text for the grade formulas: each piece closed as a sentence."""
    parts = []
    for piece in pieces:
        t = piece.text.strip()
        parts.append(t if t[-1:] in ".!?" else t + ".")
    return " ".join(parts)


# --------------------------------------------------------------------------- passive voice

_BE = {"am", "is", "are", "was", "were", "be", "been", "being", "isn't", "aren't", "wasn't", "weren't"}
_ADVERBS = {"not", "never", "also", "still", "just", "often", "always", "usually", "then", "now", "all", "both", "only", "already"}
_IRREGULAR = {
    "arisen", "beaten", "become", "begun", "bent", "bitten", "blown", "born", "borne", "bought", "bound",
    "broken", "brought", "built", "caught", "chosen", "cut", "dealt", "done", "drawn", "driven", "eaten",
    "fallen", "fed", "felt", "forgotten", "found", "given", "gone", "grown", "held", "hidden", "hit",
    "hung", "hurt", "kept", "known", "laid", "led", "left", "lent", "lost", "made", "meant", "met", "paid",
    "put", "read", "run", "said", "seen", "sent", "set", "shaken", "shown", "shut", "sold", "spent",
    "split", "spoken", "spread", "stolen", "struck", "swollen", "taken", "taught", "thought", "thrown",
    "told", "torn", "understood", "woken", "worn", "won", "written",
}
_NOT_PARTICIPLE = {"bed", "red", "shed", "need", "seed", "feed", "speed", "bleed", "breed", "hundred", "sacred", "naked", "wicked", "indeed", "steed", "weed"}
_STATIVE = {
    "relaxed", "seated", "tired", "interested", "worried", "concerned", "pleased", "surprised", "excited",
    "bored", "scared", "supposed", "tensed", "used", "broken", "swollen", "bruised", "injured", "inflamed",
}
"""Participles read as adjectives after *be* ("is relaxed", "be seated", "the skin is broken")."""


def _is_participle(word: str) -> bool:
    w = word.lower()
    if w in _STATIVE or w in _NOT_PARTICIPLE:
        return False
    return w in _IRREGULAR or (len(w) > 4 and w.endswith("ed"))


def is_passive(sentence: str) -> bool:
    """True when the sentence has *be* + (up to two adverbs) + past participle."""
    tokens = [w.lower().replace("’", "'") for w in words(sentence)]
    for i, tok in enumerate(tokens):
        if tok not in _BE:
            continue
        j = i + 1
        skipped = 0
        while j < len(tokens) and skipped < 2 and (tokens[j] in _ADVERBS or tokens[j].endswith("ly")):
            j += 1
            skipped += 1
        if j < len(tokens) and _is_participle(tokens[j]):
            return True
    return False


# --------------------------------------------------------------------------- terms


@dataclass(frozen=True)
class FlaggedTerm:
    """A medical or technical word that the reader should have defined."""

    name: str
    pattern: re.Pattern[str]


def _term(name: str, regex: str, case_sensitive: bool = False) -> FlaggedTerm:
    flags = 0 if case_sensitive else re.IGNORECASE
    return FlaggedTerm(name, re.compile(rf"(?<![\w-])(?:{regex})(?![\w-])", flags))


# Multi-word and longer terms come first: a matched span is blanked out, so
# "levator scapulae" is not also reported as "scapula".
TERMS: list[FlaggedTerm] = [
    _term("levator scapulae", r"levator\s+scapulae|levators?"),
    _term("sternocleidomastoid", r"sternocleidomastoids?"),
    _term("trigger point", r"trigger\s+points?"),
    _term("suboccipitals", r"sub-?occipitals?"),
    _term("effleurage", r"effleurage"),
    _term("petrissage", r"p[eé]trissage"),
    _term("tapotement", r"tapotement"),
    _term("trapezius", r"trapezius|trapezii"),
    _term("SCM", r"SCMs?", case_sensitive=True),
    _term("cervical", r"cervical"),
    _term("thoracic", r"thoracic"),
    _term("lumbar", r"lumbar"),
    _term("occiput", r"occiput|occipital"),
    _term("sacrum", r"sacrum|sacral"),
    _term("myofascial", r"myofascial"),
    _term("fascia", r"fascia[el]?"),
    _term("scapula", r"scapula[er]?"),
    _term("paraspinal", r"paraspinals?"),
    _term("vertebra", r"vertebra[el]?"),
    _term("rhomboids", r"rhomboids?"),
    _term("mastoid", r"mastoids?"),
    _term("carotid", r"carotids?"),
    _term("traction", r"traction"),
    _term("supine", r"supine"),
    _term("prone", r"prone"),
    _term("flexion", r"flexions?"),
    _term("extension", r"extensions?"),
    _term("rotation", r"rotations?"),
    _term("palpate", r"palpat(?:e|es|ed|ing|ion)"),
]
"""Words a lay reader is unlikely to know; each needs a glossary entry (or a
gloss in brackets right beside it). Matches whole words only, so
'hyperextension' or 'extensions' inside other words are not touched."""


@dataclass(frozen=True)
class TermUse:
    """The first use of a flagged term, and whether the routine defines it."""

    term: str
    loc: Loc
    defined: bool

    @property
    def where(self) -> str:
        return format_loc(self.loc)


def _glossed_inline(text: str, start: int, end: int) -> bool:
    """'trapezius (the muscle on top of the shoulder)' or 'top of the shoulders (trapezius)'."""
    if re.match(r"\s*\(", text[end:]):
        return True
    before, after = text[:start], text[end:]
    return bool(re.search(r"\w[^()]*\(\s*$", before) and re.match(r"\s*\)", after))


def term_uses(routine: Routine, pieces: list[TextPiece] | None = None) -> list[TermUse]:
    """Every flagged term the text uses, at its first use, with whether it is defined.

    A term counts as defined when a glossary entry's ``term`` matches it, or
    when any use of it carries a gloss in brackets right beside it.
    """
    pieces = reader_text(routine) if pieces is None else pieces
    glossary = [entry.term for entry in routine.glossary]
    first: dict[str, Loc] = {}
    inline: set[str] = set()
    for piece in pieces:
        text = piece.text
        for term in TERMS:
            found = list(term.pattern.finditer(text))
            if not found:
                continue
            for m in found:
                first.setdefault(term.name, piece.loc)
                if _glossed_inline(text, m.start(), m.end()):
                    inline.add(term.name)
            for m in reversed(found):  # blank the matches so shorter terms inside them are not found again
                text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    uses = []
    for term in TERMS:
        if term.name in first:
            defined = term.name in inline or any(term.pattern.search(g) for g in glossary)
            uses.append(TermUse(term.name, first[term.name], defined))
    position = {p.loc: i for i, p in enumerate(pieces)}
    return sorted(uses, key=lambda u: position.get(u.loc, 0))


# --------------------------------------------------------------------------- the measurements


@dataclass(frozen=True)
class Sentence:
    text: str
    loc: Loc
    words: int

    @property
    def where(self) -> str:
        return format_loc(self.loc)


@dataclass
class Readability:
    """Reading measurements of one routine's reader-facing text."""

    fk_grade: float
    smog_grade: float
    words: int
    sentences: int
    avg_sentence_words: float
    longest: Sentence
    long_sentences: list[Sentence] = field(default_factory=list)
    long_words: list[str] = field(default_factory=list)
    polysyllables: int = 0
    passive: list[Sentence] = field(default_factory=list)
    terms: list[TermUse] = field(default_factory=list)

    @property
    def undefined_terms(self) -> list[TermUse]:
        return [t for t in self.terms if not t.defined]


def readability_report(routine: Routine) -> Readability:
    """Measure the reader-facing text of ``routine`` (see the module docstring)."""
    pieces = reader_text(routine)
    text = scoring_text(pieces)
    all_sentences = [
        Sentence(s, piece.loc, len(words(s))) for piece in pieces for s in sentences(piece.text)
    ]
    all_sentences = [s for s in all_sentences if s.words]
    total_words = sum(s.words for s in all_sentences)
    longest = max(all_sentences, key=lambda s: s.words)
    syllables.prime([text, *{w.lower() for w in words(text)}])
    seen: dict[str, None] = {}
    for w in words(text):
        lw = w.lower()
        if lw not in seen and not lw.isdigit() and textstat.syllable_count(lw) >= LONG_WORD_SYLLABLES:
            seen[lw] = None
    return Readability(
        fk_grade=round(float(textstat.flesch_kincaid_grade(text)), 1),
        smog_grade=round(float(textstat.smog_index(text)), 1),
        words=total_words,
        sentences=len(all_sentences),
        avg_sentence_words=round(total_words / len(all_sentences), 1),
        longest=longest,
        long_sentences=[s for s in all_sentences if s.words > LONG_SENTENCE_WORDS],
        long_words=list(seen),
        polysyllables=int(textstat.polysyllabcount(text)),
        passive=[s for s in all_sentences if is_passive(s.text)],
        terms=term_uses(routine, pieces),
    )
