"""Who the client is in a client room, on a real Synapse: the account the intake took as the client (named in the
queue entry by `client_hash`), and no one else who gets into the room later."""

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
    stop_intake,
    through_intake,
    until,
    workstation,
)
from tests.support.synapse import synapse_with_accounts


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "budi", "mallory", "klien1"), PASSWORD, admins=("intake",))


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
