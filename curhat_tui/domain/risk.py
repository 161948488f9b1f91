"""The risk detector: which red-flag items a client's message suggests, whether suicide risk looks imminent,
and the words that carried that decision. It stands where the phrase matcher stood (`items`, `scan`).

Three parts, all data: a few high-precision lexicon rules (phrases.toml, on normalised text), a linear
model over word and character n-grams (risk_model.tsv, trained by scripts/train_risk.py) with one
threshold per item chosen on held-out data, and the slang dictionary both read through (risk_slang.tsv).
An item is suggested when its rule fires or its model score reaches its threshold. `answer(asked, reply)` reads a
client's yes (or a no to a safety question) as the answer to the counselor's yes-or-no question, the question made the
client's own statement (risk_answer.py). A suggestion never ticks a flag: the counselor decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from curhat_tui.domain.phrases import SCAN_CHARS, PhraseHit
from curhat_tui.domain.risk_answer import ANSWER_CHARS, ANSWER_SUPPORT, ASKED_CHARS, bare, question, told
from curhat_tui.domain.risk_clause import euphemisms, gated
from curhat_tui.domain.risk_model import LinearModel, probability
from curhat_tui.domain.risk_text import (
    Token,
    block_scale,
    char_grams,
    class_grams,
    covered,
    features,
    joined,
    read_parts,
    tokenize,
    visible,
    word_grams,
)

IMMINENT = "imminent"  # the model's extra head: suicide risk with a plan, means, preparation or an act under way
ANY = "any"  # the model's head for "some red flag", trained on every risk line against every benign one
EXTRA_HEADS = (IMMINENT, ANY)
# Imminence qualifies suicide risk; it is not a risk of its own. Since the forty-first round the imminence head
# makes a suicide suggestion only when the suicide head or the any-risk head scores at least this share of its own
# threshold: means and a time with nothing else of suicide ("racun tikus udah aku taro di gudang", "pisau kurban
# udah diasah, besok subuh nyembelih") stay quiet. Leaving each trained set out (the shipped round's fits), 9 of 89
# false alarms went and 1 of 745 imminent lines (a parked motorbike at a bridge, told at the end of a long day).
IMMINENCE_SUPPORT = 0.5
WINDOW, STRIDE = 48, 24  # a long message is read in overlapping windows of this many tokens
EVIDENCE_SHARE = 0.3  # a token is evidence when it carries at least this share of the strongest token's weight
EVIDENCE_SPANS = 3  # at most this many highlighted spans per item
MAX_HITS = 20  # matches of one rule or cue taken from one message
FILLERS = frozenset({"kakak", "min", "aku", "kamu", "ya", "sih", "dong", "deh", "jujur", "tapi", "dan", "yang", "itu",
                     "ini", "wkwk", "kok", "nih", "please", "tolong", "hmm", "eh", "so", "btw"})  # never evidence alone


@dataclass(frozen=True)
class RiskRule:
    """A lexicon rule: a regex over normalised text (canonical words joined by single spaces).

    A rule suggests its item on its own, unless a negation covers its first word ("tidak ada niat bunuh diri")
    or one of its `unless` patterns matches its sentence (a film, the news, a past told as over). A cue
    (`cue=True`) only gives the model a feature, "L:<item>" ("Ln:<item>" when negated), so a rare word the
    lexicon knows counts like a frequent one."""

    item: str
    pattern: re.Pattern[str]
    imminent: bool = False
    cue: bool = False
    unless: tuple[re.Pattern[str], ...] = ()  # a rule stays quiet when one of these matches the message


@dataclass(frozen=True)
class Hit:
    """Where a rule or cue matched: its item and the tokens [i, j) it covers."""

    rule: RiskRule
    i: int
    j: int


@dataclass(frozen=True)
class Detection:
    """What one message suggests: items in order of first evidence, imminence, spans in the original text."""

    items: tuple[str, ...]
    imminent: bool
    evidence: tuple[PhraseHit, ...]
    scores: Mapping[str, float]

    def evidence_text(self, text: str) -> list[str]:
        return [text[h.start:h.end] for h in self.evidence]


NOTHING = Detection((), False, (), {})


@dataclass(frozen=True)
class Decision:
    items: frozenset[str]
    imminent: bool
    because: tuple[tuple[str, str], ...]  # (head whose words to highlight, item they are shown as)


def decide(scores: Mapping[str, float], thresholds: Mapping[str, float], ruled: frozenset[str] = frozenset(),
           ruled_imminent: bool = False, support: float = IMMINENCE_SUPPORT) -> Decision:
    """What the scores suggest. An item head at its threshold names its item; the imminence head marks
    suicide risk as imminent when the suicide or the any-risk head supports it (IMMINENCE_SUPPORT); the any-risk
    head at its threshold flags the message even when no single item is sure, naming the item that scored highest.
    Rules' items always stand. Shared by the app and the training script, so the figures describe what the app does."""
    items = set(ruled)
    because: list[tuple[str, str]] = []
    for head, p in scores.items():
        if head not in EXTRA_HEADS and p >= thresholds.get(head, 2.0):
            items.add(head)
            because.append((head, head))
    imminent = ruled_imminent
    if scores.get(IMMINENT, 0.0) >= thresholds.get(IMMINENT, 2.0) and any(
            scores.get(head, 0.0) >= support * thresholds.get(head, 2.0) for head in ("suicide", ANY)):
        imminent = True
        because.append((IMMINENT, "suicide"))
    if imminent:
        items.add("suicide")
    if not items and scores.get(ANY, 0.0) >= thresholds.get(ANY, 2.0):
        named = [(p, head) for head, p in scores.items() if head not in EXTRA_HEADS]
        if named:
            top = max(named)[1]
            items.add(top)
            because.append((ANY, top))
    return Decision(frozenset(items), imminent, tuple(because))


class RiskDetector:
    """Drop-in for the phrase matcher: `items(text)` and `scan(text)` as before, `detect(text)` for more."""

    def __init__(self, rules: list[RiskRule], slang: Mapping[str, tuple[str, ...]], model: LinearModel | None,
                 item_order: tuple[str, ...] = (), read_answers: bool = True) -> None:
        self.rules = rules
        self.slang = slang
        self.model = model
        self.item_order = item_order
        self.read_answers = read_answers  # service.toml [risk]: read a yes as the answer to the counselor's question
        self._cache: dict[str, Detection] = {}
        self._answered: dict[tuple[str, str, bool], Detection] = {}

    # ---- the matcher's interface ---------------------------------------------------
    def items(self, text: str) -> list[str]:
        """Distinct suggested items in order of first appearance."""
        return list(self.detect(text).items)

    def scan(self, text: str) -> list[PhraseHit]:
        """The evidence: spans in the ORIGINAL text, sorted by position (in the parts read: risk_text.read_parts)."""
        return list(self.detect(text).evidence)

    # ---- the detector ------------------------------------------------------------------
    def detect(self, text: str) -> Detection:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        found = NOTHING
        for offset, part in read_parts(text):  # a long message: its start and its end
            shown, where = visible(part)
            read = self._detect(shown)
            if where is not None or offset:  # the evidence's spans back in the text as written
                back = where or range(len(shown))
                read = replace(read, evidence=tuple(replace(h, start=offset + back[h.start], end=offset + back[h.end - 1] + 1)
                                                    for h in read.evidence))
            found = read if found is NOTHING else _joined(found, read)
        if len(self._cache) >= 256:
            self._cache.clear()
        self._cache[text] = found
        return found

    def answer(self, asked: str, reply: str, raised: frozenset[str] = frozenset()) -> Detection:
        """What `reply` suggests as the answer to the counselor's message `asked` (risk_answer.py): when `asked` ends
        in a yes-or-no question and `reply` begins with a yes, the question as the client's statement is read with the
        reply (with a no, after a question whether the client is safe or the danger has passed, the statement it
        denies). Nothing otherwise. Its evidence is the word that answered, and the words of the reply that carried
        the reading. `raised`: what the client's messages before the question were suggested for; after suicide, a
        question that names nothing reads with a client's own imminence support (risk_answer.ANSWER_SUPPORT)."""
        if not self.read_answers:
            return NOTHING
        key = (asked, reply, "suicide" in raised)
        found = self._answered.get(key)
        if found is None:
            if len(self._answered) >= 256:
                self._answered.clear()
            found = self._answered[key] = self._answer(*key)
        return found

    def _answer(self, asked: str, reply: str, after_suicide: bool) -> Detection:
        asking = question(visible(asked[-ASKED_CHARS:])[0])
        shown, where = visible(reply[:ANSWER_CHARS])
        if not asking or not shown.strip():
            return NOTHING
        tokens = tokenize(shown, self.slang)
        found = told(asking, tokenize(asking, self.slang), tokens, shown)
        if found is None:
            return NOTHING
        said, offset, at = found
        # one part: a statement is at most ASKED_CHARS + ANSWER_CHARS long
        support = IMMINENCE_SUPPORT if after_suicide else ANSWER_SUPPORT
        read = self._detect(said, support)
        if not read.items and bare(tokens, at):  # "iya dikit": the statement alone (risk_answer.bare)
            read = self._detect(said[:offset - 1], support)
        if not read.items:
            return NOTHING
        back = where or range(len(shown))
        spans = [PhraseHit(item, tokens[at].start, tokens[at].end) for item in read.items]  # the word that answered
        spans += [replace(h, start=h.start - offset, end=h.end - offset) for h in read.evidence if h.start >= offset]
        spans = [replace(h, start=back[h.start], end=back[h.end - 1] + 1) for h in spans]
        return Detection(read.items, read.imminent, tuple(_merged(spans)), read.scores)

    def featurise(self, text: str) -> tuple[set[str], set[str]]:
        """The feature blocks of a short text as the model reads them (the training script's entry)."""
        tokens = tokenize(text, self.slang)
        return self._features(tokens, self._hits(tokens), 0)

    def ruled(self, text: str) -> tuple[frozenset[str], bool]:
        """What the lexicon rules alone suggest, and whether one marks imminence (for the training script)."""
        tokens = tokenize(text[:SCAN_CHARS], self.slang)
        _, items, imminent = self._ruled(tokens, self._hits(tokens))
        return frozenset(items), imminent

    def _ruled(self, tokens: list[Token], found: list[Hit]) -> tuple[list[PhraseHit], set[str], bool]:
        spans: list[PhraseHit] = []
        items: set[str] = set()
        imminent = False
        sentences: dict[tuple[int, int], str] = {}
        for hit in found:
            if not hit.rule.cue and not tokens[hit.i].neg and not _silenced(hit, tokens, sentences):
                spans.append(PhraseHit(hit.rule.item, tokens[hit.i].start, tokens[hit.j - 1].end))
                items.add(hit.rule.item)
                imminent = imminent or hit.rule.imminent
        return spans, items, imminent

    def _hits(self, tokens: list[Token]) -> list[Hit]:
        """Every rule's and cue's matches; the rules (not the cues the model weighs) read a wish to vanish as one to
        die (risk_clause.euphemisms(), since the tenth round): "pengen ngilang aja" meets "(ingin|mau) mati saja"."""
        plain = joined(tokens)
        read = euphemisms(tokens)
        spoken = plain if read is tokens else joined(read)
        hits = []
        for rule in self.rules:
            line, starts = plain if rule.cue else spoken
            for n, m in enumerate(rule.pattern.finditer(line)):
                if n >= MAX_HITS:
                    break  # a pasted wall of the same words: the first hits say all there is to say
                if m.end() > m.start():
                    hits.append(Hit(rule, *covered(starts, m.start(), m.end())))
        return hits

    def _features(self, tokens: list[Token], hits: list[Hit], start: int) -> tuple[set[str], set[str]]:
        """The feature blocks of the window of tokens from `start`: n-grams, plus the cues inside it."""
        words, chars = features(tokens[start:start + WINDOW])
        for hit in hits:
            if hit.rule.cue and start <= hit.i and hit.j <= start + WINDOW:
                words.add(("Ln:" if tokens[hit.i].neg else "L:") + hit.rule.item)
        return words, chars

    def _detect(self, text: str, unnamed: float = IMMINENCE_SUPPORT) -> Detection:
        """`unnamed`: the imminence head's support (`decide`) when no rule or cue names suicide in `text`."""
        tokens = tokenize(text, self.slang)
        if not tokens:
            return NOTHING
        found = self._hits(tokens)
        spans, suggested, imminent = self._ruled(tokens, found)
        sizes: dict[int, tuple[int, int]] = {}  # a window's start -> how many word and character features it has
        best = self._best(tokens, found, sizes)
        scores = {head: p for head, (p, _) in best.items()}
        if self.model is not None:
            support = unnamed
            if support != IMMINENCE_SUPPORT and any(hit.rule.item == "suicide" for hit in found):
                support = IMMINENCE_SUPPORT  # a statement that names suicide: a client's own support
            decision = decide(scores, self.model.thresholds_for(text), frozenset(suggested), imminent, support)
            suggested, imminent = set(decision.items), decision.imminent
            for head, shown in decision.because:
                spans.extend(self._evidence(tokens, found, best[head][1], head, shown, sizes))
        elif imminent:
            suggested.add("suicide")
        spans = _merged(spans)
        first = {hit.item: hit.start for hit in reversed(spans)}
        rank = {item: n for n, item in enumerate(self.item_order)}
        items = tuple(sorted(suggested, key=lambda i: (first.get(i, len(text)), rank.get(i, 99))))
        return Detection(items, imminent, tuple(spans), scores)

    def _best(self, tokens: list[Token], hits: list[Hit], sizes: dict[int, tuple[int, int]]) -> dict[str, tuple[float, int]]:
        """For each head, its highest probability over the windows and the window it came from (and into `sizes`,
        each window's feature counts, which its evidence scales by)."""
        model = self.model
        if model is None or not tokens:
            return {}
        best = {head: (-1.0, 0) for head in model.heads}
        for start in _windows(len(tokens)):
            words, chars = self._features(tokens, hits, start)
            sizes[start] = (len(words), len(chars))
            for head, logit in zip(model.heads, model.logits(words, chars)):
                p = probability(logit)
                if p > best[head][0]:
                    best[head] = (p, start)
        return best

    def _evidence(self, all_tokens: list[Token], hits: list[Hit], start: int, head: str,
                  item: str, sizes: dict[int, tuple[int, int]]) -> list[PhraseHit]:
        """The runs of tokens in the window from `start` whose features pushed this head's score up the most."""
        model = self.model
        assert model is not None
        tokens, structure = gated(all_tokens[start:start + WINDOW])
        weight = model.weights.weigher(model.heads.index(head))

        w_scale, c_scale = (block_scale(n) for n in sizes[start])  # the window's feature counts (_best())
        per_token = [set(char_grams(tok.text)) for tok in tokens]
        share = [c_scale * sum(weight(g) for g in mine) for mine in per_token]
        parts = word_grams(tokens) + [("n:" + tok.text, t, t + 1) for t, tok in enumerate(tokens) if tok.neg]
        parts += class_grams(tokens) + structure
        parts += [(("Ln:" if all_tokens[h.i].neg else "L:") + h.rule.item, h.i - start, h.j - start)
                  for h in hits if h.rule.cue and start <= h.i and h.j <= start + WINDOW]
        seen: set[str] = set()
        for gram, i, j in parts:
            key = f"{gram}@{i}" if gram[:2] in ("K:", "S:", "M:") else gram  # a class feature counts on each word
            if key not in seen:
                seen.add(key)
                part = weight(gram) * w_scale / (j - i)
                for t in range(i, j):
                    share[t] += part
        top = max(share, default=0.0)
        if top <= 0:
            return []
        chosen = [s >= EVIDENCE_SHARE * top and tok.text not in FILLERS for s, tok in zip(share, tokens)]
        for t in range(1, len(tokens) - 1):  # "minum 20 pil": a weak word between two strong ones joins them
            if not chosen[t] and chosen[t - 1] and chosen[t + 1]:
                chosen[t] = True
        spans: list[tuple[float, int, int]] = []
        t = 0
        while t < len(tokens):
            if chosen[t]:
                u = t
                while u + 1 < len(tokens) and chosen[u + 1]:
                    u += 1
                spans.append((sum(share[t:u + 1]), t, u))
                t = u + 1
            else:
                t += 1
        spans = sorted(spans, reverse=True)[:EVIDENCE_SPANS]
        return [PhraseHit(item, tokens[a].start, tokens[b].end) for _, a, b in spans]


def _silenced(hit: Hit, tokens: list[Token], sentences: dict[tuple[int, int], str]) -> bool:
    """Whether one of the rule's `unless` patterns matches the sentence the hit stands in."""
    if not hit.rule.unless:
        return False
    start = next((k for k in range(hit.i, max(-1, hit.i - WINDOW), -1) if tokens[k].brk), max(0, hit.i - WINDOW))
    end = next((k for k in range(hit.j, min(len(tokens), hit.j + WINDOW)) if tokens[k].brk),
               min(len(tokens), hit.j + WINDOW))
    sentence = sentences.get((start, end))
    if sentence is None:
        sentence = sentences[(start, end)] = joined(tokens[start:end])[0]
    return any(u.search(sentence) for u in hit.rule.unless)


def _joined(first: Detection, then: Detection) -> Detection:
    """What a message's start and end suggest together, the start's items first."""
    scores = {head: max(p, first.scores.get(head, p)) for head, p in then.scores.items()}
    return Detection(first.items + tuple(i for i in then.items if i not in first.items), first.imminent or then.imminent,
                     first.evidence + then.evidence, {**first.scores, **scores})


def _windows(n: int) -> list[int]:
    if n <= WINDOW:
        return [0]
    starts = list(range(0, n - WINDOW + 1, STRIDE))
    if starts[-1] + WINDOW < n:
        starts.append(n - WINDOW)
    return starts


def _merged(hits: list[PhraseHit]) -> list[PhraseHit]:
    """Hits sorted by position; one item's overlapping spans become one."""
    out: list[PhraseHit] = []
    for hit in sorted(hits, key=lambda h: (h.item, h.start, h.end)):
        if out and out[-1].item == hit.item and hit.start <= out[-1].end:
            last = out.pop()
            hit = PhraseHit(hit.item, last.start, max(last.end, hit.end))
        out.append(hit)
    return sorted(out, key=lambda h: (h.start, h.end))
