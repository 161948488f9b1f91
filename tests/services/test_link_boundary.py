"""The attacker at the supervision link's boundary: whatever another machine writes into the link,
a malformed record is dropped and logged, nothing half-written stays, and the next record still lands."""

from __future__ import annotations

import logging

import pytest

from curhat_tui.channels.base import ClientArrived
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.services import events as ev
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import START
from tests.support.fake_channel import FakeChannel


class FakeLink:
    """A supervision link whose records the test writes, as a hostile account on the homeserver could."""

    def __init__(self) -> None:
        self.emit = None

    async def start(self, emit) -> None:
        self.emit = emit

    async def stop(self) -> None:
        pass

    async def submit(self, snapshot: dict) -> None:
        pass

    async def live(self, session_id: str, info: dict) -> None:
        pass

    async def review(self, counselor: str, session_id: str, action: str, text: str) -> None:
        pass

    async def whisper(self, counselor: str, session_id: str, text: str) -> None:
        pass

    async def withdraw(self, session_id: str) -> int:
        return 0


def session_snapshot(sid: str, **overrides) -> dict:
    session = {"id": sid, "visit_id": "v", "client_key": "k", "alias": "Rina", "tier": "peer", "minutes": 30,
               "price": 25000, "counselor": "Ani", "started_at": START, "deadline": START + 1800, "status": "closed",
               "risk": 0, "end_reason": "", "skip_reason": "", "ended_at": START + 1700, "lang": "id"}
    return {"session": {**session, **overrides}, "messages": [], "flags": [], "scripts": [], "extensions": [],
            "note_versions": []}


@pytest.fixture
async def counselor(tmp_path, data):
    store = Store(tmp_path / "curhat.db", kind="real")
    link, channel = FakeLink(), FakeChannel(simulated=False)
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani", link=link)
    heard: list = []
    ws.listen(heard.append)
    await ws.start()
    channel.inject(ClientArrived(Visit("v1", "k1", "Rina", Tier.PEER, 30, 25000, "kerja", "tidak", Risk.NONE,
                                       START)))
    session = await ws.desk.accept("v1")
    yield ws, link, session, heard
    await ws.stop()
    store.close()


@pytest.fixture
async def supervisor(tmp_path, data):
    store = Store(tmp_path / "sv" / "curhat.db", kind="real")
    link = FakeLink()
    ws = Workstation(store, FakeChannel(simulated=False), FakeClock(START), data, counselor="Sari", role="supervisor",
                     link=link)
    heard: list = []
    ws.listen(heard.append)
    await ws.start()
    yield ws, link, heard
    await ws.stop()
    store.close()


HOSTILE = [
    "not an object", ["kind", "whisper"], None, 42,
    {"kind": "whisper"},  # nothing else
    {"kind": "whisper", "session_id": ["a", "list"], "author": "x", "text": "y"},
    {"kind": "whisper", "session_id": "s", "author": {"nested": 1}, "text": "y"},
    {"kind": "whisper", "session_id": "s", "author": "x", "text": "y", "ts": "abc"},
    {"kind": "whisper", "session_id": "s", "author": "x", "text": "y", "ts": float("nan")},
    {"kind": "comment", "session_id": 7, "author": "x"},
    {"kind": "sign", "session_id": "s", "author": "x", "remote_id": ["r"]},
    {"kind": "no-such-kind", "session_id": "s"},
    {"kind": ["whisper"]},
]


async def test_hostile_records_to_a_counselor_are_dropped_and_the_next_whisper_lands(counselor, caplog):
    ws, link, session, heard = counselor
    with caplog.at_level(logging.WARNING, logger="curhat.link"):
        for record in HOSTILE:
            link.emit(record)
    assert len([r for r in caplog.records if r.name == "curhat.link"]) == len(HOSTILE)
    assert not [e for e in heard if isinstance(e, ev.WhisperArrived)]
    link.emit({"kind": "whisper", "session_id": session.id, "author": "Sari", "text": "Tanyakan rencananya.",
               "ts": START + 5, "remote_id": "$w1"})
    assert [(e.author, e.text) for e in heard if isinstance(e, ev.WhisperArrived)] == [("Sari",
                                                                                          "Tanyakan rencananya.")]
    assert [w["text"] for w in ws.supervision.whispers(session.id)] == ["Tanyakan rencananya."]


async def test_a_snapshot_the_store_refuses_leaves_nothing_and_the_next_lands(supervisor, caplog):
    ws, link, heard = supervisor
    broken = session_snapshot("s-bad")
    broken["messages"] = [{"id": 1, "sender": ["client"], "text": {"x": 1}, "ts": "later"}]
    with caplog.at_level(logging.WARNING):
        link.emit({"kind": "submit", "snapshot": {"session": {"id": ["s"], "counselor": "Ani"}}})
        link.emit({"kind": "submit", "snapshot": "not an object"})
        link.emit({"kind": "submit", "snapshot": broken, "remote_id": "sub-bad"})
    assert ws.desk.session("s-bad") is None  # the refused import was rolled back whole
    link.emit({"kind": "submit", "snapshot": session_snapshot("s-ok"), "ts": START + 10, "remote_id": "sub-ok"})
    assert ws.desk.session("s-ok") is not None
    assert [e.session_id for e in heard if isinstance(e, ev.ReviewChanged)] == ["s-ok"]


async def test_a_crisis_alert_missing_its_names_still_reaches_the_supervisor(supervisor):
    ws, link, heard = supervisor
    link.emit({"kind": "alert", "session_id": "s9", "item": "suicide"})
    link.emit({"kind": "alert", "session_id": "s10", "item": "psychosis", "ts": "abc"})  # heard at arrival time
    link.emit({"kind": "alert", "session_id": ["s"], "item": "suicide"})  # no usable session: dropped, logged
    assert [(e.session_id, e.item) for e in heard if isinstance(e, ev.CrisisAlert)] == [("s9", "suicide"),
                                                                                        ("s10", "psychosis")]
