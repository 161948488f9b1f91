"""Words written around a filter (masked, spaced out, digits for letters) are read as the words they stand for,
the highlight still covers what the client typed, and ordinary text with digits, signs or single letters reads
exactly as before."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curhat_tui.domain.risk_text import parse_slang, tokenize
from curhat_tui.domain.risk_unmask import decode, unmasked


def words(text: str, slang) -> list[str]:
    return [t.text for t in tokenize(text, slang)]


@pytest.mark.parametrize("typed, read", [
    ("aku mau b*nuh d*ri", ["aku", "mau", "bunuh", "diri"]),
    ("pengen su1c1de", ["ingin", "bunuh", "diri"]),
    ("i want to k!ll mys3lf", ["aku", "ingin", "bunuh", "diri"]),
    ("mau b u n u h  d i r i", ["mau", "bunuh", "diri"]),
    ("mau b u n u h d i r i", ["mau", "bunuh", "diri"]),
    ("m.a.t.i aja", ["mati", "saja"]),
    ("mau b*n*h d*r*", ["mau", "bunuh", "diri"]),  # a mask at the end is the last letter
    ("*b*nuh* d*ri", ["bunuh", "diri"]),  # masks around a word are emphasis
    ("mau b_nuh d_ri", ["mau", "bunuh", "diri"]),
    ("mau m?ti", ["mau", "mati"]),
    ("mau bu-nuh di-ri", ["mau", "bunuh", "diri"]),  # a word broken in two
    ("m/a/t/i aja", ["mati", "saja"]),
    ("mau b*nuuuh d*riii", ["mau", "bunuh", "diri"]),
    ("beli 💊🔪💊", ["beli", "obat", "pisau"]),  # a run of emoji is one word: each sign's word once
    ("udh beli r@cun", ["sudah", "beli", "racun"]),
    ("udah nyiapin t4li", ["sudah", "siapkan", "tali"]),
    ("nyiapin 💊 banyak", ["siapkan", "obat", "banyak"]),
])
def test_masked_spaced_and_digit_written_words_read_as_the_word(slang, typed, read):
    assert words(typed, slang) == read


@pytest.mark.parametrize("text", [
    "15mg tiap hari kak, covid19 kemarin",
    "*sigh* capek bgt",
    "jam 3 sore di lt 2, a.n. budi",
    "skor 3-1, rank 1 wkwk",
    "email ke ani@kantor.id ya",
    "wow!!!keren bgt",
    "makasih kak! @ani #stres",
    "PIN 0 8 4 7 jangan kasih siapa2",  # mostly digits: not a word spelt out
    "*lagi sakit* akhir* bulan, di* rumah, *ati ati",  # a star at a plain word's edge: emphasis, a footnote, a fix
    "beli 5kg beras, km5 jalan, juara 3nd",  # units and orders
    "anak-anak main",
    "p u k u l a n  dia kenceng",  # pukul + an: an affix is never a piece
])
def test_ordinary_digits_signs_and_letters_read_as_before(slang, text):
    assert unmasked(text.lower(), slang) == []  # nothing read back: the tokens are the ones before this round


def test_the_highlight_covers_the_masked_word_as_typed(slang):
    text = "aku mau b*nuh d*ri"
    spans = {t.text: text[t.start:t.end] for t in tokenize(text, slang)}
    assert spans["bunuh"] == "b*nuh" and spans["diri"] == "d*ri"
    text = "mau b u n u h  d i r i"  # cut at the wider gap: one span per word
    spans = {t.text: text[t.start:t.end] for t in tokenize(text, slang)}
    assert spans["bunuh"] == "b u n u h" and spans["diri"] == "d i r i"
    text = "mau m a t i aja"
    spans = {t.text: text[t.start:t.end] for t in tokenize(text, slang)}
    assert spans["mati"] == "m a t i" and spans["saja"] == "aja"


def test_a_masked_censored_swear_word_is_the_swear_word_not_a_risk_word(slang):
    assert words("b*ngsat emang", slang) == ["bangsat", "emang"]
    assert words("anj*ng lah", slang)[0] == "anjing"


def test_a_mask_that_fits_no_known_word_or_several_stays_as_typed():
    slang = parse_slang(["*\tmati", "mata\tmata", "kata\tkata"])
    assert decode("m*ti", slang.known) == "mati"  # the masked word is preferred
    assert decode("*ata", slang.known) is None  # mata or kata: no masked word fits, so no guess
    assert decode("x*yz", slang.known) is None
    assert words("x*yz", slang) == ["x", "yz"]


def test_star_lines_are_masked_words_not_a_variant():
    slang = parse_slang(["*\tbunuh diri", "bgt\tbanget"])
    assert slang.masked == ("bunuh", "diri") and "*" not in slang and slang["bgt"] == ("banget",)


@given(st.text(alphabet=st.sampled_from(list("abcdimnrtu 1340*@!.-_#")), max_size=60))
def test_any_text_tokenises_with_spans_inside_it(text):
    slang = parse_slang(["*\tbunuh diri mati", "aku\taku"])
    previous = -1
    for tok in tokenize(text, slang):
        assert 0 <= tok.start < tok.end <= len(text) and tok.start >= previous
        previous = tok.start
