"""The handover note a session comes with (a transfer, or a client sent back to the queue with one) is kept
with the session and read back cleaned like client text."""

from __future__ import annotations

import pytest

from curhat_tui.channels.base import ClientArrived, SessionAssigned
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.services import events as ev
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import START
from tests.support.fake_channel import FakeChannel


def visit(vid: str) -> Visit:
    return Visit(vid, f"client-{vid}", f"Klien {vid}", Tier.PEER, 30, 25000, "kerja", "tidak", Risk.NONE, START)


@pytest.fixture
async def desk_parts(tmp_path, data):
    store = Store(tmp_path / "curhat.db", kind="real")
    channel = FakeChannel(simulated=False)
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani")
    heard: list = []
    ws.listen(heard.append)
    await ws.start()
    yield ws, channel, store, heard
    await ws.stop()
    store.close()


async def test_a_handover_note_is_kept_from_a_claim_and_from_a_transfer(desk_parts):
    ws, channel, store, heard = desk_parts
    channel.claim_state = {"handover": "Sudah aman\x1b]0;x\x07, lanjut bahas tidur", "room": "!r:hs"}
    channel.inject(ClientArrived(visit("a")))
    accepted = await ws.desk.accept()
    assert store.sessions.channel_state(accepted.id)["handover"] == channel.claim_state["handover"]
    shown = ws.desk.handover(accepted.id)  # cleaned like client text: shown, never run
    assert shown.startswith("Sudah aman␛]0;x") and shown.endswith(", lanjut bahas tidur") and "\x07" not in shown
    channel.inject(SessionAssigned(visit("b"), START, START + 1800, {"handover": "Klien sudah aman"}))
    (moved,) = [e.session for e in heard if isinstance(e, ev.SessionOpened) and e.session.visit_id == "b"]
    assert ws.desk.handover(moved.id) == "Klien sudah aman"
    assert any(isinstance(e, ev.Notice) and e.key == "notice.handover" for e in heard)
    channel.inject(SessionAssigned(visit("c"), START, START + 1800, {"handover": ["not", "text"]}))
    (odd,) = [e.session for e in heard if isinstance(e, ev.SessionOpened) and e.session.visit_id == "c"]
    assert ws.desk.handover(odd.id) == ""
