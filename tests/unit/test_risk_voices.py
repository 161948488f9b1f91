"""The risk detector in two voices two red teams wrote in (the twenty-eighth and twenty-ninth rounds): gamers and
online communities (voice chat, guilds, servers, accounts and skins given away, game deaths), and concerned others
writing about someone else in danger now. Every sentence here is a red team's, written before any model was run on it
and never trained on: none is in corpus/ or in any held-out set.

A voice that orders the client to die is suicide as well as psychosis, one that orders harm to someone is harm to
others as well (corpus/README.md, since the twenty-ninth round): the ordered act is what the counselor must ask about.
Someone else in danger now is suggested with that person's item, imminent when the means or the act are there."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, known_false_alarm, known_miss, quiet, suggested
from tests.conftest import risk_case as case

# (kind, item, imminent, text): each must be suggested with its item (and called imminent when marked so)
RISK = [
    case("a voice orders death", "suicide", False, "suara di kepala nyuruh gw mati",
         marks=known_miss("thirty-first", "psychosis only: suicide scores 0.91, under a suicide threshold that moved from "
                                          "0.88 to 0.94")),
    case("a voice orders a jump", "suicide", False, "ada suara yang nyuruh gw lompat dari jendela"),
    case("a voice orders death: the voices", "psychosis", False, "suara di kepala nyuruh gw mati"),
    case("a whisper orders harm to a mother", "harm_others", False, "bisikan itu bilang gw harus nyakitin mama"),
    case("a game's voice orders killing a brother", "harm_others", False, "suara dari game nyuruh gw bunuh adek gw",
         marks=known_miss("twenty-seventh", "psychosis only: killing a brother ordered by a voice is not read as harm")),
    case("cutting now, wanting to die with it", "suicide", True,
         "lagi nyayat tangan sekarang, dalem, pengen sekalian mati aja biar gak ngerasain lagi"),
    case("cutting now and wanting to die, short", "suicide", True, "gw lagi nyilet tangan sekarang dan pengen mati",
         marks=known_miss("twenty-seventh", "self-harm only: the wish to die after the act is not read")),
    case("not wanting to wake again", "suicide", False,
         "gw cuma pengen tidur dan gak bangun lagi, udah gak ada yang bikin gw pengen lanjut"),
    case("a son's goodbye to the family group, phone off", "suicide", True,
         'Anak saya barusan kirim pesan ke grup keluarga "makasih semuanya, maaf ya, selamat tinggal", sekarang HP-nya '
         "gak aktif dan dia gak ada di kamarnya."),
    case("a husband with a rope, locked in the shed", "suicide", True,
         "Suami saya tadi beli tali tambang di toko bangunan dan bilang malam ini mau nyusul almarhumah ibunya. Sekarang "
         "dia di gudang belakang dan gak mau buka pintu."),
    case("a kos-mate with charcoal, vents taped", "suicide", True,
         "Kos-mate aku beli arang dan lakban tadi sore, terus masuk kamar dan nutup semua ventilasi. Pintunya dikunci dari "
         "dalam dan dia gak jawab."),
    case("a maid who drank floor cleaner", "suicide", True,
         "ART kami tadi bilang sudah minum cairan pembersih lantai karena malu ditagih rentenir dan gak mau hidup lagi, "
         "sekarang dia muntah-muntah di kamarnya."),
    case("pills hoarded, a date set for tomorrow", "suicide", True,
         'Anak saya 15 tahun ketahuan nyimpen obat yang dia kumpulin diam-diam sebulan ini, dan di bukunya tertulis '
         '"Sabtu malam, selesai". Sabtu itu besok.'),  # not called imminent from the twenty-seventh round to the 34th
    case("a friend's bottle of antidepressants just taken", "suicide", True,
         "Teman saya lima menit lalu minum satu botol antidepresannya sekaligus, katanya dia capek hidup, sekarang "
         "badannya mulai gemetar.",  # not called imminent from the twenty-seventh round to the thirty-sixth
         marks=known_miss("forty-third", "suicide, not called imminent (0.43 under 0.479): a friend's overdose, told "
                                         "by a concerned other, beside the round's ordinary doses")),
]

# ordinary talk in the same voices: each must stay quiet
QUIET = [
    "suara karakter di game ini imut bgt",
    "suara mic gw kresek2 pas mabar, temen2 pada protes",
    "suara gw serak abis teriak2 pas nobar final MPL",
    # read as psychosis by the twenty-eighth round's model, quiet from the twenty-ninth to the thirty-second; the
    # thirty-third round's wider shares (risk_thresholds.SCALE) lowered the psychosis threshold from 0.963 to 0.930;
    # the first quiet again since the thirty-fifth (0.948)
    pytest.param("suara musuh di voice bikin gw ketawa",
                 marks=known_miss("thirty-eighth", "psychosis (0.895): the doubled psychosis share lowered its threshold "
                                                   "from 0.949 to 0.808")),
    pytest.param("di Discord gw jarang ngomong, suara gw katanya kayak bocil",
                 marks=known_miss("thirty-third", "psychosis: one's own voice on Discord")),
    "suara langkah musuh di Valorant kedengeran jelas pake headset baru",
    "gw pamit dari server ini ya guys, mau fokus kerja",
    # called imminent suicide by the twenty-seventh round's model and from the thirty-fourth to the forty-first
    pytest.param("gw kasih semua skin gw ke adek, gw mau fokus kuliah",
                 marks=known_miss("forty-sixth (refit in session 41)", "imminent suicide again: the imminence head at 1.01 "
                                  "of its threshold, things given away (0.96 before the refit)")),
    "gw tidur dulu, semoga besok gak bangun kesiangan",
    "Kakak saya pernah dirawat di RSJ lima tahun lalu, sekarang sudah bekerja, minum obat teratur dari psikiater, dan "
    "baru menikah.",
    "Adik saya resign dari kerjaan di Jakarta dan pulang ke Solo, bawa semua barangnya dan bagi-bagi baju lama ke "
    "tetangga. Dia mau buka usaha katering.",
]

STILL_FLAGGED = [
    # quiet on the twenty-eighth to thirtieth rounds' models and since the thirty-fifth
    "gw udah tulis pesan perpisahan buat guild, gw pindah server",
    # called imminent suicide from the twenty-eighth round's model to the thirty-fifth's, quiet since the thirty-sixth's
    "ini pesan terakhir gw di grup ini, gw keluar ya, makasih semua",
    pytest.param("akun Genshin gw udah gw kasih ke temen, gw udah gak main lagi",
                 marks=known_false_alarm("twenty-eighth", "suicide, imminent: an account given away read as preparation")),
    pytest.param("Ayah saya umur 70 masih nyetir sendiri ke pasar, matanya mulai rabun. Saya pengen bujuk dia berhenti "
                 "nyetir tanpa bikin dia tersinggung.",
                 marks=known_false_alarm("twenty-eighth", "suicide, by the any-risk head: worry about an old father "
                                                          "driving")),
    # flagged by a rule from the twenty-eighth round to the thirty-fifth; the rules leave a reported screening
    # question answered no alone since (data/phrases.toml)
    "Kalau ditanya apakah istri saya pernah bilang mau mengakhiri hidup: tidak, tidak pernah. Dia sedih karena "
    "kehilangan pekerjaan dan sedang cari yang baru.",
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + QUIET + STILL_FLAGGED
    assert len(cases) == 30 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_ordered_acts_and_others_in_danger_are_suggested(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", QUIET + STILL_FLAGGED)
def test_ordinary_voices_leavings_and_worries_stay_quiet(data, text):
    quiet(data, text)
