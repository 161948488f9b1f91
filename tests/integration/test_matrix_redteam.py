"""Red team, round two: attacks and losses on a real Synapse that tests/integration/test_matrix_attacks.py does not
cover. Each test is the attacker's (or the unlucky client's) script and asserts what should hold; the ones the code
does not yet withstand are marked xfail(strict=True) with the finding in one line, so the suite stays green until
the fix lands and then fails loudly (XPASS) so the mark is taken off.

- a client who comes back in the same direct chat loses the new session when the first one's retention runs out;
- what a client writes between two intake questions (not the newest line) never reaches anyone;
- in a client room anyone can join, a stranger speaks as the client and reads the counselor;
- a counselor on the roster deletes a colleague's live client room with `org.curhat.forget`;
- one ordinary account fills the queue with as many "clients" as it opens rooms.
"""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import FORGET, QUEUE_ENTRY
from curhat_tui.domain.models import SessionStatus
from curhat_tui.intake import server_purge
from tests.integration.test_matrix import (
    PASSWORD,
    ScriptedClient,
    api_of,
    client_words,
    eventually,
    in_session,
    intake_service,
    stop,
    stop_intake,
    through_intake,
    until,
    workstation,
)
from tests.support.synapse import synapse_with_accounts

DAY_MS = 86_400_000
PHONE = "6281298765432"


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "budi", "mallory", "klien1", "klien2", "klien3", "klien4",
                                      "klien5", "klien6", "klien7", "klien8", f"whatsapp_{PHONE}"), PASSWORD, admins=("intake",))


async def readable(api: MatrixAPI, room: str) -> bool:
    try:
        await api.messages(room, None, "b", 10)
    except MatrixError:
        return False
    return True


async def walk(client: ScriptedClient, *, topic: str, risk: str, before: tuple[str, ...] = ()) -> None:
    """The intake's questions answered in a room already open (`before`: lines written at the package question)."""
    await client.wait_for("YA")
    await client.say("ya")
    await client.wait_for("1 =")
    for line in before:
        await client.say(line)
        await client.wait_for("Balas dengan angka")  # the intake asks for the package again
    await client.say("1")
    await client.wait_for("satu kalimat")
    await client.say(topic)
    await client.wait_for("2 minggu terakhir")
    await client.say(risk)
    await client.wait_for("antrian")


async def test_a_returning_clients_new_session_outlives_the_first_sessions_retention(hs, data, tmp_path, monkeypatch):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    budi = workstation(hs, "budi", "Budi", data, tmp_path)
    await ani.start()
    await budi.start()
    try:
        assert intake.purge is not None and intake.purge.admin  # deletes rooms with Synapse's admin API
        client = ScriptedClient(hs, "klien1")
        await through_intake(client, intake.api.user_id, "pertama kali cerita")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        first = await ani.desk.accept(client.room)
        await client.say("makasih kak")
        await until(lambda: "makasih kak" in client_words(ani, first.id), what="the first session's words")
        await ani.desk.end(first.id)
        await until(lambda: client.room in intake.purge.due, what="the room scheduled for the end of its retention")

        # within the retention the client writes again in the same direct chat (Element reuses a DM with the same
        # account): a new intake, a new session, with Budi this time
        client.received.clear()
        await client.say("kak, aku mau cerita lagi")
        await walk(client, topic="balik lagi", risk="tidak")
        await until(lambda: any(v.id == client.room for v in budi.desk.queue()), what="queued again")
        second = await budi.desk.accept(client.room)
        await client.say("yang kedua ini lebih berat kak")
        await until(lambda: "yang kedua ini lebih berat kak" in client_words(budi, second.id), what="second session")

        # the first session's 30 days run out while the second one is going on
        real_now = server_purge.now_ms
        monkeypatch.setattr(server_purge, "now_ms", lambda: real_now() + 31 * DAY_MS)
        await client.say("kak masih di sana?")  # a batch: the intake's after-batch purge runs
        await eventually(lambda: client.room not in intake.purge.due
                         or budi.store.sessions.get(second.id).status is not SessionStatus.ACTIVE, 20)
        await asyncio.sleep(2.0)
        assert budi.store.sessions.get(second.id).status is SessionStatus.ACTIVE, "the live session was ended"
        assert await readable(client.api, client.room), "the client's room was deleted under the live session"
        assert (intake.queue.get(client.room) or {}).get("taken_by") == budi.channel.api.user_id
    finally:
        await stop(ani, budi)
        await stop_intake(intake, task)


DISTRESS = "kak aku barusan minum obat banyak, sekarang pusing"


async def test_what_a_client_writes_between_intake_questions_reaches_the_counselor(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien2")
        await client.open(intake.api.user_id)
        # consent given; asked for a package, the client says what is happening right now instead
        await walk(client, topic="lagi capek", risk="tidak", before=(DISTRESS,))
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        visit = next(v for v in ani.desk.queue() if v.id == client.room)
        session = await ani.desk.accept(client.room)
        arrived = await eventually(lambda: any(DISTRESS in text for text in client_words(ani, session.id)), 8)
        summarised = DISTRESS in visit.topic or DISTRESS in visit.intake_risk_answer
        assert arrived or summarised, f"the line is lost; the queue showed risk {int(visit.risk)}"
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_a_stranger_in_a_client_room_anyone_can_join_neither_speaks_as_the_client_nor_reads_the_counselor(
        hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    mallory = api_of(hs, "mallory")
    try:
        client = ScriptedClient(hs, "klien3")
        # the client's app made a room anyone on the homeserver may join (a public room, or one in the directory)
        client.room = await client.api.create_room(preset="public_chat", invite=[intake.api.user_id])
        first = await client.wait_for("siapa saja")  # refused: told why and how to reach us privately, never asked
        assert "112" in first["content"]["body"] and "Anyone can join" in first["content"]["body"]

        async def intake_left() -> bool:
            member = await client.api.get_state(client.room, "m.room.member", intake.api.user_id)
            return (member or {}).get("membership") == "leave"
        await until(intake_left, what="the intake gone from the room")
        assert client.room not in intake.clients and client.room not in intake.queue  # nothing of it kept
        queued = await eventually(lambda: any(v.id == client.room for v in ani.desk.queue()), 3)
        assert not queued
        if queued:  # (an intake that refuses such a room, and says so to the client, passes here)
            session = await ani.desk.accept(client.room)
            await ani.desk.send(session.id, "Halo, ini Ani. RAHASIA-KONSELOR-3391")
            await client.wait_for("RAHASIA-KONSELOR-3391")
            try:
                await mallory.join(client.room)
                joined = True
            except MatrixError:
                joined = False
            if joined:
                await mallory.send(client.room, "m.room.message", {"msgtype": "m.text",
                                                                   "body": "MALLORY-9044 aku mau kabur malam ini"},
                                   f"m{time.time_ns()}")
            spoke = await eventually(lambda: any("MALLORY-9044" in t for t in client_words(ani, session.id)), 6)
            assert not spoke, "a stranger's words are in the transcript as the client's"
            read = joined and await readable(mallory, client.room) and "RAHASIA-KONSELOR-3391" in repr(
                await mallory.messages(client.room, None, "b", 50))
            assert not read, "a stranger reads what the counselor wrote to the client"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


async def test_a_colleague_cannot_delete_a_live_client_room_with_a_forget_request(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    budi = api_of(hs, "budi")
    try:
        client = ScriptedClient(hs, "klien4")
        await through_intake(client, intake.api.user_id, "butuh teman ngobrol")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        await client.say("kak aku takut")
        await until(lambda: "kak aku takut" in client_words(ani, session.id), what="the client's words")

        # Budi is on the roster but this is not his client: a "deletion request" for the room
        await budi.join(intake.queue_room)
        await budi.send(intake.queue_room, FORGET, {"room_id": client.room}, f"b{time.time_ns()}")
        await eventually(lambda: (intake.queue.get(client.room) or {}).get("status") != "taken", 10)
        await asyncio.sleep(1.0)
        assert (intake.queue.get(client.room) or {}).get("taken_by") == ani.channel.api.user_id
        assert ani.store.sessions.get(session.id).status is SessionStatus.ACTIVE
        assert await readable(client.api, client.room), "the client's room was deleted"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await budi.close()


async def test_after_the_client_left_only_who_served_them_may_have_their_room_deleted_early(hs, data, tmp_path,
                                                                                            caplog):
    """Found by red team 5 without a test: once the client had left their room the intake forgot who served them,
    and any roster counselor's deletion request for it was obeyed before the room's retention ran out."""
    caplog.set_level(logging.WARNING, logger="curhat.intake")
    intake, task, ani, _, client, session = await in_session(hs, data, tmp_path, "klien8", "sudah lega")
    budi, ani_api = api_of(hs, "budi"), api_of(hs, "ani")
    try:
        await ani.desk.end(session.id)
        assert intake.purge is not None
        await until(lambda: client.room in intake.purge.due, what="the room scheduled for the end of its retention")
        due = intake.purge.due[client.room]
        await client.api.leave(client.room)
        await until(lambda: client.room not in intake.clients, what="the intake saw the client leave")

        await budi.join(intake.queue_room)  # on the roster, never the client's counselor
        await budi.send(intake.queue_room, FORGET, {"room_id": client.room}, f"b{time.time_ns()}")
        await until(lambda: "deletion request" in caplog.text, what="Budi's request read and dropped")
        assert intake.purge.due.get(client.room) == due, "a colleague had a client's room deleted early"
        assert await readable(intake.api, client.room)

        # the counselor who served them asks, on the client's word: the room goes now
        await ani_api.send(intake.queue_room, FORGET, {"room_id": client.room}, f"a{time.time_ns()}")
        await until(lambda: client.room not in intake.purge.due, what="the served counselor's request obeyed")
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await budi.close()
        await ani_api.close()


async def test_one_account_is_one_client_in_the_queue_however_many_rooms_it_opens(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        fakes = [ScriptedClient(hs, "mallory") for _ in range(3)]

        async def one(fake: ScriptedClient, n: int) -> None:
            await fake.open(intake.api.user_id)
            await walk(fake, topic=f"tolong {n}", risk="iya sering")  # "yes, often": urgent, first in line

        await asyncio.gather(*(one(fake, n) for n, fake in enumerate(fakes)))
        honest = ScriptedClient(hs, "klien5")
        await through_intake(honest, intake.api.user_id, "aku butuh bantuan")
        await until(lambda: any(v.id == honest.room for v in ani.desk.queue()), what="the honest client queued")
        await asyncio.sleep(1.0)
        hers = [v for v in ani.desk.queue() if v.id in {f.room for f in fakes}]
        ahead = [v.id for v in ani.desk.queue()].index(honest.room)
        assert len(hers) <= 1, f"one account is {len(hers)} clients; the real one is number {ahead + 1} in line"
        for fake in [f for f in fakes if f.room not in {v.id for v in hers}]:  # the others are told where to go on
            assert any("percakapan dengan kami yang masih berjalan" in str(e["content"].get("body"))
                       for e in fake.received)
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_what_a_client_writes_while_queued_reaches_the_counselor_whatever_the_rooms_history_setting(
        hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien6")
        # a client app that shows new members only what is said after they join (a legal, common room setting)
        client.room = await client.api.create_room(
            preset="trusted_private_chat", is_direct=True, invite=[intake.api.user_id],
            initial_state=[{"type": "m.room.history_visibility", "state_key": "",
                            "content": {"history_visibility": "joined"}}])
        await walk(client, topic="sendirian terus", risk="tidak")
        await client.wait_for("provinsi atau kota")
        await client.say("kak aku sendirian di kos, takut banget malam ini")  # written while waiting in the queue
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        arrived = await eventually(lambda: any("takut banget malam ini" in t for t in client_words(ani, session.id)), 8)
        assert arrived, "what the client wrote while waiting is lost to the counselor"
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_one_failed_write_of_a_queue_entry_loses_no_client(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    real_put = intake.api.put_state
    failed: list[str] = []

    async def put_once_failing(room_id, event_type, content, state_key=""):
        # the homeserver refuses one write (a 429 still there after the client's retries, a proxy's 502): the
        # intake's own sends are rate-limited per account, and a flood of clients makes it send a lot
        if event_type == QUEUE_ENTRY and not failed:
            failed.append(state_key)
            raise MatrixError(429, "M_LIMIT_EXCEEDED", "Too Many Requests")
        return await real_put(room_id, event_type, content, state_key)

    intake.api.put_state = put_once_failing
    try:
        client = ScriptedClient(hs, "klien3")
        await client.open(intake.api.user_id)
        for prompt, answer in (("YA", "ya"), ("1 =", "1"), ("satu kalimat", "aku butuh bantuan"),
                               ("2 minggu terakhir", "tidak")):
            await client.wait_for(prompt)
            await client.say(answer)
        await until(lambda: failed, what="the write that puts the client in the queue")
        assert failed == [client.room]
        await client.say("kak, ada orang?")  # the client waits and writes; the intake's loop goes on
        queued = await eventually(lambda: any(v.id == client.room for v in ani.desk.queue()), 20)
        assert queued, f"the intake says {intake.queue[client.room]['status']!r}, no counselor ever sees the client"
    finally:
        intake.api.put_state = real_put
        await stop(ani)
        await stop_intake(intake, task)


async def test_a_bridged_clients_reply_does_not_put_their_phone_number_on_the_counselors_screen(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        puppet = ScriptedClient(hs, f"whatsapp_{PHONE}")
        await through_intake(puppet, intake.api.user_id, "dari whatsapp")
        await until(lambda: any(v.id == puppet.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(puppet.room)
        first = await puppet.api.send(puppet.room, "m.room.message", {"msgtype": "m.text", "body": "aku capek"},
                                      f"p{time.time_ns()}")
        # swipe-to-reply on their own line: the app (or the bridge) quotes it with the sender's id, as the spec's reply
        # fallback has it
        sender = puppet.api.user_id
        await puppet.api.send(puppet.room, "m.room.message", {
            "msgtype": "m.text", "body": f"> <{sender}> aku capek\n\nmaksudku capek banget sama semuanya",
            "format": "org.matrix.custom.html",
            "formatted_body": f'<mx-reply><blockquote><a href="https://matrix.to/#/{sender}">{sender}</a><br>'
                              "aku capek</blockquote></mx-reply>maksudku capek banget sama semuanya",
            "m.relates_to": {"m.in_reply_to": {"event_id": first}}}, f"p{time.time_ns()}")
        await until(lambda: any("capek banget sama semuanya" in t for t in client_words(ani, session.id)),
                    what="the reply at the counselor's")
        shown = "\n".join(m.text for m in ani.desk.transcript(session.id))
        assert PHONE not in shown, "the client's phone number is in the transcript (and in what is submitted)"
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def drained(attacker: MatrixAPI, account: dict, other_than: str = "") -> tuple[dict, int]:
    """An attacker claims a device's one-time keys, ten claims at a time, until the server hands out the device's
    fallback key (one other than `other_than`); a claim that finds the device without any key fails at once.
    Returns that key object and how many one-time keys were taken."""
    user, device = account["user_id"], account["device_id"]
    wanted = {"one_time_keys": {user: {device: "signed_curve25519"}}}
    taken = 0

    async def fallback_handed_out() -> dict | None:
        nonlocal taken
        found = None
        for got in await asyncio.gather(*(attacker.request("POST", "/keys/claim", body=wanted) for _ in range(10))):
            keys = got.get("one_time_keys", {}).get(user, {}).get(device, {})
            assert keys, f"a claim found {user}'s device without any key after {taken} were taken"
            ((key_id, key),) = keys.items()
            assert key_id.startswith("signed_curve25519:")
            if not key.get("fallback"):
                taken += 1
            elif key["key"] != other_than:
                found = key
        return found

    key = await until(fallback_handed_out, timeout=60, what=f"{user}'s device drained down to its fallback key")
    return key, taken


async def signed_by_the_device(api: MatrixAPI, account: dict, key: dict) -> bool:
    """Whether `key` carries a valid signature of the device's Ed25519 key, as the server lists the device."""
    import vodozemac
    from nio import Api

    user, device = account["user_id"], account["device_id"]
    listed = await api.request("POST", "/keys/query", body={"device_keys": {user: [device]}})
    ed25519 = listed["device_keys"][user][device]["keys"][f"ed25519:{device}"]
    signature = key["signatures"][user][f"ed25519:{device}"]
    body = {k: v for k, v in key.items() if k not in ("signatures", "unsigned")}
    try:
        vodozemac.Ed25519PublicKey.from_base64(ed25519).verify_signature(
            Api.to_canonical_json(body).encode(), vodozemac.Ed25519Signature.from_base64(signature))
    except vodozemac.SignatureException:
        return False
    return True


async def test_a_stranger_cannot_drain_the_one_time_keys_of_the_intake_or_a_counselor(hs, data, tmp_path):
    """Mallory claims every one-time key of the intake's device and of Ani's: the server then hands out each
    device's fallback key (signed by the device), never nothing. An encrypting client whose Olm session with Ani must
    be made right then (Ani's workstation closed, her one-time keys gone) makes it with the fallback key; its room key
    reaches her device and she reads the client's line in clear once she is back. Her device then publishes a new
    fallback key, since the server said the old one was used."""
    nio = pytest.importorskip("nio")
    from curhat_tui.channels.matrix.crypto import Crypto
    from curhat_tui.intake.service import IntakeService
    from tests.integration.test_matrix import roster
    from tests.integration.test_matrix_e2ee import EncryptedClient

    def crypto_for(name: str) -> Crypto:
        account = hs.accounts[name]
        return Crypto(hs.base_url, account["user_id"], account["device_id"], account["access_token"],
                      tmp_path / f"{name}-olm", f"kunci-uji-{name}")

    intake = IntakeService(api_of(hs, "intake"), data, state_file=tmp_path / "intake" / "intake.json",
                           sync_timeout_ms=1000, crypto=crypto_for("intake"), **roster(hs))
    task = asyncio.create_task(intake.run())
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    ani.channel.sync.crypto = crypto_for("ani")
    mallory = api_of(hs, "mallory")
    client = EncryptedClient(hs, "klien7", tmp_path / "klien7")
    running = ani  # the workstation to stop at the end, if any
    try:
        await until(lambda: getattr(intake, "sync", None) is not None and intake.sync.state == "connected"
                    and intake.crypto.published, what="the intake's keys published")
        await ani.start()
        await until(lambda: ani.channel.sync.crypto.published, what="Ani's keys published")

        # the intake, running and topping up its one-time keys, drained: every claim still gets a signed key
        key, taken = await drained(mallory, hs.accounts["intake"])
        assert taken > 0
        assert await signed_by_the_device(mallory, hs.accounts["intake"], key)

        # an encrypting client comes through the intake and Ani takes them
        await client.open(intake.api.user_id)
        await client.wait_for("YA")
        for prompt, answer in (("1 =", "ya"), ("satu kalimat", "1"), ("2 minggu terakhir", "lagi banyak pikiran"),
                               ("antrian", "tidak")):
            await client.say(answer)
            await client.wait_for(prompt)
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="the client in Ani's queue")
        session = await ani.desk.accept(client.room)
        ani_user, ani_device = hs.accounts["ani"]["user_id"], hs.accounts["ani"]["device_id"]

        async def ani_known_to_the_client() -> bool:
            await client.pump(0)
            room = client.client.rooms.get(client.room)
            return (room is not None and ani_user in room.users
                    and ani_device in {d.device_id for d in client.client.device_store.active_user_devices(ani_user)})

        await until(ani_known_to_the_client, what="Ani and her device known to the client")

        # Ani's workstation is closed; Mallory takes every one-time key her device has left
        await stop(ani)
        running = None
        key, _ = await drained(mallory, hs.accounts["ani"])
        assert await signed_by_the_device(mallory, hs.accounts["ani"], key)

        # the client must begin its Olm session with Ani's device now: the server gives it the fallback key
        missing = client.client.get_missing_sessions(client.room)
        assert ani_device in missing.get(ani_user, [])
        claimed = await client.client.keys_claim({ani_user: [ani_device]})
        assert isinstance(claimed, nio.KeysClaimResponse), claimed
        ((_, given),) = claimed.one_time_keys[ani_user][ani_device].items()
        assert given["fallback"] is True and given["key"] == key["key"]
        # a new room key (as an app starts one every 100 messages or after a member leaves): only the client has it,
        # not the intake, which forwarded Ani the older ones when it gave her the client
        client.client.invalidate_outbound_session(client.room)
        line = "kak aku mau cerita, KUNCI-CADANGAN-5521"
        await client.say(line)

        # Ani comes back: her device opens the pre-key message made with its fallback key and she reads the line
        relaunched = workstation(hs, "ani", "Ani", data, tmp_path)
        relaunched.channel.sync.crypto = crypto_for("ani")
        running = relaunched
        await relaunched.start()
        await until(lambda: line in client_words(relaunched, session.id), timeout=30,
                    what="the client's line read in clear at Ani's after the drain")
        client_curve = client.client.olm.account.identity_keys["curve25519"]
        assert relaunched.channel.sync.crypto.client.olm.session_store[client_curve], "no Olm session from the client"

        # the server told her device its fallback key was used: a new one is published, signed too
        fresh, _ = await drained(mallory, hs.accounts["ani"], other_than=key["key"])
        assert await signed_by_the_device(mallory, hs.accounts["ani"], fresh)
    finally:
        await mallory.close()
        await client.close()
        if running is not None:
            await stop(running)
        await stop_intake(intake, task)
        await intake.crypto.close()
