"""Imminence read from co-occurrence (the fourth round): a suicide cue, a means, a time that is now, a preparation
or an act under way count as word classes and as pairs of classes the model weighs, and a "ku-" verb reads as
"aku" and its stem. Fresh very short chat lines (3-12 words, written for this test: none is in corpus/ or any
held-out set) with a plan, means, preparation or an act under way must be called imminent."""

from __future__ import annotations

from pathlib import Path

import pytest

from curhat_tui.config.datafiles import load_all
from curhat_tui.domain.risk_text import class_grams, features, tokenize

ROOT = Path(__file__).resolve().parents[2]

# (kind, text): each carries a plan, means, preparation or an act under way
IMMINENT_LINES = [
    ("act: overdose", "barusan kutelen obat tidur ibu satu strip"),
    # the pill before the amount, after "kak": missed by the model of rounds six and seven, caught by a rule
    ("act: overdose, amount after", "kak aku barusan minum obat banyak, sekarang pusing banget"),
    ("act: pills counted", "tadi aku nelen pil tidur 20 butir"),
    ("act: poison", "udh kuminum racun rumput setengah botol"),
    ("act: at a height", "aku udh berdiri di pinggir atap mall"),
    ("act: at a height, then the wish", "kak aku lagi di rooftop kantor, pengen loncat"),
    ("plan with a time", "nanti malem aku gantung diri di gudang"),
    ("plan with a place", "besok pagi aku terjun dr flyover"),
    ("means bought", "udh beli tali tambang buat gantung diri"),
    ("means collected", "aku nabung pil tidur buat bundir"),  # a known miss until the seventh round ("nabung")
    ("preparation: letter", "udh nulis surat pamit buat bapak ibu"),
    ("preparation: farewell", "selamat tinggal semuanya aku pergi malam ini"),
]

# the same words in ordinary lines: none of them may be called imminent
ORDINARY_LINES = [
    "barusan minum obat maag abis makan",
    "barusan minum obat maag dua butir",
    "aku lagi di rooftop cafe sama temen, seru banget",
    "tadi minum obat flu, sekarang ngantuk banget",
    "nanti malem mau nonton bola di rumah",
    "udh beli tali buat ngiket kardus pindahan",
    "besok pagi berangkat kerja naik kereta",
]


def texts(cases) -> list[str]:
    return [case.values[1] if hasattr(case, "marks") else case[1] for case in cases]


@pytest.fixture(scope="module")
def data():
    return load_all(ROOT / "data")


def test_no_test_line_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    assert not [t for t in texts(IMMINENT_LINES) if t.lower() in corpus_texts]
    assert not [t for t in ORDINARY_LINES if t.lower() in corpus_texts]


def test_classes_and_their_pairs_are_features(slang):
    grams = {g for g, _, _ in class_grams(tokenize("mlm ini gw loncat dr jembatan", slang))}
    assert {"K:sui", "K:means", "K:now", "K:sui+means", "K:sui+now", "K:means+now"} <= grams
    assert {"K:means", "K:prep", "K:means+prep"} <= features(tokenize("udh beli racun", slang))[0]
    assert not class_grams(tokenize("ga beli racun kok", slang))  # a negated word counts for nothing


def test_a_ku_verb_reads_as_aku_and_its_stem(slang):
    assert [t.text for t in tokenize("kunyayat tangan", slang)] == ["aku", "sayat", "tangan"]
    assert [t.text for t in tokenize("kuning", slang)] == ["kuning"]  # a word that merely starts with ku stays


@pytest.mark.parametrize("kind, text", [case if hasattr(case, "marks") else pytest.param(*case, id=case[0])
                                        for case in IMMINENT_LINES])
def test_a_short_line_with_a_plan_means_preparation_or_act_is_imminent(data, kind, text):
    found = data.phrases.detect(text)
    assert found.imminent and "suicide" in found.items, (kind, found.items, found.scores)


@pytest.mark.parametrize("text", ORDINARY_LINES)
def test_the_same_words_in_an_ordinary_line_are_not_imminent(data, text):
    assert not data.phrases.detect(text).imminent
