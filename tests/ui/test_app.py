"""The counselor's path through the app, driven by Pilot with a frozen clock and instant clients."""

from __future__ import annotations

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.channels.base import ClientArrived
from curhat_tui.domain.models import Delivery, Risk, Sender, SessionStatus
from curhat_tui.domain.persona import first_line
from curhat_tui.ui.screens.counselor.wrapup import WrapUpScreen
from curhat_tui.ui.widgets.notes_form import NoteField, NotesForm
from curhat_tui.ui.widgets.queue_panel import QueueTable
from tests.conftest import accept_top, client_says, palette_offers, screen_text, until_shown

SIZE = (120, 40)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def test_queue_shows_waiting_clients_ordered_with_details(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        queue = parts.workstation.desk.queue()
        assert len(queue) == 3
        table = app.main.query_one(QueueTable)
        assert table.row_count == 3
        keys = [table.coordinate_to_cell_key((row, 0)).row_key.value for row in range(3)]
        assert keys == [v.id for v in queue]
        risks = [v.risk for v in queue]
        assert risks == sorted(risks, reverse=True)
        detail = str(app.main.query_one("#queue-detail").render())
        assert queue[0].topic[:20] in detail and queue[0].intake_risk_answer[:15] in detail
        assert "LATIHAN" in str(app.main.query_one("#topbar").render())


async def test_waiting_time_ticks(make_app, parts, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock.advance(75)
        app.tick()
        await pilot.pause()
        table = app.main.query_one(QueueTable)
        assert str(table.get_cell_at((0, 3))) == "01:15"


async def test_accept_chat_flag_while_typing_end_and_close(make_app, parts, clock):
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        top = ws.desk.queue()[0]
        pane = await accept_top(pilot)
        assert pane is not None and pane.session.alias == top.alias
        assert app.focused is pane.composer
        # the client greets; the counselor replies
        assert top.alias in pane.transcript.plain_text()
        await type_text(pilot, "Halo, aku Ani. Apa yang bikin kamu pengen cerita hari ini?")
        await pilot.press("enter")
        await pilot.pause()
        text = pane.transcript.plain_text()
        assert "Apa yang bikin kamu pengen cerita hari ini?" in text
        sent = [m for m in ws.desk.transcript(pane.session.id) if m.sender is Sender.COUNSELOR]
        assert sent and sent[0].delivery is Delivery.READ
        assert pane.composer.text == ""
        # the client answered
        assert ws.desk.transcript(pane.session.id)[-1].sender is Sender.CLIENT
        # F3 while typing: the script joins what was typed, nothing is sent
        await type_text(pilot, "Sebentar ya")
        before = parts.store.messages.count(pane.session.id)
        await pilot.press("f3")
        await pilot.pause()
        assert pane.composer.text.startswith("Sebentar ya\n\n")
        assert pane.session.alias in pane.composer.text and "Ani" in pane.composer.text
        assert "119" in pane.composer.text
        assert parts.store.messages.count(pane.session.id) == before
        assert "self_harm" in ws.flags.flags(pane.session.id)
        assert ws.desk.risk_of(pane.session.id) >= Risk.MODERATE
        _, fields, _ = ws.notes.note(pane.session.id)
        assert "Menyakiti diri" in fields["risk_screen"]
        await pilot.press("enter")
        await pilot.pause()
        scripts = parts.store.flags.scripts(pane.session.id)
        assert scripts[0]["sent_at"] is not None and scripts[0]["message_id"]
        # end: confirm, then wrap-up refuses to close until the note is filled
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, WrapUpScreen)
        assert parts.store.sessions.get(pane.session.id).status is SessionStatus.WRAPUP
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, WrapUpScreen)
        missing = str(app.screen.query_one("#wrap-missing").render())
        assert "Topik" in missing and "Persetujuan" in missing
        form = app.screen.query_one(NotesForm)
        for field in form.query(NoteField):
            if not field.text.strip():
                field.text = f"isi {field.key}"
        form.flush()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, WrapUpScreen)
        assert parts.store.sessions.get(pane.session.id).status is SessionStatus.CLOSED
        assert app.main.panes == {}


async def test_skip_note_needs_a_reason(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        sid = pane.session.id
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WrapUpScreen)
        await pilot.click("#skip")
        await pilot.pause()
        assert parts.store.sessions.get(sid).status is SessionStatus.WRAPUP
        assert app.focused is screen.query_one("#skip-reason")
        await pilot.press(*"Klien memutus koneksi; catatan dilengkapi besok")
        # Textual's Button ignores a click while its 0.2 s press effect lasts (a debounce); on a loaded
        # machine that timer fires late, so wait for it as a person's hand would, then click again.
        skip = screen.query_one("#skip")
        for _ in range(100):
            if not skip.has_class("-active"):
                break
            await pilot.pause(0.05)
        await pilot.click("#skip")
        await pilot.pause()
        row = parts.store.db["sessions"].get(sid)
        assert row["status"] == "closed" and row["skip_reason"].startswith("Klien memutus")


@pytest.mark.parametrize("text, marked, imminent", [
    ("kak jujur aku pengen mati aja", ["mati"], False),
    # written around a filter (the twelfth round): shown as typed, the masked words highlighted, called imminent
    ("kak aku udah b*li r4cun, m*l*m ini aku mau m*ti", ["r4cun", "m*ti"], True),
])
async def test_risk_phrase_is_highlighted_and_suggested_but_never_ticked(make_app, parts, text, marked, imminent):
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        sid = pane.session.id
        await client_says(pilot, parts, pane, text)
        assert pane.suggested == ["suicide"] and pane.imminent == imminent
        entry = pane.transcript.entries[-1]
        shown = [entry.message.text[a:b] for a, b in entry.highlights]
        assert all(any(word in span for span in shown) for word in marked), shown
        assert text in pane.transcript.plain_text()  # literally, masks and digits as the client typed them
        assert "F2" in str(pane.query_one("#status").render())
        panel = app.main.query_one("#flags")
        assert panel.suggested == ["suicide"] and "suicide" not in panel.ticked
        assert ws.flags.flags(sid) == {}


async def test_client_markup_and_escapes_are_shown_literally(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        hostile = "[bold red]PANIK[/] \x1b[2J\x1b]0;hacked\x07 [link=http://x]klik[/link]"
        await client_says(pilot, parts, pane, hostile)
        shown = pane.transcript.plain_text()
        assert "[bold red]PANIK[/]" in shown and "[link=http://x]klik[/link]" in shown
        assert "\x1b" not in shown and "␛[2J" in shown
        strips = [pane.transcript.render_line(y) for y in range(pane.transcript.size.height)]
        screen_text = "".join(seg.text for strip in strips for seg in strip)
        assert "[bold red]" in screen_text and "\x1b" not in screen_text


async def test_three_panes_switch_by_keys(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        aliases = []
        for _ in range(3):
            pane = await accept_top(pilot)
            aliases.append(pane.session.alias)
        assert len(app.main.panes) == 3
        await pilot.press("alt+1")
        await pilot.pause()
        assert app.main.active_pane.session.alias == aliases[0]
        assert app.focused is app.main.active_pane.composer
        await pilot.press("alt+3")
        await pilot.pause()
        assert app.main.active_pane.session.alias == aliases[2]
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.main.active_pane.session.alias == aliases[0]
        await pilot.press("ctrl+pageup")
        await pilot.pause()
        assert app.main.active_pane.session.alias == aliases[2]
        # xterm and tmux send Alt+2 as ESC 2, which Textual reports as "™"; it must switch, not type
        await pilot.press("trade_mark_sign")
        await pilot.pause()
        assert app.main.active_pane.session.alias == aliases[1]
        assert app.main.active_pane.composer.text == ""


async def test_countdown_warns_once_at_10_and_5_then_counts_overtime(make_app, parts, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        head = pane.query_one("#head")
        minutes = pane.session.minutes
        clock.advance((minutes - 10) * 60 + 1)
        app.tick()
        await pilot.pause()
        assert "-warning" in head.classes
        notes = [n.message for n in app._notifications]
        assert sum("sisa 10 menit" in m for m in notes) == 1
        app.tick()
        await pilot.pause()
        assert sum("sisa 10 menit" in n.message for n in app._notifications) == 1
        clock.advance(5 * 60)
        app.tick()
        await pilot.pause()
        assert "-critical" in head.classes
        assert sum("sisa 5 menit" in n.message for n in app._notifications) == 1
        clock.advance(5 * 60 + 125)
        app.tick()
        await pilot.pause()
        assert "-overtime" in head.classes
        assert "+02:06" in str(head.render())


async def test_extend_needs_a_reason_and_moves_the_deadline(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        deadline = pane.session.deadline
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert parts.store.sessions.get(pane.session.id).deadline == deadline
        await type_text(pilot, "Klien baru mulai terbuka")
        await pilot.press("enter")
        await pilot.pause()
        assert parts.store.sessions.get(pane.session.id).deadline == deadline + 15 * 60
        assert parts.store.sessions.extensions(pane.session.id)[0]["reason"] == "Klien baru mulai terbuka"


async def test_client_who_left_gives_a_clear_message(make_app, parts, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.main.query_one(QueueTable)
        table.focus()
        clock.advance(60 * 60)  # everyone ran out of patience, but no tick has run yet
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.main.panes == {}
        assert any("meninggalkan antrian" in n.message for n in app._notifications)


async def test_notes_autosave_and_template_is_remembered_per_client(make_app, parts, clock):
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        sid, key = pane.session.id, pane.session.client_key
        form = app.main.query_one(NotesForm)
        assert form.template == ws.data.templates.default_for(pane.session.tier)
        form.query_one("#notes-template").value = "birp"
        await pilot.pause()
        field = form.query_one("#field-behaviour", NoteField)
        field.focus()
        await type_text(pilot, "Klien bercerita pelan")
        await until_shown(pilot, lambda: "tersimpan" in str(form.query_one("#notes-saved").render()))  # autosaved
        note = parts.store.notes.get(sid)
        assert note["template"] == "birp" and note["fields"]["behaviour"] == "Klien bercerita pelan"
        assert parts.store.notes.client_template(key) == "birp"


async def test_earlier_notes_are_readable_from_the_session(make_app, parts):
    from curhat_tui.ui.screens.counselor.history import HistoryModal

    ws = parts.workstation
    await ws.start()
    visit = ws.desk.queue()[0]
    first = await ws.desk.accept(visit.id)
    ws.notes.save(first.id, "peer", {"topic": "Catatan lama tentang skripsi"})
    await ws.desk.end(first.id)
    ws.desk.close(first.id, skip_reason="uji")
    # the same persona comes back later as a new visit
    from dataclasses import replace
    again = replace(visit, id="again", arrived_at=visit.arrived_at + 1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        parts.channel.emit(ClientArrived(again))  # through the channel, as a returning client arrives
        await pilot.pause()
        await app.main.accept("again").wait()
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, HistoryModal)
        assert "Catatan lama tentang skripsi" in " ".join(str(s.render()) for s in app.screen.query("Static"))


async def test_restart_restores_queue_sessions_time_and_transcripts(tmp_path, data, clock):
    from curhat_tui.ui.app import build_app

    first = build_practice(tmp_path / "d", data=data, clock=clock, seed=7)
    app = build_app(first)
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        sid, deadline = pane.session.id, pane.session.deadline
        await type_text(pilot, "Apa yang sedang kamu rasakan?")
        await pilot.press("enter")
        await pilot.pause()
        form = app.main.query_one(NotesForm)
        form.query_one(NoteField).text = "catatan sebelum restart"
        await pilot.pause()  # the edit reaches the form; quitting before the autosave fires must not lose it
        before = [m.text for m in first.workstation.desk.transcript(sid)]
        waiting = [v.id for v in first.workstation.desk.queue()]
    first.store.close()
    clock.advance(120)
    second = build_practice(tmp_path / "d", data=data, clock=clock, seed=7)
    app = build_app(second)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert list(app.main.panes) == [sid]
        pane = app.main.panes[sid]
        assert pane.session.deadline == deadline
        assert f"sisa {pane.session.minutes - 2:02d}:00" in str(pane.query_one("#head").render())
        assert [m.text for m in second.workstation.desk.transcript(sid)] == before
        for text in before:
            assert text in pane.transcript.plain_text()
        assert set(waiting) <= {v.id for v in second.workstation.desk.queue()}  # plus whoever arrived meanwhile
        form = app.main.query_one(NotesForm)
        assert form.session_id == sid
        assert "catatan sebelum restart" in form.fields.values()
        assert "catatan sebelum restart" in [f.text for f in form.query(NoteField)]
    second.store.close()


async def test_english_on_request(parts):
    from curhat_tui.ui.app import build_app

    app = build_app(parts, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "PRACTICE" in str(app.main.query_one("#topbar").render())
        assert "Queue (3)" in str(app.main.query_one("#queue-title").render())


async def test_usable_at_80x24(make_app, parts):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await accept_top(pilot)
        assert pane.composer.region.height >= 3 and pane.transcript.region.height >= 5
        assert not app.main.query_one("#side").display or "-hide-side" in app.main.classes
        await pilot.press("ctrl+r")  # the panels: the queue steps aside, so the chat keeps room to type in
        await pilot.pause()
        assert "-hide-side" not in app.main.classes and "-hide-queue" in app.main.classes
        assert pane.composer.region.width >= 30  # (with both beside it: ten columns, words broken apart)
        await pilot.press("ctrl+b")  # the queue back: the panels step aside
        await pilot.pause()
        assert "-hide-queue" not in app.main.classes and "-hide-side" in app.main.classes
        assert pane.composer.region.width >= 30
        await type_text(pilot, "Halo")
        await pilot.press("enter")
        await pilot.pause()
        assert "Halo" in pane.transcript.plain_text()


async def test_client_waiting_for_reply_is_shown_and_turns_late(make_app, parts, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        status = pane.query_one("#status")
        clock.advance(65)
        app.tick()
        await pilot.pause()
        assert "01:05 klien menunggu balasanmu" in str(status.render())
        assert "-late" not in status.classes
        clock.advance(120)
        app.tick()
        await pilot.pause()
        assert "-late" in status.classes
        await type_text(pilot, "Maaf menunggu, aku di sini.")
        await pilot.press("enter")
        await pilot.pause()
        # the instant client has answered again, so the wait starts over
        assert "00:00 klien menunggu" in str(status.render())


async def test_a_failed_store_write_keeps_the_text_and_the_app(make_app, parts, monkeypatch):
    import sqlite3

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        await type_text(pilot, "Kata yang tidak boleh hilang")

        def broken(*args, **kwargs):
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(parts.workstation.desk, "queue_message", broken)
        await pilot.press("enter")
        await pilot.pause()
        assert pane.composer.text == "Kata yang tidak boleh hilang"
        assert any("disk I/O error" in n.message for n in app._notifications)
        assert app.is_running


async def test_counselor_typing_reaches_the_channel(make_app, parts, monkeypatch):
    calls = []

    async def typing(session, is_typing):
        calls.append(is_typing)

    monkeypatch.setattr(parts.channel, "typing", typing)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await accept_top(pilot)
        await type_text(pilot, "Ha")
        await pilot.press("enter")
        await pilot.pause()
        assert calls == [True, False]


async def test_help_lists_keys_and_directory_with_check_dates(make_app):
    from curhat_tui.ui.screens.common.help import HelpModal

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert "Ambil klien teratas" in screen_text(app)  # the keys first; the directory below them
        for _ in range(12):
            if "SEJIWA" in screen_text(app):
                break
            await pilot.press("pagedown")
            await pilot.pause()
        text = screen_text(app)
        assert "SEJIWA" in text and "119 ext. 8" in text
        assert "2026-11-21" in text
        described = dict((desc, key) for key, desc in app.key_help())
        assert "Ambil klien teratas" in described and "Akhiri sesi" in described
        assert described["Tanda: menyakiti diri"].lower() == "f3"
        # the red flags' keys, each loading its referral script, head the list: never hunted for
        assert [key.lower() for key, _ in app.key_help()[:8]] == [f"f{n}" for n in range(2, 10)]
        assert "Kirim tetap" not in described  # Alt+K: nothing is ever held in practice
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_command_palette_offers_this_screens_commands_in_the_session_language(make_app, parts):
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.main)]
        assert "Ambil klien teratas" in titles and "Akhiri sesi" in titles and any(x.startswith("Keluar") for x in titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "Ambil klien")
        await until_shown(pilot, lambda: palette_offers(app, "Ambil klien teratas"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert len(app.main.panes) == 1


async def test_long_session_opens_at_the_newest_message_and_loads_older_on_scroll(make_app, parts):
    from curhat_tui.domain.models import Sender as S
    from curhat_tui.ui.widgets.chat_pane import PAGE, first_page

    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    for n in range(500):
        parts.store.messages.add(session.id, S.CLIENT if n % 2 else S.COUNSELOR, f"pesan nomor {n}", parts.clock.now())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        transcript = app.main.active_pane.transcript
        assert len(transcript.entries) == first_page(SIZE[1]) < 500  # what fills the screen, not the session
        assert transcript.scroll_y == transcript.max_scroll_y > 0
        assert "pesan nomor 499" in screen_text(app)
        transcript.focus()
        await pilot.press("home")
        await pilot.pause()
        await pilot.pause()
        assert len(transcript.entries) == first_page(SIZE[1]) + PAGE
        assert transcript.scroll_y > 0  # kept the reader's place rather than jumping to the top


async def test_switching_sessions_shows_each_ones_own_note(make_app, parts):
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        first = await accept_top(pilot)
        ws.notes.save(first.session.id, "peer", {"topic": "catatan pertama"})
        second = await accept_top(pilot)
        form = app.main.query_one(NotesForm)
        assert form.session_id == second.session.id
        await pilot.press("alt+1")
        await pilot.pause()
        await pilot.pause()
        assert form.session_id == first.session.id
        assert form.query_one("#field-topic", NoteField).text == "catatan pertama"
        await pilot.press("alt+2")
        await pilot.pause()
        await pilot.pause()
        fields = list(form.query(NoteField))  # (the second client's tier picks its template: peer or SOAP)
        assert fields and all(field.text == "" for field in fields)
        versions = parts.store.notes.versions(first.session.id)
        assert len(versions) == 1  # showing a note does not save it again
        assert parts.store.notes.get(second.session.id) is None


async def test_a_very_long_queue_shows_its_top_and_counts_all(make_app, parts, clock):
    from curhat_tui.domain.models import Risk as R
    from curhat_tui.domain.models import Tier, Visit

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for n in range(150):
            parts.channel.emit(ClientArrived(Visit(f"bulk-{n}", f"k{n}", f"klien{n}", Tier.PEER, 30, 25000, "topik",
                                                   "tidak", R.HIGH if n == 0 else R.NONE, clock.now() - n)))
        await pilot.pause()
        table = app.main.query_one(QueueTable)
        assert table.row_count == 100
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == "bulk-0"  # the high-risk one, though newest
        assert "153" in str(app.main.query_one("#queue-title").render())


# ---- what a review found (each of these once lost or falsified something) ----------------

async def test_a_client_still_typing_at_quit_answers_after_restart(tmp_path, data, clock):
    from curhat_tui.ui.app import build_app

    first = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, speed=1.0)
    await first.workstation.start()
    session = await first.workstation.desk.accept()
    assert first.store.messages.count(session.id) == 0  # the greeting is still being typed
    first.store.close()
    clock.advance(120)
    second = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, speed=1.0)
    app = build_app(second)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.tick()
        await pilot.pause()
        messages = second.workstation.desk.transcript(session.id)
        assert messages and messages[0].sender is Sender.CLIENT
        greeting = first_line(data.personas[parts_persona(second, session.id)], 21)  # START is 21:53 WIB
        assert messages[0].text == greeting
    second.store.close()


def parts_persona(parts, session_id):
    return parts.store.sessions.channel_state(session_id)["persona"]


async def test_a_new_practice_day_brings_new_clients(parts, clock):
    ws = parts.workstation
    await ws.start()
    assert ws.desk.queue()
    clock.advance(3 * 24 * 3600)
    ws.tick()
    ws.tick()
    assert len(ws.desk.queue()) == 3
    assert all(v.arrived_at >= clock.now() - 1 for v in ws.desk.queue())


async def test_a_flag_adds_to_a_note_being_typed_without_losing_either(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        field = app.main.query_one("#field-risk_screen", NoteField)
        field.focus()
        await type_text(pilot, "klien tampak lelah")
        await pilot.press("f3")  # well inside the autosave delay
        await pilot.pause()
        saved = lambda: (parts.store.notes.get(pane.session.id) or {"fields": {}})["fields"]  # noqa: E731
        await until_shown(pilot, lambda: "klien tampak lelah" in saved().get("risk_screen", ""))  # the autosave
        stored = parts.store.notes.get(pane.session.id)["fields"]["risk_screen"]
        assert "klien tampak lelah" in stored and "Menyakiti diri" in stored
        assert "klien tampak lelah" in field.text and "Menyakiti diri" in field.text


async def test_an_alias_with_markup_is_shown_literally_everywhere(make_app, parts, clock):
    from curhat_tui.domain.models import Risk as R
    from curhat_tui.domain.models import Tier, Visit

    visit = Visit("odd", "k-odd", "rina[/]", Tier.PEER, 30, 25000, "[b]topik[/b]", "tidak", R.HIGH, clock.now())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        parts.channel.emit(ClientArrived(visit))
        await pilot.pause()
        pane = await accept_top(pilot)
        assert pane.session.alias == "rina[/]"
        text = screen_text(app)
        assert "rina[/]" in text
    # and the app starts again with that session open
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "rina[/]" in screen_text(app)


async def test_a_stray_enter_does_not_end_the_session(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert parts.store.sessions.get(pane.session.id).status is SessionStatus.ACTIVE


async def test_a_deleted_script_is_not_recorded_as_sent(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        await pilot.press("f4")
        await pilot.pause()
        pane.composer.text = ""
        await pilot.pause()
        await type_text(pilot, "halo")
        await pilot.press("enter")
        await pilot.pause()
        assert parts.store.flags.scripts(pane.session.id)[0]["sent_at"] is None


async def test_the_draft_in_the_reply_box_survives_a_restart(tmp_path, data, clock):
    from curhat_tui.ui.app import build_app

    first = build_practice(tmp_path / "d", data=data, clock=clock, seed=7)
    app = build_app(first)
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        sid = pane.session.id
        await type_text(pilot, "Aku dengar kamu")
        await pilot.pause(0.7)
    first.store.close()
    second = build_practice(tmp_path / "d", data=data, clock=clock, seed=7)
    app = build_app(second)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.panes[sid].composer.text == "Aku dengar kamu"
    second.store.close()


async def test_counselor_text_is_cleaned_and_the_database_is_private(parts):
    import stat

    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    message = await ws.desk.send(session.id, "tempel \x1b]0;judul\x07 teks")
    assert "\x1b" not in message.text and "␛]0;judul" in message.text
    mode = stat.S_IMODE(parts.store.path.stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(parts.store.path.parent.stat().st_mode) == 0o700


async def test_practice_wrapup_offers_the_feedback_report_and_exports_it(make_app, parts):
    from curhat_tui.ui.screens.counselor.feedback import FeedbackModal

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        await type_text(pilot, "Apa yang paling berat buat kamu?")
        await pilot.press("enter")
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackModal)
        assert "Laporan latihan" in screen_text(app) and "Pertanyaan terbuka: 1" in screen_text(app)
        await pilot.press("ctrl+e")
        await pilot.pause()
        reports = list((parts.store.path.parent / "practice-reports").glob("*.md"))
        assert len(reports) == 1 and pane.session.id in reports[0].name


async def test_handover_is_for_real_clients_only(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.screen is app.main
        assert "Serahkan" not in screen_text(app)  # not offered in the footer either
        assert parts.store.sessions.get(pane.session.id).status is SessionStatus.ACTIVE
