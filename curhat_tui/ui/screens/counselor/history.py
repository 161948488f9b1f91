"""Ctrl+L: the client's earlier notes, and the notes a supervisor commented on, with the comments' text.

A note with a comment waiting can be reopened from here, amended and resubmitted (`AmendModal`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Static

from curhat_tui.domain.clock import clock_time
from curhat_tui.domain.models import Session
from curhat_tui.ui.screens.counselor.amend import AmendModal, comments_text

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class HistoryModal(ModalScreen[None]):
    """Earlier notes of the open session's client (`session_id`), and this counselor's notes to amend."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    HistoryModal { align: center middle; }
    HistoryModal > Vertical { width: 90%; height: 90%; border: thick $primary; background: $surface; }
    HistoryModal #hist-title { background: $boost; text-style: bold; padding: 0 1; }
    HistoryModal VerticalScroll { padding: 0 1; }
    HistoryModal .note-head { text-style: bold; margin-top: 1; color: $accent; }
    HistoryModal .amend-head { text-style: bold; margin-top: 1; color: $warning; }
    HistoryModal Button { margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="history.close")]

    def __init__(self, session_id: str | None, alias: str = "") -> None:
        super().__init__()
        self.session_id = session_id
        self.alias = alias

    def compose(self) -> ComposeResult:
        t = self.app.t
        ws = self.app.workstation
        notes = ws.notes.earlier_notes(self.session_id) if self.session_id else []
        amend = ws.supervision.to_amend()
        title = (t("history.title", alias=self.alias, count=len(notes)) if self.session_id
                 else t("review.amend.title", count=len(amend)))
        with Vertical():
            yield Static(Text(title), id="hist-title")
            with VerticalScroll():
                if amend:
                    yield Static(Text(t("review.amend.heading")), classes="amend-head")
                for sid in amend:
                    session = ws.desk.session(sid)
                    template, fields, version = ws.notes.note(sid)
                    if session is not None:
                        yield from self._note(session, {"template": template, "fields": fields, "version": version})
                if self.session_id and amend:
                    yield Static(Text(t("review.amend.earlier")), classes="amend-head")
                if not notes and (self.session_id or not amend):
                    yield Static(Text(t("history.none")))
                for session, note in reversed(notes):
                    yield from self._note(session, note, amendable=session.id not in amend)

    def _note(self, session: Session, note: dict, amendable: bool = True) -> Iterator[Widget]:
        """One note: who and when, its sign-off status, the supervisor's comments, the fields, and the amend key."""
        t = self.app.t
        ws = self.app.workstation
        tpl = self.app.data.templates
        status = ws.supervision.status(session.id)
        yield Static(Text(" · ".join([
            session.alias, t("history.entry", date=clock_time(self.app.clock, session.started_at, "%Y-%m-%d %H:%M"),
                             counselor=session.counselor, template=t.pick(tpl.get(note["template"]).name),
                             version=note["version"]), t(f"sv.status.{status.value}")])), classes="note-head")
        comments = ws.supervision.comments(session.id)
        if comments:
            yield Static(comments_text(self.app, comments))
        body = Text()
        for section in tpl.sections(note["template"]):
            value = note["fields"].get(section.key, "").strip()
            if value:
                body.append(t.pick(section.label) + ": ", style="bold")
                body.append(value + "\n")
        yield Static(body)
        if amendable and session.id in ws.supervision.to_amend():
            yield Button(t("review.amend.button"), id=f"amend-{session.id}", variant="warning")

    def on_mount(self) -> None:
        buttons = self.query(Button)
        if buttons:
            buttons.first().focus()  # Enter reopens the first note waiting for an amendment

    def on_button_pressed(self, event: Button.Pressed) -> None:
        session_id = (event.button.id or "").removeprefix("amend-")

        async def done(resubmitted: bool | None) -> None:
            if resubmitted:
                await self.recompose()
                self.on_mount()

        self.app.push_screen(AmendModal(session_id), done)

    def action_close(self) -> None:
        self.dismiss(None)
