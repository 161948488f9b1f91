"""The supervisor's shift (issue 13: defects 5, 12 and 13): trainee reports, the Review and Live tabs in
both languages and at 80x24, and each counselor's load in the Live tab."""

from __future__ import annotations

import re

import pytest
from textual.widgets import DataTable, Markdown

from curhat_tui.bootstrap import build_practice, build_supervisor
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.ui.app import build_app
from tests.conftest import START, TEST_KEY, screen_text
from tests.services.test_review import COMPLETE
from tests.support.personas import classic  # the eight classic personas: scenes stay put
from tests.ui.test_supervisor_ui import counselor_snapshot

TRAINEE_LINES = ("Halo, aku Tari. Apa yang ingin kamu ceritakan?", "Kedengarannya kamu lelah sekali.",
                 "Kamu harus lebih semangat dong.", "Apakah kamu sudah makan?")


async def trainee_session_zero_transcript(data_dir, data, clock):
    """A trainee's practice at the hard level under zero transcript retention: the report saved in wrap-up,
    then the session closed (its transcript goes at once)."""
    trainee = build_practice(data_dir, data=data, clock=clock, seed=9, name="Tari", key=TEST_KEY, role="trainee",
                             difficulty="hard", retention=RetentionPolicy(zero_transcript=True))
    ws = trainee.workstation
    await ws.start()
    session = await ws.desk.accept()
    for line in TRAINEE_LINES:
        clock.advance(40)
        await ws.desk.send(session.id, line)
    await ws.desk.end(session.id)
    path = ws.practice.export_feedback(session.id)  # Ctrl+E in wrap-up
    template, _, _ = ws.notes.note(session.id)
    ws.notes.save(session.id, template, COMPLETE)
    ws.desk.close(session.id)
    assert ws.desk.transcript(session.id) == []  # the transcript went when the session closed
    trainee.store.close()
    return session, path


def counts(text: str) -> dict[str, str]:
    """Utterance counts as 'label: n' pairs, from a report's raw Markdown or the rendered screen."""
    return dict(re.findall(r"(Pertanyaan terbuka|Pertanyaan tertutup|Nasihat tak diminta|Refleksi sederhana)"
                           r": (\d+)", text))


async def test_trainee_report_after_zero_transcript_shows_the_saved_figures_rendered(tmp_path, data):
    clock = FakeClock(START)
    session, path = await trainee_session_zero_transcript(tmp_path / "sup", data, clock)
    saved = path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o777 == 0o600  # written like an export
    assert counts(saved)["Nasihat tak diminta"] == "1" and counts(saved)["Pertanyaan terbuka"] == "1"
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    app = build_app(parts)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        app.main.query_one("#trainee-table", DataTable).focus()
        for _ in range(20):  # the Markdown widget renders its blocks after the update
            await pilot.pause()
            if "Nasihat" in screen_text(app):
                break
        text = screen_text(app)
        assert counts(text) == counts(saved)  # the same figures as the file, not zeros
        assert "Kamu harus lebih semangat dong." in text  # the suggestion is still there
        assert "Peserta latihan: Tari" in text and "Tanggal: 21/09/2026" in text
        assert "Tingkat kesulitan: Sulit" in text
        assert "**" not in text and "# Laporan" not in text and "## " not in text  # rendered, not raw
        assert isinstance(app.main.query_one("#trainee-detail"), Markdown)
    parts.store.close()
    assert "Peserta latihan:** Tari" in saved and "Sulit" in saved  # the file carries the same header


# ---- the Review and Live tabs (defects 12 and 13, the load guard's supervisor side) ----------------------
LOADS = {"Ani": {"open": 2, "weight": 5, "cap": 4}, "Budi": {"open": 1, "weight": 1, "cap": 4}}
DEBRIEF = "Klien aman malam ini; [bold]kakaknya[/] menemani. Aku perlu 10 menit jeda."


async def supervisor_with_work(tmp_path, data, clock, *, lang="id", alert_item="suicide"):
    """A supervisor's app with one submitted note, two running sessions told by the link (with each counselor's
    load), a crisis alert and a debrief after a closed high-risk session."""
    snap = await counselor_snapshot(tmp_path, data, clock)
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    sv = parts.workstation.supervision
    sv.on_link_event({"kind": "submit", "snapshot": snap, "remote_id": "$ev1"})
    for sid, counselor, alias, risk in (("calm", "Budi", "Kelinci", 1), ("hot", "Ani", "Elang", 3)):
        sv.on_link_event({"kind": "live", "session_id": sid, "info": {
            "counselor": counselor, "alias": alias, "started_at": START, "deadline": START + 1800 + 600 * risk,
            "risk": risk, "status": "active", "load": LOADS[counselor]}})
    sv.on_link_event({"kind": "alert", "session_id": "hot", "item": alert_item})
    sv.on_link_event({"kind": "live", "session_id": "done", "info": {
        "counselor": "Ani", "alias": "Merpati", "started_at": START - 3600, "deadline": START - 600, "risk": 3,
        "status": "closed", "load": LOADS["Ani"],
        "debrief": {"alias": "Merpati", "text": DEBRIEF, "at": START - 300}}})
    return parts, build_app(parts, lang=lang)


def table_line(app, start: str) -> str:
    """The screen line that begins (after spaces) with `start`, up to the pane border."""
    line = next(line for line in screen_text(app).splitlines() if line.strip().startswith(start))
    return line.split("▕")[0]


@pytest.mark.parametrize(("lang", "status"), [("id", "diajukan"), ("en", "submitted")])
async def test_review_keeps_its_status_column_at_80x24(tmp_path, data, lang, status):
    clock = FakeClock(START)
    parts, app = await supervisor_with_work(tmp_path, data, clock, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.main.query_one("#review-table").focus()
        await pilot.pause()
        assert status in table_line(app, "F3")  # the note's state, in the list itself
        assert "Status" in table_line(app, "Bendera" if lang == "id" else "Flags")
    parts.store.close()


async def test_english_supervisor_reads_alerts_in_english(tmp_path, data):
    """The Matrix channel tells an alert by its label in the counselor's language: shown in the supervisor's."""
    clock = FakeClock(START)
    parts, app = await supervisor_with_work(tmp_path, data, clock, lang="en",
                                            alert_item="Pikiran atau rencana bunuh diri")
    app.bell = lambda: None
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        parts.workstation.supervision.on_link_event({"kind": "alert", "session_id": "calm",
                                                     "item": "Menyakiti diri sendiri"})
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        text = screen_text(app)
        assert "Suicidal thoughts or plan" in text and "Self-harm" in text
        assert "bunuh diri" not in text and "Menyakiti" not in text
        assert any("CRISIS: Kelinci (Budi) - Self-harm" in n.message for n in app._notifications)
    parts.store.close()


@pytest.mark.parametrize(("lang", "load", "head"), [
    ("id", "Beban: Ani 2 sesi, bobot 5/4 · Budi 1 sesi, bobot 1/4", "tentang Merpati:"),
    ("en", "Load: Ani 2 sessions, weight 5/4 · Budi 1 session, weight 1/4", "on Merpati:"),
])
async def test_live_tab_shows_each_counselors_load_and_the_debrief(tmp_path, data, lang, load, head):
    clock = FakeClock(START)
    parts, app = await supervisor_with_work(tmp_path, data, clock, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        text = screen_text(app)
        assert load in text
        assert f"21:08 Ani {head} {DEBRIEF}" in text  # the counselor's words literally, markup and all
        live = app.main.query_one("#live-table", DataTable)
        assert live.row_count == 2  # the closed session is not running; its debrief is below
    parts.store.close()


async def test_a_malformed_load_or_debrief_is_left_out(tmp_path, data):
    clock = FakeClock(START)
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    sv = parts.workstation.supervision
    sv.on_link_event({"kind": "live", "session_id": "x", "info": {
        "counselor": "Ani", "alias": "A", "started_at": START, "deadline": START + 60, "risk": 0,
        "load": {"open": "many", "weight": 1, "cap": 4}, "debrief": {"text": ["not", "text"]}}})
    assert sv.loads() == [] and sv.debriefs() == []
    assert [row.session_id for row in sv.live()] == ["x"]  # the status itself is kept
    parts.store.close()


async def test_one_machine_the_supervisor_counts_open_sessions_and_reads_a_debrief(tmp_path, data):
    """A counselor and a supervisor sharing a data dir: the load is counted from the open sessions."""
    clock = FakeClock(START)
    counselor = build_practice(tmp_path, data=data, clock=clock, seed=3, name="Ani", key=TEST_KEY, max_load=4)
    supervisor = build_practice(tmp_path, data=data, clock=clock, seed=3, name="Sari", key=TEST_KEY,
                                role="supervisor", max_load=4)
    ws = counselor.workstation
    await ws.start()
    session = await ws.desk.accept()
    ws.flags.raise_flag(session.id, "suicide")  # the item raises the session to moderate risk: it weighs 2
    ws.supervision.send_debrief(session.id, "Sudah dirujuk ke 119.")
    (load,) = supervisor.workstation.supervision.loads()
    assert (load.counselor, load.open, load.weight, load.cap) == ("Ani", 1, 2, 4)
    (debrief,) = supervisor.workstation.supervision.debriefs()
    assert (debrief.counselor, debrief.alias, debrief.text) == ("Ani", session.alias, "Sudah dirujuk ke 119.")
    counselor.store.close()
    supervisor.store.close()


def test_queue_headers_fit_and_risk_reads_apart_from_its_header(tmp_path, data, clock):
    from rich.cells import cell_len

    for lang, header, low in (("en", "Rsk", "Low"), ("id", "Rsk", "Rdh")):
        parts = build_practice(tmp_path / lang, data=data, clock=clock, seed=7, speed=0, name="Ani", key=TEST_KEY)
        app = build_app(parts, lang=lang)

        async def look(app=app, lang=lang, header=header, low=low):
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                table = app.main.query_one("#queue-table", DataTable)
                for column in table.columns.values():
                    assert cell_len(column.label.plain) <= column.width, (lang, column.label.plain)
                labels = [c.label.plain for c in table.columns.values()]
                assert labels[0] == header and "Packa" not in screen_text(app)
                shown = {str(table.get_cell_at((row, 0))) for row in range(table.row_count)}
                assert header not in shown and shown <= {"·", low, "Sdg" if lang == "id" else "Mod",
                                                         "Tg!" if lang == "id" else "Hi!", "!!"}

        import asyncio

        asyncio.run(look())
        parts.store.close()


# ---- snapshots: the Review and Live tabs at both sizes ---------------------------------------------------
SIZES = [(120, 40), (80, 24)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("tab", ["review", "live"])
def test_supervisor_tabs_snapshot(snap_compare, tmp_path, data, size, tab):
    clock = FakeClock(START)
    parts, app = asyncio_run(supervisor_with_work(tmp_path, classic(data), clock))
    app.bell = lambda: None

    async def show(pilot):
        await pilot.pause()
        await pilot.press("1" if tab == "review" else "2")
        await pilot.pause()
        if tab == "review":
            app.main.query_one("#review-table").focus()
        app.main.tick()
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=show)
    parts.store.close()


def asyncio_run(coroutine):
    import asyncio

    return asyncio.run(coroutine)
