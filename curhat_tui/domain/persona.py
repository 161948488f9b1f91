"""Scripted practice clients: what they disclose depends on how the counselor listens and what they ask.

Open questions, reflections and affirmations raise a persona's openness; unasked advice
and judgement lower it and get a closed reply. A reply follows what was asked: a
question about sleep gets the persona's sleep fact once it is open enough for it, else
the next fact in order. The hidden red flag comes out only to a real, non-leading
question about it once enough rapport is built (or to very high rapport alone); a
leading question ("nggak ... kan?", "jangan aneh-aneh") or a shaming one gets a denial
and costs openness, and probe words in advice unlock nothing. After the disclosure the
client answers assessment questions (the C-SSRS screener, plan, means, whereabouts,
companions, protective factors, the safety-plan steps, a referral) from its
`[persona.answers]`, in its own voice, as its `[persona.truth]` says. The first line
greets by the local time of day. Everything is deterministic given the seed, the
difficulty, the clock and the counselor's messages.

The data types (and the day's arrivals and typing times) live in persona_model.py, the question classifiers
in persona_ask.py and the optional language-model voice in persona_voice.py; they are re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from curhat_tui.domain.coding import OPENNESS_DELTA, Code, code_utterance, question_manner, risk_question
from curhat_tui.domain.persona_ask import NEAREST, assessment_of, topic_of
from curhat_tui.domain.persona_model import (  # noqa: F401 - re-exported
    ANSWER_KEYS,
    DIFFICULTIES,
    NORMAL,
    SCREENER_KEYS,
    TOPICS,
    Arrival,
    Difficulty,
    Fact,
    HiddenRisk,
    Persona,
    PersonaState,
    Reply,
    Truth,
    arrival_schedule,
    difficulty,
    fact_threshold,
    screener_truth,
    typing_seconds,
)
from curhat_tui.domain.persona_voice import (  # noqa: F401 - re-exported
    MAX_VOICED_CHARS,
    check_voiced,
    keep_verbatim,
    language_of,
    locked_lines,
    tidy_voiced,
    unlocked_lines,
    voice_prompt,
)

TOPIC_LEEWAY = 2  # a question about a fact's topic reaches it this much sooner than waiting for it in order
SPLIT_AT = 120  # a longer reply (not a clinical cue) goes out as two messages in a row
_SELF_RISK_FLAGS = ("suicide", "self_harm")  # hidden flags a generic suicide/self-harm question is about
_CASUAL = {"id": ("pagi", "siang", "sore", "malem"), "en": ("good morning", "good afternoon", "good afternoon",
                                                           "good evening")}
_FORMAL = {"id": ("pagi", "siang", "sore", "malam"), "en": ("morning", "afternoon", "afternoon", "evening")}


def part_of_day(hour: int) -> int:
    """0 morning (before 11), 1 midday (before 15), 2 afternoon (before 18), 3 evening and night."""
    return 0 if 5 <= hour < 11 else 1 if 11 <= hour < 15 else 2 if 15 <= hour < 18 else 3


def first_line(persona: Persona, hour: int) -> str:
    """The client's first message at this local hour: a time-of-day greeting, then the opening.

    `greeting` "kak" gives "malem kak. <opening>"; one with {time} is a template taking the formal
    word ("selamat {time} kak" -> "selamat malam kak"); "" means the opening needs no time greeting."""
    if not persona.greeting:
        return persona.opening
    lang = persona.lang if persona.lang in _CASUAL else "id"
    part = part_of_day(hour)
    if "{time}" in persona.greeting:
        greet = persona.greeting.replace("{time}", _FORMAL[lang][part])
    else:
        greet = f"{_CASUAL[lang][part]} {persona.greeting}"
    return f"{greet}. {persona.opening}"


def nudge_line(persona: Persona, count: int) -> str:
    """What the client writes after the counselor has been silent a while (the count-th time)."""
    lines = persona.nudge or persona.neutral
    return lines[count % len(lines)]


def leave_line(persona: Persona) -> str:
    """The client's last line before it leaves a silent chat."""
    return persona.leave or persona.closed[0]


def ask_threshold(persona: Persona, level: Difficulty = NORMAL) -> int:
    """The openness at which a direct, non-leading question about the hidden risk is answered truly."""
    base = max(1, persona.risk.openness - 4) if persona.risk else 3
    return max(0, base + level.risk_shift)


def answer_line(persona: Persona, key: str) -> tuple[str, str]:
    """(key, line) the persona answers an assessment question with: its own line, else the nearest it has."""
    for candidate in (key, *NEAREST.get(key, ())):
        if persona.answers.get(candidate):
            return candidate, persona.answers[candidate]
    return "", ""


@dataclass(frozen=True)
class _Asked:
    code: Code
    key: str  # assessment question asked ('' none)
    manner: str | None  # how a question about the risk was asked (direct/leading/shaming), None if not one
    hidden: bool  # ... about the risk this persona hides


def _asked(persona: Persona, text: str, code: Code) -> _Asked:
    key = assessment_of(text)
    manner, hidden = None, False
    self_risk = risk_question(text)
    if self_risk is None and key in SCREENER_KEYS:
        self_risk = question_manner(text)
    probed = bool(persona.risk and any(p.search(text.lower()) for p in persona.risk.probe))
    probe = question_manner(text) if probed else None
    found = [(m, about) for m, about in ((self_risk, persona.hidden_flag in _SELF_RISK_FLAGS), (probe, True))
             if m is not None and not (m == "direct" and code in (Code.ADVICE, Code.CONFRONT))]
    found = [f for f in found if f[0] != "direct"] or found  # a leading or shaming manner outweighs a direct one
    if found:  # a probe word in advice or in a statement unlocks nothing
        manner, hidden = found[0][0], any(about for _, about in found)
    return _Asked(code, key, manner, hidden)


def respond(persona: Persona, state: PersonaState, counselor_text: str, level: Difficulty = NORMAL) -> Reply:
    """Advance the persona's state by one counselor message and return what it says back."""
    code = code_utterance(counselor_text)
    state.turns += 1
    state.codes.append(code.value)
    delta = OPENNESS_DELTA[code]
    if delta < 0:
        delta = int(delta * level.penalty)
    state.openness = max(-3, state.openness + delta)
    asked = _asked(persona, counselor_text, code)
    risk = persona.risk
    if asked.manner in ("leading", "shaming"):
        state.openness = max(-3, state.openness + int((-1 if asked.manner == "leading" else -2) * level.penalty))
        state.denied += 1
        if asked.hidden or state.risk_revealed or (risk and not state.risk_revealed and asked.key):
            return Reply(_deny(persona, state), code, more=_upset(persona, state, asked.manner == "shaming"),
                         answered="deny")
        return Reply(persona.risk_no, code, answered="deny")
    if asked.key and (state.risk_revealed or not (risk or getattr(persona.truth, asked.key, False))):
        key, line = answer_line(persona, asked.key)  # (a client with nothing hidden may say its lines any time)
        if line:
            if key not in state.asked:
                state.asked.append(key)
            return Reply(line, code, answered=key)
    if risk and not state.risk_revealed:
        direct = asked.manner == "direct" and asked.hidden
        if direct and state.openness >= ask_threshold(persona, level):  # rapport AND a real question: never one alone
            state.risk_revealed = True
            return Reply(risk.reveal, code, revealed_flag=persona.hidden_flag, more=_upset(persona, state, True))
        if direct:  # asked well, but too early: the client plays it down
            return Reply(_deny(persona, state), code, answered="guarded")
    if asked.manner == "direct" and not asked.hidden:
        return _screen(persona, state, asked.key, code, level)
    if code in (Code.ADVICE, Code.CONFRONT):
        line = persona.closed[state.closed_index % len(persona.closed)]
        state.closed_index += 1
        return Reply(line, code, more=_upset(persona, state, code is Code.CONFRONT and state.risk_revealed))
    index = _next_fact(persona, state, topic_of(counselor_text), level)
    if index is not None:
        fact = persona.facts[index]
        state.told.append(index)
        state.revealed = len(state.told)
        if fact.hint:
            return Reply(fact.text, code, hint=fact.hint)
        first, *rest = split_message(fact.text)
        return Reply(first, code, more=tuple(rest))
    line = persona.neutral[state.neutral_index % len(persona.neutral)]
    state.neutral_index += 1
    return Reply(line, code)


def _screen(persona: Persona, state: PersonaState, key: str, code: Code, level: Difficulty) -> Reply:
    """A direct question about suicide to a client who does not hide it: the truth, in voice (a yes only to
    enough rapport), else its plain no."""
    if key in SCREENER_KEYS:
        found, line = answer_line(persona, key)
        truly = getattr(persona.truth, key, False)
        if line and (not truly or state.openness >= ask_threshold(persona, level)):
            if found not in state.asked:
                state.asked.append(found)
            return Reply(line, code, answered=found)
    return Reply(persona.risk_no, code, answered="risk_no")


def _next_fact(persona: Persona, state: PersonaState, topic: str, level: Difficulty) -> int | None:
    """The fact to tell now: the first untold one about what was asked that is open enough (with leeway),
    else the next untold one in order if it is open enough."""
    untold = [i for i in range(len(persona.facts)) if i not in state.told]
    if topic:
        for i in untold:
            fact = persona.facts[i]
            if fact.topic == topic and state.openness >= fact_threshold(fact, level) - TOPIC_LEEWAY:
                return i
    if untold and state.openness >= fact_threshold(persona.facts[untold[0]], level):
        return untold[0]
    return None


def _deny(persona: Persona, state: PersonaState) -> str:
    lines = persona.deny or (persona.risk_no,)
    line = lines[state.deny_index % len(lines)]
    state.deny_index += 1
    return line


def _upset(persona: Persona, state: PersonaState, upset: bool) -> tuple[str, ...]:
    """One extra message an upset client sends right after (none when the persona has no upset lines)."""
    if not upset or not persona.upset:
        return ()
    line = persona.upset[state.upset_index % len(persona.upset)]
    state.upset_index += 1
    return (line,)


def split_message(text: str) -> list[str]:
    """A long line as two chat messages, split at the sentence end nearest its middle."""
    if len(text) <= SPLIT_AT:
        return [text]
    ends = [m.end() for m in re.finditer(r"[.!?]+\s+", text)]
    if not ends:
        return [text]
    cut = min(ends, key=lambda end: abs(end - len(text) / 2))
    return [text[:cut].strip(), text[cut:].strip()]
