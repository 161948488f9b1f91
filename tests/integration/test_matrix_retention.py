"""Deletion on the homeserver (issue 11): with zero transcript retention, a closed session's client room is
deleted through Synapse's admin API, and a client's deletion request does the same before its retention is
over. Afterwards no account can read the room's history and Synapse's own database no longer holds the
client's words."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.intake.service import IntakeService
from tests.integration.test_matrix import PASSWORD, ScriptedClient, roster, through_intake, until, workstation
from tests.support.synapse import synapse_with_accounts


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "klien1", "klien2"), PASSWORD, admins=("intake",))


async def start_intake(hs, data, tmp_path, policy: RetentionPolicy):
    api = MatrixAPI(hs.base_url, hs.accounts["intake"]["access_token"])
    api.user_id = hs.accounts["intake"]["user_id"]
    service = IntakeService(api, data, state_file=tmp_path / "intake" / "intake.json", sync_timeout_ms=1000,
                            retention=policy, **roster(hs, counselors=("ani",), supervisors=()))
    task = asyncio.create_task(service.run())
    await until(lambda: getattr(service, "sync", None) is not None and service.sync.state == "connected",
                what="intake set-up")
    return service, task


def words_in_synapse(hs, words: str) -> int:
    """How many rows anywhere in the homeserver's SQLite database (events, search index, caches...) still hold
    these words, read directly."""
    found = 0
    with sqlite3.connect(f"file:{hs.data_dir / 'homeserver.db'}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            for column in [r[1] for r in db.execute(f'pragma table_info("{table}")')]:
                found += db.execute(f'select count(*) from "{table}" where cast("{column}" as text) like ?',
                                    (f"%{words}%",)).fetchone()[0]
    return found


async def unreadable(api: MatrixAPI, room: str) -> bool:
    try:
        await api.messages(room, None, "b", 10)
    except MatrixError as exc:
        return exc.status in (403, 404)
    return False


async def chat_and_end(hs, ani, client: ScriptedClient, intake, secret: str):
    await through_intake(client, intake.api.user_id, "mau cerita")
    await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
    session = await ani.desk.accept(client.room)
    await client.say(f"sebenarnya {secret} kak")
    await until(lambda: any(secret in m.text for m in ani.desk.transcript(session.id)), what="the secret arrived")
    await ani.desk.send(session.id, "Terima kasih sudah cerita")
    await ani.desk.end(session.id)
    return session


async def test_zero_retention_deletes_the_client_room_on_the_server(hs, data, tmp_path):
    intake, task = await start_intake(hs, data, tmp_path, RetentionPolicy(zero_transcript=True))
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        assert intake.purge.admin  # the intake account is a Synapse admin here
        client = ScriptedClient(hs, "klien1")
        secret = "RAHASIA-SATU-7731"
        await chat_and_end(hs, ani, client, intake, secret)
        assert words_in_synapse(hs, secret) > 0  # it was there
        await until(lambda: client.room not in intake.purge.due and words_in_synapse(hs, secret) == 0, timeout=60,
                    what="the room deleted on the server")
        assert await unreadable(client.api, client.room) and await unreadable(ani.channel.api, client.room)
        audit = [json.loads(line) for line in (tmp_path / "intake" / "intake-audit.jsonl").read_text().splitlines()]
        assert audit[-1]["room"] == client.room and audit[-1]["how"] == "purged" and secret not in json.dumps(audit)

        async def entry_emptied() -> bool:  # written right after the deletion is complete (a request later)
            return await intake.api.get_state(intake.queue_room, "org.curhat.queue", client.room) in (None, {})
        await until(entry_emptied, timeout=10, what="the queue entry emptied")
    finally:
        await ani.stop()
        intake.stopped = True
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_clients_deletion_request_deletes_their_room_before_its_retention_is_over(hs, data, tmp_path):
    intake, task = await start_intake(hs, data, tmp_path, RetentionPolicy(transcript_days=30))
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien2")
        secret = "RAHASIA-DUA-5512"
        session = await chat_and_end(hs, ani, client, intake, secret)
        await until(lambda: client.room in intake.purge.due, what="scheduled for the end of retention")
        await asyncio.sleep(1.5)
        assert words_in_synapse(hs, secret) > 0  # kept for its 30 days
        ani.desk.close(session.id, skip_reason="uji")
        ref = ani.rights.find_client(session.alias)
        ani.rights.delete_client(ref)  # the client asked to be deleted
        await until(lambda: words_in_synapse(hs, secret) == 0, timeout=60, what="the room deleted on request")
        assert await unreadable(client.api, client.room)
    finally:
        await ani.stop()
        intake.stopped = True
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_without_admin_rights_the_intake_redacts_what_it_may_and_leaves(hs, data, tmp_path):
    intake, task = await start_intake(hs, data, tmp_path, RetentionPolicy(zero_transcript=True))
    intake.purge.admin = False  # as on a homeserver where the intake's account is no server admin
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien1")
        secret = "RAHASIA-TIGA-9040"
        await chat_and_end(hs, ani, client, intake, secret)
        await until(lambda: client.room not in intake.purge.due, timeout=60, what="the fallback done")

        async def both_left() -> bool:  # the counselor leaves beside the loop, the intake after its redactions
            members = await client.api.members(client.room)
            return members.get(intake.api.user_id) == "leave" and members.get(ani.channel.api.user_id) == "leave"
        await until(both_left, timeout=30, what="the intake and the counselor gone from the room")
        page = await client.api.messages(client.room, None, "b", 100)
        said = [e for e in page["chunk"] if e.get("sender") == client.api.user_id and e["type"] == "m.room.message"]
        assert said and all(not e.get("content") for e in said)  # redacted: the words are gone from every reader
    finally:
        await ani.stop()
        intake.stopped = True
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
