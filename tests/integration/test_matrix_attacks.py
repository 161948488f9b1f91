"""Attackers on a real Synapse, over plain HTTP: an ordinary account and a client who controls its own room
write malformed and forged events. Whatever they write, no loop stops: the intake goes on serving clients,
every counselor's queue keeps filling, a supervisor keeps hearing crisis alerts, and a relaunch after a
poisoned event connects.

(The trust model itself, who may write what where, is issue 10's rebuild; these pin that one bad event
never blinds anyone.)"""

from __future__ import annotations

import asyncio
import time

import pytest

from curhat_tui.bootstrap import build_supervisor
from curhat_tui.channels.matrix.api import MatrixAPI
from curhat_tui.channels.matrix.channel import MatrixChannel
from curhat_tui.channels.matrix.protocol import ALERT, CLAIM, INTAKE, QUEUE_ALIAS, QUEUE_ENTRY, SUPERVISORS_ALIAS, alias
from curhat_tui.channels.matrix.supervision import SUBMIT, MatrixSupervisionLink
from curhat_tui.domain.clock import SystemClock
from curhat_tui.services.events import CrisisAlert
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import TEST_KEY
from tests.integration.test_matrix import PASSWORD, ScriptedClient, intake_service, through_intake, until
from tests.support.synapse import synapse_with_accounts


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "supervisor", "mallory", "klien1", "klien2", "klien3",
                                      "klien4", "klien5", "klien6", "flooder"), PASSWORD)


def api_of(hs, name: str) -> MatrixAPI:
    account = hs.accounts[name]
    api = MatrixAPI(hs.base_url, account["access_token"])
    api.user_id = account["user_id"]
    return api


def counselor(hs, data, tmp_path, folder: str) -> Workstation:
    api = api_of(hs, "ani")
    store = Store(tmp_path / folder / "curhat.db", kind="real")
    clock = SystemClock()
    channel = MatrixChannel(api, store, clock, "Ani", data.strings, sync_timeout_ms=1000, claim_timeout=10)
    return Workstation(store, channel, clock, data, counselor="Ani")


async def stop(*workstations: Workstation) -> None:
    for ws in workstations:
        await ws.stop()
        ws.store.close()


async def stop_intake(intake, task) -> None:
    intake.stopped = True
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_poisoned_queue_entries_and_forged_intake_state_stop_no_counselor(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data, tmp_path)
    ani = counselor(hs, data, tmp_path, "first")
    await ani.start()
    relaunched = None
    try:
        await until(lambda: ani.desk.connection == "connected", what="Ani connected")
        # entries no intake would write: a number that is text, a list for a name, an object for a risk
        poison = {"!poison-minutes:curhat.test": {"status": "waiting", "minutes": "abc", "alias": "x"},
                  "!poison-alias:curhat.test": {"status": "waiting", "alias": ["a", "list"]},
                  "!poison-risk:curhat.test": {"status": "waiting", "risk": {"high": True}},
                  "!poison-body:curhat.test": {"status": ["waiting"]}}
        for room, content in poison.items():
            await intake.api.put_state(intake.queue_room, QUEUE_ENTRY, content, room)

        # a client who controls its own room forges the intake state before answering
        forger = ScriptedClient(hs, "klien1")
        await forger.open(intake.api.user_id)
        await forger.wait_for("YA")
        await forger.say("ya")
        await forger.wait_for("1 =")
        await forger.api.put_state(forger.room, INTAKE, {"step": "package", "minutes": "abc", "tier": ["x"],
                                                         "consent": "yes", "risk": "high"})
        await forger.say("1")
        await forger.wait_for("satu kalimat")
        await forger.say("kerja")
        await forger.wait_for("2 minggu terakhir")
        await forger.say("tidak")
        await forger.wait_for("antrian")

        honest = ScriptedClient(hs, "klien2")
        await through_intake(honest, intake.api.user_id, "capek kuliah")
        await until(lambda: {honest.room, forger.room} <= {v.id for v in ani.desk.queue()}, what="both clients")
        assert not any(v.id.startswith("!poison") for v in ani.desk.queue())
        assert ani.desk.connection == "connected"

        # a workstation launched with the poison already in the queue's state connects and sees the clients
        relaunched = counselor(hs, data, tmp_path, "second")
        await relaunched.start()
        await until(lambda: honest.room in {v.id for v in relaunched.desk.queue()}, what="queue after relaunch")
        await until(lambda: relaunched.desk.connection == "connected", what="the relaunch connected")
    finally:
        await stop(ani, *([relaunched] if relaunched else []))
        await stop_intake(intake, intake_task)


async def test_hostile_claims_and_direct_chats_stop_no_intake(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data, tmp_path)
    mallory = api_of(hs, "mallory")
    try:
        queue_room = await mallory.join(alias(QUEUE_ALIAS, mallory.user_id))
        for content in ({"room_id": ["!a:curhat.test"]}, {"room_id": {"x": 1}}, {"room_id": 7}, "not an object"):
            body = content if isinstance(content, dict) else {"body": content}
            await mallory.send(queue_room, CLAIM, body, f"m{time.time_ns()}")
        # a direct chat whose preset lets the intake join but not speak first
        await mallory.create_room(preset="private_chat", is_direct=True, invite=[intake.api.user_id],
                                  power_level_content_override={"events_default": 100})
        await asyncio.sleep(1.5)  # the intake's next sync rounds carry all of it
        assert not intake_task.done(), "the intake service stopped"

        client = ScriptedClient(hs, "klien3")
        await through_intake(client, intake.api.user_id, "masih ada yang dengerin kan")
        assert not intake_task.done()
    finally:
        await stop_intake(intake, intake_task)
        await mallory.close()


async def test_malformed_events_in_the_supervisors_room_never_blind_a_supervisor(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data, tmp_path)
    intake.supervisors = [hs.accounts["supervisor"]["user_id"]]
    await intake._appoint_supervisors()
    sari_api, mallory = api_of(hs, "supervisor"), api_of(hs, "mallory")
    clock = SystemClock()
    sup = build_supervisor(tmp_path / "sari", data=data, clock=clock, name="Sari", key=TEST_KEY,
                           link=lambda store: MatrixSupervisionLink(sari_api, store, "supervisor", author="Sari",
                                                                    sync_timeout_ms=1000))
    seen: list = []
    sup.workstation.listen(seen.append)
    ani = counselor(hs, data, tmp_path, "ani")
    await sup.workstation.start()
    await ani.start()
    try:
        await until(lambda: sup.workstation.supervision.link.ready.is_set(), what="supervision link ready")
        room = await mallory.join(alias(SUPERVISORS_ALIAS, mallory.user_id))
        for event_type, content in ((SUBMIT, {"part": "x", "parts": "abc", "submission": "s", "data": "{"}),
                                    (SUBMIT, {"part": 0, "parts": 1, "submission": "t", "data": "[1, 2]"}),
                                    ("m.room.message", {"msgtype": "m.text", "body": "x", ALERT: "not an object"}),
                                    ("m.room.message", {"msgtype": "m.text", "body": "y",
                                                        ALERT: {"session": ["x"], "item": {"a": 1}}})):
            await mallory.send(room, event_type, content, f"m{time.time_ns()}")
        await asyncio.sleep(2.5)  # the supervisor's link syncs past them

        client = ScriptedClient(hs, "klien4")
        await through_intake(client, intake.api.user_id, "aku takut sendirian malam ini")
        await until(lambda: client.room in {v.id for v in ani.desk.queue()}, what="client in Ani's queue")
        session = await ani.desk.accept(client.room)
        ani.flags.raise_flag(session.id, "suicide", {"wish_dead": True, "thoughts": True, "behaviour": False})
        await until(lambda: any(isinstance(e, CrisisAlert) and e.session_id == session.id for e in seen),
                    timeout=30, what="the real crisis alert at the supervisor's")
    finally:
        await stop(ani)
        await sup.workstation.stop()
        sup.store.close()
        await stop_intake(intake, intake_task)
        await mallory.close()


async def test_what_a_client_writes_while_queued_raises_its_place_and_reaches_the_counselor(hs, data, tmp_path):
    """Not an attack: the waiting period counts (issue 10, item 3)."""
    intake, intake_task = await intake_service(hs, data, tmp_path)
    ani = counselor(hs, data, tmp_path, "waiting")
    await ani.start()
    try:
        first = ScriptedClient(hs, "klien5")
        await through_intake(first, intake.api.user_id, "lagi sedih aja")
        await until(lambda: first.room in {v.id for v in ani.desk.queue()}, what="client queued")
        assert ani.desk.queue()[0].risk == 0
        await first.say("kak aku barusan minum obat banyak, sekarang pusing")
        await until(lambda: ani.desk.queue() and ani.desk.queue()[0].risk == 3, what="the queue's risk raised")
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
    finally:
        await stop(ani)
        await stop_intake(intake, intake_task)


async def test_a_flooding_client_gets_few_replies_and_slows_nobody_else(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data, tmp_path)
    try:
        flooder = ScriptedClient(hs, "flooder")
        await flooder.open(intake.api.user_id)
        await flooder.wait_for("YA")

        async def intake_lines() -> int:  # every line the intake wrote in the room (a sync timeline may be cut)
            page = await flooder.api.messages(flooder.room, None, "b", 1000)
            return sum(1 for e in page["chunk"] if e.get("type") == "m.room.message"
                       and e.get("sender") == intake.api.user_id)

        before = await intake_lines()
        for wave in range(15):  # 300 lines, twenty at a time
            await asyncio.gather(*(flooder.say(f"spam {wave}-{n}") for n in range(20)))
        honest = ScriptedClient(hs, "klien6")
        await through_intake(honest, intake.api.user_id, "aku cuma mau cerita")  # not held up by the flood
        await asyncio.sleep(2.0)
        replies = await intake_lines() - before
        assert replies <= 8, f"{replies} intake replies to 300 lines"
        await flooder.say("ya")  # the newest line is still the answer
        await flooder.wait_for("1 =")
    finally:
        await stop_intake(intake, intake_task)
