"""Red team: what the intake takes as a client's consent (domain/intake.py `advance`, step "consent").

The intake asks for consent, with the limits of confidentiality, before it keeps anything a client says (UU PDP:
explicit consent for health data). `_YES` is searched anchored at the start of the answer and before `_NO`, so an
answer that begins with "ya"/"ok"/"boleh" counts as consent whatever follows: a refusal, a condition or a question.
"""

from __future__ import annotations

import pytest

from curhat_tui.domain import intake as flow

NOT_CONSENT = (
    "ya, tapi aku tidak setuju",  # "yes, but I do not agree"
    "Ya saya tidak setuju",
    "ya ga mau",  # "yeah, I don't want to"
    "iya tapi aku ga mau datanya disimpan",  # a condition the service cannot meet
    "ok tapi aku nggak setuju direkam",
    "boleh ga sih nanya dulu?",  # "may I ask something first?"
    "ok?",
)


@pytest.mark.parametrize("answer", NOT_CONSENT)
def test_a_refusal_a_condition_or_a_question_is_not_taken_as_consent(answer):
    state = flow.IntakeState(step="consent")
    flow.advance(state, answer, 1_000, [], False)
    assert state.consent is not True, f"{answer!r} was taken as consent"
    assert state.step in ("consent", "declined")


@pytest.mark.parametrize("answer", ("ya", "iya", "YA", "setuju", "ya setuju", "oke, setuju"))
def test_a_plain_yes_is_consent(answer):
    state = flow.IntakeState(step="consent")
    flow.advance(state, answer, 1_000, [], False)
    assert state.consent is True and state.step == "package"
