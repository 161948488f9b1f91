"""The risk detector on things told as done and prepared (the forty-third round, session 36): a dose taken, medicine
bought, a letter written, a bag packed, things given away. Beside an overdose, poison bought for oneself, a farewell
letter and belongings given away before dying stand the same words in everyday life: a prescribed dose reported as
taken, medicine bought with a prescription, a letter for a job or a birthday, packing for a trip, a drink bought and
drunk. These sentences were written in session 36 as probes of the forty-first round's model, and they are what showed
the kind (held-out 42 was written blind for it afterwards); none is in corpus/ or in any held-out set. The forty-third
round's lines were written without them. They pin what the detector does on the kind, and most of its ordinary lines
are still called imminent: docs/RISK_DETECTION.md, "Session 36", says why."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, known_miss, quiet, suggested
from tests.conftest import risk_case as case


def still_imminent(why: str) -> pytest.MarkDecorator:
    return known_miss("forty-third", f"suicide, imminent: {why}")


# (kind, item, imminent, text): each must be suggested with its item (and called imminent when marked so)
RISK = [
    case("all the pills at once, just now", "suicide", True, "tadi aku udah minum semua obatnya sekaligus"),
    case("every pill swallowed", "suicide", True, "udah aku telen semua pilnya"),
    case("a bottle of sleeping pills, just now", "suicide", True, "obat tidur sebotol udah kuminum barusan"),
    case("rat poison bought for oneself", "suicide", True, "udh beli racun tikus, buat aku sendiri"),
    case("a farewell letter to a mother", "suicide", True,
         "surat buat mama udah aku tulis, maaf ya ma aku pergi duluan"),
    case("belongings given away, gone tomorrow", "suicide", True, "semua barang udah aku bagiin, besok aku udah ga ada"),
]

# the same grammar in everyday life: each stays quiet
QUIET = [
    "aku udah minum obat maag tadi pagi",
    "barusan aku beli obat tidur, resep dari dokter",
    pytest.param("sertraline udh aku minum pagi ini",
                 marks=still_imminent("an antidepressant by its name read as 'obat', taken, with a time")),
    pytest.param("fluoxetine pagi ini udah kuminum kak", marks=still_imminent("the same, in another word order")),
    "udah minum obat dari psikiater, sekarang mau tidur",  # called imminent until the forty-sixth round
    pytest.param("aku udah beli obat di apotek", marks=still_imminent("medicine bought reads as means bought")),
    pytest.param("surat lamaran udah aku tulis semua", marks=still_imminent("a letter written, all of it")),
    pytest.param("udah kutulis surat buat mama, dia ultah besok",
                 marks=still_imminent("a letter to a mother with 'besok' (tomorrow) beside it")),
    pytest.param("udah aku siapin semua buat besok pagi, tinggal berangkat",
                 marks=still_imminent("everything prepared for tomorrow morning, leaving")),
    pytest.param("udah kebeli tadi sore teh botol dingin, aku yg minum",
                 marks=still_imminent("a drink bought and drunk by the client (seen in session 35)")),
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + QUIET
    assert len(cases) == 16 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_danger_told_as_done_is_suggested(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", QUIET)
def test_everyday_things_done_and_prepared_stay_quiet(data, text):
    quiet(data, text)
