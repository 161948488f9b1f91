"""Driving alone is no substance risk (session 42). The substance cue of the lexicon held the words for driving
("nyetir", "bawa motor", "driving") on their own, so a client who wrote "bentar kak, aku lagi nyetir" between two
messages was suggested as substance risk: the cue weighs as much as the words for being drunk. Driving while
intoxicated is still read: the rule that pairs the two ("mabuk ... nyetir") stands, and the model still weighs the
words of drinking, pills and driving together. docs/RISK_DETECTION.md, "Session 42", item 11."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, quiet, suggested
from tests.conftest import risk_case as case

RISK = [
    case("drunk and driving home now", "substance", False, "abis 6 botol bir, sekarang nyetir pulang"),
    case("drunk, must drive", "substance", False, "aku mabuk tapi harus nyetir pulang sekarang"),
    case("a friend high, riding a motorbike", "substance", False, "temanku teler tapi maksa bawa motor"),
]

QUIET = [
    "bentar kak aku lagi nyetir",
    "aku lagi nyetir pulang kantor, nanti lanjut ya kak",
    "sorry late reply, was driving",
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + QUIET
    assert len(cases) == 6 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_driving_intoxicated_is_suggested(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", QUIET)
def test_driving_alone_stays_quiet(data, text):
    quiet(data, text)
