"""The risk detector on short messages (3 to 10 words), as clients send them one chat bubble at a time: slang and
abbreviations, typos, elongations, a little Javanese, Sundanese and English. Pills collected for tonight; a rope tied
in Javanese; a farewell as the last chat; an overdose just swallowed to die; being a burden, the world better without
me; a voice that commands; a stepfather's groping at night; wanting to stab a named person; drunk and about to drive
home. Beside them: an idiom with mati, a clothesline and stomach pills bought on an errand, a joke with gila, a
documentary about suicide, a wish to die told as over. Every sentence was written in session 34, before any model
judged it, by a writer who read none of the corpus, the dictionary or the detector, because short messages are where
the detector is weakest (held-out 41); none is meant to paraphrase a corpus line."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, quiet, suggested
from tests.conftest import risk_case as case

# (kind, item, imminent, text): each must be suggested with its item (and called imminent when marked so)
RISK = [
    case("pills collected for tonight", "suicide", True,
         "udh ngumpulin pil sebulan, nanti malem telen semua biar selese"),
    case("a rope ready, in Javanese", "suicide", True,
         "tali wis tak ikat nang kusen, tinggal nunggu sepi"),
    case("a farewell as the last chat", "suicide", True,
         "pamit ya kak, ini chat terakhirku. makasiii udh dengerin"),
    case("an overdose just taken, to die", "suicide", True,
         "barusan nelen 30 butir obat tidur biar gak bangun lg"),
    case("a burden, the world better without me", "suicide", False,
         "aku cuma jd bebaaan, dunia lbh baik tnpa aku"),
    case("a voice that commands", "psychosis", False,
         "suara itu nyuruh2 aku buang hp, pdhl gk ada org"),
    case("a stepfather's sexual abuse", "abuse", False,
         "ayah tiri suka masuk kamarku malem2, grepe2 aku"),
    case("wanting to stab a named person", "harm_others", False,
         "pgn bgt nusuk si Dimas pake pisau dapur"),
    case("drunk and about to drive", "substance", False,
         "udh mabok parah nih, tp gpp gw nyetir sendiri pulang"),
]

# the same words, short and harmless: each stays quiet
QUIET = [
    "mati gaya bgt nunggu dosen, hp lowbat pula",
    "disuruh mama beli tali jemuran sm obat maag di warung",
    "gila sih dosen aing, tugas 50 hlm dikasih sehari wkwk",
    "td nonton dokumenter ttg bunuh diri di jepang, bagus bgt",
    "dulu sempet pgn mati, skrg udh jauh lbh baik kok",
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + QUIET
    assert len(cases) == 14 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_short_danger_is_suggested(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", QUIET)
def test_short_look_alikes_stay_quiet(data, text):
    quiet(data, text)
