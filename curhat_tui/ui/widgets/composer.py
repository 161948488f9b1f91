"""The reply box: Enter sends, Ctrl+J inserts a newline (terminals report Alt+Enter as Enter).

What the counselor did not type (a referral script, a quick reply) goes in as one insertion the
box remembers, so that one key takes it out again; clearing the draft is remembered the same way
and that key brings it back. Both are ordinary edits too, so Ctrl+Z undoes them as well."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import events
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = ("ctrl+j", "shift+enter")
# What Textual reports for Alt+1..9 in xterm-like terminals (ESC followed by the digit):
# the reply box lets them through so that they switch sessions instead of typing ¡ ™ £ …
ALT_DIGIT_KEYS = ("inverted_exclamation_mark", "trade_mark_sign", "pound_sign", "cent_sign", "infinity",
                  "section_sign", "pilcrow_sign", "bullet", "feminine_ordinal_indicator")
# What a Mac terminal types for Option+letter by default (Terminal.app, iTerm2 without "Option as Meta"): ® Ω ≈ √ ∆ ¥ œ.
# Each such binding also takes that character, and the reply box lets it through. Option+E, +N, +U (and +A, kept
# for typing å) are dead keys or letters there: those actions are in the command palette (Ctrl+P).
MAC_OPTION_KEYS = {"r": "registered_sign", "z": "Ω", "x": "almost_equal_to", "v": "square_root", "j": "increment",
                   "y": "yen_sign", "q": "œ"}


def alt(letter: str) -> str:
    """The keys of an Alt+letter binding: alt+letter, and what a default Mac terminal sends for Option+letter."""
    mac = MAC_OPTION_KEYS.get(letter)
    return f"alt+{letter},{mac}" if mac else f"alt+{letter}"


class PaneSwitchKeys:
    """Lets Alt+1..9 through a text box to the session-switching bindings instead of typing ¡ ™ £ …"""

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        if key in ALT_DIGIT_KEYS or key in MAC_OPTION_KEYS.values():
            return False
        return super().check_consume_key(key, character)  # type: ignore[misc]


class SafeUndo:
    """Ctrl+Z in a text box without the crash: Textual 8.2.8 sizes the box before it places the cursor after an
    undo, and a cursor past the end of a text that got shorter raised ValueError (undoing a pasted or loaded
    block of several lines did). The cursor waits at the start meanwhile; the undo then places it as usual."""

    def undo(self) -> None:
        area: TextArea = self  # type: ignore[assignment]
        kept, text = area.selection, area.text
        area.move_cursor((0, 0))
        super().undo()  # type: ignore[misc]
        if area.text == text:  # nothing was undone
            area.selection = kept


@dataclass
class Insertion:
    """One thing the box took in that the counselor did not type, or a cleared draft (`inserted` empty)."""

    before: str  # the whole box just before
    after: str  # the whole box just after
    inserted: str  # the inserted block ("" for a cleared draft)
    script_ids: list[int] = field(default_factory=list)  # the script ids it added (or, cleared, the ones it held)


class Composer(SafeUndo, PaneSwitchKeys, TextArea):
    DEFAULT_CSS = """
    Composer { height: auto; min-height: 3; max-height: 50%; border: tall $primary 40%; }
    Composer:focus { border: thick $accent; background-tint: $accent 8%; }
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
        self.insertions: list[Insertion] = []  # newest last: what undo_insertion takes back

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

    def _set_all(self, text: str) -> None:
        """Replace the whole box as one edit (Ctrl+Z can take it back), the cursor at the end."""
        self.replace(text, (0, 0), self.document.end, maintain_selection_offset=False)
        self.move_cursor(self.document.end)

    def load_script(self, text: str, script_id: int) -> None:
        """Put a referral script in the box after whatever is already typed; never send it."""
        before = self.text
        current = before.rstrip()
        block = f"\n\n{text}" if current else text
        self._set_all(current + block)
        self.script_ids.append(script_id)
        self.insertions.append(Insertion(before, self.text, block, [script_id]))
        self.focus()

    def insert_snippet(self, text: str) -> None:
        """Put a quick reply where the cursor is (replacing a selection); never send it."""
        before = self.text
        start, end = sorted(self.selection)
        line = self.document.get_line(start[0])
        if start[1] > 0 and not line[start[1] - 1].isspace():
            text = " " + text  # not glued to the word before it
        self.replace(text, start, end, maintain_selection_offset=False)
        self.insertions.append(Insertion(before, self.text, text))
        self.focus()

    def clear_draft(self) -> bool:
        """Empty the box, remembering what it held so that `undo_insertion` brings it back; False if empty."""
        before = self.text
        if not before.strip():
            return False
        ids = list(self.script_ids)
        self._set_all("")
        self.script_ids = []
        self.insertions.append(Insertion(before, "", "", ids))
        return True

    def undo_insertion(self) -> bool:
        """Take back the last insertion (or bring back a cleared draft), keeping anything typed since.

        If the box is as the insertion left it, it returns to what it held before; otherwise the inserted
        block is taken out where it still stands, and a cleared draft comes back above what was typed since.
        False when there is nothing to take back."""
        while self.insertions:
            last = self.insertions.pop()
            now = self.text
            if now == last.after:
                restored = last.before
            elif not last.inserted:  # a cleared draft, and the counselor typed since
                restored = f"{last.before.rstrip()}\n\n{now}" if now.strip() else last.before
            elif last.inserted in now:
                cut = now.rfind(last.inserted)
                restored = now[:cut] + now[cut + len(last.inserted):]
            else:
                continue  # the counselor changed that block themselves: nothing of it left to take back
            self._set_all(restored)
            if last.inserted:
                for script_id in last.script_ids:
                    if script_id in self.script_ids:
                        self.script_ids.remove(script_id)
            else:
                self.script_ids = last.script_ids + [i for i in self.script_ids if i not in last.script_ids]
            self.focus()
            return True
        return False

    def sent(self) -> None:
        self.text = ""
        self.script_ids = []
        self.insertions = []
