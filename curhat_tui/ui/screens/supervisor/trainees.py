"""A trainee's curriculum progress as the supervisor's Trainee practice tab and the trainee's history show it:
each step passed (when, with which session), tried and not passed yet, or still to come.

A supervisor also reads what each step trains (`focus`, which names the risk); a trainee in blind mode reads
only the neutral titles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

from curhat_tui.domain.clock import Clock, clock_time
from curhat_tui.domain.curriculum import Criterion
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.services.curriculum import CurriculumProgress
from curhat_tui.services.markdown import md_escape

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


def criteria_text(t: Catalogue, criteria: tuple[Criterion, ...] | list[Criterion], *, blind: bool) -> str:
    """'R:Q ≥ 1 · complex reflections % ≥ 40'; in blind mode the safety figures become one neutral phrase,
    the same for every step (so the phrase itself tells nothing)."""
    ops = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"}
    parts = []
    for c in criteria:
        if blind and not c.public:
            continue
        value = t(f"curriculum.bool.{str(c.value).lower()}") if isinstance(c.value, bool) else t.number(c.value)
        parts.append(f"{t(f'curriculum.figure.{c.figure}')} {ops[c.op]} {value}")
    if blind:
        parts.append(t("curriculum.safety_blind"))
    return " · ".join(parts)


def progress_markdown(t: Catalogue, clock: Clock, progress: CurriculumProgress, trainee: str, *,
                      blind: bool) -> str:
    summary = progress.summary(trainee)
    done = sum(1 for s in summary if s.passed)
    lines = [f"## {md_escape(t('curriculum.progress', passed=done, total=len(summary)))}", ""]
    for item in summary:
        step = item.step
        if item.passed:
            lines.append("- " + md_escape(t("curriculum.step_passed", number=step.number, title=t.pick(step.title),
                                            date=clock_time(clock, item.passed["at"], "%d/%m/%Y %H:%M"),
                                            alias=item.passed["detail"].get("alias", ""),
                                            session=item.passed["session_id"])))
        elif item.attempts:
            lines.append("- " + md_escape(t("curriculum.step_tried", number=step.number, title=t.pick(step.title),
                                            count=item.attempts)))
        else:
            lines.append("- " + md_escape(t("curriculum.step_open", number=step.number, title=t.pick(step.title))))
        if not blind:
            lines.append("  - " + md_escape(t("curriculum.focus", focus=t.pick(step.focus))))
            if item.last is not None and not item.passed and item.last["detail"].get("failed"):
                failed = [c for c in step.criteria if c.text() in item.last["detail"]["failed"]]
                lines.append("  - " + md_escape(t("curriculum.failed", criteria=criteria_text(t, failed,
                                                                                                blind=False))))
            lines.append("  - " + md_escape(t("curriculum.pass", criteria=criteria_text(t, step.criteria,
                                                                                          blind=False))))
    return "\n".join(lines) + "\n"


def trainee_detail(t: Catalogue, clock: Clock, practice, session_id: str) -> str:
    """The Trainee practice tab's Markdown for one session: how to open its transcript, the trainee's report, then
    the trainee's curriculum progress with each step's focus and criteria (a supervisor is never blind)."""
    report = practice.trainee_report(session_id, lang=t.lang)
    session = practice.trainer.session(session_id)
    progress = progress_markdown(t, clock, practice.curriculum, session.counselor, blind=False) if session else ""
    return f"_{t('trainer.transcript.open_hint')}_\n\n{report}\n{progress}"


def fill_trainees(table: DataTable, app: CurhatApp) -> None:
    """The trainees' finished practice sessions, newest first (a supervisor started before the first practice sees
    them once there are some); an unchanged list is left as it is, so the highlighted row stays."""
    rows = app.workstation.practice.trainee_sessions()
    if [key.value for key in table.rows] == [row.id for row in rows]:
        return
    table.clear()
    for row in rows:
        table.add_row(Text(row.alias), Text(row.counselor),
                      clock_time(app.clock, row.ended_at or row.started_at, "%d/%m %H:%M"), key=row.id)
