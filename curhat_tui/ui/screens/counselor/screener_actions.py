"""The screener beside the chat, as the main screen's actions: F2 docks it for the active session (F2 again moves
between the reply box and the panel), Alt+Y / Alt+N record the client's answer while the reply box keeps the focus,
Alt+Q puts the question's wording in the reply box, Alt+U takes the last answer back; finishing ticks the red flag
with the answers and loads the matching script."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.widgets import TabbedContent

from curhat_tui.domain.models import SessionStatus
from curhat_tui.ui.base import EventScreen
from curhat_tui.ui.screens.counselor.screener import ScreenerPanel
from curhat_tui.ui.screens.counselor.widths import NARROW_FOR_SCREENER, SIDE_PANEL_WIDTH
from curhat_tui.ui.widgets.chat_pane import ChatPane
from curhat_tui.ui.widgets.composer import alt


class ScreenerActions(EventScreen):
    """Mixed into `SessionActions`; needs `panes`, `active_pane`, `_raise` and `settle_focus` from it."""

    BINDINGS = [
        # the screener beside the chat, while the reply box keeps the focus (offered only while it is open)
        Binding(alt("y"), "screener_answer(True)", "Yes", id="main.screener_yes", priority=True),
        Binding("alt+n", "screener_answer(False)", "No", id="main.screener_no", priority=True),
        Binding(alt("q"), "screener_ask", "Ask", id="main.screener_ask", priority=True),
        Binding("alt+u", "screener_back", "Back", id="main.screener_back", priority=True, show=False),
    ]

    panes: dict[str, ChatPane]
    _screener_item = "suicide"
    _queue_hidden_by_screener = False
    _side_hidden_by_screener = False
    _screener_panel: ScreenerPanel | None = None

    def _open_screener(self, pane: ChatPane, item_id: str) -> None:
        """Dock the screener beside the chat for this session; the reply box keeps the focus (ask in the chat)."""
        self._screener_item = item_id
        panel = self._screener()
        if panel is not None and panel.is_open and panel.session_id == pane.session.id:
            # F2 again: between the reply box and the panel (y/n there; on a Mac Option+Y/N types characters)
            if panel.has_focus:
                pane.composer.focus()
            else:
                panel.focus()
            return
        if panel is None:
            panel = self._screener_panel = ScreenerPanel()
            self.query_one("#body").mount(panel, after="#center")
        panel.open(pane.session.id, pane.session.alias)  # shown once its lines are composed (ScreenerPanel.on_mount)
        if self.app.size.width < NARROW_FOR_SCREENER and not self.has_class("-hide-queue"):  # room for the chat beside it
            self.add_class("-hide-queue")
            self._queue_hidden_by_screener = True
        if self.app.size.width < SIDE_PANEL_WIDTH and not self.has_class("-hide-side"):  # at 80 the chat was 5 wide
            self.add_class("-hide-side")
            self._side_hidden_by_screener = True
        self.refresh_bindings()

    def _screener(self) -> ScreenerPanel | None:
        """The panel, once mounted (kept: the key bar asks for it with every binding check, and a DOM query costs
        milliseconds on a desk of several chats)."""
        panel = self._screener_panel
        return panel if panel is not None and panel.is_attached else None

    def _screener_stepped_aside(self) -> None:
        if self._queue_hidden_by_screener:
            self._queue_hidden_by_screener = False
            self.remove_class("-hide-queue")
        if self._side_hidden_by_screener:
            self._side_hidden_by_screener = False
            self.remove_class("-hide-side")
        self.refresh_bindings()

    @on(ScreenerPanel.Finished)
    def _screener_finished(self, event: ScreenerPanel.Finished) -> None:
        """Answers recorded (or the screener skipped): tick the flag with them and load the matching script."""
        self._screener_stepped_aside()
        pane = self.panes.get(event.session_id)
        if pane is None or pane.session.status is not SessionStatus.ACTIVE:
            self.app.notify(self.app.t("flags.no_session"), severity="warning")
            return
        self._raise(pane, self._screener_item, event.answers)
        if pane.loaded:
            pane.composer.focus()

    @on(ScreenerPanel.Closed)
    def _screener_closed(self) -> None:
        self._screener_stepped_aside()
        self.settle_focus(move=True)

    @on(TabbedContent.TabActivated)
    def _screener_follows(self) -> None:
        panel = self._screener()
        if panel is not None:
            pane = self.active_pane
            panel.follow(pane.session.id if pane is not None else None)
            self.refresh_bindings()

    def _open_panel(self) -> ScreenerPanel | None:
        panel = self._screener()
        return panel if panel is not None and panel.is_open else None

    def action_screener_answer(self, yes: bool) -> None:
        panel = self._open_panel()
        if panel is not None:
            panel.action_answer(yes)

    def action_screener_back(self) -> None:
        panel = self._open_panel()
        if panel is not None:
            panel.action_back()

    def action_screener_ask(self) -> None:
        """Put the screener's wording of the question to ask now in the reply box (edit it, then send)."""
        panel = self._open_panel()
        pane = self.active_pane
        if panel is not None and pane is not None and pane.loaded and panel.current_question():
            pane.composer.insert_snippet(panel.current_question())
