"""A trainee's way through the curriculum: the next step, each closed practice session judged, progress kept.

When a practice session closes, it is judged against every step not yet passed that its persona and level fit
(`judge_session`), on the figures of its feedback report (the one kept at wrap-up, else one computed from the
transcript) and the red flags ticked in it. Every judged attempt is kept in the practice store with the figures
it was judged on, so the trainee (F12, practice history) and a supervisor on the same data dir (Trainee
practice tab) read the same progress.
"""

from __future__ import annotations

from dataclasses import dataclass

from curhat_tui.config.curriculum import persona_trains
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.curriculum import FIGURES, Curriculum, Step, Verdict, judge
from curhat_tui.domain.feedback import FeedbackReport
from curhat_tui.domain.persona_model import Persona
from curhat_tui.services.practice_report import from_record, keep_report
from curhat_tui.storage.store import Store


def figures(report: FeedbackReport, flagged_items: set[str]) -> dict[str, object]:
    """Every figure a criterion may name (domain.curriculum.FIGURES), from one session's report and the items
    ticked in it. A figure the report does not measure is None (its criterion fails)."""
    counts = getattr(report, "counts", {}) or {}
    hidden = getattr(report, "hidden_flag", "")
    out: dict[str, object] = {
        "reflection_ratio": getattr(report, "reflection_ratio", None),
        "complex_percent": getattr(report, "complex_percent", None),
        "open_questions": counts.get("open_question"),
        "reflections": counts.get("simple_reflection", 0) + counts.get("complex_reflection", 0),
        "advice": counts.get("advice"),
        "confront": counts.get("confront"),
        "slow_turns": len(getattr(report, "slow_turns", []) or []),
        "turns": len(getattr(report, "turns", []) or []),
        "flagged": (hidden in flagged_items) if hidden else None,
        "referral_made": getattr(report, "referral_made", None),
    }
    for name in FIGURES:  # the report's rubric figures, as it names them (None until it measures them)
        if name not in out:
            value = getattr(report, name, None)
            out[name] = value if isinstance(value, bool | int | float) else None
    return out


@dataclass(frozen=True)
class StepProgress:
    step: Step
    passed: dict | None  # the first passing attempt {session_id, at, detail}, or None
    attempts: int  # sessions judged against this step
    last: dict | None = None  # the newest attempt {session_id, passed, at, detail (figures, failed criteria)}


class CurriculumProgress:
    def __init__(self, store: Store, data: ServiceData, clock: Clock, curriculum: Curriculum) -> None:
        self.store = store  # the practice store
        self.data = data
        self.clock = clock
        self.curriculum = curriculum

    # ---- reading -------------------------------------------------------------------------
    def passed(self, trainee: str) -> dict[str, dict]:
        """Step id -> its first passing attempt."""
        out: dict[str, dict] = {}
        for attempt in self.store.training.attempts(trainee):
            if attempt["passed"]:
                out.setdefault(attempt["step"], attempt)
        return out

    def next_step(self, trainee: str) -> Step | None:
        return self.curriculum.next_step(set(self.passed(trainee)))

    def summary(self, trainee: str) -> list[StepProgress]:
        attempts = self.store.training.attempts(trainee)
        passed = self.passed(trainee)
        out = []
        for step in self.curriculum.steps:
            mine = [a for a in attempts if a["step"] == step.id]
            out.append(StepProgress(step, passed.get(step.id), len(mine), mine[-1] if mine else None))
        return out

    def trainees(self) -> list[str]:
        return self.store.training.trainees()

    def personas_for(self, step: Step) -> list[Persona]:
        """The personas a session may be with to count for `step`, by alias."""
        found = [p for p in self.data.personas.values()
                 if (p.id == step.persona if step.persona else persona_trains(p) == step.trains)]
        return sorted(found, key=lambda p: p.alias.casefold())

    # ---- judging -------------------------------------------------------------------------
    def session_figures(self, session_id: str) -> tuple[str, str, dict[str, object]] | None:
        """(persona id, level, figures) of a practice session, or None when it is not a simulated client's."""
        session = self.store.sessions.get(session_id)
        if session is None:
            return None
        state = self.store.sessions.channel_state(session_id)
        persona_id = state.get("persona", "")
        if persona_id not in self.data.personas:
            return None
        level = state.get("difficulty") or self.store.state.practice_difficulty(session.visit_id) or "normal"
        kept = self.store.state.practice_report(session_id)
        if kept is None:  # no report kept at wrap-up (ended another way): kept now, from the transcript
            keep_report(self.store, self.data, session_id, level)
            kept = self.store.state.practice_report(session_id)
        if kept is None:
            return None
        report = from_record(kept)[0]
        ticked = {f.item for f in self.store.flags.for_session(session_id)}
        return persona_id, level, figures(report, ticked)

    def judge_session(self, session_id: str) -> list[tuple[Step, Verdict]]:
        """Judge a closed practice session against every unpassed step it fits; keep each attempt (once)."""
        found = self.session_figures(session_id)
        session = self.store.sessions.get(session_id)
        if found is None or session is None:
            return []
        persona_id, level, values = found
        persona = self.data.personas[persona_id]
        passed = self.passed(session.counselor)
        out = []
        for step in self.curriculum.steps:
            if step.id in passed or not step.fits(persona_id, persona_trains(persona), level):
                continue
            verdict = judge(step, values)
            detail = {"level": level, "persona": persona_id, "alias": session.alias,
                      "figures": {c.figure: v for c, _, v in verdict.results},
                      "failed": [c.text() for c, met, _ in verdict.results if not met]}
            if self.store.training.record_attempt(session.counselor, step.id, session_id, verdict.passed,
                                                  self.clock.now(), detail):
                out.append((step, verdict))
        return out
