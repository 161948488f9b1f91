"""Words written around a filter, read back as the words they are (the twelfth round of the risk detector).

People who have learnt that platforms hide or punish some words write them so that a filter misses them and any
reader does not: a letter masked ("b*nuh d*ri", "s*icide", "k!ll mys*lf"), letters spaced out ("b u n u h  d i r
i", "m.a.t.i"), digits and signs for letters ("su1c1de", "m4ti", "r@cun"). A counselor reads them at a glance, so the
detector must too. Each form is read back only when the result is a word the detector knows: one of the words
people mask (the '*' lines of data/risk_slang.tsv, in order of preference when a mask fits several), or a variant
or a canonical word of the slang dictionary. Anything else is left exactly as it was, so ordinary text ("15mg",
"a.n.", "covid19", "*sigh*") reads as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from itertools import product

MASKS = frozenset("*#%")  # each stands for one letter
LEET: dict[str, str] = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g",
                        "@": "a", "$": "s", "!": "il"}  # a digit or sign written for a letter (some for two)
_SIGNS = "*#%@$!"
_RUN = re.compile(r"(?:[^\W_]|[*#%@$!])+")  # a word with its masks and signs
_SPACED = re.compile(r"(?<![^\W_])[^\W_](?:[ .\-_]{1,3}[^\W_]){2,}(?![^\W_])")  # b u n u h, m.a.t.i, d-i-r-i
MAX_CHOICES = 16  # readings tried for one word (each ambiguous sign doubles them)
MAX_LEN = 40
MAX_READS = 64  # words read back in one message: a hostile paste of masks costs no more than this many


class Slang(dict[str, tuple[str, ...]]):
    """The slang dictionary (variant -> canonical words) and the words people mask, in order of preference."""

    def __init__(self, entries: Mapping[str, tuple[str, ...]] | None = None, masked: tuple[str, ...] = ()) -> None:
        super().__init__(entries or {})
        self.masked = masked

    @cached_property
    def known(self) -> Known:
        return Known(self, self.masked)


class Known:
    """The words a masked, spaced or digit-written word may be read as, by length, the preferred first."""

    def __init__(self, slang: Mapping[str, tuple[str, ...]], masked: tuple[str, ...]) -> None:
        rank: dict[str, int] = {}
        for word in masked:
            rank.setdefault(word, len(rank))
        last = len(rank)
        for variant, words in slang.items():
            for word in (variant, *words):
                if word.isalpha():
                    rank.setdefault(word, last)
        self.rank = rank
        self.preferred = last  # ranks below this are the masked words
        self.by_len: dict[int, list[str]] = {}
        for word in sorted(rank, key=lambda w: (rank[w], w)):
            self.by_len.setdefault(len(word), []).append(word)

    def exact(self, word: str) -> bool:
        return word in self.rank

    def fit(self, pattern: str) -> str | None:
        """The word a masked pattern ('.' for a masked letter) reads as: the first masked word it fits, else the one
        dictionary word it fits (None when none does, or several do and none is a masked word)."""
        rx = re.compile(pattern)
        found = [w for w in self.by_len.get(len(pattern), ()) if rx.fullmatch(w)]
        if not found:
            return None
        if self.rank[found[0]] < self.preferred or len(found) == 1:
            return found[0]
        return None


def known_words(slang: Mapping[str, tuple[str, ...]]) -> Known:
    return slang.known if isinstance(slang, Slang) else Known(slang, ())


def decode(core: str, known: Known) -> str | None:
    """A masked or digit-written word read back ("b*nuh" -> "bunuh", "su1c1de" -> "suicide"), or None."""
    if not 3 <= len(core) <= MAX_LEN or sum(ch.isalpha() for ch in core) < 2:
        return None
    options = [(".",) if ch in MASKS else tuple(LEET[ch]) if ch in LEET else (ch,) for ch in core]
    best: tuple[int, str] | None = None
    for n, choice in enumerate(product(*options)):
        if n >= MAX_CHOICES:
            break
        candidate = "".join(choice)
        word = (candidate if known.exact(candidate) else None) if "." not in candidate else known.fit(candidate)
        if word is not None and (best is None or known.rank[word] < best[0]):
            best = (known.rank[word], word)
    return None if best is None else best[1]


def _segment(letters: str, known: Known) -> list[tuple[int, int]] | None:
    """`letters` cut into known words of two letters or more, as few as possible ([start, end) pairs), or None."""
    n = len(letters)
    best: list[list[tuple[int, int]] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(2, n + 1):
        for start in range(max(0, end - 20), end - 1):
            head = best[start]
            if head is not None and known.exact(letters[start:end]):
                if best[end] is None or len(head) + 1 < len(best[end] or ()):
                    best[end] = [*head, (start, end)]
    return best[n]


def unmasked(lowered: str, slang: Mapping[str, tuple[str, ...]]) -> list[tuple[str, int, int]]:
    """The words of `lowered` written around a filter, read back: (word, start, end), spans in `lowered`."""
    if not any(ch in _SIGNS or ch.isdigit() for ch in lowered) and not _SPACED.search(lowered):
        return []  # the usual message: nothing to read back
    known = known_words(slang)
    found: list[tuple[str, int, int]] = []
    taken = 0
    for n, m in enumerate(_SPACED.finditer(lowered)):
        if n >= MAX_READS:
            break
        if m.end() - m.start() > 4 * MAX_LEN:
            continue  # a wall of single letters is no word
        where = [i for i in range(m.start(), m.end()) if lowered[i] not in " .-_"]
        letters = "".join(LEET.get(lowered[i], lowered[i])[0] for i in where)
        if sum(ch.isalpha() for ch in letters) < 2 or len(letters) > MAX_LEN:
            continue
        pieces = [(0, len(letters))] if known.exact(letters) else _segment(letters, known)
        if pieces:
            found += [(letters[a:b], where[a], where[b - 1] + 1) for a, b in pieces]
            taken = max(taken, m.end())
    tries = 0
    for m in _RUN.finditer(lowered):
        if m.start() < taken and any(s <= m.start() < e for _, s, e in found):
            continue
        start, end = m.start(), m.end()
        while start < end and lowered[start] in _SIGNS:
            start += 1
        while end > start and lowered[end - 1] in _SIGNS:
            end -= 1
        core = lowered[start:end]
        odd = any(ch in _SIGNS for ch in core) or (any(ch.isdigit() for ch in core) and not core.isdigit())
        if not odd:
            continue
        tries += 1
        if tries > MAX_READS:
            break
        if (word := decode(core, known)) is not None and word != core:
            found.append((word, start, end))
    return sorted(found, key=lambda w: w[1])
