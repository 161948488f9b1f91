"""A verb of harm with the one it is done to as its suffix (session 42): "memukulku" (hits me), "menyiksaku",
"mengurungku", "membunuhnya" (kills him) say "pukul aku", "siksa aku", "kurung aku", "bunuh dia". Until session 42
the slang dictionary read "memukulku" as one word, "pukulku", that the corpus held twice, so the clause reader saw no
one hurt and the model no "pukul aku": "aku ingin membunuhnya" and "ibu tiri menyiksaku" were missed, though "aku
ingin bunuh dia" and "ibu tiri nyiksa aku" were found. Only an affixed verb is split: "kunciku", "lukaku" are my key,
my wound; a noun in "-an" ("pukulanku") and a passive ("dipukulnya": by him) stay words; with "-nya" (him, her or it)
only a verb done to a person ("membakarnya", "menyiramnya" are done to things as often). docs/RISK_DETECTION.md,
"Session 42", has the figures."""

from __future__ import annotations

import pytest

from curhat_tui.domain.risk_text import tokenize
from tests.conftest import in_the_corpus, known_miss, quiet, suggested
from tests.conftest import risk_case as case

RISK = [
    case("kill him, said in standard Indonesian", "harm_others", False, "aku ingin membunuhnya"),
    case("beat him up", "harm_others", False, "sumpah pengen menghajarnya sampe babak belur"),
    case("raped by a brother-in-law", "abuse", False, "kakak ipar memperkosaku"),
    case("tortured by a stepmother", "abuse", False, "ibu tiri menyiksaku"),
    case("locked in by an employer", "abuse", False, "majikan mengurungku di rumah"),
    case("hit by a partner, once", "abuse", False, "pasanganku pernah memukulku",
         known_miss("forty-seventh", "the clause now reads a partner hitting the client; the past 'pernah' still "
                                     "weighs it under the abuse threshold (0.94 against 0.95)")),
]

QUIET = [
    "kunci motorku ilang lagi",
    "lukaku udah kering kak",
    "pukulanku makin keras sejak latihan tinju",
    "sampahnya numpuk, membakarnya di belakang rumah aja",
    "dia memelukku erat tadi",
    "adikku menyiramnya tiap pagi",
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + QUIET
    assert len(cases) == 12 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_harm_done_to_someone_named_by_a_suffix_is_suggested(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", QUIET)
def test_nouns_and_things_with_a_suffix_stay_quiet(data, text):
    quiet(data, text)


def words(data, text: str) -> list[str]:
    return [tok.text for tok in tokenize(text, data.phrases.warm().slang)]


def test_an_affixed_verb_of_harm_reads_as_the_verb_and_whom_it_is_done_to(data):
    assert words(data, "memukulku") == ["pukul", "aku"]
    assert words(data, "menyiksaku") == ["siksa", "aku"]
    assert words(data, "membunuhmu") == ["bunuh", "kamu"]
    assert words(data, "membunuhnya") == ["bunuh", "dia"]
    assert words(data, "mengurungku") == ["kurung", "aku"]


def test_nouns_passives_and_verbs_done_to_things_stay_words(data):
    for word in ("kunciku", "lukaku", "obatku", "pukulanku", "dipukulnya", "membakarnya", "menyiramnya", "suaraku",
                 "mengakhirinya"):
        assert len(words(data, word)) == 1, word
