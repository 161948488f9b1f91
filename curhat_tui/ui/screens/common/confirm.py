"""A yes/no question that returns True or False."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class ConfirmModal(ModalScreen[bool]):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > Vertical {
        width: 60; max-width: 95%; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmModal Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmModal Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "no", "No", id="confirm.no"), Binding("y", "yes", "Yes", id="confirm.yes"),
                Binding("n", "no", "No", show=False)]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(Text(self.question))
            with Horizontal():
                yield Button(t("button.no"), id="no")
                yield Button(t("button.yes"), id="yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # a stray Enter must not end a session

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)
