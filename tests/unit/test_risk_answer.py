"""A client's answer read with the counselor's question before it (domain/risk_answer.py, RiskDetector.answer): a yes
to a screening question is the disclosure the question names; a no, a question back, an answer to an everyday or a
safety-planning question, and any answer to a question that asks when, where or how many, are not.

Every exchange here was written for this file in session 38 (most before the answer reading was judged on exchanges
1, the last ones from a review of it); none is in corpus/ (answers1.tsv, the reading's development set, included)."""

from __future__ import annotations

from pathlib import Path

import pytest

from curhat_tui.domain.risk_answer import NO, OTHER, YES, asks_with_a_word, denial, polarity, question, statement
from curhat_tui.domain.risk_text import tokenize

ROOT = Path(__file__).resolve().parents[2]

# (kind, counselor's message, client's reply, item, imminent)
DISCLOSED = [
    ("a wish to die, yes", "Makasih sudah cerita. Belakangan ini, apakah kamu berharap bisa mati saja?", "iyaa kak",
     "suicide", False),
    ("a plan, in Javanese", "Sampeyan wis duwe rencana arep bunuh diri?", "nggih mas, wis", "suicide", True),
    ("pills collected", "Kamu sudah ngumpulin obat buat mengakhiri hidupmu?", "udah kak, di lemari",
     "suicide", True),
    ("cutting again", "Minggu ini kamu nyilet tanganmu lagi?", "iya semalem",
     "self_harm", False),
    ("hit by a husband, or not", "Suamimu masih suka mukul kamu kalau marah?", "masih kak", "abuse", False),
    ("voices that order", "Suara yang kamu dengar itu nyuruh kamu nyakitin diri?", "he eh", "self_harm", False),
    ("drunk now, in English", "Are you drunk right now?", "yes kinda", "substance", False),
    ("followed everywhere: a word that asks, said twice, asks nothing", "Mantanmu masih buntutin kamu ke mana-mana?",
     "masih kak", "abuse", False),
    ("an English yes-or-no question with a when inside", "Does your husband hit you when he gets drunk?", "yes, a lot",
     "abuse", False),
    ("he'eh", "Belakangan ini kamu sering mikir pengen mati aja?", "he'eh kak", "suicide", False),
    ("pills taken out: 'keluarin' keeps no one safe", "Semua obat di lemari udah kamu keluarin buat ditelen sekaligus?",
     "udah kak", "suicide", True),
    ("still, to a no longer", "Udah gak kepikiran buat bunuh diri lagi?", "masih kak, kadang2", "suicide", False),
    ("urges, in English: yourself is the client's myself", "Are you having urges to hurt yourself right now?", "yea kinda",
     "self_harm", False),
]
QUIET = [
    ("a no to a plan", "Kamu sudah punya rencana bunuh diri?", "gak kak, gak sampe situ"),
    ("a yes and then a no", "Masih suka nyakitin diri sendiri?", "udah nggak kok kak"),
    ("an everyday yes", "Hari ini kamu sudah sempat makan?", "udah kak, barusan bgt"),
    ("someone to be with", "Malam ini ada yang nemenin kamu di kos?", "ada, temen sekamar"),
    ("prescribed medicine taken", "Obat dari psikiater udah rutin kamu minum?", "udah kak"),
    ("when, not whether", "Kapan terakhir kali pikiran bunuh diri itu muncul?", "udah lama bgt, pas SMP"),
    ("leave asked", "Boleh aku tanya soal pikiran bunuh diri yang kamu sebut tadi?", "boleh kak"),
    ("agreement asked", "Kalau pikiran bunuh diri datang lagi, langsung hubungi 119 ya?", "iya kak siap"),
    ("no question at all", "Aku senang kamu mau cerita soal pikiran bunuh diri itu.", "iya kak makasih"),
    ("where: an ordinary place", "Kamu lagi di mana sekarang?", "di kosan kak"),
    ("how many, no answer", "Berapa butir obat yang udah kamu telan?", "hmm"),
    ("an exclamation, then a no", "Belakangan ini kamu ada keinginan buat bunuh diri?", "ya ampun kak, nggak lah"),
    ("a question back", "Kamu ada keinginan buat bunuh diri?", "ada apa kak?"),
    ("as if", "Kamu kepikiran buat ngakhirin hidup?", "ya kali kak"),
    # errands asked with "udah ...?": the grammar of preparation, which alone no longer calls imminent suicide
    ("petrol filled up", "Kamu udah isi bensin sebelum berangkat kerja?", "udah full kak"),
    ("a suitcase packed", "Koper buat mudik udah kamu siapin semua?", "udah kak tinggal berangkat"),
    ("a present wrapped", "Kado buat adikmu udah kamu bungkus?", "udah kak, tinggal kasih"),
    ("the danger passed, yes", "Kamu udah turun dari atap kos?", "udah kak, udah di kamar"),
]

# a no to a question whether the client is safe or the danger has passed (written in session 39): (kind, message,
# reply, item)
STILL = [
    ("the thought not gone", "Pikiran pengen mati itu udah hilang sekarang?", "belum, makin sering malah", "suicide"),
    ("a friend still unconscious", "Teman kosmu yang nelen obat tadi udah sadar?", "belum kak, napasnya pelan bgt",
     "substance"),
    ("the voice goes on", "Suara yang nyuruh kamu loncat itu udah berhenti?", "belum mas", "psychosis"),
    ("the pills not put away", "Obat tidur yang kamu kumpulin udah kamu singkirin?", "blm kak, masih di tas", "suicide"),
    ("the urge not passed", "Dorongan nyilet tadi udah lewat?", "belum kak, makin kuat", "self_harm"),
]
QUIET_NOES = [
    ("an everyday no", "Kamu udah makan siang?", "belum kak"),
    ("gone", "Pikiran itu udah hilang?", "udah nggak ada kak"),
    ("fine", "Kamu aman malam ini?", "nggak papa kok, santai"),
    ("unsure", "Kamu aman di rumah?", "gak tau kak"),
    ("a denial", "Kamu pernah kepikiran bunuh diri?", "nggak pernah"),
    ("alone, and safe", "Ada yang nemenin kamu di rumah?", "nggak, tapi aku aman kok"),
    ("alone", "Ada orang yang bisa nemenin kamu malam ini?", "gak ada yg bisa"),
    ("not yet called", "Kamu udah hubungi psikolog yang aku sarankan?", "belum, mungkin besok sore"),
    ("prescribed medicine not yet taken", "Obat dari dokter udah kamu minum?", "belum, nanti abis makan"),
    ("a question already negated", "Kamu merasa gak aman di rumah?", "nggak kok"),
    ("calmer already", "Paniknya udah reda?", "belum, tapi udah mendingan"),
    ("gone, said with a no", "Pikiran pengen mati itu udah hilang?", "nggak muncul lagi kak"),
    ("none at hand", "Obat-obatan itu udah kamu jauhin?", "nggak ada obat di kosku kak"),
    ("an intention denied, asked with udah", "Kamu udah mau pergi selamanya?", "nggak kak, amit2"),
]


def test_no_exchange_here_is_in_the_corpus(corpus_exchanges):
    known = corpus_exchanges
    ours = [(asked.lower(), reply.lower()) for _, asked, reply, *_ in DISCLOSED + QUIET + STILL + QUIET_NOES]
    assert not [pair for pair in ours if pair in known]
    assert not {reply for _, reply in ours} & {reply for _, reply in known if len(reply.split()) > 2}


@pytest.mark.parametrize("kind, asked, reply, item, imminent", DISCLOSED, ids=[c[0] for c in DISCLOSED])
def test_a_yes_to_a_screening_question_is_the_disclosure_it_names(data, kind, asked, reply, item, imminent):
    assert data.phrases.items(reply) == []  # alone it says nothing
    found = data.phrases.answer(asked, reply)
    assert item in found.items, (kind, found.items, found.scores)
    assert found.imminent or not imminent
    assert found.evidence and all(0 <= hit.start < hit.end <= len(reply) for hit in found.evidence)
    assert reply[found.evidence[0].start:found.evidence[0].end].strip()  # a word of the reply, never of the question


@pytest.mark.parametrize("kind, asked, reply", QUIET, ids=[c[0] for c in QUIET])
def test_a_no_an_everyday_or_safety_answer_and_a_when_suggest_nothing(data, kind, asked, reply):
    found = data.phrases.answer(asked, reply)
    assert found.items == () and not found.imminent, (kind, found.items, found.scores)


def test_the_last_yes_or_no_question_is_read_as_the_clients_statement(slang):
    assert question("Makasih ya. Kamu pernah kepikiran mati?") == "Kamu pernah kepikiran mati?"
    assert question("Kamu pernah kepikiran mati? Kapan terakhir?") == "Kapan terakhir?"  # the last one asks when
    def asks(text: str) -> bool:
        return asks_with_a_word(text, tokenize(text, slang))
    assert asks("Kapan terakhir?") and asks("kamu di mana?") and asks("Kamu lagi di mana sekarang?")
    assert not asks("apa kamu pernah kepikiran mati?")
    assert not asks("Mas, kamu sudah punya rencana kapan mau melakukannya?")  # opens as yes or no: "udah" answers it
    assert not asks("Does he follow you when you go out?")  # an English auxiliary opens it
    for anything in ("Dia nyebarin fotomu ke siapa-siapa?", "Dia ngapa-ngapain kamu?", "Dia ngikutin kamu kemana-mana?",
                     "Dia ngikutin kamu ke mana-mana?", "Kamu gak cerita apa-apa ke ortu?"):
        assert not asks(anything), anything  # a word that asks, said twice, says "any"
    said, at = statement(tokenize("Kamu udah nggak nyilet lagi?", slang), "iya")
    assert "sudah tidak" in said  # "udah nggak": no longer, not "or not"
    assert question("Boleh aku tahu, kamu udah punya rencana?") == "kamu udah punya rencana?"
    assert question("Aku di sini kok.") == question("Boleh aku tanya soal itu?") == question("Cerita aja ya?") == ""
    said, at = statement(tokenize("Apakah kamu pernah nggak nyakitin dirimu sendiri?", slang), "iya")
    assert said.split()[0] == "aku" and not {"pernah", "tidak", "dirimu"} & set(said.split())  # "ever" is what was
    assert said[at:] == "iya"  # asked, the yes tells the thing itself; the answer follows the statement


def test_how_an_answer_begins(slang):
    def begins(reply: str, asked: str = "") -> str:
        return polarity(tokenize(reply, slang), frozenset(t.text for t in tokenize(asked, slang)))[0]
    assert begins("iyaa kak") == begins("hmm jujur iya") == begins("muhun") == begins("ho oh") == YES
    assert begins("gak kok") == begins("ya enggak lah") == begins("udah nggak") == begins("ora") == NO
    assert begins("20an kak") == begins("di kamar") == begins("ya kali") == begins("ya ampun, nggak") == OTHER
    assert begins("iya biar gak nyusahin") == YES  # a no further on is not the answer's
    assert begins("lagi kak", "kamu sedang di atas?") == YES and begins("msh") == YES
    assert begins("pengen bgt", "kamu pengen nyakitin dia?") == YES  # the question's word said back
    assert begins("buat tikus lah", "itu buat orang?") == OTHER  # a word that answers nothing


def test_a_yes_or_a_no_to_the_apps_own_scripts_and_quick_replies_is_no_disclosure(data):
    """The referral scripts F2..F9 load end by asking whether the client will contact a service, the quick replies ask
    to hear more: a yes or a no to any question the app itself puts in the counselor's mouth suggests nothing (a no to
    "is it safe enough to contact SAPA 129?" is a service out of reach, not a danger of its own)."""
    import tomllib

    def texts(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from texts(value)
        elif isinstance(node, list):
            for value in node:
                yield from texts(value)
        elif isinstance(node, str) and "?" in node:
            yield node

    asked = [text for name in ("redflags.toml", "quick_replies.toml", "templates.toml")
             for text in texts(tomllib.loads((ROOT / "data" / name).read_text(encoding="utf-8"))) if question(text)]
    assert len(asked) >= 20  # the scripts of every item, in both languages
    said = {(text[-60:], reply): data.phrases.answer(text, reply).items for text in asked
            for reply in ("iya kak", "udah", "ada", "yes", "nggak kak", "belum", "no", "gak bisa")}
    assert {key: items for key, items in said.items() if items} == {}


@pytest.mark.parametrize("kind, asked, reply, item", STILL, ids=[c[0] for c in STILL])
def test_a_no_to_whether_the_danger_has_passed_tells_it_goes_on(data, kind, asked, reply, item):
    assert data.phrases.items(reply) == []
    found = data.phrases.answer(asked, reply)
    assert item in found.items, (kind, found.items, found.scores)
    assert reply[found.evidence[0].start:found.evidence[0].end].strip()  # the no itself, in the reply


@pytest.mark.parametrize("kind, asked, reply", QUIET_NOES, ids=[c[0] for c in QUIET_NOES])
def test_a_denial_a_fine_a_gone_and_a_no_about_people_suggest_nothing(data, kind, asked, reply):
    found = data.phrases.answer(asked, reply)
    assert found.items == () and not found.imminent, (kind, found.items, found.scores)


def test_a_no_denies_the_clause_the_question_asks_about():
    assert denial("silet itu sudah aku buang") == "silet itu belum aku buang"
    assert denial("aku aman malam ini") == "aku tidak aman malam ini"
    assert denial("aku bisa turun dari atap sekarang") == "aku tidak bisa turun dari atap sekarang"
    assert denial("ada kejadian tadi,aku aman sekarang") == "ada kejadian tadi,aku tidak aman sekarang"
    assert denial("pikiran itu sudah hilang") == "pikiran itu belum hilang"
    assert denial("aku aman kalau sudah di rumah") == "aku tidak aman kalau sudah di rumah"  # the "sudah" asked about
    assert denial("aku tidak aman di rumah") is None  # already negated
    assert denial("aku sudah makan") is None  # not about safety: a no is a no
    assert denial("ada yang nemenin aku") is None  # people: see QUIET_NOES


def test_a_question_that_points_back_after_a_disclosure_keeps_its_imminence(data):
    """"udah kak" to a question that names nothing but points back ("... gara-gara itu?"): alone, the imminence head
    needs the suicide head's whole threshold (ANSWER_SUPPORT); after the client's messages were suggested for suicide,
    the half a client's own words get."""
    asked, reply = "Barang kesayanganmu udah kamu bagiin ke temen-temen gara-gara itu?", "udah kak"
    assert data.phrases.answer(asked, reply).items == ()
    after = data.phrases.answer(asked, reply, frozenset({"suicide"}))
    assert after.items == ("suicide",) and after.imminent
    assert data.phrases.answer(asked, reply, frozenset({"abuse"})).items == ()  # another item raised: no

