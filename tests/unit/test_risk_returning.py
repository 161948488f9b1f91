"""The risk detector in held-out 29's voice, the kinds a red team in it found (the thirty-first round): returning clients
who tell the past before the danger now ("minggu lalu aku bilang udah baik2 aja, tapi..."), take a prescribed medicine
all at once, panic in clinical words, and report progress, a relapse told as over, or a safety plan's means put in
someone else's hands. Every sentence here was written for this file before the thirty-first round's model was run on
it; none is in corpus/ or in any held-out set (the red team's own messages are not here either)."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, known_false_alarm, quiet, suggested
from tests.conftest import risk_case as case

# (kind, item, imminent, text): each must be suggested with its item (and called imminent when marked so)
RISK = [
    case("said fine last week, wanting to die now", "suicide", False,
         "minggu lalu aku bilang udah baik2 aja, tapi jujur sekarang aku pengen mati lagi"),
    case("a promise made, the rope tied tonight", "suicide", True,
         "kemarin aku janji sama kakak konselor, tapi malam ini talinya udah aku ikat di kusen"),
    case("prescribed pills just swallowed", "suicide", True,
         "barusan aku telan 25 tablet quetiapine yang diresepin, kepala mulai berat"),
    case("hyperventilating now", "panic_trauma", False,
         "aku lagi hiperventilasi di kamar mandi kampus, tangan kesemutan, gak bisa berhenti"),
    case("a month of not functioning", "severe_depression", False,
         "udah sebulan aku gak mandi, gak kuliah, cuma rebahan dan nangis"),
    case("relapse last night, the blade at hand", "self_harm", False, "semalem relapse lagi, silet masih di kotak pensil"),
    case("wages and phone taken", "abuse", False,
         "suami nyita semua uang gajiku dan HP-ku, katanya biar aku gak kabur ke rumah ibu"),
]

# the same words told as over, as progress, as a safety plan kept, or about things: each stays quiet
QUIET = [
    "dulu aku pernah pengen mati, udah aku ceritain di sesi pertama, sekarang udah jauh lebih baik",
    "sesuai safety plan, kunci motor sama obat-obatan sekarang dipegang abangku",
    "HP-ku mati kehabisan baterai pas di kereta, maaf baru bales",
    "pohon cabe di pot mati semua gara-gara kepanasan",
    "aku minum sertraline 50 mg sesuai resep tiap pagi",
]

# flagged by the twenty-ninth round's model and still by the thirty-first's, in spite of its lines for these kinds
STILL_FLAGGED = [
    pytest.param("relapse terakhir 3 bulan lalu, sekarang streak-ku udah 90 hari",
                 marks=known_false_alarm("thirty-first", "severe depression, by the any-risk head: a streak after a "
                                                         "relapse")),
    # called imminent suicide by every round's model but the thirty-fourth's, quiet again since the thirty-sixth's
    "aku beli obat nyamuk bakar, udah aku taruh di teras",
    pytest.param("udah tiga minggu aku makan teratur dan bisa tidur jam 11",
                 marks=known_false_alarm("thirty-first", "severe depression: three weeks of eating and sleeping well "
                                                         "read as weeks of not functioning")),
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + QUIET + STILL_FLAGGED
    assert len(cases) == 15 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_danger_now_after_the_past_is_suggested(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", QUIET + STILL_FLAGGED)
def test_progress_pasts_and_safety_plans_stay_quiet(data, text):
    quiet(data, text)
