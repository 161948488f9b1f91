"""Words written around a filter, read back as the words they are (the twelfth round of the risk detector).

People who have learnt that platforms hide or punish some words write them so that a filter misses them and any
reader does not: a letter masked ("b*nuh d*ri", "s*icide", "k!ll mys*lf", "m?ti", "b-nuh"), a word broken
("bu-nuh", "ma.ti"), letters spaced out ("b u n u h  d i r i", "m.a.t.i", "m/a/t/i"), digits and signs for letters
("su1c1de", "m4ti", "r@cun"). A counselor reads them at a glance, so the detector must too. Each form is read back
only when the result is a word the detector knows: one of the words people mask (the '*' lines of
data/risk_slang.tsv, in order of preference when a mask fits several), or a variant or a canonical word of the
slang dictionary. Anything else is left exactly as it was, so ordinary text ("15mg", "5kg", "a.n.", "covid19",
"hari2", "anak-anak", "*sigh*", "akhir*", "PIN 0 8 4 7") reads as before.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Mapping
from functools import cached_property
from itertools import product

from curhat_tui.domain.risk_spell import Spelling

MASKS = frozenset("*#%?^~")  # each stands for one letter
JOINS = frozenset("-._")  # inside a word: a word broken in two ("bu-nuh"), or a letter left out ("b-nuh")
LEET: dict[str, str] = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g",
                        "@": "a", "$": "s", "!": "il"}  # a digit or sign written for a letter (some for two)
_INNER = "*#%?^~@$!-._"  # what may stand inside a word written around a filter
_EDGE_MASKS = "*#%"  # at a word's edge: a masked first or last letter ("d*r*"), or emphasis ("*sigh*")
_EDGE_SIGNS = "#@$!?^~-._"  # at a word's edge: a hashtag, a mention, punctuation; never a letter
_RUN = re.compile(r"[*#%@$!]*[^\W_]+(?:[*#%?^~@$!\-._]+[^\W_]+)*[*#%@$!?]*")  # a word with what it is written with
_SEP = r"[ \t\n.\-_/|~+\u2022]"
_SPACED = re.compile(rf"(?<![^\W_])[^\W_](?:{_SEP}{{1,4}}[^\W_]){{2,}}(?![^\W_])")  # b u n u h, m.a.t.i, m/a/t/i
_GAP = re.compile(rf"{_SEP}{{2,}}")  # between spaced-out words ("b u n u h  d i r i")
_UNIT = re.compile(r"\d+[^\W\d_]{1,3}|[^\W\d_]{1,3}\d+")  # 5kg, 15mg, 3nd, km5, ke2: a unit, an order, a grade
RUNS = re.compile(r"([^\W\d_])\1{2,}")  # three or more of one letter: "capeeek" -> "capek", "b*nuuuh" -> "b*nuh"
REDUP = re.compile(r"([^\W\d_]{2,})2")  # "hari2" (fullmatch): the chat way of writing "hari-hari"
MAX_CHOICES = 16  # readings tried for one word (each ambiguous sign doubles them)
MAX_LEN = 40
MIN_PIECE = 3  # a spaced-out run is cut into words of at least this many letters (never an affix: -an, -in, -i)
MAX_READS = 128  # mask fits tried in one message: a hostile paste of masks costs no more than this many


class Slang(dict[str, tuple[str, ...]]):
    """The slang dictionary (variant -> canonical words) and the words people mask, in order of preference."""

    def __init__(self, entries: Mapping[str, tuple[str, ...]] | None = None, masked: tuple[str, ...] = (),
                 words: Mapping[str, int] | None = None) -> None:
        super().__init__(entries or {})
        self.masked = masked
        self.words = words or {}  # the corpus's words and their counts: a word typed with a slip is read again

    def with_words(self, words: Mapping[str, int]) -> Slang:
        """This dictionary with `words` as the known words a slip is read against (risk_spell)."""
        return Slang(self, self.masked, words)

    @cached_property
    def spelling(self) -> Spelling | None:
        if not self.words:
            return None
        return Spelling(self.words, self.known.rank)  # the dictionary's words and the masked ones: known too

    @cached_property
    def known(self) -> Known:
        return Known(self, self.masked)

    @cached_property
    def signs(self) -> frozenset[str]:
        return signs_of(self)


def signs_of(slang: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """The signs the dictionary reads as words (🔪 "pisau", 💊 "obat"): its entries of one symbol character."""
    return frozenset(k for k in slang if len(k) == 1 and unicodedata.category(k) == "So")


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


class Budget:
    """How many mask fits one message may still try (each one scans the known words of its length)."""

    def __init__(self, left: int = MAX_READS) -> None:
        self.left = left

    def take(self) -> bool:
        """One fit, if any is left."""
        if self.left <= 0:
            return False
        self.left -= 1
        return True


def _fits(candidate: str, known: Known, budget: Budget) -> str | None:
    if "." not in candidate:
        return candidate if known.exact(candidate) else None
    return known.fit(candidate) if budget.take() else None


def decode(core: str, known: Known, budget: Budget | None = None) -> str | None:
    """A word written around a filter read back ("b*nuh" -> "bunuh", "su1c1de" -> "suicide", "bu-nuh" -> "bunuh"),
    or None. `budget` counts the mask fits still allowed in this message."""
    budget = budget if budget is not None else Budget()
    core = RUNS.sub(r"\1", core)
    if not 3 <= len(core) <= MAX_LEN or sum(ch.isalpha() for ch in core) < 2 or _UNIT.fullmatch(core):
        return None
    if any(ch in JOINS for ch in core):  # a word broken in two: joined, it may need nothing more
        joined = "".join(ch for ch in core if ch not in JOINS)
        if len(joined) < 3:
            return None  # "a.n", "s.d": an abbreviation
        if known.exact(joined):
            return joined
        if any(ch in _INNER or ch.isdigit() for ch in joined) and (word := decode(joined, known, budget)):
            return word
    options = [(".",) if ch in MASKS or ch in JOINS else tuple(LEET[ch]) if ch in LEET else (ch,) for ch in core]
    best: tuple[int, str] | None = None
    for n, choice in enumerate(product(*options)):
        if n >= MAX_CHOICES:
            break
        word = _fits("".join(choice), known, budget)
        if word is not None and (best is None or known.rank[word] < best[0]):
            best = (known.rank[word], word)
    return None if best is None else best[1]


def _segment(letters: str, known: Known) -> list[tuple[int, int]] | None:
    """`letters` as one known word, or cut into known words of MIN_PIECE letters or more, as few as possible
    ([start, end) pairs), or None."""
    n = len(letters)
    if known.exact(letters):
        return [(0, n)]
    best: list[list[tuple[int, int]] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(MIN_PIECE, n + 1):
        for start in range(max(0, end - 20), end - MIN_PIECE + 1):
            head = best[start]
            if head is not None and known.exact(letters[start:end]):
                if best[end] is None or len(head) + 1 < len(best[end] or ()):
                    best[end] = [*head, (start, end)]
    return best[n]


def _odd(core: str) -> bool:
    """Written with a mask or a sign, or digits among letters: worth reading back ("hari2" is not)."""
    if any(ch in _INNER for ch in core):
        return True
    return any(ch.isdigit() for ch in core) and not core.isdigit() and not REDUP.fullmatch(core)


def _read_run(lowered: str, start: int, end: int, known: Known, budget: Budget) -> tuple[str, int, int] | None:
    """One word as written (a run of letters, digits, masks and signs) read back, with the span it covers."""
    while start < end and lowered[start] in _EDGE_SIGNS:  # a hashtag, a mention, punctuation
        start += 1
    while end > start and lowered[end - 1] in _EDGE_SIGNS:
        end -= 1
    core = lowered[start:end]
    inner_start, inner_end = start, end
    while inner_start < inner_end and lowered[inner_start] in _EDGE_MASKS:
        inner_start += 1
    while inner_end > inner_start and lowered[inner_end - 1] in _EDGE_MASKS:
        inner_end -= 1
    bare = lowered[inner_start:inner_end]
    if bare != core and not _odd(bare):
        return None  # "akhir*", "*sigh*", "di*": a star for emphasis, a footnote or a typo fixed; "d*r*" reads on
    for a, b in ((start, end), (inner_start, inner_end)) if bare != core else ((start, end),):
        text = lowered[a:b]
        if _odd(text) and (word := decode(text, known, budget)) is not None:
            return None if word == text else (word, a, b)
    return None


def _spaced(lowered: str, m: re.Match[str], known: Known) -> list[tuple[str, int, int]]:
    """A run of single letters read as the words it spells: cut at the wider gaps ("b u n u h  d i r i") when it
    has them, each part one known word or a few; parts that spell nothing stay as typed."""
    found: list[tuple[str, int, int]] = []
    a = m.start()
    for part_end, next_start in [*((g.start(), g.end()) for g in _GAP.finditer(lowered, m.start(), m.end())),
                                 (m.end(), m.end())]:
        where = [i for i in range(a, part_end) if lowered[i].isalnum()]
        a = next_start
        if not 2 <= len(where) <= MAX_LEN or 2 * sum(lowered[i].isalpha() for i in where) < len(where):
            continue  # "PIN 0 8 4 7": mostly digits, not a word spelt out
        letters = "".join(LEET.get(lowered[i], lowered[i])[0] for i in where)
        pieces = _segment(letters, known) if len(where) >= MIN_PIECE else None
        found += [(letters[x:y], where[x], where[y - 1] + 1) for x, y in pieces or ()]
    return found


def unmasked(lowered: str, slang: Mapping[str, tuple[str, ...]]) -> list[tuple[str, int, int]]:
    """The words of `lowered` written around a filter, read back: (word, start, end), spans in `lowered`, sorted
    and not overlapping."""
    if not any(ch in _INNER or ch.isdigit() for ch in lowered) and not _SPACED.search(lowered):
        return []  # the usual message: nothing to read back
    known = known_words(slang)
    found: list[tuple[str, int, int]] = []
    spans: list[tuple[int, int]] = []  # the spaced-out runs, in order
    for n, m in enumerate(_SPACED.finditer(lowered)):
        if n >= MAX_READS:
            break
        spans.append((m.start(), m.end()))
        found += _spaced(lowered, m, known)
    starts = [a for a, _ in spans]
    budget = Budget()
    for m in _RUN.finditer(lowered):
        if m.group().isalpha():
            continue  # a plain word (most of them): nothing to read back
        k = bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < spans[k][1]:
            continue  # a letter of a spaced-out run
        read = _read_run(lowered, m.start(), m.end(), known, budget)
        if read is not None:
            found.append(read)
    return sorted(found, key=lambda w: w[1])
