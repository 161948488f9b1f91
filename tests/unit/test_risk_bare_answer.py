"""A bare answer (session 42): a yes with nothing after it but words that say how much, when, how surely or to whom
("iya sedikit", "pernah mas", "udah barusan"). The answer reading reads the counselor's question as the client's
statement with the answer on a line after it; those few words only thinned what the client confirmed (each feature
block weighs as one vector of unit length), so "Apakah kamu sedang mabuk saat ini?" then "iya sedikit" was missed
though "aku sedang mabuk saat ini" alone is suggested. When the two read together suggest nothing and the answer is
bare, the statement is read alone (risk_answer.bare, RiskDetector._answer). An answer with words of its own ("ada,
lagi hajatan", "udah kak, move on") is read with them, as before: they may say why all is well.

The exchanges here were written for this file in session 42 and are in no corpus set."""

from __future__ import annotations

import pytest

from curhat_tui.domain.risk_answer import YES, bare, polarity
from curhat_tui.domain.risk_text import tokenize

# (kind, counselor's message, client's reply, item)
DISCLOSED = [
    ("drunk now, a little", "Apakah kamu sedang mabuk saat ini?", "iya sedikit", "substance"),
    ("hurt oneself, ever", "Mas, pernah nyakitin diri sendiri kalau lagi sedih?", "pernah mas", "self_harm"),
]

# (kind, counselor's message, client's reply)
QUIET = [
    ("medicine for a cold", "Kamu udah minum obat flu?", "udah barusan"),
    ("on the roof for the laundry", "Kamu sedang di atap jemur baju?", "iya sedikit lagi"),
    ("a letter for a job", "Surat lamaran kerja udah kamu tulis?", "udah kak semalam"),
    ("coffee", "Kamu lagi minum kopi?", "iya nih"),
]


def test_no_exchange_here_is_in_the_corpus(corpus_exchanges):
    assert not [case for case in DISCLOSED + QUIET if (case[1].lower(), case[2].lower()) in corpus_exchanges]


@pytest.mark.parametrize("kind, asked, reply, item", DISCLOSED, ids=[c[0] for c in DISCLOSED])
def test_a_bare_yes_to_a_screening_question_is_the_disclosure(data, kind, asked, reply, item):
    assert data.phrases.items(reply) == []  # alone it says nothing
    found = data.phrases.answer(asked, reply)
    assert item in found.items, (kind, found.items, found.scores)
    assert found.evidence and all(0 <= hit.start < hit.end <= len(reply) for hit in found.evidence)


@pytest.mark.parametrize("kind, asked, reply", QUIET, ids=[c[0] for c in QUIET])
def test_a_bare_yes_to_an_everyday_question_suggests_nothing(data, kind, asked, reply):
    found = data.phrases.answer(asked, reply)
    assert found.items == () and not found.imminent, (kind, found.items, found.scores)


@pytest.mark.parametrize("reply, expected", [
    ("iya sedikit", True), ("pernah mas", True), ("udah kak tadi", True), ("yeah a bit", True), ("iya banget", True),
    ("ada, lagi hajatan", False), ("udah kak, move on", False), ("iya tapi udah lama", False), ("udah, di lemari", False),
])
def test_which_answers_are_bare(slang, reply, expected):
    tokens = tokenize(reply, slang)
    answered, at = polarity(tokens)
    assert answered == YES and at is not None
    assert bare(tokens, at) is expected
