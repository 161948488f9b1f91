"""The persona engine answers the counselling (issue 15): scripted trainees through `respond`.

Disclosure needs rapport and a real, non-leading question; a leading or shaming question is denied; probe
words in advice unlock nothing; validation is never judgement; replies follow the topic asked; after the
disclosure every persona answers the assessment questions from its own lines, as its truth says.
"""

from __future__ import annotations

import pytest

from curhat_tui.config.datafiles import load_all
from curhat_tui.domain.coding import Code, code_utterance, risk_question
from curhat_tui.domain.persona import (
    ANSWER_KEYS,
    DIFFICULTIES,
    SCREENER_KEYS,
    PersonaState,
    keep_verbatim,
    locked_lines,
    respond,
    screener_truth,
    unlocked_lines,
)

REFLECT = "Kedengarannya kamu capek banget, tapi tetap berusaha bertahan demi keluarga."
OPEN = "Apa yang paling berat buat kamu akhir-akhir ini?"
SUICIDE_QUESTION = "Apakah kamu pernah kepikiran untuk bunuh diri?"
SHAMING = "Kamu nggak kepikiran bunuh diri kan? Jangan aneh-aneh ya."

# one canonical wording per assessment question (tests/unit/test_persona_ask.py checks others)
ASK = {
    "q1": "Dalam sebulan terakhir, apakah kamu pernah berharap sudah mati atau tidur dan tidak bangun lagi?",
    "q2": "Apakah kamu benar-benar pernah berpikir untuk membunuh dirimu sendiri?",
    "q3": "Apakah kamu sudah memikirkan caranya?",
    "q4": "Apakah kamu punya niat untuk melakukannya?",
    "q5": "Apakah kamu sudah mulai memikirkan detailnya?",
    "q6": "Apakah kamu pernah melakukan atau menyiapkan sesuatu untuk mengakhiri hidupmu?",
    "q6b": "Apakah itu terjadi dalam tiga bulan terakhir?",
    "plan": "Kamu sudah punya rencana?",
    "means": "Kamu punya akses ke obat atau barang yang bisa dipakai?",
    "whereabouts": "Sekarang kamu lagi di mana?",
    "companions": "Siapa yang bisa nemenin kamu malam ini?",
    "protective": "Apa yang bikin kamu masih bertahan sampai sekarang?",
    "warning_signs": "Biasanya ada tanda-tanda apa sebelum semuanya memburuk?",
    "coping": "Apa yang bisa kamu lakukan sendiri untuk menenangkan diri?",
    "distraction": "Ada tempat atau orang yang bikin kamu tenang, buat mengalihkan pikiran?",
    "help_people": "Siapa orang yang bisa kamu hubungi kalau butuh bantuan?",
    "professionals": "Kamu tahu layanan psikolog atau puskesmas di dekatmu?",
    "means_safety": "Gimana kalau barang atau obat itu dititipkan ke orang lain dulu biar lebih aman?",
    "referral_yes": "Kamu mau nggak kalau aku bantu hubungkan ke psikolog?",
}
assert set(ASK) == set(ANSWER_KEYS)

PERSONAS = load_all().personas  # every persona, content's files included


def listened_to(persona, level=DIFFICULTIES["normal"], turns: int = 2) -> PersonaState:
    state = PersonaState()
    for _ in range(turns):
        respond(persona, state, REFLECT, level)
        respond(persona, state, OPEN, level)
    return state


def test_a_skilled_trainee_earns_the_reveal_then_assesses_and_plans_for_safety(data):
    bayu = data.personas["bayu"]
    state = PersonaState()
    for line in (OPEN, REFLECT, "Kamu sudah berjuang sendirian selama ini, itu butuh kekuatan."):
        assert not respond(bayu, state, line).revealed_flag
    reveal = respond(bayu, state, SUICIDE_QUESTION)
    assert reveal.revealed_flag == "suicide" and reveal.text == bayu.risk.reveal
    assert reveal.more and reveal.more[0] in bayu.upset  # an upset client writes again right after
    truth = screener_truth(bayu)
    assert truth == {"q1": True, "q2": True, "q3": True, "q4": False, "q5": False, "q6": True, "q6b": True}
    for key in SCREENER_KEYS:
        reply = respond(bayu, state, ASK[key])
        assert (reply.answered, reply.text) == (key, bayu.answers[key]), key
    assert "iya" in bayu.answers["q2"] and "nggak" in bayu.answers["q4"]  # the lines say what the truth says
    for key in ("plan", "means", "whereabouts", "companions", "protective", "warning_signs", "coping",
                "distraction", "help_people", "professionals", "means_safety", "referral_yes"):
        reply = respond(bayu, state, ASK[key])
        assert (reply.answered, reply.text) == (key, bayu.answers[key]), key
    assert bayu.truth.referral == "hesitant" and "ga tau" in bayu.answers["referral_yes"]
    assert state.asked[:len(SCREENER_KEYS)] == list(SCREENER_KEYS)


def test_casual_and_english_wordings_are_recognised_after_the_reveal(data):
    bayu = data.personas["bayu"]
    state = listened_to(bayu)
    respond(bayu, state, SUICIDE_QUESTION)
    assert state.risk_revealed
    for text, key in [("kamu sempet mikir bunuh diri?", "q2"), ("ada kepikiran pengen mati aja?", "q1"),
                      ("udah kepikiran caranya belum?", "q3"), ("Have you wished you were dead?", "q1"),
                      ("Do you have a plan?", "plan"), ("Where are you right now?", "whereabouts"),
                      ("Who could be with you tonight?", "companions"), ("kamu lagi sendirian sekarang?", "companions"),
                      ("Itu kejadiannya dalam 3 bulan terakhir?", "q6b")]:
        assert respond(bayu, state, text).answered == key, text


def test_a_leading_shaming_trainee_gets_a_denial_and_no_reveal(data):
    bayu = data.personas["bayu"]
    state = PersonaState()
    for line in ["Kamu kerja di mana?", "Kamu sudah makan?", "Kamu tinggal sendiri?", "Kamu masih ngojol?",
                 "Kamu punya pacar?", "Kamu sudah bilang ortu?", "Kamu tidur cukup?", "Kamu mau cerita?",
                 "Kamu harus lebih semangat dong.", "Coba cari kerja lain aja.", "Kamu terlalu baper sih."]:
        respond(bayu, state, line)
    assert risk_question(SHAMING) == "leading"
    reply = respond(bayu, state, SHAMING)
    assert reply.text in bayu.deny and reply.answered == "deny" and not reply.revealed_flag
    assert not state.risk_revealed and state.denied == 1
    shamed = respond(bayu, state, "Bunuh diri itu dosa lho, kamu nggak pernah kepikiran kan?")
    assert risk_question("Bunuh diri itu dosa lho, kamu nggak pernah kepikiran kan?") == "shaming"
    assert shamed.text in bayu.deny and not state.risk_revealed


def test_the_same_leading_question_is_denied_even_with_rapport(data):
    bayu = data.personas["bayu"]
    state = listened_to(bayu)
    before = state.openness
    assert not respond(bayu, state, SHAMING).revealed_flag
    assert state.openness < before - 1  # the leading question cost more than the advice in it
    assert not respond(bayu, state, "You're not thinking of killing yourself, are you?").revealed_flag
    assert not state.risk_revealed
    assert respond(bayu, state, "Boleh aku tanya, apakah kamu punya pikiran untuk mengakhiri hidup?").revealed_flag


def test_coffee_advice_unlocks_nothing_on_hard_but_a_real_question_does(data):
    tegar, hard = data.personas["tegar"], DIFFICULTIES["hard"]
    state = PersonaState()
    for _ in range(2):
        respond(tegar, state, "Kedengarannya kamu capek dimarahi bokap, sekaligus kecewa sama dirimu sendiri.", hard)
    advice = respond(tegar, state, "Kurangi minum kopi di malam hari ya, biar bisa tidur.", hard)
    assert not advice.revealed_flag and not state.risk_revealed and advice.text in tegar.closed
    for _ in range(2):
        respond(tegar, state, "Kedengarannya kamu capek dimarahi bokap, sekaligus kecewa sama dirimu sendiri.", hard)
    asked = respond(tegar, state, "Boleh cerita, semalam kamu minum apa aja?", hard)
    assert asked.revealed_flag == "substance"


def test_validation_is_not_judgement_and_opens_the_client(data):
    maya = data.personas["maya"]
    line = "Apa yang suamimu lakukan itu bukan salahmu."
    assert code_utterance(line) is not Code.CONFRONT
    state = PersonaState()
    reply = respond(maya, state, line)
    assert state.openness > 0 and reply.text not in maya.closed
    script = data.redflags.get("abuse").scripts["id"]["default"]
    assert code_utterance(script) is not Code.CONFRONT  # the app's own F5 script
    for item in data.redflags.items:
        for lang in ("id", "en"):
            for text in item.scripts[lang].values():
                assert code_utterance(text) is not Code.CONFRONT, (item.id, lang)
    for text in ("Wajar kamu merasa marah.", "It's not your fault.", "Kamu berhak merasa aman."):
        assert code_utterance(text) in (Code.AFFIRM, Code.SIMPLE_REFLECTION, Code.COMPLEX_REFLECTION), text
    assert code_utterance("Itu salahmu sendiri.") is Code.CONFRONT


def test_a_question_about_sleep_gets_the_sleep_fact(data):
    sinta = data.personas["sinta"]
    sleep = next(i for i, f in enumerate(sinta.facts) if f.topic == "sleep")
    assert sleep > 1  # not simply the next one in order
    state = PersonaState()
    respond(sinta, state, "Boleh cerita soal kerjaanmu?")
    respond(sinta, state, "Kedengarannya kerjaanmu nggak ada habisnya.")
    reply = respond(sinta, state, "Gimana tidurmu akhir-akhir ini?")
    assert reply.text == sinta.facts[sleep].text or sinta.facts[sleep].text.startswith(reply.text)
    in_order = PersonaState()
    respond(sinta, in_order, "Boleh cerita soal kerjaanmu?")
    respond(sinta, in_order, "Kedengarannya kerjaanmu nggak ada habisnya.")
    other = respond(sinta, in_order, "Hmm, terus?")
    assert not sinta.facts[sleep].text.startswith(other.text)


@pytest.mark.parametrize("pid", sorted(PERSONAS))
def test_every_persona_answers_its_truth_once_disclosed(pid):
    persona = PERSONAS[pid]
    state = PersonaState(openness=10, risk_revealed=bool(persona.risk))
    truth = screener_truth(persona)
    if persona.hidden_flag:
        assert persona.truth.referral, f"{pid} has no truth.referral"
        assert persona.answers.get("referral_yes"), f"{pid} hides a risk but has no referral_yes line"
        assert persona.deny and persona.nudge and persona.leave, f"{pid} lacks deny, nudge or leave lines"
    if truth["q2"] or persona.hidden_flag == "suicide":
        assert truth["q1"] or truth["q2"], f"{pid} hides suicide but its truth says no thoughts"
    for key in SCREENER_KEYS:
        reply = respond(persona, state, ASK[key])
        if truth[key]:
            assert (reply.answered, reply.text) == (key, persona.answers.get(key)), f"{pid}: {key} is true"
        else:
            assert reply.text in (persona.risk_no, *persona.answers.values()), f"{pid}: {key}"
            assert reply.text != persona.answers.get(f"{key}_yes")
        assert not reply.revealed_flag
    for key, line in persona.answers.items():
        if key in SCREENER_KEYS:
            continue
        reply = respond(persona, state, ASK[key])
        assert (reply.answered, reply.text) == (key, line), f"{pid}: {key}"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_screeners_own_questions_get_their_own_answers(data, lang):
    """The F2 screener's wording of each question (what a trainee copies into the chat) reaches the matching
    answer line: question 5 asks about details and then intention, and gets the q5 line, not q4's."""
    bayu = data.personas["bayu"]
    state = listened_to(bayu)
    respond(bayu, state, SUICIDE_QUESTION)
    for key in SCREENER_KEYS:
        reply = respond(bayu, state, data.strings[f"screener.{key}"][lang])
        assert (reply.answered, reply.text) == (key, bayu.answers[key]), (key, lang)


def test_a_language_model_never_rephrases_answers_denials_or_the_reveal(data):
    """The optional voice may only rephrase what the engine chose; the ground-truth answers, the denials and the
    reveal go out word for word (keep_verbatim), and untold answers are locked from the model."""
    bayu = data.personas["bayu"]
    state = listened_to(bayu)
    assert not any(bayu.answers[key] in unlocked_lines(bayu, state) for key in bayu.answers)
    assert bayu.answers["plan"] in locked_lines(bayu, state)
    reveal = respond(bayu, state, SUICIDE_QUESTION)
    plan = respond(bayu, state, ASK["plan"])
    denied = respond(bayu, PersonaState(), SHAMING)
    assert all(keep_verbatim(reply) for reply in (reveal, plan, denied))
    assert bayu.answers["plan"] in unlocked_lines(bayu, state) and bayu.answers["q1"] in locked_lines(bayu, state)
