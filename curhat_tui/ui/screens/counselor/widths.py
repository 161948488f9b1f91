"""The main screen's widths in columns, in one place: what fits beside a chat (`main`, `pane_moves`,
`screener_actions`)."""

from __future__ import annotations

WIDE_WIDTH = 160  # from here chats stand side by side
THREE_PANES_WIDTH = 200  # from here three of them
NARROW_WIDTH = 140
# Below this the chat gets the room: the red flags and the note are hidden (Ctrl+R shows them, and the queue steps
# aside), and they step aside for the screener too.
SIDE_PANEL_WIDTH = 120
NARROW_FOR_SCREENER = 160  # below this the queue steps aside while the screener is open, so the chat keeps room
