"""The red-flag checklist: each item's key, whether it is ticked and when, and suggestions.

Drawn as one widget (not one per item) so that it costs one style pass, not ten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import getters
from textual.widgets import Static

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


TALL = 32  # rows from which labels wrap instead of being cut


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
        self._time_of: Callable[[float], str] = lambda ts: ""

    def on_mount(self) -> None:
        self.show({}, [], lambda ts: "")

    def show(self, ticked: dict[str, float], suggested: list[str], time_of: Callable[[float], str]) -> None:
        t = self.app.t
        self.ticked, self.suggested, self._time_of = dict(ticked), list(suggested), time_of
        # a long label wraps under itself where the screen has the rows for it (not at 80x24, where the note needs
        # them); 0 before the first layout: lines are cut then, and wrapped once the width is known
        width = self.content_size.width if self.app.size.height >= TALL else 0
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
            text.append(hanging(f" {item.key.upper():>3} {mark} ", t.pick(item.label), width) + "\n", style=style)
        oldest = self.app.data.redflags.oldest_check()
        text.append(hanging(" ", t("flags.directory_checked", date=oldest.isoformat() if oldest else "-"), width),
                    style="dim")
        if text != self._shown:  # an unchanged panel is not redrawn (it would re-layout the screen)
            self._shown = text
            self.update(text)

    def on_resize(self) -> None:
        """A label longer than the panel is wide goes on below its key, not cut: drawn again at the new width (the
        main screen calls this too when the terminal's height changes)."""
        self.show(self.ticked, self.suggested, self._time_of)


def hanging(prefix: str, label: str, width: int) -> str:
    """`prefix` + `label`, the label wrapped at word ends to `width` cells under itself (a hanging indent)."""
    room = width - cell_len(prefix)
    if width <= 0 or room < 12 or cell_len(prefix) + cell_len(label) <= width:
        return prefix + label
    lines, line = [], ""
    for word in label.split():
        if line and cell_len(line) + 1 + cell_len(word) > room:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return prefix + ("\n" + " " * cell_len(prefix)).join(lines)
