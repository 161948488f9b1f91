"""The look of the counselor's main screen layout (issue 13), pinned with a frozen clock and instant clients:
chats side by side at 200x50 (two and three, the focused one marked), the tab strip's states at 120x40 and
80x24, and the practice client list at 80x24.

Update after an intended change with `pytest tests/ui/test_snapshots_panes.py --snapshot-update` and look
at the SVGs in tests/ui/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from curhat_tui.ui.app import build_app
from tests.support.personas import classic  # the eight classic personas: scenes stay put

START = 1_790_000_000.0


def make(tmp_path):
    parts = build_practice(tmp_path / "snap", data=classic(), clock=FakeClock(START), seed=7, speed=0, name="Ani")
    return parts, build_app(parts)


async def accept(pilot) -> None:
    before = len(pilot.app.main.panes)
    await pilot.press("ctrl+n")
    for _ in range(20):
        await pilot.pause()
        if len(pilot.app.main.panes) > before and pilot.app.main.active_pane.loaded:
            break


async def settle(pilot) -> None:
    """One tick told and shown, its notifications cleared (a snapshot is of the screen, not of the toasts)."""
    pilot.app.tick()
    await pilot.pause()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()
    await pilot.pause()


def chats(count: int, focus: int):
    """`count` sessions, a counselor's line in each, then the chat numbered `focus` focused."""

    async def run(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        for _ in range(count):
            await accept(pilot)
            app.clock.advance(40)
            await app.workstation.desk.send(app.main.active_pane.session.id,
                                            "Halo, aku Ani. Apa yang bikin kamu pengen cerita hari ini?")
            await pilot.pause()
        app.clock.advance(95)
        await pilot.press(f"alt+{focus}")
        await settle(pilot)

    return run


@pytest.mark.parametrize("count, focus", [(2, 1), (3, 2)], ids=["two", "three"])
def test_side_by_side_at_200x50(snap_compare, tmp_path, count, focus):
    parts, app = make(tmp_path)
    assert snap_compare(app, terminal_size=(200, 50), run_before=chats(count, focus))


async def strip_states(pilot) -> None:
    """Four sessions: one in overtime, one past its 10-minute warning, one with a red flag ticked, one in
    wrap-up; clients waiting for a reply in the running ones."""
    app = pilot.app
    desk = app.workstation.desk
    await pilot.pause()
    for _ in range(3):
        await accept(pilot)
    first, second, third = app.main.panes
    desk.extend(third, "klien minta waktu tambahan")  # 30 + 15 minutes: in its warning at the end
    for _ in range(40):  # the next client arrives
        app.clock.advance(30)
        app.tick()
        await pilot.pause()
        if desk.queue():
            break
    await accept(pilot)
    await desk.end(app.main.active_pane.session.id)  # wrap-up
    app.workstation.flags.raise_flag(first, "self_harm")  # ticked (its script is not loaded: no key pressed)
    await pilot.press("alt+1")
    app.clock.set(START + 36 * 60)  # the 30-minute session is over time, the 45-minute one in its warning
    await settle(pilot)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_tab_strip_states(snap_compare, tmp_path, size):
    parts, app = make(tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=strip_states)


def test_practice_clients_at_80x24(snap_compare, tmp_path):
    parts, app = make(tmp_path)

    async def f12(pilot) -> None:
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=f12)
