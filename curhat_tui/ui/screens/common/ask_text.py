"""Ask for one line of text (a reason, a comment, a whisper); returns it, or None when cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class AskTextModal(ModalScreen[str | None]):
    """Title, placeholder and the message for an empty answer are catalogue keys, filled with `values`."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    AskTextModal { align: center middle; }
    AskTextModal > Vertical {
        width: 72; max-width: 95%; height: auto; border: thick $primary; background: $surface; padding: 1 2;
    }
    AskTextModal #ask-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(self, title_key: str, placeholder_key: str, empty_key: str, values: dict | None = None) -> None:
        super().__init__()
        self.title_key = title_key
        self.placeholder_key = placeholder_key
        self.empty_key = empty_key
        self.values = values or {}

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(Text(t(self.title_key, **self.values)))
            yield Input(placeholder=t(self.placeholder_key, **self.values), id="ask-input")
            yield Static(id="ask-error")

    def problem(self, value: str) -> str:
        """Why this answer cannot be taken (a catalogue key), or "" when it can."""
        return "" if value.strip() else self.empty_key

    def on_input_submitted(self, event: Input.Submitted) -> None:
        problem = self.problem(event.value)
        if problem:
            self.query_one("#ask-error", Static).update(Text(self.app.t(problem, **self.values)))
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
