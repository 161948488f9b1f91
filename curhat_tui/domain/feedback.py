"""The trainee's feedback report after a practice session, built from the transcript line by line.

Each of the trainee's lines gets its code (a keyword heuristic after MITI 4.2.1, not certified coding), the
client's reply and whether that reply opened something (a disclosure, a fact, an answer) or closed (a closed
reply, a denial), and, for a weak line, a better one built from that line (`alternatives.py`). Lines the app
wrote (a red-flag script, a quick reply) are marked and never counted as weak; a direct question about suicide
is best practice and never weak either. The crisis segment runs from the client's disclosure to the end of
safety planning: the reflection-to-question ratio is computed outside it (a crisis calls for direct questions)
and the segment's counts are reported apart. Waiting times: 3 minutes is the norm, 2 minutes in a crisis.
The safety rubric and the critical misses come from `rubric.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from curhat_tui.domain.alternatives import Alternative, suggest
from curhat_tui.domain.coding import Code, code_utterance, risk_question, seeks_collaboration
from curhat_tui.domain.models import FlagEvent, Message, Sender
from curhat_tui.domain.rubric import RubricItem, ScreenerRow, SessionFacts, score, truth_of
from curhat_tui.domain.safety_lines import (
    SERVICE,
    WILLING,
    assesses_safety,
    judges,
    safety_line,
    safety_steps,
)

LATENCY_NORM_SECONDS = 180
CRISIS_LATENCY_SECONDS = 120
FAIR = (1.0, 40.0)
GOOD = (2.0, 50.0)
WEAK = (Code.ADVICE, Code.CONFRONT, Code.CLOSED_QUESTION)
SCREENER_QUESTIONS = ("q1", "q2", "q3", "q4", "q5", "q6", "q6b")
CODES = ("open_question", "closed_question", "simple_reflection", "complex_reflection", "affirm", "advice", "confront",
         "other")


@dataclass(frozen=True)
class Turn:
    """One of the trainee's lines and what followed it."""

    index: int
    text: str
    code: Code
    latency_seconds: float | None
    offset: float = 0.0  # seconds since the session's first message
    source: str = "own"  # own | script (a red-flag script) | quick_reply
    risk_kind: str = ""  # direct | leading | shaming | "" (not a question about suicide)
    in_crisis: bool = False
    reply: str = ""  # the client's next message
    more: tuple[tuple[float, str], ...] = ()  # (offset, text) of the client's further messages before the next line
    after_disclosure: bool = False
    effect: str = ""  # opened | closed | ""
    weak: bool = False
    alternative: Alternative | None = None


@dataclass(frozen=True)
class Wait:
    """A client waiting for the trainee: from the client's message to the trainee's next line (or the end)."""

    offset: float
    seconds: float
    client_text: str
    in_crisis: bool
    answered: bool = True


@dataclass
class FeedbackReport:
    counts: dict[str, int]  # outside the crisis segment
    reflection_ratio: float | None
    complex_percent: float | None
    ratio_level: str
    complex_level: str
    turns: list[Turn]
    slow_turns: list[int]
    hidden_flag: str
    crisis_counts: dict[str, int] = field(default_factory=dict)
    crisis_item: str = ""  # the red-flag item the crisis is about ("" when none)
    disclosure_offset: float | None = None
    disclosure_text: str = ""
    crisis_end_offset: float | None = None
    waits: list[Wait] = field(default_factory=list)  # over the norm (or over 2 minutes in the crisis)
    rubric: list[RubricItem] = field(default_factory=list)
    critical: list[RubricItem] = field(default_factory=list)
    screener: list[ScreenerRow] = field(default_factory=list)
    screener_correct: bool | None = None
    safety_plan_steps: int = 0
    referral_named: bool = False
    willingness_checked: bool = False

    @property
    def referral_made(self) -> bool:
        return self.referral_named and self.willingness_checked

    @property
    def critical_miss(self) -> bool:
        return bool(self.critical)

    @property
    def weak(self) -> list[Turn]:
        return [turn for turn in self.turns if turn.weak]

    @property
    def all_good(self) -> bool:
        """Nothing to suggest: no weak line, no rubric item short of passing, nobody left waiting."""
        return not self.weak and not self.waits and not self.critical \
            and all(item.status in ("pass", "na") for item in self.rubric)


def _level(value: float | None, fair: float, good: float) -> str:
    if value is None:
        return "none"
    return "good" if value >= good else "fair" if value >= fair else "below"


def _counts(turns: list[Turn]) -> dict[str, int]:
    counts = {code: 0 for code in CODES}
    for turn in turns:
        counts[turn.code.value] += 1
    return counts


def template_pattern(template: str) -> re.Pattern[str]:
    """A quick reply's text as a pattern: its placeholders match anything, and it may be completed after."""
    parts = re.split(r"\{[a-z_]+\}", template.strip())
    return re.compile(".+?".join(re.escape(part) for part in parts) + ".*", re.DOTALL)


def _lines(persona, name: str) -> set[str]:
    value = getattr(persona, name, None) if persona is not None else None
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {v for v in value.values() if isinstance(v, str)}
    return {v for v in value if isinstance(v, str)}


def _answers(messages: list[Message], answered: Sequence[tuple[str, str]]) -> dict[int, list[Message]] | None:
    """The client's messages paired with each counselor line (by position): first those that answered it (its txn
    id in `answered`), then those that answered no line (a nudge in a silence, a late greeting, a goodbye, a line
    said before the records began) in the order they came after it. None without `answered` (pair by position).

    The records are the client's lines in the order they were said, so they go with the client's messages by
    count from the end: a session begun before they were kept has its first lines unrecorded (paired by
    position), and a line stored with its text tidied keeps its record."""
    if not answered:
        return None
    line_at = {m.txn_id: n for n, m in enumerate(messages) if m.sender is Sender.COUNSELOR and m.txn_id}
    clients = [n for n, m in enumerate(messages) if m.sender is Sender.CLIENT]
    records = list(answered)[-len(clients):] if clients else []
    record_of = dict(zip(clients[len(clients) - len(records):], records))
    answering: dict[int, list[Message]] = {}
    after: dict[int, list[Message]] = {}
    last_line = None
    for position, message in enumerate(messages):
        if message.sender is not Sender.CLIENT:
            last_line = position
            continue
        txn = record_of.get(position, ("", ""))[1]
        if txn in line_at:
            answering.setdefault(line_at[txn], []).append(message)
        elif last_line is not None:
            after.setdefault(last_line, []).append(message)
    return {line: answering.get(line, []) + after.get(line, []) for line in set(answering) | set(after)}


def _effect(reply: str, opened: set[str], closed: set[str]) -> str:
    if not reply:
        return ""
    return "opened" if reply in opened else "closed" if reply in closed else ""


def _disclosure(messages: list[Message], persona, screener_item: str) -> tuple[Message | None, str]:
    """The client's first message that discloses the risk: a simulated client's reveal line, or its yes to a screener
    question (its hints do not count); with no persona (a real client), the first message the risk detector marked."""
    risk = getattr(persona, "risk", None) if persona is not None else None
    answers = getattr(persona, "answers", None) or {}
    yes_lines = {answers[q] for q in SCREENER_QUESTIONS if q in answers and truth_of(persona, q)}
    for message in messages:
        if message.sender is not Sender.CLIENT or message.redacted:
            continue
        if persona is not None:
            if risk is not None and message.text == risk.reveal:
                return message, persona.hidden_flag
            if message.text in yes_lines:
                return message, screener_item
        elif message.flags:
            return message, message.flags[0]
    return None, ""


def analyse(messages: list[Message], persona, *, flags: Sequence[FlagEvent] = (),
            script_ids: AbstractSet[int] = frozenset(), quick_replies: Sequence[str] = (),
            note: dict[str, str] | None = None, ended_at: float | None = None,
            screener_item: str = "suicide", answered: Sequence[tuple[str, str]] = ()) -> FeedbackReport:
    """The report for one session's transcript (`messages`, oldest first) against its persona (None: a real client).

    `flags` are the red flags ticked (with their time and screener answers), `script_ids` the ids of the messages
    that were the app's red-flag scripts, `quick_replies` the quick reply texts (with placeholders), `note` the
    session note's fields, `ended_at` when the session ended (how long a last client message went unanswered).
    `answered` is what a simulated client said, in order, each with the txn id of the counselor's line it answered:
    a line is then paired with its own answers even when the trainee wrote again before the client had answered.
    Without it (a real client) a line is paired with the client's messages that came right after it."""
    messages = [m for m in messages if m.sender is not Sender.SYSTEM]
    start = messages[0].ts if messages else 0.0
    disclosure, crisis_item = _disclosure(messages, persona, screener_item)
    quick = [template_pattern(text) for text in quick_replies if text.strip()]
    facts = getattr(persona, "facts", ()) if persona is not None else ()
    opened = {f.text for f in facts} | _lines(persona, "answers") | _lines(persona, "upset")
    if getattr(persona, "risk", None) is not None:
        opened.add(persona.risk.reveal)
    closed = _lines(persona, "closed") | _lines(persona, "deny") | _lines(persona, "risk_no")
    # the end of safety planning: the trainee's last line after the disclosure that assesses, plans or refers
    crisis_end = None
    if disclosure is not None:
        crisis_end = max((m.ts for m in messages if m.sender is Sender.COUNSELOR and m.ts >= disclosure.ts and (
            m.id in script_ids or safety_steps(m.text) or assesses_safety(m.text) or SERVICE.search(m.text)
            or risk_question(m.text, statements=True) == "direct")), default=None)
        if crisis_end is None:
            crisis_end = max(ended_at or 0.0, messages[-1].ts)

    disclosed_at = messages.index(disclosure) if disclosure is not None else len(messages)

    def in_crisis(position: int) -> bool:
        return crisis_end is not None and disclosed_at <= position and messages[position].ts <= crisis_end

    answers_to = _answers(messages, answered)
    turns: list[Turn] = []
    waits: list[Wait] = []
    waiting: int | None = None  # the position of the first client message not yet answered
    last_client = ""  # the client's last message that said something (what a reflection would say back)
    for position, message in enumerate(messages):
        if message.sender is Sender.CLIENT:
            if waiting is None:
                waiting = position
            if message.text not in closed and len(message.text.split()) >= 5:
                last_client = message.text
            continue
        latency = None if waiting is None else message.ts - messages[waiting].ts
        if waiting is not None:
            limit = CRISIS_LATENCY_SECONDS if in_crisis(waiting) else LATENCY_NORM_SECONDS
            if latency is not None and latency > limit:
                waits.append(Wait(messages[waiting].ts - start, latency, messages[waiting].text, in_crisis(waiting)))
        waiting = None
        if answers_to is not None:
            answers = answers_to.get(position, [])
        else:
            answers = []
            for later in messages[position + 1:]:
                if later.sender is not Sender.CLIENT:
                    break
                answers.append(later)
        reply = answers[0].text if answers else ""
        more = tuple((m.ts - start, m.text) for m in answers[1:])
        source = "script" if message.id in script_ids else \
            "quick_reply" if any(p.fullmatch(message.text.strip()) for p in quick) else "own"
        code = code_utterance(message.text)
        kind = risk_question(message.text, statements=True) or ""
        crisis = in_crisis(position)
        after = position > disclosed_at
        judging = judges(message.text)
        safe = safety_line(message.text)
        weak = source == "own" and kind != "direct" and (
            kind in ("leading", "shaming") or judging or code in (Code.ADVICE, Code.CONFRONT)
            or (code is Code.CLOSED_QUESTION and not (assesses_safety(message.text) or (after and safe)
                                                      or seeks_collaboration(message.text))))
        if after and code is Code.ADVICE and safe and not judging:
            weak = False  # in a crisis, planning safety and referring are what is called for
        alternative = suggest(message.text, code, kind, last_client, after_disclosure=after, judging=judging) \
            if weak else None
        turns.append(Turn(len(turns) + 1, message.text, code, latency, message.ts - start, source, kind, crisis, reply,
                          more, after, _effect(reply, opened, closed), weak, alternative))
    if waiting is not None:
        end = max(ended_at or 0.0, messages[-1].ts)
        first = messages[waiting]
        limit = CRISIS_LATENCY_SECONDS if in_crisis(waiting) else LATENCY_NORM_SECONDS
        if end - first.ts > limit:
            waits.append(Wait(first.ts - start, end - first.ts, first.text, in_crisis(waiting), False))
    counted = [t for t in turns if t.source != "script"]
    counts = _counts([t for t in counted if not t.in_crisis])
    questions = counts["open_question"] + counts["closed_question"]
    reflections = counts["simple_reflection"] + counts["complex_reflection"]
    ratio = reflections / questions if questions else (None if not reflections else float(reflections))
    complex_percent = 100.0 * counts["complex_reflection"] / reflections if reflections else None
    hints = {f.text for f in facts if f.hint}
    hint = next((m for m in messages if m.sender is Sender.CLIENT and m.text in hints), None)
    session = SessionFacts(start=start, persona=persona, turns=turns, disclosure=disclosure, crisis_item=crisis_item,
                           flags=list(flags), note=note or {}, waits=waits, screener_item=screener_item, hint=hint)
    scored = score(session)
    return FeedbackReport(
        counts=counts, reflection_ratio=ratio, complex_percent=complex_percent,
        ratio_level=_level(ratio, FAIR[0], GOOD[0]), complex_level=_level(complex_percent, FAIR[1], GOOD[1]),
        turns=turns, slow_turns=[t.index for t in turns if t.latency_seconds and t.latency_seconds > (
            CRISIS_LATENCY_SECONDS if t.in_crisis else LATENCY_NORM_SECONDS)],
        hidden_flag=getattr(persona, "hidden_flag", "") if persona is not None else "",
        crisis_counts=_counts([t for t in counted if t.in_crisis]), crisis_item=crisis_item,
        disclosure_offset=None if disclosure is None else disclosure.ts - start,
        disclosure_text=disclosure.text if disclosure is not None else "",
        crisis_end_offset=None if crisis_end is None else crisis_end - start, waits=waits,
        rubric=scored.items, critical=scored.critical, screener=scored.screener,
        screener_correct=scored.screener_correct, safety_plan_steps=scored.safety_plan_steps,
        referral_named=any(SERVICE.search(t.text) for t in turns),
        willingness_checked=any(WILLING.search(t.text) for t in turns),
    )
