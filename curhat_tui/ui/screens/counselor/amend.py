"""A note a supervisor commented on, reopened: the comments above, every field to amend, then resubmitted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from curhat_tui.domain.clock import clock_time
from curhat_tui.domain.review import ReviewError
from curhat_tui.domain.sanitize import clean
from curhat_tui.ui.screens.common.early_keys import too_early
from curhat_tui.ui.widgets.composer import SafeUndo

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


def comments_text(app: App, comments: list[dict]) -> Text:
    """The supervisor's comments, each with its author and time, the comment itself as data (never markup)."""
    out = Text()
    for comment in comments:
        out.append(app.t("review.comment_head", author=clean(comment["author"]),  # type: ignore[attr-defined]
                         time=clock_time(app.clock, comment["ts"], "%Y-%m-%d %H:%M")) + " ",  # type: ignore
                   style="bold yellow")
        out.append(clean(comment["text"]) + "\n")
    return out


class AmendField(SafeUndo, TextArea):
    """One field of the note being amended (Ctrl+Z safe)."""


class AmendModal(ModalScreen[bool]):
    """Returns True once the amended note was resubmitted, False when left unchanged."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    AmendModal { align: center middle; }
    AmendModal > Vertical { width: 90%; height: 92%; border: thick $warning; background: $surface; }
    AmendModal #amend-title { background: $boost; text-style: bold; padding: 0 1; }
    AmendModal VerticalScroll { padding: 0 1; height: 1fr; }
    AmendModal .amend-label { text-style: bold; margin-top: 1; }
    AmendModal TextArea { height: auto; min-height: 3; max-height: 10; }
    AmendModal Horizontal { height: auto; align-horizontal: right; padding: 0 1; }
    AmendModal Button { margin-left: 2; }
    """
    BINDINGS = [Binding("ctrl+s", "resubmit", "Resubmit", id="amend.resubmit", priority=True),
                Binding("escape", "cancel", "Cancel", id="amend.cancel")]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id

    def compose(self) -> ComposeResult:
        t = self.app.t
        ws = self.app.workstation
        session = ws.desk.session(self.session_id)
        self.template, fields, _ = ws.notes.note(self.session_id)
        with Vertical():
            yield Static(Text(t("review.amend.title_one", alias=session.alias if session else self.session_id)),
                         id="amend-title")
            with VerticalScroll():
                yield Static(comments_text(self.app, ws.supervision.comments(self.session_id)))
                for section in self.app.data.templates.sections(self.template):
                    yield Static(Text(t.pick(section.label)), classes="amend-label")
                    yield AmendField(fields.get(section.key, ""), id=f"amend-{section.key}", soft_wrap=True)
            with Horizontal():
                yield Button(t("review.amend.cancel"), id="cancel")
                yield Button(t("review.amend.resubmit"), id="resubmit", variant="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "resubmit":
            self.action_resubmit()
        else:
            self.action_cancel()

    def action_resubmit(self) -> None:
        if too_early(self, self.action_resubmit):
            return
        fields = {section.key: self.query_one(f"#amend-{section.key}", TextArea).text
                  for section in self.app.data.templates.sections(self.template)}
        try:
            self.app.workstation.supervision.resubmit(self.session_id, self.template, fields)
        except ReviewError as exc:
            self.app.notify(self.app.t(f"sv.error.{exc.reason}"), severity="error")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
