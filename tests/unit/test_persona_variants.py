"""The new personas of data/personas/*.toml in the persona engine: each one opens up to a trainee who builds
rapport and then asks directly about its hidden item, and none of them discloses to a leading, shaming question
asked straight away. Guards the content (probes, openness, deny lines) as the engine reads it."""

from __future__ import annotations

import pytest

from curhat_tui.config.datafiles import load_all
from curhat_tui.domain.persona import respond
from curhat_tui.domain.persona_model import PersonaState
from tests.unit.test_persona_content import DIRECT, DIRECT_EN, NEW

DATA = load_all()
RAPPORT = {
    "id": ["boleh ceritakan lebih banyak tentang apa yang sedang kamu alami?", "kedengarannya ini berat sekali buat kamu",
           "kamu sudah berusaha bertahan sendirian selama ini", "apa yang paling mengganggumu akhir-akhir ini?"],
    "en": ["can you tell me more about what's been going on?", "it sounds like this has been really heavy for you",
           "you've been holding this on your own for a while", "what has been bothering you most lately?"],
}
LEADING = {
    "suicide": "kamu nggak kepikiran bunuh diri kan? jangan aneh-aneh ya",
    "self_harm": "kamu nggak nyakitin diri sendiri kan? jangan aneh-aneh ya",
    "harm_others": "kamu nggak kepikiran nyakitin orang kan? jangan aneh-aneh ya",
    "abuse": "di rumah aman-aman aja kan? nggak ada yang mukul kan?",
    "psychosis": "kamu nggak dengar suara-suara aneh kan? jangan aneh-aneh ya",
    "severe_depression": "you're not depressed or anything, right?",
    "panic_trauma": "kamu nggak panik kan? jangan lebay ya",
    "substance": "kamu nggak minum-minum atau make obat kan? jangan aneh-aneh ya",
}
IDS = [p["id"] for _, p in NEW]


@pytest.mark.parametrize("pid", IDS)
def test_rapport_then_a_direct_question_earns_the_disclosure(pid):
    persona = DATA.personas[pid]
    questions = (DIRECT_EN if persona.lang == "en" else DIRECT).get(persona.hidden_flag, DIRECT[persona.hidden_flag])
    for question in questions:
        state = PersonaState()
        revealed = [respond(persona, state, line).revealed_flag for line in (*RAPPORT[persona.lang], question)]
        assert persona.hidden_flag in revealed, (pid, question)
        assert state.risk_revealed


@pytest.mark.parametrize("pid", IDS)
def test_a_leading_question_straight_away_gets_a_denial_not_the_disclosure(pid):
    persona = DATA.personas[pid]
    state = PersonaState()
    reply = respond(persona, state, LEADING[persona.hidden_flag])
    assert not reply.revealed_flag and not state.risk_revealed, (pid, reply.text)
    assert reply.text in persona.deny or reply.text == persona.risk_no, (pid, reply.text)
    assert reply.text != persona.risk.reveal
