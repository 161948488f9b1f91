"""Red team: a risk statement written the way social media teaches people to get past a filter. Masked letters,
letters spaced out or dotted, digits and signs for letters: a counselor reads "aku mau b*nuh d*ri malam ini" at a
glance, and until the twelfth round the detector suggested nothing for it and called nothing imminent, so the
client did not move up the queue. Each disguise must read like the plain statement, and a censored swear word,
the puzzle or a vitamin must not become a risk."""

from __future__ import annotations

import pytest

PLAINS = {
    "id": "aku mau bunuh diri malam ini",
    "en": "i am going to kill myself tonight",
}
DISGUISED = {
    "id: asterisks": ("id", "aku mau b*nuh d*ri malam ini"),
    "id: two masks in a word": ("id", "aku mau b*n*h d*r* malam ini"),
    "id: spaced letters": ("id", "aku mau b u n u h  d i r i malam ini"),
    "id: dotted letters": ("id", "aku mau b.u.n.u.h d.i.r.i malam ini"),
    "id: hyphenated letters": ("id", "aku mau b-u-n-u-h d-i-r-i malam ini"),
    "id: digits for letters": ("id", "aku mau bun*h d1r1 malam ini"),
    "id: english word in digits": ("id", "aku mau su1c1de malam ini"),
    "en: signs and digits": ("en", "i am going to k!ll mys3lf tonight"),
    "en: asterisks": ("en", "i am going to k*ll mys*lf tonight"),
    "id: other masks": ("id", "aku mau b_nuh d?ri malam ini"),
    "id: words broken": ("id", "aku mau bu-nuh di.ri malam ini"),
    "id: slashes between letters": ("id", "aku mau b/u/n/u/h d/i/r/i malam ini"),
    "id: accents": ("id", "aku mau bünüh dïri malam ini"),
    "id: cyrillic look-alikes": ("id", "aku mau bunuh dіri mаlаm ini"),
    "en: greek look-alikes": ("en", "i am going to kill mysεlf tοnight"),
    "en: small capitals": ("en", "i am going to ᴋɪʟʟ ᴍʏꜱᴇʟꜰ tonight"),
}


@pytest.mark.parametrize("kind", sorted(DISGUISED))
def test_a_statement_written_around_a_filter_reads_like_the_plain_one(data, kind):
    lang, text = DISGUISED[kind]
    plain = data.phrases.detect(PLAINS[lang])
    assert plain.items, "the plain statement is suggested"
    disguised = data.phrases.detect(text)
    assert list(disguised.items) == list(plain.items) and disguised.imminent == plain.imminent, (kind, disguised)
    assert disguised.evidence and all(text[h.start:h.end].strip() for h in disguised.evidence)


@pytest.mark.parametrize("text", [
    "b*ngsat, kalah lagi di ranked gara2 lag",
    "lagi ngisi sudoku di kereta biar ga bosen",
    "minum 💊 vitamin c tiap pagi sesuai saran dokter",
    "k e r e n  b a n g e t konsernya semalem",
])
def test_masked_swearing_the_puzzle_and_ordinary_emoji_stay_quiet(data, text):
    assert not data.phrases.detect(text).items, text
