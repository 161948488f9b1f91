"""Scripted practice clients: what they disclose depends on what the counselor writes.

Open questions, reflections and affirmations raise a persona's openness and unlock
its next disclosure; unasked advice and judgement lower it and get a closed reply.
A hidden red flag is revealed only to a direct question about it, or once good
listening has raised openness far enough. Everything is deterministic given the
seed, the difficulty and the counselor's messages.

The engine alone decides what a client may say. An optional language model (see
`channels/llm_voice.py`) only rephrases the line chosen here: `voice_prompt` gives it
the facts already disclosed and nothing else, and `check_voiced` rejects a rephrasing
that is too long, in the wrong language, or touches something still locked.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from curhat_tui.domain.coding import OPENNESS_DELTA, Code, code_utterance
from curhat_tui.domain.models import Risk, Tier, fill

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
class Difficulty:
    """How hard a simulated client is to reach; `normal` is the persona exactly as written.

    Thresholds shift the openness a disclosure needs; `penalty` scales the openness lost
    to unasked advice and judgement (truncated toward zero, so easy forgives a single
    piece of advice); `patience` scales the minutes a client waits in the queue;
    `typing` scales typing speed (a faster client leaves the trainee less time to think).
    """

    id: str
    fact_shift: int  # added to every disclosure's threshold: how guarded the client is
    hint_shift: int  # added on top for the hidden flag's hint lines: how soon hints surface
    risk_shift: int  # added to the hidden risk's reveal threshold (a direct question always works)
    penalty: float
    patience: float
    typing: float


DIFFICULTIES: dict[str, Difficulty] = {
    "easy": Difficulty("easy", fact_shift=0, hint_shift=-1, risk_shift=-2, penalty=0.5, patience=1.5, typing=0.8),
    "normal": Difficulty("normal", fact_shift=0, hint_shift=0, risk_shift=0, penalty=1.0, patience=1.0, typing=1.0),
    "hard": Difficulty("hard", fact_shift=1, hint_shift=1, risk_shift=2, penalty=2.0, patience=0.7, typing=1.3),
}
NORMAL = DIFFICULTIES["normal"]


def difficulty(level: str | None) -> Difficulty:
    """The named difficulty; an unknown or empty name is `normal`."""
    return DIFFICULTIES.get(level or "normal", NORMAL)


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


def fact_threshold(fact: Fact, level: Difficulty = NORMAL) -> int:
    """The openness a disclosure needs at this difficulty."""
    return fact.openness + level.fact_shift + (level.hint_shift if fact.hint else 0)


def respond(persona: Persona, state: PersonaState, counselor_text: str, level: Difficulty = NORMAL) -> Reply:
    """Advance the persona's state by one counselor message and return what it says back."""
    code = code_utterance(counselor_text)
    state.turns += 1
    state.codes.append(code.value)
    delta = OPENNESS_DELTA[code]
    if delta < 0:
        delta = int(delta * level.penalty)
    state.openness = max(-3, state.openness + delta)
    risk = persona.risk
    if risk and not state.risk_revealed:
        probed = any(p.search(counselor_text) for p in risk.probe)
        if probed or state.openness >= risk.openness + level.risk_shift:
            state.risk_revealed = True
            return Reply(risk.reveal, code, revealed_flag=persona.hidden_flag)
    if _SUICIDE_PROBE.search(counselor_text) and persona.hidden_flag != "suicide":
        return Reply(persona.risk_no, code)
    if code in (Code.ADVICE, Code.CONFRONT):
        line = persona.closed[state.closed_index % len(persona.closed)]
        state.closed_index += 1
        return Reply(line, code)
    if state.revealed < len(persona.facts) and state.openness >= fact_threshold(persona.facts[state.revealed], level):
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


# ---- an optional language-model voice: what it may know and what it may not say ----------

MAX_VOICED_CHARS = 320
LANGUAGE_NAMES = {"id": "informal Indonesian (chat style, like the examples)", "en": "casual English"}

_TOKEN = re.compile(r"[^\W_]+(?:'[a-z]+)?", re.UNICODE)
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_PREFIX = re.compile(r"^\s*(?:klien|client|assistant|asisten)\s*:\s*", re.IGNORECASE)
_ID_WORDS = frozenset(
    "aku gue gua gw kak kakak yang dan di ke dari ini itu ga gak nggak enggak engga tidak udah sudah banget aja "
    "saja sih ya kok lagi sama jadi tapi mau bisa karena soalnya kalau kalo buat untuk juga masih belum pernah "
    "ada apa gimana kenapa dia mereka kita kami kamu lo lu deh dong nih tuh jujur makasih terima kasih iya "
    "emang gitu gini kayak kaya pengen pingin cuma doang bikin udh gak tau tahu rasanya".split())
_EN_WORDS = frozenset(
    "the and i i'm you is are was were it it's to that this of my me but just so what have has don't can't "
    "not with for about really feel like know because been being they them he she we our your there would "
    "could should i've i'd didn't doesn't yeah thanks thank".split())
# chat words long enough to look like content but telling nothing about a person
_COMMON = frozenset(
    "banget sekarang kayaknya beneran gimana padahal soalnya makanya pokoknya sebenernya sebenarnya kadang "
    "langsung ketemu rasanya pengen pingin sendiri kenapa karena tentang sampai sampe terus mikir kepikiran "
    "gitu ngerasa merasa perasaan cerita ceritanya semua apalagi udahan lagian pernah belum makin jadinya "
    "capek stres bingung takut sedih susah berat lumayan malah emang memang tiap setiap waktu minggu bulan "
    "tahun hari malam pagi orang temen teman kerja kerjaan rumah".split())


def unlocked_lines(persona: Persona, state: PersonaState) -> list[str]:
    """What the client has already told: the only facts a language model may be shown."""
    told = [fact.text for fact in persona.facts[:state.revealed]]
    if persona.risk and state.risk_revealed:
        told.append(persona.risk.reveal)
    return told


def locked_lines(persona: Persona, state: PersonaState) -> list[str]:
    """What the client has not told yet: never shown to a model, and checked against what it writes."""
    locked = [fact.text for fact in persona.facts[state.revealed:]]
    if persona.risk and not state.risk_revealed:
        locked.append(persona.risk.reveal)
    return locked


def keep_verbatim(reply: Reply) -> bool:
    """Hint lines and the risk reveal are authored clinical cues (the feedback report finds the
    hint by its exact text): a model never rephrases them."""
    return bool(reply.hint or reply.revealed_flag)


def voice_prompt(persona: Persona, state: PersonaState, line: str, lang: str,
                 history: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Chat messages asking a model to say `line` as this client; `history` is (sender, text), oldest first.

    Only the persona's profile, its already-disclosed facts, its style lines and the
    transcript go in: a fact still locked in `state` never reaches the model.
    """
    examples = [persona.opening, *persona.neutral[:3], *persona.closed[:2]]
    told = unlocked_lines(persona, state)
    parts = [
        'You play a client of an Indonesian online counseling ("curhat") chat service, so that a trainee '
        f'counselor can practise. Your chat name is "{persona.alias}". You came because: {persona.topic}',
        f"Write ONLY your next chat message, in {LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES['id'])}.",
    ]
    if lang == "id":
        parts.append("How you write (examples): " + " | ".join(examples))
    parts.append(f'Your next message says this, in your own words, and nothing more: "{line}"')
    if told:
        parts.append("What you have told the counselor so far (you may refer to it):\n"
                     + "\n".join(f"- {text}" for text in told))
    parts.append(
        "Rules: add no new fact about your life, people, places, numbers, health or feelings beyond that "
        "message and what you have told so far. Give no advice. Never say you are an AI or role-playing. "
        f"At most {MAX_VOICED_CHARS} characters, one message, no quotation marks, no name before it.")
    messages = [{"role": "system", "content": "\n\n".join(parts)}]
    for sender, text in history:
        messages.append({"role": "assistant" if sender == "client" else "user", "content": text})
    if not history or history[-1][0] == "client":
        messages.append({"role": "user", "content": "(sesi dimulai)" if not history else "(…)"})
    return messages


def tidy_voiced(text: str) -> str:
    """A model's raw answer as a chat line: reasoning blocks, name prefixes and wrapping quotes removed."""
    text = _THINK.sub("", text)
    if "<think>" in text.lower():
        return ""  # reasoning that never finished: nothing to say
    text = _PREFIX.sub("", text.strip())
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1]
    text = text.strip().strip("“”").strip()
    return re.sub(r"[ \t]+", " ", text)


def language_of(text: str) -> str:
    """'id', 'en', or '' when the text is too short to tell: counts each language's common words."""
    words = [w.lower() for w in _TOKEN.findall(text)]
    ids = sum(w in _ID_WORDS for w in words)
    ens = sum(w in _EN_WORDS for w in words)
    if ids + ens < 2:
        return ""
    return "en" if ens > ids else "id"


def _words(text: str) -> set[str]:
    return {w.lower() for w in _TOKEN.findall(text)}


def _markers(line: str, known: set[str]) -> tuple[set[str], set[str]]:
    """(content words, strong words) of a locked line that the client has not said and that are not small talk.

    Strong words are names and numbers: one of them in a reply is enough to count as a leak.
    """
    content, strong = set(), set()
    for index, raw in enumerate(_TOKEN.findall(line)):
        word = raw.lower()
        if word in known or word in _COMMON or word in _ID_WORDS or word in _EN_WORDS:
            continue
        if any(ch.isdigit() for ch in word) or (raw[0].isupper() and index > 0 and len(word) >= 2):
            strong.add(word)
            content.add(word)
        elif len(word) >= 4:
            content.add(word)
    return content, strong


def check_voiced(persona: Persona, state: PersonaState, voiced: str, line: str, lang: str,
                 history: Sequence[tuple[str, str]] = (), risk_items=None) -> str:
    """Why a model's rephrasing of `line` may not be sent ('' if it may).

    Reasons: 'empty', 'too_long', 'language' (not the session language), 'locked' (it
    touches a fact or the hidden risk the client has not disclosed), 'risk' (it adds a
    risk phrase that the scripted line does not have; `risk_items(text)` lists them).
    """
    if not voiced.strip():
        return "empty"
    if len(voiced) > MAX_VOICED_CHARS:
        return "too_long"
    if language_of(voiced) not in ("", lang):
        return "language"
    known_text = " ".join([persona.topic, persona.opening, persona.intake_risk, persona.thanks, persona.risk_no,
                           line, *persona.neutral, *persona.closed, *unlocked_lines(persona, state),
                           *(text for _, text in history)])
    known = _words(known_text)
    said = _words(voiced)
    for locked in locked_lines(persona, state):
        content, strong = _markers(locked, known)
        hits = content & said
        if hits & strong or len(hits) >= 3:
            return "locked"
    if persona.risk and not state.risk_revealed and any(
            p.search(voiced) and not p.search(known_text) for p in persona.risk.probe):
        return "locked"
    if risk_items is not None and set(risk_items(voiced)) - set(risk_items(line)):
        return "risk"
    return ""
