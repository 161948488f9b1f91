"""Words typed with a slip (the twentieth round: curhat_tui/domain/risk_spell.py): a disclosure typed badly is read as
the words a counselor reads, and ordinary words, short words, regional words the corpus knows and a hostile paste
are left alone. The detector sentences were written for this test before the spelling step was run on them; none
is in corpus/ or in a held-out set."""

from __future__ import annotations

from pathlib import Path

import pytest

from curhat_tui.config.data_file import DataError
from curhat_tui.config.risk_data import WORDS_FILE, load_phrases
from curhat_tui.domain.risk import RiskDetector
from curhat_tui.domain.risk_spell import MAX_TRIES, Spelling
from curhat_tui.domain.risk_text import read_parts, tokenize
from curhat_tui.domain.risk_unmask import Slang
from tests.conftest import in_the_corpus, quiet, suggested
from tests.conftest import risk_case as case

ROOT = Path(__file__).resolve().parents[2]

COUNTS = {"pusing": 40, "pusat": 3, "tangan": 30, "tengah": 12, "aku": 900, "sudah": 400, "di": 800, "atas": 60,
          "jembatan": 20, "obat": 90, "minum": 70, "mati": 80, "mata": 30, "sabtu": 5, "sabu": 6, "saat": 40}


def test_a_slip_is_read_as_the_most_common_word_one_slip_away():
    spelling = Spelling(COUNTS)
    assert spelling.read("pusinh") == ("pusing",)  # a neighbouring key
    assert spelling.read("minnum") == ("minum",)  # a letter doubled
    assert spelling.read("jembtan") == ("jembatan",)  # a letter dropped
    assert spelling.read("obta") == ("obat",)  # two swapped


def test_only_slips_a_thumb_makes_are_undone():
    spelling = Spelling({**COUNTS, "bunuh": 300, "tali": 200, "butuh": 2})
    assert spelling.read("buruh") == ("butuh",)  # r and n lie apart: a labourer is never "killed"
    assert spelling.read("sobat") is None  # the first letter is the one people get right: a friend is not "obat"
    assert spelling.read("tuli") is None  # u and a lie apart: deaf is not a rope
    assert spelling.read("bunuj") == ("bunuh",)  # j is beside h
    assert spelling.read("tsli") == ("tali",)  # s is beside a


def test_a_word_that_could_be_a_word_as_typed_is_never_read_as_another(data):
    spelling = data.phrases.warm().slang.spelling
    assert "telah" not in spelling.known  # formal Indonesian the chat corpus never used
    for word in ("telah", "buruh", "bunuah", "pinggang", "kesusahan"):  # "telan", "bunuh": one slip away, but words
        assert not spelling.impossible(word) and spelling.read(word) is None, word
    for word in ("tidyr", "sayst", "tangqn", "obst"):  # clusters no word has: slips
        assert spelling.impossible(word), word
    assert spelling.read("tidyr") == ("tidur",) and spelling.read("sayst") == ("sayat",)
    assert spelling.read("mabukk") == ("mabuk",) and spelling.read("takutt") == ("takut",)  # the last letter held


def test_ordinary_words_one_slip_from_a_word_of_risk_are_read_as_written(data):
    spelling = data.phrases.warm().slang.spelling
    for word in ("bakat", "tebakan", "minim", "sakti", "duri", "dipikul", "berjuang", "wasit", "melayat", "sobat",
                 "buruh", "tombak", "parit"):
        assert spelling.read(word) in (None, ("butuh",)), word


def test_known_words_short_words_and_other_scripts_stay_as_written():
    spelling = Spelling(COUNTS, slang_words=["gpp"])
    for word in ("sabtu", "saat", "mata", "pusat", "gpp"):  # known: never "sabu", "sayat", "mati"
        assert spelling.read(word) is None
    assert spelling.read("mtu") is None  # three letters: too close to too many words to guess
    assert spelling.read("pusíng") is None and spelling.read("PUSINH") is None  # read only lowercase a-z
    assert spelling.read("qwrtzx") is None  # nothing near it


def test_a_word_without_vowels_is_read_as_the_commonest_word_with_those_consonants():
    spelling = Spelling(COUNTS)
    assert spelling.read("tngn") == ("tangan",)  # not "tengah": fewer groups, other consonants


def test_words_run_together_are_cut_into_the_fewest_known_words_never_a_suffix_on_its_own():
    spelling = Spelling({**COUNTS, "ku": 300, "batre": 4})
    assert spelling.read("sudahdiatasjembatan") == ("sudah", "di", "atas", "jembatan")
    assert spelling.read("akusudahdiatasjembatan") is None  # five words: more than a slip of the thumb
    assert spelling.read("akudiatas") == ("aku", "di", "atas")
    assert spelling.read("akuminum") == ("aku", "minum")
    assert spelling.read("minumobat") is None  # two long words run together: more often one word it was never taught
    assert spelling.read("batreku") is None  # "my battery", one word: "ku" is never a piece of its own


def test_a_long_message_reads_its_first_and_last_words_again_whatever_came_before(data):
    slang = data.phrases.warm().slang
    letters = str.maketrans("0123456789", "bcdfgjklmp")
    junk = [f"xq{n:03d}rt".translate(letters) for n in range(MAX_TRIES + 20)]  # more unknown words than it reads
    assert all(slang.spelling.needs(w) for w in junk)
    text = "tidyr " + " ".join(junk) + " aku pengn bunuj diri aja kak"
    first = [t.text for t in tokenize(text, slang)]
    assert first[0] == "tidur" and first[-5:-2] == ["ingin", "bunuh", "diri"]  # its first words and its last
    tokenize(" ".join(reversed(junk)), slang)  # another client's message: the words it read are remembered
    assert [t.text for t in tokenize(text, slang)] == first  # the same message reads the same


def test_names_and_acronyms_as_written_are_never_read_again(data):
    slang = data.phrases.warm().slang
    tokens = [t.text for t in tokenize("Laporan PKLnya harus dikumpul, kata Pak Idris ke anak SMPN", slang)]
    assert "pklnya" in tokens and "idris" in tokens and "smpn" in tokens  # never "obatnya", "iris", "simpan"
    assert [t.text for t in tokenize("Tidyr aja", slang)][0] == "tidur"  # a capital that starts a sentence is no name


def test_words_made_with_affixes_are_never_read_again():
    spelling = Spelling({**COUNTS, "guna": 3, "amat": 2, "rahmat": 2, "hidup": 90, "end": 4, "ku": 300})
    for word in ("digunakan", "diamati", "merahmati", "hidupmu", "ends"):
        assert spelling.derived(word) and spelling.read(word) is None, word


def test_a_hostile_paste_of_made_up_words_is_read_again_only_a_bounded_number_of_times(data):
    detector = data.phrases.warm()
    spelling = detector.slang.spelling
    letters = str.maketrans("0123456789", "kmprstvwxz")
    paste = " ".join(f"bunuh{n:04d}".translate(letters) for n in range(4_000))  # 4,000 words no one knows
    before = len(spelling._read)
    detector.detect(paste)
    read = len(spelling._read) - before  # each word read again is remembered once: what the paste cost
    assert 0 < read <= MAX_TRIES * len(read_parts(paste)) < 4_000  # the cost itself: bench/bench_risk.py


def test_the_tokens_of_a_badly_typed_line_are_the_words_meant(data):
    slang = data.phrases.warm().slang
    tokens = [t.text for t in tokenize("gk sengaja kebnyakan minum obat, pusingg bgt", slang)]
    assert "kebanyakan" in tokens and "pusing" in tokens


def test_a_malformed_known_words_file_names_the_file_the_line_and_the_fix(tmp_path):
    for name in ("phrases.toml", "risk_slang.tsv", "risk_model.tsv", "redflags.toml", "directory.toml"):
        (tmp_path / name).write_bytes((ROOT / "data" / name).read_bytes())
    (tmp_path / WORDS_FILE).write_text("# known words\naku\t12\nmati 3\n", encoding="utf-8")
    items = {"suicide", "self_harm", "harm_others", "abuse", "psychosis", "severe_depression", "panic_trauma",
             "substance"}
    with pytest.raises(DataError) as err:
        load_phrases(tmp_path / "phrases.toml", items)
    assert err.value.path.name == WORDS_FILE and err.value.line == 3
    assert "word<TAB>" in str(err.value)


# (kind, item, imminent, text): disclosures typed fast and badly, written for this test
RISK = [
    # five words run together, more than the spelling step cuts: found by the model trained on held-out 18 (not called
    # imminent in the twenty-third round only)
    case("on a bridge, words run together", "suicide", True, "kak akusekarangdiatasjembatan tol udh mau loncat"),
    case("pills swallowed, keys slipped", "suicide", True,
         "aku udah nelen obst tidur satu strip barusan biar gk bangun lgi"),
    case("a rope tied, no vowels", "suicide", True,
         "tli udh kuiket di kusen pntu kmr, mlm ini aku akhirin"),
    case("cutting now, doubled letters", "self_harm", False,
         "aku lagi nyilett tangann skrg darahnya bnyk bgt"),
    case("a husband who locks her in, typed shaking", "abuse", False,
         "suamikuu ngunci aku dikamar dri kmrn hp ku diambil aku gk boleh keluarr"),
    case("drunk and driving home", "substance", False,
         "gw mabukk parah tp lg nyetir pulang skrg jalananya muter2"),
    case("a bottle of sleeping pills, neighbouring keys", "suicide", True,
         "aku udh nelqn obat tidyr sebotol kak, ngantuk bgt skrg"),
    case("a knife in hand tonight", "suicide", True,
         "pisay udh di tangqn aku, malem ini aku mau sayst nadi"),
    case("wanting to die, every other word slipped", "suicide", False,
         "aku pengem matu aja kak, capke bgt hidupp gini trs"),
    case("a razor on the thighs", "self_harm", False,
         "tiap mlm aku nyilet pahaa pake silett cukur biar gk keliatan"),
    case("a knife in the bag for a named man", "harm_others", False,
         "gw udh bawa pusau di tas, besok gw tusuk si rendi yg ngehina gw"),
    case("a step-father at night", "abuse", False,
         "bapak tiriku suka masuk kmarku mlm2 trs megang2 badanku aku takutt"),
    case("a voice that commands", "psychosis", False,
         "ada suara di kepalaa yg nyurub aku lompat dr jendela"),
    case("panic now", "panic_trauma", False,
         "aku panikk bgt napaz sesek jantungg berdebar kencang gk berhenti"),
    case("palm wine and a motorbike", "substance", False,
         "gw udh nenggak ciu 2 botol skrg mau nyetir motor pulang"),
    case("a month in bed", "severe_depression", False,
         "udh sebulan aku gk bisa bangun dr kasur, gk mandi gk makan, kosong bgt rasanya"),
]

# ordinary lines the twentieth round's red team found flagged by the first spelling step (words cut into pieces the
# dictionary reads as words of risk, names and acronyms read as slips): each must stay quiet
RED_TEAM = [
    "Laporan PKLnya harus dikumpul Jumat.",
    "Dahulunya tempat ini sawah, sekarang jadi perumahan.",
    "Aku sudah relakan dia pergi ke luar negeri buat kerja, kita LDR.",  # flagged in the 23rd and 26th rounds only
    "Semoga Allah merahmati keluarga kita semua, amin.",
    "Uangnya digunakan buat bayar SPP adik.",
    "Pak Gunawan tetanggaku ramah sekali.",
    "Aku merasa gundah gulana menunggu hasil tes CPNS.",
    "Aku pake highlighter buat belajar, biar gampang ngulang.",
    "Semoga Tuhan Yang Mahakuasa senantiasa melimpahkan rahmat-Nya kepada kita semua.",
    "Pengundi di kampungku antusias datang ke TPS.",
]

BENIGN = [
    "hpku matii lg lowbat bntr ya kak nanti aku chat lgi",
    "capekk bgt kerjaan numpuk smpe mlm, tp besok libur kok",
    "td nonton film horor sm temen2 pembunuhnya serem bgtt",
    "obat flu udh aku minun tadi pagi sesuai dosis kok kak",
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + BENIGN
    assert len(cases) == 20 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_a_disclosure_typed_badly_is_suggested_as_its_item(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", BENIGN)
def test_ordinary_lines_typed_badly_stay_quiet(data, text):
    quiet(data, text)


def test_the_spelling_step_is_what_reads_a_line_typed_this_badly(data):
    shipped = data.phrases.warm()
    unread = RiskDetector(shipped.rules, Slang(shipped.slang, shipped.slang.masked), shipped.model, shipped.item_order)
    text = "aku pngen mti ajaa kak, cpke bgt hidupp gini trs"
    # without it "pngen", "mti", "cpke", "hidupp" are words the suicide head never saw: its score is far lower (about
    # 0.45 against 0.89 in the thirty-fifth round, 0.43 against 0.91 from the twenty-ninth). Whether anything is still
    # suggested without it moves with each retraining's thresholds: nothing until the thirty-fourth round; since the
    # thirty-fifth the any-risk head reaches its threshold by 0.002 on the words it can read ("aku", "kak", "gini")
    unread_found, found = unread.detect(text), shipped.detect(text)
    assert "suicide" in found.items
    assert found.scores["suicide"] - unread_found.scores["suicide"] > 0.3


@pytest.mark.parametrize("text", RED_TEAM)
def test_the_red_teams_ordinary_lines_stay_quiet(data, text):
    quiet(data, text)
