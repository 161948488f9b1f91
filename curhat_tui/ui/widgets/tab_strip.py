"""The counselor's tab strip: each session's state at a glance, fitted so that no label is cut.

A label is the pane's number, a high-risk mark, the alias and the state: the countdown (coloured from
the 10-minute warning on), how long the client has waited for a reply, a red flag ticked or suggested,
wrap-up. When the full labels do not fit the strip, the countdown becomes a glyph that appears only
from the warning on, and then the aliases are shortened; the pane's header keeps the full detail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.cells import cell_len
from textual.content import Content

from curhat_tui.domain.clock import mmss
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.session_clock import Phase

TAB_PADDING = 2  # a Tab's own padding, one cell either side
LATE_SECONDS = 180  # waiting this long for a reply turns the hourglass to the warning colour
MIN_ALIAS = 3

TIME_STYLE = {Phase.NORMAL: "", Phase.WARNING: "bold $warning", Phase.CRITICAL: "bold $error",
              Phase.OVERTIME: "bold reverse $error"}


@dataclass(frozen=True)
class TabState:
    """What the strip shows of one session, as data (built by the chat pane, rendered here)."""

    alias: str
    high_risk: bool
    active: bool  # the chat is running (not in wrap-up, ended or handed over)
    status: str  # the session's status value, for the wrap-up word
    phase: Phase
    remaining: float  # seconds left (negative in overtime)
    waiting: float | None  # seconds the client has waited for a reply, None when not waiting
    flagged: bool  # a red flag ticked, or suggested by the detector


def _time_part(state: TabState, t: Catalogue, short: bool) -> tuple[str, str] | None:
    """The countdown: always in full labels; in short ones only from the 10-minute warning on."""
    if not state.active:
        return None
    minutes = int(-state.remaining // 60) if state.phase is Phase.OVERTIME else math.ceil(state.remaining / 60)
    if state.phase is Phase.OVERTIME:
        text = t("tab.overtime", minutes=minutes) if short else "+" + mmss(-state.remaining)
    elif short:
        if state.phase is Phase.NORMAL:
            return None
        text = t("tab.warning", minutes=minutes)
    else:
        text = mmss(state.remaining)
    return text, TIME_STYLE[state.phase]


FULL, SHORT, COMPACT = 0, 1, 2  # how much a label says: countdown and words; glyphs; glyphs without minutes


def _state_parts(state: TabState, t: Catalogue, level: int) -> list[tuple[str, str]]:
    """The glyphs after the alias, each with its style."""
    if not state.active:
        word = t("tab.wrapup") if level else t("tab.wrapup") + " " + t(f"session_state.{state.status}")
        return [(word, "dim")]
    parts: list[tuple[str, str]] = []
    time = _time_part(state, t, level > FULL)
    if time:
        parts.append(time)
    if state.waiting is not None:
        style = "bold $warning" if state.waiting >= LATE_SECONDS else "$text-accent"
        minutes = int(state.waiting // 60)
        parts.append((t("tab.waiting", minutes=minutes) if minutes and level < COMPACT else t("tab.waiting_now"),
                      style))
    if state.flagged:
        parts.append((t("tab.flagged"), "bold $error"))
    return parts


def _shorten(alias: str, cells: int) -> str:
    """The alias in at most `cells` cells, an ellipsis marking a cut."""
    if cell_len(alias) <= cells:
        return alias
    out = ""
    for ch in alias:
        if cell_len(out + ch) > cells - 1:
            break
        out += ch
    return out + "…"


def tab_label(state: TabState, index: int, t: Catalogue, *, level: int = FULL,
              alias_cells: int | None = None) -> Content:
    """One tab's label; `alias_cells` cuts the alias to fit (0 leaves it out: the header names the client)."""
    alias = state.alias if alias_cells is None else _shorten(state.alias, alias_cells) if alias_cells else ""
    pieces: list[tuple[str, str] | str] = [f"{index}"]
    if alias or state.high_risk:
        pieces.append(" ")
    if state.high_risk:
        pieces.append(("!", "bold $error"))
    pieces.append((alias, "dim" if not state.active else ""))
    for n, (text, style) in enumerate(_state_parts(state, t, level)):
        if level < COMPACT or n == 0:
            pieces.append(" ")
        pieces.append((text, style))
    return Content.assemble(*pieces)


def _width(labels: list[Content]) -> int:
    return sum(label.cell_length + TAB_PADDING for label in labels)


def fit_labels(states: list[TabState], t: Catalogue, width: int) -> list[Content]:
    """Labels for the whole strip within `width` cells: full when they fit, else glyphs, else cut aliases, else
    glyphs without minutes, and at the last the numbers and glyphs alone.

    A `width` of 0 (not laid out yet) gives the full labels."""
    full = [tab_label(s, i, t) for i, s in enumerate(states, 1)]
    if not width or _width(full) <= width:
        return full
    lengths = [cell_len(state.alias) for state in states]
    labels = full
    for level in (SHORT, COMPACT):
        labels = [tab_label(s, i, t, level=level) for i, s in enumerate(states, 1)]
        if _width(labels) <= width:
            return labels
        room = width - _width(labels) + sum(lengths)  # what the aliases may take
        cap = max(lengths)
        while cap > MIN_ALIAS and sum(min(length, cap) for length in lengths) > room:
            cap -= 1  # the longest aliases give way first; short ones stay whole
        labels = [tab_label(s, i, t, level=level, alias_cells=cap) for i, s in enumerate(states, 1)]
        if _width(labels) <= width:
            return labels
    bare = [tab_label(s, i, t, level=COMPACT, alias_cells=0) for i, s in enumerate(states, 1)]
    return bare if _width(bare) <= width else labels
