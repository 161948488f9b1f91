"""Red team on the fixes (b1a64bd and the workstation's relay): what the new `said` and `client_hash` fields of a
queue entry let through.

- a line the client deleted before the claim comes back in the counselor's transcript, carried in `said`;
- `client_hash` is a plain SHA-256 of the client's Matrix id: every roster counselor's device opens the entry, and
  for a bridged client the id is a phone number, found again by trying numbers.
"""

from __future__ import annotations

import asyncio
import hashlib
import time

import pytest

from curhat_tui.intake import server_purge
from tests.integration.test_matrix import (
    PASSWORD,
    ScriptedClient,
    api_of,
    intake_service,
    roster,
    stop,
    stop_intake,
    taken,
    through_intake,
    until,
    workstation,
)
from tests.integration.test_matrix_redteam import walk
from tests.support.synapse import synapse_with_accounts

PHONE = "6281377001234"


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "budi", "klien1", "klien2", "klien3", f"whatsapp_{PHONE}"), PASSWORD,
                                     admins=("intake",))


async def test_a_line_the_client_deleted_while_waiting_never_reaches_the_counselor(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien1")
        # a room whose history new members cannot see: what the client writes while waiting is carried in the entry
        client.room = await client.api.create_room(
            preset="trusted_private_chat", is_direct=True, invite=[intake.api.user_id],
            initial_state=[{"type": "m.room.history_visibility", "state_key": "",
                            "content": {"history_visibility": "joined"}}])
        await walk(client, topic="takut pulang", risk="tidak")
        await client.wait_for("provinsi atau kota")
        await client.say("lewati")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        said = await client.api.send(client.room, "m.room.message", {"msgtype": "m.text",
                                                                    "body": "ALAMAT-7731 aku di jalan mawar 12"},
                                     f"c{time.time_ns()}")
        await until(lambda: "ALAMAT-7731" in str(intake.queue.get(client.room)), what="the line carried")
        # second thoughts: the client deletes it before anyone has taken them
        await client.api.request("PUT", f"/rooms/{client.room}/redact/{said}/r{time.time_ns()}", body={})
        await asyncio.sleep(3.0)
        session = await ani.desk.accept(client.room)
        await asyncio.sleep(5.0)  # the earlier words and the carried lines arrive beside the claim
        stored = [m.text for m in ani.store.messages.for_session(session.id)]
        assert not any("ALAMAT-7731" in text for text in stored), "a deleted line is in the counselor's store"
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_a_queue_entry_does_not_give_a_bridged_clients_phone_number_to_every_counselor(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    try:
        puppet = ScriptedClient(hs, f"whatsapp_{PHONE}")
        await through_intake(puppet, intake.api.user_id, "dari whatsapp")
        await until(lambda: (intake.queue.get(puppet.room) or {}).get("status") == "waiting", what="queued")
        entry = intake.queue[puppet.room]  # what every roster counselor's workstation opens (sealed for them alone)
        digest = str(entry.get("client_hash") or "")
        # what a curious colleague does with it: try numbers. Here only the last five digits (a tenth of a second);
        # all Indonesian mobile numbers, 62 8xx with 8 to 10 more digits, are about 1e11 tries: minutes on a GPU
        server = puppet.api.user_id.split(":", 1)[1]
        found = next((number for number in (f"{PHONE[:-5]}{n:05d}" for n in range(100_000))
                      if hashlib.sha256(f"@whatsapp_{number}:{server}".encode()).hexdigest() == digest), None)
        assert found is None, f"the entry gives away the client's phone number {found}"
    finally:
        await stop_intake(intake, task)


async def test_an_earlier_sessions_words_leave_the_server_when_its_retention_ends_even_if_the_client_came_back(
        hs, data, tmp_path, monkeypatch):
    from tests.integration.test_matrix_retention import words_in_synapse

    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        assert intake.purge is not None and intake.purge.admin
        client = ScriptedClient(hs, "klien2")  # one account per test: one account, one place in the queue
        await through_intake(client, intake.api.user_id, "sesi pertama")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        await client.say("RAHASIA-SESI-SATU-4410 soal skripsiku tadi")
        await until(lambda: any("RAHASIA-SESI-SATU" in m.text for m in ani.desk.transcript(session.id)),
                    what="the words")
        await ani.desk.end(session.id)
        await until(lambda: client.room in intake.purge.due, what="the room scheduled for the end of its retention")
        client.received.clear()
        await client.say("makasih kak")  # a last word after the end: a new intake begins, asking for consent
        await client.wait_for("YA")
        await asyncio.sleep(2.0)  # the client does not answer; they are fine now
        # the first session's 30 days run out
        real_now = server_purge.now_ms
        monkeypatch.setattr(server_purge, "now_ms", lambda: real_now() + 31 * 86_400_000)
        gone = False
        for _ in range(40):
            await asyncio.sleep(0.5)
            if words_in_synapse(hs, "RAHASIA-SESI-SATU-4410") == 0:
                gone = True
                break
        assert gone, f"the first session's words are still on the server (purge due: {client.room in intake.purge.due})"
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_a_counselor_taken_off_the_roster_while_the_intake_was_down_loses_their_client_to_the_queue(
        hs, data, tmp_path):
    """Budi has a client when the organisation takes him off the roster and restarts the intake (found by a red team
    in session 22: the entry stayed Budi's, Budi stayed in the client's room, and his end was then refused as not
    from the roster, so the client was left with an account that is no longer staff, in no one's queue). Now the
    client is back in the queue, told so, and Budi is out of their room: his workstation can no longer write there."""
    from curhat_tui.channels.matrix.api import MatrixAPI
    from curhat_tui.intake.service import IntakeService

    def intake_of(*counselors: str) -> IntakeService:  # staff rooms of this test's own (its own state file)
        api = MatrixAPI(hs.base_url, hs.accounts["intake"]["access_token"])
        api.user_id = hs.accounts["intake"]["user_id"]
        return IntakeService(api, data, state_file=tmp_path / "intake" / "intake.json", sync_timeout_ms=1000,
                             **roster(hs, counselors=counselors, supervisors=()))

    async def running(service: IntakeService) -> asyncio.Task:
        task = asyncio.create_task(service.run())
        await until(lambda: getattr(service, "sync", None) is not None and service.sync.state == "connected",
                    what="intake set-up")
        return task

    intake = intake_of("ani", "budi")
    task = await running(intake)
    budi = workstation(hs, "budi", "Budi", data, tmp_path)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await budi.start()
    try:
        client = ScriptedClient(hs, "klien3")
        await taken(budi, client, intake.api.user_id, "capek sama kerjaan")
        budi_id = hs.accounts["budi"]["user_id"]

        async def budi_is(*states: str) -> bool:
            return (await client.api.members(client.room)).get(budi_id) in states
        await until(lambda: budi_is("join"), what="Budi in the client's room")
        await stop_intake(intake, task)

        client.received.clear()
        intake = intake_of("ani")  # Budi is no longer staff
        task = await running(intake)
        await client.wait_for("kembali ke antrian", timeout=30)
        await until(lambda: budi_is("leave", "ban"), timeout=20, what="Budi out of the client's room")
        assert intake.queue[client.room]["status"] == "waiting"
        try:
            await api_of(hs, "budi").send(client.room, "m.room.message", {"msgtype": "m.text", "body": "masih di sini"},
                                          f"b{time.time_ns()}")
            wrote = True
        except Exception:  # noqa: BLE001 - the server refuses a non-member
            wrote = False
        assert not wrote, "an account taken off the roster could still write to the client"
        await ani.start()
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="in a staff counselor's queue")
    finally:
        await stop(budi, ani)
        await stop_intake(intake, task)
