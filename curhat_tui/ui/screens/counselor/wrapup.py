"""Wrap-up after a session ends: finish the note (required fields) or skip it with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from curhat_tui.domain.clock import clock_time, mmss
from curhat_tui.domain.models import Session
from curhat_tui.services.desk import NoteIncomplete
from curhat_tui.ui.screens.counselor.feedback import FeedbackModal
from curhat_tui.ui.widgets.footer import KeysFooter
from curhat_tui.ui.widgets.notes_form import NoteField, NotesForm

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class WrapUpScreen(Screen[bool]):
    """Returns True when the session was closed, False when the counselor went back."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    WrapUpScreen #wrap-head { height: auto; background: $boost; padding: 0 1; }
    WrapUpScreen #wrap-body { height: 1fr; }
    WrapUpScreen NotesForm { width: 1fr; }
    WrapUpScreen #wrap-side { width: 40; padding: 0 1; border-left: vkey $panel; }
    WrapUpScreen #wrap-missing { color: $error; height: auto; margin-bottom: 1; }
    WrapUpScreen #wrap-buttons { height: auto; }
    WrapUpScreen Button { width: 100%; margin-bottom: 1; }
    WrapUpScreen.-narrow #wrap-side { width: 28; }
    """
    BINDINGS = [
        Binding("ctrl+s", "close_session", "Close session", id="wrapup.close"),
        Binding("escape", "back", "Back", id="wrapup.back"),
        Binding("ctrl+f", "feedback", "Practice report", id="wrapup.feedback"),
    ]
    AUTO_FOCUS = ""  # not the template selector: on_mount focuses the first note field still to be written

    def __init__(self, session: Session, *, blink: bool = True) -> None:
        super().__init__()
        self.session = session
        self.blink = blink

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield Static(id="wrap-head")
        with Horizontal(id="wrap-body"):
            yield NotesForm(blink=self.blink, id="wrap-notes")
            with VerticalScroll(id="wrap-side"):
                yield Static(id="wrap-missing")
                yield Button(t("wrapup.close"), id="close", variant="success")
                yield Static(Text(t("wrapup.skip_hint")))
                yield Input(placeholder=t("wrapup.skip_reason"), id="skip-reason")
                yield Button(t("wrapup.skip"), id="skip", variant="warning")
                if self.app.workstation.simulated:
                    yield Button(t("feedback.open"), id="feedback", variant="primary")
        yield KeysFooter()

    async def on_mount(self) -> None:
        t = self.app.t
        s = self.session
        ended = s.ended_at or self.app.clock.now()
        self.query_one("#wrap-head", Static).update(Text(t(
            "wrapup.title", alias=s.alias, start=clock_time(self.app.clock, s.started_at),
            end=clock_time(self.app.clock, ended), length=mmss(ended - s.started_at),
            risk=t(f"risk.{s.risk.key}"))))
        self.set_class(self.app.size.width < 100, "-narrow")
        await self.query_one(NotesForm).load(s.id)
        self._focus_first_empty(self._show_missing())

    def _focus_first_empty(self, missing: list[str]) -> None:
        """Typing on entering wrap-up goes into the first required field still empty (else the first field);
        the template selector stays one Shift+Tab away."""
        fields = list(self.query(NoteField))
        target = next((f for f in fields if f.key in missing), fields[0] if fields else None)
        if target is not None:
            target.focus()

    def _show_missing(self) -> list[str]:
        t = self.app.t
        form = self.query_one(NotesForm)
        form.flush()
        missing = self.app.workstation.notes.missing_fields(self.session.id)
        form.mark_missing(missing)
        labels = {sec.key: t.pick(sec.label) for sec in self.app.data.templates.sections(form.template)}
        box = self.query_one("#wrap-missing", Static)
        if missing:
            box.update(Text(t("wrapup.missing") + "\n" + "\n".join(f"• {labels.get(k, k)}" for k in missing)))
        else:
            box.update(Text(t("wrapup.ready"), style="green"))
        return missing

    def on_notes_form_saved(self) -> None:
        self._show_missing()

    @on(Button.Pressed, "#close")
    def action_close_session(self) -> None:
        self._close("")

    @on(Button.Pressed, "#skip")
    def _skip(self) -> None:
        reason = self.query_one("#skip-reason", Input).value
        if not reason.strip():
            self.app.notify(self.app.t("wrapup.skip_need_reason"), severity="warning")
            self.query_one("#skip-reason", Input).focus()
            return
        self._close(reason)

    @on(Input.Submitted, "#skip-reason")
    def _skip_submitted(self) -> None:
        self._skip()

    def _close(self, skip_reason: str) -> None:
        self.query_one(NotesForm).flush()
        try:
            self.app.workstation.desk.close(self.session.id, skip_reason)
        except NoteIncomplete:
            self._show_missing()
            self.app.notify(self.app.t("wrapup.incomplete"), severity="error")
            return
        self.app.notify(self.app.t("wrapup.closed", alias=self.session.alias))
        self.dismiss(True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The practice report is for practice sessions only: a real wrap-up neither shows nor offers its key."""
        if action == "feedback" and not self.app.workstation.simulated:
            return False
        return True

    @on(Button.Pressed, "#feedback")
    def action_feedback(self) -> None:
        if self.app.workstation.simulated:  # reports are for practice sessions only
            self.query_one(NotesForm).flush()
            self.app.push_screen(FeedbackModal(self.session.id))

    def action_back(self) -> None:
        self.query_one(NotesForm).flush()
        self.dismiss(False)
