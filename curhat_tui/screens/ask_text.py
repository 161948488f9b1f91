"""Ask for one line of text (a comment, a whisper); returns it, or None when cancelled."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class AskTextModal(ModalScreen[str | None]):
    DEFAULT_CSS = """
    AskTextModal { align: center middle; }
    AskTextModal > Vertical { width: 72; max-width: 95%; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    AskTextModal #ask-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(self, title: str, placeholder: str, empty_error: str) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.empty_error = empty_error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text))
            yield Input(placeholder=self.placeholder, id="ask-input")
            yield Static(id="ask-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#ask-error", Static).update(Text(self.empty_error))
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
