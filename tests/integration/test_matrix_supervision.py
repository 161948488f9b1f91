"""Supervision between machines over a real Synapse: role from the supervisors' room, live view,
crisis alert, whisper, a submitted note with its transcript, comment and sign-off."""

from __future__ import annotations

import asyncio

import pytest

from curhat_tui.bootstrap import build_supervisor
from curhat_tui.channels.matrix.api import MatrixAPI
from curhat_tui.channels.matrix.channel import MatrixChannel
from curhat_tui.channels.matrix.staff import NotOnRoster
from curhat_tui.channels.matrix.supervision import MatrixSupervisionLink, role_of
from curhat_tui.domain.clock import SystemClock
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
from tests.services.test_review import COMPLETE
from tests.support.synapse import synapse_with_accounts


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "supervisor", "klien1", "stranger"), PASSWORD)


def api_of(hs, name: str) -> MatrixAPI:
    account = hs.accounts[name]
    api = MatrixAPI(hs.base_url, account["access_token"])
    api.user_id = account["user_id"]
    return api


async def test_notes_live_alerts_whispers_and_sign_off_between_machines(hs, data, tmp_path):
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
    ani = Workstation(store, channel, clock, data, counselor="Ani",
                      link=MatrixSupervisionLink(ani_api, store, "counselor", staff=staff, sync=channel.sync))
    heard: list = []
    ani.listen(heard.append)

    sup = build_supervisor(tmp_path / "sari", data=data, clock=clock, name="Sari", key=TEST_KEY,
                           link=lambda store: MatrixSupervisionLink(sari_api, store, "supervisor", staff=staff_of(hs),
                                                                    author="Sari", sync_timeout_ms=1000))
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
        ani.notes.save(session.id, template, COMPLETE)
        await ani.desk.end(session.id)
        ani.desk.close(session.id)
        await until(lambda: sv.review_list(), timeout=30, what="the note at the supervisor's")
        (item,) = sv.review_list()
        assert item.session_id == session.id and item.awaiting and item.flagged
        detail = sv.detail(session.id)
        assert any("makasih kak" in m.text for m in detail.messages)
        assert detail.versions and detail.versions[-1]["fields"]["consent"] == COMPLETE["consent"]

        # --- comment, then sign-off, both back at the counselor's ---
        sv.comment(session.id, "Catat juga rencana keselamatan")
        await until(lambda: ani.supervision.status(session.id) is NoteStatus.COMMENTED, timeout=30,
                    what="comment at the counselor's")
        sv.sign(session.id)
        await until(lambda: ani.supervision.status(session.id) is NoteStatus.SIGNED, timeout=30,
                    what="sign-off at the counselor's")
        signs = [e for e in ani.supervision.review_events(session.id) if e["action"] == "sign"]
        assert len(signs) == 1 and signs[0]["author"] == "Sari"
        assert any(isinstance(e, ReviewChanged) and e.action == "sign" for e in heard)
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
