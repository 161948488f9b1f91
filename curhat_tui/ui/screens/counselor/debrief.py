"""After a high-risk session closes: how is the counselor, and what should their supervisor know. Skip is fine."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from curhat_tui.domain.sanitize import clean
from curhat_tui.ui.screens.common.early_keys import too_early
from curhat_tui.ui.widgets.composer import SafeUndo

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class DebriefText(SafeUndo, TextArea):
    """The debrief's text box (Ctrl+Z safe)."""


class DebriefModal(ModalScreen[bool]):
    """Returns True once the debrief went to the supervisor, False when skipped."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    DebriefModal { align: center middle; }
    DebriefModal > Vertical { width: 76; max-width: 96%; height: auto; border: thick $accent;
        background: $surface; padding: 1 2; }
    DebriefModal #debrief-title { text-style: bold; height: auto; }
    DebriefModal #debrief-text { height: 6; margin-top: 1; }
    DebriefModal #debrief-error { color: $error; height: auto; }
    DebriefModal Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    DebriefModal Button { margin-left: 2; }
    """
    BINDINGS = [Binding("ctrl+s", "send", "Send", id="debrief.send", priority=True),
                Binding("escape", "skip", "Skip", id="debrief.skip")]

    def __init__(self, session_id: str, alias: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.alias = alias

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(Text(t("debrief.title", alias=clean(self.alias))), id="debrief-title")
            yield Static(Text(t("debrief.prompt")))
            yield DebriefText(id="debrief-text", soft_wrap=True, tab_behavior="focus",
                           placeholder=t("debrief.placeholder"))
            yield Static(id="debrief-error")
            with Horizontal():
                yield Button(t("debrief.skip"), id="skip")
                yield Button(t("debrief.send"), id="send", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#debrief-text", TextArea).cursor_blink = self.app.blink
        self.query_one("#debrief-text", TextArea).focus()

    @on(Button.Pressed, "#skip")
    def action_skip(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#send")
    async def action_send(self) -> None:
        if too_early(self, self.action_send):
            return
        t = self.app.t
        text = self.query_one("#debrief-text", TextArea).text.strip()
        error = self.query_one("#debrief-error", Static)
        if not text:
            error.update(Text(t("debrief.need_text")))
            return
        send = getattr(self.app.workstation.supervision, "send_debrief", None)
        if send is None:  # the workstation cannot carry it: the text stays in the box
            error.update(Text(t("debrief.unavailable")))
            return
        try:
            result = send(self.session_id, text)
            if inspect.isawaitable(result):
                await result
        except Exception:  # noqa: BLE001 - the text stays in the box; say it did not go
            error.update(Text(t("debrief.unavailable")))
            return
        self.app.notify(t("debrief.sent"))
        self.dismiss(True)
