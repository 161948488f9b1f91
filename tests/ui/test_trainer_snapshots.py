"""The trainer's loop pinned: a trainee's F12 in blind mode with the next curriculum step, and a supervisor's
practice transcript with a comment beside one line (frozen clock, fixed sizes; look at the SVGs before updating)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, OptionList

from curhat_tui.bootstrap import build_practice, build_supervisor
from curhat_tui.domain.clock import FakeClock
from curhat_tui.ui.app import build_app
from tests.conftest import START, TEST_KEY
from tests.ui.test_trainer_loop import LISTENING, practise


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_trainee_f12_blind_with_next_step(snap_compare, tmp_path, size, data):
    parts = build_practice(tmp_path / "snap", data=data, clock=FakeClock(START), seed=7, speed=0,
                           name="Tari", role="trainee")

    async def f12(pilot) -> None:
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(build_app(parts), terminal_size=size, run_before=f12)


def test_supervisor_practice_transcript_with_a_line_comment(snap_compare, tmp_path, data):
    clock = FakeClock(START)
    data_dir = tmp_path / "shared"
    trainee = build_practice(data_dir, data=data, clock=clock, seed=7, speed=0, name="Tari", key=TEST_KEY,
                             role="trainee")
    parts = build_supervisor(data_dir, data=data, clock=clock, name="Sari", key=TEST_KEY)
    app = build_app(parts)

    async def transcript(pilot) -> None:
        ws = trainee.workstation
        await ws.start()
        session = await practise(ws, clock, "rara", LISTENING)
        line = next(m for m in trainee.store.messages.for_session(session.id) if m.text == LISTENING[1])
        parts.workstation.practice.trainer.comment_line(session.id, line.id, "Bagus; sebut juga perasaannya.")
        await pilot.pause()
        app.main.refresh_trainees()
        await pilot.press("3")
        await pilot.pause()
        app.main.query_one("#trainee-table", DataTable).focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        lines = app.screen.query_one(OptionList)
        lines.highlighted = next(i for i in range(lines.option_count) if lines.get_option_at_index(i).id == str(line.id))
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=transcript)
