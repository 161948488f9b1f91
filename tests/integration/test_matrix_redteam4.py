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
    api_of,
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
                                      "r4g", "r4h", "r4i", "r4j", "r4k", "r4l"), PASSWORD, admins=("intake",))


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


async def _upgrade(client: ScriptedClient) -> str:
    """The client's app replaces their room (Element's /upgraderoom): the new room's id."""
    return (await client.api.request("POST", f"/rooms/{client.room}/upgrade", body={"new_version": "12"}))[
        "replacement_room"]


async def test_a_stranger_invited_before_the_move_and_joining_after_it_does_not_read_the_counselor(
        hs, data, tmp_path):
    intake, task, ani, heard, client, session = await _in_session(hs, data, tmp_path, "r4e", "pacar")
    mallory = api_of(hs, "mallory")
    try:
        new = await _upgrade(client)
        # the app invites the old room's members; someone (holding the phone) invites a stranger too, who waits
        for member in (intake.api.user_id, ani.channel.api.user_id, mallory.user_id):
            await client.api.invite(new, member)
        client.room = new
        # nobody else is IN the room yet: the move is the client's and is followed
        await until(lambda: ani.store.sessions.channel_state(session.id)["room_id"] == new, what="the move followed")
        await mallory.join(new)  # ...and the stranger comes in after it
        await ani.desk.send(session.id, "RAHASIA-7720 kamu aman di rumah?")
        await until(lambda: any(getattr(e, "key", "") == "notice.send_held" for e in heard), what="the hold told")
        assert not await _reads(mallory, new, "RAHASIA-7720")
        await mallory.leave(new)  # gone again: the held line goes, to the client, in the new room

        async def delivered() -> bool:
            await ani.desk.outbox.flush()
            await client.pull(timeout_ms=200)
            return any("RAHASIA-7720" in str(e["content"].get("body")) for e in client.received)
        await until(delivered, what="the held line delivered once the stranger left")
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


async def test_an_upgrade_to_a_world_readable_room_does_not_let_a_stranger_read_without_joining(hs, data, tmp_path):
    intake, task, ani, heard, client, session = await _in_session(hs, data, tmp_path, "r4f", "utang")
    mallory = api_of(hs, "mallory")
    try:
        new = await _upgrade(client)
        # invite-only, nobody else in it, but its history may be read by anyone (Element: "Anyone" may read history)
        await client.api.put_state(new, "m.room.history_visibility", {"history_visibility": "world_readable"})
        for member in (intake.api.user_id, ani.channel.api.user_id):
            await client.api.invite(new, member)
        await until(lambda: ani.store.sessions.channel_state(session.id)["room_id"] == new
                    or session.id in ani.channel.upgrades.refused, what="the move judged")
        client.room = new
        await ani.desk.send(session.id, "DUNIA-6610 ceritakan soal utangnya")

        async def delivered() -> bool:
            await ani.desk.outbox.flush()
            await client.pull(timeout_ms=200)
            return any("DUNIA-6610" in str(e["content"].get("body")) for e in client.received)
        await eventually(delivered, 10)  # where it went, if anywhere
        assert new not in await mallory.joined_rooms()
        assert not await _reads(mallory, new, "DUNIA-6610"), "a stranger who never joined reads the counselor"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


async def test_a_client_who_moved_while_waiting_is_still_read_for_risk_after_the_intake_restarts(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    try:
        client = ScriptedClient(hs, "r4g")
        await through_intake(client, intake.api.user_id, "capek")
        old = client.room
        await until(lambda: (intake.queue.get(old) or {}).get("status") == "waiting", what="queued")
        assert not (intake.queue.get(old) or {}).get("imminent")
        new = await _upgrade(client)
        await client.api.invite(new, intake.api.user_id)
        client.room = new
        await until(lambda: new in (intake.clients.get(old) or {}).get("successors", []), what="the intake follows")
        await stop_intake(intake, task)  # the intake restarts from its state file
        intake, task = await intake_service(hs, data)
        await client.say("aku mau bunuh diri malam ini, udah siapin talinya")
        await until(lambda: (intake.queue.get(old) or {}).get("imminent") is True, what="the wait raised")
        assert list(intake.queue).count(old) == 1 and new not in intake.queue  # one account, one place
    finally:
        await stop_intake(intake, task)


async def test_a_world_readable_client_room_does_not_let_a_stranger_read_the_session(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    mallory = api_of(hs, "mallory")
    try:
        client = ScriptedClient(hs, "r4h")
        client.room = await client.api.create_room(
            preset="trusted_private_chat", is_direct=True, invite=[intake.api.user_id],
            initial_state=[{"type": "m.room.history_visibility", "state_key": "",
                            "content": {"history_visibility": "world_readable"}}])
        for ask, answer in (("YA", "ya"), ("1 =", "1"), ("satu kalimat", "pacar kasar"), ("2 minggu terakhir", "tidak")):
            await client.wait_for(ask)
            await client.say(answer)
        await client.wait_for("antrian")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued (the room admitted)")
        session = await ani.desk.accept(client.room)
        await ani.desk.send(session.id, "TERBUKA-3390 dia pernah memukulmu?")
        await client.wait_for("TERBUKA-3390")
        assert client.room not in await mallory.joined_rooms()
        assert not await _reads(mallory, client.room, "TERBUKA-3390"), "a stranger who never joined reads the session"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


@pytest.mark.xfail(strict=True, reason="red team: a client room made world_readable in the middle of a session is "
                                       "not noticed: the counselor's next lines go, and any account reads them "
                                       "without joining (members.py outsiders looks at joined members only)")
async def test_a_room_made_world_readable_mid_session_does_not_let_a_stranger_read_the_counselor(hs, data, tmp_path):
    intake, task, ani, heard, client, session = await _in_session(hs, data, tmp_path, "r4i", "rumah")
    mallory = api_of(hs, "mallory")
    try:
        # the room passed the intake's checks; now the client (or whoever holds their phone) opens its history
        await client.api.put_state(client.room, "m.room.history_visibility", {"history_visibility": "world_readable"})
        await ani.desk.send(session.id, "SEMUA-8812 kapan terakhir dia datang?")

        async def gone_or_held() -> bool:
            await ani.desk.outbox.flush()
            await client.pull(timeout_ms=200)
            return any("SEMUA-8812" in str(e["content"].get("body")) for e in client.received) or any(
                getattr(e, "key", "") == "notice.send_held" for e in heard)
        await until(gone_or_held, what="the line sent or held")
        assert client.room not in await mallory.joined_rooms()
        assert not await _reads(mallory, client.room, "SEMUA-8812"), "a stranger who never joined reads the counselor"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()
