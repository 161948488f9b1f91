"""Scripted practice clients: what they disclose depends on what the counselor writes.

Open questions, reflections and affirmations raise a persona's openness and unlock
its next disclosure; unasked advice and judgement lower it and get a closed reply.
A hidden red flag is revealed only to a direct question about it, or once good
listening has raised openness far enough. Everything is deterministic given the
seed and the counselor's messages.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .coding import OPENNESS_DELTA, Code, code_utterance
from .models import Risk, Tier, fill

_SUICIDE_PROBE = re.compile(
    r"bunuh diri|mengakhiri hidup|akhiri hidup|pikiran (untuk |buat )?mati|ingin mati|pengen mati|menyakiti diri|"
    r"nyakitin diri|kill (yourself|urself)|suicid|end your life|hurt yourself",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Fact:
    openness: int
    text: str
    hint: str = ""


@dataclass(frozen=True)
class HiddenRisk:
    probe: tuple[re.Pattern[str], ...]
    openness: int
    reveal: str


@dataclass(frozen=True)
class Persona:
    id: str
    alias: str
    tier: Tier
    minutes: int
    topic: str
    intake_risk: str
    intake_risk_level: Risk
    patience_minutes: int
    hidden_flag: str
    opening: str
    neutral: tuple[str, ...]
    closed: tuple[str, ...]
    thanks: str
    risk_no: str
    facts: tuple[Fact, ...]
    risk: HiddenRisk | None = None


@dataclass
class PersonaState:
    """Everything the engine remembers about one simulated session; JSON-friendly."""

    openness: int = 0
    revealed: int = 0
    risk_revealed: bool = False
    turns: int = 0
    neutral_index: int = 0
    closed_index: int = 0
    codes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict | None) -> "PersonaState":
        return fill(cls(), data)


@dataclass(frozen=True)
class Reply:
    text: str
    code: Code
    hint: str = ""
    revealed_flag: str = ""


def respond(persona: Persona, state: PersonaState, counselor_text: str) -> Reply:
    """Advance the persona's state by one counselor message and return what it says back."""
    code = code_utterance(counselor_text)
    state.turns += 1
    state.codes.append(code.value)
    state.openness = max(-3, state.openness + OPENNESS_DELTA[code])
    risk = persona.risk
    if risk and not state.risk_revealed:
        probed = any(p.search(counselor_text) for p in risk.probe)
        if probed or state.openness >= risk.openness:
            state.risk_revealed = True
            return Reply(risk.reveal, code, revealed_flag=persona.hidden_flag)
    if _SUICIDE_PROBE.search(counselor_text) and persona.hidden_flag != "suicide":
        return Reply(persona.risk_no, code)
    if code in (Code.ADVICE, Code.CONFRONT):
        line = persona.closed[state.closed_index % len(persona.closed)]
        state.closed_index += 1
        return Reply(line, code)
    if state.revealed < len(persona.facts) and state.openness >= persona.facts[state.revealed].openness:
        fact = persona.facts[state.revealed]
        state.revealed += 1
        return Reply(fact.text, code, hint=fact.hint)
    line = persona.neutral[state.neutral_index % len(persona.neutral)]
    state.neutral_index += 1
    return Reply(line, code)


def typing_seconds(text: str, rng: random.Random, speed: float) -> float:
    """How long a believable client takes to type `text`; zero when speed is 0 (tests)."""
    if speed <= 0:
        return 0.0
    base = 2.0 + len(text) / 7.0
    return round(base * rng.uniform(0.7, 1.3) / speed, 2)


@dataclass(frozen=True)
class Arrival:
    index: int
    persona_id: str
    offset_seconds: float


def arrival_schedule(persona_ids: list[str], seed: int, count: int = 60, mean_gap: float = 75.0) -> list[Arrival]:
    """Who arrives when, relative to the practice start: the same seed gives the same day."""
    rng = random.Random(seed)
    order: list[str] = []
    while len(order) < count:
        batch = list(persona_ids)
        rng.shuffle(batch)
        order.extend(batch)
    arrivals: list[Arrival] = []
    offset = 0.0
    for index, persona_id in enumerate(order[:count]):
        # the first three arrive at once so a counselor has work from the start
        if index >= 3:
            offset += max(20.0, rng.expovariate(1.0 / mean_gap))
        arrivals.append(Arrival(index, persona_id, offset))
    return arrivals
