"""Attackers on a real Synapse, over plain HTTP (issue 10's findings, each as the attacker's script):

- `mallory`, an ordinary account on the same homeserver, looks for the staff rooms, tries to join and
  read them and the client rooms, and to invite herself in through a counselor;
- a client who controls its own room forges intake state, session facts, transfers and ends there;
- `budi`, a counselor on the roster, tries to take a colleague's session, and sends malformed requests;
- a squatter makes a room that looks like a counselor's supervision room and invites the supervisor;
- staff removed from the roster keep nothing;
- a bridged WhatsApp account's phone number never reaches staff;
- malformed events stop no loop, and a relaunch after poison connects.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from curhat_tui.bootstrap import build_supervisor
from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.channels.matrix.protocol import ALERT, CLAIM, END, HANDOVER, QUEUE_ENTRY, ROOM
from curhat_tui.channels.matrix.supervision import SUBMIT, MatrixSupervisionLink
from curhat_tui.domain.clock import SystemClock
from curhat_tui.domain.models import SessionStatus
from curhat_tui.intake.service import INTAKE_REPLY_GAP
from curhat_tui.services.desk import AcceptError
from curhat_tui.services.events import CrisisAlert
from tests.conftest import TEST_KEY
from tests.integration.test_matrix import (
    PASSWORD,
    ScriptedClient,
    api_of,
    intake_service,
    staff_of,
    stop,
    stop_intake,
    through_intake,
    until,
    workstation,
)
from tests.support.synapse import synapse_with_accounts

PHONE = "6281234567890"


@pytest.fixture(scope="module")
def hs():
    # a client account per test where one may still be waiting from an earlier test: the intake's state outlives
    # each test, and one account has one place in the queue
    yield from synapse_with_accounts(("intake", "ani", "budi", "carla", "supervisor", "exsup", "mallory", "klien1",
                                      "klien2", "klien3", "klien4", "klien5", "klien6", "klien7", "klien8", "klien9",
                                      "klien10", "klien11", "flooder", f"whatsapp_{PHONE}"), PASSWORD)


async def refused(call) -> MatrixError:
    """The server refuses `call` (a coroutine): the attacker gets an error, not the room."""
    with pytest.raises(MatrixError) as caught:
        await call
    return caught.value


def supervisor_workstation(hs, data, tmp_path):
    sari_api = api_of(hs, "supervisor")
    return build_supervisor(tmp_path / "sari", data=data, clock=SystemClock(), name="Sari", key=TEST_KEY,
                            link=lambda store: MatrixSupervisionLink(sari_api, store, "supervisor", staff=staff_of(hs),
                                                                     author="Sari", sync_timeout_ms=1000))


async def test_a_stranger_cannot_find_join_or_read_any_staff_or_client_room(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path, link=True)
    await ani.start()
    mallory, ani_api = api_of(hs, "mallory"), api_of(hs, "ani")
    try:
        client = ScriptedClient(hs, "klien1")
        await through_intake(client, intake.api.user_id, "iya sering kepikiran mati")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="client queued")
        await ani.desk.accept(client.room)
        await until(lambda: ani.supervision.link.ready.is_set(), what="Ani's supervision room")
        sv_room = ani.supervision.link.own_room
        rooms = {"queue": intake.queue_room, "supervisors": intake.supervisors_room, "client": client.room,
                 "supervision": sv_room}

        # no alias to find them by, nothing in the public directory
        for local in ("curhat-queue", "curhat-supervisors", "curhat-sv-ani"):
            assert (await refused(mallory.resolve_alias(f"#{local}:curhat.test"))).status == 404
        listed = await mallory.request("GET", "/publicRooms")
        assert not set(rooms.values()) & {r.get("room_id") for r in listed.get("chunk", [])}

        # even knowing every room id: no join, no state, no history
        for name, room in rooms.items():
            assert (await refused(mallory.join(room))).status == 403, name
            assert (await refused(mallory.room_state(room))).status == 403, name
            assert (await refused(mallory.messages(room))).status == 403, name
            assert (await refused(mallory.send(room, CLAIM, {"room_id": client.room}, f"m{time.time_ns()}"))).status \
                == 403, name

        # a counselor cannot let her in either: only the intake invites to its rooms
        for room in (intake.queue_room, intake.supervisors_room):
            assert (await refused(ani_api.invite(room, mallory.user_id))).status == 403
        for room in (intake.queue_room, intake.supervisors_room):
            levels = await intake.api.get_state(room, "m.room.power_levels")
            assert levels["invite"] == levels["state_default"] == levels["kick"] == 100
            assert (await intake.api.get_state(room, "m.room.join_rules"))["join_rule"] == "invite"
            assert (await intake.api.get_state(room, "m.room.history_visibility"))["history_visibility"] == "joined"
    finally:
        await stop(ani)
        await stop_intake(intake, intake_task)
        await mallory.close()
        await ani_api.close()


async def test_a_client_forges_nothing_in_its_own_room(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    mallory = hs.accounts["mallory"]["user_id"]
    try:
        forger = ScriptedClient(hs, "klien2")
        await forger.open(intake.api.user_id)
        await forger.wait_for("YA")
        # the client holds power 100 in its room and writes every fact it would like
        await forger.api.put_state(forger.room, "org.curhat.intake", {"step": "queued", "consent": True, "minutes": 600,
                                                                      "tier": "professional", "risk": 0})
        await forger.api.put_state(forger.room, "org.curhat.session", {"status": "active", "minutes": 600,
                                                                       "price": 0, "counselor": mallory})
        await forger.say("ya")
        await forger.wait_for("1 =")  # the intake goes on with consent given, asking for the package
        await forger.say("1")
        await forger.wait_for("satu kalimat")
        await forger.say("kerjaan")
        await forger.wait_for("2 minggu terakhir")
        await forger.say("tidak")
        await forger.wait_for("antrian")
        await until(lambda: any(v.id == forger.room for v in ani.desk.queue()), what="the forger queued")
        visit = next(v for v in ani.desk.queue() if v.id == forger.room)
        assert (visit.minutes, visit.price, visit.tier.value) == (30, 25000, "peer")  # the intake's facts
        session = await ani.desk.accept(forger.room)
        assert abs(session.deadline - session.started_at - 30 * 60) < 5

        # mid-session: a forged transfer to mallory, a forged end, and the request events in its own room
        await forger.api.put_state(forger.room, "org.curhat.session", {"status": "transfer", "transfer_to": mallory,
                                                                       "handover": "Klien minta diganti"})
        for kind, content in ((HANDOVER, {"room_id": forger.room, "note": "palsu", "to": mallory}),
                              (END, {"room_id": forger.room})):
            await forger.api.send(forger.room, kind, content, f"f{time.time_ns()}")
        await forger.say("kak masih di sana?")
        await until(lambda: any("masih di sana" in m.text for m in ani.desk.transcript(session.id)),
                    what="the next line")
        assert ani.store.sessions.get(session.id).status is SessionStatus.ACTIVE
        entry = await intake.api.get_state(intake.queue_room, QUEUE_ENTRY, forger.room)
        assert entry["status"] == "taken" and entry["taken_by"] == ani.channel.api.user_id and not entry["handover"]
        members = await forger.api.members(forger.room)
        assert mallory not in members  # nobody invited her
    finally:
        await stop(ani)
        await stop_intake(intake, intake_task)


async def test_only_the_sessions_counselor_hands_over_or_ends_and_malformed_requests_stop_nothing(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    budi = api_of(hs, "budi")
    try:
        client = ScriptedClient(hs, "klien3")
        await through_intake(client, intake.api.user_id, "capek banget")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="client queued")
        session = await ani.desk.accept(client.room)
        await budi.join(intake.queue_room)
        # a colleague on the roster asks for someone else's session, and sends requests no workstation would
        requests = [(HANDOVER, {"room_id": client.room, "note": "biar aku saja", "to": budi.user_id}),
                    (END, {"room_id": client.room}),
                    (CLAIM, {"room_id": ["!a:curhat.test"]}), (CLAIM, {"room_id": {"x": 1}}), (CLAIM, {"room_id": 7}),
                    (HANDOVER, {"room_id": client.room, "note": ["x"], "to": {"y": 1}}), (CLAIM, {"body": "x"})]
        for kind, content in requests:
            await budi.send(intake.queue_room, kind, content, f"b{time.time_ns()}")
        # a direct chat whose preset lets the intake join but not speak first
        mallory = api_of(hs, "mallory")
        await mallory.create_room(preset="private_chat", is_direct=True, invite=[intake.api.user_id],
                                  power_level_content_override={"events_default": 100})
        await mallory.close()
        honest = ScriptedClient(hs, "klien4")
        await through_intake(honest, intake.api.user_id, "masih ada yang dengerin kan")  # the intake goes on
        assert not intake_task.done()
        entry = await intake.api.get_state(intake.queue_room, QUEUE_ENTRY, client.room)
        assert entry["status"] == "taken" and entry["taken_by"] == ani.channel.api.user_id
        assert ani.store.sessions.get(session.id).status is SessionStatus.ACTIVE
        assert budi.user_id not in await client.api.members(client.room)
    finally:
        await stop(ani)
        await stop_intake(intake, intake_task)
        await budi.close()


async def test_a_client_room_that_will_not_let_the_counselor_in_strands_no_one(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien9")
        # only the client may invite in its room: the intake cannot bring a counselor in
        client.room = await client.api.create_room(preset="private_chat", is_direct=True,
                                                   invite=[intake.api.user_id],
                                                   power_level_content_override={"invite": 100})
        for prompt, answer in (("YA", "ya"), ("1 =", "1"), ("satu kalimat", "tertutup"),
                               ("2 minggu terakhir", "tidak")):
            await client.wait_for(prompt)
            await client.say(answer)
        await client.wait_for("antrian")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="queued")
        with pytest.raises(AcceptError):
            await ani.desk.accept(client.room)
        assert not [s for s in ani.desk.open_sessions() if s.visit_id == client.room]  # nothing half-open
        await until(lambda: intake.queue[client.room]["status"] == "waiting", what="the client back in the queue")
    finally:
        await stop(ani)
        await stop_intake(intake, intake_task)


async def test_the_roster_is_reconciled_at_every_start(hs, data, tmp_path):
    carla, exsup = hs.accounts["carla"]["user_id"], hs.accounts["exsup"]["user_id"]
    intake, intake_task = await intake_service(hs, data, counselors=("ani", "budi", "carla"),
                                               supervisors=("supervisor", "exsup"))
    for name in ("carla", "exsup"):
        api = api_of(hs, name)
        await api.join(intake.supervisors_room)
        if name == "carla":
            await api.join(intake.queue_room)
        await api.close()
    levels = await intake.api.get_state(intake.supervisors_room, "m.room.power_levels")
    assert levels["users"].get(exsup) == 50
    carla_ws = workstation(hs, "carla", "Carla", data, tmp_path)
    await carla_ws.start()
    client = ScriptedClient(hs, "klien10")
    await through_intake(client, intake.api.user_id, "boleh cerita?")
    await until(lambda: any(v.id == client.room for v in carla_ws.desk.queue()), what="the client in Carla's queue")
    await stop_intake(intake, intake_task)

    # the operator takes carla and exsup off the roster and restarts the intake
    intake, intake_task = await intake_service(hs, data)
    try:
        for room in (intake.queue_room, intake.supervisors_room):
            members = await intake.api.members(room)
            assert members.get(carla) in (None, "leave") and members.get(exsup) in (None, "leave")
        levels = await intake.api.get_state(intake.supervisors_room, "m.room.power_levels")
        assert exsup not in levels["users"] and levels["users"][hs.accounts["supervisor"]["user_id"]] == 50
        # Carla's running workstation loses the queue at once and says why
        await until(lambda: carla_ws.desk.connection == "error", what="Carla's workstation in error")
        assert not carla_ws.desk.queue()
        api = api_of(hs, "carla")
        assert (await refused(api.join(intake.queue_room))).status == 403
        assert (await refused(api.send(intake.queue_room, CLAIM, {"room_id": "!x:curhat.test"}, "c1"))).status == 403
        await api.close()
    finally:
        await stop(carla_ws)
        await stop_intake(intake, intake_task)


async def test_a_squatted_look_alike_supervision_room_fools_no_one(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data)
    mallory, budi = api_of(hs, "mallory"), api_of(hs, "budi")
    sari = hs.accounts["supervisor"]["user_id"]
    # before Ani's workstation ever ran: her old alias, a name and a marker that look right, the supervisor invited
    fake = await mallory.create_room(room_alias_name="curhat-sv-ani", name="curhat supervision @ani:curhat.test",
                                     preset="private_chat", invite=[sari],
                                     initial_state=[{"type": ROOM, "state_key": "", "content": {"kind": "supervision"}}])
    sup = supervisor_workstation(hs, data, tmp_path)
    seen: list = []
    sup.workstation.listen(seen.append)
    ani = workstation(hs, "ani", "Ani", data, tmp_path, link=True)
    await sup.workstation.start()
    await ani.start()
    try:
        await until(lambda: ani.supervision.link.ready.is_set(), what="Ani's supervision room")
        assert ani.supervision.link.own_room != fake
        await mallory.put_state(fake, "org.curhat.live", {"alias": "palsu", "counselor": "Ani"}, "forged-session")
        await mallory.send(fake, SUBMIT, {"submission": "s", "part": 0, "parts": 1,
                                          "data": '{"session": {"id": "forged"}}'}, f"m{time.time_ns()}")
        # a roster counselor's malformed alerts in the supervisors' room
        await budi.join(intake.supervisors_room)
        for content in ({"msgtype": "m.text", "body": "x", ALERT: "not an object"},
                        {"msgtype": "m.text", "body": "y", ALERT: {"session": ["x"], "item": {"a": 1}}}):
            await budi.send(intake.supervisors_room, "m.room.message", content, f"b{time.time_ns()}")
        await budi.send(intake.supervisors_room, SUBMIT, {"part": "x", "parts": "abc", "submission": "s", "data": "{"},
                        f"b{time.time_ns()}")

        client = ScriptedClient(hs, "klien5")
        await through_intake(client, intake.api.user_id, "aku takut sendirian malam ini")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="client queued")
        session = await ani.desk.accept(client.room)
        sv = sup.workstation.supervision
        await until(lambda: session.id in [r.session_id for r in sv.live()], timeout=30, what="the real live row")
        ani.flags.raise_flag(session.id, "suicide", {"wish_dead": True, "thoughts": True, "behaviour": False})
        await until(lambda: any(isinstance(e, CrisisAlert) and e.session_id == session.id for e in seen),
                    timeout=30, what="the real crisis alert")
        assert (await mallory.members(fake)).get(sari) == "invite"  # never joined
        assert not any(r.session_id == "forged-session" for r in sv.live()) and not sv.review_list()
        # the whisper goes to Ani's real room, which mallory cannot enter
        assert (await refused(mallory.join(ani.supervision.link.own_room))).status == 403
    finally:
        await stop(ani)
        await sup.workstation.stop()
        sup.store.close()
        await stop_intake(intake, intake_task)
        await mallory.close()
        await budi.close()


async def test_a_bridged_phone_number_never_reaches_staff(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        puppet = ScriptedClient(hs, f"whatsapp_{PHONE}")
        await through_intake(puppet, intake.api.user_id, "dari whatsapp")
        await until(lambda: any(v.id == puppet.room for v in ani.desk.queue()), what="queued")
        visit = next(v for v in ani.desk.queue() if v.id == puppet.room)
        assert PHONE not in visit.alias and PHONE not in visit.client_key and "-" in visit.alias
        session = await ani.desk.accept(puppet.room)
        ani.flags.raise_flag(session.id, "self_harm")
        await asyncio.sleep(1.0)
        for room in (intake.queue_room, intake.supervisors_room):
            state = await intake.api.room_state(room)
            history = await intake.api.messages(room, limit=200)
            assert PHONE not in repr(state) + repr(history), room
        assert PHONE not in repr(ani.store.sessions.channel_state(session.id)) and PHONE not in session.alias
    finally:
        await stop(ani)
        await stop_intake(intake, intake_task)


async def test_poisoned_queue_entries_stop_no_counselor_and_a_relaunch_recovers(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path / "first")
    await ani.start()
    relaunched = None
    try:
        await until(lambda: ani.desk.connection == "connected", what="Ani connected")
        # entries no intake would write (a bug, or a stolen intake token): wrong types everywhere
        poison = {"!poison-minutes:curhat.test": {"status": "waiting", "minutes": "abc", "alias": "x"},
                  "!poison-alias:curhat.test": {"status": "waiting", "alias": ["a", "list"]},
                  "!poison-risk:curhat.test": {"status": "waiting", "risk": {"high": True}},
                  "!poison-body:curhat.test": {"status": ["waiting"]}}
        for room, content in poison.items():
            await intake.api.put_state(intake.queue_room, QUEUE_ENTRY, content, room)
        honest = ScriptedClient(hs, "klien6")
        await through_intake(honest, intake.api.user_id, "capek kuliah")
        await until(lambda: honest.room in {v.id for v in ani.desk.queue()}, what="the honest client")
        assert not any(v.id.startswith("!poison") for v in ani.desk.queue())
        assert ani.desk.connection == "connected"
        relaunched = workstation(hs, "ani", "Ani", data, tmp_path / "second")
        await relaunched.start()
        await until(lambda: honest.room in {v.id for v in relaunched.desk.queue()}, what="queue after relaunch")
        await until(lambda: relaunched.desk.connection == "connected", what="the relaunch connected")
    finally:
        for room in ("!poison-minutes:curhat.test", "!poison-alias:curhat.test", "!poison-risk:curhat.test",
                     "!poison-body:curhat.test"):
            await intake.api.put_state(intake.queue_room, QUEUE_ENTRY, {}, room)
        await stop(ani, *([relaunched] if relaunched else []))
        await stop_intake(intake, intake_task)


async def test_what_a_client_writes_while_queued_raises_its_place_and_reaches_the_counselor(hs, data, tmp_path):
    """Not an attack: the waiting period counts (issue 10, item 3)."""
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path / "waiting")
    await ani.start()
    try:
        first = ScriptedClient(hs, "klien7")
        await through_intake(first, intake.api.user_id, "lagi sedih aja")
        await until(lambda: first.room in {v.id for v in ani.desk.queue()}, what="client queued")
        assert next(v for v in ani.desk.queue() if v.id == first.room).risk == 0
        await first.say("kak aku barusan minum obat banyak, sekarang pusing")
        await until(lambda: ani.desk.queue() and ani.desk.queue()[0].id == first.room and ani.desk.queue()[0].risk == 3,
                    what="the queue's risk raised, first in line")
        for n in range(3):
            await first.say(f"kak masih di situ? ({n})")
        session = await ani.desk.accept(first.room)
        await until(lambda: len([m for m in ani.desk.transcript(session.id) if m.sender.value == "client"]) == 4,
                    what="the waiting-period messages in the transcript")
        words = [m for m in ani.desk.transcript(session.id) if m.sender.value == "client"]
        assert words[0].text.startswith("kak aku barusan minum obat banyak") and "substance" in words[0].flags
        assert not any(m.text in ("ya", "1", "tidak", "lagi sedih aja") for m in words)  # the intake's part stays out
        # a picture and a place after the claim: placeholders naming what came, not a bare file name
        await first.api.send(first.room, "m.room.message", {"msgtype": "m.image", "body": "IMG_2041.jpg",
                                                            "url": "mxc://curhat.test/x"}, f"i{time.time_ns()}")
        await first.api.send(first.room, "m.room.message", {"msgtype": "m.location", "body": "Lokasi saya",
                                                            "geo_uri": "geo:-6.2,106.8"}, f"l{time.time_ns()}")
        await until(lambda: any(m.text.startswith("[lokasi dibagikan: Lokasi saya geo:-6.2,106.8]")
                                for m in ani.desk.transcript(session.id)), what="the place as a placeholder")
        assert any(m.text.startswith("[gambar dikirim: IMG_2041.jpg]") for m in ani.desk.transcript(session.id))

        # an edit replaces the shown text; a deletion takes the words out of the store too
        said = await first.api.send(first.room, "m.room.message", {"msgtype": "m.text", "body": "aku tinggal di Depok"},
                                    f"s{time.time_ns()}")
        await until(lambda: any(m.text == "aku tinggal di Depok" for m in ani.desk.transcript(session.id)),
                    what="the line to edit")
        await first.api.send(first.room, "m.room.message", {
            "msgtype": "m.text", "body": "* aku tinggal di Bogor", "m.new_content": {"msgtype": "m.text",
                                                                               "body": "aku tinggal di Bogor"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": said}}, f"e{time.time_ns()}")
        await until(lambda: any(m.text == "aku tinggal di Bogor" and m.edited_at for m in ani.desk.transcript(session.id)),
                    what="the edit")
        assert not any("Depok" in m.text for m in ani.desk.transcript(session.id))
        assert not any(m.text.startswith("* aku") for m in ani.desk.transcript(session.id))  # not a new line
        await first.api.request("PUT", f"/rooms/{first.room}/redact/{said}/r{time.time_ns()}", body={})
        await until(lambda: any(m.redacted for m in ani.desk.transcript(session.id)), what="the deletion")
        assert not any("Bogor" in m.text for m in ani.store.messages.for_session(session.id))

        # the client leaves mid-session: the session ends here on the intake's word
        await first.api.leave(first.room)
        await until(lambda: ani.store.sessions.get(session.id).status is SessionStatus.WRAPUP,
                    what="the session closed at the counselor's")
    finally:
        await stop(ani)
        await stop_intake(intake, intake_task)


async def test_a_flooding_client_gets_few_replies_and_slows_nobody_else(hs, data, tmp_path, monkeypatch):
    monkeypatch.setattr("curhat_tui.intake.service.INTAKE_REPLY_GAP", INTAKE_REPLY_GAP)  # the service's own pace
    intake, intake_task = await intake_service(hs, data)
    try:
        flooder = ScriptedClient(hs, "flooder")
        await flooder.open(intake.api.user_id)
        await flooder.wait_for("YA")

        async def intake_lines() -> int:  # every line the intake wrote in the room (a sync timeline may be cut)
            page = await flooder.api.messages(flooder.room, None, "b", 1000)
            return sum(1 for e in page["chunk"] if e.get("type") == "m.room.message"
                       and e.get("sender") == intake.api.user_id)

        before = await intake_lines()
        began = time.monotonic()
        for wave in range(15):  # 300 lines, twenty at a time
            await asyncio.gather(*(flooder.say(f"spam {wave}-{n}") for n in range(20)))
        flood_seconds = time.monotonic() - began
        honest = ScriptedClient(hs, "klien11")
        await through_intake(honest, intake.api.user_id, "aku cuma mau cerita")  # not held up by the flood
        await asyncio.sleep(2.0)
        replies = await intake_lines() - before
        # at most one answer a second to this client, however long the flood took on this machine (and far
        # fewer than one per line); the honest client was served meanwhile
        allowed = flood_seconds / INTAKE_REPLY_GAP + 3
        assert replies <= allowed and replies < 30, f"{replies} intake replies to 300 lines in {flood_seconds:.1f} s"
        await flooder.say("ya")  # the newest line is still the answer
        await flooder.wait_for("1 =")
    finally:
        await stop_intake(intake, intake_task)


async def test_what_a_client_or_a_stolen_intake_token_puts_in_the_province_never_reaches_a_script(hs, data, tmp_path):
    """The province a script is ordered by: only one of the 38 names, whatever a client writes or forges in its room,
    and whatever a queue entry says (an intake token in the wrong hands writes entries the workstation reads)."""
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien8")
        await through_intake(client, intake.api.user_id, "lagi berat")
        await client.wait_for("provinsi atau kota")
        # the client holds power 100 in its room: it writes its own intake state with a province of its choosing
        await client.api.put_state(client.room, "org.curhat.intake", {"step": "region", "region": "[red]PWNED[/red]"})
        await client.say("[b]aceh[/b] \x1b[2J<script>alert(1)</script>")  # markup and escapes around a real name
        reply = await client.wait_for("dicatat")
        assert "Aceh" in reply["content"]["body"]
        for bad in ("[b]", "\x1b", "<script>", "PWNED"):
            assert bad not in reply["content"]["body"]  # the reply names the canonical province only
        await until(lambda: (intake.queue.get(client.room) or {}).get("region") == "Aceh", what="Aceh kept")

        # a stolen intake token rewrites the entry: a province no intake would write, then one of the wrong type
        entry = await intake.api.get_state(intake.queue_room, QUEUE_ENTRY, client.room)
        for forged in ("[red]PWNED[/red] <script>", ["Aceh"]):
            await intake.api.put_state(intake.queue_room, QUEUE_ENTRY, {**entry, "region": forged}, client.room)
        await until(lambda: (ani.channel.queue.get(client.room) or {}).get("region") == ["Aceh"],
                    what="the forged entry read")
        session = await ani.desk.accept(client.room)
        assert ani.flags.region(session.id) == ""  # not a province: the script offers national services only
        script = ani.flags.raise_flag(session.id, "suicide")
        assert "PWNED" not in script.text and "RSJ Aceh" not in script.text and "SEJIWA" in script.text
    finally:
        await stop(ani)
        await stop_intake(intake, intake_task)
