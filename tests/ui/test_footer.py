"""The key bar keeps its keys while they stay the same, and shows the new ones as soon as they change."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tests.conftest import accept_top

SIZE = (160, 40)


def keys(app) -> list[FooterKey]:
    return list(app.screen.query_one(Footer).query(FooterKey))


async def test_moving_between_chats_keeps_the_key_bar_and_a_new_key_shows_at_once(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = [key.description for key in keys(app)]
        assert "Sesi berikutnya" not in before  # no chat yet: nothing to move to, not offered
        await accept_top(pilot)
        await accept_top(pilot)
        shown = keys(app)
        assert "Sesi berikutnya" in [key.description for key in shown]  # two chats: moving is offered now
        for key in ("alt+1", "alt+2", "ctrl+o", "alt+1"):
            await pilot.press(key)
            await pilot.pause()
            assert keys(app) == shown  # the same keys: the very same widgets, not rebuilt


async def test_a_key_the_bar_does_not_show_changing_leaves_the_bar_alone(make_app):
    """Taking a third client makes Alt+3 act, a key the bar does not show: nothing on the bar changes, so nothing on
    it is rebuilt (before, every accept rebuilt it once or twice: about a third of an accept's work)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await accept_top(pilot)
        await accept_top(pilot)
        shown = keys(app)
        assert not app.screen.check_action("switch", (3,))
        await accept_top(pilot)
        assert len(app.main.panes) == 3 and app.screen.check_action("switch", (3,))
        assert keys(app) == shown
