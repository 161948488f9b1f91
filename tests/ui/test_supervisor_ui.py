"""The supervisor's screen, driven by Pilot: review and sign a note, see a crisis jump to the top, whisper."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent

from curhat_tui.bootstrap import build_practice, build_supervisor
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.review import NoteStatus
from curhat_tui.ui.app import build_app
from tests.conftest import START, TEST_KEY, screen_text
from tests.services.test_review import closed_session

SIZE = (140, 45)


async def counselor_snapshot(tmp_path, data, clock):
    """A session a counselor closed on another machine, as the link would bring it."""
    counselor = build_practice(tmp_path / "counselor", data=data, clock=clock, seed=5, name="Ani", key=TEST_KEY)
    await counselor.workstation.start()
    session = await closed_session(counselor.workstation, clock)
    snap = counselor.store.review.snapshot(session.id)
    counselor.store.close()
    return snap


async def trainee_practice(data_dir, data, clock):
    trainee = build_practice(data_dir, data=data, clock=clock, seed=9, name="Tari", key=TEST_KEY, role="trainee")
    await trainee.workstation.start()
    session = await closed_session(trainee.workstation, clock)
    trainee.store.close()
    return session


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def test_review_comment_sign_live_alert_whisper_and_trainee_report(tmp_path, data):
    clock = FakeClock(START)
    snap = await counselor_snapshot(tmp_path, data, clock)
    practice = await trainee_practice(tmp_path / "sup", data, clock)
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    sv = parts.workstation.supervision
    sv.on_link_event({"kind": "submit", "snapshot": snap, "remote_id": "$ev1"})
    sid = snap["session"]["id"]
    app = build_app(parts)
    bells = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.main.query_one("#review-table", DataTable)
        assert table.row_count == 1
        app.main.query_one("#review-table").focus()
        await pilot.pause()
        text = screen_text(app)
        assert "Halo, apa yang ingin kamu ceritakan?" in text  # the transcript
        assert "bendera merah" in text and "diajukan" in text and "Riwayat versi" in text

        await pilot.press("k")
        await type_text(pilot, "Rujukan perlu diperjelas")
        await pilot.press("enter")
        await pilot.pause()
        assert sv.status(sid) is NoteStatus.COMMENTED
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("y")  # sign-off is confirmed first
        await pilot.pause()
        assert sv.status(sid) is NoteStatus.SIGNED
        assert "ditandatangani" in screen_text(app)
        assert [e.action for e in sv.audit.entries()][-2:] == ["comment", "sign"]

        # a running session elsewhere; then a crisis in another one jumps to the top with a bell
        sv.on_link_event({"kind": "live", "session_id": "calm", "info": {
            "counselor": "Budi", "alias": "Kelinci", "started_at": START, "deadline": START + 1800, "risk": 0}})
        sv.on_link_event({"kind": "live", "session_id": "hot", "info": {
            "counselor": "Ani", "alias": "Elang", "started_at": START, "deadline": START + 3000, "risk": 0}})
        sv.on_link_event({"kind": "alert", "session_id": "hot", "item": "suicide"})
        await pilot.pause()
        await pilot.pause()
        assert app.main.query_one(TabbedContent).active == "live"
        live = app.main.query_one("#live-table", DataTable)
        assert live.coordinate_to_cell_key((0, 0)).row_key.value == "hot"
        assert bells and any("KRISIS: Elang (Ani)" in n.message for n in app._notifications)

        await pilot.press("w")
        await type_text(pilot, "Tetap bersamanya")
        await pilot.press("enter")
        await pilot.pause()
        assert [w["text"] for w in sv.whispers("hot")] == ["Tetap bersamanya"]

        await pilot.press("3")
        await pilot.pause()
        trainees = app.main.query_one("#trainee-table", DataTable)
        assert trainees.row_count == 1
        trainees.focus()
        await pilot.pause()
        assert "heuristik" in screen_text(app) and practice.alias in screen_text(app)
    assert sv.audit.verify() == []
    parts.store.close()


async def test_counselor_sees_a_whisper_in_the_pane_and_a_notice_of_comments(tmp_path, data):
    clock = FakeClock(START)
    counselor = build_practice(tmp_path, data=data, clock=clock, seed=5, name="Ani", key=TEST_KEY)
    app = build_app(counselor)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        session = app.main.active_pane.session
        counselor.workstation.supervision.on_link_event(
            {"kind": "whisper", "session_id": session.id, "author": "Sari", "text": "Validasi dulu perasaannya",
             "remote_id": "$w1"})
        await pilot.pause()
        text = screen_text(app)
        assert "Bisikan supervisor Sari: Validasi dulu perasaannya" in text
        assert all("Validasi" not in m.text for m in counselor.store.messages.for_session(session.id))  # never sent
    counselor.store.close()


def test_supervisor_screen_snapshot(snap_compare, tmp_path, data):
    """The review screen with one flagged, commented note open, at 120x40 and a frozen clock."""
    clock = FakeClock(START)
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    app = build_app(parts)

    async def review_one(pilot):
        snap = await counselor_snapshot(tmp_path, data, clock)
        sv = parts.workstation.supervision
        sv.on_link_event({"kind": "submit", "snapshot": snap, "remote_id": "$ev1"})
        sv.comment(snap["session"]["id"], "Rencana rujukan perlu lebih jelas.")
        await pilot.pause()
        app.main.query_one("#review-table").focus()
        app.main.tick()
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=review_one)


async def test_supervisor_exports_the_selected_session_and_reads_the_audit_log(tmp_path, data):
    from curhat_tui.ui.screens.common.export import ExportModal
    from curhat_tui.ui.screens.supervisor.audit_view import AuditViewModal

    clock = FakeClock(START)
    snap = await counselor_snapshot(tmp_path, data, clock)
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    parts.workstation.supervision.on_link_event({"kind": "submit", "snapshot": snap, "remote_id": "$ev1"})
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.query_one("#review-table").focus()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal) and app.screen.session.id == snap["session"]["id"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuditViewModal)
        assert "view" in screen_text(app) or "lihat" in screen_text(app)
    parts.store.close()


async def test_a_purged_transcript_says_so_in_the_review(tmp_path, data):
    clock = FakeClock(START)
    snap = await counselor_snapshot(tmp_path, data, clock)
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    parts.workstation.supervision.on_link_event({"kind": "submit", "snapshot": snap, "remote_id": "$ev1"})
    clock.advance(31 * 86400)
    await parts.workstation.rights.purge_retention()
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.query_one("#review-table").focus()
        await pilot.pause()
        text = screen_text(app)
        assert "Transkrip dihapus sesuai kebijakan retensi" in text and "Transkrip (0 pesan)" in text
    parts.store.close()
