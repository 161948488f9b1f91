"""The intake's screening question ("in the past two weeks, have you had thoughts of hurting yourself or of ending
your life?"): how an answer, as people type it in chat, places the client in the queue."""

from __future__ import annotations

import pytest

from curhat_tui.domain.intake import IntakeState, advance, screen_answer
from curhat_tui.domain.models import Risk

HIGH, MODERATE, NONE = Risk.HIGH, Risk.MODERATE, Risk.NONE


@pytest.mark.parametrize("answer, risk", [
    # a yes to the thoughts is a yes, whatever is said of a plan after it (this was NONE: "ga" anywhere was a no)
    ("kadang kepikiran sih, tapi ga ada rencana", MODERATE),
    ("iya, tapi ga sampai nyakitin diri", HIGH),
    ("pernah, tapi sekarang udah nggak", MODERATE),
    ("nggak, tapi kadang pengen ngilang aja", MODERATE),
    ("sometimes, but I don't have a plan", MODERATE),
    ("yes but not seriously", HIGH),
    # as before
    ("iya", HIGH), ("sering banget", HIGH), ("ya", HIGH), ("yes", HIGH), ("kadang", MODERATE),
    ("tidak", NONE), ("ga", NONE), ("gak pernah", NONE), ("belum pernah", NONE), ("no", NONE), ("never", NONE),
    ("nope, not really", NONE),
    # not often is some of the time; unsure is not a no
    ("ga sering sih", MODERATE), ("jarang", MODERATE), ("ga tau", MODERATE), ("entahlah", MODERATE),
    ("I don't know", MODERATE), ("not sure", MODERATE),
    # "ya nggak lah" is a firm no
    ("ya nggak lah", NONE), ("ya enggak kok", NONE),
    # Javanese and Sundanese no, as clients type them
    ("ora pernah kok kak", NONE), ("durung pernah", NONE), ("teu pernah", NONE), ("ora kok kak", NONE),
    # what red team 5's yeses must not turn into: a no after a yes-word stays a no, "terus" is also "then"
    ("ya gak ada", NONE), ("ya gak bisa dibilang gitu", NONE), ("eh nggak kok", NONE), ("ga kepikiran", NONE),
    ("nggak, terus aku tidur aja", NONE), ("ga tiap hari sih", MODERATE), ("teu, teu acan", NONE),
    ("ya, nggak kok", NONE), ("ya, gak ada kok", NONE), ("belum pernah nyoba", NONE), ("never tried", NONE),
    ("pasti nggak lah kak", NONE), ("ga, ga ada rencana", NONE), ("no plan", NONE), ("belum siap", NONE),
])
def test_an_answer_to_the_screening_question_is_read_as_it_is_meant(answer, risk):
    assert screen_answer(answer) == risk


def test_the_answer_sets_the_queued_risk_and_a_detected_statement_raises_it():
    for answer, items, risk in [("kadang kepikiran, tapi ga ada rencana", [], MODERATE),
                                ("ga", [], NONE),
                                ("ga, cuma suami suka mukul", ["abuse"], MODERATE),
                                ("ga tau, pengen mati aja", ["suicide"], HIGH)]:
        state = IntakeState(step="risk")
        replies = advance(state, answer, 0, items)
        assert state.risk == risk, answer
        assert replies[0] == ("intake.queued_urgent" if risk >= HIGH else "intake.queued")
