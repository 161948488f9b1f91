"""The trainee's practice history (R in F12): curriculum progress, and each finished practice session's
transcript with a supervisor's comments beside the lines they are about.

Progress shows only the steps' neutral titles (blind mode: nothing says which client hid which risk); the
transcript lines and comments are shown literally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from curhat_tui.domain.clock import clock_time
from curhat_tui.ui.screens.supervisor.practice_transcript import transcript_head, transcript_options
from curhat_tui.ui.screens.supervisor.trainees import progress_markdown
from curhat_tui.ui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class PracticeHistoryScreen(Screen[None]):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    PracticeHistoryScreen #ph-title { height: 1; background: $boost; padding: 0 1; text-style: bold; }
    PracticeHistoryScreen #ph-left { width: 44; max-width: 40%; height: 1fr; border-right: vkey $panel; }
    PracticeHistoryScreen #ph-progress-scroll { height: 2fr; }
    PracticeHistoryScreen #ph-sessions { height: 1fr; min-height: 4; }
    PracticeHistoryScreen #ph-right { width: 1fr; height: 1fr; }
    PracticeHistoryScreen #ph-head { height: auto; padding: 0 1; }
    PracticeHistoryScreen #ph-lines { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", "Back", id="practice_history.close")]

    @property
    def trainer(self):
        return self.app.workstation.practice.trainer

    def compose(self) -> ComposeResult:
        t = self.app.t
        name = self.app.workstation.counselor
        yield Static(Text(t("trainer.history_title", name=name)), id="ph-title")
        with Horizontal():
            with Vertical(id="ph-left"):
                with VerticalScroll(id="ph-progress-scroll"):  # long on a short terminal: it scrolls
                    yield Markdown(progress_markdown(t, self.app.clock, self.app.workstation.practice.curriculum,
                                                     name, blind=True), id="ph-progress")
                yield OptionList(*self._sessions(), id="ph-sessions")
            with Vertical(id="ph-right"):
                yield Static(Text(t("trainer.history_pick")), id="ph-head")
                yield OptionList(id="ph-lines")
        yield KeysFooter()

    def _sessions(self) -> list[Option]:
        sessions = self.trainer.own_sessions(self.app.workstation.counselor)
        if not sessions:
            return [Option(Text(self.app.t("trainer.history_none")), id="", disabled=True)]
        return [Option(Text.assemble((s.alias, "bold"), "  " + clock_time(self.app.clock, s.started_at,
                                                                          "%d/%m %H:%M")), id=s.id)
                for s in sessions]

    def on_mount(self) -> None:
        sessions = self.query_one("#ph-sessions", OptionList)
        sessions.focus()
        if sessions.option_count and not sessions.get_option_at_index(0).disabled:
            sessions.highlighted = 0

    @on(OptionList.OptionHighlighted, "#ph-sessions")
    def _session(self, event: OptionList.OptionHighlighted) -> None:
        self.show(event.option.id or "")

    def show(self, session_id: str) -> None:
        session = self.trainer.session(session_id)
        if session is None:
            return
        lines = self.query_one("#ph-lines", OptionList)
        lines.clear_options()
        lines.add_options(transcript_options(self.app.t, self.app.clock, session,
                                             self.trainer.transcript(session_id, record=False),
                                             self.trainer.line_comments(session_id)))
        self.query_one("#ph-head", Static).update(transcript_head(self.app, session))

    def action_close(self) -> None:
        self.dismiss(None)
