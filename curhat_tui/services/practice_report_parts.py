"""The parts of the practice report in Markdown (banner, rubric, waits, better lines, line by line) and the report
kept as plain data at wrap-up. Every word from the catalogue (data/strings_report.toml); every line a person
wrote escaped."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from curhat_tui.domain.alternatives import Alternative
from curhat_tui.domain.clock import mmss
from curhat_tui.domain.coding import Code
from curhat_tui.domain.feedback import FeedbackReport, Turn, Wait
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.rubric import RubricItem, ScreenerRow
from curhat_tui.services.markdown import md_escape

RECORD_VERSION = 2
QUOTED = ("line", "text")  # rubric values that are someone's words: escaped


@dataclass(frozen=True)
class ReportFacts:
    """Who practised, with whom, when and at which difficulty: the report's header."""

    alias: str
    trainee: str
    started_at: float
    difficulty: str = "normal"


def _item_text(item: RubricItem, t: Catalogue, group: str = "rubric") -> str:
    values = dict(item.values)
    for key in QUOTED:
        if key in values:
            values[key] = md_escape(str(values[key]))
    if "result" in values:
        values["result"] = t(f"risk.{values['result']}")
    if "missing" in values:
        values["missing"] = ", ".join(t(f"report.step.{step}") for step in values["missing"])
    key = f"report.{group}.{item.key}" if group == "critical" else f"report.rubric.{item.key}.{item.variant or item.status}"
    return t(key, **values)


def critical_banner(report: FeedbackReport, t: Catalogue) -> list[str]:
    if not report.critical:
        return []
    lines = [f"> ## {t('report.critical.title')}", ">"]
    for item in report.critical:
        lines.append(f"> - **{_item_text(item, t, 'critical')}**")
    return lines + [""]


def _wait_line(wait: dict, t: Catalogue) -> str:
    key = "report.wait.answered" if wait.get("answered", True) else "report.wait.unanswered"
    return t(key, wait=wait["wait"], at=wait["at"], text=md_escape(wait["text"]))


def rubric_section(report: FeedbackReport, t: Catalogue, flag_label: str) -> list[str]:
    lines = [f"## {t('report.rubric.title')}", ""]
    if report.disclosure_offset is not None:
        lines += [t("report.rubric.crisis", label=flag_label or report.crisis_item, at=mmss(report.disclosure_offset)),
                  ""]
    for item in report.rubric:
        text = _item_text(item, t)
        if item.key == "referral" and item.values.get("truth") in ("willing", "hesitant", "refuses"):
            text += " " + t("report.rubric.referral_truth", truth=t(f"report.truth.{item.values['truth']}"))
        lines.append(f"- {t(f'report.status.{item.status}')} {text}")
        for wait in item.values.get("waits", []):
            lines.append(f"  - {_wait_line(wait, t)}")
    if report.screener:
        lines += ["", f"### {t('report.screener.title')}", "", t("report.screener.head"), "|---|---|---|---|"]
        for row in report.screener:
            recorded = t("report.screener.not_asked") if row.recorded is None else \
                t("button.yes") if row.recorded else t("button.no")
            truth = t("report.screener.unknown") if row.truth is None else t("button.yes") if row.truth else t("button.no")
            mark = "" if row.truth is None else "✅" if row.recorded == row.truth else "❌"
            lines.append(f"| {t(f'screener.short.{row.qid}')} | {recorded} | {truth} | {mark} |")
    return lines + [""]


def waits_section(report: FeedbackReport, t: Catalogue) -> list[str]:
    lines = [f"## {t('report.waits.title')}", ""]
    if not report.waits:
        return lines + [f"- {t('report.waits.none')}", ""]
    for wait in report.waits:
        text = _wait_line({"wait": mmss(wait.seconds), "at": mmss(wait.offset), "text": wait.client_text,
                           "answered": wait.answered}, t)
        lines.append(f"- ⚠ {text}" + (t("report.waits.crisis") if wait.in_crisis else ""))
    return lines + [""]


def alternative_text(alt: Alternative, t: Catalogue) -> str:
    if alt.kind == "open":
        question = t(f"report.open.{alt.topic}") if alt.topic else t("report.open.generic", body=md_escape(alt.body))
        return t("report.alt.open", question=question)
    if alt.kind in ("reflect", "validate"):
        return t(f"report.alt.{alt.kind}", said=md_escape(alt.said)) if alt.said else t(f"report.alt.{alt.kind}_plain")
    return t(f"report.alt.{alt.kind}")


def better_lines(report: FeedbackReport, t: Catalogue) -> list[str]:
    lines = [f"## {t('report.better.title')}", ""]
    if report.all_good:
        return lines + [f"- {t('report.all_good')}", ""]
    if not report.weak:
        lines.append(f"- {t('report.no_weak_but')}")
    for turn in report.weak:
        lines.append(f"- {turn.index}. [{mmss(turn.offset)}] “{md_escape(turn.text)}” ({t(f'code.{turn.code.value}')}"
                     + (f"; {t(f'report.kind.{turn.risk_kind}')}" if turn.risk_kind else "") + ")")
        if turn.alternative is not None:
            lines.append(f"  - {t('report.better.try')}: “{alternative_text(turn.alternative, t)}”")
            lines.append(f"  - {t('report.better.why')}: {t(f'report.why.{turn.alternative.kind}')}")
    return lines + [""]


def line_by_line(report: FeedbackReport, t: Catalogue) -> list[str]:
    lines = [f"## {t('report.lines.title')}", ""]
    for turn in report.turns:
        tags = [t(f"code.{turn.code.value}")]
        if turn.source != "own":
            tags.append(t(f"report.source.{turn.source}"))
        if turn.risk_kind:
            tags.append(t(f"report.kind.{turn.risk_kind}"))
        if turn.in_crisis:
            tags.append(t("report.crisis_tag"))
        latency = "" if turn.latency_seconds is None else f" ⏱ {mmss(turn.latency_seconds)}"
        lines.append(f"{turn.index}. [{mmss(turn.offset)}]{latency} “{md_escape(turn.text)}” — _{'; '.join(tags)}_")
        reply = f"“{md_escape(turn.reply)}”" if turn.reply else t("report.lines.no_reply")
        effect = f" — {t(f'report.effect.{turn.effect}')}" if turn.effect else ""
        lines.append(f"   - {t('report.lines.client')}: {reply}{effect}")
        for offset, text in turn.more:
            lines.append(f"   - {t('report.lines.client')} [{mmss(offset)}]: “{md_escape(text)}”")
    return lines + [""]


# ---- the report kept at wrap-up ----------------------------------------------------------------
def report_record(report: FeedbackReport, facts: ReportFacts) -> dict:
    """The report and its header as plain JSON-able data (rendered again in any language). The figures a
    curriculum reads (critical_miss, referral_made, screener_correct, safety_plan_steps) are plain keys."""
    data = asdict(report)
    data["turns"] = [{**turn, "code": turn["code"].value} for turn in data["turns"]]
    data.update(critical_miss=report.critical_miss, referral_made=report.referral_made)
    return {"version": RECORD_VERSION, "facts": asdict(facts), "report": data}


def _turn(d: dict) -> Turn:
    alt = d.get("alternative")
    return Turn(**{**d, "code": Code(d["code"]), "alternative": Alternative(**alt) if alt else None,
                   "more": tuple((offset, text) for offset, text in d.get("more", ()))})


def from_record(record: dict) -> tuple[FeedbackReport, ReportFacts]:
    """What `report_record` wrote; a record of an older form raises KeyError."""
    if record.get("version") != RECORD_VERSION:
        raise KeyError("version")
    data = {k: v for k, v in record["report"].items() if k not in ("critical_miss", "referral_made")}
    data["turns"] = [_turn(turn) for turn in data["turns"]]
    data["waits"] = [Wait(**w) for w in data["waits"]]
    data["rubric"] = [RubricItem(**item) for item in data["rubric"]]
    data["critical"] = [RubricItem(**item) for item in data["critical"]]
    data["screener"] = [ScreenerRow(**row) for row in data["screener"]]
    return FeedbackReport(**data), ReportFacts(**record["facts"])
