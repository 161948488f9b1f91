"""A moral statement about an act, read as its denial (since session 41).

"bunuh diri itu dosa besar", "suicide is a sin in my religion", "nyayat kulit itu dosa juga kan", "bunuh diri bukan
solusi" judge dying or hurting and turn it down, as "aku nggak mau bunuh diri" does: they are what a client of faith
answers to the counselor's risk question. `risk_text.tokenize` marks the word of dying or hurting (and the "diri"
after it) as negated, as a negation marks it, when its clause goes on to call it a sin (a sin word at most three words
after it, or right after an "itu" that follows it) or no way out ("bukan solusi", "bukan jalan keluar", "tidak
menyelesaikan masalah"), and the statement is a general one. Read as it is:

* an act someone does or did: a person word before it (not past a word of knowing or saying, as in "aku tau bunuh
  diri itu dosa", "ustadz bilang ..."), or after it ("mama mukulin aku itu dosa kan": abuse told), a wish, a plan, a
  time or "sudah", "lagi" before it ("malam ini aku gantung diri walau dosa", "aku udah nyilet tangan itu dosa");
* a concession between the act and the sin word ("... walau dosa", "meskipun itu dosa");
* a question: a question word before the act ("apakah bunuh diri itu dosa"), "gak", "kah" right after the sin word
  ("dosa gak sih"), or a "?" before the sentence ends ("bunuh diri itu dosa, kak?"): a client may ask while weighing
  it;
* hopelessness, which denies a way out for the client: "gak ada solusi lagi", "ga ada jalan keluar lain" (only a
  "bukan" or "tidak" right before the way out is read, and not with "lain", "lagi" after it).

Every clause of the message is read on its own: "aku tau bunuh diri itu dosa, tapi talinya udah aku ikat" is still
imminent risk. The reach is bounded (REACH words from the act), so a long message costs time in proportion to its
length.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from typing import TYPE_CHECKING

from curhat_tui.domain.risk_clause import DIE_OR_HURT, NOW, REFLEXIVE, clauses, who, word_class

if TYPE_CHECKING:  # pragma: no cover
    from curhat_tui.domain.risk_text import Token

MORAL = frozenset({"dosa", "berdosa", "haram", "dilarang", "larangan", "sin", "sinful", "selfish", "egois"})
NO_WAY_OUT = frozenset({"solusi", "jawaban", "answer", "solution", "nyelesaiin", "menyelesaikan"})  # and "jalan keluar"
REACH = 6  # a moral statement is short: the sin word or the way out stands within this many words of the act
_IS = frozenset({"itu", "adalah", "merupakan", "is"})
_ASKS_AFTER = frozenset({"tidak", "kah", "apa", "or"})  # "dosa gak?", "dosa kah"
_ASKING = frozenset({"apa", "apakah", "kah", "emang", "emangnya", "gimana", "bagaimana", "benarkah", "bener"})
_KNOWING = frozenset({"tahu", "tau", "yakin", "percaya", "bilang", "kata", "menurut", "menurutku", "rasa", "pikir",
                      "kira", "know", "think", "believe", "ngerti", "mengerti", "sadar", "paham", "ajarkan", "ajaran"})
_TOLD = NOW | {"sudah", "lagi", "pernah", "mau", "akan", "bakal"}  # the act told as done, under way or coming
_CONCEDING = frozenset({"walau", "walaupun", "meski", "meskipun", "biarpun", "sekalipun", "though", "although", "even"})
_OTHER_WAY = frozenset({"lain", "lagi", "other", "else"})  # "gak ada jalan keluar lain": hopelessness
_DENYING = frozenset({"bukan", "tidak"})


def _general(tokens: list[Token], k: int, i: int) -> bool:
    """Whether nothing before the act at `k` (back to its clause's start `i`, at most REACH words) makes it an act told
    or a question: a person, a wish, a plan, a time, a question word; a word of knowing or saying ends the look."""
    for m in range(k - 1, max(i, k - REACH) - 1, -1):
        text = tokens[m].text
        if text in _KNOWING:
            return True
        hit = word_class(text)
        if text in _ASKING or text in _TOLD or who(text) in ("self", "other") or (hit is not None and hit[0] in ("wish", "plan")):
            return False
    return True


def judged(tokens: list[Token], k: int, i: int, j: int) -> bool:
    """Whether the word of dying or hurting at `k` stands in a moral statement in its clause [i, j)."""
    if not _general(tokens, k, i):
        return False
    seen_is = False
    for m in range(k + 1, min(j, k + REACH)):
        word = tokens[m]
        text = word.text
        if text in _CONCEDING or who(text) in ("self", "other"):
            return False
        if text in _IS and m - k <= 3:
            seen_is = True
        if text in MORAL and not word.neg and (m - k <= 3 or seen_is):
            return m + 1 >= j or tokens[m + 1].text not in _ASKS_AFTER
        way = 1 if text in NO_WAY_OUT else 2 if text == "jalan" and m + 1 < j and tokens[m + 1].text == "keluar" else 0
        if way:
            after = tokens[m + way].text if m + way < j else ""
            return tokens[m - 1].text in _DENYING and after not in _OTHER_WAY
    return False


def judgements_denied(lowered: str, tokens: list[Token]) -> list[Token]:
    """`tokens` (of `lowered`) with each moral statement about an act read as its denial: the judged word and the "diri"
    after it marked as a negation marks them. A new list when anything is marked; `tokens` itself is not changed."""
    if not any(tok.text in MORAL or tok.text in NO_WAY_OUT or tok.text == "jalan" for tok in tokens):
        return tokens
    asked = [n for n, ch in enumerate(lowered) if ch in "?？"]
    stops = [len(lowered)] * (len(tokens) + 1)  # where the sentence a token stands in ends (at the next break)
    for n in range(len(tokens) - 1, -1, -1):
        stops[n] = tokens[n + 1].start if n + 1 < len(tokens) and tokens[n + 1].brk else stops[n + 1]
    out = tokens
    for i, j in clauses(tokens):
        stop = stops[j - 1]
        q = bisect_left(asked, tokens[i].start)
        if q < len(asked) and asked[q] < stop:
            continue  # a "?" before the sentence ends: a question
        for k in range(i, j):
            hit = word_class(tokens[k].text)
            if hit is not None and hit[0] in DIE_OR_HURT and not tokens[k].neg and judged(tokens, k, i, j):
                m = k + 1
                while m < j and tokens[m].text in REFLEXIVE:
                    m += 1
                if out is tokens:
                    out = list(tokens)
                out[k:m] = [replace(tok, neg=True) for tok in tokens[k:m]]
    return out
