"""The trainee's feedback report as Markdown (for screen and export), and the report kept at wrap-up.

A practice session's report is computed from its transcript, the red flags ticked (with the screener's answers),
the app's scripts that were sent, the quick replies and the session note. With zero transcript retention the
transcript goes the moment the session is closed, so the report is kept (`keep_report`) while the session is in
wrap-up, and a supervisor reads the kept one (`kept_markdown`). The trainee's and the client's lines are
escaped: they are shown literally. Rendering helpers for the parts live in `practice_report_parts.py`.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from curhat_tui.domain.clock import mmss
from curhat_tui.domain.feedback import FAIR, GOOD, FeedbackReport, analyse
from curhat_tui.domain.i18n import Catalogue, pick
from curhat_tui.domain.rubric import note_item
from curhat_tui.services.markdown import md_escape
from curhat_tui.services.practice_report_parts import (
    ReportFacts,
    better_lines,
    critical_banner,
    from_record,
    line_by_line,
    report_record,
    rubric_section,
    waits_section,
)
from curhat_tui.storage.sessions import ANSWERED

LEVELS = ("easy", "normal", "hard")
__all__ = ["ReportFacts", "render", "report_record", "from_record", "feedback_markdown", "keep_report",
           "kept_markdown", "analysed"]


def render(report: FeedbackReport, t: Catalogue, alias: str, flag_label: str = "", *,
           facts: ReportFacts | None = None, tz: tzinfo | None = None) -> str:
    c = report.counts
    lines = [f"# {md_escape(t('feedback.title', alias=alias))}", ""]
    if facts is not None:
        level = facts.difficulty if facts.difficulty in LEVELS else "normal"
        lines += [f"- **{t('feedback.trainee')}:** {md_escape(facts.trainee)}",
                  f"- **{t('feedback.date')}:** "
                  f"{datetime.fromtimestamp(facts.started_at, tz).strftime('%d/%m/%Y %H:%M')}",
                  f"- **{t('practice_setup.difficulty')}:** {t(f'practice_setup.level.{level}')}", ""]
    lines += critical_banner(report, t)
    lines += rubric_section(report, t, flag_label)
    lines += [f"_{t('feedback.heuristic')}_", "", f"## {t('report.counts_outside')}", ""]
    for code in ("open_question", "closed_question", "simple_reflection", "complex_reflection", "affirm", "advice",
                 "confront", "other"):
        lines.append(f"- {t(f'code.{code}')}: {c[code]}")
    ratio = "–" if report.reflection_ratio is None else t.number(report.reflection_ratio, 2)
    complex_pct = "–" if report.complex_percent is None else f"{report.complex_percent:.0f}%"
    lines += ["", f"## {t('feedback.miti')}", "",
              f"- {t('feedback.ratio')}: **{ratio}** ({t(f'level.{report.ratio_level}')}; "
              f"{t('feedback.thresholds', fair=f'{FAIR[0]:.0f}:1', good=f'{GOOD[0]:.0f}:1')})",
              f"- {t('feedback.complex')}: **{complex_pct}** ({t(f'level.{report.complex_level}')}; "
              f"{t('feedback.thresholds', fair=f'{FAIR[1]:.0f}%', good=f'{GOOD[1]:.0f}%')})"]
    if report.disclosure_offset is not None:
        summary = ", ".join(f"{t(f'code.{code}')} {n}" for code, n in report.crisis_counts.items() if n) or "–"
        crisis = t('report.crisis_counts', start=mmss(report.disclosure_offset),
                   end=mmss(report.crisis_end_offset or report.disclosure_offset), summary=summary)
        lines += [f"- {crisis}",
                  f"- _{t('report.ratio_note')}_"]
    lines += [""]
    lines += waits_section(report, t)
    lines += better_lines(report, t)
    lines += line_by_line(report, t)
    return "\n".join(lines).rstrip("\n") + "\n"


# ---- reading a session from the store -------------------------------------------------------------
def _screener_item(data) -> str:
    return next((item.id for item in data.redflags.items if item.screener), "suicide")


def analysed(store, data, session_id: str, lang: str = "id") -> FeedbackReport:
    """The report of one session kept in `store`, from its transcript, flags, scripts and note."""
    session = store.sessions.get(session_id)
    if session is None:
        raise KeyError(session_id)
    persona = data.personas.get(store.sessions.channel_state(session_id).get("persona", ""))
    script_ids = {row["message_id"] for row in store.flags.scripts(session_id) if row.get("message_id")}
    quick = [pick(reply.text, session.lang) for reply in data.quick_replies.replies]
    quick += [reply.text.get("en", "") for reply in data.quick_replies.replies]
    note = store.notes.get(session_id)
    kept = store.sessions.channel_state(session_id).get(ANSWERED)
    answered = [(str(pair[0]), str(pair[1])) for pair in (kept if isinstance(kept, list) else [])
                if isinstance(pair, list) and len(pair) == 2]
    return analyse(store.messages.for_session(session_id), persona, flags=store.flags.for_session(session_id),
                   script_ids=script_ids, quick_replies=quick, note=(note or {}).get("fields") or {},
                   ended_at=session.ended_at, screener_item=_screener_item(data), answered=answered)


def _analysed(store, data, session_id: str, difficulty: str) -> tuple[FeedbackReport, ReportFacts]:
    session = store.sessions.get(session_id)
    if session is None:
        raise KeyError(session_id)
    report = analysed(store, data, session_id)
    return report, ReportFacts(session.alias, session.counselor, session.started_at, difficulty)


def _markdown(report: FeedbackReport, facts: ReportFacts, data, lang: str, tz: tzinfo | None) -> str:
    t = Catalogue(data.strings, lang)
    item = report.crisis_item or report.hidden_flag
    try:
        label = t.pick(data.redflags.get(item).label) if item else ""
    except KeyError:
        label = item
    return render(report, t, facts.alias, label, facts=facts, tz=tz)


def feedback_markdown(store, data, session_id: str, *, difficulty: str = "normal", tz: tzinfo | None = None,
                      lang: str | None = None) -> str:
    """The feedback report of one practice session kept in `store`, from its transcript, in `lang` (default:
    the session's language)."""
    report, facts = _analysed(store, data, session_id, difficulty)
    return _markdown(report, facts, data, lang or store.sessions.get(session_id).lang, tz)


def keep_report(store, data, session_id: str, difficulty: str) -> None:
    """Compute the report now, from the transcript as it stands, and keep it in the practice store."""
    report, facts = _analysed(store, data, session_id, difficulty)
    store.state.set_practice_report(session_id, report_record(report, facts))


def kept_markdown(store, data, session_id: str, *, tz: tzinfo | None = None, lang: str | None = None) -> str | None:
    """The report kept at wrap-up as Markdown in `lang` (default: the session's), or None if none was kept (or it
    was kept in an older form: the caller computes it from the transcript)."""
    record = store.state.practice_report(session_id)
    if record is None:
        return None
    try:
        report, facts = from_record(record)
    except (KeyError, TypeError, ValueError):
        return None
    note = store.notes.get(session_id)  # kept at the start of wrap-up: the note is written after, so read it now
    if note is not None:
        report.rubric = [note_item(note["fields"]) if item.key == "note" else item for item in report.rubric]
    session = store.sessions.get(session_id)
    return _markdown(report, facts, data, lang or (session.lang if session else "id"), tz)
