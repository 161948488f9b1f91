"""The trainee's curriculum: ordered steps, each a simulated client at a difficulty with pass criteria.

A step names the persona to practise with (`persona`) or the red-flag item it trains (`trains`: any persona
whose hidden flag or `variant_of` is that item will do), a difficulty, and criteria over the figures of the
session's feedback report, written `"<figure> <op> <value>"` ("reflection_ratio >= 1", "flagged == true").
Every figure is named in FIGURES; a criterion on any other name, a bad operator or a value of the wrong kind
is refused when the file is read (CurriculumError), never silently passed over.

A figure the report does not give for a session (None: not measured) fails its criterion: a step is passed
only on what was measured. Pure rules; the file is read in `config`, progress is kept in `storage`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

BOOL = "bool"
NUMBER = "number"

# figure -> (kind, public). Public figures are shown to a trainee in blind mode; the others would say that a
# client carries a risk (a disclosure to flag, a screener to do), so blind mode sums them up for every step alike.
FIGURES: dict[str, tuple[str, bool]] = {
    "reflection_ratio": (NUMBER, True),  # reflections per question (R:Q)
    "complex_percent": (NUMBER, True),  # complex reflections, % of reflections
    "open_questions": (NUMBER, True),
    "reflections": (NUMBER, True),
    "advice": (NUMBER, True),  # unasked advice
    "confront": (NUMBER, True),  # confronting or judging lines
    "slow_turns": (NUMBER, True),  # replies slower than the latency norm
    "turns": (NUMBER, True),  # the trainee's lines
    "flagged": (BOOL, False),  # the persona's hidden red-flag item was ticked in the session
    "referral_made": (BOOL, False),  # a service named and the client's willingness checked
    "critical_miss": (BOOL, False),  # a disclosure unflagged or met with judgement (report rubric)
    "screener_correct": (BOOL, False),  # the screener's recorded answers match the persona's truth (report rubric)
    "safety_plan_steps": (NUMBER, False),  # Stanley-Brown steps covered, 0-6 (report rubric)
}

OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq, "!=": operator.ne}
_CRITERION = re.compile(r"^\s*([a-z_]+)\s*(>=|<=|==|!=|>|<)\s*(true|false|-?\d+(?:\.\d+)?)\s*$")
LEVELS = ("easy", "normal", "hard")


class CurriculumError(ValueError):
    """A curriculum that cannot be used: what is wrong and where (step number and id)."""


@dataclass(frozen=True)
class Criterion:
    figure: str
    op: str
    value: float | bool

    @property
    def public(self) -> bool:
        return FIGURES[self.figure][1]

    def text(self) -> str:
        value = str(self.value).lower() if isinstance(self.value, bool) else f"{self.value:g}"
        return f"{self.figure} {self.op} {value}"

    def met(self, figures: Mapping[str, object]) -> bool:
        """Whether the session's figure meets it; a figure not measured (None or missing) never does."""
        actual = figures.get(self.figure)
        if actual is None:
            return False
        if isinstance(self.value, bool):
            return isinstance(actual, bool) and OPS[self.op](actual, self.value)
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        return OPS[self.op](float(actual), float(self.value))


def parse_criterion(text: str) -> Criterion:
    """`"<figure> <op> <value>"`; raises CurriculumError naming what is wrong."""
    m = _CRITERION.match(text) if isinstance(text, str) else None
    if m is None:
        raise CurriculumError(f"criterion {text!r} is not '<figure> <op> <value>' (op one of {', '.join(OPS)})")
    figure, op, raw = m.groups()
    if figure not in FIGURES:
        raise CurriculumError(f"criterion {text!r}: unknown figure {figure!r}; known: {', '.join(FIGURES)}")
    kind = FIGURES[figure][0]
    if kind == BOOL:
        if raw not in ("true", "false") or op not in ("==", "!="):
            raise CurriculumError(f"criterion {text!r}: {figure} is true or false, compared with == or !=")
        return Criterion(figure, op, raw == "true")
    if raw in ("true", "false"):
        raise CurriculumError(f"criterion {text!r}: {figure} is a number")
    return Criterion(figure, op, float(raw))


@dataclass(frozen=True)
class Step:
    id: str
    number: int
    title: dict[str, str]  # neutral, shown to a trainee: never names the risk
    focus: dict[str, str]  # for trainers: what the step trains (names the risk)
    persona: str  # a persona id, or "" to take any persona that trains `trains`
    trains: str  # a red-flag item id, or "" for a step without a hidden risk
    level: str
    criteria: tuple[Criterion, ...]

    def fits(self, persona_id: str, persona_flag: str, level: str) -> bool:
        """Whether a session with this persona at this level counts for the step (a harder level counts too)."""
        if LEVELS.index(level if level in LEVELS else "normal") < LEVELS.index(self.level):
            return False
        if self.persona:
            return persona_id == self.persona
        return bool(self.trains) and persona_flag == self.trains


@dataclass(frozen=True)
class Verdict:
    passed: bool
    results: tuple[tuple[Criterion, bool, object], ...]  # (criterion, met, the figure as measured)


def judge(step: Step, figures: Mapping[str, object]) -> Verdict:
    results = tuple((c, c.met(figures), figures.get(c.figure)) for c in step.criteria)
    return Verdict(all(met for _, met, _ in results), results)


@dataclass(frozen=True)
class Curriculum:
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def next_step(self, passed: set[str]) -> Step | None:
        """The first step in order not passed yet; None when all are."""
        return next((s for s in self.steps if s.id not in passed), None)


def _text(value: object, where: str, key: str) -> dict[str, str]:
    if isinstance(value, str) and value.strip():
        return {"id": value, "en": value}
    if isinstance(value, dict) and isinstance(value.get("id"), str) and isinstance(value.get("en"), str):
        return {"id": value["id"], "en": value["en"]}
    raise CurriculumError(f"{where}: '{key}' needs id and en texts, e.g. {key} = {{ id = \"…\", en = \"…\" }}")


def parse(raw: Mapping, *, personas: Mapping[str, str], flags: set[str]) -> Curriculum:
    """The curriculum from its TOML table (`[[step]]` entries). `personas` maps each persona id to the red-flag
    item it trains ("" for none); `flags` are the red-flag item ids. Refused with CurriculumError: an unknown
    figure, persona, item or level, a step with no criteria, a repeated id."""
    entries = raw.get("step")
    if not isinstance(entries, list) or not entries:
        raise CurriculumError("no [[step]] entries")
    steps: list[Step] = []
    for number, entry in enumerate(entries, 1):
        sid = entry.get("id") if isinstance(entry, dict) else None
        where = f"step {number} ({sid})"
        if not isinstance(sid, str) or not re.fullmatch(r"[a-z0-9_]+", sid):
            raise CurriculumError(f"step {number}: 'id' must be lower-case letters, digits and _")
        if any(s.id == sid for s in steps):
            raise CurriculumError(f"{where}: the id is used twice")
        persona, trains = entry.get("persona", ""), entry.get("trains", "")
        if persona and persona not in personas:
            raise CurriculumError(f"{where}: unknown persona {persona!r}")
        if trains and trains not in flags:
            raise CurriculumError(f"{where}: 'trains' {trains!r} is not a red-flag item ({', '.join(sorted(flags))})")
        if persona and personas[persona] != trains:
            raise CurriculumError(f"{where}: persona {persona!r} trains {personas[persona] or 'no red flag'!r}, "
                                  f"not {trains or 'no red flag'!r}")
        if not persona and not trains:
            raise CurriculumError(f"{where}: name a 'persona' or what it 'trains'")
        level = entry.get("level", "normal")
        if level not in LEVELS:
            raise CurriculumError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
        criteria = entry.get("pass")
        if not isinstance(criteria, list) or not criteria:
            raise CurriculumError(f"{where}: 'pass' needs at least one criterion")
        try:
            parsed = tuple(parse_criterion(c) for c in criteria)
        except CurriculumError as exc:
            raise CurriculumError(f"{where}: {exc}") from None
        steps.append(Step(sid, number, _text(entry.get("title"), where, "title"),
                          _text(entry.get("focus"), where, "focus"), persona, trains, level, parsed))
    return Curriculum(tuple(steps))
