"""Red team, round four: room upgrades followed (53dc716 and the work after it), a deleted client's earlier queue
entries redacted (3262fc7) and the Olm fallback key (8c3f8a9), attacked as an ordinary account on the homeserver
and as a malicious client.

A test marked xfail(strict=True) shows a defect that is still there; an unmarked one shows a defence that holds.
"""

from __future__ import annotations

import time

import pytest

from curhat_tui.channels.matrix.api import MatrixError
from tests.integration.test_matrix import (
    PASSWORD,
    ScriptedClient,
    api_of,
    client_words,
    eventually,
    in_session,
    intake_service,
    reads,
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
    clients = tuple(f"r4{letter}" for letter in "abcdefghijklmnopqr")
    yield from synapse_with_accounts(("intake", "ani", "budi", "mallory", *clients), PASSWORD, admins=("intake",))


async def test_a_tombstone_naming_the_queue_room_does_not_take_the_counselor_out_of_the_queue(hs, data, tmp_path):
    intake, task, ani, heard, client, session = await in_session(hs, data, tmp_path, "r4a", "kerjaan")
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
    intake, task, ani, heard, victim, kept = await in_session(hs, data, tmp_path, "r4c", "keluarga")
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


async def _moved(client: ScriptedClient, intake, ani, session_id: str) -> str:
    """The client's room upgraded, the intake and the counselor invited by the client's app, and the counselor's
    workstation followed: the new room's id (now the client's room)."""
    new = await _upgrade(client)
    for member in (intake.api.user_id, ani.channel.api.user_id):
        await client.api.invite(new, member)
    client.room = new
    await until(lambda: ani.store.sessions.channel_state(session_id)["room_id"] == new, what="the move followed")
    return new


async def test_a_stranger_invited_before_the_move_and_joining_after_it_does_not_read_the_counselor(
        hs, data, tmp_path):
    intake, task, ani, heard, client, session = await in_session(hs, data, tmp_path, "r4e", "pacar")
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
        assert not await reads(mallory, new, "RAHASIA-7720")
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
    intake, task, ani, heard, client, session = await in_session(hs, data, tmp_path, "r4f", "utang")
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
        assert not await reads(mallory, new, "DUNIA-6610"), "a stranger who never joined reads the counselor"
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
        assert not await reads(mallory, client.room, "TERBUKA-3390"), "a stranger who never joined reads the session"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


async def test_a_room_made_world_readable_mid_session_does_not_let_a_stranger_read_the_counselor(hs, data, tmp_path):
    intake, task, ani, heard, client, session = await in_session(hs, data, tmp_path, "r4i", "rumah")
    mallory = api_of(hs, "mallory")
    try:
        # the room passed the intake's checks; now the client (or whoever holds their phone) opens its history
        await client.api.put_state(client.room, "m.room.history_visibility", {"history_visibility": "world_readable"})
        await ani.desk.send(session.id, "SEMUA-8812 kapan terakhir dia datang?")

        async def gone_or_held() -> bool:
            await ani.desk.outbox.flush()
            await client.pull(timeout_ms=200)
            return any("SEMUA-8812" in str(e["content"].get("body")) for e in client.received) or any(
                getattr(e, "key", "") in ("notice.send_held", "notice.send_public") for e in heard)
        await until(gone_or_held, what="the line sent or held")
        assert client.room not in await mallory.joined_rooms()
        assert not await reads(mallory, client.room, "SEMUA-8812"), "a stranger who never joined reads the counselor"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


@pytest.mark.parametrize("claiming", [
    True,
    False,  # the same noise, nobody claiming the new keys: the line is read (the replacing loses it)
], ids=["claiming", "control"])
async def test_a_fallback_key_replaced_again_and_again_still_opens_a_clients_pre_key_message(hs, data, tmp_path,
                                                                                              claiming):
    """Budi's workstation is closed; Mallory drains his device's one-time keys, so a client who must begin an Olm
    session with it gets its fallback key. Mallory then queues hundreds of to-device messages for the device (100
    reach it per sync), so the client's pre-key message comes several syncs after Budi is back, and between those
    syncs claims each fresh fallback key the device publishes, so that it replaces its key at every sync (vodozemac
    keeps the one before only). The client's line must still be read."""
    import asyncio

    nio = pytest.importorskip("nio")
    from curhat_tui.channels.matrix.crypto import Crypto
    from curhat_tui.intake.service import IntakeService
    from tests.integration.test_matrix import roster
    from tests.integration.test_matrix_e2ee import EncryptedClient
    from tests.integration.test_matrix_redteam import drained

    def crypto_for(name: str) -> Crypto:  # one Olm store per device for the module: its keys stay the server's
        account = hs.accounts[name]
        return Crypto(hs.base_url, account["user_id"], account["device_id"], account["access_token"],
                      hs.data_dir / f"olm-{name}", f"kunci-uji-{name}")

    intake = IntakeService(api_of(hs, "intake"), data, state_file=tmp_path / "intake" / "intake.json",
                           sync_timeout_ms=1000, crypto=crypto_for("intake"), **roster(hs))
    task = asyncio.create_task(intake.run())
    budi = workstation(hs, "budi", "Budi", data, tmp_path)
    budi.channel.sync.crypto = crypto_for("budi")
    mallory = api_of(hs, "mallory")
    name = "r4j" if claiming else "r4m"
    client = EncryptedClient(hs, name, tmp_path / name)
    running, claimer = budi, None
    account = hs.accounts["budi"]
    user, device = account["user_id"], account["device_id"]
    try:
        await until(lambda: getattr(intake, "sync", None) is not None and intake.sync.state == "connected"
                    and intake.crypto.published, what="the intake's keys published")
        await budi.start()
        await until(lambda: budi.channel.sync.crypto.published, what="Budi's keys published")
        await client.open(intake.api.user_id)
        await client.wait_for("YA")
        for prompt, answer in (("1 =", "ya"), ("satu kalimat", "1"), ("2 minggu terakhir", "lagi banyak pikiran"),
                               ("antrian", "tidak")):
            await client.say(answer)
            await client.wait_for(prompt)
        await until(lambda: any(v.id == client.room for v in budi.desk.queue()), what="the client in Budi's queue")
        session = await budi.desk.accept(client.room)

        async def budi_known_to_the_client() -> bool:
            await client.pump(0)
            room = client.client.rooms.get(client.room)
            return (room is not None and user in room.users
                    and device in {d.device_id for d in client.client.device_store.active_user_devices(user)})
        await until(budi_known_to_the_client, what="Budi and his device known to the client")

        await stop(budi)
        running = None
        first, _ = await drained(mallory, account)
        # hundreds of to-device messages wait for Budi's device before the client's key does
        for start in range(0, 600, 50):
            await asyncio.gather(*(mallory.request("PUT", f"/sendToDevice/m.curhat.noise/n{time.time_ns()}-{i}",
                                                   body={"messages": {user: {device: {"n": i}}}})
                                   for i in range(start, start + 50)))
        claimed = await client.client.keys_claim({user: [device]})
        assert isinstance(claimed, nio.KeysClaimResponse), claimed
        ((_, given),) = claimed.one_time_keys[user][device].items()
        assert given["fallback"] is True and given["key"] == first["key"]
        client.client.invalidate_outbound_session(client.room)
        line = "kak aku mau cerita, KUNCI-GANTI-6631"
        await client.say(line)

        replaced: list[str] = []

        async def keep_claiming() -> None:  # every fresh fallback key Budi's device publishes is claimed at once
            last = first["key"]
            while True:
                key, _ = await drained(mallory, account, other_than=last)
                last = key["key"]
                replaced.append(last)

        if claiming:
            claimer = asyncio.create_task(keep_claiming())
        relaunched = workstation(hs, "budi", "Budi", data, tmp_path)
        relaunched.channel.sync.crypto = crypto_for("budi")
        running = relaunched
        await relaunched.start()
        read = await eventually(lambda: line in client_words(relaunched, session.id), 45)
        # the defence: however often its new key is claimed, the device replaces a used one at most once an hour
        assert len(replaced) <= 1, f"the device replaced its key {len(replaced)} times under the claims"
        assert read, f"the client's line is never read after the device replaced its fallback key {len(replaced)} times"
    finally:
        if claimer is not None:
            claimer.cancel()
            await asyncio.gather(claimer, return_exceptions=True)
        await mallory.close()
        await client.close()
        if running is not None:
            await stop(running)
        await stop_intake(intake, task)
        await intake.crypto.close()


def _poisoned_pre_key(device_curve: str) -> dict:
    """An Olm pre-key message to a device, made by an account of nobody's, naming a one-time key the device never
    had: vodozemac cannot make a session of it (SessionCreationException)."""
    import vodozemac
    from unpaddedbase64 import encode_base64

    stranger = vodozemac.Account()
    session = stranger.create_outbound_session(vodozemac.Curve25519PublicKey.from_base64(device_curve),
                                               vodozemac.Curve25519SecretKey().public_key())
    kind, body = session.encrypt(b'{"type": "m.dummy", "content": {}}').to_parts()
    return {"algorithm": "m.olm.v1.curve25519-aes-sha2", "sender_key": stranger.curve25519_key.to_base64(),
            "ciphertext": {device_curve: {"type": kind, "body": encode_base64(body)}}}


@pytest.mark.parametrize("forged", [
    True,
    False,  # the same without Mallory's message: the line is read (the attack, not the set-up, loses it)
], ids=["forged", "control"])
async def test_a_forged_pre_key_message_does_not_cost_a_client_their_room_key(hs, data, tmp_path, forged):
    import asyncio

    pytest.importorskip("nio")
    from curhat_tui.channels.matrix.crypto import Crypto
    from curhat_tui.intake.service import IntakeService
    from tests.integration.test_matrix import roster
    from tests.integration.test_matrix_e2ee import EncryptedClient

    def crypto_for(name: str) -> Crypto:  # one Olm store per device for the module: its keys stay the server's
        account = hs.accounts[name]
        return Crypto(hs.base_url, account["user_id"], account["device_id"], account["access_token"],
                      hs.data_dir / f"olm-{name}", f"kunci-uji-{name}")

    intake = IntakeService(api_of(hs, "intake"), data, state_file=tmp_path / "intake" / "intake.json",
                           sync_timeout_ms=1000, crypto=crypto_for("intake"), **roster(hs))
    task = asyncio.create_task(intake.run())
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    ani.channel.sync.crypto = crypto_for("ani")
    mallory = api_of(hs, "mallory")
    name = "r4k" if forged else "r4l"
    client = EncryptedClient(hs, name, tmp_path / name)
    running = ani
    account = hs.accounts["ani"]
    user, device = account["user_id"], account["device_id"]
    try:
        await until(lambda: getattr(intake, "sync", None) is not None and intake.sync.state == "connected"
                    and intake.crypto.published, what="the intake's keys published")
        await ani.start()
        await until(lambda: ani.channel.sync.crypto.published, what="Ani's keys published")
        await client.open(intake.api.user_id)
        await client.wait_for("YA")
        for prompt, answer in (("1 =", "ya"), ("satu kalimat", "1"), ("2 minggu terakhir", "sendirian terus"),
                               ("antrian", "tidak")):
            await client.say(answer)
            await client.wait_for(prompt)
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="the client in Ani's queue")
        session = await ani.desk.accept(client.room)

        async def ani_known_to_the_client() -> bool:
            await client.pump(0)
            room = client.client.rooms.get(client.room)
            return (room is not None and user in room.users
                    and device in {d.device_id for d in client.client.device_store.active_user_devices(user)})
        await until(ani_known_to_the_client, what="Ani and her device known to the client")

        await stop(ani)  # closed for a moment; what is sent to her device waits on the server, in order
        running = None
        listed = await mallory.request("POST", "/keys/query", body={"device_keys": {user: [device]}})
        curve = listed["device_keys"][user][device]["keys"][f"curve25519:{device}"]
        if forged:
            await mallory.request("PUT", f"/sendToDevice/m.room.encrypted/poison{time.time_ns()}",
                                  body={"messages": {user: {device: _poisoned_pre_key(curve)}}})
        line = "kak aku mau cerita, RACUN-2208"
        await client.say(line)  # its room key goes to Ani's device after Mallory's message

        relaunched = workstation(hs, "ani", "Ani", data, tmp_path)
        relaunched.channel.sync.crypto = crypto_for("ani")
        running = relaunched
        await relaunched.start()
        assert await eventually(lambda: line in client_words(relaunched, session.id), 30), \
            "the client's line is never read after a stranger's forged pre-key message"
    finally:
        await mallory.close()
        await client.close()
        if running is not None:
            await stop(running)
        await stop_intake(intake, task)
        await intake.crypto.close()


async def test_a_returning_clients_moved_room_outlives_the_first_sessions_retention(hs, data, tmp_path, monkeypatch):
    from curhat_tui.domain.models import SessionStatus
    from curhat_tui.intake import server_purge
    from tests.integration.test_matrix_redteam import walk

    intake, task, ani, heard, client, first = await in_session(hs, data, tmp_path, "r4n", "keluarga")
    budi = workstation(hs, "budi", "Budi", data, tmp_path)
    await budi.start()
    try:
        assert intake.purge is not None and intake.purge.admin  # deletes rooms with Synapse's admin API
        old = client.room
        new = await _moved(client, intake, ani, first.id)
        await client.say("makasih kak")
        await until(lambda: "makasih kak" in client_words(ani, first.id), what="heard in the new room")
        await ani.desk.end(first.id)
        await until(lambda: old in intake.purge.due and new in intake.purge.due, what="both rooms scheduled")

        # within the retention the client writes again where they are now: a new intake, a new session with Budi
        client.received.clear()
        await client.say("kak, aku mau cerita lagi")
        await walk(client, topic="balik lagi", risk="tidak")
        await until(lambda: any(v.id == old for v in budi.desk.queue()), what="queued again (the first room's entry)")
        second = await budi.desk.accept(old)
        await client.say("yang kedua ini lebih berat kak")
        await until(lambda: "yang kedua ini lebih berat kak" in client_words(budi, second.id), what="second session")

        # the first session's 30 days run out while the second one is going on
        real_now = server_purge.now_ms
        monkeypatch.setattr(server_purge, "now_ms", lambda: real_now() + 31 * 86_400_000)
        await client.say("kak masih di sana?")  # a batch: the intake's after-batch purge runs
        await until(lambda: new not in intake.purge.due, what="the moved-to room's due time handled")
        assert budi.store.sessions.get(second.id).status is SessionStatus.ACTIVE, "the live session was ended"
        try:
            await client.api.messages(new, None, "b", 10)
        except MatrixError as exc:
            raise AssertionError(f"the room the client talks in was deleted under the live session ({exc.errcode})") \
                from None
    finally:
        await stop(ani, budi)
        await stop_intake(intake, task)


async def test_a_moved_client_back_for_a_second_session_with_the_same_counselor_is_heard(hs, data, tmp_path):
    from tests.integration.test_matrix_redteam import walk

    intake, task, ani, heard, client, first = await in_session(hs, data, tmp_path, "r4o", "sekolah")
    try:
        old = client.room
        await _moved(client, intake, ani, first.id)
        await ani.desk.end(first.id)

        # the same client, back where they are now, taken by the same counselor (her workstation still running)
        client.received.clear()
        await client.say("kak, aku balik lagi")
        await walk(client, topic="masih soal sekolah", risk="tidak")
        await until(lambda: any(v.id == old for v in ani.desk.queue()), what="queued again (the first room's entry)")
        second = await ani.desk.accept(old)
        await client.say("KEDUA-1907 aku dibully lagi")
        assert await eventually(lambda: "KEDUA-1907 aku dibully lagi" in client_words(ani, second.id), 20), \
            "the client's words in the room they moved to never reach the counselor in the second session"
        await ani.desk.send(second.id, "KEDUA-ANI aku dengar")
        await client.wait_for("KEDUA-ANI aku dengar")
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_a_tombstone_naming_a_strangers_public_room_does_not_put_the_counselor_in_it(hs, data, tmp_path):
    intake, task, ani, heard, client, session = await in_session(hs, data, tmp_path, "r4p", "teman")
    mallory = api_of(hs, "mallory")
    try:
        trap = await mallory.create_room(preset="public_chat")
        await client.api.put_state(client.room, "m.room.tombstone", {"body": "pindah", "replacement_room": trap})
        await until(lambda: session.id in ani.channel.upgrades.refused, what="the move judged")
        assert ani.store.sessions.channel_state(session.id)["room_id"] == client.room  # not followed: good
        members = await mallory.request("GET", f"/rooms/{trap}/members")
        seen = [e.get("content", {}).get("membership") for e in members.get("chunk", [])
                if e.get("state_key") == ani.channel.api.user_id]
        assert not seen, f"the stranger's room shows the counselor ({seen})"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


async def test_a_live_entrys_redacted_earlier_versions_do_not_end_the_session_at_a_workstation_restart(
        hs, data, tmp_path, monkeypatch):
    """A returning client's second session is going on when the first session's retention runs out: the intake
    redacts every earlier version of the entry (the live visit's own earlier versions among them: keep_current keeps
    only the current one). The counselor's workstation restarts and reads the queue room again: the redacted
    versions (empty content) must not end the live session."""
    from curhat_tui.domain.models import SessionStatus
    from curhat_tui.intake import server_purge
    from tests.integration.test_matrix_redteam import walk

    intake, task, ani, heard, client, first = await in_session(hs, data, tmp_path, "r4q", "kerja")
    budi = workstation(hs, "budi", "Budi", data, tmp_path)
    await budi.start()
    try:
        await ani.desk.end(first.id)
        await until(lambda: client.room in intake.purge.due, what="the room scheduled")
        client.received.clear()
        await client.say("kak, aku mau cerita lagi")
        await walk(client, topic="balik lagi", risk="tidak")
        await until(lambda: any(v.id == client.room for v in budi.desk.queue()), what="queued again")
        second = await budi.desk.accept(client.room)
        await client.say("LAGI-4471 yang kedua")
        await until(lambda: "LAGI-4471 yang kedua" in client_words(budi, second.id), what="second session")
        await stop(budi)

        real_now = server_purge.now_ms
        monkeypatch.setattr(server_purge, "now_ms", lambda: real_now() + 31 * 86_400_000)
        await client.say("kak masih di sana?")  # a batch: the intake's after-batch purge runs
        from curhat_tui.intake.entry_history import current_entry_event

        async def earlier_redacted() -> bool:
            now = await current_entry_event(intake.api, intake.queue_room, client.room)
            earlier = (now or {}).get("unsigned", {}).get("replaces_state")
            if not earlier:
                return False
            old = await intake.api.request("GET", f"/rooms/{intake.queue_room}/event/{earlier}")
            return not old.get("content") and now.get("content", {}).get("status") == "taken"
        await until(earlier_redacted, what="the live entry's earlier versions redacted, the current one kept")

        budi = workstation(hs, "budi", "Budi", data, tmp_path)
        await budi.start()
        await client.say("LAGI-4472 kakak balik?")
        await until(lambda: "LAGI-4472 kakak balik?" in client_words(budi, second.id), what="heard after restart")
        assert budi.store.sessions.get(second.id).status is SessionStatus.ACTIVE
        await budi.desk.send(second.id, "LAGI-BUDI iya aku di sini")
        await client.wait_for("LAGI-BUDI iya aku di sini")
    finally:
        await stop(ani, budi)
        await stop_intake(intake, task)


async def test_a_tombstone_loop_back_to_the_first_room_leaves_the_session_where_the_client_is(hs, data, tmp_path):
    """A -> B (a real upgrade, followed), then B's tombstone names A again: refused without a join or a leave; the
    session stays in B, both ways. A colleague on the roster cannot tombstone the queue room either."""
    intake, task, ani, heard, client, session = await in_session(hs, data, tmp_path, "r4r", "adik")
    budi = api_of(hs, "budi")
    try:
        old = client.room
        new = await _moved(client, intake, ani, session.id)
        await client.api.put_state(new, "m.room.tombstone", {"body": "balik", "replacement_room": old})
        await until(lambda: session.id in ani.channel.upgrades.refused, what="the loop judged")
        assert ani.store.sessions.channel_state(session.id)["room_id"] == new
        assert {old, new} <= set(await ani.channel.api.joined_rooms())
        await client.say("PUTAR-5150 aku di sini")
        await until(lambda: "PUTAR-5150 aku di sini" in client_words(ani, session.id), what="heard in B")
        await ani.desk.send(session.id, "PUTAR-ANI oke")
        await until(lambda: any(getattr(e, "key", "") == "notice.upgrade_refused" for e in heard), what="told once")

        async def delivered() -> bool:
            await ani.desk.outbox.flush()
            await client.pull(timeout_ms=200)
            return any("PUTAR-ANI oke" in str(e["content"].get("body")) for e in client.received)
        await until(delivered, what="the counselor's line in B")
        with pytest.raises(MatrixError) as refused:
            await budi.put_state(intake.queue_room, "m.room.tombstone", {"body": "x", "replacement_room": new})
        assert refused.value.status == 403
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await budi.close()
