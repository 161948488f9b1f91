"""The risk detector on moral statements about an act (session 41). Asked about suicide, a client of faith often
answers with what their religion says: "tidak kak, bunuh diri itu dosa besar. saya tidak akan" (the practice persona
rahmah's no, which every trainee who meets her sees), "suicide is a sin in my religion", "bunuh diri bukan solusi".
Until session 41 the words of the act carried their full weight there, and rahmah's no was suggested as suicide. A
word of dying or hurting that its clause calls a sin or no way out is now read as denied, as in "aku nggak mau bunuh
diri" (risk_moral.py, read by risk_text.tokenize). The same statement beside a wish, a plan, a time or an act told
is still risk, and a client who asks whether it is a sin is read as before. docs/RISK_DETECTION.md, "Session 41", has the
figures."""

from __future__ import annotations

from dataclasses import replace

import pytest

from curhat_tui.domain.risk_moral import judgements_denied
from curhat_tui.domain.risk_text import tokenize
from tests.conftest import in_the_corpus, quiet, suggested
from tests.conftest import risk_case as case

# (kind, item, imminent, text): each must be suggested with its item (and called imminent when marked so)
RISK = [
    case("a sin, but the rope is tied", "suicide", True, "aku tau bunuh diri itu dosa, tapi talinya udah aku ikat di kamar"),
    case("a sin, but tonight", "suicide", True, "bunuh diri emang dosa, tapi aku udah nggak peduli, malam ini aku pergi"),
    case("a wish before the sin", "suicide", False, "aku mau bunuh diri walau itu dosa"),
    case("a sin, and cut again", "self_harm", False, "nyayat tangan itu dosa ya aku tau, tapi tadi aku nyayat lagi"),
    # a review of session 41's first reading: each of these lost its suggestion to it
    case("no way out, hopelessness", "suicide", False, "mati aja lah gak ada solusi lagi"),
    case("no other way out", "suicide", False, "bunuh diri aja ga ada jalan keluar lain"),
    case("tonight, even though a sin", "suicide", True, "malam ini aku gantung diri walau dosa"),
    case("done, and a sin", "self_harm", False, "aku udah nyilet tangan itu dosa aku tau"),
    case("hit by a parent, a sin", "abuse", False, "mama sering mukulin aku itu dosa kan kak"),
]

# a moral statement said as a no, or as what the client believes: each stays quiet
QUIET = [
    "tidak kak, bunuh diri itu dosa besar. saya tidak akan",  # rahmah's no (data/personas/suicide.toml)
    "tidak kak. saya tidak pernah berpikir untuk membunuh diri saya. itu dosa besar, saya takut",
    "suicide is a sin in islam, i'd never do that",
    "bunuh diri itu bukan solusi kak, aku tau kok",
    "nyilet itu dosa kak, aku nggak pernah",
    "bunuh diri dilarang agama, aku takut",
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + QUIET
    assert len(cases) == 15 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_a_moral_statement_beside_danger_is_still_suggested(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", QUIET)
def test_a_moral_statement_said_as_a_no_stays_quiet(data, text):
    quiet(data, text)


def denied(data, text: str) -> list[str]:
    return [tok.text for tok in tokenize(text, data.phrases.warm().slang) if tok.neg]


def test_the_act_a_clause_calls_a_sin_or_no_way_out_is_read_as_denied(data):
    assert denied(data, "bunuh diri itu dosa besar") == ["bunuh", "diri"]
    assert denied(data, "nyayat kulit itu dosa juga") == ["sayat"]
    assert denied(data, "bunuh diri bukan jalan keluar")[:2] == ["bunuh", "diri"]


def test_a_question_a_wish_or_a_far_off_sin_word_is_read_as_it_is(data):
    assert denied(data, "bunuh diri itu dosa?") == []  # the client asks: perhaps weighing it
    assert denied(data, "bunuh diri itu dosa, kak?") == []  # the "?" ends the sentence, not the clause
    assert denied(data, "bunuh diri itu dosa？") == []  # a full-width question mark
    assert "bunuh" not in denied(data, "apakah bunuh diri itu dosa")
    assert "bunuh" not in denied(data, "kak apakah bunuh diri itu dosa")
    assert "bunuh" not in denied(data, "malam ini aku gantung diri meskipun itu dosa")  # a concession
    assert "garuk" not in denied(data, "aku garuk tangan itu sampe berdarah tiap abis ngelakuin dosa")
    assert denied(data, "aku mau bunuh diri walau itu dosa") == []  # a wish before it
    assert denied(data, "aku garuk tangan sampe berdarah tiap abis ngelakuin dosa") == []  # the sin is another act
    assert denied(data, "mukulin dia sampe gak bisa jalan") == ["bisa", "jalan"]  # "jalan" alone is no way out


def test_the_reading_leaves_the_tokens_it_was_given_alone(data):
    text = "bunuh diri itu dosa besar"
    plain = [replace(tok, neg=False) for tok in tokenize(text, data.phrases.warm().slang)]
    before = list(plain)
    read = judgements_denied(text, plain)
    assert plain == before and read is not plain and [tok.text for tok in read if tok.neg] == ["bunuh", "diri"]
