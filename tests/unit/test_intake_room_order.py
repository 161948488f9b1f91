"""One thing at a time in a client's room at the intake: the sync loop reads a room's next lines, or its client
leaving, only after an answer being given there is done. An answer deferred to the end of the reply gap ran beside
the loop, and while it published the client's entry (a costly hash first) a review showed two losses: a line saying
the rope was ready found no entry yet and was never read for risk (the client went out at risk 0), and a client who
left was put in the queue as waiting anyway."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.domain.intake import IntakeState
from curhat_tui.intake import delivery, queueing
from curhat_tui.intake import service as intake_service
from curhat_tui.intake.service import IntakeService
from tests.support.recording_api import RecordingAPI

ROOM, CLIENT = "!client:curhat.test", "@klien:curhat.test"


def line(n: int, body: str) -> dict:
    return {"timeline": {"events": [{"type": "m.room.message", "sender": CLIENT, "event_id": f"$l{n}",
                                     "content": {"body": body}, "origin_server_ts": n}]}}


@pytest.fixture
def held_hash(monkeypatch):
    """The client's hash (scrypt, slow on purpose) waits for the test: the entry is being published meanwhile."""
    started, release = threading.Event(), threading.Event()

    def hashed(user: str, room: str) -> str:
        started.set()
        release.wait(10)
        return "h"
    monkeypatch.setattr(queueing, "client_hash", hashed)
    monkeypatch.setattr(intake_service, "INTAKE_REPLY_GAP", 0.05)
    yield started, release
    release.set()


async def answered_no_while_publishing(data, held_hash) -> tuple[RecordingAPI, IntakeService]:
    """A client asked the risk question answers "tidak" just after the intake's last answer (so the answer waits out
    the gap, beside the loop), and the intake is publishing their entry."""
    started, _ = held_hash
    api = RecordingAPI()
    intake = IntakeService(api, data, queue_room="!queue:curhat.test")  # type: ignore[arg-type]
    intake.clients[ROOM] = {"client": CLIENT, "intake": IntakeState(
        step="risk", consent=True, tier="peer", minutes=30, topic="capek").to_dict()}
    intake.last_reply[ROOM] = time.monotonic()
    await intake._client_room(ROOM, line(1, "tidak"), False)
    for _ in range(1000):
        if started.is_set():
            break
        await asyncio.sleep(0.01)
    assert started.is_set()
    return api, intake


async def test_a_risky_line_written_while_the_entry_is_published_is_read_for_risk(data, held_hash):
    api, intake = await answered_no_while_publishing(data, held_hash)
    reading = asyncio.create_task(intake._client_room(ROOM, line(2, "aku udah siapin tali buat malam ini"), False))
    await asyncio.sleep(0.05)
    held_hash[1].set()
    await reading
    await asyncio.gather(*intake.tasks)
    entry = intake.queue[ROOM]
    assert entry["status"] == "waiting" and (entry["imminent"] is True or entry["risk"] >= 3), entry


async def test_a_client_who_leaves_while_their_entry_is_published_is_not_left_waiting(data, held_hash):
    api, intake = await answered_no_while_publishing(data, held_hash)
    leave = {"type": "m.room.member", "sender": CLIENT, "state_key": CLIENT, "content": {"membership": "leave"}}
    leaving = asyncio.create_task(intake.handle({"rooms": {"leave": {ROOM: {"timeline": {"events": [leave]}}}}},
                                                initial=False))
    await asyncio.sleep(0.05)
    held_hash[1].set()
    await leaving
    await asyncio.gather(*intake.tasks)
    assert ROOM not in intake.clients
    assert intake.queue[ROOM]["status"] != "waiting" and api.entries[-1]["status"] != "waiting"


async def test_an_answer_that_fails_beside_the_loop_is_logged_not_lost_in_a_dead_task(data, monkeypatch, caplog):
    """Someone joining an encrypted client room makes the encryption refuse (a RuntimeError): a deferred answer
    that met it died as a task nobody awaited, with no line in the intake's log."""
    monkeypatch.setattr(intake_service, "INTAKE_REPLY_GAP", 0.05)
    intake = IntakeService(RecordingAPI(), data, queue_room="!queue:curhat.test")  # type: ignore[arg-type]
    intake.clients[ROOM] = {"client": CLIENT, "intake": IntakeState(step="consent").to_dict()}

    async def refused(room_id: str, text: str, sent_ms: object = None) -> None:
        raise RuntimeError("a stranger is in the room")
    monkeypatch.setattr(intake, "_answer", refused)
    intake.last_reply[ROOM] = time.monotonic()
    await intake._client_room(ROOM, line(1, "ya"), False)
    results = await asyncio.gather(*intake.tasks, return_exceptions=True)
    assert results and not any(isinstance(r, BaseException) for r in results)
    assert any(f"could not answer in {ROOM}: RuntimeError" in r.getMessage() for r in caplog.records)


async def test_a_line_still_to_answer_when_the_intake_stops_is_answered_when_it_starts_again(data, tmp_path,
                                                                                             monkeypatch):
    """The sync position is saved with each batch; an answer waiting out the reply gap was cancelled at a stop, and
    the line it answered lay behind the saved position: the client waited for a question that never came."""
    monkeypatch.setattr(intake_service, "INTAKE_REPLY_GAP", 5.0)
    state = tmp_path / "intake" / "intake.json"
    state.parent.mkdir(mode=0o700)
    api = RecordingAPI()
    first = IntakeService(api, data, state_file=state, queue_room="!queue:curhat.test")  # type: ignore[arg-type]
    first.clients[ROOM] = {"client": CLIENT, "intake": IntakeState(step="consent").to_dict()}
    first.last_reply[ROOM] = time.monotonic()  # just asked for consent: the answer waits out the gap
    await first._client_room(ROOM, line(1, "ya"), False)
    first._saved_since("s_after_the_batch")  # the loop saves its position after the batch
    for task in list(first.tasks):  # stopped: the waiting answer is cancelled
        task.cancel()
    await asyncio.gather(*first.tasks, return_exceptions=True)
    assert api.said == []

    again = IntakeService(api, data, state_file=state, queue_room="!queue:curhat.test")  # type: ignore[arg-type]
    again._load()
    assert again.since == "s_after_the_batch"
    await again._resume_answers()  # after the first batch
    await again._resume_answers()  # and after the next: still one answer
    assert len(again.tasks) == 1
    await asyncio.gather(*again.tasks)
    assert api.said[0] == "Thank you." and sum("1 =" in said for said in api.said) == 1  # the next question, once
    assert "pending" not in again.clients[ROOM]


A, B = "!a:curhat.test", "!b:curhat.test"
CA, CB = "@ka:curhat.test", "@kb:curhat.test"
Q = "!queue:curhat.test"


def msg(sender, n, body):
    return {"type": "m.room.message", "sender": sender, "event_id": f"$l{n}", "content": {"body": body},
            "origin_server_ts": n}


def batch(**rooms):
    return {"rooms": {"join": {r: {"timeline": {"events": evs}} for r, evs in rooms.items()}}}


def make(api, data, state):
    return IntakeService(api, data, state_file=state, queue_room=Q)  # type: ignore[arg-type]


def asked_for_the_topic(data, tmp_path: Path) -> tuple[RecordingAPI, Path, IntakeService]:
    """An intake with a state file, and client A asked for their topic."""
    state = tmp_path / "intake" / "intake.json"
    state.parent.mkdir(mode=0o700)
    api = RecordingAPI()
    first = make(api, data, state)
    first.clients[A] = {"client": CA, "intake": IntakeState(step="topic", consent=True, tier="peer",
                                                             minutes=30).to_dict()}
    return api, state, first


async def test_a_batch_read_again_after_a_stop_does_not_answer_a_line_twice(data, tmp_path, monkeypatch):
    """A's topic line waits out the gap (pending); B's answer in the same batch saves the state file with the old
    sync position, and the intake is stopped before the new one is saved. The batch comes again at the restart: the
    line is answered once (answered twice, the topic became the risk answer and the client was queued unasked)."""
    monkeypatch.setattr(intake_service, "INTAKE_REPLY_GAP", 0.05)
    monkeypatch.setattr(queueing, "client_hash", lambda u, r: "h")
    api, state, first = asked_for_the_topic(data, tmp_path)
    first.clients[B] = {"client": CB, "intake": IntakeState(step="consent").to_dict()}
    first.last_reply[A] = time.monotonic()  # A was just asked for the topic: its answer waits out the gap
    first._saved_since("s_before")
    the_batch = {A: [msg(CA, 1, "capek kerja")], B: [msg(CB, 2, "ya")]}
    await first.handle(batch(**the_batch), initial=False)
    for task in list(first.tasks):  # stopped before the batch's position was saved
        task.cancel()
    await asyncio.gather(*first.tasks, return_exceptions=True)

    again = make(api, data, state)
    again._load()
    assert again.since == "s_before"  # the batch is delivered again
    await again.handle(batch(**the_batch), initial=False)  # the replayed batch, then what the loop does after it
    await again._resume_answers()
    await asyncio.gather(*again.tasks)
    assert again._state(A).step == "risk"  # asked the risk question, once, and waiting for the answer
    assert sum("One more question" in said for said in api.said) == 1


async def test_a_line_the_client_deleted_while_it_waited_to_be_answered_is_not_answered(data, tmp_path, monkeypatch):
    """A topic line still to answer over a stop, deleted by the client meanwhile: the deleted words were answered
    and became the topic in the queue entry a counselor reads."""
    monkeypatch.setattr(intake_service, "INTAKE_REPLY_GAP", 5.0)
    api, state, first = asked_for_the_topic(data, tmp_path)
    first.last_reply[A] = time.monotonic()
    await first.handle(batch(**{A: [msg(CA, 1, "words I then deleted")]}), initial=False)
    first._saved_since("s1")
    for task in list(first.tasks):
        task.cancel()
    await asyncio.gather(*first.tasks, return_exceptions=True)

    again = make(api, data, state)
    again._load()
    redaction = {"type": "m.room.redaction", "sender": CA, "event_id": "$r", "redacts": "$l1", "content": {}}
    await again.handle(batch(**{A: [redaction]}), initial=False)  # the catch-up, read before resuming
    await again._resume_answers()
    await asyncio.gather(*again.tasks)
    assert again._state(A).topic != "words I then deleted" and "pending" not in again.clients[A]


async def test_a_room_whose_sends_keep_failing_holds_up_no_other_client(data, monkeypatch):
    """A's answer meets 502s and is tried again (delivery.py): beside the loop, not holding A's lock, so the next
    batch, with B's line, is not held until A's tries run out (about 90 s with the real DELIVERY_WAITS)."""
    monkeypatch.setattr(intake_service, "INTAKE_REPLY_GAP", 0.01)
    monkeypatch.setattr(delivery, "DELIVERY_WAITS", (0.5, 0.5, 0.5, 0.5))

    class Flaky(RecordingAPI):
        async def send(self, room, event_type, content, txn):
            if room == A:
                raise MatrixError(502, "M_UNKNOWN", "bad gateway")
            return await super().send(room, event_type, content, txn)

    intake = IntakeService(Flaky(), data, queue_room=Q)  # type: ignore[arg-type]
    intake.clients[A] = {"client": CA, "intake": IntakeState(step="consent").to_dict()}
    intake.clients[B] = {"client": CB, "intake": IntakeState(step="consent").to_dict()}
    intake.last_reply[A] = time.monotonic()
    await intake.handle(batch(**{A: [msg(CA, 1, "ya")]}), initial=False)
    await asyncio.sleep(0.05)  # A's answer is being delivered (retrying)
    t = time.monotonic()
    await intake.handle(batch(**{A: [], B: [msg(CB, 3, "ya")]}), initial=False)  # A only typing/receipt
    held = time.monotonic() - t
    assert held < 0.5, f"the sync batch was held {held:.1f}s by room A's retrying delivery"
    await asyncio.gather(*intake.tasks)  # A's tries run out beside the loop
