"""What a simulated practice client is (schema v2, see data/personas.toml's header) and what the engine
remembers about one session with it, and when practice clients arrive and how long they type (what the practice
channel needs before anyone speaks). The engine itself is domain/persona.py."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from curhat_tui.domain.coding import Code
from curhat_tui.domain.models import Risk, Tier, fill
from curhat_tui.domain.patterns import LazyPattern

TOPICS = (
    "feelings", "sleep", "eating", "family", "partner", "children", "work", "study", "money", "debt", "friends",
    "health", "body", "faith", "substance", "gambling", "sexuality", "school", "online", "violence", "voices",
    "safety", "past", "future", "help",
)
SCREENER_KEYS = ("q1", "q2", "q3", "q4", "q5", "q6", "q6b")
SAFETY_PLAN_KEYS = ("warning_signs", "coping", "distraction", "help_people", "professionals", "means_safety")
ANSWER_KEYS = (*SCREENER_KEYS, "plan", "means", "whereabouts", "companions", "protective", *SAFETY_PLAN_KEYS,
               "referral_yes")
REFERRALS = ("willing", "hesitant", "refuses")


@dataclass(frozen=True)
class Fact:
    openness: int
    text: str
    hint: str = ""
    topic: str = ""  # one of TOPICS, or "" (told only in order)


@dataclass(frozen=True)
class Truth:
    """Ground truth for the C-SSRS screener (past month) and the referral: what the client would answer."""

    q1: bool = False  # wish to be dead
    q2: bool = False  # thoughts of killing oneself
    q3: bool = False  # thought about how
    q4: bool = False  # some intention of acting
    q5: bool = False  # worked out details, a plan
    q6: bool = False  # ever done, started or prepared anything to end their life
    q6b: bool = False  # ... within the past three months
    referral: str = ""  # willing | hesitant | refuses ("" for an old persona without truth)

    def screener(self) -> dict[str, bool]:
        """The screener answers the client would give, q1..q6b."""
        return {key: getattr(self, key) for key in SCREENER_KEYS}


@dataclass(frozen=True)
class Difficulty:
    """How hard a simulated client is to reach; `normal` is the persona exactly as written.

    Thresholds shift the openness a disclosure needs; `penalty` scales the openness lost
    to unasked advice and judgement (truncated toward zero, so easy forgives a single
    piece of advice); `patience` scales the minutes a client waits in the queue;
    `typing` scales typing speed (a faster client leaves the trainee less time to think);
    in a session the client nudges after `nudge_seconds` of the counselor's silence and
    leaves after `leave_seconds`.
    """

    id: str
    fact_shift: int  # added to every disclosure's threshold: how guarded the client is
    hint_shift: int  # added on top for the hidden flag's hint lines: how soon hints surface
    risk_shift: int  # added to the hidden risk's reveal thresholds
    penalty: float
    patience: float
    typing: float
    nudge_seconds: float = 90.0
    leave_seconds: float = 240.0


DIFFICULTIES: dict[str, Difficulty] = {
    "easy": Difficulty("easy", fact_shift=0, hint_shift=-1, risk_shift=-2, penalty=0.5, patience=1.5, typing=0.8,
                       nudge_seconds=120.0, leave_seconds=360.0),
    "normal": Difficulty("normal", fact_shift=0, hint_shift=0, risk_shift=0, penalty=1.0, patience=1.0, typing=1.0,
                         nudge_seconds=90.0, leave_seconds=240.0),
    "hard": Difficulty("hard", fact_shift=1, hint_shift=1, risk_shift=2, penalty=2.0, patience=0.7, typing=1.3,
                       nudge_seconds=60.0, leave_seconds=180.0),
}
NORMAL = DIFFICULTIES["normal"]


def difficulty(level: str | None) -> Difficulty:
    """The named difficulty; an unknown or empty name is `normal`."""
    return DIFFICULTIES.get(level or "normal", NORMAL)


@dataclass(frozen=True)
class HiddenRisk:
    probe: tuple[re.Pattern[str] | LazyPattern, ...]  # LazyPattern when loaded for the app (config.persona_data)
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
    # schema v2 (an old persona without them gets these fallbacks)
    region: str = ""
    age: int = 0
    lang: str = "id"
    variant_of: str = ""
    greeting: str = ""  # address word before the time word ("kak" -> "malem kak"); "" = no time greeting
    nudge: tuple[str, ...] = ()
    leave: str = ""
    deny: tuple[str, ...] = ()
    upset: tuple[str, ...] = ()
    truth: Truth = Truth()
    answers: dict[str, str] = field(default_factory=dict)
    source: str = ""  # the file it was read from

    @property
    def adolescent(self) -> bool:
        return 0 < self.age < 18


def screener_truth(persona: Persona) -> dict[str, bool]:
    """What the persona would answer to each C-SSRS screener question (q1..q6b): for the report to compare
    with what the trainee recorded. A persona without truth answers no to everything."""
    return persona.truth.screener()


@dataclass
class PersonaState:
    """Everything the engine remembers about one simulated session; JSON-friendly."""

    openness: int = 0
    revealed: int = 0  # how many facts were told (len(told))
    told: list[int] = field(default_factory=list)  # indices of the facts told, in the order told
    risk_revealed: bool = False
    turns: int = 0
    neutral_index: int = 0
    closed_index: int = 0
    deny_index: int = 0
    upset_index: int = 0
    denied: int = 0  # leading or shaming risk questions met with a denial
    asked: list[str] = field(default_factory=list)  # assessment keys answered after the disclosure
    codes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.revealed and not self.told:  # "the first n facts told" (older state, tests)
            self.told = list(range(self.revealed))

    def to_dict(self) -> dict:
        return {key: list(value) if isinstance(value, list) else value for key, value in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict | None) -> "PersonaState":
        state = fill(cls(), data)
        if state.revealed and not state.told:  # a session stored before facts were told by topic
            state.told = list(range(state.revealed))
        return state


@dataclass(frozen=True)
class Reply:
    text: str
    code: Code
    hint: str = ""
    revealed_flag: str = ""
    more: tuple[str, ...] = ()  # further messages sent right after, in a row (an upset client)
    answered: str = ""  # the assessment key this line answers (q1.., plan, means...), or "" / "deny"


def fact_threshold(fact: Fact, level: Difficulty = NORMAL) -> int:
    """The openness a disclosure needs at this difficulty."""
    return fact.openness + level.fact_shift + (level.hint_shift if fact.hint else 0)


# ---- when the clients of a practice day arrive, and how long they take to type ----------------------------
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
