"""The practice queue: a waiting client the risk detector called imminent heads the queue with the '!!' mark, in
both languages, and still does after a restart (the mark is kept in the store)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.channels.base import ClientArrived
from curhat_tui.domain.models import Risk
from curhat_tui.ui.app import build_app
from curhat_tui.ui.widgets.queue_panel import QueuePanel, QueueTable
from tests.conftest import TEST_KEY


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_practice_queue_shows_the_imminent_client_first_with_the_mark_after_a_restart(tmp_path, data, clock,
                                                                                              lang):
    first = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, key=TEST_KEY)
    app = build_app(first, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.main.query_one(QueuePanel)
        last = panel.visits[-1]
        assert len(panel.visits) >= 2 and not last.imminent
        first.channel.emit(ClientArrived(replace(last, risk=Risk.HIGH, imminent=True)))
        for _ in range(20):
            if panel.visits[0].id == last.id:
                break
            await pilot.pause()
        assert panel.visits[0].id == last.id
        assert app.main.query_one(QueueTable).get_row_at(0)[0].plain == "!!"
    first.store.close()
    second = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, key=TEST_KEY)
    app = build_app(second, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.main.query_one(QueuePanel)
        assert panel.visits[0].id == last.id and panel.visits[0].imminent
        assert app.main.query_one(QueueTable).get_row_at(0)[0].plain == "!!"
    second.store.close()
