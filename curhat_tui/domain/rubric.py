"""The safety rubric of a practice session, scored from what happened, and its critical misses.

Items (each pass, partial, fail, or na when it does not apply): the risk came out (disclosure), it was noticed
(the red flag ticked, and how many seconds after the disclosure), the first response to it was not
judgement or advice, the C-SSRS screener was done and its recorded answers match the persona's truth item by
item, the Stanley-Brown safety plan's six steps were covered, a referral was made with the client's
willingness checked, risk and referral are in the note, and a client in crisis was never left over two
minutes. A critical miss: a disclosure never flagged, met with judgement, or a risk question asked so that
the client denied a risk it has.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from curhat_tui.domain import screener
from curhat_tui.domain.coding import Code
from curhat_tui.domain.models import FlagEvent, Message
from curhat_tui.domain.safety_lines import SAFETY_STEPS, SERVICE, WILLING, judges, safety_line, safety_steps

PLAN_ITEMS = ("suicide", "self_harm")  # a Stanley-Brown safety plan is the answer to these
_LEVEL_IN_NOTE = re.compile(r"rendah|sedang|tinggi|\blow\b|moderate|\bhigh\b|c-ssrs|risiko|risk", re.IGNORECASE)
_NOTHING = re.compile(r"^\s*(-|–|tidak ada|tdk ada|belum|none|n/?a|no)?\s*\.?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class RubricItem:
    key: str  # disclosure | noticed | first_response | screener | safety_plan | referral | note | crisis_latency
    status: str  # pass | partial | fail | na
    variant: str = ""  # which text: report.rubric.<key>.<variant or status>
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScreenerRow:
    qid: str
    recorded: bool | None  # None: not asked (skip logic, or the screener not done)
    truth: bool | None  # None: the persona has no truth for it


@dataclass
class SessionFacts:
    start: float
    persona: Any
    turns: list  # feedback.Turn
    disclosure: Message | None
    crisis_item: str
    flags: list[FlagEvent]
    note: dict[str, str]
    waits: list  # feedback.Wait
    screener_item: str = "suicide"
    hint: Message | None = None  # the client's first hint at the hidden risk


@dataclass
class Scored:
    items: list[RubricItem]
    critical: list[RubricItem]
    screener: list[ScreenerRow]
    screener_correct: bool | None
    safety_plan_steps: int


def truth_of(persona, key: str):
    """The persona's ground truth for `key` (q1..q6b, referral), or None when it has none (an older persona: no
    truth, or one with no referral set)."""
    truth = getattr(persona, "truth", None) if persona is not None else None
    if truth is None or not (truth.get("referral") if isinstance(truth, dict) else getattr(truth, "referral", "x")):
        return None
    return truth.get(key) if isinstance(truth, dict) else getattr(truth, key, None)


def has_risk(persona) -> bool:
    """Whether the persona carries a risk the trainee should find."""
    return bool(getattr(persona, "hidden_flag", "")) or bool(truth_of(persona, "q1") or truth_of(persona, "q2"))


def recorded_answers(flags: list[FlagEvent], item: str) -> dict[str, bool] | str | None:
    """The screener's answers recorded with the flag (the last time it was ticked with them), "skipped", or None."""
    found: dict[str, bool] | str | None = None
    for flag in flags:
        if flag.item != item or not flag.detail:
            continue
        try:
            detail = json.loads(flag.detail) if isinstance(flag.detail, str) else dict(flag.detail)
        except ValueError:
            continue
        answers = detail.get("screener")
        if isinstance(answers, dict):
            found = {k: bool(v) for k, v in answers.items()}
        elif answers == "skipped" and not isinstance(found, dict):
            found = "skipped"
    return found


def _mmss(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _screener(session: SessionFacts) -> tuple[RubricItem, list[ScreenerRow], bool | None]:
    recorded = recorded_answers(session.flags, session.screener_item)
    if recorded is None:
        return RubricItem("screener", "fail"), [], False
    if recorded == "skipped":
        return RubricItem("screener", "partial", "skipped"), [], False
    assert isinstance(recorded, dict)
    rows = []
    order = screener.asked(recorded)
    truth_known = any(truth_of(session.persona, q) is not None for q in ("q1", "q2", "q6"))
    for qid in ("q1", "q2", "q3", "q4", "q5", "q6", "q6b"):
        truth = truth_of(session.persona, qid)
        if qid in order or truth:
            rows.append(ScreenerRow(qid, recorded.get(qid), None if truth is None else bool(truth)))
    if not screener.is_complete(recorded):
        return RubricItem("screener", "partial", "incomplete"), rows, False
    if not truth_known:
        return RubricItem("screener", "pass", "no_truth", {"result": screener.result(recorded).key}), rows, None
    wrong = [r.qid.removeprefix("q") for r in rows if r.truth is not None and bool(r.recorded) != r.truth]
    if wrong:
        return RubricItem("screener", "partial", "mismatch", {"items": ", ".join(wrong)}), rows, False
    return RubricItem("screener", "pass", values={"result": screener.result(recorded).key}), rows, True


def note_item(note: dict[str, str]) -> RubricItem:
    """Whether the session note records the risk level and the referral (the note's risk_screen and referral)."""
    risk_noted = bool(_LEVEL_IN_NOTE.search(note.get("risk_screen", "")))
    referral_noted = not _NOTHING.match(note.get("referral", ""))
    status = "pass" if risk_noted and referral_noted else "partial" if risk_noted or referral_noted else "fail"
    variant = "" if status != "partial" else "no_referral" if risk_noted else "no_risk"
    return RubricItem("note", status, variant)


def score(session: SessionFacts) -> Scored:
    items: list[RubricItem] = []
    critical: list[RubricItem] = []
    rows: list[ScreenerRow] = []
    correct: bool | None = None
    own = [t for t in session.turns if t.source == "own"]
    disclosure = session.disclosure
    risky = has_risk(session.persona)
    if disclosure is None:
        if not risky and not session.flags:
            return Scored([RubricItem("disclosure", "na", "no_risk")], [], [], None, 0)
        bad = next((t for t in own if t.risk_kind in ("leading", "shaming")), None)
        direct = next((t for t in own if t.risk_kind == "direct"), None)
        if bad is not None and risky:
            critical.append(RubricItem("denied", "fail", values={"line": bad.text, "at": _mmss(bad.offset)}))
            items.append(RubricItem("disclosure", "fail", "leading", {"line": bad.text}))
        elif direct is not None:
            items.append(RubricItem("disclosure", "partial", "asked", {"line": direct.text}))
        elif risky and session.hint is not None:
            items.append(RubricItem("disclosure", "fail", "hinted", {
                "at": _mmss(session.hint.ts - session.start), "text": session.hint.text}))
        elif risky:
            items.append(RubricItem("disclosure", "fail", "hidden"))
        if session.flags:
            items.append(RubricItem("noticed", "pass", "without_disclosure",
                                    {"at": _mmss(min(f.ts for f in session.flags) - session.start)}))
        if recorded_answers(session.flags, session.screener_item) is not None:  # screened anyway: compare it too
            item, rows, correct = _screener(session)
            items.append(item)
        return Scored(items, critical, rows, correct, 0)

    at = disclosure.ts - session.start
    items.append(RubricItem("disclosure", "pass", values={"at": _mmss(at)}))
    ticked = [f for f in session.flags if f.item == session.crisis_item]
    if ticked:
        seconds = min(f.ts for f in ticked) - disclosure.ts
        screened = recorded_answers(ticked, session.screener_item) is not None
        variant = "before" if seconds < 0 else "with_screener" if screened else ""
        items.append(RubricItem("noticed", "pass", variant, {"seconds": int(round(max(seconds, 0))),
                                                              "at": _mmss(min(f.ts for f in ticked) - session.start)}))
    else:
        other = sorted({f.item for f in session.flags})
        items.append(RubricItem("noticed", "fail", "other" if other else "", {"items": ", ".join(other)}))
        critical.append(RubricItem("unflagged", "fail", values={"at": _mmss(at), "text": disclosure.text}))
    after = [t for t in session.turns if t.after_disclosure]
    first = next((t for t in after if t.source == "own"), None)
    if first is None:
        items.append(RubricItem("first_response", "fail", "none"))
    elif judges(first.text) or first.code is Code.CONFRONT or first.risk_kind in ("leading", "shaming") \
            or (first.code is Code.ADVICE and not safety_line(first.text)):
        items.append(RubricItem("first_response", "fail", values={"line": first.text}))
    else:
        items.append(RubricItem("first_response", "pass", values={"line": first.text}))
    judged = next((t for t in after if t.in_crisis and t.source == "own" and (
        judges(t.text) or t.code is Code.CONFRONT or t.risk_kind == "shaming")), None)
    if judged is not None:
        critical.append(RubricItem("judged", "fail", values={"line": judged.text, "at": _mmss(judged.offset)}))
    if session.crisis_item == session.screener_item:
        item, rows, correct = _screener(session)
        items.append(item)
    steps: set[str] = set()
    for turn in after:
        if turn.source == "own":
            steps |= safety_steps(turn.text)
    if session.crisis_item in PLAN_ITEMS:
        missing = [s for s in SAFETY_STEPS if s not in steps]
        status = "pass" if not missing else "fail" if len(missing) == len(SAFETY_STEPS) else "partial"
        items.append(RubricItem("safety_plan", status, values={"count": len(SAFETY_STEPS) - len(missing),
                                                               "missing": list(missing)}))
    named = any(SERVICE.search(t.text) for t in after)
    willing = any(WILLING.search(t.text) for t in after)
    truth = truth_of(session.persona, "referral") or ""
    status = "pass" if named and willing else "partial" if named or willing else "fail"
    variant = "" if status != "partial" else "no_willingness" if named else "no_service"
    items.append(RubricItem("referral", status, variant, {"truth": truth}))
    items.append(note_item(session.note))
    slow = [w for w in session.waits if w.in_crisis]
    if slow:
        items.append(RubricItem("crisis_latency", "fail", values={
            "waits": [{"at": _mmss(w.offset), "wait": _mmss(w.seconds), "text": w.client_text,
                       "answered": w.answered} for w in slow]}))
    else:
        items.append(RubricItem("crisis_latency", "pass"))
    plan_steps = len(steps) if session.crisis_item in PLAN_ITEMS else len(steps)
    return Scored(items, critical, rows, correct, plan_steps)
