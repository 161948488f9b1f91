"""Domain rules, tested without any UI."""

from __future__ import annotations

import random

import pytest

from curhat_tui.domain import screener
from curhat_tui.domain.coding import Code, code_utterance
from curhat_tui.domain.models import Risk, Tier, Visit, rupiah
from curhat_tui.domain.persona import PersonaState, arrival_schedule, respond, typing_seconds
from curhat_tui.domain.queue import order_queue
from curhat_tui.domain.sanitize import clean
from curhat_tui.domain.session_clock import Phase, countdown, due_notifications


def visit(vid: str, risk: Risk, arrived: float) -> Visit:
    return Visit(vid, f"k{vid}", vid, Tier.PEER, 30, 25000, "t", "a", risk, arrived)


def test_queue_orders_by_risk_then_longest_wait():
    visits = [visit("a", Risk.NONE, 10), visit("b", Risk.HIGH, 50), visit("c", Risk.NONE, 5),
              visit("d", Risk.MODERATE, 1), visit("e", Risk.HIGH, 20)]
    assert [v.id for v in order_queue(visits)] == ["e", "b", "d", "c", "a"]


def test_countdown_phases_follow_the_deadline():
    deadline = 10_000.0
    assert countdown(deadline, deadline - 11 * 60).phase is Phase.NORMAL
    assert countdown(deadline, deadline - 10 * 60).phase is Phase.WARNING
    assert countdown(deadline, deadline - 5 * 60).phase is Phase.CRITICAL
    over = countdown(deadline, deadline + 90)
    assert over.phase is Phase.OVERTIME and over.overtime_seconds == 90


def test_each_warning_fires_once():
    deadline = 10_000.0
    assert due_notifications(deadline, deadline - 11 * 60, []) == []
    assert due_notifications(deadline, deadline - 9 * 60, []) == [10]
    assert due_notifications(deadline, deadline - 9 * 60, [10]) == []
    assert due_notifications(deadline, deadline - 4 * 60, [10]) == [5]
    assert due_notifications(deadline, deadline - 4 * 60, [10, 5]) == []


def test_screener_skips_3_to_5_when_no_thoughts():
    answers = {"q1": True, "q2": False}
    assert screener.next_question(answers) == "q6"
    answers["q6"] = False
    assert screener.is_complete(answers)
    assert screener.result(answers) is Risk.LOW


@pytest.mark.parametrize("answers, expected", [
    ({"q1": True, "q2": True, "q3": True, "q4": False, "q5": False, "q6": False}, Risk.MODERATE),
    ({"q1": True, "q2": True, "q3": True, "q4": True, "q5": False, "q6": False}, Risk.HIGH),
    ({"q1": True, "q2": True, "q3": False, "q4": False, "q5": True, "q6": False}, Risk.HIGH),
    ({"q1": False, "q2": False, "q6": True, "q6b": True}, Risk.HIGH),
    ({"q1": False, "q2": False, "q6": True, "q6b": False}, Risk.MODERATE),
    ({"q1": True, "q2": True, "q3": False, "q4": False, "q5": False, "q6": False}, Risk.LOW),
    ({"q1": False, "q2": False, "q6": False}, Risk.NONE),  # a negative screen: nothing the client said yes to
])
def test_screener_scoring(answers, expected):
    assert screener.is_complete(answers)
    assert screener.result(answers) is expected


def test_screener_asks_all_five_after_thoughts_and_6b_after_behaviour():
    answers: dict[str, bool] = {}
    order = []
    while (q := screener.next_question(answers)) is not None:
        order.append(q)
        answers[q] = True
    assert order == ["q1", "q2", "q3", "q4", "q5", "q6", "q6b"]


def test_clean_makes_escapes_visible_and_keeps_text():
    raw = "halo\x1b[31mmerah\x1b]0;judul\x07 \u202eabc\r\nbaris"
    out = clean(raw)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "␛[31mmerah" in out and "baris" in out and "\n" in out


def test_rupiah_uses_dots():
    assert rupiah(150000) == "Rp150.000"


def test_phrase_matcher_catches_colloquial_risk_and_spares_everyday_talk(data):
    m = data.phrases
    assert "suicide" in m.items("kak aku pengeeen mati aja rasanya")
    assert "suicide" in m.items("kadang mikir mending gue ga ada")
    assert "suicide" in m.items("honestly I just want to kill myself")
    assert "abuse" in m.items("semalem aku dipukul suami lagi")
    assert "self_harm" in m.items("tadi aku nyilet tangan lagi")
    assert "panic_trauma" in m.items("jantung deg-degan banget, sesak napas")
    for harmless in ("mati lampu dari tadi", "capek banget kuliah", "hp gue mau mati", "mati gaya nih"):
        assert m.items(harmless) == [], harmless


def test_phrase_spans_point_into_the_original_text(data):
    text = "Kak... aku pengeeen mati aja"
    hits = data.phrases.scan(text)
    assert hits
    assert any("mati" in text[h.start:h.end] for h in hits)


@pytest.mark.parametrize("text, code", [
    ("Apa yang paling berat buat kamu minggu ini?", Code.OPEN_QUESTION),
    ("Gimana rasanya waktu itu?", Code.OPEN_QUESTION),
    ("Kamu sudah makan?", Code.CLOSED_QUESTION),
    ("Apakah kamu tinggal sendiri?", Code.CLOSED_QUESTION),
    ("Kedengarannya kamu capek banget.", Code.SIMPLE_REFLECTION),
    ("Kamu capek, tapi di sisi lain kamu belum mau menyerah.", Code.COMPLEX_REFLECTION),
    ("Kamu harus lebih bersyukur dan istirahat.", Code.ADVICE),
    ("Jangan lebay deh, gitu aja kok.", Code.CONFRONT),
    ("Terima kasih sudah mau cerita, itu butuh keberanian.", Code.AFFIRM),
    ("What has been the hardest part?", Code.OPEN_QUESTION),
    ("You should just talk to him.", Code.ADVICE),
])
def test_coder_heuristics(text, code):
    assert code_utterance(text) is code


def test_good_listening_opens_a_persona_and_advice_closes_it(data):
    persona = data.personas["rara"]
    listening, advice = PersonaState(), PersonaState()
    for _ in range(4):
        respond(persona, listening, "Apa yang paling berat buat kamu sekarang?")
        respond(persona, advice, "Kamu harus lebih rajin aja.")
    assert listening.revealed >= 2
    assert advice.revealed == 0
    closed = respond(persona, PersonaState(), "Kamu harus lebih rajin aja.")
    assert closed.text in persona.closed


def test_hidden_suicide_risk_comes_out_only_when_asked_or_heard(data):
    bayu = data.personas["bayu"]
    assert bayu.hidden_flag == "suicide"
    state = PersonaState()
    replies = [respond(bayu, state, "Oke.").text for _ in range(5)]
    assert bayu.risk.reveal not in replies and not state.risk_revealed
    asked = respond(bayu, state, "Apakah kamu punya pikiran untuk bunuh diri?")
    assert not asked.revealed_flag and asked.text in bayu.deny  # asked well, but no rapport yet: played down
    for _ in range(2):
        respond(bayu, state, "Kedengarannya kamu capek, tapi tetap berusaha bertahan demi keluarga.")
    asked = respond(bayu, state, "Apakah kamu punya pikiran untuk bunuh diri?")
    assert asked.revealed_flag == "suicide" and asked.text == bayu.risk.reveal


def test_good_reflections_build_the_rapport_but_only_a_direct_question_gets_the_disclosure(data):
    """Issue 15: disclosure needs rapport AND a real, non-leading question; listening alone gives hints, and the
    trainee still has to ask (the skill practice is for)."""
    bayu = data.personas["bayu"]
    state = PersonaState()
    hints = []
    for _ in range(10):
        reply = respond(bayu, state, "Kedengarannya kamu capek, tapi tetap berusaha bertahan demi keluarga.")
        assert not reply.revealed_flag
        hints += [reply.hint] if reply.hint else []
    assert not state.risk_revealed and hints == ["suicide", "suicide"]
    reply = respond(bayu, state, "Boleh aku tanya langsung: apakah kamu pernah kepikiran untuk bunuh diri?")
    assert reply.revealed_flag == "suicide" and reply.text == bayu.risk.reveal


def test_arrivals_are_reproducible_from_the_seed(data):
    ids = sorted(data.personas)
    assert arrival_schedule(ids, 5) == arrival_schedule(ids, 5)
    assert arrival_schedule(ids, 5) != arrival_schedule(ids, 6)
    first = arrival_schedule(ids, 5)[:3]
    assert all(a.offset_seconds == 0 for a in first)


def test_typing_is_instant_at_speed_zero_and_believable_otherwise():
    assert typing_seconds("halo kak", random.Random(1), 0) == 0
    assert 1 < typing_seconds("halo kak apa kabar, aku mau cerita", random.Random(1), 1.0) < 15


def test_templates_default_by_tier_and_required_fields(data):
    book = data.templates
    assert book.default_for("peer") == "peer"
    assert book.default_for("professional") == "soap"
    assert set(book.ids()) >= {"soap", "dap", "birp", "girp", "peer"}
    for tid in book.ids():
        keys = [s.key for s in book.sections(tid)]
        assert {"risk_screen", "referral", "consent", "end_reason"} <= set(keys)
    missing = {s.key for s in book.missing("soap", {"subjective": "x"})}
    assert "subjective" not in missing and "plan" in missing and "consent" in missing


def test_scripts_fill_placeholders_in_both_languages(data):
    book = data.redflags
    for item in book.items:
        for lang in ("id", "en"):
            text = book.render_script(item.id, lang, "kupukupu", "Ani")
            assert "kupukupu" in text and "Ani" in text and "{" not in text
            for entry in book.offered(item.id):  # each number in the script's own language
                assert entry.text("contact", lang) in text
    high = book.render_script("suicide", "id", "x", "y", "high")
    assert "112" in high and "IGD" in high


def test_intake_state_written_by_a_client_keeps_only_well_typed_fields():
    from curhat_tui.domain.intake import IntakeState

    forged = IntakeState.from_dict({"step": "queued", "minutes": "abc", "consent": "yes", "tier": 5, "risk": True,
                                    "topic": ["x"], "consent_ts": 1.5, "unknown": 1})
    assert (forged.step, forged.minutes, forged.consent, forged.tier, forged.risk, forged.topic, forged.consent_ts) == \
        ("queued", 0, None, "", 0, "", 0)
    assert IntakeState.from_dict("not a dict").step == "new"
    kept = IntakeState.from_dict({"step": "topic", "minutes": 60, "consent": True, "tier": "peer", "risk": 2})
    assert (kept.minutes, kept.consent, kept.tier, kept.risk) == (60, True, "peer", 2)


def test_a_negative_screen_loads_a_script_that_does_not_tell_the_client_they_had_the_thoughts(data):
    """All no: the client is thanked and told where help is, never "it makes sense that you thought it might be
    better not to be here" (the low script, which this result loaded before)."""
    variant = screener.script_variant(screener.result({"q1": False, "q2": False, "q6": False}))
    assert variant == "negative"
    for lang in ("id", "en"):
        text = data.redflags.render_script("suicide", lang, "Rara", "Ani", variant)
        low = data.redflags.render_script("suicide", lang, "Rara", "Ani", "low")
        assert text != low and "Rara" in text and "112" in text
        assert "masuk akal" not in text and "makes sense" not in text
