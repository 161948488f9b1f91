"""The half-second tick can fire while the app is shutting down: it must then do nothing (a CI run caught a
tick that looked for the top bar after the screen had been taken apart)."""

from __future__ import annotations

import asyncio


async def test_a_tick_during_shutdown_does_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.tick()  # running: the clocks redraw
    assert not app.is_running and not app.main.query("#topbar")  # shut down: the screen is taken apart
    app.tick()  # what the interval may still do now: nothing, and no NoMatches


async def test_a_workstation_event_while_the_supervisor_screen_is_taken_apart_does_nothing(tmp_path, data):
    """A CI run caught the supervision link's live status arriving after run_test began shutting down: the screen was
    still attached, its live table already gone, and the handler's NoMatches became the app's exception."""
    from textual.widgets import DataTable

    from curhat_tui.bootstrap import build_supervisor
    from curhat_tui.domain.clock import FakeClock
    from curhat_tui.services.events import LiveChanged
    from curhat_tui.ui.app import build_app
    from tests.conftest import START, TEST_KEY

    parts = build_supervisor(tmp_path / "sup", data=data, clock=FakeClock(START), name="Sari", key=TEST_KEY)
    app = build_app(parts)
    prune = app._prune
    told = []

    def taking_apart(*nodes, parent=None):
        """Textual's shutdown removes a screen's widgets before the screen: the live status arrives in between."""
        async def run() -> None:
            if app.main in nodes:
                await app.main.query_one("#sv-tabs").remove()
                told.append(app.main.is_attached)
                app.post_message(app.WsEvent(LiveChanged()))
                await asyncio.sleep(0.05)  # the app's queue handles it while the shutdown goes on
            await prune(*nodes, parent=parent)
        return run()

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.main.query_one("#live-table", DataTable)
        app._prune = taking_apart  # type: ignore[method-assign]
    assert told == [True], "the screen was not still attached when the event came"
    assert not app.is_running
