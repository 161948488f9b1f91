"""A chat transcript that renders only what is on screen (Line API), so long sessions open fast.

Client text is data, never markup: it is wrapped in `rich.text.Text` as-is, and the words a risk
suggestion rests on are highlighted by span, in whichever bubble of the client's burst they sit (the messages a
flagged one was read with: `bursts`). A message the client edited shows its new
text with a mark; one the client deleted shows a placeholder where it was.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text
from textual import getters
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message as TextualMessage
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from curhat_tui.domain.bursts import BURST_BUBBLES, since_asked
from curhat_tui.domain.models import Delivery, Message, Sender

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp

MARKS = {Delivery.PENDING: "…", Delivery.SENT: "✓", Delivery.READ: "✓✓", Delivery.UNSENT: "✗", Delivery.LOCKED: ""}
SHOWN_CHARS = 4000  # a longer message is stored whole but shown cut, so one paste cannot stall the screen


@dataclass
class _Entry:
    message: Message
    highlights: list[tuple[int, int]] | None = None
    width: int = -1
    strips: list[Strip] = field(default_factory=list)


class Transcript(ScrollView, can_focus=True):
    """Messages of one session, newest at the bottom; older ones load when you scroll to the top."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    Transcript { height: 1fr; background: $surface; padding: 0 1; scrollbar-gutter: stable; }
    Transcript:focus { background-tint: $foreground 3%; }
    """
    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
    ]

    class NeedOlder(TextualMessage):
        """Scrolled to the top while older messages exist."""

        def __init__(self, transcript: "Transcript") -> None:
            super().__init__()
            self.transcript = transcript

    def __init__(self, names: dict[str, str], time_of: Callable[[float], str],
                 highlighter: Callable[[list[str], str, frozenset[str]], list[list[tuple[int, int]]]], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.names = names
        self.time_of = time_of
        self.highlighter = highlighter
        self.entries: list[_Entry] = []
        self.by_txn: dict[str, _Entry] = {}
        self.has_older = False
        self._offsets: list[int] = []
        self._height = 0
        self._laid_width = -1
        self._styles: dict[str, str] = {}
        # whether the newest message is in view, as it was when the transcript last scrolled: a resize or a
        # relayout (the screen's width, a panel shown, the reply box growing) keeps it so, never decides it
        self.following = True

    def allow_focus(self) -> bool:
        """Not while its pane is hidden (another chat in front): when the reply box of a pane being hidden loses the
        focus, Textual hands it to a focusable sibling, and the transcript would pull its hidden pane back to the
        front (a tab flip and every side panel redrawn twice while a newly opened pane is still mounting)."""
        if not super().allow_focus():
            return False
        node = self.parent
        while isinstance(node, Widget):
            if not node.display:
                return False
            node = node.parent
        return True

    # ---- content --------------------------------------------------------------
    def _entry(self, message: Message) -> _Entry:
        entry = _Entry(message)
        if message.txn_id:
            self.by_txn[message.txn_id] = entry
        return entry

    def set_messages(self, messages: list[Message], has_older: bool) -> None:
        self.entries = [self._entry(m) for m in messages]
        self.has_older = has_older
        self._relayout()
        self._to_bottom()

    def _to_bottom(self) -> None:
        """Show the newest message; before the first layout this waits for one."""
        self.following = True
        self.scroll_end(animate=False, immediate=True, force=True)
        self.call_after_refresh(self.scroll_end, animate=False, immediate=True, force=True)

    def prepend(self, messages: list[Message], has_older: bool) -> None:
        before = self._height
        self.entries[:0] = [self._entry(m) for m in messages]
        self._unmark(range(len(messages), len(messages) + 2 * BURST_BUBBLES))  # now read with the bubbles before them
        self.has_older = has_older
        self._relayout()
        self.scroll_to(y=self.scroll_y + (self._height - before), animate=False, immediate=True)

    def append(self, message: Message) -> None:
        if self.entries and message.id <= self.entries[-1].message.id:
            return  # already shown (loaded from the store while its event was on the way)
        entry = self._entry(message)
        self.entries.append(entry)
        entry.highlights = self._marks(len(self.entries) - 1)
        # a flagged client message: the bubbles it was read with get highlights too, and may wrap differently
        remarked = message.sender is Sender.CLIENT and bool(message.flags) and self._remark_before(len(self.entries) - 1)
        width = self._laid_width
        if not remarked and width > 0 and width == (self.scrollable_content_region.width or self.size.width):
            # laid out for this width: the new message goes below the others, which stay where they are (a long
            # session's every line would otherwise be walked again for each message)
            self._offsets.append(self._height)
            self._height += len(self._render_entry(entry, width))
            self.virtual_size = Size(width, self._height)
            self.refresh()
        else:
            self._relayout()
        if self.following or message.sender is Sender.COUNSELOR:
            self._to_bottom()

    def update_message(self, message: Message) -> None:
        """Show the message as stored now: a new delivery mark, or a client's edit or deletion."""
        entry = self.by_txn.get(message.txn_id)
        if entry is not None:
            entry.message = message
            entry.width = -1
            if message.sender is Sender.CLIENT:  # an edit has new words to highlight, a deletion none: so may its burst
                index = self.entries.index(entry)
                self._unmark(range(max(0, index - 2 * BURST_BUBBLES), index + 2 * BURST_BUBBLES))
            self._relayout()
            if self.following:  # an edit may take more lines: the newest stays in view
                self._to_bottom()

    def rehighlight(self) -> None:
        """The risk detector is ready (it is read just after the first frame): flagged messages get their marks."""
        self._unmark(range(len(self.entries)))
        self._relayout()

    def _unmark(self, indices: range) -> None:
        """Work out these client messages' highlights again when next drawn."""
        for entry in self.entries[indices.start:indices.stop]:
            if entry.message.sender is Sender.CLIENT:
                entry.highlights, entry.width = None, -1

    @property
    def first_id(self) -> int | None:
        return self.entries[0].message.id if self.entries else None

    def plain_text(self) -> str:
        """What the transcript shows, as text (for tests and copying)."""
        return "\n".join(self._text(e).plain for e in self.entries)

    # ---- rendering ------------------------------------------------------------
    def _text(self, entry: _Entry) -> Text:
        message = entry.message
        name = self.names.get(message.sender.value, message.sender.value)
        text = Text()
        text.append(self.time_of(message.ts), style="dim")
        text.append(" ")
        text.append(name, style=self._styles.get(message.sender.value, "italic"))
        text.append(" ")
        if message.redacted:
            text.append(self.app.t("transcript.redacted"), style="italic dim")
            return text
        body = Text(message.text[:SHOWN_CHARS])
        for start, end in entry.highlights or ():
            body.stylize("bold black on yellow", start, end)
        if len(message.text) > SHOWN_CHARS:
            body.append(" " + self.app.t("transcript.cut", shown=SHOWN_CHARS, total=len(message.text)), style="italic dim")
        text.append_text(body)
        if message.edited_at is not None:
            text.append(" " + self.app.t("transcript.edited"), style="italic dim")
        if message.sender is Sender.COUNSELOR:
            text.append(" " + MARKS[message.delivery], style="dim" if message.delivery is not Delivery.READ else "bold")
        return text

    def _burst(self, index: int) -> tuple[list[int], str, frozenset[str]]:
        """Where the bubbles client message `index` was read with are, and its own place, oldest first; the
        counselor's message they answer ('' when none) and what the client's messages before it were suggested for
        (`bursts.since_asked`)."""
        before = max(0, index - 2 * BURST_BUBBLES)
        found, asked, raised = since_asked([e.message for e in self.entries[before:index]])
        return [before + k for k in found] + [index], asked, raised

    def _marks(self, index: int, reads: dict[int, tuple[list[int], list[list[tuple[int, int]]]]] | None = None
               ) -> list[tuple[int, int]]:
        """The highlights of entry `index`: the spans of each flagged client message read with it (its own too; the
        detector already ran when they arrived: only flagged messages have evidence). `reads` keeps each flagged
        message's burst and its spans, so that a layout reads a burst once, not once for each of its bubbles."""
        if self.entries[index].message.sender is not Sender.CLIENT:
            return []
        reads = {} if reads is None else reads
        spans: set[tuple[int, int]] = set()
        for later in range(index, min(len(self.entries), index + 2 * BURST_BUBBLES)):
            message = self.entries[later].message
            if message.sender is Sender.COUNSELOR:
                break
            if message.sender is Sender.CLIENT and message.flags and not message.redacted:
                if later not in reads:
                    burst, asked, raised = self._burst(later)
                    reads[later] = (burst, self.highlighter([self.entries[k].message.text for k in burst], asked, raised))
                burst, read = reads[later]
                if index in burst:
                    spans.update(read[burst.index(index)])
        return sorted(spans)

    def _remark_before(self, index: int) -> bool:
        """A flagged client message arrived: the bubbles it was read with are drawn again (True when there are any)."""
        burst = self._burst(index)[0][:-1]
        for k in burst:
            self.entries[k].highlights, self.entries[k].width = None, -1
        return bool(burst)

    def on_mount(self) -> None:
        variables = self.app.get_css_variables()
        self._styles = {"client": f"bold {variables.get('accent', 'cyan')}",
                        "counselor": f"bold {variables.get('primary', 'blue')}"}

    def _render_entry(self, entry: _Entry, width: int) -> list[Strip]:
        if entry.width != width:
            console = self.app.console
            options = console.options.update_width(max(1, width))
            lines = console.render_lines(self._text(entry), options, pad=False)
            entry.strips = [Strip(line).adjust_cell_length(width) for line in lines] + [Strip.blank(width)]
            entry.width = width
        return entry.strips

    def _relayout(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        if width <= 0:
            self._laid_width = -1
            return
        self._laid_width = width
        offsets, total = [], 1 if self.has_older else 0
        reads: dict[int, tuple[list[int], list[list[tuple[int, int]]]]] = {}
        for index, entry in enumerate(self.entries):
            if entry.highlights is None:
                entry.highlights = self._marks(index, reads)
            offsets.append(total)
            total += len(self._render_entry(entry, width))
        self._offsets, self._height = offsets, total
        self.virtual_size = Size(width, total)
        self.refresh()

    def on_resize(self) -> None:
        following = self.following
        self._relayout()
        if following:
            self._to_bottom()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self._laid_width == (self.scrollable_content_region.width or self.size.width):
            self.following = new >= self.max_scroll_y - 1  # laid out for this size: the scroll is the reader's
        if new <= 0 < old and self.has_older:
            self.post_message(self.NeedOlder(self))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._laid_width:
            self._relayout()
        line = int(self.scroll_offset.y) + y
        if self.has_older and line == 0:
            return Strip([Segment("↑ …", self.rich_style)]).adjust_cell_length(width)
        if not self.entries or line >= self._height:
            return Strip.blank(width, self.rich_style)
        index = bisect.bisect_right(self._offsets, line) - 1
        strips = self.entries[index].strips
        return strips[line - self._offsets[index]].apply_style(self.rich_style)
