"""The Columbia suicide screener, one question at a time with its skip logic."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from curhat_tui.domain import screener

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


def _unfocusable(button: Button) -> Button:
    """Enter, y and n are the only answers: a button that never holds focus never takes Enter."""
    button.can_focus = False
    return button


def question_number(qid: str) -> str:
    """The screener's own number for a question ("q6b" -> "6b"), the one the answers list and the report use."""
    return qid.removeprefix("q")


class ScreenerModal(ModalScreen[dict | None]):
    """Returns the answers ({question id: bool}) when complete, {} when skipped, None if cancelled."""

    AUTO_FOCUS = None  # nothing focused: Enter reaches the screen's binding, which only loads a finished result

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    ScreenerModal { align: center middle; }
    ScreenerModal > Vertical { width: 76; max-width: 98%; height: auto; max-height: 98%; border: thick $error;
        background: $surface; padding: 0 2; }
    ScreenerModal #sc-title { text-style: bold; color: $error; }
    ScreenerModal #sc-progress { color: $text-muted; }
    ScreenerModal #sc-question { margin: 1 0; text-style: bold; }
    ScreenerModal #sc-answers { color: $text-muted; height: auto; }
    ScreenerModal #sc-result { height: auto; margin-top: 1; }
    ScreenerModal Horizontal { height: auto; align-horizontal: right; }
    ScreenerModal Button { margin-left: 1; min-width: 12; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="screener.yes"),
        Binding("n", "answer(False)", "No", id="screener.no"),
        Binding("backspace", "back", "Back", id="screener.back"),
        Binding("enter", "done", "Load script", id="screener.done", show=False),
        Binding("s", "skip", "Skip screener", id="screener.skip"),
        Binding("escape", "cancel", "Cancel", id="screener.cancel"),
    ]

    def __init__(self, alias: str, key_guard: float = 0.6) -> None:
        super().__init__()
        self.alias = alias
        self.answers: dict[str, bool] = {}
        self.key_guard = key_guard
        self._opened = 0.0

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(Text(t("screener.title", alias=self.alias)), id="sc-title")
            yield Static(id="sc-progress")
            yield Static(id="sc-question")
            yield Static(id="sc-answers")
            yield Static(id="sc-result")
            with Horizontal():
                yield _unfocusable(Button(t("button.no") + " (n)", id="no"))
                yield _unfocusable(Button(t("button.yes") + " (y)", id="yes", variant="error"))
                yield _unfocusable(Button(t("screener.load"), id="done", variant="primary"))

    def on_mount(self) -> None:
        self._opened = time.monotonic()
        self._show()

    def _typed_through(self) -> bool:
        """Keys arriving right after F2 were meant for the reply box, not for the screener."""
        return time.monotonic() - self._opened < self.key_guard

    def _show(self) -> None:
        t = self.app.t
        qid = screener.next_question(self.answers)
        asked = [q for q in screener.asked(self.answers) if q in self.answers]
        done = qid is None
        self.query_one("#sc-progress", Static).update(t("screener.done_hint") if done else
                                                      t("screener.progress", n=question_number(qid)))
        lines = Text()
        for q in asked:
            lines.append(f"{t(f'screener.short.{q}')}: ", style="dim")
            lines.append((t("button.yes") if self.answers[q] else t("button.no")) + "\n",
                         style="bold red" if self.answers[q] else "")
        self.query_one("#sc-answers", Static).update(lines)
        question = self.query_one("#sc-question", Static)
        result = self.query_one("#sc-result", Static)
        self.query_one("#yes", Button).display = not done
        self.query_one("#no", Button).display = not done
        self.query_one("#done", Button).display = done
        if done:
            risk = screener.result(self.answers)
            question.update(Text(t("screener.complete")))
            result.update(Text(t(f"screener.result.{risk.key}"),
                               style={"high": "bold white on red", "moderate": "bold black on dark_orange"}
                               .get(risk.key, "bold")))
        else:
            question.update(Text(t(f"screener.{qid}")))
            result.update("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "done":
            self.action_done()
        else:
            self.action_answer(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        if self._typed_through():
            return
        qid = screener.next_question(self.answers)
        if qid is not None:
            self.answers[qid] = yes
            self._show()

    def action_back(self) -> None:
        asked = [q for q in screener.asked(self.answers) if q in self.answers]
        if asked:
            self.answers.pop(asked[-1])
            self._show()

    def action_done(self) -> None:
        if screener.is_complete(self.answers) and not self._typed_through():
            self.dismiss(dict(self.answers))

    def action_skip(self) -> None:
        """Load the general script now without screening (the flag and the skip are recorded)."""
        if not self._typed_through():
            self.dismiss({})

    def action_cancel(self) -> None:
        self.dismiss(None)
