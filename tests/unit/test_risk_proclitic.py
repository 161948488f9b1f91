"""The chat "I did it" form, "ku" before a verb (session 41): "kutusuk", "kuhabisi", "racunnya udah kucampur" say
"aku tusuk", "aku habisi", "aku campur". Until session 41 only a verb the slang dictionary rewrites was read so
("kunyayat"); any other was one word of its own, learned only where the corpus happened to hold it, and a verb it did
not hold ("kuhabisi") was a word the model had never seen: "sumpah besok kuhabisi adik iparku", from the thirty-seventh
round's lines (never trained), was missed. A "ku" word is read as "aku" and the verb when the rest is a verb of dying,
hurting, abuse, a means or putting into food (risk_clause.harm_verb); "kuliah", "kurang", "kuning", "kumaha" stay
words, and so do plan verbs the dictionary does not already rewrite ("kulunasi", "kujadwalin": tried with them, the
corpus's preparation lines moved and ordinary debts paid were called imminent). docs/RISK_DETECTION.md, "Session
41", has the figures."""

from __future__ import annotations

import pytest

from curhat_tui.domain.risk_text import tokenize
from tests.conftest import in_the_corpus, quiet, suggested
from tests.conftest import risk_case as case

RISK = [
    case("kill, a verb the corpus never held", "harm_others", False, "awas aja, malam ini kuhabisi si rudi"),
    case("stab", "harm_others", False, "besok pagi kutusuk dia pas keluar gang"),
    case("poison into a drink", "harm_others", False, "racun tikus udah kucampur ke kopinya tadi"),
    case("hack", "harm_others", False, "kalau dia pulang mabok lagi, kubacok"),
    case("cut oneself", "self_harm", False, "tadi kusayat lagi lenganku, berdarah banyak"),
]

QUIET = [
    "aku kuliah pagi besok kak",
    "kurang tidur aja kak",
    "bajunya kuning kak",
    "kumaha damang teh",
    "kubeli buku baru kemarin",
    "kupeluk adikku sebelum tidur",
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + QUIET
    assert len(cases) == 11 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_harm_told_with_ku_is_suggested(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", QUIET)
def test_words_that_begin_with_ku_stay_quiet(data, text):
    quiet(data, text)


def words(data, text: str) -> list[str]:
    return [tok.text for tok in tokenize(text, data.phrases.warm().slang)]


def test_ku_before_a_verb_of_harm_reads_as_aku_and_the_verb(data):
    assert words(data, "kuhabisi") == ["aku", "habisi"]
    assert words(data, "kutusuk") == ["aku", "tusuk"]
    assert words(data, "kucampurin") == ["aku", "campurin"]


def test_other_words_that_begin_with_ku_stay_words(data):
    for word in ("kuliah", "kurang", "kuning", "kumaha", "kulunasi", "kujadwalin", "kupeluk", "kucing"):
        assert words(data, word) != ["aku", word[2:]], word
