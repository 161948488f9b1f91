"""The chats' tabs: the chat in front changes only when the counselor or the desk puts another one there.

Textual's TabbedContent makes the tab named by every `Tabs.TabActivated` that reaches it the active one, however
late that message arrives. Adding the first tab to an empty strip posts two such messages after the tab is mounted,
and they are handled on the TabbedContent's own message queue. Should one arrive after the desk has put another chat
in front (a handover opening into an empty desk while the counselor accepts a client), it would pull the old chat back
in front, under the counselor's typing, and Ctrl+T or Ctrl+F would act on a chat they did not choose. Here a message
for a tab that is no longer the strip's active one is dropped: a click or an arrow key on the strip makes its tab the
active one before its message is posted, so those still switch. The same holds for a focus that lands late in a
chat not on screen (TabPane.Focused): the chat in front stays; the main screen gives the focus back to it.
"""

from __future__ import annotations

from textual.widgets import TabbedContent, TabPane, Tabs


class ChatTabs(TabbedContent):
    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tabs.parent is self and event.tab.id != event.tabs.active:
            event.stop()
            event.prevent_default()  # a late message: TabbedContent's own handler (a base class's) does not run

    def on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        """TabbedContent brings a hidden tab in front when something in it is focused. The desk puts a chat in
        front before it focuses its reply box; a focus that lands in a chat not on screen is a late one."""
        if event.tab_pane.id != self.active and not event.tab_pane.display:
            event.stop()
            event.prevent_default()
