"""Hand a session over: a handover note, and a colleague's user id or back to the queue."""

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


class TransferModal(ModalScreen[tuple[str, str] | None]):
    """Returns (handover note, colleague's user id or "" for the queue), or None if cancelled."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    TransferModal { align: center middle; }
    TransferModal > Vertical { width: 72; max-width: 96%; height: auto; border: thick $warning;
        background: $surface; padding: 1 2; }
    TransferModal #error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="transfer.cancel")]

    def __init__(self, alias: str) -> None:
        super().__init__()
        self.alias = alias

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(Text(t("transfer.title", alias=self.alias)))
            yield Input(placeholder=t("transfer.note"), id="note")
            yield Input(placeholder=t("transfer.to"), id="to")
            yield Static(id="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        note = self.query_one("#note", Input).value.strip()
        to = self.query_one("#to", Input).value.strip()
        if not note:
            self.query_one("#error", Static).update(Text(self.app.t("transfer.need_note")))
            self.query_one("#note", Input).focus()
            return
        if event.input.id == "note" and not to:
            self.query_one("#to", Input).focus()
            return
        if to and not (to.startswith("@") and ":" in to):
            self.query_one("#error", Static).update(Text(self.app.t("transfer.bad_user")))
            return
        self.dismiss((note, to))

    def action_cancel(self) -> None:
        self.dismiss(None)
