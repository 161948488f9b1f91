"""The risk detector on illness, loss and age (the sixteenth round's voice): dialysis and chemotherapy, a stroke, a
parent with dementia, a child or a spouse lost, old age. Every sentence was written for this test after that round,
before it was run: none is in corpus/ or in any held-out set. Each risk sentence is suggested as its item (imminent
where it carries a plan, means, preparation or an act under way); the same situations with no danger now stay quiet,
above all the ordinary preparation (an operation, a will, a funeral) told in the words of preparation to die."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, known_miss, quiet, suggested
from tests.conftest import risk_case as case

# (kind, item, imminent, text)
RISK = [
    # not called imminent from the sixteenth round to the nineteenth, nor in the twenty-third (its imminence
    # threshold 0.697; 0.587 before it and 0.524 after)
    case("dialysis skipped on purpose", "suicide", True,
         "udh 2 minggu aku bolos cuci darah sengaja, biar cepet selesai aja hidupku"),
    case("insulin saved up", "suicide", True,
     "insulin sisa resep udah kukumpulin 6 pen, malam ini mau kusuntik semua sekaligus"),
    case("following a late husband, with a time and means", "suicide", True,
     "pas 100 hari suamiku minggu depan, aku mau nyusul dia. obat tidur udah kusiapin"),
    case("a burden on the children", "suicide", False,
     "saya sudah stroke begini cuma merepotkan anak-anak, lebih baik saya mati saja"),
    case("a caregiver afraid of smothering a parent", "harm_others", False,  # missed in the sixteenth round
         "ibu demensia teriak2 tiap malem, tadi aku sempet pegang bantal di atas mukanya, aku takut beneran ngelakuin"),
    case("an old man robbed and beaten by his son", "abuse", False,
     "anak saya ambil uang pensiun saya tiap bulan, kalau saya tolak saya dipukul pakai sapu"),
    case("a deaf girl abused by a neighbour", "abuse", False,
     "adikku yg tunarungu dicabuli tetangga, dia nunjuk2 badannya sambil nangis, ortu ga percaya"),
    case("a dead child's voice calling", "psychosis", False,
     "tiap malem aku denger suara anakku yg udah meninggal manggil2, nyuruh aku ikut ke kuburan"),
    case("panic in the chemotherapy ward", "panic_trauma", False,
     "aku di ruang kemo sekarang, napas sesek, jantung kenceng banget, rasanya mau pingsan, tolong"),
    case("finding the body, again and again", "panic_trauma", False,
     "bayangan waktu aku nemuin kakak gantung diri terus muncul, tiap merem keliatan lagi, ga bisa tidur"),
    case("sleeping pills with wine every night", "substance", False,
     "sejak istri meninggal tiap malem aku minum 4 butir obat tidur sama anggur merah biar ga kerasa apa2"),
    case("scratching after a miscarriage", "self_harm", False,
     "sejak keguguran aku suka nyakar lengan sampe berdarah, rasanya lebih enak daripada nangis"),
    case("weeks in a room after a funeral", "severe_depression", False,
     "udah tiga minggu sejak bapak dimakamkan aku ga keluar kamar, ga mandi, makan cuma kalo dipaksa"),
]

# the same situations with no danger to anyone now: every one must stay quiet
BENIGN = [
    # called imminent in the twenty-fourth round only (its imminence threshold 0.524), quiet since the twenty-sixth
    "besok operasi jantung, udah puasa dari jam 12 malem, surat persetujuan udah aku tanda tangan",
    # called imminent in the twenty-fourth round, flagged (not imminent) in the twenty-sixth, imminent again since the
    # twenty-seventh
    pytest.param("baju2 almarhumah ibu udah kusumbangin ke panti, tinggal mukenanya yg kusimpen",
                 marks=known_miss("twenty-fourth", "suicide, imminent: a late mother's clothes given away read as "
                                                   "things given away before dying (0.608 against 0.520)")),
    "insulin malam 10 unit kayak biasa, gula darah tadi 140, aman",
    "rasanya mau mati pas kemo kemarin, mual muntah seharian, tp hari ini udah bisa makan bubur",
    "kakiku mati rasa gara2 diabetes, dokter suruh cek saraf minggu depan",
    "kangen bgt sama almarhum bapak, tadi ziarah terus nangis, tp lega",
    "gak kak, ga pernah kepikiran bunuh diri, aku cuma capek ngurus ibu yang stroke",
    "udah pamitan sama nenek di ICU, dokter bilang tinggal hitungan hari, keluarga udah ikhlas",
]

# look-alikes the shipped detector still flags
STILL_FLAGGED = [
    pytest.param("saya sudah tulis wasiat di notaris, tanah dibagi rata buat tiga anak, biar ga ribut nanti",
                 marks=known_miss("sixteenth", "suicide, imminent: the rule for a will written ('sudah tulis wasiat') and "
                                               "the imminence head (0.96 without the rule) both read a will made for "
                                               "an inheritance as preparation")),
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + BENIGN + STILL_FLAGGED
    assert len(cases) == 22 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_each_situation_is_suggested_as_its_item(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", BENIGN + STILL_FLAGGED)
def test_the_same_situations_without_danger_stay_quiet(data, text):
    quiet(data, text)
