"""Red team, round four: room upgrades followed (53dc716 and the work after it), a deleted client's earlier queue
entries redacted (3262fc7) and the Olm fallback key (8c3f8a9), attacked as an ordinary account on the homeserver
and as a malicious client.

A test marked xfail(strict=True) shows a defect that is still there; an unmarked one shows a defence that holds.
"""

from __future__ import annotations

import pytest

from curhat_tui.channels.matrix.api import MatrixError
from tests.integration.test_matrix import (
    PASSWORD,
    ScriptedClient,
    client_words,
    eventually,
    intake_service,
    stop,
    stop_intake,
    through_intake,
    until,
    workstation,
)
from tests.support.synapse import synapse_with_accounts


@pytest.fixture(scope="module")
def hs():
    # one client account per test: the intake gives one account one place in the queue, and its state outlives a test
    yield from synapse_with_accounts(("intake", "ani", "budi", "mallory", "r4a", "r4b", "r4c", "r4d", "r4e", "r4f",
                                      "r4g", "r4h"), PASSWORD, admins=("intake",))


async def _in_session(hs, data, tmp_path, name: str, topic: str, ani=None):
    """A client of `name` through the intake and taken by Ani (a workstation started here unless given)."""
    intake, task = await intake_service(hs, data)
    heard: list = []
    if ani is None:
        ani = workstation(hs, "ani", "Ani", data, tmp_path)
        ani.listen(heard.append)
        await ani.start()
    client = ScriptedClient(hs, name)
    await through_intake(client, intake.api.user_id, topic)
    await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
    session = await ani.desk.accept(client.room)
    await client.say(f"kak aku {name} mau cerita")
    await until(lambda: f"kak aku {name} mau cerita" in client_words(ani, session.id), what="the client's line")
    return intake, task, ani, heard, client, session


async def _reads(api, room: str, words: str) -> bool:
    """Whether `api`'s account can read `words` in `room`'s history."""
    try:
        page = await api.request("GET", f"/rooms/{room}/messages", params={"dir": "b", "limit": "100"})
    except MatrixError:
        return False
    return any(words in str(e.get("content", {}).get("body")) for e in page.get("chunk", []))


@pytest.mark.xfail(strict=True, reason="red team: a client's tombstone naming the queue room makes the counselor's "
                                       "workstation leave it (upgrade.py RoomUpgrades.follow leaves any room it "
                                       "refuses, even one it was in); its sync then fails with 403 at every retry and "
                                       "none of the counselor's clients is heard")
async def test_a_tombstone_naming_the_queue_room_does_not_take_the_counselor_out_of_the_queue(hs, data, tmp_path):
    intake, task, ani, heard, client, session = await _in_session(hs, data, tmp_path, "r4a", "kerjaan")
    queue_room = intake.queue_room
    try:
        assert queue_room in await ani.channel.api.joined_rooms()
        # the client holds power 100 in their own room: they may say it moved anywhere, the queue room too
        # (room ids are no secret: an ex-counselor, a screenshot, a log has it)
        await client.api.put_state(client.room, "m.room.tombstone",
                                   {"body": "pindah", "replacement_room": queue_room})
        await until(lambda: session.id in ani.channel.upgrades.refused, what="the move judged")
        assert ani.store.sessions.channel_state(session.id)["room_id"] == client.room  # not followed: good
        # ...but the counselor's workstation must go on hearing its clients...
        await client.say("ANTRI-4410 kak aku masih di sini")
        assert await eventually(lambda: "ANTRI-4410 kak aku masih di sini" in client_words(ani, session.id), 15), \
            "the client's words stop reaching the counselor"
        # ...and stay in the organisation's queue room, seeing who waits
        assert await eventually(lambda: _in_room(ani, queue_room), 5), "the counselor left the queue room"
        newcomer = ScriptedClient(hs, "r4b")
        await through_intake(newcomer, intake.api.user_id, "susah tidur")
        assert await eventually(lambda: any(v.id == newcomer.room for v in ani.desk.queue()), 20), \
            "a new client in the queue never reaches the counselor"
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def _in_room(ws, room: str) -> bool:
    return room in await ws.channel.api.joined_rooms()


@pytest.mark.xfail(strict=True, reason="red team: a client's tombstone naming another client's room makes the "
                                       "counselor leave that client's session room (upgrade.py RoomUpgrades.follow): "
                                       "the other client's words are no longer heard")
async def test_a_tombstone_naming_another_clients_room_does_not_cut_that_client_off(hs, data, tmp_path):
    intake, task, ani, heard, victim, kept = await _in_session(hs, data, tmp_path, "r4c", "keluarga")
    try:
        # a second client of the same counselor, who knows (or guessed, or was told) the first client's room id
        client = ScriptedClient(hs, "r4d")
        await through_intake(client, intake.api.user_id, "kuliah")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        await client.api.put_state(client.room, "m.room.tombstone",
                                   {"body": "pindah", "replacement_room": victim.room})
        await until(lambda: session.id in ani.channel.upgrades.refused, what="the move judged")
        assert ani.store.sessions.channel_state(session.id)["room_id"] == client.room  # not followed: good
        await victim.say("KORBAN-5521 kak aku takut sendirian")
        assert await eventually(lambda: "KORBAN-5521 kak aku takut sendirian" in client_words(ani, kept.id), 15), \
            "the other client's words never reach their counselor"
        assert await _in_room(ani, victim.room)
    finally:
        await stop(ani)
        await stop_intake(intake, task)
