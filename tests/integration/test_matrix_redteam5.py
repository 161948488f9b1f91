"""Red team, round five: held lines (members.py `hold`, Alt+K "send anyway") attacked as ordinary accounts on the
homeserver: a stranger the client (or someone the counselor let read) invites, and a colleague with a counselor
account who stays in a client's room after handing the client back.

A test marked xfail(strict=True) shows a defect that is still there; an unmarked one shows a defence that holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from curhat_tui.channels.matrix import members
from curhat_tui.channels.matrix.api import MatrixAPI
from curhat_tui.channels.matrix.channel import MatrixChannel
from curhat_tui.channels.matrix.protocol import END, HANDOVER, TAKEN, WAITING
from curhat_tui.channels.matrix.staff import Staff
from curhat_tui.domain.clock import SystemClock
from curhat_tui.intake.service import IntakeService
from curhat_tui.services.events import Notice
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
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
    clients = tuple(f"r5{letter}" for letter in "abcdefghijkl")
    # the encrypted test's own intake, so that the first intake's rooms and device stay without Olm keys
    yield from synapse_with_accounts(("intake", "ani", "budi", "mallory", "eve", "intake5", "mallory5", "mallory6",
                                      "mallory7", "mallory8", "r5m", "r5n", *clients), PASSWORD, admins=("intake",))


def _held(heard: list) -> int:
    return sum(1 for e in heard if getattr(e, "key", "") in ("notice.send_held", "notice.send_public"))


async def _sent_or_held(ani, client: ScriptedClient, heard: list, words: str, held_before: int) -> None:
    """Wait until the counselor's line has reached the client's room, or a (new) hold was told for it."""
    async def done() -> bool:
        await ani.desk.outbox.flush()
        await client.pull(timeout_ms=200)
        return any(words in str(e["content"].get("body")) for e in client.received) or _held(heard) > held_before
    await until(done, what=f"{words} sent or held")


async def test_someone_invited_into_a_client_room_does_not_read_what_the_counselor_wrote_before_they_joined(
        hs, data, tmp_path):
    intake, task, ani, heard, client, session = await in_session(hs, data, tmp_path, "r5a", "pacar")
    mallory = api_of(hs, "mallory")
    try:
        # whoever holds the client's phone invites someone; nobody else is IN the room yet
        await client.api.invite(client.room, mallory.user_id)
        await ani.desk.send(session.id, "UNDANG-6104 apa dia tahu kamu menghubungi kami?")
        await _sent_or_held(ani, client, heard, "UNDANG-6104", 0)
        await mallory.join(client.room)  # ...and the invitation is taken up a moment later
        assert not await reads(mallory, client.room, "UNDANG-6104"), \
            "a line sent while someone was invited is read by them once they join; the counselor was never told"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


async def test_someone_let_read_with_send_anyway_cannot_bring_a_third_person_in_unseen(hs, data, tmp_path):
    intake, task, ani, heard, client, session = await in_session(hs, data, tmp_path, "r5b", "keluarga")
    mallory, eve = api_of(hs, "mallory"), api_of(hs, "eve")
    try:
        await client.api.invite(client.room, mallory.user_id)
        await mallory.join(client.room)
        await ani.desk.send(session.id, "PERTAMA-2201 siapa yang ada di sampingmu?")
        await until(lambda: _held(heard) >= 1, what="the first line held")
        asked = [user for user, _ in ani.desk.held_readers(session.id)]  # the question names mallory
        assert ani.desk.send_anyway(session.id, asked) == 1  # Alt+K, yes: exactly mallory may read
        await client.wait_for("PERTAMA-2201")
        # mallory (power 0; a private chat lets any member invite) brings eve in by invitation only
        await mallory.invite(client.room, eve.user_id)
        held = _held(heard)
        await ani.desk.send(session.id, "KEDUA-2202 nomor rumah aman: 0812-0000-0000")
        await _sent_or_held(ani, client, heard, "KEDUA-2202", held)
        await eve.join(client.room)
        assert not await reads(eve, client.room, "KEDUA-2202"), \
            "an account the counselor never let read reads the line: 'anyone new holds the lines again' did not"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()
        await eve.close()


async def _through_intake_in(client: ScriptedClient, intake_user: str, topic: str, **room) -> None:
    """The intake's questions answered in a room the client made with `room`'s settings."""
    client.room = await client.api.create_room(is_direct=True, invite=[intake_user], **room)
    for ask, answer in (("YA", "ya"), ("1 =", "1"), ("satu kalimat", topic), ("2 minggu terakhir", "tidak")):
        await client.wait_for(ask)
        await client.say(answer)
    await client.wait_for("antrian")


async def test_a_colleague_who_handed_the_client_back_and_stayed_does_not_read_the_next_counselor(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    budi = workstation(hs, "budi", "Budi", data, tmp_path)
    await budi.start()
    budi_on = True
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    heard: list = []
    ani.listen(heard.append)
    budi_api = api_of(hs, "budi")
    try:
        # a private chat as many apps make it: the client holds power 100, everyone they invite 0 (the intake too)
        client = ScriptedClient(hs, "r5c")
        await _through_intake_in(client, intake.api.user_id, "dipukul suami", preset="private_chat")
        await until(lambda: any(v.id == client.room for v in budi.desk.queue()), what="queued at Budi's")
        await budi.desk.accept(client.room)
        await stop(budi)
        budi_on = False
        # Budi, curious, hands the client back to the queue by hand (raw HTTP) and does not leave their room
        await budi_api.send(intake.queue_room, HANDOVER, {"room_id": client.room, "note": "", "to": "", "flags": []},
                            f"rt5-{time.time_ns()}")
        await until(lambda: (intake.queue.get(client.room) or {}).get("status") == WAITING, what="back in the queue")
        await ani.start()
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued at Ani's")
        session = await ani.desk.accept(client.room)
        assert client.room in await budi_api.joined_rooms()  # the intake could not take him out
        await ani.desk.send(session.id, "LANJUT-7731 kamu sudah aman dari suamimu malam ini?")
        await _sent_or_held(ani, client, heard, "LANJUT-7731", 0)
        assert not await reads(budi_api, client.room, "LANJUT-7731"), \
            "a colleague no longer on the case reads the session, and the counselor is never told he is there"
    finally:
        await stop(ani, *([budi] if budi_on else []))
        await stop_intake(intake, task)
        await budi_api.close()


# ---- end-to-end encrypted: the member check and the room key ------------------------------------------------------
@pytest.fixture(scope="module")
def olm_dir(tmp_path_factory):
    """One Olm store per device for the whole module: a device's identity keys are uploaded once."""
    return tmp_path_factory.mktemp("olm")


@contextlib.asynccontextmanager
async def _encrypted_session(hs, data, tmp_path, olm_dir, name: str, stranger: str):
    """An encrypting client of `name` (matrix-nio, as Element X) through the encrypting intake, taken by Ani, whose
    workstation encrypts; and a stranger on an encrypting app, their device keys on the server."""
    from tests.integration.test_matrix_e2ee import EncryptedClient, crypto_for

    account = hs.accounts["intake5"]
    intake_api = MatrixAPI(hs.base_url, account["access_token"])
    intake_api.user_id = account["user_id"]
    intake = IntakeService(intake_api, data, state_file=olm_dir / "intake5.json", sync_timeout_ms=1000,
                           crypto=crypto_for(hs, "intake5", olm_dir / "intake5"),
                           counselors=[hs.accounts["ani"]["user_id"]])
    task = asyncio.create_task(intake.run())
    ani_store = Store(tmp_path / "ani" / "curhat.db")
    channel = MatrixChannel(api_of(hs, "ani"), ani_store, SystemClock(), "Ani", data.strings,
                            staff=Staff(intake=intake_api.user_id), sync_timeout_ms=1000, claim_timeout=10)
    channel.sync.crypto = crypto_for(hs, "ani", olm_dir / "ani")
    ani = Workstation(ani_store, channel, SystemClock(), data, counselor="Ani")
    heard: list = []
    ani.listen(heard.append)
    client = EncryptedClient(hs, name, olm_dir / name)
    mallory = EncryptedClient(hs, stranger, olm_dir / stranger)
    try:
        await until(lambda: getattr(intake, "sync", None) is not None and intake.sync.state == "connected",
                    what="intake set-up")
        await ani.start()
        await mallory.pump()  # an account with an encrypting app: its device keys are on the server
        await client.open(intake_api.user_id)
        await client.wait_for("YA")
        for prompt, answer in (("1 =", "ya"), ("satu kalimat", "1"), ("2 minggu terakhir", "suami"),
                               ("antrian", "tidak")):
            await client.say(answer)
            await client.wait_for(prompt)
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), timeout=30, what="queued")
        session = await ani.desk.accept(client.room)
        await client.say("kak aku takut")
        await until(lambda: "kak aku takut" in client_words(ani, session.id), timeout=30, what="the client's line")
        yield ani, heard, client, mallory, session
    finally:
        await ani.stop()
        ani_store.close()
        await client.close()
        await mallory.close()
        intake.stopped = True
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _reached(ani, client, heard: list, words: str) -> None:
    async def done() -> bool:
        await ani.desk.outbox.flush()
        await client.pump()
        return any(words in body for _, body in client.heard) or _held(heard) > 0
    await until(done, timeout=30, what=f"{words} sent or held")


async def _decrypts(reader, words: str, client) -> bool:
    """Whether `reader` decrypts the line: given 8 s once it is in the room; a line held back (the client never got
    it) is not in the room to be read, and one look is enough."""
    async def read() -> bool:
        await reader.pump()
        return any(words in body for _, body in reader.heard)
    if not any(words in body for _, body in client.heard):
        return await read()
    return await eventually(read, 8)


async def test_someone_who_joins_between_the_member_check_and_the_send_cannot_decrypt_the_line(
        hs, data, tmp_path, olm_dir, monkeypatch):
    async with _encrypted_session(hs, data, tmp_path, olm_dir, "r5e", "mallory5") as (ani, heard, client, mallory,
                                                                                      session):
        # right after the workstation read the room's members (nobody else there), someone comes in: the phone's
        # holder invites them and they join at once
        check, client_api = members.hold, MatrixAPI(hs.base_url, hs.accounts["r5e"]["access_token"])
        raced: list[str] = []

        async def racing(api, room_id, *args, **kwargs):
            verdict = await check(api, room_id, *args, **kwargs)
            if verdict is None and not raced:
                raced.append(room_id)
                await client_api.invite(room_id, mallory.client.user_id)
                joined = await mallory.client.join(room_id)
                assert not hasattr(joined, "status_code"), joined
            return verdict
        monkeypatch.setattr("curhat_tui.channels.matrix.members.hold", racing)
        await ani.desk.send(session.id, "SELA-5512 besok kita bahas rencana amanmu")
        await until(lambda: raced, what="the member check passed")
        await _reached(ani, client, heard, "SELA-5512")
        assert not await _decrypts(mallory, "SELA-5512", client), \
            "an account that came in after the member check was given the room key and reads the counselor's line"
        await client_api.close()


async def test_someone_invited_into_an_encrypted_client_room_cannot_decrypt_what_the_counselor_wrote(
        hs, data, tmp_path, olm_dir):
    async with _encrypted_session(hs, data, tmp_path, olm_dir, "r5f", "mallory6") as (ani, heard, client, mallory,
                                                                                      session):
        client_api = MatrixAPI(hs.base_url, hs.accounts["r5f"]["access_token"])
        await client_api.invite(client.room, mallory.client.user_id)
        # the workstation has seen the invitation (its sync), as it would in the seconds a counselor takes to type
        await until(lambda: mallory.client.user_id in getattr(ani.channel.sync.crypto.client.rooms.get(client.room),
                                                               "invited_users", {}), what="the invitation seen")
        await ani.desk.send(session.id, "UNDANGAN-5513 kapan kamu bisa keluar rumah dengan aman?")
        await _reached(ani, client, heard, "UNDANGAN-5513")
        joined = await mallory.client.join(client.room)
        assert not hasattr(joined, "status_code"), joined
        assert not await _decrypts(mallory, "UNDANGAN-5513", client), \
            "an account that was only invited when the line went was given its key and reads it once it joins"
        await client_api.close()


# ---- a client taking the counselor out; requests from a colleague; knocks; the race without encryption -------------
async def test_a_client_who_takes_the_counselor_out_while_their_workstation_is_off_is_not_left_with_no_one(
        hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    ani_on = True
    try:
        client = ScriptedClient(hs, "r5g")
        await through_intake(client, intake.api.user_id, "capek kerja")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        await ani.desk.accept(client.room)
        await until(lambda: (intake.queue.get(client.room) or {}).get("status") == TAKEN, what="taken")
        await stop(ani)  # the counselor's laptop is closed, or it crashed: only the intake is there
        ani_on = False
        # the room is the client's: they take the counselor out (the intake, in the room, sees it happen)
        await client.api.kick(client.room, hs.accounts["ani"]["user_id"], "aku mau konselor lain")
        await client.say("halo? ada orang?")
        assert await eventually(lambda: (intake.queue.get(client.room) or {}).get("status") != TAKEN, 5), \
            "the intake still has the client with a counselor who is no longer in their room: nobody answers them"
    finally:
        if ani_on:
            await stop(ani)
        await stop_intake(intake, task)


async def test_a_colleagues_end_or_handover_of_someone_elses_session_changes_nothing(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    budi = api_of(hs, "budi")
    try:
        await budi.join(intake.queue_room)  # a roster counselor: invited there by the intake
        client = ScriptedClient(hs, "r5h")
        await through_intake(client, intake.api.user_id, "kuliah")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        await until(lambda: (intake.queue.get(client.room) or {}).get("status") == TAKEN, what="taken")
        # Budi, by hand, ends Ani's session, hands it to himself, hands it back to the queue
        for kind, content in ((END, {"room_id": client.room}),
                              (HANDOVER, {"room_id": client.room, "note": "x", "to": budi.user_id, "flags": []}),
                              (HANDOVER, {"room_id": client.room, "note": "x", "to": "", "flags": []})):
            await budi.send(intake.queue_room, kind, content, f"rt5-{time.time_ns()}")
        marker = f"PENANDA-{time.time_ns()}"  # written after the requests: read by the intake after them too
        await budi.send(intake.queue_room, "m.room.message", {"msgtype": "m.text", "body": marker},
                        f"rt5-{time.time_ns()}")
        await client.say(marker)
        await until(lambda: marker in client_words(ani, session.id), what="the client still heard by Ani")
        entry = intake.queue.get(client.room) or {}
        assert entry.get("status") == TAKEN and entry.get("taken_by") == hs.accounts["ani"]["user_id"]
        assert client.room not in await budi.joined_rooms()
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await budi.close()


async def test_someone_knocking_on_a_client_room_neither_holds_nor_reads_the_counselor(hs, data, tmp_path):
    intake, task, ani, heard, client, session = await in_session(hs, data, tmp_path, "r5i", "tidur")
    mallory = api_of(hs, "mallory")
    try:
        await client.api.put_state(client.room, "m.room.join_rules", {"join_rule": "knock"})
        await mallory.request("POST", f"/knock/{client.room}", body={"reason": "boleh masuk?"})
        await ani.desk.send(session.id, "KETUK-4471 kamu tidur jam berapa semalam?")
        await client.wait_for("KETUK-4471")  # a knock lets no one read: the line goes
        assert not await reads(mallory, client.room, "KETUK-4471")
        assert _held(heard) == 0
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


async def test_someone_who_joins_as_a_line_goes_into_an_unencrypted_room_is_at_least_told_to_the_counselor(
        hs, data, tmp_path, monkeypatch):
    intake, task, ani, heard, client, session = await in_session(hs, data, tmp_path, "r5j", "kantor")
    mallory = api_of(hs, "mallory")
    try:
        # the phone's holder sees "Ani is typing" and brings someone in just as the line goes (a hook makes the
        # timing exact: right after the member check passed)
        check = members.hold
        raced: list[str] = []

        async def racing(api, room_id, *args, **kwargs):
            verdict = await check(api, room_id, *args, **kwargs)
            if verdict is None and not raced:
                raced.append(room_id)
                await client.api.invite(room_id, mallory.user_id)
                await mallory.join(room_id)
            return verdict
        monkeypatch.setattr("curhat_tui.channels.matrix.members.hold", racing)
        told_before = len(heard)
        await ani.desk.send(session.id, "BALAPAN-3390 kamu aman pulang malam ini?")
        await until(lambda: raced, what="the member check passed")
        await client.wait_for("BALAPAN-3390")

        async def told_or_taken_back() -> bool:  # without encryption the line is theirs once sent: at least say so
            await ani.desk.outbox.flush()
            return any(isinstance(e, Notice) and e.session_id == session.id for e in heard[told_before:]) or \
                not await reads(mallory, client.room, "BALAPAN-3390")
        assert await eventually(told_or_taken_back, 5), \
            "someone read the line as it went, and the counselor goes on as if only the client had read it"
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


# ---- answers given as replies --------------------------------------------------------------------------------------
async def _reply(client: ScriptedClient, question: dict, answer: str) -> None:
    """Swipe-to-reply on the intake's question (WhatsApp through the bridge, Element): the body carries the spec's
    reply fallback, the question quoted with its sender's id, then the answer."""
    quoted = question["content"]["body"].split("\n")[0]
    await client.api.send(client.room, "m.room.message", {
        "msgtype": "m.text", "body": f"> <{question['sender']}> {quoted}\n\n{answer}",
        "m.relates_to": {"m.in_reply_to": {"event_id": question["event_id"]}}}, f"rt5-{time.time_ns()}")


async def _asked(client: ScriptedClient, words: str) -> dict | None:
    """The intake's message with `words`, once it has come within 6 s (None if it has not)."""
    found: list[dict] = []

    async def seen() -> bool:
        await client.pull(timeout_ms=200)
        found[:] = [e for e in client.received if words in str(e["content"].get("body"))][:1]
        return bool(found)
    return found[0] if await eventually(seen, 6) else None


async def test_a_client_who_answers_the_intake_by_replying_is_understood(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    try:
        client = ScriptedClient(hs, "r5k")
        await client.open(intake.api.user_id)
        steps = (("YA", "ya"), ("1 =", "1"), ("satu kalimat", "kerjaan numpuk"), ("2 minggu terakhir", "tidak"))
        for (question, answer), (follows, _) in zip(steps, [*steps[1:], ("antrian", "")]):
            asked = await _asked(client, question)
            assert asked is not None
            await _reply(client, asked, answer)
            assert await _asked(client, follows) is not None, f"the reply {answer!r} to {question!r} was not taken"
        said = intake.clients[client.room]["intake"]
        assert said["risk_answer"] == "tidak" and said["risk"] == 0  # the quoted question is not the answer
    finally:
        await stop_intake(intake, task)


# ---- a returning client's earlier session ---------------------------------------------------------------------------
@pytest.mark.xfail(strict=True, reason="red team 5: the counselor of a returning client's new visit reads the whole "
                                       "earlier session with a colleague (both sides) from the room's shared history")
async def test_the_counselor_of_a_returning_clients_new_visit_cannot_read_the_earlier_session(hs, data, tmp_path):
    from tests.integration.test_matrix_redteam import walk

    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    budi = workstation(hs, "budi", "Budi", data, tmp_path)
    await ani.start()
    await budi.start()
    budi_api = api_of(hs, "budi")
    try:
        client = ScriptedClient(hs, "r5l")
        await through_intake(client, intake.api.user_id, "kerjaan")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        first = await ani.desk.accept(client.room)
        await client.say("DULU-1150 aku bosan kerja, bosku galak")
        await until(lambda: "DULU-1150 aku bosan kerja, bosku galak" in client_words(ani, first.id), what="a line")
        await ani.desk.send(first.id, "DULU-1151 apa yang paling berat dari bosmu?")
        await client.wait_for("DULU-1151")
        await ani.desk.end(first.id)
        await until(lambda: (intake.queue.get(client.room) or {}).get("status") == "closed", what="the end told")
        # weeks later, within the room's retention, the client writes again in the same chat: a new visit, Budi's
        client.received.clear()
        await client.say("kak, aku mau cerita lagi")
        await walk(client, topic="balik lagi", risk="tidak")
        await until(lambda: any(v.id == client.room for v in budi.desk.queue()), what="queued again")
        second = await budi.desk.accept(client.room)
        assert not any("DULU-115" in m.text for m in budi.desk.transcript(second.id))  # not on Budi's screen...
        leaked = [words for words in ("DULU-1150", "DULU-1151") if await reads(budi_api, client.room, words)]
        assert not leaked, "...but Budi, curious, reads the client's earlier session with Ani from the room"
    finally:
        await stop(ani, budi)
        await stop_intake(intake, task)
        await budi_api.close()


# ---- the client's own account, signed in on a new device mid-session ----------------------------------------------
async def test_a_new_device_on_the_clients_account_mid_session_is_told_to_the_counselor(hs, data, tmp_path, olm_dir):
    """Found by red team 5 without a test: someone who signs in to the client's account (an abuser who knows the
    password) gets every room key from then on, and the counselor was not told. Now the counselor is, once."""
    async with _encrypted_session(hs, data, tmp_path, olm_dir, "r5m", "mallory7") as (ani, heard, client, mallory,
                                                                                      session):
        def told() -> list:
            return [e for e in heard if isinstance(e, Notice) and e.key == "notice.client_new_device"]

        await ani.desk.send(session.id, "PERTAMA-8101 aku di sini, ceritakan pelan-pelan")
        await _reached(ani, client, heard, "PERTAMA-8101")
        assert not told()  # the client's own device, there from the start: nothing to tell
        other = await _signed_in_elsewhere(hs, "r5m", olm_dir)  # someone on the client's account, another device
        try:
            await _lines_until(ani, session, told)
            assert told(), "a device signed in to the client's account got the room key, and the counselor was not told"
            assert len(told()) == 1 and told()[0].session_id == session.id
        finally:
            await other.close()


async def _signed_in_elsewhere(hs, name: str, olm_dir):
    """The client's account signed in on another device with an encrypting app (its device keys on the server)."""
    import nio

    login = hs.login(name, PASSWORD)
    (olm_dir / f"{name}-other").mkdir(exist_ok=True)
    other = nio.AsyncClient(hs.base_url, login["user_id"], device_id=login["device_id"],
                            store_path=str(olm_dir / f"{name}-other"),
                            config=nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True))
    other.restore_login(login["user_id"], login["device_id"], login["access_token"])
    await other.sync(timeout=300, full_state=True)
    if other.should_upload_keys:
        await other.keys_upload()
    return other


async def _lines_until(ani, session, told) -> None:
    """A line at a time, until the workstation's sync has heard of the client's new device and told it."""
    for _ in range(10):
        await ani.desk.send(session.id, f"BERIKUT-{time.time_ns()} kamu sekarang di mana?")
        if await eventually(lambda: bool(told()), 2):
            return


async def test_a_device_signed_in_to_the_clients_account_while_the_workstation_was_off_is_told(hs, data, tmp_path,
                                                                                               olm_dir):
    """The client's devices are remembered in the session, not in memory: after a restart the first line neither
    takes a device signed in meanwhile for one that was always there, nor tells the old ones as new."""
    from tests.integration.test_matrix_e2ee import crypto_for

    async with _encrypted_session(hs, data, tmp_path, olm_dir, "r5n", "mallory8") as (ani, heard, client, mallory,
                                                                                      session):
        await ani.desk.send(session.id, "SEBELUM-8201 aku masih di sini")
        await _reached(ani, client, heard, "SEBELUM-8201")
        await ani.stop()  # the counselor's laptop sleeps; someone signs in to the client's account meanwhile
        other = await _signed_in_elsewhere(hs, "r5n", olm_dir)
        channel = MatrixChannel(api_of(hs, "ani"), ani.store, SystemClock(), "Ani", data.strings,
                                staff=Staff(intake=hs.accounts["intake5"]["user_id"]), sync_timeout_ms=1000,
                                claim_timeout=10)
        channel.sync.crypto = crypto_for(hs, "ani", olm_dir / "ani")
        again = Workstation(ani.store, channel, SystemClock(), data, counselor="Ani")
        heard_again: list = []
        again.listen(heard_again.append)
        try:
            await again.start()

            def told() -> list:
                return [e for e in heard_again if isinstance(e, Notice) and e.key == "notice.client_new_device"]
            await _lines_until(again, session, told)
            assert told(), "a device signed in while the workstation was off was taken for one always there"
            assert len(told()) == 1
        finally:
            await again.stop()
            await other.close()

