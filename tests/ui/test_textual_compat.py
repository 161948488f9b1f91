"""The Textual privates that curhat_tui.ui.compat relies on are still there and still behave as it assumes.

A Textual upgrade that removes or reshapes one of them fails here, by name, instead of
leaking memory or mislabelling keys quietly in the running app.
"""

from __future__ import annotations

import inspect

import textual
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.signal import Signal
from textual.widgets import Static, TextArea

from curhat_tui.ui import compat


class Probe(App):
    BINDINGS = [Binding("f5", "bell", "Ring", id="probe.ring")]

    def compose(self) -> ComposeResult:
        yield Static("probe", id="probe")


def test_textual_is_the_version_the_compat_module_was_checked_against():
    assert textual.__version__ == compat.TEXTUAL_VERSION, (
        "Textual was upgraded: re-check every private in curhat_tui/ui/compat.py, then update TEXTUAL_VERSION")


async def test_bindings_by_key_is_the_live_map_the_footer_and_dispatch_read():
    app = Probe()
    async with app.run_test() as pilot:
        bindings = compat.bindings_by_key(app)
        assert isinstance(bindings, dict)
        [ring] = bindings["f5"]
        assert isinstance(ring, Binding) and ring.id == "probe.ring"
        bindings["f5"] = [Binding("f5", "bell", "Bunyikan", id="probe.ring")]  # as localize_bindings rewrites it
        app.refresh_bindings()
        await pilot.pause()
        assert app.screen.active_bindings["f5"].binding.description == "Bunyikan"


async def test_keymap_of_is_the_normalised_keymap_set_keymap_applies():
    app = Probe()
    async with app.run_test() as pilot:
        app.set_keymap({"probe.ring": "?"})
        await pilot.pause()
        assert compat.keymap_of(app) == {"probe.ring": "question_mark"}


async def test_a_removed_text_area_is_held_by_textual_until_released():
    app = Probe()
    async with app.run_test() as pilot:
        box = TextArea("x")
        screen = app.screen
        await screen.mount(box)
        await pilot.pause()
        assert screen.query_one("#probe") is screen.query_one("#probe")  # fills the screen's query_one cache
        await box.remove()
        await pilot.pause()
        assert box._closing, "a removed widget is no longer marked _closing"
        # what Textual still holds: the theme watch (textual.reactive) and the text-selection signal
        watchers = getattr(app, compat.WATCHERS_ATTRIBUTE)
        assert any(watcher is box for watcher, _ in watchers["theme"]), "TextArea no longer watches app.theme here"
        signal = screen.text_selection_started_signal
        assert isinstance(signal, Signal) and box in list(signal._subscriptions)
        await screen.mount(Static("more"))  # the screen's children change: its cached answers go stale
        await pilot.pause()
        assert screen._query_one_cache and isinstance(screen._nodes._updates, int)
        assert any(key[0] != screen._nodes._updates for key in screen._query_one_cache.keys())

        compat.release_removed_widgets(app)

        assert not any(watcher is box for watcher, _ in watchers["theme"])
        assert box not in list(signal._subscriptions)
        assert not any(key[0] != screen._nodes._updates for key in screen._query_one_cache.keys())


def test_the_crash_report_privates_are_where_compat_expects_them():
    """report_crash_without_locals replaces App._fatal_error and uses what it used."""
    assert callable(getattr(App, "_fatal_error", None)), "App._fatal_error moved: update compat"
    assert callable(getattr(App, "_close_messages_no_wait", None)), "App._close_messages_no_wait moved"
    assert "_exit_renderables" in inspect.getsource(App.__init__), "App._exit_renderables moved"
    assert "show_locals=True" in inspect.getsource(App._fatal_error), \
        "Textual's crash report changed: check whether it still prints locals before keeping the override"


async def test_frames_are_dropped_while_on_mount_runs_and_reach_the_terminal_after():
    """`frame_reached_terminal` reads `App._batch_count`: Textual runs `on_mount` inside a batch that drops frames."""
    seen: dict[str, bool] = {}

    class Starting(Probe):
        def on_mount(self) -> None:
            seen["in_on_mount"] = compat.frame_reached_terminal(self, object())

    app = Starting()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert seen["in_on_mount"] is False
        assert compat.frame_reached_terminal(app, object()) is True
        assert compat.frame_reached_terminal(app, None) is False  # no frame at all


async def test_a_pushed_screen_is_styled_once_where_textual_would_style_it_twice():
    """Textual posts ScreenResume(refresh_styles=True) on push and restyles the whole screen; a subclass's
    on_screen_resume runs first and may clear the flag for the first resume, which `skip_first_resume_restyle` does."""
    from textual.screen import Screen

    restyles: list[str] = []

    class Plain(Screen):
        def compose(self) -> ComposeResult:
            yield Static("plain")

        def update_node_styles(self, animate: bool = True) -> None:
            restyles.append(type(self).__name__)
            super().update_node_styles(animate)

    class Desk(Plain):
        def on_screen_resume(self, event) -> None:
            compat.skip_first_resume_restyle(self, event)

    app = Probe()
    async with app.run_test() as pilot:
        await app.push_screen(Plain())
        await pilot.pause()
        assert restyles == ["Plain"], "Textual no longer restyles a pushed screen: skip_first_resume_restyle is moot"
        desk = Desk()
        await app.push_screen(desk)
        await pilot.pause()
        assert restyles == ["Plain"]
        assert desk.query_one(Static).styles.height is not None and desk.query_one(Static).region.area > 0
        app.pop_screen()
        await pilot.pause()
        await app.push_screen(desk)  # pushed again: restyled as usual
        await pilot.pause()
        assert restyles == ["Plain", "Desk"]


def test_app_display_is_where_curhat_app_watches_frames_go_out():
    """CurhatApp._display extends Textual's private App._display(screen, renderable) to see the first frame."""
    assert list(inspect.signature(App._display).parameters) == ["self", "screen", "renderable"]
    from curhat_tui.ui.app import CurhatApp

    assert CurhatApp._display is not App._display


def test_the_queue_table_overrides_the_data_table_private_that_measures_new_rows():
    """QueueTable._update_dimensions narrows Textual's private DataTable._update_dimensions(new_rows)."""
    from textual.widgets import DataTable

    from curhat_tui.ui.widgets.queue_panel import QueueTable

    assert list(inspect.signature(DataTable._update_dimensions).parameters) == ["self", "new_rows"]
    assert QueueTable._update_dimensions is not DataTable._update_dimensions


def parsed_keys(feed, data: str) -> list[str]:
    from textual._xterm_parser import XTermParser

    return [getattr(event, "key", type(event).__name__) for event in feed(XTermParser(), data)]


def test_textual_still_reads_an_alt_key_followed_at_once_by_an_arrow_as_a_circumflex():
    """Seen in the app: Alt+R, Down, Enter read together put "^r" in the reply box and sent it. When this fails,
    Textual reads the burst right by itself: drop compat.read_alt_keys_in_bursts."""
    from textual._xterm_parser import XTermParser

    compat.read_alt_keys_in_bursts()
    textual_feed = XTermParser.feed.textual_feed
    assert parsed_keys(textual_feed, "\x1br\x1b[B\r") == ["circumflex_accent", "r", "down", "enter"]


def test_with_the_fix_an_alt_key_in_a_burst_is_that_alt_key_and_nothing_else_changes():
    from textual._xterm_parser import XTermParser

    compat.read_alt_keys_in_bursts()
    compat.read_alt_keys_in_bursts()  # once only: a second call wraps nothing twice
    feed = XTermParser.feed
    assert parsed_keys(feed, "\x1br\x1b[B\r") == ["alt+r", "down", "enter"]
    assert parsed_keys(feed, "\x1bq\x1bn\x1by") == ["alt+q", "alt+n"]  # the last waits for its delay, as before
    for burst in ("halo\x1b[B\r", "\x1b[B\x1b[A", "\x1b\x1b[B", "\x1bO\x1b[B", "ya\r"):
        assert parsed_keys(feed, burst) == parsed_keys(feed.textual_feed, burst)
    assert compat.split_after_alt_keys("a\x1br\x1b[B") == ["a\x1br", "\x1b[B"]
