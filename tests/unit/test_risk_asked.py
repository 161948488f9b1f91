"""The risk detector on what the thirtieth round was about: a counselor's screening question echoed and answered no
("kepikiran bunuh diri? nggak kok"), read as the denial it is (risk_text: a question answered no reads as negated,
unless it asks who or what, or the no goes on into a sentence of its own); a question whose no is the disclosure
("masih mau hidup? nggak"); danger told through a joke that replaces the danger word; and imminence told without a
death word, only the means with a place or a time, beside the same means and times in ordinary life.

Every sentence here was written for this file after the round's training lines and before its model was run on them;
none is in corpus/ or in any held-out set. The round-29 model suggested suicide or self-harm on the first four quiet
lines; the pill organiser is called imminent suicide by the twenty-ninth and the thirty-first round's models.
Marks are for the shipped (thirty-third round's) model."""

from __future__ import annotations

import pytest

from tests.conftest import in_the_corpus, known_false_alarm, known_miss, quiet, suggested
from tests.conftest import risk_case as case

# (kind, item, imminent, text): each must be suggested with its item (and called imminent when marked so)
RISK = [
    case("a no that is the disclosure", "suicide", False, "masih mau hidup? jujur nggak kak",
         marks=known_miss("thirtieth", "nothing suggested: 'nggak' answering 'still want to live' is read, but weighs "
                                       "too little")),
    case("nothing holds them", "suicide", False, "ada yang bikin kamu bertahan? gak ada, udah lama banget",
         marks=known_miss("thirtieth", "nothing suggested: 'nothing makes me hold on' told as the counselor's "
                                       "question and a no")),
    case("not safe tonight, a knife in the bag", "suicide", True, "aku aman malam ini? enggak. pisaunya udah di tas"),
    case("a denial taken back: cut last night", "self_harm", False,
         "pernah nyakitin diri? ga... sebenernya tadi malem aku nyilet lagi"),
    case("not safe at home, locked in", "abuse", False,
         "do I feel safe at home? no. he locked me in again last night",
         marks=known_miss("thirtieth", "abuse scores just under its threshold")),
    case("a choke told as a hug", "abuse", False,
         "pacar gw kalo marah suka 'meluk' leher gw sampe gw gak bisa napas wkwk romantis kan"),
    case("rat poison in a tea for the in-law", "harm_others", False,
         "mertua gw besok gw kasih teh spesial, udah gw campur racun tikus, biar tau rasa wkwk"),
    case("cuts told as a barcode", "self_harm", False, "lengan gw udah kayak barcode lagi wkwk tadi nambah 3 garis pake cutter"),
    case("a gas canister in a sealed room", "suicide", True,
         "Tabung gas sudah saya bawa ke kamar, jendela sudah saya tutup rapat. Maaf merepotkan."),
    case("a bridge at two, do not look for me", "suicide", True, "jam 2 nanti aku ke jembatan yang biasa. ga usah dicari"),
    case("a month of pills piled up for tonight", "suicide", True,
         "obat dari psikiater sebulan udah aku tumpuk di meja, malam ini semuanya"),
    case("a rope ready in the shed tonight, Javanese", "suicide", True, "tali wis tak siapke ning gudang, mengko bengi"),
]

# screening questions echoed and answered no, and the same means, times and jokes in ordinary life: each stays quiet
QUIET = [
    # suggested by the twenty-ninth round's model (suicide, self-harm, psychosis, suicide), quiet since the thirtieth
    "kepikiran bunuh diri? enggak kok kak, cuma lagi sumpek sama kerjaan",
    "pengen nyakitin diri sendiri? nggak pernah kak",
    "denger bisikan? nggak ada, aku cuma susah tidur",
    "Apakah saya punya rencana mengakhiri hidup? Tidak, Bu.",
    # quiet on both models
    "pengen mukul suami? nggak lah kak, cuma kesel dia lupa jemput",
    "mabuk sekarang? nope, cuma ngantuk",
    "jam 2 nanti aku ke jembatan yang biasa, mau mancing sama bapak",
    "leher gw pegel bgt abis tidur di bis, kayak abis dicekik deadline wkwk",
    pytest.param("tangan gw kayak barcode abis dicakar kucing pas mandiin dia",
                 marks=known_miss("thirty-sixth", "self-harm: 'like a barcode' now reads as rows of cuts, though the cat "
                                                  "that scratched is named (quiet from the thirtieth round to the "
                                                  "thirty-fifth)")),
    "bos minta kopi lagi, pengen gw kasih garem sekilo biar kapok wkwk",
]

STILL_FLAGGED = [
    # called imminent suicide by the twenty-ninth and thirty-first rounds' models, quiet since the thirty-second
    "obat dari psikiater udah aku susun di kotak harian, biar nggak lupa minum",
    pytest.param("Tabung gas baru sudah saya pasang di dapur, jendela saya buka biar nggak bau.",
                 marks=known_false_alarm("thirtieth", "suicide, imminent: a new gas canister and a window read as the "
                                                      "sealed room")),
]


def test_no_test_sentence_is_in_the_corpus_or_a_held_out_set(corpus_texts):
    cases = RISK + QUIET + STILL_FLAGGED
    assert len(cases) == 24 and not in_the_corpus(corpus_texts, cases)


@pytest.mark.parametrize("kind, item, imminent, text", RISK)
def test_questions_answered_with_danger_jokes_and_quiet_imminence_are_suggested(data, kind, item, imminent, text):
    suggested(data, text, item, imminent, kind)


@pytest.mark.parametrize("text", QUIET + STILL_FLAGGED)
def test_echoed_questions_answered_no_and_ordinary_means_stay_quiet(data, text):
    quiet(data, text)


# A screening question the client reports and answers no ("kalau ditanya ..., jawabanku nggak"): the lexicon rules
# leave it alone (an `unless` of data/phrases.toml's suicide and self-harm rules, since the thirty-fifth round); the
# same question answered yes, left open, or answered "I don't know" still fires them
REPORTED_NO = [
    "kalo ditanya aku pengen mati apa nggak, jawabanku nggak kok",
    "klo kakak nanya aku masih nyayat tangan apa nggak, jawabannya nggak kak",
    "kalau ditanya aku mau bunuh diri atau tidak: tidak, sama sekali",
]
REPORTED_NOT_NO = [
    "kalo ditanya aku pengen mati apa nggak, ya pengen lah",
    "kalo ditanya kenapa aku pengen mati, aku juga ga tau",
]


@pytest.mark.parametrize("text", REPORTED_NO)
def test_a_reported_screening_question_answered_no_fires_no_rule(data, text):
    assert data.phrases.warm().ruled(text) == (frozenset(), False)


@pytest.mark.parametrize("text", REPORTED_NOT_NO)
def test_the_same_question_answered_otherwise_still_fires_the_rule(data, text):
    assert "suicide" in data.phrases.warm().ruled(text)[0]
