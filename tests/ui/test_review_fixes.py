"""Issue 13, defects 3, 4, 10 and 14: supervisor comments, countdowns of ended sessions, screener, supervisor help."""

from __future__ import annotations

from curhat_tui.ui.screens.counselor.screener import ScreenerModal

SIZE = (120, 40)


async def accept_top(pilot):
    await pilot.press("ctrl+n")
    await pilot.pause()
    await pilot.pause()
    return pilot.app.main.active_pane


async def test_screener_numbers_the_behaviour_question_as_reported_and_enter_records_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await accept_top(pilot)
        await pilot.press("f2")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ScreenerModal)
        await pilot.press("enter")  # on a question Enter answers nothing
        await pilot.pause()
        assert modal.answers == {}
        assert app.screen is modal
        await pilot.press("n", "n")  # Q2 no: straight to the behaviour question, reported as 6
        await pilot.pause()
        assert "Pertanyaan 6." in str(modal.query_one("#sc-progress").render())
        await pilot.press("enter")
        await pilot.pause()
        assert modal.answers == {"q1": False, "q2": False}
        await pilot.press("y")
        await pilot.pause()
        assert "Pertanyaan 6b." in str(modal.query_one("#sc-progress").render())
