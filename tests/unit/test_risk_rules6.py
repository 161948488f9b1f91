"""The sixth round's lexicon rules and dictionary entries, judged through the shipped rules and slang alone
(no model), so what they promise holds whatever a retrain does: an overdose told in English with its amount,
a means bought "not for the mosquitoes", a passive death wish about an accident, and the look-alikes each must
leave alone. None of these sentences is in the corpus or a held-out set."""

from __future__ import annotations

from pathlib import Path

import pytest

from curhat_tui.config.risk_data import read_slang
from curhat_tui.domain.risk_text import tokenize

ROOT = Path(__file__).resolve().parents[2]

# (text, item, imminent)
RULED = [
    ("i swallowed about 40 of my sleeping pills", "suicide", True),
    ("took like 25 pills idk", "suicide", True),
    ("downed the whole bottle of tylenol", "suicide", True),
    ("kak td aku beli pestisida, bukan buat sawah", "suicide", True),
    ("arangnya udh di kamar, bukan buat bakar sate", "suicide", True),
    ("kalo besok aku ketabrak bus aku gak bakal menghindar", "suicide", False),
]
QUIET = [
    "took 2 pills for my headache and slept",
    "took about 3 of the vitamins the doctor gave me",
    "beli racun tikus, bukan buat nyamuk ya, tikusnya gede",
    "kemarin hampir ketabrak motor, untung aku bisa menghindar",
    "aku diawasin pas ujian online",
]


def test_no_sentence_here_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    assert not [t for t, *_ in RULED if t.lower() in corpus_texts]
    assert not [t for t in QUIET if t.lower() in corpus_texts]


@pytest.mark.parametrize("text, item, imminent", RULED)
def test_a_rule_suggests_the_item_and_imminence(rules_only, text, item, imminent):
    items, called = rules_only.ruled(text)
    assert item in items and called == imminent, (items, called)


@pytest.mark.parametrize("text", QUIET)
def test_the_same_words_in_ordinary_lines_fire_no_rule(rules_only, text):
    assert rules_only.ruled(text) == (frozenset(), False)


def test_english_acts_and_places_read_as_the_indonesian_words_the_rules_know():
    slang = read_slang(ROOT / "data" / "risk_slang.tsv")
    words = [t.text for t in tokenize("swallowed them on the ledge of the cliff", slang)]
    assert words[0] == "telan" and "tepi" in words and "tebing" in words
