"""The look of each screen, pinned at 120x40 and 80x24 with a frozen clock and instant clients.

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from curhat_tui.ui.app import build_app
from tests.support.personas import classic  # the eight classic personas: scenes stay put

SIZES = [(120, 40), (80, 24)]
START = 1_790_000_000.0


def make(tmp_path):
    parts = build_practice(tmp_path / "snap", data=classic(), clock=FakeClock(START), seed=7, speed=0, name="Ani")
    return parts, build_app(parts)


async def two_chats(pilot) -> None:
    app = pilot.app
    clock = app.clock
    await pilot.pause()
    for line in ("Halo, aku Ani. Apa yang bikin kamu pengen cerita hari ini?",
                 "Kedengarannya kamu capek banget, tapi kamu tetap berusaha bertahan."):
        await pilot.press("ctrl+n")
        await pilot.pause()
        clock.advance(40)
        await app.workstation.desk.send(app.main.active_pane.session.id, line)
        await pilot.pause()
    clock.advance(95)
    app.tick()
    app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen_with_two_chats(snap_compare, tmp_path, size):
    parts, app = make(tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=two_chats)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_screener(snap_compare, tmp_path, size):
    parts, app = make(tmp_path)

    async def open_screener(pilot):
        await two_chats(pilot)
        await pilot.press("f2")  # the screener docks beside the chat; the question is asked in the chat
        await pilot.pause()
        await pilot.press("alt+q", "enter")
        await pilot.pause()
        await pilot.press("alt+n")  # the client said no
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_screener)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_wrapup(snap_compare, tmp_path, size):
    parts, app = make(tmp_path)

    async def wrapup(pilot):
        await two_chats(pilot)
        await pilot.press("f3")
        await pilot.pause()
        pilot.app.clock.advance(600)
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        pilot.app.screen.query_one("#close").press()
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=wrapup)


def test_main_screen_80x24_with_panels_instead_of_queue(snap_compare, tmp_path):
    """At 80x24 the counselor swaps the queue for the red-flag and notes panels."""
    parts, app = make(tmp_path)

    async def panels(pilot):
        await two_chats(pilot)
        await pilot.press("ctrl+b", "ctrl+r")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=panels)


def test_help(snap_compare, tmp_path):
    parts, app = make(tmp_path)

    async def help_screen(pilot):
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=help_screen)
