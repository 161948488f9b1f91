"""The half-second tick can fire while the app is shutting down: it must then do nothing (a CI run caught a
tick that looked for the top bar after the screen had been taken apart)."""

from __future__ import annotations


async def test_a_tick_during_shutdown_does_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.tick()  # running: the clocks redraw
    assert not app.is_running and not app.main.query("#topbar")  # shut down: the screen is taken apart
    app.tick()  # what the interval may still do now: nothing, and no NoMatches
