"""How the risk detector reads chat: lowercase, elongations, slang to one canonical form, negation scope,
and tokens that still point at the words the client typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curhat_tui.domain.risk_text import LAUGH, NUMBER, features, lower_keep_length, parse_slang, tokenize


def words(text: str, slang) -> list[str]:
    return [t.text for t in tokenize(text, slang)]


@pytest.mark.parametrize("typed, canonical", [
    ("gw pgn mati aja", ["aku", "ingin", "mati", "saja"]),
    ("Aku PENGEEEN matiii", ["aku", "ingin", "mati"]),
    ("udh ga kuat", ["sudah", "tidak", "kuat"]),
    ("gpp kok", ["tidak", "apa", "apa", "kok"]),
    ("bokapku mukulin aku", ["ayahku", "pukul", "aku"]),
    ("hari2 gue suram", ["hari", "aku", "suram"]),
    ("aku wis ora kuat urip", ["aku", "sudah", "tidak", "kuat", "hidup"]),
    ("abdi hoyong paeh", ["aku", "ingin", "mati"]),
    ("i want to kill myself", ["aku", "ingin", "bunuh", "diri"]),
    ("kms", ["bunuh", "diri"]),
    ("wkwkwk", [LAUGH]),
    ("minum 20 pil", ["minum", NUMBER, "obat"]),
])
def test_chat_spellings_become_one_canonical_form(slang, typed, canonical):
    assert words(typed, slang) == canonical


def test_tokens_point_into_the_text_the_client_typed(slang):
    text = "Kak... aku PENGEEEN mati, bgt"
    for tok in tokenize(text, slang):
        assert text[tok.start:tok.end].strip()  # every token covers what was typed, in the original spelling
    spans = {tok.text: text[tok.start:tok.end] for tok in tokenize(text, slang)}
    assert spans["ingin"] == "PENGEEEN" and spans["banget"] == "bgt"


def test_a_negation_covers_the_words_after_it_until_the_clause_ends(slang):
    toks = tokenize("ga ada niat buat bunuh diri, cuma capek", slang)
    negated = {t.text for t in toks if t.neg}
    assert {"niat", "bunuh", "diri"} <= negated and "capek" not in negated and "tidak" not in negated
    assert "n:bunuh" in features(toks)[0]


def negated(text: str, slang) -> set[str]:
    return {t.text for t in tokenize(text, slang) if t.neg}


@pytest.mark.parametrize("text, kept, still", [
    ("gak pantes hidup dan harus gantung diri malam ini", {"gantung", "diri", "malam"}, {"pantes", "hidup"}),
    ("ga boleh nangis and must end it tonight", {"end", "it"}, {"nangis"}),
    ("nggak mau dan nggak harus mati", set(), {"harus", "mati"}),  # a second negation covers the order again
    ("gak harus mati kok", set(), {"harus", "mati"}),  # an order negated itself stays negated
])
def test_an_order_joined_by_and_is_a_clause_the_negation_before_it_does_not_reach(slang, text, kept, still):
    got = negated(text, slang)
    assert not kept & got and still <= got


@pytest.mark.parametrize("text, read_as_no", [
    ("kepikiran bunuh diri? nggak sih kak", {"pikir", "bunuh", "diri"}),  # the counselor's question echoed, then no
    ("ngelukain diri? ga pernah", {"lukai", "diri"}),
    ("mau mengakhiri hidup? tidak, saya masih punya anak", {"akhiri", "hidup"}),
    ("hmm suicidal thoughts? nope", {"bunuh", "diri"}),
    ("masih pengen hidup? nggak", {"ingin", "hidup"}),  # a no that is the disclosure: "nggak pengen hidup"
    ("ada alasan buat bertahan? ga ada lagi", {"alasan", "bertahan"}),
])
def test_a_question_answered_no_reads_as_negated(slang, text, read_as_no):
    assert read_as_no <= negated(text, slang)


@pytest.mark.parametrize("text, kept", [
    ("siapa yang bakal sedih kalau aku mati? ga ada", "mati"),  # the no answers who: nobody would be sad
    ("apa gunanya hidup? gak ada", "hidup"),
    ("pengen mati? ga tau deh", "mati"),  # not sure is not a no
    ("is it normal to skip every class? nothing feels like anything anymore", "class"),  # a sentence, not an answer
    ("itu salah ga? jangan lapor ya, aku udah beli tali", "beli"),  # "don't" is no answer
    ("aku udah beli tali, kamu tanya aku takut? nggak", "beli"),  # only the question's own clause
    ("mau mati. nggak ada yang peduli", "mati"),  # no question mark, no question
])
def test_a_no_after_other_questions_or_none_negates_nothing_before_it(slang, text, kept):
    assert kept not in negated(text, slang)


def test_no_word_pair_reaches_across_a_sentence(slang):
    grams = features(tokenize("aku capek. mati lampu lagi", slang))[0]
    assert "b:capek_mati" not in grams and "b:mati_lampu" in grams


def test_the_dictionary_file_reads_comments_drops_and_multiword_forms():
    parsed = parse_slang(["# a comment", "gpp\ttidak apa apa  # trailing", "the\t-", "", "bgt\tbanget"])
    assert parsed == {"gpp": ("tidak", "apa", "apa"), "the": ("-",), "bgt": ("banget",)}
    assert [t.text for t in tokenize("the gpp bgt", parsed)] == ["tidak", "apa", "apa", "banget"]


@given(st.text(max_size=200))
def test_lowercasing_keeps_every_index(text):
    assert len(lower_keep_length(text)) == len(text)


@given(st.text(max_size=300))
def test_any_text_tokenizes_into_spans_inside_it(text):
    for tok in tokenize(text, {"gw": ("aku",), "gpp": ("tidak", "apa", "apa")}):
        assert 0 <= tok.start < tok.end <= len(text)


def test_javanese_tak_before_a_verb_is_i_not_a_negation(slang):
    # "tak siapke" (I have prepared it), "dak pateni" (I'll kill him): the Javanese "I" prefix of a verb
    assert [(t.text, t.neg) for t in tokenize("wis tak siapke talinya", slang)][:3] == [
        ("sudah", False), ("aku", False), ("siapkan", False)]
    assert words("dak pateni wong iku", slang)[:2] == ["aku", "bunuh"]
    # the Indonesian "tak" before a modal or an adjective still negates what follows
    negated = tokenize("aku tak ingin bangun lagi", slang)
    assert negated[1].text == "tidak" and negated[2].neg
    assert words("tak bisa tidur", slang)[0] == "tidak"
