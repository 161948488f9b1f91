"""Who the client is in a client room, on a real Synapse: the account the intake took as the client (named in the
queue entry by `client_hash`), and no one else who gets into the room later; and who reads the counselor there: the
client, and only those others the counselor, told their names, chose to let read; and a client who takes the
counselor out of their room ends the session, and can come back later."""

from __future__ import annotations

import logging
import time

import pytest

from tests.integration.test_matrix import (
    PASSWORD,
    ScriptedClient,
    api_of,
    client_words,
    eventually,
    intake_service,
    reads,
    stop_intake,
    through_intake,
    until,
    workstation,
)
from tests.support.synapse import synapse_with_accounts


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "budi", "mallory", "eve", "klien1", "klien2", "klien3"),
                                     PASSWORD, admins=("intake",))


async def test_someone_the_client_lets_into_its_room_mid_session_never_speaks_as_the_client(hs, data, tmp_path, caplog):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    mallory = api_of(hs, "mallory")
    try:
        client = ScriptedClient(hs, "klien1")
        await through_intake(client, intake.api.user_id, "masalah di rumah")  # a private direct chat
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        # a partner with the phone, or a friend the client adds: the room is the client's, it may invite anyone
        await client.api.invite(client.room, mallory.user_id)
        await mallory.join(client.room)
        caplog.set_level(logging.WARNING, logger="curhat.matrix")
        await mallory.send(client.room, "m.room.message", {"msgtype": "m.text", "body": "MALLORY-77 aku yang klien"},
                           f"m{time.time_ns()}")
        await client.say("ini aku, kliennya")
        await until(lambda: "ini aku, kliennya" in client_words(ani, session.id), what="the client's line")
        assert not await eventually(lambda: any("MALLORY-77" in t for t in client_words(ani, session.id)), 3)
        assert "not the client" in caplog.text and "MALLORY-77" not in caplog.text  # logged, without the words
    finally:
        await ani.stop()
        ani.store.close()
        await stop_intake(intake, task)
        await mallory.close()


async def test_the_counselor_may_let_exactly_the_people_in_the_room_read_and_anyone_new_holds_the_lines_again(
        hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    heard: list = []
    ani.listen(heard.append)
    await ani.start()
    mallory, eve = api_of(hs, "mallory"), api_of(hs, "eve")
    try:
        client = ScriptedClient(hs, "klien2")
        await through_intake(client, intake.api.user_id, "ibu mau ikut baca")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        await mallory.request("PUT", f"/profile/{mallory.user_id}/displayname", body={"displayname": "Ibu [b]Rini[/b]"})
        await client.api.invite(client.room, mallory.user_id)  # the client brings a parent in
        await mallory.join(client.room)
        await ani.desk.send(session.id, "HELD-1 siapa yang ikut membaca?")
        await until(lambda: ani.desk.held_readers(session.id), what="the line held, with who is there")
        assert ani.desk.held_readers(session.id) == ((mallory.user_id, "Ibu [b]Rini[/b]"),)
        assert any(getattr(e, "key", "") == "notice.send_held" and "Ibu [b]Rini[/b]" in str(getattr(e, "values", ""))
                   for e in heard)
        assert not await reads(mallory, client.room, "HELD-1")

        named = [user for user, _ in ani.desk.held_readers(session.id)]  # as the Alt+K question names them
        assert ani.desk.send_anyway(session.id, named) == 1  # the counselor weighed it: this account may read

        async def delivered(words: str) -> bool:
            await ani.desk.outbox.flush()
            return await reads(client.api, client.room, words)
        await until(lambda: delivered("HELD-1"), what="the held line sent once the counselor let her read")
        assert await reads(mallory, client.room, "HELD-1")
        await ani.desk.send(session.id, "LET-2 terima kasih sudah menemani")
        await until(lambda: delivered("LET-2"), what="what follows goes too")

        # someone new comes in: held again, asked about them alone
        await client.api.invite(client.room, eve.user_id)
        await eve.join(client.room)
        await ani.desk.send(session.id, "NEW-3 ada orang baru?")
        await until(lambda: ani.desk.held_readers(session.id), what="held again for the newcomer")
        assert [user for user, _ in ani.desk.held_readers(session.id)] == [eve.user_id]
        assert not await eventually(lambda: reads(eve, client.room, "NEW-3"), 3)
        # the client takes the newcomer out: the line goes, and the session goes on (taking someone else out of the
        # room is not the client leaving it)
        await client.api.kick(client.room, eve.user_id, "keluar dulu ya")
        await until(lambda: delivered("NEW-3"), what="the held line sent once the newcomer is out")
        await ani.desk.send(session.id, "AFTER-4 masih di sini?")
        await until(lambda: delivered("AFTER-4"), what="the session going on")
        assert ani.store.sessions.get(session.id).status.value == "active"
        assert intake.queue[client.room].get("status") == "taken"
    finally:
        await ani.stop()
        ani.store.close()
        await stop_intake(intake, task)
        await mallory.close()
        await eve.close()


async def test_a_client_who_takes_the_counselor_out_of_their_room_ends_the_session_and_can_come_back(hs, data, tmp_path):
    from curhat_tui.domain.models import Delivery, SessionStatus

    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    heard: list = []
    ani.listen(heard.append)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien3")
        await through_intake(client, intake.api.user_id, "ga jadi deh")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        await client.api.kick(client.room, hs.accounts["ani"]["user_id"], "ga jadi")  # the room is the client's
        await until(lambda: ani.store.sessions.get(session.id).status is not SessionStatus.ACTIVE,
                    what="the session ended here")
        assert any(getattr(e, "key", "") == "notice.gone_removed" for e in heard)  # told why
        await ani.desk.send(session.id, "halo?")  # a line after it is not left pending for ever
        assert not [m for m in ani.store.messages.outbox() if m.session_id == session.id]
        assert [m.delivery for m in ani.desk.transcript(session.id) if m.text == "halo?"] in ([Delivery.UNSENT], [])
        # the intake was told: the client who writes again is asked afresh, not sent back to an empty room
        await until(lambda: intake.queue.get(client.room, {}).get("status") not in ("taken", None),
                    what="the intake's entry closed")
        await client.pull()
        before = len(client.received)
        await client.say("halo, aku mau cerita lagi")

        async def asked_afresh() -> bool:
            await client.pull(timeout_ms=200)
            return any("setuju" in str(e["content"].get("body")) for e in client.received[before:])
        await until(asked_afresh, what="a new intake's consent question")
    finally:
        await ani.stop()
        ani.store.close()
        await stop_intake(intake, task)
