"""The intake's one province question, against the real IntakeService with a recording stand-in for the server:
asked only while the client waits; once a counselor has them, or they are gone, nothing is answered or written."""

from __future__ import annotations

import asyncio
import time

import pytest

from curhat_tui.domain.intake import IntakeState
from curhat_tui.intake import service as intake_service
from curhat_tui.intake.service import IntakeService
from tests.support.recording_api import RecordingAPI


async def answer(data, status: str, line: str, step: str = "region") -> tuple[RecordingAPI, IntakeService]:
    api = RecordingAPI()
    intake = IntakeService(api, data, queue_room="!queue:curhat.test")  # type: ignore[arg-type]
    room = "!client:curhat.test"
    intake.clients[room] = {"client": "@klien:curhat.test", "intake": IntakeState(
        step=step, consent=True, tier="peer", minutes=30, topic="capek").to_dict()}
    intake.queue[room] = {"status": status, "alias": "klien", "risk": 0}
    event = {"type": "m.room.message", "sender": "@klien:curhat.test", "content": {"body": line},
             "origin_server_ts": 2}
    await intake._client_room(room, {"timeline": {"events": [event]}}, False)
    await asyncio.sleep(0.05)
    return api, intake


@pytest.fixture(autouse=True)
def no_reply_gap(monkeypatch):
    monkeypatch.setattr(intake_service, "INTAKE_REPLY_GAP", 0.0)


async def test_a_waiting_client_who_names_their_city_is_thanked_and_the_entry_keeps_the_province(data):
    api, intake = await answer(data, "waiting", "aku dari bandung kak")
    assert api.said == ["Thank you, noted: Jawa Barat. A counselor will greet you soon."]
    assert api.entries[-1]["region"] == "Jawa Barat" and api.entries[-1]["status"] == "waiting"
    assert intake._state("!client:curhat.test").step == "queued"


@pytest.mark.parametrize("status", ["taken", "closed"])
async def test_once_a_counselor_has_them_or_they_are_gone_the_answer_is_not_taken_nor_the_client_queued_again(
        data, status):
    api, intake = await answer(data, status, "aku dari bandung kak")
    assert api.said == [] and api.entries == []  # no reply in a counselor's chat, no entry written (never re-queued)
    assert intake._state("!client:curhat.test").step == "queued"  # not asked any more


async def test_a_line_that_carries_risk_raises_the_queue_and_gets_no_cheerful_reply(data):
    api, intake = await answer(data, "waiting", "tidak mau hidup lagi")
    assert api.said == []
    assert api.entries and api.entries[-1]["risk"] >= 2 and "region" not in api.entries[-1]


async def test_a_line_overtaken_before_it_was_answered_is_still_read_for_risk(data, monkeypatch):
    """Asked the risk question, a client writes "aku udah siapin tali buat malam ini" and, before the intake's
    reply gap is over, "iya": the newer line is the answer, and the first is still read, raises the risk the
    client is queued with, and is carried to the counselor."""
    monkeypatch.setattr(intake_service, "INTAKE_REPLY_GAP", 0.3)
    api = RecordingAPI()
    intake = IntakeService(api, data, queue_room="!queue:curhat.test")  # type: ignore[arg-type]
    room = "!client:curhat.test"
    intake.clients[room] = {"client": "@klien:curhat.test", "intake": IntakeState(
        step="risk", consent=True, tier="peer", minutes=30, topic="capek").to_dict()}

    def line(n: int, body: str) -> dict:
        return {"timeline": {"events": [{"type": "m.room.message", "sender": "@klien:curhat.test", "event_id": f"$l{n}",
                                         "content": {"body": body}, "origin_server_ts": n}]}}
    intake.last_reply[room] = time.monotonic()  # just answered: the next answer waits for the gap
    await intake._client_room(room, line(1, "aku udah siapin tali buat malam ini"), False)
    await intake._client_room(room, line(2, "iya"), False)
    await asyncio.gather(*intake.tasks)  # the answer deferred to the end of the gap (not a guessed sleep: CI is slow)
    entry = api.entries[-1]
    assert entry["status"] == "waiting" and entry["imminent"] is True and entry["risk"] >= 3
    assert "siapin tali" in entry["said"] and entry["intake_risk_answer"] == "iya"
