"""The Live tab's lines beside the running sessions: each counselor's load against the cap, and the
debriefs counselors sent after a high-risk session (their words shown literally)."""

from __future__ import annotations

from rich.text import Text

from curhat_tui.domain.clock import Clock, clock_time
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.sanitize import clean
from curhat_tui.services.live_board import CounselorLoad, Debrief

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
