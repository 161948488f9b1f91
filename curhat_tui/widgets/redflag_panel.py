"""The red-flag checklist: each item's key, whether it is ticked and when, and suggestions."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class RedFlagPanel(Vertical):
    DEFAULT_CSS = """
    RedFlagPanel { height: auto; border-bottom: hkey $panel; }
    RedFlagPanel > .title { text-style: bold; background: $boost; padding: 0 1; }
    RedFlagPanel > .flag { height: 1; padding: 0 1; }
    RedFlagPanel > .flag.-ticked { color: $error; text-style: bold; }
    RedFlagPanel > .flag.-suggested { background: $warning 35%; }
    RedFlagPanel > .checked { color: $text-muted; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield Static(t("flags.title"), classes="title")
        for item in self.app.data.redflags.items:
            yield Static(id=f"flag-{item.id}", classes="flag")
        oldest = self.app.data.redflags.oldest_check()
        yield Static(t("flags.directory_checked", date=oldest.isoformat() if oldest else "-"), classes="checked")

    def show(self, ticked: dict[str, float], suggested: list[str], time_of) -> None:
        t = self.app.t
        for item in self.app.data.redflags.items:
            widget = self.query_one(f"#flag-{item.id}", Static)
            when = ticked.get(item.id)
            mark = f"☑ {time_of(when)}" if when is not None else "☐"
            widget.update(Text(f"{item.key.upper():>3} {mark} {t.pick(item.label)}", overflow="ellipsis", no_wrap=True))
            widget.set_class(when is not None, "-ticked")
            widget.set_class(item.id in suggested and when is None, "-suggested")
