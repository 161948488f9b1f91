"""The trainer's loop (issue 15, item 7): F12 in blind mode with the next curriculum step, progress kept across
sessions, and a supervisor on the same data dir who watches and whispers to a live practice session, opens its
transcript and comments on one line, which the trainee then reads beside that line."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, OptionList, Static

from curhat_tui.bootstrap import build_practice, build_supervisor
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.ui.app import build_app
from curhat_tui.ui.screens.counselor.practice_history import PracticeHistoryScreen
from curhat_tui.ui.screens.counselor.practice_setup import PracticeSetupModal
from curhat_tui.ui.screens.supervisor.practice_transcript import PracticeTranscriptScreen
from curhat_tui.ui.screens.supervisor.trainees import progress_markdown
from tests.conftest import START, TEST_KEY, screen_text
from tests.services.test_review import COMPLETE

# coded as the listening step asks: reflections (most of them complex), no advice
LISTENING = ("Kedengarannya kamu lelah sekali dan merasa sendirian menghadapinya.",
             "Kedengarannya kamu ingin dimengerti dan sekaligus takut merepotkan orang lain.",
             "Sepertinya kamu merasa tidak ada yang benar-benar mengerti bebanmu.")
ADVICE = ("Kamu harus lebih semangat dong.", "Apakah kamu sudah makan?", "Kamu harus tidur lebih awal.")
HIDDEN_MARKS = ("risiko tersembunyi", "hidden risk", "⚠")


def trainee(data_dir, data, clock, name="Tari"):
    return build_practice(data_dir, data=data, clock=clock, seed=9, name=name, key=TEST_KEY, role="trainee")


def supervisor(data_dir, data, clock):
    return build_supervisor(data_dir, data=data, clock=clock, name="Sari", key=TEST_KEY)


async def watched(tmp_path, data, clock, lines):
    """A trainee practising with rara, the session still running, and a supervisor on the same data dir."""
    data_dir = tmp_path / "shared"
    t_parts = trainee(data_dir, data, clock)
    await t_parts.workstation.start()
    running = await practise(t_parts.workstation, clock, "rara", lines, close=False)
    s_parts = supervisor(data_dir, data, clock)
    return t_parts, running, s_parts, build_app(s_parts)


async def practise(ws, clock, persona: str, lines, *, close: bool = True):
    """A practice session with `persona` at normal: the trainee's lines, then (with `close`) its end and note."""
    visit = ws.practice.request_client(persona, "normal")
    session = await ws.desk.accept(visit.id)
    for line in lines:
        clock.advance(30)
        ws.tick()
        await ws.desk.send(session.id, line)
        clock.advance(30)
        ws.tick()
    if close:
        await ws.desk.end(session.id)
        template, _, _ = ws.notes.note(session.id)
        ws.notes.save(session.id, template, COMPLETE)
        ws.desk.close(session.id)
    return session


async def open_f12(pilot) -> PracticeSetupModal:
    await pilot.press("f12")
    for _ in range(10):
        await pilot.pause()
        if isinstance(pilot.app.screen, PracticeSetupModal):
            break
    assert isinstance(pilot.app.screen, PracticeSetupModal)
    return pilot.app.screen


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_trainee_f12_is_blind_and_shows_the_next_step(tmp_path, data, size):
    parts = trainee(tmp_path / "d", data, FakeClock(START))
    app = build_app(parts)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        modal = await open_f12(pilot)
        text = screen_text(app)
        assert "Langkah berikutnya 1/" in text and "Mendengarkan: refleksi sebelum bertanya" in text
        assert "klien: kupukupu_senja" in text
        options = modal.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert [p.split()[0] for p in prompts if "▶ langkah 1" in p] == ["kupukupu_senja"]  # marked in the list
        for mark in HIDDEN_MARKS:  # neither on screen nor in any entry (the short layout cuts entries)
            assert mark not in text and not any(mark in p for p in prompts)
        for i in range(options.option_count):  # the line under the list on a short terminal says nothing either
            options.highlighted = i
            await pilot.pause()
            assert not any(mark in screen_text(app) for mark in HIDDEN_MARKS)
        await pilot.press("b")  # a trainee cannot turn blind mode off
        await pilot.pause()
        assert not any(mark in screen_text(app) for mark in HIDDEN_MARKS)
        palette = [command.title for command in app.get_system_commands(modal)]
        assert "Riwayat" in palette and "Mode buta" not in palette  # nor in the palette
    parts.close()


async def test_a_counselor_may_turn_blind_mode_off_and_then_sees_the_marks(parts, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_f12(pilot)
        assert "risiko tersembunyi" not in screen_text(app)  # blind by default for everyone
        assert "Mode buta" in [command.title for command in app.get_system_commands(app.screen)]
        await pilot.press("b")
        await pilot.pause()
        text = screen_text(app)
        assert "risiko tersembunyi" in text and "Mode buta mati" in text
        await pilot.press("b")
        await pilot.pause()
        assert "risiko tersembunyi" not in screen_text(app)


async def test_progress_is_kept_after_a_passing_session_and_not_after_a_failing_one(tmp_path, data):
    clock = FakeClock(START)
    parts = trainee(tmp_path / "d", data, clock)
    ws = parts.workstation
    await ws.start()
    failing = await practise(ws, clock, "rara", ADVICE)
    progress = ws.practice.curriculum
    assert progress.next_step("Tari").id == "listening" and progress.passed("Tari") == {}
    (attempt,) = parts.store.training.attempts("Tari")
    assert attempt["session_id"] == failing.id and not attempt["passed"]
    assert "advice <= 1" in attempt["detail"]["failed"]
    t = Catalogue(data.strings, "id")  # a supervisor reads what was not met; a trainee in blind mode does not
    (not_met,) = [line for line in progress_markdown(t, clock, progress, "Tari", blind=False).splitlines()
                  if "belum terpenuhi pada percobaan terakhir" in line]
    assert "nasihat tak diminta ≤ 1" in not_met
    assert "belum terpenuhi" not in progress_markdown(t, clock, progress, "Tari", blind=True)
    passing = await practise(ws, clock, "rara", LISTENING)
    assert progress.passed("Tari")["listening"]["session_id"] == passing.id
    assert progress.next_step("Tari").id == "open_questions"
    await practise(ws, clock, "bayu", LISTENING)  # a later step's client, the risk not flagged: tried, not passed
    assert progress.next_step("Tari").id == "open_questions" and "suicide" not in progress.passed("Tari")
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_f12(pilot)
        text = screen_text(app)
        assert "Langkah berikutnya 2/" in text and "kopi_tanpa_gula" in text
        await pilot.press("r")  # the history: progress with the passed step, when and with which session
        for _ in range(10):
            await pilot.pause()
            if isinstance(app.screen, PracticeHistoryScreen) and "lulus" in screen_text(app):
                break
        text = screen_text(app)
        assert "1/11 langkah lulus" in text and passing.id in text
        assert "(1)\n— 1 percobaan belum lulus" in "\n".join(row.split("▕")[0] for row in text.splitlines())
    parts.close()


async def test_supervisor_watches_whispers_and_comments_on_a_line_the_trainee_then_reads(tmp_path, data):
    clock = FakeClock(START)
    # the supervisor, on the same data dir: the running practice session is in Live, and w whispers to it
    t_parts, running, s_parts, s_app = await watched(tmp_path, data, clock, LISTENING[:2])
    ws = t_parts.workstation
    async with s_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        live = s_app.main.query_one("#live-table", DataTable)
        assert running.id in [r.key.value for r in live.rows.values()]
        text = screen_text(s_app)
        assert "kupukupu_senja" in text and "Tari (latihan)" in text
        live.move_cursor(row=[r.key.value for r in live.rows.values()].index(running.id))
        await pilot.press("w")
        await pilot.pause()
        await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in "Refleksikan perasaannya dulu"])
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("v")  # watch it: the transcript, and the trainee's next line as it comes
        for _ in range(10):
            await pilot.pause()
            if isinstance(s_app.screen, PracticeTranscriptScreen):
                break
        assert isinstance(s_app.screen, PracticeTranscriptScreen) and LISTENING[1] in screen_text(s_app)
        assert LISTENING[2] not in screen_text(s_app)
        await ws.desk.send(running.id, LISTENING[2])
        for _ in range(30):
            await pilot.pause(0.1)
            if LISTENING[2] in screen_text(s_app):
                break
        assert LISTENING[2] in screen_text(s_app)
        await pilot.press("escape")
        await pilot.pause()

    # the trainee's screen shows the whisper beside that session (found on the tick), never sent to the client
    t_app = build_app(t_parts)
    async with t_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t_app.tick()
        for _ in range(10):
            await pilot.pause()
            if "Bisikan supervisor Sari" in screen_text(t_app):
                break
        assert "Bisikan supervisor Sari: Refleksikan perasaannya" in screen_text(t_app)  # above the chat
        assert all("Refleksikan" not in m.text for m in t_parts.store.messages.for_session(running.id))
    await ws.desk.end(running.id)
    template, _, _ = ws.notes.note(running.id)
    ws.notes.save(running.id, template, COMPLETE)
    ws.desk.close(running.id)

    # the supervisor opens the ended session's transcript from Trainee practice and comments on one line
    line = next(m for m in t_parts.store.messages.for_session(running.id) if m.text == LISTENING[1])
    s_app = build_app(s_parts)
    async with s_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        s_app.main.query_one("#trainee-table", DataTable).focus()
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(10):
            await pilot.pause()
            if isinstance(s_app.screen, PracticeTranscriptScreen):
                break
        screen = s_app.screen
        assert isinstance(screen, PracticeTranscriptScreen)
        assert LISTENING[0] in screen_text(s_app) and LISTENING[1] in screen_text(s_app)  # the transcript itself
        lines = screen.query_one(OptionList)
        lines.highlighted = next(i for i in range(lines.option_count) if lines.get_option_at_index(i).id == str(line.id))
        await pilot.press("k")
        await pilot.pause()
        title = str(s_app.screen.query(Static).first().render())  # the dialog says which line is commented on
        assert title == f"Komentar untuk baris ini: “{line.text}”"
        await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in "Bagus tambahkan perasaannya"])
        await pilot.press("enter")
        await pilot.pause()
        assert "Bagus tambahkan perasaannya" in screen_text(s_app)
    assert [e.action for e in s_parts.workstation.audit.entries()].count("line_comment") == 1
    s_parts.close()

    # the trainee is told on the next tick, and the history shows that comment right under that line, only there
    t_app = build_app(t_parts)
    async with t_app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        t_app.tick()
        await pilot.pause()
        assert any("Sari mengomentari baris di sesi latihan kupukupu_senja" in n.message
                   for n in t_app._notifications)
        await open_f12(pilot)
        await pilot.press("r")
        for _ in range(10):
            await pilot.pause()
            if "Bagus tambahkan perasaannya" in screen_text(t_app):
                break
        rows = screen_text(t_app).splitlines()
        at = next(i for i, row in enumerate(rows) if "Bagus tambahkan perasaannya" in row)
        assert "💬 Sari" in rows[at] and rows[at - 1].split("▕▊")[-1].startswith(LISTENING[1][-22:])  # under it
        assert sum("Bagus tambahkan" in row for row in rows) == 1
    t_parts.close()


async def test_a_supervisor_started_before_any_practice_sees_the_trainees_sessions_without_restarting(tmp_path, data):
    from curhat_tui.services.workstation import PRACTICE_LOOK_SECONDS

    clock = FakeClock(START)
    data_dir = tmp_path / "shared"
    s_parts = supervisor(data_dir, data, clock)
    assert s_parts.practice_store is None  # nobody has practised on this machine yet
    s_app = build_app(s_parts)
    async with s_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        t_parts = trainee(data_dir, data, clock)  # now a trainee practises here, and finishes a session
        ws = t_parts.workstation
        await ws.start()
        done = await practise(ws, clock, "rara", LISTENING[:2])
        clock.advance(PRACTICE_LOOK_SECONDS)
        s_app.tick()
        table = s_app.main.query_one("#trainee-table", DataTable)
        for _ in range(10):
            await pilot.pause()
            if table.row_count:
                break
        assert [row.value for row in table.rows] == [done.id]
        assert done.alias in screen_text(s_app) and "Tari" in screen_text(s_app)
        await pilot.press("v")  # and its transcript opens from there
        for _ in range(10):
            await pilot.pause()
            if isinstance(s_app.screen, PracticeTranscriptScreen):
                break
        assert isinstance(s_app.screen, PracticeTranscriptScreen) and LISTENING[0] in screen_text(s_app)
    t_parts.close()
    s_parts.close()
    assert s_parts.workstation.practice.practice_store is not None


async def test_a_red_flag_a_trainee_ticks_reaches_the_supervisor_quietly_and_marks_the_live_row(tmp_path, data):
    clock = FakeClock(START)
    t_parts, running, s_parts, s_app = await watched(tmp_path, data, clock, LISTENING[:1])
    ws = t_parts.workstation
    told: list[tuple[str, str]] = []
    notify = s_app.notify
    s_app.notify = lambda message, **kw: (told.append((message, kw.get("severity", ""))), notify(message, **kw))[1]
    async with s_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        s_app.tick()  # the supervisor's first look: nothing ticked yet
        await pilot.pause()
        ws.flags.raise_flag(running.id, "suicide")
        s_app.tick()
        for _ in range(10):
            await pilot.pause()
            if told:
                break
        label = Catalogue(data.strings, "id").pick(data.redflags.get("suicide").label)
        assert told == [(f"Latihan: Tari menandai {label} untuk klien simulasi {running.alias}", "warning")]
        live = s_app.main.query_one("#live-table", DataTable)
        assert live.get_row(running.id)[0].plain == label  # the Live row names the flag, as a counselor's does
        assert f"{label} Tari (latihan) {running.alias}" in screen_text(s_app)
    t_parts.close()
    s_parts.close()
