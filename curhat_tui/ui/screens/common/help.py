"""F1: every key the main screen (counselor's or supervisor's) offers, and the referral directory with its check dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import getters
from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


def offered(node: DOMNode, binding: Binding) -> bool:
    """Whether `node` offers this binding now: its `check_action` does not hide it (F1 and the palette ask this)."""
    namespace, action, parameters = parse(binding.action)
    target = node.app if namespace == "app" else node
    return target.check_action(action, parameters) is not False


class HelpModal(ModalScreen[None]):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    HelpModal { align: center middle; }
    HelpModal > Vertical { width: 96%; height: 94%; border: thick $primary; background: $surface; }
    HelpModal #help-title { background: $boost; text-style: bold; padding: 0 1; }
    HelpModal VerticalScroll { padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1", "close", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        t = self.app.t
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold")
        keys.add_column()
        for key, desc in self.app.key_help():
            keys.add_row(key, desc)
        directory = Table(title=t("help.directory"), expand=True, show_lines=False)
        for col in ("dir.name", "dir.contact", "dir.hours", "dir.region", "dir.checked"):
            directory.add_column(t(col))
        for entry in self.app.data.redflags.directory.values():
            directory.add_row(Text(entry.text("name", t.lang)), Text(entry.text("contact", t.lang)),
                              Text(t.pick(entry.hours)), Text(entry.text("region", t.lang)),
                              entry.checked.isoformat())
        with Vertical():
            yield Static(Text(t("help.title")), id="help-title")
            with VerticalScroll():
                yield Static(directory)
                yield Static(Text(t("help.directory_source")))
                yield Static(Text(""))
                yield Static(keys)

    def action_close(self) -> None:
        self.dismiss(None)
