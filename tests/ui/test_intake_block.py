"""What the client told the intake (their topic and their answer to the screening question) stays under the chat's
header for the whole session: the counselor who took the top client with Ctrl+N, without reading the queue's detail,
does not ask again what the client already said. Shown literally, a line each, at 120x40 and at 80x24."""

from __future__ import annotations

import pytest

from curhat_tui.channels.base import ClientArrived
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.ui.app import build_app
from tests.conftest import START, accept_top, screen_text, until_shown

TOPIC = "[bold]putus[/bold] sama pacar \x1b[31mdan susah tidur"
ANSWER = "kadang kepikiran, tapi ga ada rencana"


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_clients_topic_and_screening_answer_stay_under_the_header_shown_literally(fake_parts, size):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(Visit("v1", "client-v1", "Melati", Tier.PEER, 30, 25000, TOPIC, ANSWER,
                                           Risk.MODERATE, START)))
        await pilot.pause()
        pane = await accept_top(pilot)
        await until_shown(pilot, lambda: pane is not None and pane.loaded)
        block = pane.query_one("#intake")
        assert block.display and block.region.height == 2
        shown = screen_text(app)
        assert "Topik: [bold]putus[/bold] sama pacar ␛[31m" in shown  # markup and escapes shown as typed, never applied
        assert "\x1b" not in shown and "Jawaban risiko: kadang" in shown
        assert block.render().plain == f"Topik: {TOPIC.replace(chr(27), '␛')}\nJawaban risiko: {ANSWER}"  # all kept


async def test_a_client_who_told_the_intake_nothing_gets_no_empty_block(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(Visit("v2", "client-v2", "Kenari", Tier.PEER, 30, 25000, "", "", Risk.NONE,
                                           START)))
        await pilot.pause()
        pane = await accept_top(pilot)
        await until_shown(pilot, lambda: pane is not None and pane.loaded)
        assert not pane.query_one("#intake").display
        assert "Topik:" not in screen_text(app)
