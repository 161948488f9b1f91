"""The suicide rule for a plan (data/phrases.toml, the first suicide block) reads the prefixed verbs of "rencana" too
(session 40): "berencana", "merencanakan", "rencanakan". Until then "aku berencana bunuh diri" rested on the model
alone, and the answer reading missed a yes to "kamu berencana bunuh diri habis ujian?" (the statement built from the
question carries the reply's words, which lowered the model's score). Judged through the shipped rules and slang alone
(no model), so it holds whatever a retrain does, and through the whole detector for the answer. None of these
sentences is in the corpus or a held-out set."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus

RULED = [
    "aku berencana bunuh diri bulan depan",
    "udah lama aku merencanakan gantung diri",
    "gue lagi rencanain bunuh diri kak",
    "saya sudah merencanakan untuk akhiri hidup",
]
QUIET = [
    "aku nggak berencana bunuh diri kok kak",
    "tokoh di film itu berencana bunuh diri tapi batal",
    "kami berencana liburan ke bali bulan depan",
]


def test_no_sentence_here_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    assert not in_the_corpus(corpus_texts, RULED + QUIET)


@pytest.mark.parametrize("text", RULED)
def test_a_plan_told_with_a_prefixed_verb_fires_the_rule(rules_only, text):
    assert "suicide" in rules_only.ruled(text)[0]


@pytest.mark.parametrize("text", QUIET)
def test_a_denial_a_film_and_a_holiday_plan_fire_no_rule(rules_only, text):
    assert rules_only.ruled(text) == (frozenset(), False)


def test_a_yes_to_a_question_about_such_a_plan_is_read_as_the_plan(data):
    found = data.phrases.answer("Kamu berencana bunuh diri habis ujian selesai?", "he'em, abis uas")
    assert "suicide" in found.items and found.evidence
