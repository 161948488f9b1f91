"""The risk detector on the situations that bring many clients to a counseling chat in Indonesia now: online-loan
debt and debt collectors, online gambling, layoffs, sextortion, migrant work abroad, a new baby (the fifteenth round's
voice). Every sentence was written for this test after that round: none is in corpus/ or in any held-out set. Each
risk sentence is suggested as its item (imminent where it carries a plan, means, preparation or an act under way);
the same topics with no danger now stay quiet."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, known_false_alarm, quiet, suggested

# (kind, item, imminent, text)
RISK = [
    ("loan debt, a plan with a time", "suicide", True,
     "tagihan pinjol udh 60jt, DC nelpon bos aku. udh kuputusin, jumat malem aku terjun dr lantai atas kantor"),
    ("gambling losses, means bought", "suicide", True,
     "abis kalah slot semua tabungan istri ilang. tadi beli baygon dua botol, nunggu rumah sepi"),
    ("debts paid as preparation", "suicide", True,
     "motor udh kujual buat lunasin utang ke temen2, biar ga ada yg nanggung pas aku udh ga ada"),
    ("a layoff and a burden", "suicide", False, "abis di-PHK aku cuma jadi beban istri, mending aku ilang aja dr hidup mereka"),
    ("sextortion", "abuse", False,
     "dia minta transfer 5jt, kalo ga videoku bakal disebar ke grup keluarga. ini udh ketiga kalinya"),
    ("a migrant worker confined", "abuse", False,
     "di sini majikan ngunci aku di gudang kalo salah, paspor dipegang dia, gaji 6 bulan belum dibayar"),
    ("revenge on a debt collector", "harm_others", False,
     "DC itu dateng lagi ke rumah bentak2 ibuku. besok kutunggu di gang bawa golok, biar dia kapok"),
    ("a new mother afraid of hurting her baby", "harm_others", False,
     "tiap bayiku nangis aku kepikiran lempar dia ke lantai, aku takut beneran kelakuan"),
    ("self-harm after a collector's call", "self_harm", False,
     "abis ditelpon DC tadi aku sayat lagi pahaku, baru berhenti pas darahnya banyak"),
    ("panic when the phone rings", "panic_trauma", False,
     "tiap hp bunyi dadaku sesek, tangan gemeter, kayak mau mati. ini lagi kejadian sekarang"),
    ("laced liquor now", "substance", False, "abis minum oplosan sama anak2 pangkalan, mataku buram bgt skrg, kepala muter"),
    ("no sleep, certain of a jackpot", "psychosis", False,
     "udh 4 hari ga tidur, aku yakin malam ini pasti jackpot, aku dapet wangsit dari tuhan"),
    ("weeks after a contract ended", "severe_depression", False,
     "sejak kontrak abis sebulan lalu aku ga mandi ga makan bener, cuma rebahan, semua hambar"),
]

# the same topics with no danger to anyone now: every one must stay quiet
BENIGN = [
    "bunga pinjol ini gila sih, 0,8% per hari. legal ga sih kak di OJK?",
    "DC-nya nelpon mulu, tp utangku udh lunas minggu lalu, tinggal minta surat lunas aja",
    "berita hari ini soal bandar judol ditangkep polisi, semoga situsnya ditutup semua",
    "bapak lagi nyemprot hama di sawah pake pestisida, aku bantuin ngangkut tangki",
    "abis di-PHK sempet down, tp sekarang udh dapet kerja baru di gudang, lumayan",
    "auto mati gue liat tagihan paylater bulan ini wkwk",
    "bayiku rewel terus malem ini, capek bgt tp suami gantian jaga",
    # flagged from the eighteenth round to the twenty-second and again since the twenty-sixth; quiet in the
    # twenty-third to the twenty-fifth
    # read as abuse from the twenty-sixth round to the thirty-sixth; quiet since the thirty-eighth
    "temenku kemarin diancem sebar foto sama mantannya, udh lapor polisi dan sekarang aman",
    # flagged in the eighteenth, nineteenth and twenty-second rounds; quiet in the twentieth, the twenty-first and
    # since the twenty-third ('bapak ... tiap hari' reads like a father who hurts every day: it flips with retraining)
    "bapak aku stroke, aku yang ngurus tiap hari, gantiin popok, suapin",
    # flagged (suicide, imminent: 'udah nyiapin semua ... tinggal' is how preparation is told) from the fifteenth round
    # to the thirty-eighth; quiet since the forty-first, whose imminence needs the suicide or the any-risk head's support
    "aku udah nyiapin semua, tiket, koper, tinggal berangkat magang ke jepang",
]


# one of the 7 lines the fifteenth round's red team found flagged (of its 200 benign lines in the voice; three more,
# quiet since the seventeenth, the nineteenth and the forty-first rounds, stand with BENIGN), which the twentieth
# round flags again
STILL_FLAGGED = [
    # flagged from the fifteenth round to the eighteenth and again since the twentieth ('pengen nyusul' is also a wish
    # to follow the dead)
    pytest.param("aku pengen nyusul kakek ke jogja, dia tinggal sendirian di sana dan masih sehat",
                 marks=known_false_alarm("fifteenth", "any (named harm_others): 'pengen nyusul' read as following the "
                                                      "dead, quiet in the nineteenth round only")),
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    assert not in_the_corpus(corpus_texts, RISK + BENIGN + STILL_FLAGGED)


@pytest.mark.parametrize("kind, item, imminent, text", RISK, ids=[r[0] for r in RISK])
def test_each_situation_is_suggested_as_its_item(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", BENIGN + STILL_FLAGGED)
def test_the_same_topics_without_danger_stay_quiet(data, text):
    quiet(data, text)
