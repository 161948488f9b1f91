"""A practice transcript line by line, with the supervisor's comments beside the lines they are about.

The supervisor opens it from the Trainee practice tab (Enter or V) or, to watch a running session as it goes,
from Live (V on a "(latihan)" row); picks a line and presses K to comment on it. The trainee reads the same lines
and comments in their practice history (F12, R), where K does nothing. Client and trainee text is shown
literally (rich Text, control characters removed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from curhat_tui.domain.clock import Clock, clock_time
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Message, Sender, Session
from curhat_tui.domain.review import ReviewError
from curhat_tui.domain.sanitize import clean
from curhat_tui.ui.screens.common.ask_text import AskTextModal
from curhat_tui.ui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


def line_text(t: Catalogue, clock: Clock, session: Session, message: Message, comments: list[dict]) -> Text:
    """One transcript line ('HH:MM who: text') and, indented under it, each comment on it."""
    client = message.sender is Sender.CLIENT
    who = session.alias if client else session.counselor
    out = Text(f"{clock_time(clock, message.ts, '%H:%M')} {who}: ", style="bold cyan" if client else "bold")
    if message.redacted:
        out.append(t("transcript.redacted"), style="italic dim")
    else:
        out.append(clean(message.text))
    for c in comments:
        out.append("\n   ")
        out.append(t("trainer.transcript.comment", author=clean(c["author"]),
                      time=clock_time(clock, c["ts"], "%d/%m %H:%M")), style="bold yellow")
        out.append(clean(c["text"]).replace("\n", " "), style="yellow")
    return out


def transcript_options(t: Catalogue, clock: Clock, session: Session, messages: list[Message],
                       comments: dict[int, list[dict]]) -> list[Option]:
    """Every line of a transcript as an option whose id is the message id, comments beside their lines."""
    return [Option(line_text(t, clock, session, m, comments.get(m.id, [])), id=str(m.id)) for m in messages]


def transcript_head(app: CurhatApp, session: Session) -> Text:
    t = app.t
    level = app.workstation.practice.trainer.level(session.id)
    return Text(t("trainer.transcript.title", alias=session.alias, trainee=session.counselor,
                  date=clock_time(app.clock, session.started_at, "%d/%m/%Y %H:%M"),
                  level=t(f"practice_setup.level.{level}")), style="bold")


class PracticeTranscriptScreen(Screen[None]):
    """A supervisor's view of one practice session's transcript, commenting on single lines."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    PracticeTranscriptScreen #pt-head { height: auto; background: $boost; padding: 0 1; }
    PracticeTranscriptScreen #pt-note { height: auto; padding: 0 1; color: $text-muted; }
    PracticeTranscriptScreen OptionList { height: 1fr; }
    """
    BINDINGS = [
        Binding("k", "comment", "Comment on line", id="practice_transcript.comment"),
        Binding("escape", "close", "Back", id="practice_transcript.close"),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id

    @property
    def trainer(self):
        return self.app.workstation.practice.trainer

    def compose(self) -> ComposeResult:
        session = self.trainer.session(self.session_id)
        yield Static(transcript_head(self.app, session) if session else Text(self.session_id), id="pt-head")
        yield Static(id="pt-note")
        yield OptionList(id="pt-lines")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refresh_lines(record=True)
        self.query_one(OptionList).focus()
        self.set_interval(1.0, self._follow)  # a running session: its new lines come in as the trainee works

    def _follow(self) -> None:
        if self.query_one(OptionList).option_count != len(self.trainer.transcript(self.session_id, record=False)):
            self.refresh_lines()

    def refresh_lines(self, record: bool = False) -> None:
        t = self.app.t
        session = self.trainer.session(self.session_id)
        if session is None:
            return
        messages = self.trainer.transcript(self.session_id, record=record)
        lines = self.query_one(OptionList)
        keep = lines.highlighted
        lines.clear_options()
        lines.add_options(transcript_options(t, self.app.clock, session, messages,
                                             self.trainer.line_comments(self.session_id)))
        gone = self.trainer.transcript_gone_at(self.session_id)
        note = (t("trainer.transcript.gone", date=clock_time(self.app.clock, gone, "%d/%m/%Y")) if gone
                else t("trainer.transcript.empty") if not messages else t("trainer.transcript.hint"))
        self.query_one("#pt-note", Static).update(Text(note))
        if messages:
            lines.highlighted = min(keep or 0, len(messages) - 1)

    def action_comment(self) -> None:
        lines = self.query_one(OptionList)
        if lines.highlighted is None:
            return
        message_id = int(lines.get_option_at_index(lines.highlighted).id or 0)
        said = next((m for m in self.trainer.transcript(self.session_id, record=False) if m.id == message_id), None)
        quoted = "" if said is None or said.redacted else clean(said.text).replace("\n", " ")

        def done(text: str | None) -> None:
            if not text:
                return
            try:
                self.trainer.comment_line(self.session_id, message_id, text)
            except (ReviewError, KeyError):
                self.app.notify(self.app.t("sv.empty"), severity="error")
                return
            self.app.notify(self.app.t("trainer.transcript.commented"))
            self.refresh_lines()

        self.app.push_screen(AskTextModal("trainer.transcript.ask_title", "trainer.transcript.ask_placeholder",
                                          "sv.empty", {"line": quoted[:300]}), done)  # which line is being commented

    def action_close(self) -> None:
        self.dismiss(None)
