"""The practice feedback report, on screen, with export to Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class FeedbackModal(ModalScreen[None]):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    FeedbackModal { align: center middle; }
    FeedbackModal > Vertical { width: 96%; height: 94%; border: thick $accent; background: $surface; }
    FeedbackModal #fb-keys { background: $boost; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="feedback.close"),
                Binding("ctrl+e", "export", "Export", id="feedback.export")]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(Text(t("feedback.export") + " · Esc"), id="fb-keys")
            with VerticalScroll():
                yield Markdown(self.app.workstation.practice.feedback(self.session_id, self.app.t.lang), id="fb-report")

    def action_export(self) -> None:
        path = self.app.workstation.practice.export_feedback(self.session_id, self.app.t.lang)
        self.app.notify(self.app.t("feedback.exported", path=str(path)))

    def action_close(self) -> None:
        self.dismiss(None)
