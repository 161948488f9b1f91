"""Before a call link goes to a client: the exact message, link included, and Send or Cancel (Cancel focused)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from curhat_tui.domain.sanitize import clean

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class CallLinkModal(ModalScreen[bool]):
    """Returns True to send the message, False to leave it."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    CallLinkModal { align: center middle; }
    CallLinkModal > Vertical { width: 76; max-width: 96%; height: auto; border: thick $warning;
        background: $surface; padding: 1 2; }
    CallLinkModal #call-title { text-style: bold; height: auto; }
    CallLinkModal #call-message { border: round $panel-lighten-2; padding: 0 1; height: auto; margin-top: 1; }
    CallLinkModal Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    CallLinkModal Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="call.cancel"),
                Binding("ctrl+s", "send", "Send", id="call.send")]

    def __init__(self, alias: str, message: str) -> None:
        super().__init__()
        self.alias = alias
        self.message = message

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(Text(t("call.title", client=clean(self.alias))), id="call-title")
            yield Static(Text(t("call.body")))
            yield Static(Text(self.message), id="call-message")
            with Horizontal():
                yield Button(t("call.cancel"), id="cancel")
                yield Button(t("call.send"), id="send", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()  # a stray Enter must not send anything to a client

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "send")

    def action_send(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
