"""Words typed with a slip, read as the word meant (the twentieth round of the risk detector).

A client typing in distress, in the dark, one-handed or drunk, hits a neighbouring key, drops or doubles a letter,
swaps two, leaves the vowels out or loses a space ("tidyr", "mabukk", "tngn", "akudiatas"). A counselor reads
through it; the detector saw only words it never learnt. A word is read again only when it is not a word the
detector knows: one of the corpus's words (data/risk_words.tsv, each with the number of corpus groups it occurs in,
written by scripts/train_risk.py) or of the slang dictionary (where ordinary words one slip from a word of risk
stand as themselves: "bakat", "wasit"). Then:

1. its last letter held ("mabukk", "takutt"): the known word without it;
2. only when it cannot be a word as typed (no vowel, or a run of consonants that no three known words have where it
   stands: "tidyr", "sayst", "tngn"; never "telah", "buruh", "sobat", a regional "bunuah": they could be words, and
   reading "telah" as "telan" would make a formal "saya telah minum obat" an overdose): the commonest known word one
   slip of a thumb away (a letter left out, a doubled letter or a neighbouring key's added, a key beside the right
   one, two swapped; never the first letter), else, without vowels, the commonest known word with its consonants;
3. else, a word of six letters or more that ran together: the fewest known words (two to four) it is cut into, the
   commonest of such cuts ("akudiatas" is "aku di atas"), when one of them is a short word of chat ("di", "ke",
   "yg", "aku", "mau", SHORT_PIECES) and every other has four letters or more; never a suffix on its own
   ("batreku" is one word), never two long words ("deadpool", "highlighter").

Never read either: a known word with the prefixes and suffixes words are made with ("digunakan", "diamati",
"hidupmu", "merahmati": `derived`), and, in a message (risk_text._to_spell), a name or an acronym as written.

Anything else stays as written. A word of fewer than MIN_LEN letters, or with a letter outside a-z, is never read
again: short words are too close to each other to guess. What one message may cost is bounded (MAX_TRIES).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ROWS = (("qwertyuiop", 0.0), ("asdfghjkl", 0.5), ("zxcvbnm", 1.5))  # a phone's QWERTY keyboard, each row's offset
_KEYS = {ch: (r, x + k) for r, (row, x) in enumerate(_ROWS) for k, ch in enumerate(row)}
NEAR = {a: "".join(b for b, (rb, xb) in _KEYS.items() if b != a and abs(ra - rb) <= 1 and abs(xa - xb) <= 1.0
                   and (ra != rb or abs(xa - xb) == 1.0))
        for a, (ra, xa) in _KEYS.items()}  # the keys around each key
VOWELS = frozenset("aeiou")
MIN_LEN = 4  # a shorter word is never read as another
MAX_LEN = 24  # nor a longer one (a pasted string)
MIN_KEPT = 3  # a word is never read as one shorter than this
MIN_COUNT = 2  # a word is read as a known word of at least this many corpus groups (one group's word may be a slip)
CLITICS = frozenset({"ku", "mu", "nya", "lah", "kah", "pun", "tah", "kan", "an", "in"})  # never a piece of their own:
# "batreku" is one word ("my battery"), not "batre ku"
SHORT_PIECES = frozenset({"di", "ke", "yg", "ga", "gk", "gw", "lg", "sm", "tp", "dr", "jd", "aku", "gue", "udh", "gak",
                          "mau", "aja"})  # the only words of fewer than MIN_PIECE letters a run-together word is cut into: chat's
# prepositions, pronouns and abbreviations; never "so", "to", "dia", "gun", "pil", "cut", "rel" (the red team's
# "digunakan" was cut "di gun akan", "senjata"; "diamati" "dia mati")
MIN_PIECE = 4
MIN_SPLIT = 6  # a shorter word is never cut ("sobat" is not "so bat")
MIN_CLUSTER = 3  # a run of consonants is one a word may have where it stands when this many known words of this many
# corpus groups each have it
MAX_PIECES = 4
MAX_TRIES = 48  # words one message may read again: its first and last MAX_TRIES / 2 that need it (risk_text.tokenize)
PREFIXES = ("meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "per", "pe", "ber", "be", "ter", "di", "ke",
            "se")
SUFFIXES = ("kannya", "annya", "inya", "kan", "an", "i", "nya", "ku", "mu", "lah", "kah", "pun",
            "s", "es", "ed", "ing", "er", "ers")  # and English ones: "ends" is "end" + s, never "end" read again
_CACHE = 8_192


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
        clusters: dict[tuple[int, str], int] = {}
        for word, n in known.items():
            if n < MIN_CLUSTER:  # a word of one or two groups may be a slip itself, or a name
                continue
            for cluster in _clusters(word):
                clusters[cluster] = clusters.get(cluster, 0) + 1
        self.clusters = frozenset(c for c, n in clusters.items() if n >= MIN_CLUSTER)
        self._read: dict[str, tuple[str, ...] | None] = {}

    def impossible(self, word: str) -> bool:
        """Whether `word` cannot be a word as typed: no vowel, or a run of consonants that fewer than MIN_CLUSTER
        known words have where it stands (at the start, inside, at the end: "pusinh", "kebanyakn", "sndiri", "hidp").
        A word that could be one ("telah", "buruh", "sobat", "bunuah") is never read as another."""
        return not VOWELS.intersection(word) or any(c not in self.clusters for c in _clusters(word))

    def needs(self, word: str) -> bool:
        """Whether `word` is one this reads again at all (and so costs a try)."""
        return (MIN_LEN <= len(word) <= MAX_LEN and word not in self.known and word.isascii() and word.isalpha()
                and word.islower())

    def derived(self, word: str) -> bool:
        """Whether `word` is a known word (of MIN_COUNT groups: one group's word may be a slip) with the prefixes
        and suffixes Indonesian (or English) makes words with ("digunakan", "diamati", "hidupmu", "merahmati",
        "ends"): an ordinary word, never read as another."""
        for suffix in ("", *SUFFIXES):
            if suffix and not word.endswith(suffix):
                continue
            stem = word[: len(word) - len(suffix)]
            if len(stem) >= MIN_KEPT and self.known.get(stem, 0) >= MIN_COUNT and suffix:
                return True
            for prefix in PREFIXES:
                root = stem[len(prefix):]
                if stem.startswith(prefix) and len(root) >= MIN_KEPT and self.known.get(root, 0) >= MIN_COUNT:
                    return True
        return False

    def read(self, word: str) -> tuple[str, ...] | None:
        """The word or words `word` stands for, or None when it stays as written."""
        if not self.needs(word):
            return None
        if word in self._read:
            return self._read[word]
        found: tuple[str, ...] | None = None
        if word[-1] == word[-2] and self.known.get(word[:-1], 0) >= MIN_COUNT:  # a held last letter: "mabukk"
            found = (word[:-1],)
        elif not self.derived(word):
            if self.impossible(word):
                found = self._one_slip(word) or self._no_vowels(word)
            if found is None and len(word) >= MIN_SPLIT:
                found = self._run_together(word)
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
        """The fewest known words `word` is cut into, and of those cuts the one of the commonest words (the most
        corpus groups, multiplied): "akudiatas" is "aku di atas", not "aku dia tas"."""
        n, known = len(word), self.known
        best: list[tuple[int, float, tuple[str, ...]] | None] = [(0, 0.0, ())] + [None] * n
        for j in range(2, n + 1):
            for i in range(j - 2, -1, -1):
                piece, before = word[i:j], best[i]
                if before is None or before[0] >= MAX_PIECES or piece in CLITICS:
                    continue
                if piece in SHORT_PIECES or len(piece) >= MIN_PIECE and known.get(piece, 0) >= MIN_COUNT:
                    cand = (before[0] + 1, before[1] - math.log(known.get(piece, 1)), before[2] + (piece,))
                    current = best[j]
                    if current is None or cand[:2] < current[:2]:
                        best[j] = cand
        found = best[n]
        if found is None or found[0] < 2 or not SHORT_PIECES.intersection(found[2]):
            return None  # two long words run together are more often one word no one taught it ("deadpool")
        return found[2]


def _clusters(word: str) -> Iterable[tuple[int, str]]:
    """The runs of consonants of `word`, each with where it stands: 0 at the start, 1 inside, 2 at the end."""
    run_start = None
    for i, ch in enumerate(word + "a"):
        if ch not in VOWELS:
            if run_start is None:
                run_start = i
        elif run_start is not None:
            yield (0 if run_start == 0 else 2 if i == len(word) else 1), word[run_start:i]
            run_start = None


def _edits(word: str) -> Iterable[str]:
    """The words `word` may be a slip of, as a thumb slips on a phone's keyboard, the first letter always right: a
    letter added (a doubled letter or a key beside its neighbour), two neighbours swapped, a key beside the right
    one, a letter left out. Slips that a thumb does not make are not undone: "buruh" is never "bunuh" (r and n lie
    apart), "sobat" never "obat", "tuli" never "tali"."""
    n = len(word)
    for i in range(1, n):
        ch, before = word[i], word[i - 1]
        after = word[i + 1] if i + 1 < n else ""
        if ch == before or ch in NEAR.get(before, "") or (after and (ch == after or ch in NEAR.get(after, ""))):
            yield word[:i] + word[i + 1:]
        if after:
            yield word[:i] + after + ch + word[i + 2:]
        for key in NEAR.get(ch, ""):
            yield word[:i] + key + word[i + 1:]
    for i in range(1, n + 1):
        for key in LETTERS:
            yield word[:i] + key + word[i:]


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

