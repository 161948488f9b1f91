"""Quick replies: type to filter, Up/Down to choose, Enter puts the line in the reply box (never sends it).

Lines come from data/quick_replies.toml in the UI language, with {client}, {counselor} and
{minutes_left} filled for the session; every line is shown and inserted as text, never markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from curhat_tui.domain.quick_replies import fill, matches
from curhat_tui.domain.sanitize import clean
from curhat_tui.ui.screens.common.early_keys import too_early

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class QuickRepliesModal(ModalScreen[str | None]):
    """Returns the chosen line, filled, or None when cancelled."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    QuickRepliesModal { align: center middle; }
    QuickRepliesModal > Vertical { width: 100; max-width: 96%; height: 80%; border: thick $primary;
        background: $surface; padding: 0 1; }
    QuickRepliesModal #qr-title { text-style: bold; height: auto; }
    QuickRepliesModal #qr-filter { margin: 1 0 0 0; }
    QuickRepliesModal #qr-list { height: 1fr; border: round $panel-lighten-2; }
    QuickRepliesModal #qr-list > .option-list--option-highlighted { color: $block-cursor-foreground;
        background: $block-cursor-background; text-style: bold; }
    QuickRepliesModal #qr-hint { color: $text-muted; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="replies.cancel"),
        Binding("enter", "insert", "Insert", id="replies.insert", priority=True),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
    ]

    def __init__(self, client: str, counselor: str, minutes_left: int) -> None:
        super().__init__()
        self.client = client
        self.counselor = counselor
        self.minutes_left = minutes_left
        self.lines: list[tuple[str, str]] = []  # (group label, filled line) in the order shown before filtering
        self.shown: list[str] = []  # the filled lines the list shows now

    def compose(self) -> ComposeResult:
        t = self.app.t
        for reply in self.app.data.quick_replies.in_order():
            line = fill(t.pick(reply.text), client=clean(self.client), counselor=clean(self.counselor),
                        minutes_left=self.minutes_left)
            self.lines.append((t(f"replies.group.{reply.group}"), line))
        with Vertical():
            yield Static(Text(t("replies.title", client=clean(self.client))), id="qr-title")
            yield Input(placeholder=t("replies.filter"), id="qr-filter")
            yield OptionList(id="qr-list")
            yield Static(Text(t("replies.hint")), id="qr-hint")

    def on_mount(self) -> None:
        self.query_one("#qr-list", OptionList).can_focus = False  # the filter keeps focus; Up/Down move the list
        self._show("")
        self.query_one("#qr-filter", Input).focus()

    @on(Input.Changed, "#qr-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, words: str) -> None:
        options = self.query_one("#qr-list", OptionList)
        options.clear_options()
        self.shown = []
        group = None
        for label, line in self.lines:
            if not matches(words, label, line):
                continue
            if label != group:
                options.add_option(Option(Text(label, style="bold"), disabled=True))
                group = label
            options.add_option(Option(Text("• " + line)))
            self.shown.append(line)
        if not self.shown:
            options.add_option(Option(Text(self.app.t("replies.none", words=words.strip())), disabled=True))
            return
        options.highlighted = next(i for i in range(options.option_count) if not options.get_option_at_index(i).disabled)

    def action_move(self, step: int) -> None:
        if too_early(self, self.action_move, step):
            return
        options = self.query_one("#qr-list", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def _chosen(self) -> str | None:
        options = self.query_one("#qr-list", OptionList)
        index = options.highlighted
        if index is None or options.get_option_at_index(index).disabled:
            return None
        before = sum(1 for i in range(index) if not options.get_option_at_index(i).disabled)
        return self.shown[before]

    def action_insert(self) -> None:
        if too_early(self, self.action_insert):
            return
        line = self._chosen()
        if line is not None:
            self.dismiss(line)

    @on(OptionList.OptionSelected, "#qr-list")
    def _clicked(self) -> None:
        self.action_insert()

    def action_cancel(self) -> None:
        self.dismiss(None)
