"""The clause structure the risk model reads (domain/risk_clause.py): who does what to whom, and when, and which
words of harm it reads apart (someone else's, a story's, a past told as over); and the
detector on the kinds earlier rounds missed most (being watched or controlled, hidden or burning self-harm,
passive death wishes, imminence said in Javanese or Sundanese) in sentences written for these tests, in no corpus
file and in no held-out set, beside the same words said about someone else, in the past, as a joke or denied."""

from __future__ import annotations

from pathlib import Path

import pytest

from curhat_tui.config.risk_data import SLANG_FILE, read_slang
from curhat_tui.domain.risk_clause import clause_grams, clauses, euphemisms, gated, who
from curhat_tui.domain.risk_text import tokenize
from tests.conftest import in_the_corpus, known_false_alarm, known_miss, quiet, suggested

ROOT = Path(__file__).resolve().parents[2]
SLANG = read_slang(ROOT / "data" / SLANG_FILE)


def grams(text: str) -> set[str]:
    return {g for g, _, _ in clause_grams(tokenize(text, SLANG))}


def test_a_message_is_cut_into_clauses_at_commas_and_joining_words():
    tokens = tokenize("dulu aku pernah nyilet, sekarang udah berhenti tapi masih takut kambuh", SLANG)
    parts = [" ".join(t.text for t in tokens[i:j]) for i, j in clauses(tokens)]
    assert parts == ["dulu aku pernah silet", "sekarang sudah berhenti", "tapi masih takut kambuh"]


@pytest.mark.parametrize("word", ["aku", "gue", "gw", "saya", "aq", "abdi", "kula", "urang"])
def test_the_client_in_every_register_is_the_self(word):
    assert who(tokenize(word, SLANG)[0].text) == "self"


def test_javanese_tak_before_a_verb_is_the_client_doing_it():
    assert "S:self>die" in grams("wis tak pateni wae uripku")


@pytest.mark.parametrize("word", ["dia", "temenku", "adikku", "suaminya", "orang", "mereka"])
def test_other_people_are_not_the_client(word):
    assert who(tokenize(word, SLANG)[0].text) == "other"


def test_who_does_it_and_to_whom():
    assert "S:self>die" in grams("gue mau mati aja")
    assert "S:other>die" in grams("temenku mau bunuh diri") and "S:self>die" not in grams("temenku mau bunuh diri")
    assert "S:other>hurt>self" in grams("pacarku nampar aku tiap berantem")
    assert "S:self<hurt" in grams("aku ditampar pacar tiap berantem")  # a "di-" verb: the client is done to
    assert "S:self>hurt>other" in grams("aku pengen nusuk dia")


def test_a_clause_without_a_person_keeps_the_doer_of_the_clause_before():
    assert "S:self>means" in grams("aku udah siap, racunnya di meja")


def test_a_negated_harm_word_is_read_as_negated_not_as_an_act():
    found = grams("aku ga pengen mati kok")
    assert "S:neg die" in found and "S:self>die" not in found


def test_time_past_now_and_a_resolution():
    assert {"S:hurt@past", "M:past+hurt", "M:resolved+hurt"} <= grams("dulu waktu SMP aku pernah nyayat tangan, "
                                                                        "sekarang udah sembuh")
    assert "S:self>die@now" in grams("aku mau mati sekarang")


def test_a_joke_and_a_frame_are_read_over_the_whole_message():
    assert "M:joke+die" in grams("mati aku besok presentasi wkwk")
    assert "M:frame+die" in grams("film semalem tentang orang yg bunuh diri")


def read_apart(text: str) -> list[str]:
    return [t.text for t in gated(tokenize(text, SLANG))[0] if t.text.startswith("~")]


def test_words_of_harm_about_someone_else_a_story_or_an_end_are_read_apart_from_the_clients_own():
    assert read_apart("temenku mukul adiknya") == ["~pukul"]  # someone else does it to someone else
    assert read_apart("berita tadi ada yg bunuh diri di jembatan") == ["~bunuh", "~jembatan"]
    assert read_apart("dulu aku pernah nyilet, sekarang udah berhenti") == ["~silet"]  # a past told as over
    assert read_apart("suamiku mukul aku tiap malam") == []  # done to the client: abuse, read as it is
    assert read_apart("aku dipukul suami") == []
    assert read_apart("semalem aku nyilet lagi") == []
    assert read_apart("dulu aku pernah nyilet, sekarang kambuh lagi") == []  # a past not told as over


def vanished(text: str) -> list[str]:
    return [text[t.start:t.end] for t in euphemisms(tokenize(text, SLANG)) if t.text == "mati"]


def test_a_wish_to_vanish_with_nothing_after_it_reads_as_dying_and_other_vanishing_does_not():
    assert vanished("rasanya pengen ngilang aja") == ["ngilang"]
    assert vanished("gw mau lenyap dari dunia ini") == ["lenyap"]
    assert vanished("pengen ngilang dulu ke pantai") == []  # somewhere to go: a break, not an end
    assert vanished("pengen ngilang aja dari grup kantor") == []
    assert vanished("dompetku ilang di kereta, pengen nangis aja") == []  # no wish before it
    assert [t.neg for t in euphemisms(tokenize("ga pengen ngilang kok", SLANG)) if t.text == "mati"] == [True]
    assert [t.text for t in tokenize("rasanya pengen ngilang aja", SLANG)][-2] == "hilang"  # the model's reading


def test_the_rules_read_a_wish_to_vanish_as_one_to_die(rules_only):
    assert rules_only.ruled("capek bgt, pengen ngilang aja rasanya") == (frozenset({"suicide"}), False)
    assert rules_only.ruled("pengen ngilang dulu ke pantai, capek kerja") == (frozenset(), False)
    assert rules_only.ruled("dulu aku pernah pengen ngilang aja, sekarang udah jauh lebih baik") == (frozenset(), False)


def test_a_structure_feature_covers_its_class_word_so_evidence_points_at_it():
    text = "aku udah beli racun tikus"
    tokens = tokenize(text, SLANG)
    covered = {tokens[i].text for g, i, j in clause_grams(tokens) if g.startswith("S:self>")}
    assert covered == {"beli", "racun"}


# (kind, item, imminent, text): every one must be suggested as its item (imminent where marked)
WEAK_KINDS = [
    ("watched: drone", "psychosis", False, "tiap aku keluar kos ada drone yg ngikutin, mereka tau aku kemana aja"),
    ("controlled: thoughts put in", "psychosis", False, "ada orang yg naruh pikiran di kepalaku, aku ga bisa ngusir"),
    ("watched: phone tapped", "psychosis", False, "hp aku disadap tetangga, semua obrolanku mereka rekam"),
    ("controlled: broadcast", "psychosis", False,
     "my thoughts are being broadcast on the radio, everyone hears what i think"),
    # missed from the seventh round to the eighteenth (the iron found by one model of the seventeenth round); found
    # in the nineteenth, when held-out 17 joined training, missed from the twentieth to the twenty-third, found in the
    # twenty-fourth, when held-out 20 and 21 joined, missed in the twenty-sixth (its threshold rose to 0.942), found
    # again in the twenty-seventh, missed in the twenty-eighth (its threshold rose to 0.952)
    ("burning: iron", "self_harm", False,  # missed from the twenty-eighth round to the forty-first
     "aku nyetrika punggung tanganku sendiri semalem, sekarang aku tutupin pake plester"),
    ("hidden: under a watch", "self_harm", False, "lukanya aku sembunyiin di balik jam tangan biar mama ga nanya"),
    pytest.param("burning: cigarette", "self_harm", False, "tiap stres aku tempelin puntung rokok ke betis",
                 marks=known_miss("seventh", "nothing suggested: a cigarette end on the calf reads as no harm")),
    ("passive wish: not wake up", "suicide", False, "pengen tidur aja terus ga usah bangun2 lagi selamanya"),
    ("passive wish: illness", "suicide", False, "semoga penyakitku cepet parah biar aku ga usah hidup lama"),
    ("passive wish: english", "suicide", False, "i wouldn't mind if a car hit me on the way home"),  # (since round 11)
    ("javanese: rope tonight", "suicide", True, "tali wis tak cantolke nang wuwungan, bengi iki aku budhal"),
    ("javanese: pills swallowed", "suicide", True, "obat sak lemari wis tak untal kabeh"),
    ("sundanese: poison tonight", "suicide", True, "abdi tos meuli racun, wengi ieu rek diinum"),
    # seen in the app (no held-out set): a wish to vanish after work talk (the tenth round reads it as dying)
    ("passive wish: vanish", "suicide", False, "aku capek banget sama kerjaan, rasanya pengen ngilang aja"),
]

# the same words about someone else, in the past, as a joke, denied: every one must stay quiet
CONTRASTS = [
    "temenku cerita adiknya dulu pernah nyilet, sekarang udah sembuh",
    "film tadi tentang orang yang diawasi kamera terus, serem",
    "aku ga pernah pengen mati kok, cuma lagi bete",
    "dulu waktu kuliah aku sering nyakitin diri, udah lima tahun berhenti",
    "kameranya baru dipasang bapak di teras buat jaga motor",
    "bunuh aja aku kalau sampe lupa ultah mama wkwk",
    # flagged in the nineteenth and twenty-sixth rounds and from the thirty-second to the thirty-fifth
    "tetangga ngebakar sampah tiap sore, asapnya masuk kamar",
]


CONTRASTS_STILL_FLAGGED = [
    pytest.param("aku udah lama ga minum, terakhir pas tahun baru itupun cuma segelas",
                 marks=known_false_alarm("fourteenth", "called imminent suicide by the imminence head alone (any-risk "
                                         "head 0.04): 'sudah ... minum' and 'terakhir' are how a last act is told")),
    pytest.param("ga pernah kak, aku ga pake narkoba, minum alkohol juga ngga",
                 marks=known_false_alarm("fourteenth", "substance: the denial does not reach 'minum alkohol' after "
                                         "the comma")),
    pytest.param("aku survivor depresi berat, dulu ga bisa bangun dari kasur berbulan2, sekarang udah bisa lari 5k",
                 marks=known_false_alarm("fourteenth", "severe depression: a past told as over, without the words the "
                                         "model knows")),
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    assert not in_the_corpus(corpus_texts, WEAK_KINDS + CONTRASTS + CONTRASTS_STILL_FLAGGED)


@pytest.mark.parametrize("kind, item, imminent, text", WEAK_KINDS,
                         ids=[(k.values if hasattr(k, "values") else k)[0] for k in WEAK_KINDS])
def test_the_weak_kinds_are_suggested(data, kind, item, imminent, text):
    found = suggested(data, text, item, imminent, kind)
    shown = " ".join(found.evidence_text(text))
    assert shown and shown.strip() not in {"aku", "kak"}, shown


@pytest.mark.parametrize("text", CONTRASTS + CONTRASTS_STILL_FLAGGED)
def test_the_same_words_about_someone_else_the_past_a_joke_or_denied_stay_quiet(data, text):
    quiet(data, text)


def test_a_means_readied_for_someone_else_names_them_even_after_the_doer():
    """Whose drink: a fronted object puts the client ("aku") between the means and its target, and the target is
    still read (the thirty-fourth round); a means for the client names nobody else."""
    assert {"S:means=>other", "S:self>into>other"} <= grams("racun tikus udah aku campur ke kopi mandor besok pagi")
    assert "S:into=>other" in grams("cairan itu nanti aku tuang ke teh seniorku pas istirahat")
    mine = grams("racun tikus udah aku siapin, besok pagi aku minum sendiri")
    assert not {g for g in mine if g.endswith("=>other")}


@pytest.mark.parametrize("word", ["mandor", "seniorku", "rentenir", "pelakor", "spv", "pasiennya", "landlord"])
def test_the_people_a_grudge_names_by_their_role_are_other_people(word):
    assert who(tokenize(word, SLANG)[0].text) == "other"


@pytest.mark.parametrize("word", ["kak", "pak", "bu", "kepala"])
def test_how_a_client_addresses_the_counselor_and_the_head_on_their_shoulders_are_nobody_else(word):
    assert who(tokenize(word, SLANG)[0].text) != "other"


@pytest.mark.parametrize(("text", "aim"), [
    ("tali tambang udah kubeli buat jemuran baru", "S:means>for:thing"),
    ("racun tikus udah aku beli buat nanti malam", "S:means>for:now"),
    ("tali buat gantung diri udah siap di lemari", "S:means>for:die"),
    ("obatnya aku simpen buat aku sendiri", "S:means>for:self"),
    ("pisau itu buat senior yang nampar aku", "S:means>for:other"),
])
def test_what_a_means_is_said_to_be_for_is_read(text, aim):
    """A purpose said after a means (the thirty-fifth round): a thing, a time, a harm, the client or someone else."""
    assert aim in grams(text)


@pytest.mark.parametrize("text", ["td beli baygon 2 botol bkn buat nyamuk", "racun tikus ini bukan buat tikus",
                                  "tali itu dudu kanggo jemuran", "i bought a rope not for the clothesline"])
def test_a_purpose_denied_is_read_as_denied_not_as_ordinary(text):
    """"Not for the mosquitoes" says the poison is for something else (the thirty-sixth round: a purpose said was read
    as ordinary even when denied, in 'bkn', 'dudu' and 'sanes' spellings that were not read as negations at all)."""
    found = {g for g in grams(text) if ">for:" in g}
    assert found and all(g.endswith(">for:not") for g in found)


def test_a_means_with_no_purpose_said_has_none():
    assert not {g for g in grams("racun tikus udah aku beli tadi sore") if ">for:" in g}
