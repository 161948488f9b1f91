"""Red team, round six: the supervision path attacked by a colleague (a roster counselor's own account, raw HTTP), a
colleague's claim under another's name, a risky line the intake takes for answered, a reaction, media, a new device on
the client's account during a handover, and a supervisor taken off the roster.

A test marked xfail(strict=True) shows a defect that is still there; an unmarked one shows a defence that holds (each
defect found here was fixed during the round and its test unmarked).
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from curhat_tui.bootstrap import build_supervisor
from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.channels.matrix.channel import MatrixChannel
from curhat_tui.channels.matrix.protocol import ALERT, closed_room
from curhat_tui.channels.matrix.staff import Staff, discover
from curhat_tui.channels.matrix.supervision import LIVE, SUBMIT, SUPERVISION, MatrixSupervisionLink
from curhat_tui.domain.clock import SystemClock
from curhat_tui.intake.service import IntakeService
from curhat_tui.services.events import CrisisAlert, Notice
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import TEST_KEY
from tests.integration import test_matrix_redteam5 as red5
from tests.integration.test_matrix import (
    PASSWORD,
    ScriptedClient,
    api_of,
    client_words,
    eventually,
    intake_service,
    reads,
    staff_of,
    stop,
    stop_intake,
    through_intake,
    until,
    workstation,
)
from tests.support.synapse import synapse_with_accounts

olm_dir = red5.olm_dir  # a module fixture: one Olm store per device, its identity keys uploaded once


@pytest.fixture(scope="module")
def hs():
    # one client account per test: the intake's state outlives a test, and a waiting client has one place in the queue
    # intake6: the encrypted test's own intake, so that the first intake's rooms and device stay without Olm keys
    yield from synapse_with_accounts(("intake", "intake6", "ani", "budi", "supervisor", "exsup6",
                                      *(f"r6{c}" for c in "abcdefgh")), PASSWORD)


def _supervisor(hs, data, tmp_path):
    """Sari's supervisor workstation over Matrix (no Olm: the rooms here are plain) and the events it tells."""
    clock = SystemClock()
    sup = build_supervisor(tmp_path / "sari", data=data, clock=clock, name="Sari", key=TEST_KEY,
                           link=lambda store: MatrixSupervisionLink(api_of(hs, "supervisor"), store, "supervisor",
                                                                    staff=staff_of(hs), author="Sari",
                                                                    sync_timeout_ms=1000))
    seen: list = []
    sup.workstation.listen(seen.append)
    return sup, seen


async def _taken(hs, ws, intake, name: str, topic: str) -> tuple:
    """A client of account `name` through the intake, taken by workstation `ws`: (the client, the session)."""
    client = ScriptedClient(hs, name)
    await through_intake(client, intake.api.user_id, topic)
    await until(lambda: any(v.id == client.room for v in ws.desk.queue()), what="queued")
    return client, await ws.desk.accept(client.room)


# ---- the supervisors' room: alerts ------------------------------------------------------------------------------
async def test_a_colleague_cannot_raise_an_alert_on_another_counselors_session(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    sup, seen = _supervisor(hs, data, tmp_path)
    await sup.workstation.start()
    ani = workstation(hs, "ani", "Ani", data, tmp_path, link=True)
    await ani.start()
    budi = api_of(hs, "budi")
    try:
        client, session = await _taken(hs, ani, intake, "r6a", "capek kerja")
        sv = sup.workstation.supervision
        await until(lambda: session.id in [r.session_id for r in sv.live()], timeout=30, what="Ani's live session")
        staff = await discover(budi, staff_of(hs))  # Budi's workstation is in the staff rooms, as every colleague's
        ani.flags.raise_flag(session.id, "substance")  # Ani's own alert: every roster counselor reads it

        async def alert_read() -> dict | None:
            page = await budi.messages(staff.supervisors_room, direction="b", limit=50)
            return next((e["content"][ALERT] for e in page.get("chunk", []) if ALERT in e.get("content", {})), None)
        told = await until(alert_read, what="Ani's alert, as Budi reads it")
        assert told["session"] == session.id
        await budi.send(staff.supervisors_room, "m.room.message", {"msgtype": "m.notice", "body": "⚠", ALERT: {
            "session": told["session"], "item": "PALSU-7731 klien sudah memegang pisau", "risk": "imminent"}},
            f"forged-{time.time_ns()}")
        ani.flags.raise_flag(session.id, "abuse")  # Ani's next alert: once it is heard, Budi's came before it
        await until(lambda: sum(isinstance(e, CrisisAlert) and e.session_id == session.id for e in seen) >= 2,
                    timeout=30, what="Ani's second alert at the supervisor's")
        forged = [e for e in seen if isinstance(e, CrisisAlert) and "PALSU-7731" in e.item]
        assert not forged, f"shown as {forged[0].counselor}'s alert on {forged[0].alias}" if forged else ""
        assert not any("PALSU-7731" in r.alert for r in sv.live())
    finally:
        await stop(ani)
        await stop(sup.workstation)  # its store is the supervisor's store
        await budi.close()
        await stop_intake(intake, task)


# ---- a colleague's own supervision room -------------------------------------------------------------------------
def _forged_snapshot(session_id: str, counselor: str) -> dict:
    now = time.time()
    session = {"id": session_id, "visit_id": "!made-up:hs", "client_key": "!made-up:hs", "alias": "Mawar",
               "tier": "peer", "minutes": 30, "price": 0, "counselor": counselor, "started_at": now - 1800,
               "deadline": now, "status": "closed", "risk": 0, "end_reason": "done", "skip_reason": "",
               "ended_at": now, "lang": "id"}
    return {"session": session, "messages": [
        {"id": 1, "sender": "counselor", "text": "PALSU-4410 kamu memang pantas diperlakukan begitu", "ts": now - 900,
         "delivery": "sent", "flags": []}], "flags": [], "scripts": [], "extensions": [], "note_versions": []}


async def _budis_room(hs, data, tmp_path) -> tuple:
    """The intake, Sari's supervisor workstation, and Budi's own supervision room (made as a workstation makes one)
    with Sari in it: (intake, its task, the supervisor, Budi's raw API, the room)."""
    intake, task = await intake_service(hs, data)
    sup, _ = _supervisor(hs, data, tmp_path)
    await sup.workstation.start()
    budi = api_of(hs, "budi")
    room = await budi.create_room(**closed_room("curhat supervision", SUPERVISION, history="invited"))
    await budi.invite(room, hs.accounts["supervisor"]["user_id"])
    await until(lambda: sup.workstation.supervision.link.owners.get(room), timeout=30, what="the supervisor in")
    return intake, task, sup, budi, room


async def test_a_colleague_cannot_submit_a_note_in_another_counselors_name(hs, data, tmp_path):
    intake, task, sup, budi, room = await _budis_room(hs, data, tmp_path)
    sv = sup.workstation.supervision
    try:
        data_ = json.dumps(_forged_snapshot("forged-note-1", "Ani"))
        await budi.send(room, SUBMIT, {"submission": "forged-note-1-0", "part": 0, "parts": 1, "data": data_},
                        f"forged-{time.time_ns()}")
        item = await until(lambda: next((i for i in sv.review_list() if i.session_id == "forged-note-1"), None),
                           timeout=30, what="the submitted note at the supervisor's")
        assert item.counselor != "Ani", "Budi's note is listed, and will be signed off, as Ani's"
    finally:
        await stop(sup.workstation)  # its store is the supervisor's store
        await budi.close()
        await stop_intake(intake, task)


async def test_a_colleague_cannot_put_a_session_on_the_live_board_in_another_counselors_name(hs, data, tmp_path):
    intake, task, sup, budi, room = await _budis_room(hs, data, tmp_path)
    sv = sup.workstation.supervision
    try:
        now_ms = int(time.time() * 1000)
        await budi.put_state(room, LIVE, {"counselor": "Ani", "alias": "Melati", "started_at_ms": now_ms,
                                          "deadline_ms": now_ms + 1_800_000, "risk": 3, "status": "active"},
                             state_key="forged-live-1")
        row = await until(lambda: next((r for r in sv.live() if r.session_id == "forged-live-1"), None), timeout=30,
                          what="the live row at the supervisor's")
        assert row.counselor != "Ani", "a high-risk session Ani does not have is on the board as hers"
    finally:
        await stop(sup.workstation)  # its store is the supervisor's store
        await budi.close()
        await stop_intake(intake, task)


# ---- the end of a session: a risky line "answered" (intake/relay.py note_answered) ---------------------------------
LAST_WORDS = "kak aku udah siapin talinya, malam ini aku mau gantung diri"


async def test_a_risk_line_that_never_reached_the_counselor_is_not_taken_as_answered(hs, data, tmp_path):
    if not data.phrases.detect(LAST_WORDS).imminent:
        pytest.skip("the detector does not call this statement imminent any more")
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client, session = await _taken(hs, ani, intake, "r6b", "capek sama semuanya")
        await ani.channel.sync.stop(last=True)  # Ani's workstation hears nothing more (a network hiccup, say)
        await client.say(LAST_WORDS)
        await ani.desk.send(session.id, "oke, kita lanjut minggu depan ya")  # typed before; sent after it
        await client.wait_for("kita lanjut minggu depan")
        await ani.desk.end(session.id)
        assert LAST_WORDS not in client_words(ani, session.id)  # the counselor never saw it

        def decided() -> bool:  # the end read: the record is a new intake's, or the client is queued again at once
            step = ((intake.clients.get(client.room) or {}).get("intake") or {}).get("step")
            status = (intake.queue.get(client.room) or {}).get("status")
            return status == "waiting" or (status == "closed" and step == "new")
        await until(decided, what="the end read by the intake")
        assert (intake.queue.get(client.room) or {}).get("status") == "waiting", \
            "the client's last words reached no one: closed as if the counselor had answered them"
    finally:
        await stop(ani)
        await stop_intake(intake, task)


# ---- what a client says without words ------------------------------------------------------------------------------
async def test_a_clients_reaction_to_the_counselors_question_reaches_the_counselor(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client, session = await _taken(hs, ani, intake, "r6c", "susah tidur")
        await ani.desk.send(session.id, "Apakah kamu aman di rumah malam ini?")
        question = await client.wait_for("aman di rumah")
        await client.api.send(client.room, "m.reaction", {"m.relates_to": {
            "rel_type": "m.annotation", "event_id": question["event_id"], "key": "👎"}}, f"r{time.time_ns()}")
        await client.say("REAKSI-2207 ...")  # after the reaction, in the same room: heard after it
        await until(lambda: any("REAKSI-2207" in w for w in client_words(ani, session.id)), what="the next line")
        assert any("👎" in m.text for m in ani.desk.transcript(session.id)), \
            "the client's 👎 to 'are you safe at home tonight?' is nowhere on the counselor's screen"
    finally:
        await stop(ani)
        await stop_intake(intake, task)


# ---- fad71e1: the client's devices a room key went to, across a handover ---------------------------------------
def _encrypting(hs, data, tmp_path, olm_dir, name: str, display: str) -> Workstation:
    from tests.integration.test_matrix_e2ee import crypto_for

    store = Store(tmp_path / name / "curhat.db")
    channel = MatrixChannel(api_of(hs, name), store, SystemClock(), display, data.strings,
                            staff=Staff(intake=hs.accounts["intake6"]["user_id"]), sync_timeout_ms=1000,
                            claim_timeout=10)
    channel.sync.crypto = crypto_for(hs, name, olm_dir / name)
    return Workstation(store, channel, SystemClock(), data, counselor=display)


async def test_a_device_signed_in_to_the_clients_account_during_a_handover_is_told(hs, data, tmp_path, olm_dir):
    from tests.integration.test_matrix_e2ee import EncryptedClient, crypto_for

    intake_api = api_of(hs, "intake6")
    intake = IntakeService(intake_api, data, state_file=olm_dir / "intake6.json", sync_timeout_ms=1000,
                           crypto=crypto_for(hs, "intake6", olm_dir / "intake6"),
                           counselors=[hs.accounts["ani"]["user_id"], hs.accounts["budi"]["user_id"]])
    task = asyncio.create_task(intake.run())
    ani, budi = (_encrypting(hs, data, tmp_path, olm_dir, *who) for who in (("ani", "Ani"), ("budi", "Budi")))
    heard: list = []
    budi.listen(heard.append)
    told = lambda: [e for e in heard if isinstance(e, Notice) and e.key == "notice.client_new_device"]  # noqa: E731
    client = EncryptedClient(hs, "r6e", olm_dir / "r6e")
    other = None
    try:
        await until(lambda: getattr(intake, "sync", None) is not None and intake.sync.state == "connected",
                    what="intake set-up")
        await ani.start()
        await budi.start()
        await client.open(intake_api.user_id)
        await client.wait_for("YA")
        for prompt, answer in (("1 =", "ya"), ("satu kalimat", "1"), ("2 minggu terakhir", "suami"),
                               ("antrian", "tidak")):
            await client.say(answer)
            await client.wait_for(prompt)
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), timeout=30, what="queued")
        session = await ani.desk.accept(client.room)
        await ani.desk.send(session.id, "ANI-6301 aku di sini, ceritakan pelan-pelan")
        await client.wait_for("ANI-6301")  # the room key went to the client's one device
        await ani.desk.transfer(session.id, "butuh konselor lain", to=hs.accounts["budi"]["user_id"])
        other = await red5._signed_in_elsewhere(hs, "r6e", olm_dir)  # meanwhile, someone on the client's account
        handed = await until(lambda: next((s for s in budi.store.sessions.open() if s.visit_id == client.room), None),
                             timeout=30, what="the session at Budi's")
        await red5._lines_until(budi, handed, told)
        await client.wait_for("BERIKUT-")  # Budi's lines went, encrypted...
        keyed = budi.store.sessions.client_devices(handed.id) or ()
        assert any(d.endswith(f" {other.device_id}") for d in keyed)  # ...and the new device was given the key
        assert told(), "the device signed in during the handover got the room key, and nobody was told"
    finally:
        await stop(ani, budi)
        await client.close()
        if other is not None:
            await other.close()
        await stop_intake(intake, task)


# ---- a counselor's name as a claim gives it -------------------------------------------------------------------------
async def test_a_colleague_who_claims_under_another_counselors_name_is_not_shown_as_them(hs, data, tmp_path):
    intake, task = await intake_service(hs, data)
    budi = workstation(hs, "budi", "Ani", data, tmp_path)  # the name is a setting on Budi's own workstation
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await budi.start()
    await ani.start()
    try:
        client, session = await _taken(hs, budi, intake, "r6f", "berantem sama suami")
        await budi.desk.send(session.id, "BUDI-5120 kamu sendiri yang cari masalah")
        await client.wait_for("BUDI-5120")
        await budi.desk.transfer(session.id, "tolong lanjutkan", to=hs.accounts["ani"]["user_id"])
        line = await until(lambda: next((m.text for s in ani.store.sessions.open() if s.visit_id == client.room
                                         for m in ani.desk.transcript(s.id) if "BUDI-5120" in m.text), None),
                           timeout=30, what="Budi's line in Ani's transcript of the handed-over session")
        assert not line.startswith("Ani "), f"Budi's line is shown as Ani's own: {line!r}"
    finally:
        await stop(budi, ani)
        await stop_intake(intake, task)


# ---- what a client sends that is not words --------------------------------------------------------------------------
async def test_nothing_a_client_sends_is_fetched_and_its_names_are_shown_literally(hs, data, tmp_path):
    """Never tested before: pictures, files and voice notes whose URLs point at a server the test watches, HTML with an
    image in it, file names with escapes and Rich markup: nothing is fetched, every name is shown as text."""
    fetched: list = []

    async def watch(reader, writer) -> None:
        fetched.append(await reader.read(200))
        writer.close()
    server = await asyncio.start_server(watch, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    intake, task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client, session = await _taken(hs, ani, intake, "r6g", "susah tidur")
        sent = [
            {"msgtype": "m.image", "body": "foto[b]TEBAL[/b].jpg", "url": f"{url}/a.jpg",
             "info": {"thumbnail_url": f"{url}/t.jpg"}},
            {"msgtype": "m.file", "body": "surat\x1b]0;PWNED\x1b\\.pdf", "url": f"{url}/b.pdf"},
            {"msgtype": "m.audio", "body": "[link=http://evil.example]suara[/link].ogg", "url": "mxc://curhat.test/c"},
            {"msgtype": "m.text", "body": "lihat ini", "format": "org.matrix.custom.html",
             "formatted_body": f"<img src=\"{url}/d.png\">lihat ini"},
        ]
        for content in sent:
            await client.api.send(client.room, "m.room.message", content, f"m{time.time_ns()}")
        await until(lambda: len(client_words(ani, session.id)) >= 4, what="the four events on the counselor's screen")
        words = "\n".join(client_words(ani, session.id))
        assert "foto[b]TEBAL[/b].jpg" in words and "[link=http://evil.example]suara[/link].ogg" in words
        assert "\x1b" not in words and "surat␛]0;PWNED" in words and "lihat ini" in words
        assert not fetched, f"something fetched what a client named: {fetched[0][:80]!r}"
    finally:
        server.close()
        await stop(ani)
        await stop_intake(intake, task)


# ---- a supervisor taken off the roster --------------------------------------------------------------------------
async def test_a_supervisor_taken_off_the_roster_reads_no_further_in_a_counselors_supervision_room(hs, data,
                                                                                                 tmp_path):
    intake, task = await intake_service(hs, data, supervisors=("supervisor", "exsup6"))
    ani = workstation(hs, "ani", "Ani", data, tmp_path, link=True)
    await ani.start()
    exsup = api_of(hs, "exsup6")
    try:
        await until(lambda: ani.supervision.link.ready.is_set(), what="Ani's supervision room")
        room = ani.supervision.link.own_room

        async def joined() -> bool:
            try:
                await exsup.join(room)  # invited by Ani's workstation, as every roster supervisor is
            except MatrixError:
                return False
            return True
        await until(joined, what="the supervisor in Ani's supervision room")
        await stop_intake(intake, task)
        intake, task = await intake_service(hs, data)  # the operator takes them off the roster and restarts
        await until(lambda: exsup.user_id not in ani.channel.staff.supervisors, what="the roster change at Ani's")
        await eventually(lambda: _gone(exsup, room), 10)  # given time to be taken out
        now = time.time()
        await ani.supervision.link.live("after-removal", {"counselor": "Ani", "alias": "SESUDAH-7710", "started_at": now,
                                                         "deadline": now + 1800, "risk": 3, "status": "active"})
        assert not await reads(exsup, room, "SESUDAH-7710"), "the removed supervisor still reads Ani's room"
    finally:
        await stop(ani)
        await exsup.close()
        await stop_intake(intake, task)


async def _gone(api, room: str) -> bool:  # `api`'s account no longer in `room` (taken out, or refused it)
    try:
        return (await api.members(room)).get(api.user_id) != "join"
    except MatrixError:
        return True

