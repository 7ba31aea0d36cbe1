"""What the checks need to know about each language a routine may be written in.

A reading formula is made for one language: Flesch-Kincaid counts English
syllables against English norms, so a Spanish text scored by it reads as
harder than it is. Each language here names its own formulas and targets,
its syllable counter, how its sentences and words are split, and the words
its safety rules look for. A routine in a language not listed is told so by
name; its checks are never run with another language's rules.

Targets are this tool's choice, set to the same reading ease as the English
grade 8 target (NIH: below grade 8), on each formula's published scale:

- Spanish: Szigriszt-Pazos perspicuity on the INFLESZ scale, 55 or more
  ("normal", the level INFLESZ's validation on health texts asks for), and
  Fernández-Huerta, 60 or more (its 60-70 band is the Flesch "standard" band,
  grade 8-9 in school terms);
- French: Kandel-Moles, 60 or more (the same Flesch-like scale).

Clinician routines are professional reading: 40 on every ease scale (the
"difficult" band begins below 30-40) and grade 12 in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Literal

from ..models import Audience

# --------------------------------------------------------------------------- formulas


@dataclass(frozen=True)
class Counts:
    words: int
    sentences: int
    syllables: int
    polysyllables: int


@dataclass(frozen=True)
class Formula:
    name: str
    short: str
    scale: Literal["grade", "ease"]
    """grade: a school grade, lower is easier (the target is a ceiling);
    ease: a 0-100 score, higher is easier (the target is a floor)."""
    compute: Callable[[Counts], float]
    targets: dict[Audience, float]


@dataclass(frozen=True)
class Score:
    formula: str
    short: str
    scale: Literal["grade", "ease"]
    value: float
    target: float

    @property
    def ok(self) -> bool:
        return self.value <= self.target if self.scale == "grade" else self.value >= self.target



def describe(scores: list[Score]) -> tuple[str, str]:
    """('grade 9.1 (Flesch-Kincaid) / 10 (SMOG)', 'at most 8 / 9'): how a text reads and
    what to aim for, one phrase each for the language's formulas (which share a scale)."""
    grade = scores[0].scale == "grade"
    reading = " / ".join(f"{s.value:g} ({s.formula})" for s in scores)
    aim = " / ".join(f"{s.target:g}" for s in scores)
    return ("grade " + reading if grade else reading), ("at most " if grade else "at least ") + aim


def _per_word(c: Counts) -> float:
    return c.syllables / c.words


def _per_sentence(c: Counts) -> float:
    return c.words / c.sentences


def flesch_kincaid_grade(c: Counts) -> float:
    """Kincaid et al. (1975)."""
    return 0.39 * _per_sentence(c) + 11.8 * _per_word(c) - 15.59


def smog_grade(c: Counts) -> float:
    """McLaughlin (1969), scaled to 30 sentences as the formula assumes."""
    return 1.0430 * (c.polysyllables * 30 / c.sentences) ** 0.5 + 3.1291


def fernandez_huerta(c: Counts) -> float:
    """Fernández Huerta (1959): 206.84 − 0.60 × syllables per 100 words − 1.02 × words per sentence."""
    return 206.84 - 60 * _per_word(c) - 1.02 * _per_sentence(c)


def szigriszt_pazos(c: Counts) -> float:
    """Szigriszt Pazos (1993) perspicuity, read on the INFLESZ scale (Barrio-Cantalejo et al., 2008)."""
    return 206.835 - 62.3 * _per_word(c) - _per_sentence(c)


def kandel_moles(c: Counts) -> float:
    """Kandel and Moles (1958), Flesch's reading ease refitted to French."""
    return 207 - 1.015 * _per_sentence(c) - 73.6 * _per_word(c)


def _targets(patient: float, clinician: float) -> dict[Audience, float]:
    return {Audience.self_: patient, Audience.partner: patient, Audience.clinician: clinician}


# --------------------------------------------------------------------------- syllables

_ES_VOWELS = set("aeiouáéíóúü")
_ES_STRONG = set("aeoáéóíú")  # an accented i or u stands alone (hiatus), like a strong vowel


def spanish_syllables(word: str) -> int:
    """Vowel groups, split where two strong vowels meet (le-er, pa-ís); a final y after a
    vowel closes a diphthong (hoy, muy). Spanish spelling is regular enough for this to
    match the spoken count on the words routines use."""
    w = word.lower()
    count = 0
    previous = ""
    for ch in w:
        if ch in _ES_VOWELS:
            if not previous or (previous in _ES_STRONG and ch in _ES_STRONG):
                count += 1
            previous = ch
        else:
            previous = ""
    return max(1, count)


_FR_VOWELS = set("aeiouyàâäéèêëîïôöùûüœæ")
_FR_HIATUS = set("ëïü")  # a diaeresis starts a new syllable: na-ïf, No-ël


def french_syllables(word: str) -> int:
    """Vowel groups (eau, oi, ou... are one), a diaeresis splitting them, and a final mute
    e or es not counted when the word has another vowel (é-pau-le is 2 spoken syllables:
    é-paule). The verb ending -ent is counted: it cannot be told from a noun (moment)."""
    w = word.lower().replace("’", "'").split("'")[-1]
    groups = 0
    in_group = False
    for ch in w:
        if ch in _FR_VOWELS:
            if not in_group or ch in _FR_HIATUS:
                groups += 1
            in_group = True
        else:
            in_group = False
    if groups > 1 and re.search(r"[^aeiouyàâäéèêëîïôöùûüœæ]es?$", w):
        groups -= 1
    return max(1, groups)


@lru_cache(maxsize=1)
def _english_counter() -> Callable[[str], int]:
    from .readability import syllable_count

    return syllable_count


def english_syllables(word: str) -> int:
    return _english_counter()(word)


# --------------------------------------------------------------------------- safety words

@dataclass(frozen=True)
class SafetyWords:
    spine: re.Pattern[str]
    """Any of these in a caution says 'not on the spine or bones'."""
    red_flags: dict[str, re.Pattern[str]]
    """Each warning sign a neck routine's red flags must name, found by a few synonyms."""


_I = re.I

ENGLISH_SAFETY = SafetyWords(
    spine=re.compile(r"\b(spine|spinal|spines|backbone|vertebra[el]?|bones?|bony|tailbone)\b", _I),
    red_flags={
        "dizziness": re.compile(r"\b(dizz\w*|light-?\s?headed\w*|faint\w*|vertigo|room spinning|unsteady)\b", _I),
        "numbness or tingling": re.compile(r"\b(numb\w*|tingl\w*|pins and needles)\b", _I),
        "pain spreading to the arm": re.compile(
            r"\b(spread\w*|radiat\w*|shoot\w*|travel\w*|runs?|going|goes)\b[^.;]*\b(arms?|hands?)\b|\barm pain\b", _I),
        "headache changes": re.compile(r"\b(headaches?|head pain|migraines?)\b", _I),
    },
)

SPANISH_SAFETY = SafetyWords(
    spine=re.compile(r"\b(columna|vertebral|vértebras?|huesos?|óse[ao]s?|coxis|espina dorsal)\b", _I),
    red_flags={
        "dizziness": re.compile(r"\b(mare[oa]\w*|mareos?|vértigos?|desmay\w*|aturdid\w*|inestab\w*)\b", _I),
        "numbness or tingling": re.compile(
            r"\b(entumec\w*|adormec\w*|dormid[oa]s?|hormigue\w*|cosquilleo\w*|pérdida de sensibilidad)\b", _I),
        "pain spreading to the arm": re.compile(
            r"\b(se extiende\w*|extiend\w*|irradi\w*|baja\w*|bajan|corre\w*|pasa\w*|propag\w*|llega\w*)\b"
            r"[^.;]*\b(brazos?|manos?)\b|\bdolor (en el|del) brazo\b", _I),
        "headache changes": re.compile(r"\b(dolor(es)? de cabeza|cefalea\w*|migraña\w*|jaqueca\w*)\b", _I),
    },
)

FRENCH_SAFETY = SafetyWords(
    spine=re.compile(r"\b(colonne|vertébra\w*|vertèbres?|rachis|os|osseu\w*|coccyx)\b", _I),
    red_flags={
        "dizziness": re.compile(r"\b(vertiges?|étourdi\w*|malaises?|évanoui\w*|tête qui tourne)\b", _I),
        "numbness or tingling": re.compile(r"\b(engourdi\w*|fourmill\w*|picote\w*|perte de sensibilité)\b", _I),
        "pain spreading to the arm": re.compile(
            r"\b(descend\w*|irradi\w*|s'étend\w*|s’étend\w*|étend\w*|propag\w*|gagne\w*|file\w*)\b"
            r"[^.;]*\b(bras|mains?)\b|\bdouleurs? (au|du|dans le) bras\b", _I),
        "headache changes": re.compile(r"\b((mal|maux) de tête|céphalées?|migraines?)\b", _I),
    },
)

# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    formulas: tuple[Formula, ...]
    syllables: Callable[[str], int]
    sentence_end: re.Pattern[str]
    word: re.Pattern[str]
    safety: SafetyWords
    grammar_checks: bool
    """Passive voice and the medical-term list are English word lists; elsewhere they are not run."""


_LETTERS = r"[^\W\d_]"
_WORD = re.compile(rf"(?:{_LETTERS}|\d)+(?:['’-](?:{_LETTERS}|\d)+)*")

LANGUAGES: dict[str, Language] = {
    "en": Language(
        "en", "English",
        (Formula("Flesch-Kincaid", "FK", "grade", flesch_kincaid_grade, _targets(8.0, 12.0)),
         Formula("SMOG", "SMOG", "grade", smog_grade, _targets(9.0, 13.0))),
        english_syllables,
        re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])"),
        re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*"),
        ENGLISH_SAFETY, True),
    "es": Language(
        "es", "Spanish",
        (Formula("Szigriszt-Pazos", "INFLESZ", "ease", szigriszt_pazos, _targets(55.0, 40.0)),
         Formula("Fernández-Huerta", "F-H", "ease", fernandez_huerta, _targets(60.0, 40.0))),
        spanish_syllables,
        re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑÜ0-9\"“‘(¿¡«])"),
        _WORD, SPANISH_SAFETY, False),
    "fr": Language(
        "fr", "French",
        (Formula("Kandel-Moles", "K-M", "ease", kandel_moles, _targets(60.0, 40.0)),),
        french_syllables,
        re.compile(r"(?<=[.!?])\s+(?=[A-ZÀÂÇÉÈÊËÎÏÔÙÛÜŒ0-9\"“‘(«])"),
        _WORD, FRENCH_SAFETY, False),
}


class UnknownLanguage(LookupError):
    """A routine's language has no formulas or safety words here."""


def language_of(code: str) -> Language:
    """The checks for a routine's ``language`` ('es', 'es-MX' → Spanish)."""
    base = code.split("-")[0].lower()
    if base not in LANGUAGES:
        raise UnknownLanguage(f"the checks have no rules for language '{code}' (they know: {', '.join(LANGUAGES)})")
    return LANGUAGES[base]
