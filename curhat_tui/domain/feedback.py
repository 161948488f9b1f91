"""The trainee's feedback report after a practice session (heuristic MITI-style coding).

Counts of questions, reflections, affirmations, unasked advice and confronting lines;
the reflection-to-question ratio and the share of complex reflections against the
MITI 4.2.1 thresholds (fair 1:1 and 40%, good 2:1 and 50%); reply latency against a
3-minute norm; whether the hidden red flag was caught (a direct risk question within
three of the trainee's turns after the first hint); whether a referral was made (a
concrete service named and the client's willingness checked); and a better line for
each weak one. The codes come from a keyword heuristic, not certified coding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curhat_tui.domain.coding import Code, code_utterance
from curhat_tui.domain.models import Message, Sender
from curhat_tui.domain.persona import Persona

LATENCY_NORM_SECONDS = 180
CATCH_WINDOW_TURNS = 3
FAIR = (1.0, 40.0)
GOOD = (2.0, 50.0)
WEAK = (Code.ADVICE, Code.CONFRONT, Code.CLOSED_QUESTION)
_SERVICE = re.compile(r"\b(119|112|129|sejiwa|healing119|igd|jakcare|sapa|puskesmas|psikolog|psikiater|"
                      r"rumah sakit|dinas sosial|hotline)\b", re.IGNORECASE)
_WILLING = re.compile(r"\b(bersedia|mau (mencoba|menghubungi|coba|nelpon|menelepon)|apakah kamu mau|kamu mau|"
                      r"maukah|siap (menghubungi|mencoba)|willing|would you)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    index: int
    text: str
    code: Code
    latency_seconds: float | None


@dataclass
class FeedbackReport:
    counts: dict[str, int]
    reflection_ratio: float | None
    complex_percent: float | None
    ratio_level: str
    complex_level: str
    turns: list[Turn]
    slow_turns: list[int]
    hidden_flag: str
    first_hint_turn: int | None
    caught: bool | None
    referral_named: bool
    willingness_checked: bool
    weak: list[Turn] = field(default_factory=list)

    @property
    def referral_made(self) -> bool:
        return self.referral_named and self.willingness_checked


def _level(value: float | None, fair: float, good: float) -> str:
    if value is None:
        return "none"
    return "good" if value >= good else "fair" if value >= fair else "below"


def analyse(messages: list[Message], persona: Persona | None) -> FeedbackReport:
    turns: list[Turn] = []
    last_client_ts: float | None = None
    hint_texts = {f.text for f in persona.facts if f.hint} if persona else set()
    first_hint_turn: int | None = None
    for message in messages:
        if message.sender is Sender.CLIENT:
            if last_client_ts is None:
                last_client_ts = message.ts
            if message.text in hint_texts and first_hint_turn is None:
                first_hint_turn = len(turns)  # counselor turns before the hint
        elif message.sender is Sender.COUNSELOR:
            latency = None if last_client_ts is None else message.ts - last_client_ts
            turns.append(Turn(len(turns) + 1, message.text, code_utterance(message.text), latency))
            last_client_ts = None
    counts = {code.value: 0 for code in Code}
    for turn in turns:
        counts[turn.code.value] += 1
    questions = counts["open_question"] + counts["closed_question"]
    reflections = counts["simple_reflection"] + counts["complex_reflection"]
    ratio = reflections / questions if questions else (None if not reflections else float(reflections))
    complex_percent = 100.0 * counts["complex_reflection"] / reflections if reflections else None
    caught: bool | None = None
    if persona and persona.hidden_flag and persona.risk:
        if first_hint_turn is not None:
            window = turns[first_hint_turn:first_hint_turn + CATCH_WINDOW_TURNS]
            caught = any(p.search(t.text) for t in window for p in persona.risk.probe)
        else:
            caught = False
    return FeedbackReport(
        counts=counts, reflection_ratio=ratio, complex_percent=complex_percent,
        ratio_level=_level(ratio, FAIR[0], GOOD[0]), complex_level=_level(complex_percent, FAIR[1], GOOD[1]),
        turns=turns, slow_turns=[t.index for t in turns if t.latency_seconds and t.latency_seconds > LATENCY_NORM_SECONDS],
        hidden_flag=persona.hidden_flag if persona else "", first_hint_turn=first_hint_turn, caught=caught,
        referral_named=any(_SERVICE.search(t.text) for t in turns),
        willingness_checked=any(_WILLING.search(t.text) for t in turns),
        weak=[t for t in turns if t.code in WEAK],
    )
