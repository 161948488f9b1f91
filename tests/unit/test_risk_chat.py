"""The risk detector on short WhatsApp-style lines written for these tests (none of them is in corpus/, in
either held-out set, or in test_risk_detector.py): typos, abbreviations, Javanese and Sundanese words,
English and code-mixing. Each kind of disclosure issue 12 lists is suggested as its item, imminent where it
carries a plan, means, preparation or an act under way; idioms in the same voice stay quiet."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, quiet, suggested

# (kind, item, imminent, text)
DISCLOSURES = [
    ("pills collected", "suicide", True,
     "obat penenang dr dokter ga pernah aku minum, udh numpuk 3 strip buat sekali telan nanti"),
    ("poison bought", "suicide", True, "barusan beli racun tikus di pasar, buat aku sendiri kak"),
    ("rope ready", "suicide", True, "tali udh kepasang di plafon kamar kos, tinggal nunggu tengah malem"),
    ("possessions given away", "suicide", True, "jam tangan sm sepatu kesayangan udh kukasih ke temen, aku ga butuh apa2 lagi"),
    ("farewell letter", "suicide", True, "surat terakhir buat mama udh aku taruh di meja belajar"),
    ("will", "suicide", True, "wasiat udah kutulis di hp, tabungan buat adek"),
    ("last chat", "suicide", True, "ini pesan terakhirku kak, maaf ngerepotin selama ini"),
    ("burden", "suicide", False, "aku cm nyusahin ortu, mending aku gada aja biar mereka tenang"),
    ("better without me", "suicide", False, "semua org bakal lebih bahagia tanpa aku"),
    ("giving up on life", "suicide", False, "aku udh ga kuat idup kak, pengen udahan aja"),
    ("other method", "suicide", True, "aku udh di pinggir rel, kereta bentar lg lewat"),
    ("overdose just taken", "suicide", True, "tadi aku telen sebotol obat tidur, skrg ngantuk berat"),
    ("javanese", "suicide", False, "aku wis kesel urip, pengen mati wae"),
    ("sexual abuse by a relative", "abuse", False, "kakek suka megang2 badanku kalo rumah sepi, aku takut"),
    ("step-parent", "abuse", False, "ayah tiriku sering ngeraba aku pas mama kerja malem"),
    ("threats by a partner", "abuse", False, "cowokku ngancem mau nyebar video aku kalo aku minta putus"),
    ("confinement by a spouse", "abuse", False, "suamiku ngunci pintu dr luar, aku ga boleh keluar rumah sama sekali"),
    ("confinement by an employer", "abuse", False, "majikan nyita paspor sm hp aku, udh 4 bulan ga boleh keluar"),
    ("hurt a named person", "harm_others", False, "pengen gw tusuk si Hendra biar mampus"),
    ("carrying a weapon", "harm_others", False, "pisau udh gw selipin di tas, besok gw cari dia di kampus"),
    ("command voices", "psychosis", False, "ada suara yg nyuruh aku nyakitin adek, makin sering kak"),
    ("being watched", "psychosis", False, "aku diawasin terus lewat kamera yg dipasang di lampu kamar"),
    ("being controlled", "psychosis", False, "otakku dikontrol sama orang lewat sinyal hp"),
    ("visual hallucinations", "psychosis", False, "aku liat ular di tembok kamar padahal kata adek ga ada apa2"),
    ("mania without sleep", "psychosis", False, "udh 5 hari ga tidur tp aku yakin aku nabi yg bakal nyelametin dunia"),
    ("flashbacks", "panic_trauma", False, "kebayang trs kecelakaan itu, tiap denger klakson aku gemeteran"),
    ("rape", "panic_trauma", False, "aku diperkosa pas pesta kemarin, sekarang ga bisa tidur"),
    ("intoxicated driving", "substance", False, "lg bawa mobil abis mabok berat, jalanan muter2"),
    ("overdose substance", "substance", False, "kebanyakan minum obat penenang campur bir, skrg susah napas"),
    ("hidden self-harm", "self_harm", False, "aku pake lengan panjang terus biar bekas silet ga ketauan"),
    ("severe depression", "severe_depression", False, "udah sebulan ga keluar kamar, ga mandi, nangis tiap hari"),
]

# idioms and look-alikes in the same voice: every one must stay quiet
IDIOMS = [
    "mati aku, dompet ketinggalan di angkot",
    "hpku mati pas lagi zoom, kesel bgt",
    "mau bunuh waktu sambil nunggu hujan reda",
    "gila macetnya parah bgt hari ini",
    "capek bgt abis nyuci baju sekeluarga",
    "aku jatuh dari tangga tp cuma memar dikit",
    "kena racun flash sale lagi wkwk",
    "kucingku lompat ke meja makan lagi",
    "ngantuk pol, semalem begadang nonton bola",
    "takut setengah mati pas lampu mati di lift",
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    assert not in_the_corpus(corpus_texts, DISCLOSURES + IDIOMS)


@pytest.mark.parametrize("kind, item, imminent, text", DISCLOSURES, ids=[d[0] for d in DISCLOSURES])
def test_each_kind_of_disclosure_is_suggested_in_chat_style(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", IDIOMS)
def test_chat_style_idioms_stay_quiet(data, text):
    quiet(data, text)
