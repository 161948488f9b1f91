"""Columbia suicide screener (C-SSRS screener, past month) with its skip logic.

Questions: 1 wish to be dead; 2 thoughts of killing oneself; if 2 is yes: 3 thought
about how, 4 some intention of acting, 5 worked out details / intends to carry out
a plan; always 6 ever done, started or prepared anything to end one's life, and if
yes, 6b within the past three months.
"""

from __future__ import annotations

from curhat_tui.domain.models import Risk


def next_question(answers: dict[str, bool]) -> str | None:
    """The next question to ask given the answers so far, or None when done."""
    for qid in ("q1", "q2"):
        if qid not in answers:
            return qid
    if answers["q2"]:
        for qid in ("q3", "q4", "q5"):
            if qid not in answers:
                return qid
    if "q6" not in answers:
        return "q6"
    if answers["q6"] and "q6b" not in answers:
        return "q6b"
    return None


def asked(answers: dict[str, bool]) -> list[str]:
    """Questions that apply to these answers, in order (for display and back-tracking)."""
    order: list[str] = []
    probe: dict[str, bool] = {}
    while (qid := next_question(probe)) is not None:
        order.append(qid)
        if qid not in answers:
            break
        probe[qid] = answers[qid]
    return order


def is_complete(answers: dict[str, bool]) -> bool:
    return next_question(answers) is None


def result(answers: dict[str, bool]) -> Risk:
    """None, low, moderate or high, following the screener's scoring.

    High (imminent): yes to 4 or 5, or behaviour within the past three months.
    Moderate: yes to 3, or behaviour longer ago. Low: yes to 1-2 only. None: no to every question asked, a
    negative screen (the client is not told they had such thoughts: its script is `negative`).
    """
    if not any(answers.values()):
        return Risk.NONE
    if answers.get("q2") and (answers.get("q4") or answers.get("q5")):
        return Risk.HIGH
    if answers.get("q6") and answers.get("q6b"):
        return Risk.HIGH
    if (answers.get("q2") and answers.get("q3")) or answers.get("q6"):
        return Risk.MODERATE
    return Risk.LOW


def script_variant(risk: Risk) -> str:
    return {Risk.HIGH: "high", Risk.MODERATE: "moderate", Risk.NONE: "negative"}.get(risk, "low")
