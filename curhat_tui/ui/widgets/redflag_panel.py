"""The red-flag checklist: each item's key, whether it is ticked and when, and suggestions.

Drawn as one widget (not one per item) so that it costs one style pass, not ten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.widgets import Static

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class RedFlagPanel(Static):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    RedFlagPanel { height: auto; border-bottom: hkey $panel; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ticked: dict[str, float] = {}
        self.suggested: list[str] = []
        self._shown: Text | None = None

    def on_mount(self) -> None:
        self.show({}, [], lambda ts: "")

    def show(self, ticked: dict[str, float], suggested: list[str], time_of: Callable[[float], str]) -> None:
        t = self.app.t
        self.ticked, self.suggested = dict(ticked), list(suggested)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {t('flags.title')}\n", style="bold reverse")
        for item in self.app.data.redflags.items:
            when = ticked.get(item.id)
            mark = f"☑ {time_of(when)}" if when is not None else "☐"
            if when is not None:
                style = "bold red"
            elif item.id in suggested:
                style = "bold black on yellow"
            else:
                style = ""
            text.append(f" {item.key.upper():>3} {mark} {t.pick(item.short or item.label)}\n", style=style)
        oldest = self.app.data.redflags.oldest_check()
        text.append(f" {t('flags.directory_checked', date=oldest.isoformat() if oldest else '-')}", style="dim")
        if text != self._shown:  # an unchanged panel is not redrawn (it would re-layout the screen)
            self._shown = text
            self.update(text)
