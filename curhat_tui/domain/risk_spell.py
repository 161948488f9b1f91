"""Words typed with a slip, read as the word meant (the twentieth round of the risk detector).

A client typing in distress, in the dark, one-handed or drunk, hits a neighbouring key, drops or doubles a letter,
swaps two, leaves the vowels out or loses a space ("pusinh", "kebanyakn", "tngn", "akuudhdiatasjembatan"). A
counselor reads through it; the detector saw only words it never learnt. A word is read again only when it is not
a word the detector knows: one of the corpus's words (data/risk_words.tsv, each with the number of corpus groups
it occurs in, written by scripts/train_risk.py) or of the slang dictionary. Then, in this order:

1. one slip away (a letter dropped, added, changed, or two swapped) from known words: the most common of them;
2. written without its vowels ("tngn"): the most common known word of four letters or more with those consonants;
3. words run together: the fewest known words it splits into (two to four; a piece of two letters only when it is
   a common word: "di", "ke", "yg").

Anything else stays as written. A word of fewer than MIN_LEN letters, or with a letter outside a-z, is never read
again: short words are too close to each other to guess. What one message may cost is bounded (MAX_TRIES).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

LETTERS = "abcdefghijklmnopqrstuvwxyz"
VOWELS = frozenset("aeiou")
MIN_LEN = 4  # a shorter word is never read as another
MAX_LEN = 24  # nor a longer one (a pasted string)
MIN_KEPT = 3  # a word is never read as one shorter than this
MIN_COUNT = 2  # a word is read as a known word of at least this many corpus groups (one group's word may be a slip)
CLITICS = frozenset({"ku", "mu", "nya", "lah", "kah", "pun", "tah", "kan", "an", "in"})  # never a piece of their own:
# "batreku" is one word ("my battery"), not "batre ku"
SHORT_COMMON = 50  # a two-letter piece of a run-together word must occur in this many corpus groups ("di", "yg")
MAX_PIECES = 4
MAX_TRIES = 48  # words one message may try to read again (a reading is remembered: a word met again is free)
_CACHE = 8_192


class Tries:
    """How many new words one message may still try to read again."""

    def __init__(self, left: int = MAX_TRIES) -> None:
        self.left = left

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


class Spelling:
    """The known words with their counts, and what an unknown word reads as."""

    def __init__(self, counts: Mapping[str, int], slang_words: Iterable[str] = ()) -> None:
        known = dict(counts)
        for word in slang_words:
            if word.isascii() and word.isalpha():
                known.setdefault(word, 1)
        self.known = known
        skeletons: dict[str, str] = {}
        for word, n in known.items():
            if len(word) >= MIN_LEN and n >= MIN_COUNT:
                bare = "".join(ch for ch in word if ch not in VOWELS)
                if bare != word and len(bare) >= 3:
                    best = skeletons.get(bare)
                    if best is None or (known[best], best) < (n, word):
                        skeletons[bare] = word
        self.skeletons = skeletons
        self._read: dict[str, tuple[str, ...] | None] = {}

    def needs(self, word: str) -> bool:
        """Whether `word` is one this reads again at all (and so costs a try)."""
        return (MIN_LEN <= len(word) <= MAX_LEN and word not in self.known and word.isascii() and word.isalpha()
                and word.islower())

    def read(self, word: str, tries: Tries | None = None) -> tuple[str, ...] | None:
        """The word or words `word` stands for, or None when it stays as written (also when a new word would cost
        a try and none of `tries` is left)."""
        if not self.needs(word):
            return None
        if word in self._read:
            return self._read[word]
        if tries is not None and not tries.take():
            return None
        found = self._one_slip(word) or self._no_vowels(word) or self._run_together(word)
        if len(self._read) >= _CACHE:
            self._read.clear()
        self._read[word] = found
        return found

    def _one_slip(self, word: str) -> tuple[str, ...] | None:
        known = self.known
        best: str | None = None
        for cand in _edits(word):
            if (len(cand) >= MIN_KEPT and known.get(cand, 0) >= MIN_COUNT
                    and (best is None or (known[cand], best) > (known[best], cand))):
                best = cand
        return (best,) if best else None

    def _no_vowels(self, word: str) -> tuple[str, ...] | None:
        if VOWELS.intersection(word):
            return None
        found = self.skeletons.get(word)
        return (found,) if found else None

    def _run_together(self, word: str) -> tuple[str, ...] | None:
        n, known = len(word), self.known
        best: list[tuple[str, ...] | None] = [()] + [None] * n
        for j in range(2, n + 1):
            for i in range(j - 2, -1, -1):
                piece, before = word[i:j], best[i]
                if before is None or len(before) >= MAX_PIECES:
                    continue
                if (known.get(piece, 0) >= (MIN_COUNT if len(piece) > 2 else SHORT_COMMON)
                        and piece not in CLITICS):
                    cand = before + (piece,)
                    current = best[j]
                    if current is None or len(cand) < len(current):
                        best[j] = cand
        found = best[n]
        return found if found and len(found) >= 2 else None


def _edits(word: str) -> Iterable[str]:
    """Every string one slip away from `word`: a letter dropped, two neighbours swapped, one changed, one added."""
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
            for ch in LETTERS:
                if ch != tail[0]:
                    yield head + ch + tail[1:]
        for ch in LETTERS:
            yield head + ch + tail


def parse_words(lines: Iterable[str]) -> dict[str, int]:
    """The known-words file's lines ("word<TAB>count"; '#' starts a comment) as a mapping. Lines are checked by
    the loader (config/risk_data.py), which names the line of a malformed one."""
    counts: dict[str, int] = {}
    for line in lines:
        body = line.split("#", 1)[0].strip()
        if body:
            word, _, n = body.partition("\t")
            counts[word] = int(n)
    return counts

