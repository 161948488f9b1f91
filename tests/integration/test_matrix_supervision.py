"""Supervision between machines over a real Synapse: role from the supervisors' room, live view,
crisis alert, whisper, a submitted note with its transcript, comment and sign-off, all end-to-end
encrypted (the homeserver holds none of the words); a supervisor who joins after a submission reads it
through forwarded keys; a session whose transcript is purged has its submission redacted."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest

from curhat_tui.bootstrap import build_supervisor
from curhat_tui.channels.matrix.api import MatrixAPI
from curhat_tui.channels.matrix.channel import MatrixChannel
from curhat_tui.channels.matrix.crypto import Crypto
from curhat_tui.channels.matrix.staff import NotOnRoster
from curhat_tui.channels.matrix.supervision import MatrixSupervisionLink, role_of
from curhat_tui.domain.clock import SystemClock
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.domain.review import NoteStatus
from curhat_tui.services.events import CrisisAlert, ReviewChanged, WhisperArrived
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import TEST_KEY
from tests.integration.test_matrix import (
    PASSWORD,
    ScriptedClient,
    intake_service,
    roster,
    staff_of,
    stop_intake,
    through_intake,
    until,
)
from tests.integration.test_matrix_retention import words_in_synapse
from tests.services.test_review import COMPLETE
from tests.support.synapse import synapse_with_accounts


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "supervisor", "klien1", "stranger"), PASSWORD)


@pytest.fixture(scope="module")
def olm(hs, tmp_path_factory):
    """An account's Olm machine; one store per account for the whole module, as one device keeps its keys."""
    root = tmp_path_factory.mktemp("olm")

    def make(name: str) -> Crypto:
        account = hs.accounts[name]
        return Crypto(hs.base_url, account["user_id"], account["device_id"], account["access_token"], root / name,
                      "kunci-uji-" + name)
    return make


def encrypted(link: MatrixSupervisionLink, crypto: Crypto) -> MatrixSupervisionLink:
    link.sync.crypto = crypto
    return link


def api_of(hs, name: str) -> MatrixAPI:
    account = hs.accounts[name]
    api = MatrixAPI(hs.base_url, account["access_token"])
    api.user_id = account["user_id"]
    return api


async def test_notes_live_alerts_whispers_and_sign_off_between_machines(hs, data, tmp_path, olm):
    intake, intake_task = await intake_service(hs, data, tmp_path)

    ani_api, sari_api, stranger = api_of(hs, "ani"), api_of(hs, "supervisor"), api_of(hs, "stranger")
    assert await role_of(sari_api, staff_of(hs)) == "supervisor" and await role_of(ani_api, staff_of(hs)) == "counselor"
    with pytest.raises(NotOnRoster):
        await role_of(stranger, staff_of(hs))
    await stranger.close()

    clock = SystemClock()
    store = Store(tmp_path / "ani" / "curhat.db")
    staff = staff_of(hs)
    channel = MatrixChannel(ani_api, store, clock, "Ani", data.strings, staff=staff, sync_timeout_ms=1000,
                            claim_timeout=10)
    channel.sync.crypto = olm("ani")
    ani = Workstation(store, channel, clock, data, counselor="Ani",
                      link=MatrixSupervisionLink(ani_api, store, "counselor", staff=staff, sync=channel.sync))
    heard: list = []
    ani.listen(heard.append)

    sup = build_supervisor(tmp_path / "sari", data=data, clock=clock, name="Sari", key=TEST_KEY,
                           link=lambda store: encrypted(MatrixSupervisionLink(
                               sari_api, store, "supervisor", staff=staff_of(hs), author="Sari", sync_timeout_ms=1000),
                               olm("supervisor")))
    seen: list = []
    sup.workstation.listen(seen.append)
    sv = sup.workstation.supervision
    await ani.start()
    await sup.workstation.start()
    try:
        client = ScriptedClient(hs, "klien1")
        await through_intake(client, intake.api.user_id, "kerjaan bikin capek")
        await until(lambda: ani.desk.queue(), what="client in Ani's queue")
        session = await ani.desk.accept(client.room)

        # --- live view: the running session appears at the supervisor's ---
        await until(lambda: [r.session_id for r in sv.live()] == [session.id], timeout=30, what="live session")
        assert sv.live()[0].alias == session.alias and sv.live()[0].remaining_seconds > 25 * 60

        # --- a red flag reaches the supervisor as a crisis alert ---
        ani.flags.raise_flag(session.id, "suicide", {"wish_dead": True, "thoughts": False, "behaviour": False})
        await until(lambda: any(isinstance(e, CrisisAlert) and e.session_id == session.id for e in seen),
                    timeout=30, what="crisis alert")
        await until(lambda: sv.live() and sv.live()[0].alert, what="alert on the live row")

        # --- a whisper reaches only the counselor's workstation ---
        sv.whisper(session.id, "Tanyakan rencana keselamatannya")
        await until(lambda: any(isinstance(e, WhisperArrived) for e in heard), timeout=30, what="whisper")
        assert [w["text"] for w in ani.supervision.whispers(session.id)] == ["Tanyakan rencana keselamatannya"]
        await client.pull(timeout_ms=300)
        assert not any("keselamatannya" in e["content"].get("body", "") for e in client.received)

        # --- the closed note travels with its transcript and versions ---
        await client.say("makasih kak sudah dengerin")
        await until(lambda: any("makasih kak" in m.text for m in ani.desk.transcript(session.id)), what="message")
        template, _, _ = ani.notes.note(session.id)
        ani.notes.save(session.id, template, {**COMPLETE, "what_helped": "didengar CATATAN-RAHASIA-5521"})
        await ani.desk.end(session.id)
        ani.desk.close(session.id)
        await until(lambda: sv.review_list(), timeout=30, what="the note at the supervisor's")
        (item,) = sv.review_list()
        assert item.session_id == session.id and item.awaiting and item.flagged
        detail = sv.detail(session.id)
        assert any("makasih kak" in m.text for m in detail.messages)
        assert detail.versions and detail.versions[-1]["fields"]["consent"] == COMPLETE["consent"]
        assert "CATATAN-RAHASIA-5521" in detail.versions[-1]["fields"]["what_helped"]
        # the supervision room is encrypted: the note and the whisper reached the homeserver as ciphertext only
        assert words_in_synapse(hs, "CATATAN-RAHASIA-5521") == 0
        assert words_in_synapse(hs, "Tanyakan rencana keselamatannya") == 0

        # --- comment, then sign-off, both back at the counselor's ---
        sv.comment(session.id, "Catat juga rencana keselamatan")
        await until(lambda: ani.supervision.status(session.id) is NoteStatus.COMMENTED, timeout=30,
                    what="comment at the counselor's")
        sv.sign(session.id)
        await until(lambda: ani.supervision.status(session.id) is NoteStatus.SIGNED, timeout=30,
                    what="sign-off at the counselor's")
        signs = [e for e in ani.supervision.review_events(session.id) if e["action"] == "sign"]
        assert len(signs) == 1 and signs[0]["author"] == "@supervisor:curhat.test (Sari)"  # a name not its account's
        assert any(isinstance(e, ReviewChanged) and e.action == "sign" for e in heard)
        assert words_in_synapse(hs, "Catat juga rencana keselamatan") == 0

        # --- the transcript's retention ends: its submission is redacted on the server too ---
        sent = store.state.supervision_sent(session.id)
        assert sent
        ani.privacy.policy = RetentionPolicy(zero_transcript=True)
        ani.privacy.purge("test")
        await until(lambda: not store.state.supervision_sent(session.id), timeout=30, what="the submission redacted")
        room = store.state.supervision_own_room()
        for event_id in sent:
            event = await sari_api.request("GET", f"/rooms/{quote(room, safe='')}/event/{quote(event_id, safe='')}")
            assert event["content"] == {}  # redacted: nothing of the submission is served any more
    finally:
        await ani.stop()
        await sup.workstation.stop()
        await stop_intake(intake, intake_task)
        store.close()
        sup.store.close()


def test_the_command_line_gives_a_supervisor_the_supervisor_screen(hs, data, tmp_path):
    """`curhat --homeserver --user` for an account with the supervisor's power opens the review screen."""
    from curhat_tui.bootstrap import build_matrix
    from curhat_tui.intake.service import IntakeService
    from curhat_tui.ui.app import build_app
    from curhat_tui.ui.screens.supervisor.review import SupervisorScreen
    from tests.conftest import screen_text

    async def appoint() -> None:
        api = api_of(hs, "intake")
        service = IntakeService(api, data, state_file=hs.data_dir / "intake.json", **roster(hs))
        service._load()
        await service.prepare()
        await api.close()

    asyncio.run(appoint())
    user = hs.accounts["supervisor"]["user_id"]
    parts = build_matrix(tmp_path, hs.base_url, user, lambda: PASSWORD, clock=SystemClock(), data=data, name="Sari",
                         key=TEST_KEY, intake=hs.accounts["intake"]["user_id"])
    app = build_app(parts, blink=True, tick=True, key_guard=0.6)
    assert app.workstation.role == "supervisor"

    async def check():
        async with app.run_test(size=(120, 30)) as pilot:
            await until(lambda: app.workstation.supervision.link.ready.is_set(), what="supervision link ready")
            await pilot.pause()
            assert isinstance(app.main, SupervisorScreen)
            assert "SUPERVISOR · Sari" in screen_text(app)

    try:
        asyncio.run(check())
    finally:
        parts.close()


async def test_a_supervisor_who_joins_after_a_submission_reads_it_and_it_can_be_withdrawn(hs, data, tmp_path, olm):
    """Ani's workstation submits before the supervisor ever joined her (new) supervision room: when the
    supervisor joins, Ani's workstation forwards the room's keys and the submission is read; the homeserver
    never held its words; withdrawing it redacts it."""
    intake, intake_task = await intake_service(hs, data, tmp_path)  # the roster and the staff rooms
    ani_store, sari_store = Store(tmp_path / "ani.db"), Store(tmp_path / "sari.db")
    ani = encrypted(MatrixSupervisionLink(api_of(hs, "ani"), ani_store, "counselor", staff=staff_of(hs),
                                          sync_timeout_ms=500), olm("ani"))
    sari = encrypted(MatrixSupervisionLink(api_of(hs, "supervisor"), sari_store, "supervisor", staff=staff_of(hs),
                                           sync_timeout_ms=500), olm("supervisor"))
    received: list[dict] = []
    await ani.start(lambda event: None)
    try:
        await asyncio.wait_for(ani.ready.wait(), 30)
        snapshot = {"session": {"id": "terlambat-1"}, "note_versions": [], "secret": "KIRIMAN-AWAL-7730"}
        await ani.submit(snapshot)
        await sari.start(received.append)
        await until(lambda: any(e.get("kind") == "submit" for e in received), timeout=45,
                    what="the submission read by a supervisor who joined after it")
        (submitted,) = [e for e in received if e.get("kind") == "submit"]
        assert submitted["snapshot"]["secret"] == "KIRIMAN-AWAL-7730"
        assert words_in_synapse(hs, "KIRIMAN-AWAL-7730") == 0

        # a debrief is words: it travels encrypted beside the live status (a state event, never encrypted)
        await ani.live("terlambat-1", {"counselor": "Ani", "alias": "Rina", "started_at": 1.0, "deadline": 2.0,
                                       "risk": 3, "status": "closed", "load": {"open": 0, "weight": 0, "cap": 4},
                                       "debrief": {"alias": "Rina", "text": "DEBRIEF-BERAT-8841", "at": 3.5}})
        await until(lambda: any(e.get("kind") == "live" and e["info"].get("debrief", {}).get("text")
                                == "DEBRIEF-BERAT-8841" and e["info"].get("risk") == 3 for e in received),
                    timeout=30, what="the debrief with the live status")
        assert words_in_synapse(hs, "DEBRIEF-BERAT-8841") == 0

        sent = ani_store.state.supervision_sent("terlambat-1")
        assert await ani.withdraw("terlambat-1") == len(sent) >= 1
        assert ani_store.state.supervision_sent("terlambat-1") == []
        event = await sari.api.request("GET", f"/rooms/{quote(ani.own_room, safe='')}/event/{quote(sent[0], safe='')}")
        assert event["content"] == {}
    finally:
        await ani.stop()
        await sari.stop()
        await stop_intake(intake, intake_task)
        ani_store.close()
        sari_store.close()
