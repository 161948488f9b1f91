"""Every use of a Textual private, in one place (Textual is pinned at 8.2.8).

Each function names the upstream behaviour it works around or the public API it stands
in for. tests/test_textual_compat.py fails loudly when a Textual upgrade removes or
reshapes one of these privates, so an upgrade starts here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.dom import DOMNode
from textual.signal import Signal

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.app import App
    from textual.events import ScreenResume
    from textual.widgets import DataTable
    from textual.widgets.data_table import RowKey

TEXTUAL_VERSION = "8.2.8"  # the version these privates were read from (pyproject pins it)

WATCHERS_ATTRIBUTE = "__watchers"  # set by textual.reactive._watch on the watched object


def bindings_by_key(node: DOMNode) -> dict[str, list[Binding]]:
    """A node's own bindings (after the keymap), key -> bindings, as the live dict Textual dispatches from.

    Textual has no public API to read, let alone change, the bindings of a screen or widget
    (`DOMNode._bindings`; upstream: https://github.com/Textualize/textual/issues/5477). We read it
    to list every key in the F1 help and the command palette, including hidden ones, and rewrite
    descriptions in it (`localize_bindings`): the footer reads descriptions from this very map.
    """
    return node._bindings.key_to_bindings


def keymap_of(app: App) -> Mapping[str, str]:
    """The keymap the app was given with `App.set_keymap`, binding id -> key, normalised as Textual applies it.

    Textual keeps it in `App._keymap` and offers no getter; the help and the palette show a
    remapped app binding under the key it really has (`App.get_key_display` needs the binding).
    """
    return app._keymap


def release_removed_widgets(app: App) -> None:
    """Drop what removed widgets still hold on live nodes, so that they can be freed.

    Textual forgets a watch only when the watched value next changes (`textual.reactive`
    prunes `obj.__watchers` entries whose watcher is `_closing` in `_check_watchers`;
    upstream: https://github.com/Textualize/textual/issues/6666), and a signal subscription
    only when the signal is next published (`Signal.publish` prunes `_subscriptions`). Every
    reply box and note field (a TextArea watches `app.theme` and subscribes to its screen's
    text-selection signal) and every footer key (`data_bind` on its Footer, which recomposes
    on each focus change) ever mounted would otherwise stay in memory for the whole shift
    (bench/soak.py found it). Likewise a node's `_query_one_cache` keeps answers from before
    its children changed, which can never be asked again (the key starts with the node's
    `_nodes._updates` count) but pin removed tabs until 1,024 newer ones push them out.
    """
    nodes: list[DOMNode] = [app]
    nodes += (node for screen in app.screen_stack for node in screen.walk_children(with_self=True))
    for node in nodes:
        for watchers in getattr(node, WATCHERS_ATTRIBUTE, {}).values():
            if any(watcher._closing for watcher, _ in watchers):
                watchers[:] = [(watcher, callback) for watcher, callback in watchers if not watcher._closing]
        cache = node._query_one_cache
        if cache and any(key[0] != node._nodes._updates for key in cache.keys()):
            cache.clear()
    for owner in (app, *app.screen_stack):
        for signal in list(vars(owner).values()):
            if isinstance(signal, Signal):
                for subscriber in [node for node in list(signal._subscriptions) if node._closing]:
                    signal.unsubscribe(subscriber)


def frame_reached_terminal(app: App, renderable: object) -> bool:
    """Whether `App._display` was just handed a frame that goes to the terminal (headless: would go).

    Textual has no "first frame shown" event. `App.on_mount` runs inside `App.batch_update()` (the
    batch opened in `App._process_messages`), and while `App._batch_count` is above zero `_display`
    drops every frame; so `call_after_refresh` from a screen mounted there fires before anything has
    been drawn. `CurhatApp._display` calls this after Textual's own `_display` to run start-up work
    only once the counselor can see the desk (upstream has no such hook; `App._display` is private too,
    checked with this in tests/ui/test_textual_compat.py).
    """
    return renderable is not None and not app._batch_count and app.is_running


def skip_first_resume_restyle(screen: DOMNode, event: ScreenResume) -> None:
    """A screen resumed for the first time, just after it mounted, is not styled a second time.

    `App.push_screen` posts `ScreenResume(refresh_styles=True)`, and `Screen._on_screen_resume` then
    restyles every node of the screen (`update_node_styles`). A screen that has just been composed was
    styled node by node as it mounted, so at start-up that pass styled the whole desk twice (a third of
    the CSS work before the first frame, measured with bench/bench.py). Textual dispatches a subclass's
    `on_screen_resume` before `Screen._on_screen_resume` (MRO order in `MessagePump._get_dispatch_methods`),
    so the flag can be cleared there. Later resumes (after a dialog, a theme change) restyle as usual.
    """
    if not getattr(screen, "_resumed_before", False):
        screen._resumed_before = True  # type: ignore[attr-defined]
        event.refresh_styles = False


def rows_to_measure(table: DataTable, new_rows: Iterable[RowKey]) -> Iterable[RowKey]:
    """The new rows `DataTable._update_dimensions` should measure: none when every column has a fixed width.

    Textual measures every cell of every new row (to widen an auto-width column or size an auto-height row)
    even when no column is auto-width, where the measurements change nothing: 400 of them for a full queue
    (`QueueTable._update_dimensions` overrides the private to pass what this returns; bench/bench.py's queue
    redraw). The scrollable size is still worked out from the rows. Upstream has no public way to skip it.
    """
    fixed = table.columns and not any(column.auto_width for column in table.columns.values())
    return () if fixed else new_rows


def report_crash_without_locals(app: App) -> None:
    """What Textual's `App._fatal_error` does after an unhandled exception, but with no local variables shown.

    Textual renders the crash traceback with `show_locals=True`, which prints every frame's locals on the
    counselor's screen: an HTTP client's headers (`Authorization: Bearer syt_...`), a client's message.
    The traceback itself still says where and why the app stopped. `CurhatApp._fatal_error` calls this.
    """
    import rich
    from rich.segment import Segments
    from rich.traceback import Traceback

    app.bell()
    traceback = Traceback(show_locals=False, width=None, suppress=[rich])
    app._exit_renderables.append(Segments(app.console.render(traceback, app.console.options)))
    app._close_messages_no_wait()


ESC = "\x1b"


def split_after_alt_keys(data: str) -> list[str]:
    """`data` cut after each Alt+key (ESC and one printable character other than `[` or `O`) that another escape
    sequence follows in the same read: "\\x1br\\x1b[B\\r" -> ["\\x1br", "\\x1b[B\\r"]."""
    parts, start = [], 0
    i = data.find(ESC)
    while i != -1 and i + 2 < len(data):
        key = data[i + 1]
        if data[i + 2] == ESC and key not in "[O" + ESC and key.isprintable():
            parts.append(data[start:i + 2])
            start = i + 2
            i = data.find(ESC, start)
        else:
            i = data.find(ESC, i + 1)
    parts.append(data[start:])
    return [part for part in parts if part]


def read_alt_keys_in_bursts() -> None:
    """An Alt+key followed at once by another key's escape sequence (Alt+R then Down, read together by a loaded
    laptop or a slow terminal) is that Alt+key, not "^" and a letter typed into the reply box.

    Textual's XTermParser (`_xterm_parser.py`, 8.2.8) waits ESCAPE_DELAY after ESC and a letter to call it Alt+letter;
    when the next ESC comes first it reissues the pair with the escape as "circumflex_accent" (`process_alt=False`),
    and an Enter in the same burst would send the "^r" to the client. Each such Alt+key is fed on its own and its
    wait ended at once through the parser's own timeout (`Parser.tick`, private `_timeout_time`), as if the delay had
    passed; only while the parser waits within an escape sequence. Installed once, before any driver makes a parser.
    """
    from textual._xterm_parser import XTermParser

    if getattr(XTermParser.feed, "curhat_alt_keys", False):
        return
    feed = XTermParser.feed

    def feed_alt_keys_apart(self: XTermParser, data: str) -> Iterable[object]:
        parts = split_after_alt_keys(data) if data else [data]
        for n, part in enumerate(parts):
            yield from feed(self, part)
            if n < len(parts) - 1 and self._timeout_time is not None:  # mid-sequence: ESC and its letter, complete
                self._timeout_time = 0.0
                yield from self.tick()

    feed_alt_keys_apart.curhat_alt_keys = True  # type: ignore[attr-defined]
    feed_alt_keys_apart.textual_feed = feed  # type: ignore[attr-defined]  # Textual's own, for the compat test
    XTermParser.feed = feed_alt_keys_apart  # type: ignore[method-assign,assignment]
