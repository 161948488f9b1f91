"""The risk detector on sentences written for these tests (none of them is in corpus/): each kind of
disclosure the issue lists is suggested as its item, imminent when it carries a plan, means, preparation or
an act under way; idioms, the news, fiction, jokes and resolved pasts stay quiet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from curhat_tui.config.datafiles import DataError, load_all
from curhat_tui.config.risk_data import RiskDataError, parse_model
from curhat_tui.domain.risk import ANY, IMMINENT, LinearModel, RiskDetector, RiskRule, decide
from curhat_tui.domain.risk_text import _TOKENISH, READ_HEAD, READ_TAIL, read_parts
from tests.conftest import in_the_corpus, suggested

ROOT = Path(__file__).resolve().parents[2]
ITEMS = {"suicide", "self_harm", "harm_others", "abuse", "psychosis", "severe_depression", "panic_trauma", "substance"}

# (kind, item, imminent, text)
DISCLOSURES = [
    ("pills collected", "suicide", True, "udah sebulan aku nabung obat tidur dari resep, sekarang cukup buat ga bangun lagi"),
    ("poison bought", "suicide", True, "tadi sore aku beli racun di toko pertanian buat diriku sendiri"),
    ("rope ready", "suicide", True, "talinya udah kuikat di balok kamar, tinggal nunggu rumah sepi"),
    ("possessions given away", "suicide", True, "semua bajuku udah kukasih ke sepupu, aku udah ga butuh apa-apa lagi"),
    ("farewell letter", "suicide", True, "surat perpisahan buat ayah udah kutaruh di bawah bantal"),
    ("will", "suicide", True, "aku udah tulis wasiat, motor buat adikku"),
    ("last chat", "suicide", True, "kak ini terakhir kalinya aku chat ya, makasih buat semuanya"),
    ("burden", "suicide", False, "aku cuma nyusahin keluargaku, mereka lebih baik tanpa aku"),
    ("better without me", "suicide", False, "the world would be better without me in it"),
    ("giving up on life", "suicide", False, "aku udah nyerah sama hidupku, ga ada gunanya lagi"),
    ("other method", "suicide", False, "aku kepikiran nabrakin diri ke kereta yang lewat"),
    ("overdose just taken", "suicide", True, "barusan aku telan sebotol obat tidur biar semuanya selesai"),
    ("passive wish", "suicide", False, "aku berharap bisa tidur terus ga pernah bangun"),
    ("english ideation", "suicide", False, "honestly i just want to die"),
    ("sexual abuse relative", "abuse", False, "pamanku sering nyentuh badanku kalau rumah lagi sepi"),
    ("step-parent", "abuse", False, "bapak tiriku suka masuk ke kamarku tengah malam dan megang aku"),
    ("threats by partner", "abuse", False, "pacarku ngancam bakal nyebarin foto telanjangku kalau aku putusin dia"),
    ("coercion", "abuse", False, "suamiku maksa aku berhubungan tiap malam walaupun aku nangis"),
    ("confinement spouse", "abuse", False, "suamiku ngunci aku di rumah dan ngambil hpku tiap dia kerja"),
    ("confinement employer", "abuse", False, "majikanku nyimpen pasporku dan aku ga boleh keluar rumah"),
    ("partner violence", "abuse", False, "semalem suamiku nampar aku sampai bibirku berdarah"),
    ("hurt named person", "harm_others", False, "aku pengen banget nusuk si Dedi pakai pisau"),
    ("carrying weapon", "harm_others", False, "besok aku bawa golok ke kantor buat bosku"),
    ("hurt child", "harm_others", False, "aku takut aku bakal nyakitin bayiku kalau dia nangis lagi"),
    ("command voices", "psychosis", False, "ada suara di kepalaku yang nyuruh aku bakar rumah"),
    ("watched", "psychosis", False, "aku yakin tetangga masang kamera buat ngawasin aku di kamar"),
    ("controlled", "psychosis", False, "pikiranku dikendalikan orang lain lewat sinyal hp"),
    ("visual hallucination", "psychosis", False, "aku liat orang berdiri di pojok kamar tapi ibu bilang ga ada siapa-siapa"),
    ("mania", "psychosis", False, "udah empat hari aku ga tidur tapi aku ngerasa jadi utusan tuhan"),
    ("flashback", "panic_trauma", False, "kejadian kecelakaan itu keputar terus di kepalaku, aku gemetaran"),
    ("rape trauma", "panic_trauma", False, "sejak diperkosa aku mimpi buruk tiap malam dan susah napas"),
    ("panic now", "panic_trauma", False, "dadaku sesak banget, jantung berdebar, aku takut mati sekarang"),
    ("depression", "severe_depression", False, "udah tiga minggu aku ga bisa bangun dari kasur dan ga ngerasain apa-apa"),
    ("intoxicated driving", "substance", False, "aku mabuk berat tapi harus nyetir pulang sekarang"),
    ("drunk now", "substance", False, "aku udah habis dua botol arak, sekarang muntah terus"),
    ("self-harm", "self_harm", False, "tadi malam aku nyayat lenganku pakai silet lagi"),
    ("self-harm en", "self_harm", False, "i cut my arm again last night"),
    # the twelfth and thirteenth rounds: words written around a filter; asking about the means of a plan
    ("masked plan", "suicide", True, "aku udah b*li r4cun, m*l*m ini aku mau m*ti"),
    ("spaced wish", "suicide", False, "p e n g e n  m a t i  a j a"),
    ("lethal dose asked", "suicide", True,
     "kak, kalau obat tidur yang aku kumpulin ini aku minum semua malam ini, cukup ga biar ga bangun lagi?"),
    ("height asked on a roof", "suicide", True, "lantai berapa sih yang pasti bikin mati kalau loncat? aku lagi di atap kos"),
    ("confidentiality tested", "suicide", False,
     "kalau aku cerita soal rencana aku ngakhirin hidup, kakak bakal lapor ke ortu ga?"),
    # the fourteenth round: the words of psychiatry and of therapy on social media
    ("psychiatric medicine hoarded", "suicide", True, "udah nimbun seroquel 2 bulan, rencananya minggu ini"),
    ("self-harm relapse in shorthand", "self_harm", False, "kemaren sh lagi pake cutter, padahal udah clean 3 bulan"),
    ("abuse in therapy words", "abuse", False, "trauma bond sama dia, tiap marah aku dicekik"),
]

IDIOMS = [
    "mati lampu dari sore", "aku mati gaya di acara itu", "bunuh nyamuk semalaman", "gila sih keren banget",
    "capek hati ngadepin drama arisan ibu-ibu kompleks", "kayaknya aku jatuh hati sama kakak tingkat",
    "kena racun skincare lagi", "anakku lompat-lompat di kasur", "ngakak sampai mau mati",
    "takut setengah mati sama kecoa", "capek banget kerja hari ini", "hp gue mau mati", "mabuk laut pas naik kapal",
    "this traffic is killing me", "i'm dying to try that new ramen place", "aku deg2an mau interview",
    # flagged in the twenty-sixth round only, by the any-risk head alone at its threshold (0.8393 against 0.8392)
    "i wouldn't mind if you hit me up later",
]
# other look-alikes: the news, fiction, other people, pasts told as over, jokes, denials, ordinary errands
LOOK_ALIKES = [
    "film tentang bunuh diri itu sedih", "berita hari ini ada yang bunuh diri di jembatan",
    "temanku dulu depresi tapi sekarang udah sembuh", "dulu aku pernah self harm, sekarang udah berhenti",
    "awas lo gue bunuh kalo telat wkwk", "tadi beli tali rafia buat ngiket kardus", "udah dulu ya kak, aku pamit mau masak",
    "aku belum pernah sampai mikir bunuh diri kok kak", "suara hati aku bilang harus resign",
    "b*ngsat, kalah lagi main ranked", "paracetamol maksimal sehari berapa ya buat demam anakku",
    "aku lagi ngerjain tugas soal angka bunuh diri remaja, datanya dari mana ya kak",
    "besok aku ke apotek beli obat buat mama", "tadi aku beli obat buat adek yang demam",
    "depresi bgt liat nilai statistik semester ini wkwk", "aku halu jadi pacar idol lagi, biarin lah",
    "udah dua tahun clean dari sh, bangga sama diri sendiri",
    "sertraline ku dinaikin dosisnya sama psikiater, sejauh ini cocok",
]


def test_no_test_sentence_is_in_the_corpus(corpus_texts):
    assert not in_the_corpus(corpus_texts, DISCLOSURES + IDIOMS + LOOK_ALIKES)


@pytest.mark.parametrize("kind, item, imminent, text", DISCLOSURES, ids=[d[0] for d in DISCLOSURES])
def test_each_kind_of_disclosure_is_suggested(data, kind, item, imminent, text):
    found = suggested(data, text, item, imminent, kind)
    for hit in found.evidence:
        assert text[hit.start:hit.end].strip() == text[hit.start:hit.end] != ""


@pytest.mark.parametrize("text", IDIOMS)
def test_idioms_stay_quiet(data, text):
    found = data.phrases.detect(text)
    assert found.items == () and not found.imminent and found.evidence == (), found


def test_other_look_alikes_stay_quiet_but_for_at_most_one(data):
    """A model that weighs words can be wrong on a sentence that is all risk words: allow one of nine."""
    fired = [(text, data.phrases.detect(text).items) for text in LOOK_ALIKES if data.phrases.detect(text).items]
    assert len(fired) <= 1, fired


def test_the_matcher_interface_still_answers(data):
    text = "Kak... aku PENGEEEN mati aja"
    assert data.phrases.items(text) == ["suicide"]
    hits = data.phrases.scan(text)
    assert hits and all(h.item == "suicide" for h in hits)
    assert any("mati" in text[h.start:h.end] for h in hits)
    assert data.phrases.items("") == [] and data.phrases.scan("") == []


def test_evidence_names_the_words_that_carried_an_imminent_call(data):
    text = "aku udah beli racun tikus buat malam ini"
    found = data.phrases.detect(text)
    assert found.imminent and "suicide" in found.items
    assert any("racun" in t for t in found.evidence_text(text))


def test_a_very_long_paste_is_read_in_windows(data):
    filler = "hari ini aku kerja seperti biasa lalu makan siang bareng teman kantor. " * 60
    found = data.phrases.detect(filler + "aku pengen mati aja. " + filler)
    assert "suicide" in found.items
    assert data.phrases.detect(filler).items == ()


HUGE = 64 * 1024  # about the largest message a Matrix event carries
WALLS = {
    "chat": "hari ini aku kerja seperti biasa lalu makan siang bareng teman kantor. ",
    "spaced emoji": "💊 🔪 🪢 ",
    "spaced letters": "m a t i a j a ",
    "signs": ".,!?-",
    "one word": "a",
}


@pytest.mark.parametrize("wall", WALLS.values(), ids=WALLS.keys())
def test_a_huge_message_is_read_in_bounded_parts_at_its_start_and_end(wall):
    text = (wall * (HUGE // len(wall) + 1))[:HUGE]
    parts = read_parts(text)
    assert len(parts) == 2 and parts[0][0] == 0 and parts[1][0] + len(parts[1][1]) == len(text)
    for offset, part in parts:
        assert text[offset:offset + len(part)] == part
        assert len(_TOKENISH.findall(part)) <= READ_HEAD + 1 and len(part) <= (READ_HEAD + READ_TAIL) * 12


def test_a_message_within_the_budget_is_read_whole():
    text = WALLS["chat"] * 100  # 7,200 characters, 1,300 words
    assert read_parts(text) == [(0, text)]


def test_a_farewell_at_the_end_of_a_huge_paste_is_found_where_it_is_written(data):
    filler = WALLS["chat"] * 900
    farewell = "aku udah beli racun tikus buat malam ini, maaf ya semuanya"
    for text in (filler + farewell, farewell + " " + filler, ("\u200b" + WALLS["chat"]) * 900 + farewell):
        found = data.phrases.detect(text)
        assert "suicide" in found.items and found.imminent
        assert any("racun" in t for t in found.evidence_text(text))


def test_decide_names_the_best_item_when_only_the_any_head_is_sure():
    thresholds = {"suicide": 0.9, "abuse": 0.9, IMMINENT: 0.9, ANY: 0.5}
    assert decide({"suicide": 0.3, "abuse": 0.6, IMMINENT: 0.1, ANY: 0.7}, thresholds).items == {"abuse"}
    assert decide({"suicide": 0.3, "abuse": 0.6, IMMINENT: 0.1, ANY: 0.4}, thresholds).items == frozenset()
    imminent = decide({"suicide": 0.5, "abuse": 0.1, IMMINENT: 0.95, ANY: 0.2}, thresholds)
    assert imminent.imminent and imminent.items == {"suicide"}
    by_any = decide({"suicide": 0.1, "abuse": 0.1, IMMINENT: 0.95, ANY: 0.3}, thresholds)
    assert by_any.imminent and by_any.items == {"suicide"}
    ruled = decide({"suicide": 0.1, ANY: 0.1}, thresholds, frozenset({"abuse"}), False)
    assert ruled.items == {"abuse"} and not ruled.imminent


def test_imminence_alone_suggests_nothing():
    """Means and a time with no support from the suicide or the any-risk head: imminence qualifies suicide risk."""
    thresholds = {"suicide": 0.9, "abuse": 0.9, IMMINENT: 0.5, ANY: 0.8}
    alone = decide({"suicide": 0.3, "abuse": 0.1, IMMINENT: 0.95, ANY: 0.2}, thresholds)
    assert alone.items == frozenset() and not alone.imminent
    ruled = decide({"suicide": 0.1, ANY: 0.1}, thresholds, frozenset({"suicide"}), True)
    assert ruled.items == {"suicide"} and ruled.imminent


def test_a_rule_is_silenced_by_a_negation_or_its_unless_patterns():
    rule = RiskRule("suicide", re.compile(r"\bbunuh diri\b"), unless=(re.compile(r"\bfilm\b"),))
    detector = RiskDetector([rule], {"ga": ("tidak",)}, None)
    assert detector.items("aku mau bunuh diri") == ["suicide"]
    assert detector.items("ga ada niat bunuh diri") == []
    assert detector.items("film soal bunuh diri") == []


def test_a_cue_only_feeds_the_model():
    cue = RiskRule("suicide", re.compile(r"\bmati\b"), cue=True)
    detector = RiskDetector([cue], {}, None)
    assert detector.items("aku pengen mati") == []
    assert "L:suicide" in detector.featurise("aku pengen mati")[0]
    assert "Ln:suicide" in RiskDetector([cue], {"ga": ("tidak",)}, None).featurise("ga mau mati")[0]


def test_a_tiny_model_scores_as_the_file_says():
    model = parse_model(["@head\tsuicide\t-2.0\t0.5", "@head\tany\t-2.0\t0.5", "w:mati\t0:9.0 1:9.0"], ITEMS)
    assert isinstance(model, LinearModel) and model.heads == ("suicide", "any")
    detector = RiskDetector([], {}, model)
    assert detector.items("mati") == ["suicide"] and detector.items("hidup") == []


def test_a_short_message_is_judged_against_the_short_thresholds():
    """A model may carry thresholds for messages of at most `short_words` words (risk_thresholds.SHORT_SCALE): the
    same score flags a short message and not a longer one."""
    lines = ["@meta\tshort_words\t3", "@head\tsuicide\t-2.0\t0.6\t0.2", "@head\tany\t-2.0\t0.6\t0.2",
             "w:mati\t0:6.0 1:6.0"]
    model = parse_model(lines, ITEMS)
    assert model.short_words == 3 and model.thresholds_for("aku mau mati") == {"suicide": 0.2, "any": 0.2}
    assert model.thresholds_for("aku mau mati aja") == {"suicide": 0.6, "any": 0.6}
    detector = RiskDetector([], {}, model)
    assert 0.3 < detector.detect("aku mau mati aja").scores["suicide"] < detector.detect("aku mau mati").scores["suicide"] < 0.4
    assert detector.items("aku mau mati") == ["suicide"]  # three words: over 0.2
    assert detector.items("aku mau mati aja") == []  # four: under 0.6
    assert parse_model(lines[1:2] + lines[3:], ITEMS).thresholds_for("mati") == {"suicide": 0.6}  # no short_words: none


@pytest.mark.parametrize("lines, problem", [
    (["@head\tnot_an_item\t0\t0.5"], "not a red-flag item"),
    (["@head\tsuicide\t0\t0.5", "w:mati\t0:abc"], "malformed"),
    (["# nothing"], "no heads"),
    (["@meta\tshort_words\t12", "@head\tsuicide\t0\t0.5\t0.4", "@head\tany\t0\t0.5"], "not every head"),
    (["@meta\tshort_words\ttwelve", "@head\tsuicide\t0\t0.5\t0.4"], "not a number of words"),
])
def test_a_broken_model_file_is_refused_with_its_line(lines, problem):
    with pytest.raises(RiskDataError) as err:
        parse_model(lines, ITEMS)
    assert problem in err.value.problem


def test_a_missing_model_file_stops_start_up_naming_it(tmp_path):
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "risk_model.tsv").unlink()
    with pytest.raises(DataError) as err:
        load_all(tmp_path / "data")
    assert "risk_model.tsv" in str(err.value.path) and "train_risk" in err.value.fix


def test_the_weights_kept_after_scoring_are_only_the_models_own_features(data):
    """The detector keeps each weight it has parsed or been asked for, for the next message; a client's own words that
    the model does not know are never among them, however many messages are read (a session lasts hours)."""
    detector = data.phrases.warm()
    weights = detector.model.weights
    for n in range(40):
        found = detector.detect(f"aku mau bunuh diri malam ini zqxv{n}wq, udah siapin tali di kamar qqzr{n}")
        assert "suicide" in found.items and found.evidence
    kept = set(weights._rows)
    assert kept and kept <= set(weights)
    assert not [f for f in kept if "zqxv" in f or "qqzr" in f]
