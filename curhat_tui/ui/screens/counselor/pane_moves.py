"""Moving between the chats and the panels of the main screen: Alt+1..9, Ctrl+O and Ctrl+PgUp/PgDn between chats,
focus moved into a chat beside the focused one (a click, Tab), Ctrl+B for the queue and Ctrl+R for the red flags and
the note. `MainScreen` adds the layout, the panes and the events."""

from __future__ import annotations

from textual import events, on
from textual.widgets import TabbedContent

from curhat_tui.ui.screens.counselor.session_actions import SessionActions
from curhat_tui.ui.screens.counselor.widths import SIDE_PANEL_WIDTH
from curhat_tui.ui.widgets.chat_pane import ChatPane


class PaneMoves(SessionActions):
    _manual_layout = False  # the counselor showed or hid a column: a resize no longer decides it

    @property
    def active_pane(self) -> ChatPane | None:  # MainScreen's: the chat in front
        raise NotImplementedError

    def _show_panes(self) -> None:  # MainScreen's: which chats are on screen
        raise NotImplementedError

    def action_switch(self, number: int) -> None:
        ids = list(self.panes)
        if 1 <= number <= len(ids):
            self.query_one(TabbedContent).active = f"tab-{ids[number - 1]}"
            self._show_panes()  # at once, so that a chat beside it never blinks out for a frame
            self.panes[ids[number - 1]].focus_composer()

    def action_next_pane(self, step: int = 1) -> None:
        ids, pane = list(self.panes), self.active_pane
        if ids:
            current = ids.index(pane.session.id) if pane else -1
            self.action_switch((current + step) % len(ids) + 1)

    @on(events.DescendantFocus)
    def _focus_moved(self, event: events.DescendantFocus) -> None:
        """Focus moved into a chat beside the focused one (a click, Tab): that chat becomes the focused one. Focus
        that lands in a chat not on screen (a late programmatic focus) never changes the chat in front: it goes back."""
        pane = next((node for node in event.widget.ancestors_with_self if isinstance(node, ChatPane)), None)
        if pane is None or pane is self.active_pane or pane.session.id not in self.panes:
            return
        if pane.parent is not None and pane.parent.display:
            self.query_one(TabbedContent).active = f"tab-{pane.session.id}"
        else:
            self.settle_focus(move=True)

    def action_toggle_queue(self) -> None:
        self._toggle("-hide-queue", other="-hide-side")

    def action_toggle_side(self) -> None:
        self._toggle("-hide-side", other="-hide-queue")

    def _toggle(self, hidden: str, other: str) -> None:
        """Show or hide a column. Below 120 columns the queue and the panels do not both fit beside a chat (at 80,
        the reply box was ten columns wide): showing one there hides the other."""
        self._manual_layout = True
        self.toggle_class(hidden)
        if not self.has_class(hidden) and self.app.size.width < SIDE_PANEL_WIDTH:
            self.add_class(other)
