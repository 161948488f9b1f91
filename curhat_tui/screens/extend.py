"""Ask why a session is extended by 15 minutes; returns the reason or None."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class ExtendModal(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ExtendModal { align: center middle; }
    ExtendModal > Vertical { width: 64; max-width: 95%; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    ExtendModal #error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="extend.cancel")]

    def __init__(self, alias: str) -> None:
        super().__init__()
        self.alias = alias

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(Text(t("extend.title", alias=self.alias)))
            yield Input(placeholder=t("extend.reason"), id="reason")
            yield Static(id="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#error", Static).update(self.app.t("extend.need_reason"))
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
