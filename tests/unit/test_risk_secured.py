"""The risk detector on dangerous things put away (the twenty-seventh round): a red team writing as parents of small
children found the detector calling baby-proofing imminent suicide, medicine and poison moved out of reach or thrown
away read as means collected. Keeping means out of reach is what a counselor asks for in a safety plan, so reading it
as preparation would put the safest clients at the top of the queue. Every sentence here is the red team's, written
before any model was run on it and never trained on: none is in corpus/ or in any held-out set. The same verbs and
means kept to die are still suggested as imminent suicide."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, known_false_alarm, quiet, suggested
from tests.conftest import risk_case as case

# (kind, item, imminent, text)
RISK = [
    case("sleeping pills collected for tonight", "suicide", True,
         "obat tidur punya ibu udh aku kumpulin sebulan, malam ini pas semua udh tidur aku minum semua. titip anakku ya kak"),
    case("rat poison bought, not for rats", "suicide", True, "tadi siang aku beli racun tikus, bukan buat tikus kak"),
    case("a father's insulin taken to inject", "suicide", True,
         "insulin punya bapak udh aku ambil dari kulkas, abis ini mau aku suntik semua, ben ora ono sing repot maneh"),
    case("a sling hung in a doorway", "suicide", True,
         "selendang gendongan udh aku gantung di kusen pintu kamar mandi, bismillah"),
]

# means secured, stored or thrown away so a child cannot reach them: every one must stay quiet
SECURED = [
    # called imminent suicide by the twenty-sixth round's model, quiet since the twenty-seventh
    "obat2an sama pembersih lantai udh aku pindahin ke lemari atas yg dikunci, biar bocil gk bisa jangkau",
    "obat penurun panas di rumah aku catet tgl kadaluarsanya, yg udh lewat aku buang",
    # suggested as harm to others by the twenty-sixth round's model only
    "pisau sama gunting aku simpen di laci atas, pake kunci pengaman anak juga",
    "baygon sama obat nyamuk semprot aman gk disimpen di kamar bayi? mending dipindah kan?",
    "tip: deterjen kapsul simpen tinggi2, warnanya kayak permen, anak bisa ketelen",
]

STILL_FLAGGED = [
    pytest.param("racun tikus di gudang udh aku buang semua sejak anakku bisa merangkak",
                 marks=known_false_alarm("twenty-seventh", "suicide, imminent: rat poison and 'udh ... semua' read as "
                                                           "means collected, though it was thrown away")),
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + SECURED + STILL_FLAGGED
    assert len(cases) == 10 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_means_kept_to_die_are_suggested_as_imminent(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", SECURED + STILL_FLAGGED)
def test_means_put_out_of_a_childs_reach_stay_quiet(data, text):
    quiet(data, text)
