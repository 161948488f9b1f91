"""The Live tab's lines beside the running sessions: each counselor's load against the cap, and the
debriefs counselors sent after a high-risk session (their words shown literally)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from curhat_tui.domain.clock import Clock, clock_time, mmss
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Risk
from curhat_tui.domain.sanitize import clean
from curhat_tui.services.live_board import CounselorLoad, Debrief
from curhat_tui.services.trainer import PracticeLive

SHOWN_DEBRIEFS = 3  # the newest; the rest are in the audit log and the counselors' notes


def load_text(t: Catalogue, loads: list[CounselorLoad]) -> Text:
    """One line: 'Load: Ani 2 sessions, 3/4 · Budi 1 session, 1/4' (past the cap in bold red)."""
    out = Text(t("sv.load.title") + " ", style="bold")
    if not loads:
        out.append(t("sv.load.none"), style="dim")
        return out
    for i, load in enumerate(loads):
        if i:
            out.append(" · ")
        out.append(clean(load.counselor) + " ", style="bold")
        sessions = t("sv.load.sessions", count=load.open)
        figure = t("sv.load.weight", weight=load.weight, cap=load.cap) if load.cap else t(
            "sv.load.no_cap", weight=load.weight)
        out.append(f"{sessions}, {figure}", style="bold red" if load.full else "")
    return out


def debrief_text(t: Catalogue, clock: Clock, debriefs: list[Debrief]) -> Text:
    """The newest debriefs, one to a line: time, counselor, client alias, the counselor's words."""
    out = Text(t("sv.debrief.title"), style="bold underline")
    if not debriefs:
        out.append("\n" + t("sv.debrief.none"), style="dim")
    for d in debriefs[:SHOWN_DEBRIEFS]:
        out.append("\n" + t("sv.debrief.head", time=clock_time(clock, d.at, "%H:%M"), counselor=clean(d.counselor),
                            alias=clean(d.alias)) + " ", style="bold")
        out.append(clean(d.text).replace("\n", " "))
    return out


def alert_text(alert: str, label: Callable[[str], str]) -> str:
    """A Live row's red flags (the link's comma-separated items, maybe repeated) as labels, each once, in order."""
    return ", ".join(label(item) for item in dict.fromkeys(alert.split(","))) if alert else ""


def practice_rows(t: Catalogue, rows: list[PracticeLive], label: Callable[[str], str]) -> list[tuple[tuple, str]]:
    """Trainees' running practice sessions as Live rows (alert, counselor, alias, time left, risk), the trainee
    marked 'practice', the red flags ticked in it named by `label` (on amber: practice, not a real crisis); a
    whisper on one reaches the trainee like any whisper."""
    out = []
    for row in rows:
        alert = alert_text(row.alert, label)
        left = mmss(row.remaining_seconds) if row.remaining_seconds >= 0 else "+" + mmss(-row.remaining_seconds)
        who = Text(clean(row.trainee) + " ")
        who.append(f"({t('trainer.live.practice')})", style="italic")
        out.append(((Text(alert, style="bold black on yellow" if alert else ""), who, Text(clean(row.alias)), left,
                     Text(t(f"risk.{Risk(row.risk).key}"))),
                    row.session_id))
    return out
