"""The reply box: Enter sends, Ctrl+J inserts a newline (terminals report Alt+Enter as Enter)."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = ("ctrl+j", "shift+enter")
# What Textual reports for Alt+1..9 in xterm-like terminals (ESC followed by the digit):
# the reply box lets them through so that they switch sessions instead of typing ¡ ™ £ …
ALT_DIGIT_KEYS = ("inverted_exclamation_mark", "trade_mark_sign", "pound_sign", "cent_sign", "infinity",
                  "section_sign", "pilcrow_sign", "bullet", "feminine_ordinal_indicator")


class PaneSwitchKeys:
    """Lets Alt+1..9 through a text box to the session-switching bindings instead of typing ¡ ™ £ …"""

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        if key in ALT_DIGIT_KEYS:
            return False
        return super().check_consume_key(key, character)  # type: ignore[misc]


class Composer(PaneSwitchKeys, TextArea):
    DEFAULT_CSS = """
    Composer { height: auto; min-height: 3; max-height: 50%; border: tall $primary 40%; }
    Composer:focus { border: tall $primary; }
    """

    class Submitted(Message):
        def __init__(self, composer: "Composer", text: str, script_ids: list[int]) -> None:
            super().__init__()
            self.composer = composer
            self.text = text
            self.script_ids = script_ids

    def __init__(self, *, id: str | None = None, blink: bool = True) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        self.cursor_blink = blink
        self.script_ids: list[int] = []

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if not self.text.strip():
            self.script_ids = []  # the loaded script was deleted: it will not count as sent

    def on_key(self, event: events.Key) -> None:
        """Enter sends and Ctrl+J breaks the line; `prevent_default` keeps TextArea's own key handler out of both.

        Textual calls TextArea's handler after this one, so every other key is typed as usual."""
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text = self.text
            if text.strip():
                self.post_message(self.Submitted(self, text, list(self.script_ids)))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")

    def load_script(self, text: str, script_id: int) -> None:
        """Put a referral script in the box after whatever is already typed; never send it."""
        current = self.text.rstrip()
        self.text = f"{current}\n\n{text}" if current else text
        self.script_ids.append(script_id)
        self.move_cursor(self.document.end)
        self.focus()

    def sent(self) -> None:
        self.text = ""
        self.script_ids = []
