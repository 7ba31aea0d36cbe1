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

Each language has its own formulas (:mod:`.languages`: Szigriszt-Pazos and
Fernández-Huerta for Spanish, Kandel-Moles for French), syllable counter and
sentence rule; passive voice and the list of medical terms are English word
lists and are only run on English text. For English, the grades are the
published formulas, applied to the sentences and words of :func:`sentences`
and :func:`words`, so the grade, the sentence lengths and the word count shown
beside it all come from the same split:

- Flesch-Kincaid grade = 0.39 × words / sentences + 11.8 × syllables / words − 15.59;
- SMOG grade = 1.0430 × √(polysyllables × 30 / sentences) + 3.1291, where a
  polysyllable is a word of three or more syllables.

Both are rounded to one decimal: a tenth of a grade is already finer than the
formulas can tell texts apart. Syllables per word are :func:`syllable_count`.

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
from functools import lru_cache

from ..models import Audience, Routine, Step
from ..located import Loc, format_loc
from . import languages as formulas
from .languages import LANGUAGES, Counts, Language, Score, UnknownLanguage, language_of

# --------------------------------------------------------------------------- thresholds

READING_TARGETS: dict[Audience, tuple[float, float]] = {
    audience: tuple(f.targets[audience] for f in LANGUAGES["en"].formulas)  # type: ignore[misc]
    for audience in Audience
}
"""Highest acceptable English (Flesch-Kincaid, SMOG) grade per audience. Text for
patients and partners aims at grade 8 or below (NIH); SMOG reads higher on the
same text, so its ceiling is one grade up. Clinician routines are professional
reading and are only warned about above grade 12. Other languages' formulas and
targets are in :mod:`.languages`."""

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


def sentences(text: str, language: "Language | None" = None) -> list[str]:
    """Split one piece into sentences (for English, the same rule the content model uses)."""
    end = language.sentence_end if language else _SENTENCE_END
    return [s.strip() for s in end.split(text) if s.strip()]


def words(text: str, language: "Language | None" = None) -> list[str]:
    return (language.word if language else _WORD).findall(text)


# --------------------------------------------------------------------------- syllables

_INITIALISM = re.compile(r"[B-DF-HJ-NP-TV-XZ]{2,}s?")
"""Capitals without a vowel (SCM, TMJ, GP, plural SCMs): no way to say them but letter by letter."""


@lru_cache(maxsize=4096)
def syllable_count(word: str) -> int:
    """Syllables of one word of :func:`words`, as the grade formulas count them.

    Plain words are ``syllapy.count``: its word list, then its spelling rules.
    The other kinds of word get simple rules, each erring towards how the
    reader says the word, never below one syllable:

    - A hyphenated word is the sum of its parts ("self-massage" is 3, "5-minute"
      is 3): the reader says every part, and :func:`words` keeps it as one word.
    - A number, or any part with a digit (``30``, ``54``, ``C7``), is 1 syllable.
      Plain-language guides ask for numerals rather than spelled-out numbers
      because they are taken in at a glance; counting "30" as "thir-ty" would
      make following that advice raise the grade.
    - Capitals without a vowel (``SCM``, ``TMJ``) can only be spelled out, so they
      count one syllable per letter, three for W: "SCM" is "es-see-em", 3.
      Capitals with a vowel (``STOP``) are read as the word they spell.
    - A possessive counts as its word ("client's" as "client"): the "'s" only
      adds a syllable after an s- or z-sound, which is rare enough to ignore.
    - Anything syllapy still gives 0 counts 1: every word said aloud has a syllable.

    syllapy is imported here, not with the module, because it reads its word
    list when imported; commands that check nothing do not pay for it.
    """
    if "-" in word:
        return sum(syllable_count(part) for part in word.split("-") if part)
    if any(ch.isdigit() for ch in word):
        return 1
    word = word.replace("’", "'")
    if _INITIALISM.fullmatch(word):
        return sum(3 if ch == "W" else 1 for ch in word.rstrip("s"))
    if word.lower().endswith("'s"):
        word = word[:-2]
    import syllapy

    return max(1, syllapy.count(word))


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

    scores: list[Score]
    """One per formula of the routine's language; none when the checks do not know the language."""
    words: int
    sentences: int
    avg_sentence_words: float
    longest: Sentence
    long_sentences: list[Sentence] = field(default_factory=list)
    long_words: list[str] = field(default_factory=list)
    polysyllables: int = 0
    passive: list[Sentence] = field(default_factory=list)
    terms: list[TermUse] = field(default_factory=list)
    language: str = "en"
    unknown_language: str | None = None
    """Why no score was computed (a language the checks do not know), or None."""

    def score(self, short: str) -> Score | None:
        return next((s for s in self.scores if s.short == short), None)

    @property
    def fk_grade(self) -> float | None:
        found = self.score("FK")
        return found.value if found else None

    @property
    def smog_grade(self) -> float | None:
        found = self.score("SMOG")
        return found.value if found else None

    @property
    def grade_ok(self) -> bool:
        return all(s.ok for s in self.scores)

    @property
    def undefined_terms(self) -> list[TermUse]:
        return [t for t in self.terms if not t.defined]


def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    """The Flesch-Kincaid grade level (Kincaid et al., 1975), unrounded."""
    return formulas.flesch_kincaid_grade(Counts(words, sentences, syllables, 0))


def smog_index(polysyllables: int, sentences: int) -> float:
    """The SMOG grade (McLaughlin, 1969), scaled to 30 sentences as the formula assumes, unrounded."""
    return formulas.smog_grade(Counts(1, sentences, 0, polysyllables))


def readability_report(routine: Routine) -> Readability:
    """Measure the reader-facing text of ``routine`` (see the module docstring) with the
    formulas, sentence rules and syllable counts of its language."""
    try:
        language: Language | None = language_of(routine.language)
        unknown = None
    except UnknownLanguage as exc:
        language, unknown = None, str(exc)
    pieces = reader_text(routine)
    all_sentences = [
        Sentence(s, piece.loc, len(words(s, language))) for piece in pieces for s in sentences(piece.text, language)
    ]
    all_sentences = [s for s in all_sentences if s.words]
    total_words = sum(s.words for s in all_sentences)
    longest = max(all_sentences, key=lambda s: s.words)
    count = language.syllables if language else syllable_count
    counts = [(w, count(w)) for s in all_sentences for w in words(s.text, language)]
    total_syllables = sum(n for _, n in counts)
    polysyllables = sum(1 for _, n in counts if n >= 3)
    long_words = dict.fromkeys(w.lower() for w, n in counts if n >= LONG_WORD_SYLLABLES)
    measured = Counts(total_words, len(all_sentences), total_syllables, polysyllables)
    scores = [Score(f.name, f.short, f.scale, round(f.compute(measured), 1), f.targets[routine.audience])
              for f in (language.formulas if language else ())]
    grammar = language is not None and language.grammar_checks
    return Readability(
        scores=scores,
        words=total_words,
        sentences=len(all_sentences),
        avg_sentence_words=round(total_words / len(all_sentences), 1),
        longest=longest,
        long_sentences=[s for s in all_sentences if s.words > LONG_SENTENCE_WORDS],
        long_words=list(long_words),
        polysyllables=polysyllables,
        passive=[s for s in all_sentences if is_passive(s.text)] if grammar else [],
        terms=term_uses(routine, pieces) if grammar else [],
        language=language.code if language else routine.language,
        unknown_language=unknown,
    )
