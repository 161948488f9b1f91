"""The look of the quick-reply picker, the call-link confirmation and the load guard's refusal, pinned at
120x40 and 80x24 with a frozen clock, instant clients and a fixed call token.

Update after an intended change with `pytest tests/ui/test_snapshots_replies.py --snapshot-update` and look at
the SVGs in tests/ui/__snapshots__/test_snapshots_replies/ before committing them.
"""

from __future__ import annotations

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from curhat_tui.ui.app import build_app
from tests.support.personas import classic  # the eight classic personas: scenes stay put

SIZES = [(120, 40), (80, 24)]
START = 1_790_000_000.0


def make(tmp_path, **kwargs):
    parts = build_practice(tmp_path / "snap", data=classic(), clock=FakeClock(START), seed=7, speed=0, name="Ani",
                           **kwargs)
    return build_app(parts)


async def one_chat(pilot) -> None:
    await pilot.pause()
    await pilot.press("ctrl+n")
    await pilot.pause()
    await pilot.pause()
    pilot.app.clock.advance(60)
    pilot.app.tick()
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_quick_reply_picker_filtered(snap_compare, tmp_path, size):
    async def picker(pilot):
        await one_chat(pilot)
        await pilot.press("alt+r")
        await pilot.pause()
        await pilot.press("s", "i", "n", "i")
        await pilot.pause()

    assert snap_compare(make(tmp_path), terminal_size=size, run_before=picker)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_call_link_confirmation(snap_compare, tmp_path, size, monkeypatch):
    monkeypatch.setattr("curhat_tui.services.calls.secrets.token_urlsafe", lambda n: "Tq3xW9kLmZ0pVb7sYc2dRg")

    async def confirm(pilot):
        await one_chat(pilot)
        await pilot.press("alt+v")
        await pilot.pause()

    assert snap_compare(make(tmp_path), terminal_size=size, run_before=confirm)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_load_guard_refusal(snap_compare, tmp_path, size):
    """A cap of 1: the second client is refused, and the counselor is told the load, the cap and the risk."""

    async def refused(pilot):
        await one_chat(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(make(tmp_path, max_load=1), terminal_size=size, run_before=refused)
