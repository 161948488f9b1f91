"""The Columbia suicide screener (C-SSRS), docked beside the chat: the counselor asks each question in the chat and
records the client's answer here, one question at a time with its skip logic (domain/screener.py).

The panel never covers the chat. F2 opens it for the active session and leaves the focus in the reply box: the
counselor types the question (Alt+Q puts the screener's wording in the reply box), reads the client's answer, and
records it with Alt+Y or Alt+N, or with y and n when the panel has the focus (Tab). Each session keeps its own
answers until the screener is finished or skipped, kept in the store as they are recorded (`ws.flags`), so a quit or a
crash loses none: F2 after a restart is back at the question it was at. Finishing (Enter on the panel, or
Alt+Y/Alt+N/Alt+L when complete) ticks the red flag with the answers, which the flag's record keeps
(services/flags.py), and loads the matching script.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from curhat_tui.domain import screener
from curhat_tui.ui.widgets.localize import localize_bindings

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


def question_number(qid: str) -> str:
    """The screener's own number for a question ("q6b" -> "6b"), the one the answers list and the report use."""
    return qid.removeprefix("q")


class ScreenerPanel(Vertical, can_focus=True):
    """One screener at a time on screen, for the active session; answers kept per session until finished (in memory
    for the run, in the store across a restart)."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    ScreenerPanel { width: 38; height: 1fr; border-left: thick $error; background: $surface; padding: 0 1;
        display: none; }
    ScreenerPanel.-open { display: block; }
    ScreenerPanel:focus { background-tint: $accent 10%; border-left: thick $accent; }
    ScreenerPanel #sc-title { text-style: bold; color: $error; }
    ScreenerPanel #sc-progress { color: $text-muted; margin-top: 1; }
    ScreenerPanel #sc-question { margin: 1 0; text-style: bold; }
    ScreenerPanel #sc-answers { height: auto; }
    ScreenerPanel #sc-result { height: auto; margin-top: 1; }
    ScreenerPanel #sc-keys { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="screener.yes"),
        Binding("n", "answer(False)", "No", id="screener.no"),
        Binding("backspace", "back", "Back", id="screener.back"),
        Binding("enter", "done", "Load script", id="screener.done"),
        Binding("s", "skip", "Skip screener", id="screener.skip"),
        Binding("escape", "close", "Close", id="screener.close"),
    ]

    class Finished(Message):
        """The screener is done for `session_id`: `answers` complete, or {} when skipped."""

        def __init__(self, session_id: str, answers: dict[str, bool]) -> None:
            super().__init__()
            self.session_id = session_id
            self.answers = answers

    class Closed(Message):
        """The panel was closed (its answers kept for the next F2)."""

    def __init__(self, id: str | None = "screener") -> None:
        super().__init__(id=id)
        self.progress: dict[str, dict[str, bool]] = {}  # session id -> answers so far (the store's copy, at hand)
        self.aliases: dict[str, str] = {}
        self.session_id: str | None = None
        self.stepped_aside: set[str] = set()  # sessions whose screener was closed with Esc (answers kept)
        self._composed = False  # its lines exist only once mounted; until then show() waits for on_mount

    @property
    def answers(self) -> dict[str, bool]:
        return self.progress.get(self.session_id or "", {})

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def on_mount(self) -> None:
        localize_bindings(self)  # the footer names y, n, Backspace, Enter, s and Esc in the session language
        # Mount comes after compose has mounted the lines: a session opened (or answered) before then shows now
        self._composed = True
        if self.session_id is not None:
            self.show()

    def compose(self) -> ComposeResult:
        yield Static(id="sc-title")
        yield Static(id="sc-progress")
        yield Static(id="sc-question")
        yield Static(id="sc-answers")
        yield Static(id="sc-result")
        yield Static(id="sc-keys")

    # ---- which session it shows ----------------------------------------------------------
    def open(self, session_id: str, alias: str) -> None:
        """Show the screener of `session_id` (a new one, or the one left open for it, in this run or before a
        restart)."""
        if session_id not in self.progress:
            self.progress[session_id] = self.app.workstation.flags.screener_answers(session_id)
        self.aliases[session_id] = alias
        self.stepped_aside.discard(session_id)
        self.follow(session_id)

    def follow(self, session_id: str | None) -> None:
        """The active session changed: show its screener if it has one open, else step aside."""
        self.session_id = session_id if session_id in self.progress and session_id not in self.stepped_aside else None
        self.set_class(self.session_id is not None, "-open")
        if self.session_id is not None:
            self.show()

    def forget(self, session_id: str) -> None:
        """The session is gone (closed, or the screener finished or skipped): the panel lets its answers go. The
        stored copy is the services' to drop (`Flags.raise_flag` on finish or skip, the close and the purge), so a
        crash between the two keeps the answers for F2 rather than losing them."""
        self.progress.pop(session_id, None)
        self.aliases.pop(session_id, None)
        self.stepped_aside.discard(session_id)
        if self.session_id == session_id:
            self.follow(None)

    # ---- what it shows ---------------------------------------------------------------------
    def show(self) -> None:
        if not self._composed:  # mounted a moment ago on a loaded machine: on_mount shows what is recorded
            return
        t = self.app.t
        answers = self.answers
        qid = screener.next_question(answers)
        done = qid is None
        self.query_one("#sc-title", Static).update(Text(t("screener.title", alias=self.aliases.get(
            self.session_id or "", ""))))
        self.query_one("#sc-progress", Static).update(
            Text(t("screener_panel.complete_hint") if done else t("screener_panel.progress", n=question_number(qid))))
        lines = Text()
        for q in [q for q in screener.asked(answers) if q in answers]:
            lines.append(f"{t(f'screener.short.{q}')}: ", style="dim")
            lines.append((t("button.yes") if answers[q] else t("button.no")) + "\n",
                         style="bold red" if answers[q] else "")
        self.query_one("#sc-answers", Static).update(lines)
        question = self.query_one("#sc-question", Static)
        result = self.query_one("#sc-result", Static)
        if done:
            risk = screener.result(answers)
            question.update(Text(t("screener.complete")))
            result.update(Text(t(f"screener.result.{risk.key}"),
                               style={"high": "bold white on red", "moderate": "bold black on dark_orange"}
                               .get(risk.key, "bold")))
        else:
            question.update(Text(t(f"screener.{qid}")))
            result.update("")
        self.query_one("#sc-keys", Static).update(Text(t("screener_panel.keys_done" if done else "screener_panel.keys")))

    def current_question(self) -> str:
        """The wording of the question to ask now ('' when all are answered)."""
        qid = screener.next_question(self.answers)
        return "" if qid is None else self.app.t(f"screener.{qid}")

    # ---- recording ---------------------------------------------------------------------------
    def action_answer(self, yes: bool) -> None:
        if self.session_id is None:
            return
        qid = screener.next_question(self.answers)
        if qid is None:
            self.action_done()
            return
        self.progress[self.session_id][qid] = yes
        self._keep()
        self.show()

    def action_back(self) -> None:
        asked = [q for q in screener.asked(self.answers) if q in self.answers]
        if self.session_id is not None and asked:
            self.progress[self.session_id].pop(asked[-1])
            self._keep()
            self.show()

    def _keep(self) -> None:
        """Each answer reaches the store as it is recorded (a quit or a crash next loses none)."""
        if self.session_id is not None:
            self.app.workstation.flags.keep_screener_answers(self.session_id, dict(self.answers))

    def action_done(self) -> None:
        """Finished: the screen ticks the flag with the answers and loads the script."""
        if self.session_id is not None and screener.is_complete(self.answers):
            session_id, answers = self.session_id, dict(self.answers)
            self.forget(session_id)
            self.post_message(self.Finished(session_id, answers))

    def action_skip(self) -> None:
        """Tick the flag and load the general script now, without screening (the skip is recorded)."""
        if self.session_id is not None:
            session_id = self.session_id
            self.forget(session_id)
            self.post_message(self.Finished(session_id, {}))

    def action_close(self) -> None:
        """Step aside; the answers so far stay for this session's next F2."""
        if self.session_id is not None:
            self.stepped_aside.add(self.session_id)
        self.follow(None)
        self.post_message(self.Closed())
