"""The trainee's feedback report as Markdown, in the session language (for screen and export)."""

from __future__ import annotations

from curhat_tui.domain.clock import mmss
from curhat_tui.domain.feedback import CATCH_WINDOW_TURNS, FAIR, GOOD, LATENCY_NORM_SECONDS, FeedbackReport
from curhat_tui.domain.i18n import Catalogue


def render(report: FeedbackReport, t: Catalogue, alias: str, flag_label: str = "") -> str:
    c = report.counts
    lines = [f"# {t('feedback.title', alias=alias)}", "", f"_{t('feedback.heuristic')}_", "",
             f"## {t('feedback.counts')}", ""]
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
        lines.append(f"- {turn.index}. “{turn.text}” ({t(f'code.{turn.code.value}')})")
        lines.append(f"  - {t(f'better.{turn.code.value}')}")
    return "\n".join(lines) + "\n"


def feedback_markdown(store, data, session_id: str) -> str:
    """The feedback report of one practice session kept in `store`, in the session's language."""
    from curhat_tui.domain.feedback import analyse

    session = store.sessions.get(session_id)
    if session is None:
        raise KeyError(session_id)
    persona = data.personas.get(store.sessions.channel_state(session_id).get("persona", ""))
    report = analyse(store.messages.for_session(session_id), persona)
    t = Catalogue(data.strings, session.lang)
    label = t.pick(data.redflags.get(report.hidden_flag).label) if report.hidden_flag else ""
    return render(report, t, session.alias, label)
