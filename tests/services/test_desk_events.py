"""The desk over a fake channel: every event is stored before it is told, and told once, on the one bus."""

from __future__ import annotations

import asyncio

import pytest

from curhat_tui.channels.base import ClaimFailed, ClientArrived, ClientLeft, ConnectionChanged, MessageReceived
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Delivery, Risk, Sender, Tier, Visit
from curhat_tui.services import events as ev
from curhat_tui.services.desk import AcceptError
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import START
from tests.support.fake_channel import FakeChannel


def visit(vid: str, risk: Risk = Risk.NONE, arrived: float = START) -> Visit:
    return Visit(vid, f"client-{vid}", f"Klien {vid}", Tier.PEER, 30, 25000, "kerja", "tidak", risk, arrived)


@pytest.fixture
async def desk_parts(tmp_path, data):
    store = Store(tmp_path / "practice.db", kind="practice")
    channel = FakeChannel()
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani")
    heard: list = []
    ws.listen(heard.append)
    await ws.start()
    yield ws, channel, store, heard
    await ws.stop()
    store.close()


async def test_an_arrival_is_stored_then_queued_by_risk(desk_parts):
    ws, channel, store, heard = desk_parts
    channel.inject(ClientArrived(visit("a", Risk.LOW)))
    channel.inject(ClientArrived(visit("b", Risk.HIGH, START + 5)))
    assert store.visits.get("a") is not None and store.visits.get("b") is not None
    assert [v.id for v in ws.desk.queue()] == ["b", "a"]
    assert [type(e) for e in heard].count(ev.QueueChanged) == 2
    channel.inject(ClientLeft("b"))
    assert [v.id for v in ws.desk.queue()] == ["a"]


async def test_accept_opens_the_session_by_event_and_a_message_is_stored_once(desk_parts):
    ws, channel, store, heard = desk_parts
    channel.inject(ClientArrived(visit("a")))
    session = await ws.desk.accept()
    assert channel.claimed == ["a"] and ws.desk.queue() == []
    assert [e.session.id for e in heard if isinstance(e, ev.SessionOpened)] == [session.id]
    for _ in range(2):  # the same remote event seen again after a re-sync
        channel.inject(MessageReceived(session.id, "aku capek banget", START + 10, remote_id="$e1"))
    stored = ws.desk.transcript(session.id)
    assert [(m.sender, m.text) for m in stored] == [(Sender.CLIENT, "aku capek banget")]
    assert len([e for e in heard if isinstance(e, ev.MessageAdded)]) == 1


async def test_a_claim_someone_else_won_leaves_the_queue_with_a_reason(desk_parts):
    ws, channel, _, _ = desk_parts
    channel.inject(ClientArrived(visit("a")))
    channel.refuse["a"] = ClaimFailed("taken", "Budi")
    with pytest.raises(AcceptError) as caught:
        await ws.desk.accept("a")
    assert (caught.value.reason, caught.value.by) == ("taken", "Budi")
    assert ws.desk.queue() == []


async def test_offline_sends_stay_in_the_outbox_and_go_once_reconnected(desk_parts):
    ws, channel, store, heard = desk_parts
    channel.inject(ClientArrived(visit("a")))
    session = await ws.desk.accept()
    channel.fail_sends = True
    message = await ws.desk.send(session.id, "Aku di sini, cerita aja ya.")
    assert message is not None and [m.text for m in store.messages.outbox()] == [message.text]
    assert any(isinstance(e, ev.Notice) and e.key == "notice.send_failed" for e in heard)
    channel.fail_sends = False
    channel.inject(ConnectionChanged("reconnecting"))
    channel.inject(ConnectionChanged("connected"))
    for _ in range(5):  # the flush runs in the background
        await asyncio.sleep(0)
    assert [m.txn_id for m in channel.sent] == [message.txn_id]
    assert store.messages.outbox() == []
    assert ws.desk.transcript(session.id)[-1].delivery is Delivery.SENT


async def test_a_red_flag_writes_the_note_and_tells_the_form(desk_parts):
    ws, channel, _, heard = desk_parts
    channel.inject(ClientArrived(visit("a")))
    session = await ws.desk.accept()
    item = ws.data.redflags.items[1]
    loaded = ws.flags.raise_flag(session.id, item.id)
    assert loaded.text and item.id in ws.flags.flags(session.id)
    _, fields, _ = ws.notes.note(session.id)
    assert (item.label["id"] in fields["risk_screen"])
    assert ev.NoteChanged(session.id, ("risk_screen",)) in heard
    assert any(isinstance(e, ev.SessionChanged) for e in heard)


async def test_the_form_and_a_service_never_overwrite_each_other(desk_parts):
    ws, channel, _, _ = desk_parts
    channel.inject(ClientArrived(visit("a")))
    session = await ws.desk.accept()
    template, _, _ = ws.notes.note(session.id)
    ws.notes.save(session.id, template, {"risk_screen": "screen awal"})
    ws.flags.raise_flag(session.id, ws.data.redflags.items[1].id)
    ws.notes.save(session.id, template, {"referral": "Puskesmas"})  # the form saves only what it changed
    _, fields, _ = ws.notes.note(session.id)
    assert fields["referral"] == "Puskesmas"
    assert fields["risk_screen"].startswith("screen awal\n[")


async def test_words_a_client_wrote_at_intake_can_run_nothing_in_the_terminal(desk_parts):
    ws, channel, store, _ = desk_parts
    hostile = Visit("x", "client-x", "rina\x1b]0;pwned\x07", Tier.PEER, 30, 25000,
                    "topik\x1b]8;;http://evil.example\x1b\\klik\x1b]8;;\x1b\\ \x1b[5mkedip", "iya\u202ekak\x9b2J",
                    Risk.NONE, START)
    channel.inject(ClientArrived(hostile))
    for shown in (ws.desk.queue()[0], store.visits.get("x")):
        for text in (shown.alias, shown.topic, shown.intake_risk_answer):
            assert not any(ch in text for ch in "\x1b\x07\x9b\u202e"), text
        assert shown.alias.startswith("rina␛]0;pwned")  # shown literally, not run


async def test_two_quick_accepts_of_one_client_open_one_session(tmp_path, data):
    """Ctrl+N pressed twice while the claim travels: the second press is told to wait, never a second tab."""
    gate = asyncio.Event()

    class SlowClaims(FakeChannel):
        async def claim(self, visit, session):
            await gate.wait()  # the homeserver is slow to answer
            return await super().claim(visit, session)

    store = Store(tmp_path / "practice.db", kind="practice")
    channel = SlowClaims()
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani")
    opened: list = []
    ws.listen(lambda e: opened.append(e) if isinstance(e, ev.SessionOpened) else None)
    await ws.start()
    channel.inject(ClientArrived(visit("a")))
    first = asyncio.create_task(ws.desk.accept())
    await asyncio.sleep(0)
    with pytest.raises(AcceptError) as second:
        await ws.desk.accept()
    assert second.value.reason == "busy"
    with pytest.raises(AcceptError):
        await ws.desk.accept("a")
    gate.set()
    session = await first
    assert [e.session.id for e in opened] == [session.id] and channel.claimed == ["a"]
    assert len(store.sessions.open()) == 1
    await ws.stop()
    store.close()


async def test_ending_a_session_the_server_refuses_still_ends_it_here_with_a_clear_notice(desk_parts):
    ws, channel, store, heard = desk_parts
    channel.inject(ClientArrived(visit("a")))
    session = await ws.desk.accept()

    async def refused(_session):
        raise ConnectionError("403 M_FORBIDDEN: not in the room")  # handed away before the end reached the server

    channel.end = refused
    ended = await ws.desk.end(session.id)
    assert ended.status.value == "wrapup" and store.sessions.get(session.id).status.value == "wrapup"
    assert any(isinstance(e, ev.Notice) and e.key == "notice.end_failed" for e in heard)
    assert any(isinstance(e, ev.SessionChanged) and e.session.id == session.id for e in heard)


async def test_a_waiting_client_whose_risk_rises_moves_up_the_queue(desk_parts):
    ws, channel, store, heard = desk_parts
    channel.inject(ClientArrived(visit("calm", Risk.LOW, START)))
    channel.inject(ClientArrived(visit("later", Risk.NONE, START + 60)))
    assert [v.id for v in ws.desk.queue()] == ["calm", "later"]
    channel.inject(ClientArrived(visit("later", Risk.HIGH, START + 60)))  # the entry again, its risk raised
    assert [v.id for v in ws.desk.queue()] == ["later", "calm"]
    assert store.visits.get("later").risk is Risk.HIGH
    channel.inject(ClientArrived(visit("later", Risk.NONE, START + 60)))  # a lower risk never lowers it
    assert ws.desk.queue()[0].risk is Risk.HIGH
