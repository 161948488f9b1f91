"""Chat text as the risk detector reads it: lowercased, elongations collapsed, slang and loanwords mapped to
one canonical form (a dictionary file), cut into tokens that remember where they stand in the original text,
and the word and character n-gram features the linear model scores.

The training script (scripts/train_risk.py) builds its matrix with these same functions, so the model sees
at run time exactly the features it was trained on.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from curhat_tui.domain.risk_clause import done_to, gated, harm_verb
from curhat_tui.domain.risk_moral import judgements_denied
from curhat_tui.domain.risk_spell import MAX_TRIES, Spelling
from curhat_tui.domain.risk_unmask import REDUP, RUNS, Slang, signs_of, unmasked

_BREAK = re.compile(r"[.!?\n]")  # a sentence ends: no word n-gram reaches across it
_CLAUSE = re.compile(r"[,;:.!?\n]")  # a clause ends: a negation reaches no further
_LAUGH = re.compile(r"^(?:(?:wk)+w?|(?:kw)+k?|(?:ha){2,}h?|(?:he){2,}h?|(?:hi){2,}h?|(?:xi){2,}|a?(?:wok){2,}"
                    r"|lol|lmao|lmfao|rofl|ngakak)$")
_SUFFIXES = ("nya", "ku", "mu")
LAUGH = "wkwk"
LAUGH_FACES = frozenset("\U0001F602\U0001F923\U0001F606\U0001F605")  # 😂 🤣 😆 😅 read as a laugh
DROP = ("-",)  # the dictionary's way of saying a word carries nothing ("the", "to")
NUMBER = "#"
CHAR_SIZES = (3, 4, 5)
NEGATORS = frozenset({"tidak", "belum", "bukan", "jangan", "never", "not", "no", "nobody", "nothing"})
SCOPE_ENDS = frozenset({"tapi", "cuma", "hanya", "saja", "but", "only", "karena", "soalnya", "kecuali", "tetapi"})
SCOPE = 5  # a negation colours at most this many following words
# "gak pantes hidup dan harus gantung diri": an order joined by "and" starts a clause of its own that the negation
# before it does not reach (session 34)
ORDERS = frozenset({"harus", "hrs", "mesti", "wajib", "must", "should"})
_AND = frozenset({"dan", "and"})
SKIP = 2  # skip-bigrams pair words up to this many words apart
MAX_WORD = 40


@dataclass(frozen=True)
class Token:
    """One normalised word and the span of the original text it came from."""

    text: str
    start: int
    end: int
    brk: bool = False  # a sentence boundary stands before it
    neg: bool = False  # inside the scope of a negation ("tidak ada niat buat ...")
    cut: bool = False  # a clause boundary (a comma, a full stop, a line break) stands before it


# Letters of other scripts that a reader takes for Latin ones (Cyrillic, Greek, small capitals): "mаti" with a
# Cyrillic а, "sυicide", "ᴍᴀᴛɪ" (the twelfth round's red team)
_LOOK_ALIKE = str.maketrans(
    "аеорсухіјѕԁӏАВЕКМНОРСТХУІЈЅ" "αοειкκνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ" "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ",
    "aeopcyxijsdlABEKMHOPCTXYIJS" "aoeikkvptuxABEZHIKMNOPTYX" "abcdefghijklmnoprstuvwyz")


def _plain_letter(ch: str) -> str:
    """A look-alike, full-width, mathematical or accented letter or digit as the plain one ("ü" -> "u"), else `ch`."""
    mapped = ch.translate(_LOOK_ALIKE)
    if mapped != ch:
        return mapped
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and folded.isascii() and folded.isalnum():
        return folded
    base = unicodedata.normalize("NFKD", ch)
    if len(base) > 1 and base[0].isascii() and base[0].isalpha() and all(unicodedata.combining(c) for c in base[1:]):
        return base[0]
    return ch


READ_HEAD, READ_TAIL = 1_000, 600  # a longer message is read in its first and last words (where a farewell sits)
_REACH = 12  # characters a word may take, on average, in the stretch searched for those words
_TOKENISH = re.compile(r"[^\W_]+|[^\w\s]")  # about what tokenize() makes a token of, at a fraction of its cost


def read_parts(text: str) -> list[tuple[int, str]]:
    """The parts of a message the detector reads, each with where it starts in `text`: all of it when it has up to
    READ_HEAD + READ_TAIL words (about 9,000 characters of chat), else its first READ_HEAD and last READ_TAIL words.
    What a message costs is bounded by this whatever a client pastes: a 64 KiB wall of spaced emoji cost 0.29 s
    when the first 20,000 characters were read, about 50 ms now (bench/bench_risk.py)."""
    words = READ_HEAD + READ_TAIL
    if len(text) <= words:  # a word takes a character at least: a chat message is read whole without a count
        return [(0, text)]
    reach = min(len(text), words * _REACH)
    starts = [m.start() for m in _TOKENISH.finditer(text, 0, reach)]
    if reach == len(text) and len(starts) <= words:
        return [(0, text)]
    head_end = starts[READ_HEAD] if len(starts) > READ_HEAD else reach
    tail_from = max(head_end, len(text) - READ_TAIL * _REACH)
    ends = [m.start() for m in _TOKENISH.finditer(text, tail_from)]
    tail_start = ends[-READ_TAIL] if len(ends) >= READ_TAIL else tail_from
    return [(0, text[:head_end]), (tail_start, text[tail_start:])]


def visible(text: str) -> tuple[str, list[int] | None]:
    """`text` as a reader sees it: characters that do not show (zero-width spaces and joiners, a byte-order mark,
    a soft hyphen: Unicode's format class) taken out, and letters and digits written in look-alike forms
    (full-width, mathematical bold, Cyrillic or Greek twins, small capitals, accents) folded to plain ones; with
    where each character came from in `text` (None: nothing changed). Spaces in words and odd letters hide nothing
    from a counselor's eye, so they hide nothing here (red-team test_redteam_risk_invisible). Other compatibility
    forms ("…") stay as the model learnt them."""
    if text.isascii():
        return text, None
    kept: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cf":
            continue
        if not ch.isascii():
            ch = _plain_letter(ch)
        kept.append(ch)
        where.extend([i] * len(ch))
    shown = "".join(kept)
    return (text, None) if shown == text else (shown, where)


def lower_keep_length(text: str) -> str:
    """Lowercase one character at a time, so each index points at the same character (str.lower() may not: "İ")."""
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def parse_slang(lines: Iterable[str]) -> Slang:
    """The slang dictionary's lines ("variant<TAB>canonical words"; '#' starts a comment; "-" drops the word; a
    variant "*" lists words people mask, read back when written masked, spaced or in digits: risk_unmask)."""
    slang: dict[str, tuple[str, ...]] = {}
    masked: list[str] = []
    for line in lines:
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        variant, _, canonical = line.partition("\t")
        variant, words = variant.strip(), tuple(canonical.split())
        if variant == "*":
            masked += words
        elif variant and words:
            slang[variant] = words
    return Slang(slang, tuple(masked))


def _word(raw: str, slang: Mapping[str, tuple[str, ...]], spelling: Spelling | None = None) -> tuple[str, ...]:
    """One raw lowercase token as canonical words (usually one; "gpp" gives three); a word the dictionary and the
    corpus do not know, read again as the word typed with a slip (`spelling`, risk_spell)."""
    if len(raw) > 1 and unicodedata.category(raw[0]) == "So":  # a run of signs: each sign's words once, in order
        return tuple(dict.fromkeys(w for ch in raw for w in ((LAUGH,) if ch in LAUGH_FACES else slang.get(ch, (ch,)))))
    word = RUNS.sub(r"\1", raw.replace("’", "'"))
    if word.isdigit():
        return (NUMBER,)
    if _LAUGH.match(word) or word in LAUGH_FACES:
        return (LAUGH,)
    found = slang.get(word)
    if found is not None:
        return () if found == DROP else found
    redup = REDUP.fullmatch(word)
    if redup:
        word = redup.group(1)
        found = slang.get(word)
        return found if found is not None else (word,)
    for suffix in _SUFFIXES:  # "bokapku" -> "ayahku": the stem's canonical form keeps its suffix
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = slang.get(word[: -len(suffix)])
            if done := done_to(word[: -len(suffix)], stem, suffix):  # "memukulku" -> "pukul aku" (session 42)
                return done
            if stem is not None and len(stem) == 1:
                return (stem[0] + suffix,)
    if word.startswith("ku") and len(word) >= 6:  # "kusiram", "kunyayat": the chat "I did it" form of a known verb
        stem = slang.get(word[2:])
        if stem is not None and len(stem) == 1 and stem != DROP:
            return ("aku", stem[0])
        if harm_verb(word[2:]):  # "kutusuk", "kuhabisi", "kuracun": a verb of harm or a means (session 41)
            return ("aku", word[2:])
    if spelling is not None:
        read = spelling.read(word)
        if read:
            return tuple(w for piece in read for w in _word(piece, slang))
    return (word,)


_JV_I = frozenset({"tak", "dak"})  # the Javanese "I" prefix of a verb, also the Indonesian "not" (tak bisa)
_JV_VERB = re.compile(r"^[^\W\d_]{3,}(ke|ne|ni|in|kno|ake)$")  # siapke, pateni, kumpulin, jupukno, tukokake
_NOT_JV_VERB = frozenset({"ingin", "mungkin", "pengin", "pingin", "kepingin", "yakin", "main", "lain", "dingin",
                          "miskin", "batin", "mesin", "boleh", "bisa", "mau", "ada", "pernah", "sengaja"})


def _jv_verb(raw: str) -> bool:
    return bool(_JV_VERB.match(raw)) and raw not in _NOT_JV_VERB


def tokenize(text: str, slang: Mapping[str, tuple[str, ...]]) -> list[Token]:
    """The normalised tokens of `text`, each with its span in `text` and whether a negation covers it."""
    lowered = lower_keep_length(text)
    out: list[Token] = []
    last = 0
    scope = 0
    matches = _raw_words(lowered, slang)
    spelling = slang.spelling if isinstance(slang, Slang) else None
    spelled = _to_spell(text, matches, spelling) if spelling is not None else frozenset()
    for n, (raw, start, end) in enumerate(matches):
        brk = bool(out) and _BREAK.search(lowered, last, start) is not None
        cut = bool(out) and _CLAUSE.search(lowered, last, start) is not None
        if cut:
            scope = 0
        words = _word(raw, slang, spelling if n in spelled else None)
        if raw in _JV_I and n + 1 < len(matches) and _jv_verb(matches[n + 1][0]):
            words = ("aku",)  # Javanese "tak siapke", "dak pateni": I (do it), not a negation
        for i, word in enumerate(words):
            if word in SCOPE_ENDS or (word in ORDERS and out and out[-1].text in _AND):
                scope = 0
            out.append(Token(word, start, end, brk and i == 0, scope > 0 and word not in NEGATORS, cut and i == 0))
            scope = SCOPE if word in NEGATORS else max(0, scope - 1)
        last = end
    return judgements_denied(lowered, _answered_no(lowered, out))


# An echoed question answered no ("kepikiran bunuh diri? nggak kok kak"): the question's words read as negated, as
# in "nggak kepikiran bunuh diri" (the thirtieth round). Not a question with a question word ("siapa yang bakal
# sedih? ga ada": the "no" answers who, and the line says nobody would be), nor "nggak tau" (not sure is not a no),
# nor a "no" that goes on into a sentence of its own ("nothing feels like anything anymore"): a no is short.
_ASKING = frozenset({"siapa", "sapa", "spa", "siaa", "apa", "kenapa", "mengapa", "gimana", "bagaimana", "mana", "dimana",
                     "kapan", "berapa", "ngapain", "who", "what", "why", "how", "where", "when", "which"})
_ANSWER_NO = (NEGATORS | {"nope"}) - {"jangan"}  # "jangan" (don't) answers nothing
_BEFORE_NO = frozenset({"hmm", "hm", "eh", "em", "um", "ah", "oh", "wah", "kakak", "sih", "jujur"})
_NOT_A_NO = frozenset({"tahu", "yakin", "ngerti", "mengerti", "paham", "sure", "know", "ingat", "inget"})
_ASKED_REACH = 10  # a question is read back at most this many words from its "?"
_SHORT_NO = 4  # an answer "no" takes at most this many words before its clause ends


def _answered_no(lowered: str, tokens: list[Token]) -> list[Token]:
    if "?" not in lowered:
        return tokens
    asked = [n for n in range(len(tokens) - 1) if "?" in lowered[tokens[n].end:tokens[n + 1].start]]
    for n in asked:
        k = n + 1
        while k < len(tokens) and k - n <= 2 and tokens[k].text in _BEFORE_NO:
            k += 1
        if k >= len(tokens) or tokens[k].text not in _ANSWER_NO:
            continue
        if k + 1 < len(tokens) and tokens[k + 1].text in _NOT_A_NO:
            continue
        end = next((m for m in range(k + 1, len(tokens)) if tokens[m].cut), len(tokens))
        if end - k > _SHORT_NO:
            continue
        first = n
        while first > 0 and n - first < _ASKED_REACH - 1 and not tokens[first].cut:
            first -= 1
        if any(tok.text in _ASKING for tok in tokens[first:n + 1]):
            continue
        tokens[first:n + 1] = [tok if tok.text in NEGATORS else replace(tok, neg=True) for tok in tokens[first:n + 1]]
    return tokens


def _to_spell(text: str, matches: list[tuple[str, int, int]], spelling: Spelling) -> frozenset[int]:
    """Which words of a message the spelling step may read again (risk_spell): those it does not know, but not a
    name or an acronym as written (a capital inside a sentence, "Idris", "Gunawan"; capitals only of up to five
    letters, "SMPN"; capitals mixed in, "PKLnya"), and of a message with more than MAX_TRIES of them its first and
    last MAX_TRIES / 2 (where a farewell sits): what a message costs is bounded, and no other message changes it."""
    chosen = []
    for n, (raw, start, end) in enumerate(matches):
        if not spelling.needs(RUNS.sub(r"\1", raw)):
            continue
        typed = text[start:end]
        if not typed.islower():
            first = n == 0 or _BREAK.search(text, matches[n - 1][2], start) is not None
            if typed.isupper() and len(typed) <= 5 or not typed[1:].islower() and not typed.isupper():
                continue
            if typed[0].isupper() and typed[1:].islower() and not first:
                continue
        chosen.append(n)
    if len(chosen) > MAX_TRIES:
        chosen = chosen[: MAX_TRIES // 2] + chosen[-(MAX_TRIES // 2):]
    return frozenset(chosen)


@lru_cache(maxsize=4)
def _words_pattern(signs: frozenset[str]) -> re.Pattern[str]:
    """Words, and laughing faces and the signs the dictionary reads as words (risk_unmask.signs_of). A run of faces
    and signs is one word, read as the distinct words they stand for ("😂😂😂" a laugh, "💊🔪💊" obat pisau)."""
    return re.compile(rf"[^\W_]+(?:['’][^\W_]+)*|[{re.escape(''.join(sorted(LAUGH_FACES | signs)))}]+")


def _raw_words(lowered: str, slang: Mapping[str, tuple[str, ...]]) -> list[tuple[str, int, int]]:
    """The words of `lowered` as written, with their spans; a word written around a filter ("b*nuh", "m 4 t i")
    as the word it stands for, spanning all it was written with (risk_unmask)."""
    signs = slang.signs if isinstance(slang, Slang) else signs_of(slang)
    words = [(m.group(), m.start(), m.end()) for m in _words_pattern(signs).finditer(lowered)]
    read = unmasked(lowered, slang)
    if not read:
        return words
    kept: list[tuple[str, int, int]] = []
    k = 0
    for word in words:  # both in order, the read-back spans apart: one sweep drops the words they cover
        while k < len(read) and read[k][2] <= word[1]:
            k += 1
        if k < len(read) and read[k][1] < word[2]:
            continue
        kept.append(word)
    return sorted(kept + read, key=lambda w: w[1])


def raw_forms(text: str) -> list[str]:
    """The words of `text` as the dictionary and the known words (risk_spell) are looked up: lowercase, runs of
    one letter cut to one ("capeeek" -> "capek"). The training script counts the corpus's words this way."""
    return [RUNS.sub(r"\1", w) for w in re.findall(r"[^\W_]+", lower_keep_length(visible(text)[0]))]


def word_grams(tokens: list[Token]) -> list[tuple[str, int, int]]:
    """Word unigrams, bigrams and skip-bigrams over one or two words ("ingin _ mati"), never across a
    sentence boundary, with the tokens they cover [i, j)."""
    grams: list[tuple[str, int, int]] = []
    for i, tok in enumerate(tokens):
        grams.append(("w:" + tok.text, i, i + 1))
        for gap in range(1, SKIP + 2):
            j = i + gap
            if j >= len(tokens) or any(t.brk for t in tokens[i + 1:j + 1]):
                break
            grams.append((("b:" if gap == 1 else "s:") + tok.text + "_" + tokens[j].text, i, j + 1))
    return grams


def char_grams(word: str) -> list[str]:
    """Character 3- to 5-grams of one word padded with '_' at both ends (like scikit-learn's char_wb); a
    "word" longer than any word (a pasted string) gives the grams of its first MAX_WORD characters."""
    padded = "_" + word[:MAX_WORD] + "_"
    return ["c:" + padded[k:k + n] for n in CHAR_SIZES for k in range(len(padded) - n + 1)]


# Word classes whose CO-OCCURRENCE in a message marks imminent suicide risk better than any one word: a
# suicide or self-harm cue, a means, a time that is now, a preparation, an act under way (over canonical words,
# so "td nelen", "udh kumpulin", "mlm ini" read as "tadi telan", "sudah kumpul", "malam ini").
CLASSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern)) for name, pattern in (
    ("sui", r"\b(mati|bunuh diri|gantung diri|akhiri|lompat|nyawa|selamanya|menyerah|udahan|sayat|nadi|pergi|"
            r"hilang|selesai|beban|hidup)\b"),
    ("means", r"\b(obat|racun|tali|pisau|silet|senjata|arang|bensin|rel|jembatan|atap|tebing|flyover|jurang|waduk|"
              r"tambang|pestisida|overdosis|ketinggian)\b"),  # not trains, lorries, buildings or the sea: errands
    ("now", r"\b(malam ini|nanti malam|sekarang|habis ini|setelah ini|besok|subuh|sebentar lagi|hari ini|"
            r"nanti|jam #|minggu ini|weekend ini)\b"),
    ("prep", r"\b(beli|siapkan|kumpul|simpan|tulis|pesan|pasang|ikat|taruh|bagi|kasih|hapus|lunasi|lunas|surat|"
             r"wasiat|pamit|titip|terakhir|selamat tinggal|siap|stok|cek|berikan)\b"),
    ("act", r"\b(barusan|baru saja|(sudah|baru|lagi|tadi) (minum|telan|tenggak|sayat|di|ke|berdiri|duduk|jalan))\b"),
))
_CLASS_PAIRS = tuple((a, b) for n, (a, _) in enumerate(CLASSES) for b, _ in CLASSES[n + 1:])


def class_grams(tokens: list[Token]) -> list[tuple[str, int, int]]:
    """Which word classes a text holds ("K:means") and which pairs of them occur together ("K:means+now"),
    with the tokens they cover; a word under a negation counts for nothing ("tidak beli obat")."""
    line, starts = joined(tokens)
    spans: dict[str, list[tuple[int, int]]] = {}
    for name, pattern in CLASSES:
        for m in pattern.finditer(line):
            i, j = covered(starts, m.start(), m.end())
            if not tokens[i].neg:
                spans.setdefault(name, []).append((i, j))
    grams = [("K:" + name, i, j) for name, found in spans.items() for i, j in found[:1]]
    for a, b in _CLASS_PAIRS:
        if a in spans and b in spans:
            grams += [(f"K:{a}+{b}", *spans[a][0]), (f"K:{a}+{b}", *spans[b][0])]
    return grams


def features(tokens: list[Token]) -> tuple[set[str], set[str]]:
    """The two feature blocks of a text: word n-grams, word classes and their pairs, the clause structure
    (risk_clause.py: who does what to whom, and when), character n-grams."""
    tokens, structure = gated(tokens)
    words = {g for g, _, _ in word_grams(tokens)}
    words.update(g for g, _, _ in class_grams(tokens))
    words.update(g for g, _, _ in structure)
    words.update("n:" + tok.text for tok in tokens if tok.neg)
    chars: set[str] = set()
    for tok in tokens:
        chars.update(char_grams(tok.text))
    return words, chars


def block_scale(n: int) -> float:
    """Each block is scaled to unit length: a present feature weighs 1/sqrt(features in its block)."""
    return 1.0 / math.sqrt(n) if n else 0.0


def joined(tokens: list[Token]) -> tuple[str, list[int]]:
    """The tokens as one space-separated string (what the lexicon rules read) and where each token starts."""
    starts: list[int] = []
    pos = 0
    for tok in tokens:
        starts.append(pos)
        pos += len(tok.text) + 1
    return " ".join(t.text for t in tokens), starts


def covered(starts: list[int], a: int, b: int) -> tuple[int, int]:
    """The tokens [i, j) that a match at [a, b) of the joined string touches: the last token starting at or before a,
    up to the last one starting before b (a binary search: a long paste has a match on every other word)."""
    i = max(0, bisect_right(starts, a) - 1)
    return i, max(bisect_left(starts, b), i + 1)
