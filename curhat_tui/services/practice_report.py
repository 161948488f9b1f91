"""The trainee's feedback report as Markdown (for screen and export), and the report kept at wrap-up.

A practice session's report is computed from its transcript. With zero transcript retention the
transcript goes the moment the session is closed, so the report is kept (`keep_report`) while the
session is in wrap-up, and a supervisor reads the kept one (`kept_markdown`): the same figures as a
report the trainee saved then. The trainee's own lines are escaped: they are shown literally.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo

from curhat_tui.domain.clock import mmss
from curhat_tui.domain.coding import Code
from curhat_tui.domain.feedback import (
    CATCH_WINDOW_TURNS,
    FAIR,
    GOOD,
    LATENCY_NORM_SECONDS,
    FeedbackReport,
    Turn,
    analyse,
)
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.services.markdown import md_escape

LEVELS = ("easy", "normal", "hard")


@dataclass(frozen=True)
class ReportFacts:
    """Who practised, with whom, when and at which difficulty: the report's header."""

    alias: str
    trainee: str
    started_at: float
    difficulty: str = "normal"


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
    lines += [f"_{t('feedback.heuristic')}_", "", f"## {t('feedback.counts')}", ""]
    for code in ("open_question", "closed_question", "simple_reflection", "complex_reflection", "affirm", "advice",
                 "confront", "other"):
        lines.append(f"- {t(f'code.{code}')}: {c[code]}")
    ratio = "–" if report.reflection_ratio is None else f"{report.reflection_ratio:.2f}"
    complex_pct = "–" if report.complex_percent is None else f"{report.complex_percent:.0f}%"
    lines += ["", f"## {t('feedback.miti')}", "",
              f"- {t('feedback.ratio')}: **{ratio}** ({t(f'level.{report.ratio_level}')}; "
              f"{t('feedback.thresholds', fair=f'{FAIR[0]:.0f}:1', good=f'{GOOD[0]:.0f}:1')})",
              f"- {t('feedback.complex')}: **{complex_pct}** ({t(f'level.{report.complex_level}')}; "
              f"{t('feedback.thresholds', fair=f'{FAIR[1]:.0f}%', good=f'{GOOD[1]:.0f}%')})",
              "", f"## {t('feedback.latency', norm=mmss(LATENCY_NORM_SECONDS))}", ""]
    for turn in report.turns:
        latency = "–" if turn.latency_seconds is None else mmss(turn.latency_seconds)
        slow = " ⚠" if turn.index in report.slow_turns else ""
        lines.append(f"- {turn.index}. {latency}{slow}")
    lines += ["", f"## {t('feedback.safety')}", ""]
    if report.hidden_flag:
        if report.caught:
            verdict = t("feedback.caught", window=CATCH_WINDOW_TURNS)
        elif report.first_hint_turn is None:
            verdict = t("feedback.no_hint")
        else:
            verdict = t("feedback.missed", window=CATCH_WINDOW_TURNS)
        lines.append(f"- {t('feedback.hidden', label=flag_label or report.hidden_flag)}: {verdict}")
    else:
        lines.append(f"- {t('feedback.no_hidden')}")
    lines.append(f"- {t('feedback.referral')}: " + (
        t("feedback.referral_yes") if report.referral_made else
        t("feedback.referral_partial") if report.referral_named or report.willingness_checked else
        t("feedback.referral_no")))
    lines += ["", f"## {t('feedback.better_lines')}", ""]
    if not report.weak:
        lines.append(f"- {t('feedback.no_weak')}")
    for turn in report.weak:
        lines.append(f"- {turn.index}. “{md_escape(turn.text)}” ({t(f'code.{turn.code.value}')})")
        lines.append(f"  - {t(f'better.{turn.code.value}')}")
    return "\n".join(lines) + "\n"


# ---- the report kept at wrap-up ----------------------------------------------------------------
def report_record(report: FeedbackReport, facts: ReportFacts) -> dict:
    """The report and its header as plain JSON-able data (rendered again in any language)."""
    data = asdict(report)
    for key in ("turns", "weak"):
        data[key] = [{**turn, "code": turn["code"].value} for turn in data[key]]
    return {"facts": asdict(facts), "report": data}


def from_record(record: dict) -> tuple[FeedbackReport, ReportFacts]:
    """What `report_record` wrote."""
    data = dict(record["report"])
    for key in ("turns", "weak"):
        data[key] = [Turn(t["index"], t["text"], Code(t["code"]), t["latency_seconds"]) for t in data[key]]
    return FeedbackReport(**data), ReportFacts(**record["facts"])


def _analysed(store, data, session_id: str, difficulty: str) -> tuple[FeedbackReport, ReportFacts]:
    session = store.sessions.get(session_id)
    if session is None:
        raise KeyError(session_id)
    persona = data.personas.get(store.sessions.channel_state(session_id).get("persona", ""))
    report = analyse(store.messages.for_session(session_id), persona)
    return report, ReportFacts(session.alias, session.counselor, session.started_at, difficulty)


def _markdown(report: FeedbackReport, facts: ReportFacts, data, lang: str, tz: tzinfo | None) -> str:
    t = Catalogue(data.strings, lang)
    try:
        label = t.pick(data.redflags.get(report.hidden_flag).label) if report.hidden_flag else ""
    except KeyError:
        label = report.hidden_flag
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
    """The report kept at wrap-up as Markdown in `lang` (default: the session's), or None if none was kept."""
    record = store.state.practice_report(session_id)
    if record is None:
        return None
    report, facts = from_record(record)
    session = store.sessions.get(session_id)
    return _markdown(report, facts, data, lang or (session.lang if session else "id"), tz)
