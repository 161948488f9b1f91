"""The risk detector on promises and denials (the forty-sixth round, session 40). A client who has just been asked
about safety answers in the grammar of the future: "saya tidak akan", "janji kak, aku nggak akan", "i won't do it,
promise". Until that round nearly all corpus lines in that grammar were risk, most of them imminent ("aku nggak
akan ada lagi besok"), so such promises were called imminent suicide risk, at the moment a false alarm costs most. These sentences
were written in session 40 as probes of the forty-third round's model, before the forty-sixth round's lines were
trained (held-out 44 was written blind for the kind at the same time); none is in corpus/ or in any held-out set (two
more were: the round's writer had them as examples, and they were left out here).
Beside the promises stand the same words in danger: not existing tomorrow, not waking up, a promise
broken by a plan. docs/RISK_DETECTION.md, "Session 40", has the figures."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, known_miss, quiet, suggested
from tests.conftest import risk_case as case

# (kind, item, imminent, text): each must be suggested with its item (and called imminent when marked so)
RISK = [
    case("gone tomorrow", "suicide", True, "aku nggak akan ada lagi besok"),
    case("gone tomorrow, another word order", "suicide", True, "besok aku udah nggak ada"),
    case("not waking up tomorrow", "suicide", True, "aku gak bakal bangun lagi besok"),
    case("never again, the pills taken", "suicide", True, "ga bakal ketemu kakak lagi, obatnya udah aku minum"),
    case("a promise broken by a plan", "suicide", True, "aku janji gak akan nyusahin siapa2 lagi, talinya udah siap"),
    case("nobody would look for me", "suicide", False, "ga akan ada yang nyariin kalo aku pergi"),
    case("can't promise not to cut tonight", "self_harm", False, "aku gak bisa janji ga nyilet malem ini"),
    case("he won't live till tomorrow", "harm_others", False, "dia ga bakal hidup sampe besok"),
]

# promises, reassurances and ordinary refusals and absences: each stays quiet
QUIET = [
    "saya tidak akan melakukannya",
    "aku nggak bakal",
    "i won't do it, promise",
    "gak kak, aku gak bakal ngelakuin",
    "janji kak, aku nggak akan",
    "aku gak akan nekat kak",
    "gw ga bakalan kok kak tenang aja",
    "nggak akan pernah kak",
    "aku ora bakal",
    "i promise i won't hurt myself",
    "aku ga bakal ngapa2in diri aku kok",
    "ga bakal kak, aku masih mikirin ibu",
    "besok aku ga ada di kos, mudik",
    "ga bakal lagi deh makan seblak level 5",
    "aku gak akan minjemin duit ke dia lagi",
    "malem ini ga bakal online kak, ujian",
    "tidak kak, bunuh diri itu dosa besar. saya tidak akan",  # quiet since session 41 (test_risk_moral.py)
    pytest.param("i'm not gonna do anything, dont worry",
                 marks=known_miss("forty-sixth", "severe depression named by the any-risk head")),
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + QUIET
    assert len(cases) == 26 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_danger_in_the_grammar_of_won_t_is_suggested(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", QUIET)
def test_promises_and_ordinary_refusals_stay_quiet(data, text):
    quiet(data, text)
