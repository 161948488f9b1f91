"""Red team, round three (the file test_matrix_redteam.py is being fixed by the lead; new findings go here):

- someone added to a client's room in the middle of a session reads what the counselor writes from then on, and
  the counselor is not told anyone else is there;
- a session handed over to a colleague whose workstation is not running strands the client: taken, and nobody
  comes;
- an invitation whose join the server refuses once (the intake's own join rate, under a flood of rooms) is never
  tried again: that client is never greeted;
- a client who upgrades their room mid-session (a tombstone and a new room, as Element's /upgraderoom does) goes on
  talking where nobody from the service listens;
- a client who writes "aku mau bunuh diri malam ini" right after the counselor ended the session is asked for
  consent again, as a stranger; nobody on duty hears of it;
- a client's words written into the queue room (topic, risk answer) stay in the homeserver's database after their
  room is deleted for retention.
"""

from __future__ import annotations

import time

import pytest

from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.channels.matrix.protocol import QUEUE_ENTRY
from curhat_tui.domain.models import SessionStatus
from tests.integration.test_matrix import (
    PASSWORD,
    ScriptedClient,
    api_of,
    asked_for_a_package,
    client_words,
    eventually,
    in_session,
    intake_service,
    reads,
    stop,
    stop_intake,
    taken,
    through_intake,
    until,
    workstation,
)
from tests.support.synapse import synapse_with_accounts


@pytest.fixture(scope="module")
def hs():
    # one client account per test: the intake's state outlives each test, and one account has one place in the queue
    for server in synapse_with_accounts(("intake", "ani", "budi", "mallory", *(f"klien{n}" for n in range(1, 14))),
                                        PASSWORD, admins=("intake",)):
        # as the README asks of operators: a redacted event's original is pruned soon (Synapse's job runs every 5 min)
        config = server.config_path.read_text(encoding="utf-8")
        server.config_path.write_text(config + "redaction_retention_period: 1s\n", encoding="utf-8")
        server.restart()
        yield server


async def test_someone_added_to_a_client_room_mid_session_does_not_read_the_counselor(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    heard: list = []
    ani.listen(heard.append)
    await ani.start()
    mallory = api_of(hs, "mallory")
    try:
        client = ScriptedClient(hs, "klien1")
        await through_intake(client, intake.api.user_id, "masalah di rumah")  # a private direct chat
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        await client.say("kak aku takut sama pasanganku")
        await until(lambda: "kak aku takut sama pasanganku" in client_words(ani, session.id), what="the client's line")
        # the client's account is in someone else's hands (a partner with the phone), or the client adds a friend:
        # the room is the client's, so it may invite anyone
        await client.api.invite(client.room, mallory.user_id)
        await mallory.join(client.room)
        await ani.desk.send(session.id, "RAHASIA-KONSELOR-5120 kamu bisa hubungi rumah aman di nomor ini")
        leaked = await eventually(lambda: reads(mallory, client.room, "RAHASIA-KONSELOR-5120"), 6)
        assert not leaked, "a third person in the room reads what the counselor writes, and the counselor is not told"
        assert any(getattr(e, "key", "") == "notice.send_held" for e in heard)  # the counselor is told why
        assert [m for m in ani.store.messages.outbox() if "RAHASIA-KONSELOR-5120" in m.text]  # kept, not lost
        await mallory.leave(client.room)  # the client sends them out: the held line goes on the next try

        async def delivered() -> bool:
            await ani.desk.outbox.flush()
            await client.pull(timeout_ms=200)
            return any("RAHASIA-KONSELOR-5120" in str(e["content"].get("body")) for e in client.received)
        await until(delivered, what="the held line delivered once the room is the client's again")
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


async def test_a_session_handed_to_a_colleague_who_is_not_there_does_not_strand_the_client(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    budi = hs.accounts["budi"]["user_id"]  # on the roster; his workstation is off (he went home, or it crashed)
    try:
        client = ScriptedClient(hs, "klien2")
        await through_intake(client, intake.api.user_id, "butuh konselor laki-laki")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        try:
            await ani.desk.transfer(session.id, "Klien minta konselor laki-laki", budi)
        except Exception:  # noqa: BLE001 - a workstation that refuses the handover up front keeps the session
            pass
        await client.say(f"kak? ({time.time_ns()})")

        def served() -> bool:
            entry = intake.queue.get(client.room) or {}
            kept = entry.get("taken_by") == ani.channel.api.user_id and ani.store.sessions.get(
                session.id).status is SessionStatus.ACTIVE
            return entry.get("status") == "waiting" or kept
        # back in the queue (or never left Ani) within half a minute; an assignment nobody takes up is no session
        assert await eventually(served, 30), f"the client is {intake.queue.get(client.room)!r}, and no one comes"
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_an_invitation_whose_join_is_refused_once_is_still_answered(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    real_join = intake.api.join
    refused: list[str] = []

    async def join_once_refused(room_id):
        # Synapse limits the intake's own joins (rc_joins.local); a flood of rooms opened with it uses them up, and
        # the client's join is refused after MatrixAPI's retries
        if room_id not in (intake.queue_room, intake.supervisors_room) and not refused:
            refused.append(room_id)
            raise MatrixError(429, "M_LIMIT_EXCEEDED", "Too Many Requests")
        return await real_join(room_id)

    intake.api.join = join_once_refused
    try:
        client = ScriptedClient(hs, "klien3")
        await client.open(intake.api.user_id)
        await until(lambda: refused == [client.room], what="the refused join")
        await client.say("halo? ada orang?")  # the client waits, writes, and cannot invite the intake a second time
        greeted = await eventually(lambda: _greeted(client), 20)
        assert greeted, "the intake never joins the client's room: no greeting, no queue"
    finally:
        intake.api.join = real_join
        await stop_intake(intake, task)


async def _greeted(client: ScriptedClient) -> bool:
    await client.pull(timeout_ms=200)
    return any("YA" in str(e["content"].get("body")) for e in client.received)


async def test_a_client_who_upgrades_their_room_mid_session_is_still_heard(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien4")
        session = await taken(ani, client, intake.api.user_id, "capek banget")
        # the room is the client's (power 100): it may upgrade it; Element then invites the members to the new room
        old = client.room
        new = (await client.api.request("POST", f"/rooms/{old}/upgrade", body={"new_version": "10"}))[
            "replacement_room"]
        # the upgrade closed the old room to members below moderator: a line written now stays pending
        await ani.desk.send(session.id, "TERTUNDA-7731 kak di sini")
        assert [m for m in ani.store.messages.outbox() if "TERTUNDA-7731" in m.text]
        for member in (intake.api.user_id, ani.channel.api.user_id):
            await client.api.invite(new, member)
        client.room, before = new, len(client.received)
        await client.say("kak aku masih di sini, tadi aplikasinya minta upgrade")
        heard = await eventually(lambda: any("minta upgrade" in t for t in client_words(ani, session.id)), 15)
        assert heard, "the client's words in the upgraded room never reach the counselor"
        # the same session, now in the new room: what the counselor writes reaches the client there
        assert ani.store.sessions.channel_state(session.id)["room_id"] == new
        await ani.desk.send(session.id, "aku masih di sini juga")
        await client.wait_for("aku masih di sini juga")

        async def flushed() -> bool:  # the line left pending in the old room goes to the new one
            await ani.desk.outbox.flush()
            return not ani.store.messages.outbox()
        await until(flushed, what="the pending line sent")
        await client.wait_for("TERTUNDA-7731")
        await stop(ani)  # a restart resumes the session in the new room
        ani = workstation(hs, "ani", "Ani", data, tmp_path)
        await ani.start()
        await client.say("kak masih ada?")
        await until(lambda: "kak masih ada?" in client_words(ani, session.id), what="heard after a restart")
        # and the intake did not take the new room for a new client (no consent question there)
        assert new not in intake.clients and not any("YA" in str(e["content"].get("body"))
                                                     for e in client.received[before:])
        await ani.desk.end(session.id)  # the end reaches the intake about the session's first room
        await until(lambda: (intake.queue.get(old) or {}).get("status") == "closed", what="the session closed")
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_a_risk_statement_right_after_the_session_ends_reaches_someone_on_duty(hs, data, tmp_path):
    statement = "kak makasih ya, tapi aku mau bunuh diri malam ini"
    if not data.phrases.detect(statement).imminent:
        pytest.skip("the detector does not call this statement imminent any more")
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien5")
        await through_intake(client, intake.api.user_id, "putus sama pacar")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        await client.say("makasih kak udah dengerin")
        await until(lambda: "makasih kak udah dengerin" in client_words(ani, session.id), what="the last line")
        await ani.desk.end(session.id)
        await client.wait_for("Sesi kita sudah selesai")  # the closing message
        await client.say(statement)  # the counselor has just left the room
        back = await eventually(lambda: any(v.id == client.room for v in ani.desk.queue()), 20)
        assert back, "the statement reached no one: the intake asks for consent again and nobody is told"
    finally:
        await stop(ani)
        await stop_intake(intake, task)


LAST_WORDS = "kak aku udah siapin talinya, malam ini aku mau gantung diri"


async def _risk_then_end(hs, data, tmp_path, account: str, answer: str | None) -> tuple:
    """A session in which the client writes LAST_WORDS, the counselor answers it (or not) and ends at once, within
    the intake's LATE_MS; returns (intake, its task, the workstation, the client) once the intake has decided."""
    if not data.phrases.detect(LAST_WORDS).imminent:
        pytest.skip("the detector does not call this statement imminent any more")
    intake, task, ani, _, client, session = await in_session(hs, data, tmp_path, account, "capek sama semuanya")
    await client.say(LAST_WORDS)
    await until(lambda: LAST_WORDS in client_words(ani, session.id), what="the line on the counselor's screen")
    if answer is not None:
        await ani.desk.send(session.id, answer)
        await client.wait_for(answer)
    await ani.desk.end(session.id)

    def decided() -> bool:  # the end read: the record is a new intake's, or the client is queued again at once
        step = ((intake.clients.get(client.room) or {}).get("intake") or {}).get("step")
        status = (intake.queue.get(client.room) or {}).get("status")
        return status == "waiting" or (status == "closed" and step == "new")
    await until(decided, what="the end read by the intake")
    return intake, task, ani, client


async def test_a_risk_line_the_counselor_never_answered_before_ending_puts_the_client_back_in_the_queue(
        hs, data, tmp_path):
    intake, task, ani, client = await _risk_then_end(hs, data, tmp_path, "klien12", None)
    try:
        assert (intake.queue.get(client.room) or {}).get("status") == "waiting"
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="back at the top of the queue")
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_a_risk_line_the_counselor_answered_before_ending_does_not_requeue_the_client(hs, data, tmp_path):
    """Seen by red team 5 without a test: the line was requeued as urgent though the counselor had answered it."""
    intake, task, ani, client = await _risk_then_end(
        hs, data, tmp_path, "klien13", "Terima kasih sudah cerita. Aku mau kamu aman malam ini: hubungi 119 ext 8 ya")
    try:
        assert (intake.queue.get(client.room) or {}).get("status") == "closed"
        assert intake.clients[client.room]["intake"]["step"] == "new"  # their next line starts a new intake
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_a_deleted_clients_intake_answers_do_not_stay_in_the_homeservers_database(hs, data, tmp_path):
    from curhat_tui.domain.retention import RetentionPolicy
    from tests.integration.test_matrix_retention import start_intake

    intake, task = await start_intake(hs, data, tmp_path, RetentionPolicy(zero_transcript=True))
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        assert intake.purge is not None and intake.purge.admin
        client = ScriptedClient(hs, "klien6")
        topic = "TOPIK-RAHASIA-6607 suamiku kasar"
        await through_intake(client, intake.api.user_id, topic)
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        await ani.desk.end(session.id)  # zero retention: the client's room is deleted on the server at once
        await until(lambda: client.room not in intake.purge.due and not (intake.queue.get(client.room) or {}),
                    timeout=60, what="the client's room deleted")
        # every earlier version of the entry (state events that outlive the room) is served without its words now
        # (their content; Synapse's event cache still adds a redacted predecessor's old content as `prev_content` to
        # a version it holds in memory, until the cache entry expires: `cache_entry_ttl`, 30 minutes by default)
        served: list[dict] = []

        async def unserved() -> bool:
            served[:] = await _queue_history(intake.api, intake.queue_room, client.room)
            return len(served) >= 3 and "TOPIK-RAHASIA-6607" not in repr([e.get("content") for e in served])
        assert await eventually(unserved, 20), [e.get("content") for e in served]
        # and in the database, every row that still holds the words is an event with its redaction recorded: Synapse
        # prunes those redaction_retention_period after the redaction (the README asks for 5m), by a job that runs
        # every five minutes from the server's start (waited for once by hand: gone after 311 s; too slow for the
        # suite). Nothing else holds them.
        holders, redacted, elsewhere = _words_in_events(hs, "TOPIK-RAHASIA-6607")
        assert holders and set(holders) <= redacted, (holders, redacted)
        assert elsewhere == 0
    finally:
        await stop(ani)
        await stop_intake(intake, task)


def _words_in_events(hs, words: str) -> tuple[list[str], set[str], int]:
    """The events whose stored JSON holds `words`, the events with a redaction recorded, and how many rows anywhere
    else in the homeserver's database hold the words."""
    import sqlite3

    from tests.integration.test_matrix_retention import words_in_synapse

    with sqlite3.connect(f"file:{hs.data_dir / 'homeserver.db'}?mode=ro", uri=True) as db:
        holders = [r[0] for r in db.execute("select event_id from event_json where json like ?", (f"%{words}%",))]
        redacted = {r[0] for r in db.execute("select redacts from redactions")}
    return holders, redacted, words_in_synapse(hs, words) - len(holders)


async def _queue_history(api, queue_room: str, client_room: str) -> list[dict]:
    """Every version of a client's queue entry in the queue room's timeline, as the server serves them now."""
    found, token = [], None
    for _ in range(40):
        page = await api.messages(queue_room, token, "b", 100)
        found += [e for e in page.get("chunk") or [] if e.get("type") == QUEUE_ENTRY and e.get("state_key") == client_room]
        token = page.get("end")
        if not page.get("chunk") or not token:
            break
    return found


async def _upgraded_session(hs, data, tmp_path, name: str, topic: str):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    heard: list = []
    ani.listen(heard.append)
    await ani.start()
    client = ScriptedClient(hs, name)
    await through_intake(client, intake.api.user_id, topic)
    await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
    session = await ani.desk.accept(client.room)
    await client.say("kak aku mau cerita")
    await until(lambda: "kak aku mau cerita" in client_words(ani, session.id), what="the client's line")
    return intake, task, ani, heard, client, session


async def _held_then_sent(ani, session, client, heard: list, notice: str, words: str) -> None:
    """The counselor's next line is held once with `notice`, then goes to the session's (old) room."""
    await until(lambda: session.id in ani.channel.upgrades.refused, what="the move judged")
    await ani.desk.send(session.id, words)
    await until(lambda: any(getattr(e, "key", "") == notice for e in heard), what=notice)

    async def delivered() -> bool:
        await ani.desk.outbox.flush()
        await client.pull(timeout_ms=200)
        return any(words in str(e["content"].get("body")) for e in client.received)
    await until(delivered, what="the held line sent to the old room")


async def test_a_tombstone_from_someone_who_is_not_the_client_does_not_move_the_session(hs, data, tmp_path):
    intake, task, ani, heard, client, session = await _upgraded_session(hs, data, tmp_path, "klien7", "kerjaan")
    mallory = api_of(hs, "mallory")
    try:
        old = client.room
        # the client let someone in and gave them the room's power (or they hold the phone): they say it moved
        await client.api.invite(old, mallory.user_id)
        await mallory.join(old)
        levels = await client.api.get_state(old, "m.room.power_levels")
        tombstone = levels.get("events", {}).get("m.room.tombstone", 100)
        await client.api.put_state(old, "m.room.power_levels", {**levels, "users": {
            **levels.get("users", {}), mallory.user_id: tombstone}})
        trap = await mallory.create_room(preset="private_chat", invite=[ani.channel.api.user_id])
        await mallory.put_state(old, "m.room.tombstone", {"body": "pindah", "replacement_room": trap})
        await mallory.leave(old)  # gone again: no other hold applies, only the refused move is told
        await _held_then_sent(ani, session, client, heard, "notice.tombstone_refused", "kamu aman di sini?")
        assert ani.store.sessions.channel_state(session.id)["room_id"] == old
        assert trap not in await ani.channel.api.joined_rooms()
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


async def test_an_upgrade_to_a_room_anyone_may_join_with_a_stranger_in_it_does_not_move_the_session(
        hs, data, tmp_path):
    intake, task, ani, heard, client, session = await _upgraded_session(hs, data, tmp_path, "klien8", "sekolah")
    mallory = api_of(hs, "mallory")
    try:
        old = client.room
        new = (await client.api.request("POST", f"/rooms/{old}/upgrade", body={"new_version": "12"}))[
            "replacement_room"]  # the client creates it, with every power (room version 12)
        await client.api.put_state(new, "m.room.join_rules", {"join_rule": "public"})
        await mallory.join(new)  # anyone may: a stranger is in the room the client moved to
        await client.api.invite(new, ani.channel.api.user_id)
        await until(lambda: session.id in ani.channel.upgrades.refused, what="the move judged")
        await ani.desk.send(session.id, "kamu bisa balik ke obrolan lama?")
        await until(lambda: any(getattr(e, "key", "") == "notice.upgrade_refused" for e in heard), what="told")
        # the upgrade closed the old room to members below moderator: the line waits in the outbox, kept
        assert [m for m in ani.store.messages.outbox() if "balik ke obrolan lama" in m.text]
        assert ani.store.sessions.channel_state(session.id)["room_id"] == old
        assert new not in await ani.channel.api.joined_rooms()
        assert not await reads(mallory, new, "balik ke obrolan lama")
    finally:
        await stop(ani)
        await stop_intake(intake, task)
        await mallory.close()


async def test_the_room_a_client_moved_their_session_to_is_deleted_with_the_first(hs, data, tmp_path):
    from curhat_tui.domain.retention import RetentionPolicy
    from tests.integration.test_matrix_retention import start_intake, unreadable

    intake, task = await start_intake(hs, data, tmp_path, RetentionPolicy(zero_transcript=True))
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien9")
        await through_intake(client, intake.api.user_id, "keluarga")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        session = await ani.desk.accept(client.room)
        old = client.room
        new = (await client.api.request("POST", f"/rooms/{old}/upgrade", body={"new_version": "12"}))[
            "replacement_room"]
        for member in (intake.api.user_id, ani.channel.api.user_id):
            await client.api.invite(new, member)
        client.room = new
        await client.say("RAHASIA-BARU-4410 kak")
        await until(lambda: "RAHASIA-BARU-4410 kak" in client_words(ani, session.id), what="heard in the new room")
        await ani.desk.end(session.id)  # zero retention: the client's rooms go at once, the new one too
        await until(lambda: unreadable(client.api, new), timeout=60, what="the new room deleted")
        assert await unreadable(client.api, old)
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_a_client_who_upgrades_their_room_while_waiting_is_served_in_the_new_room(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien10")
        await through_intake(client, intake.api.user_id, "nunggu lama")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        old = client.room
        new = (await client.api.request("POST", f"/rooms/{old}/upgrade", body={"new_version": "12"}))[
            "replacement_room"]
        await client.api.invite(new, intake.api.user_id)  # the app invites the room's members: the intake only
        client.room, before = new, len(client.received)
        await until(lambda: new in (intake.clients.get(old) or {}).get("successors", []), what="the intake follows")
        await client.say("RUANG-BARU-3321 aku masih nunggu ya kak")
        session = await ani.desk.accept(old)  # the queue entry is still the first room's
        await until(lambda: any("RUANG-BARU-3321" in t for t in client_words(ani, session.id)),
                    what="the words written in the new room while waiting")
        assert ani.store.sessions.channel_state(session.id)["room_id"] == new
        await ani.desk.send(session.id, "halo, aku Ani")
        await client.wait_for("halo, aku Ani")
        assert not any("YA" in str(e["content"].get("body")) for e in client.received[before:])  # no new intake
    finally:
        await stop(ani)
        await stop_intake(intake, task)


async def test_a_client_who_upgrades_their_room_during_the_intake_questions_goes_on_in_the_new_room(hs, data,
                                                                                                   tmp_path):
    intake, task = await intake_service(hs, data)
    try:
        client = ScriptedClient(hs, "klien11")
        await asked_for_a_package(client, intake.api.user_id)
        await client.say("1")
        await client.wait_for("satu kalimat")
        old = client.room
        new = (await client.api.request("POST", f"/rooms/{old}/upgrade", body={"new_version": "12"}))[
            "replacement_room"]
        await client.api.invite(new, intake.api.user_id)
        client.room = new
        await until(lambda: new in (intake.clients.get(old) or {}).get("successors", []), what="the intake follows")
        await client.say("susah tidur terus")  # the topic, answered in the new room
        await client.wait_for("2 minggu terakhir")  # the next question comes there
        await client.say("tidak")
        await client.wait_for("antrian")
        assert (intake.queue.get(old) or {}).get("topic") == "susah tidur terus"  # one client, one place
    finally:
        await stop_intake(intake, task)
