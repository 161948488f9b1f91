"""The risk detector on men who do not say it and on queer clients (the seventeenth round's voice): drivers, builders,
seamen and fathers out of work, terse or joking; a client outed, extorted or locked up by family. Every sentence was
written for this test after that round's lines were trained, before it was run: none is in corpus/ or in any held-out
set, and none echoes a line there (scripts/risk_echoes.py). Each risk sentence is suggested as its item (imminent where
it carries a plan, means, preparation or an act under way); the same worlds with no danger now stay quiet: ropes and
heights at work, rat poison in a barn, a sacrifice's knife, a match lost, a coming out that went well."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, known_miss, quiet, suggested
from tests.conftest import risk_case as case

# (kind, item, imminent, text)
RISK = [
    case("a motorbike sold, debts paid, poison after maghrib", "suicide", True,
         "motor udah gw jual, duitnya buat bayar utang ke temen2. sisanya buat beli racun, "
         "abis maghrib gw minum di pinggir kali"),
    case("at the edge of a scaffold", "suicide", True,
         "gw lagi duduk di ujung scaffolding lantai 12, kaki udh ngegantung, tinggal dorong dikit"),
    case("a goodbye recorded for the children", "suicide", True,
         "pesen buat anak2 udh gw rekam di hp, kunci motor gw taro di meja. malem ini gw akhirin semuanya"),
    case("a burden since the layoff", "suicide", False,
         "semenjak di-PHK bini yg kerja, gw ngerasa nyusahin doang. kadang mikir hidup gw udah ga guna, mending lenyap"),
    case("rather dead than outed", "suicide", False,
         "kalo keluarga sampe tau gw gay, mending gw mati duluan aja"),
    case("an ex who extorts with photos", "abuse", False,
         "mantan gw ngancem nyebarin chat sama foto gw ke grup keluarga kalo gw ga transfer 5 juta tiap bulan"),
    case("locked up and beaten after a photo in a dress", "abuse", False,
         "sejak ayah nemu foto gw pake dress, gw disekap di gudang belakang, disabet sabuk tiap dia pulang kerja"),
    case("a sickle sharpened for a foreman", "harm_others", False,
         "anak buah mandor yg nyebarin gosip soal gw, gw udh asah clurit, besok pagi pas apel gw cari dia"),
    case("bootleg liquor, a friend unconscious", "substance", False,
         "abis nenggak oplosan sebotol sama anak2 tongkrongan, mata gw kabur, perut melilit, temen gw satu udh ga sadar"),
    case("drunk at the wheel of a truck", "substance", False,
         "udah teler, masih harus bawa truk ke surabaya malem ini, gw minum lagi biar melek"),
    case("a horn brings the crash back", "panic_trauma", False,
         "tiap denger suara klakson bus gw langsung gemeter, keinget tabrakan yg newasin kernet gw, keringet dingin"),
    case("a captain's voice calls him into the sea", "psychosis", False,
         "sejak pulang dari kapal gw denger suara kapten nyuruh gw loncat ke laut, padahal ga ada orang"),
    case("a month in bed, not working", "severe_depression", False,
         "udah sebulan gw ga narik, cuma tiduran di kontrakan, ga mandi, makan sekali sehari, ga ngerasa apa2"),
    case("fists into the wall after the boss", "self_harm", False,
         "tiap abis dimaki bos gw tonjok tembok sampe buku jari berdarah, biar kerasa sakit di luar"),
]

# the same worlds with no danger to anyone now: every one must stay quiet
BENIGN = [
    "tali harness udh gw cek dua kali sebelum naik tower, safety nomer satu",
    "racun tikus gw tabur di gudang gabah, tikusnya pada mati",
    "tim futsal gw dibantai 7-0, mati kutu kita semua wkwk",
    "dulu pas SMA gw sempet ngerasa pengen ngilang pas ortu cerai, sekarang udah damai sama diri sendiri",
    "coming out ke kakak kemarin, dia malah meluk gw. lega banget",
    "ga bro, gw ga pernah nyakitin diri sendiri. cuma stres kerjaan aja",
    "golok buat motong kambing kurban udah diasah, besok subuh kumpul di masjid",
]

# look-alikes the shipped detector still flags
STILL_FLAGGED = [
    pytest.param("temen gw kemaren mabuk berat di nikahan, sekarang udah sehat, cuma malu aja",
                 marks=known_miss("seventeenth", "substance: 'mabuk berat' is read as drunk now, though it was "
                                                 "yesterday and someone else, who is well")),
    pytest.param("pamit ya kak, shift gw mulai jam 6, makasih udah dengerin",
                 marks=known_miss("seventeenth", "suicide, imminent: 'pamit ya kak' alone is read as a farewell by the "
                                                 "model (no rule fires), as it was on the sixteenth round's model; "
                                                 "'aku pamit dulu ya kak' stays quiet")),
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + BENIGN + STILL_FLAGGED
    assert len(cases) == 23 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_each_situation_is_suggested_as_its_item(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", BENIGN + STILL_FLAGGED)
def test_the_same_worlds_without_danger_stay_quiet(data, text):
    quiet(data, text)
