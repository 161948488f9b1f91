"""Issue 13, defects 3, 4, 10 and 14: supervisor comments, countdowns of ended sessions, screener, supervisor help."""

from __future__ import annotations

from tests.conftest import accept_top

SIZE = (120, 40)


def tab_label(app, session_id: str) -> str:
    from textual.widgets import TabbedContent

    return str(app.main.query_one(TabbedContent).get_tab(f"tab-{session_id}").label)


async def test_an_ended_session_shows_its_state_not_a_countdown_in_the_tab_strip(make_app, parts, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        sid = pane.session.id
        assert "1:00:00" in tab_label(app, sid)  # a running session counts down
        await parts.workstation.desk.end(sid)  # ended elsewhere (or handed over): the pane stays in wrap-up
        await pilot.pause()
        clock.advance(95)
        app.main.tick()
        await pilot.pause()
        label = tab_label(app, sid)
        assert pane.session.alias in label and "penutupan" in label
        assert ":" not in label.removeprefix("1 ")


async def test_the_live_tab_shows_an_ended_session_state_not_a_countdown(tmp_path, data):
    from textual.widgets import DataTable

    from curhat_tui.bootstrap import build_supervisor
    from curhat_tui.domain.clock import FakeClock
    from curhat_tui.ui.app import build_app
    from tests.conftest import START, TEST_KEY

    clock = FakeClock(START)
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    sv = parts.workstation.supervision
    for sid, status in (("run", "active"), ("done", "wrapup")):
        sv.on_link_event({"kind": "live", "session_id": sid, "info": {
            "counselor": "Budi", "alias": sid.title(), "started_at": START, "deadline": START + 1800, "risk": 0,
            "status": status}})
    clock.advance(60)
    app = build_app(parts)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        live = app.main.query_one("#live-table", DataTable)
        cells = {live.coordinate_to_cell_key((r, 0)).row_key.value: str(live.get_row_at(r)[3])
                 for r in range(live.row_count)}
        assert cells == {"run": "29:00", "done": "penutupan"}
    parts.store.close()


async def test_a_supervisor_comment_reaches_the_counselor_who_amends_and_resubmits(tmp_path, data):
    from textual.widgets import TextArea

    from curhat_tui.bootstrap import build_practice
    from curhat_tui.domain.clock import FakeClock
    from curhat_tui.domain.review import NoteStatus
    from curhat_tui.ui.app import build_app
    from tests.conftest import START, TEST_KEY, screen_text
    from tests.services.test_review import closed_session

    clock = FakeClock(START)
    first = build_practice(tmp_path, data=data, clock=clock, seed=5, name="Ani", key=TEST_KEY)
    await first.workstation.start()
    session = await closed_session(first.workstation, clock)
    first.store.close()
    parts = build_practice(tmp_path, data=data, clock=clock, seed=5, name="Ani", key=TEST_KEY)
    ws = parts.workstation
    clock.advance(600)  # the supervisor reads the note later
    ws.supervision.on_link_event({"kind": "comment", "session_id": session.id, "author": "Sari",
                                  "text": "Rujukan perlu diperjelas", "remote_id": "$c1"})
    assert ws.supervision.status(session.id) is NoteStatus.COMMENTED
    _, _, version = ws.notes.note(session.id)
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l")  # no session open: the notes a supervisor commented on
        await pilot.pause()
        text = screen_text(app)
        assert "Rujukan perlu diperjelas" in text and "Sari" in text and session.alias in text
        await pilot.press("enter")  # the focused note's "amend and resubmit"
        await pilot.pause()
        area = app.screen.query_one("#amend-referral", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.press("space", "P", "u", "s", "k", "e", "s", "m", "a", "s")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert ws.supervision.status(session.id) is NoteStatus.SUBMITTED
        _, fields, after = ws.notes.note(session.id)
        assert after == version + 1 and fields["referral"].endswith(" Puskesmas")
        assert "diajukan lagi" in " ".join(n.message for n in app._notifications)
    parts.store.close()


async def test_sign_off_asks_for_confirmation(tmp_path, data):
    from curhat_tui.bootstrap import build_supervisor
    from curhat_tui.domain.clock import FakeClock
    from curhat_tui.domain.review import NoteStatus
    from curhat_tui.ui.app import build_app
    from curhat_tui.ui.screens.common.confirm import ConfirmModal
    from tests.conftest import START, TEST_KEY
    from tests.ui.test_supervisor_ui import counselor_snapshot

    clock = FakeClock(START)
    snap = await counselor_snapshot(tmp_path, data, clock)
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    sv = parts.workstation.supervision
    sv.on_link_event({"kind": "submit", "snapshot": snap, "remote_id": "$ev1"})
    sid = snap["session"]["id"]
    app = build_app(parts)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        app.main.query_one("#review-table").focus()
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and sv.status(sid) is NoteStatus.SUBMITTED
        await pilot.press("escape")
        await pilot.pause()
        assert sv.status(sid) is NoteStatus.SUBMITTED
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert sv.status(sid) is NoteStatus.SIGNED
    parts.store.close()


async def test_f1_on_the_supervisor_screen_lists_its_keys(tmp_path, data):
    from curhat_tui.bootstrap import build_supervisor
    from curhat_tui.domain.clock import FakeClock
    from curhat_tui.ui.app import build_app
    from curhat_tui.ui.screens.common.help import HelpModal
    from tests.conftest import START, TEST_KEY, screen_text

    parts = build_supervisor(tmp_path / "sup", data=data, clock=FakeClock(START), name="Sari", key=TEST_KEY)
    app = build_app(parts)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        text = screen_text(app)
        assert "Tanda tangan" in text and "Log audit" in text
        assert "Bisik" not in text  # a tab's keys are listed on that tab: whisper is the Live tab's
        assert "ctrl+j" not in text  # the counselor's reply-box keys are not the supervisor's
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
        await pilot.press("2", "f1")
        await pilot.pause()
        text = screen_text(app)
        assert "Bisik" in text and "Log audit" in text and "Tanda tangan" not in text
        await pilot.press("escape")
        await pilot.pause()
    parts.store.close()


def test_names_default_by_role(data):
    from curhat_tui.services.workstation import default_name

    assert default_name(data, "supervisor") == "Supervisor"
    assert default_name(data, "trainee") == "Peserta latihan"
    assert default_name(data, "counselor") == "Konselor"


def test_open_sessions_survive_a_change_of_language(tmp_path, data):
    """A counselor who started once with --lang en and then in Indonesian (the default) found none of their open
    sessions: the default name followed the language and the sessions were the other name's."""
    from curhat_tui.cli import main

    seen: dict[str, list] = {}

    def launch(parts, *args, **kwargs):  # instead of the screen: what the desk would show
        desk = parts.workstation.desk
        if "open" not in seen:  # the first start: a session accepted, then the terminal closed
            from curhat_tui.domain.models import Risk, Tier, Visit
            visit = Visit("v1", "c1", "Melati", Tier.PEER, 30, 25000, "tidur", "tidak", Risk.NONE, 0.0)
            desk.store.visits.add(visit)
            desk.store.sessions.add(desk.new_session(visit, 0.0, 1800.0))
        seen.setdefault("open", []).append(len(desk.open_sessions()))
        parts.close()
        return 0

    import curhat_tui.cli.run as run

    key = tmp_path / "db.key"
    key.write_text("5a" * 32, encoding="utf-8")
    key.chmod(0o600)
    original = run._launch
    run._launch = lambda parts, *a, **k: launch(parts)
    try:
        for lang in ("en", "id"):
            assert main(["--data-dir", str(tmp_path / "data"), "--key-file", str(key), "--lang", lang]) == 0
    finally:
        run._launch = original
    assert seen["open"] == [1, 1]
