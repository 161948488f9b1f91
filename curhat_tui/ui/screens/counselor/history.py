"""The client's earlier notes, readable from the running session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from curhat_tui.domain.clock import clock_time

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class HistoryModal(ModalScreen[None]):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    HistoryModal { align: center middle; }
    HistoryModal > Vertical { width: 90%; height: 90%; border: thick $primary; background: $surface; }
    HistoryModal #hist-title { background: $boost; text-style: bold; padding: 0 1; }
    HistoryModal VerticalScroll { padding: 0 1; }
    HistoryModal .note-head { text-style: bold; margin-top: 1; color: $accent; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="history.close")]

    def __init__(self, session_id: str, alias: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.alias = alias

    def compose(self) -> ComposeResult:
        t = self.app.t
        notes = self.app.workstation.notes.earlier_notes(self.session_id)
        with Vertical():
            yield Static(Text(t("history.title", alias=self.alias, count=len(notes))), id="hist-title")
            with VerticalScroll():
                if not notes:
                    yield Static(Text(t("history.none")))
                for session, note in reversed(notes):
                    tpl = self.app.data.templates
                    yield Static(Text(t("history.entry", date=clock_time(self.app.clock, session.started_at,
                                                                          "%Y-%m-%d %H:%M"),
                                        counselor=session.counselor, template=t.pick(tpl.get(note["template"]).name),
                                        version=note["version"])), classes="note-head")
                    body = Text()
                    for section in tpl.sections(note["template"]):
                        value = note["fields"].get(section.key, "").strip()
                        if value:
                            body.append(t.pick(section.label) + ": ", style="bold")
                            body.append(value + "\n")
                    yield Static(body)

    def action_close(self) -> None:
        self.dismiss(None)
