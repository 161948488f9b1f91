"""Focus and scrolling on the counselor's screens, as a new user drove them (issue 13 follow-up).

After a session closes or a dialog closes over the main screen, typing lands in the active chat's reply box
(or, with no chat left, in the queue, where it does no harm); on entering wrap-up the first empty required
note field has the focus, never the template selector; the transcript keeps the newest message in view
through a relayout when it was at its end; F12 marks the personas already in a session or waiting."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Tabs

from curhat_tui.channels.base import ClientArrived, MessageReceived
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.ui.app import build_app
from curhat_tui.ui.screens.counselor import practice_setup
from curhat_tui.ui.screens.counselor.debrief import DebriefModal
from curhat_tui.ui.screens.counselor.practice_setup import PracticeSetupModal
from curhat_tui.ui.screens.counselor.wrapup import WrapUpScreen
from curhat_tui.ui.widgets.chat_pane import ChatPane
from curhat_tui.ui.widgets.notes_form import NoteField
from curhat_tui.ui.widgets.queue_panel import QueueTable
from tests.conftest import START, screen_text

ALIASES = ("kupukupu_senja", "anakindie_bandung", "kopi_tanpa_gula")
TYPED = "Skripsi yang mandek itu melelahkan"


def visit(vid: str, alias: str, risk: Risk = Risk.NONE) -> Visit:
    return Visit(vid, f"client-{vid}", alias, Tier.PROFESSIONAL, 60, 250000, "skripsi", "tidak", risk, START)


def focus_settled(app) -> bool:
    """Focus is somewhere for good: while a closed chat's widgets go, Textual hands their focus on to the tab
    strip for a frame, and the screen then moves it where typing belongs (SessionActions.settle_focus)."""
    return app.focused is not None and not isinstance(app.focused, Tabs)


async def settle(pilot, until, rounds: int = 20) -> None:
    """Pause until `until()` holds (or the rounds run out: the assertion after says what was wrong)."""
    for _ in range(rounds):
        if until():
            return
        await pilot.pause()


async def open_sessions(pilot, channel, count: int) -> list[ChatPane]:
    panes = []
    for n in range(count):
        channel.inject(ClientArrived(visit(f"v{n}", ALIASES[n])))
        await pilot.pause()
        before = len(pilot.app.main.panes)
        await pilot.press("ctrl+n")
        await settle(pilot, lambda n=before: len(pilot.app.main.panes) > n and pilot.app.main.active_pane.loaded)
        panes.append(pilot.app.main.active_pane)
    return panes


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", ".": "full_stop"}.get(ch, ch) for ch in text])


async def end_to_wrapup(pilot) -> WrapUpScreen:
    await pilot.press("ctrl+t")
    await pilot.pause()
    await pilot.press("y")
    await settle(pilot, lambda: isinstance(pilot.app.screen, WrapUpScreen))
    assert isinstance(pilot.app.screen, WrapUpScreen)
    return pilot.app.screen


async def skip_wrapup(pilot, wrapup: WrapUpScreen) -> None:
    wrapup.query_one("#skip-reason").value = "uji fokus"
    wrapup.query_one("#skip").press()
    await settle(pilot, lambda: pilot.app.screen is not wrapup)


# ---- 1. keystrokes after a session closes land in a reply box ------------------------------------------
@pytest.mark.parametrize("size", [(200, 50), (120, 40), (80, 24)])
async def test_after_a_wrapup_closes_typing_lands_in_the_remaining_chats_reply_box(fake_parts, size):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        first, second = await open_sessions(pilot, channel, 2)
        wrapup = await end_to_wrapup(pilot)  # the second, the active one
        await skip_wrapup(pilot, wrapup)
        await settle(pilot, lambda: second.session.id not in app.main.panes and focus_settled(app))
        assert app.screen is app.main and app.main.active_pane is first
        assert app.focused is first.composer
        await type_text(pilot, TYPED)
        await pilot.pause()
        assert first.composer.text == TYPED


async def test_after_the_last_session_closes_the_queue_has_the_focus(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_sessions(pilot, channel, 1)
        await skip_wrapup(pilot, await end_to_wrapup(pilot))
        await settle(pilot, lambda: not app.main.panes and focus_settled(app))
        assert isinstance(app.focused, QueueTable) and app.focused.region.height > 0


async def test_after_the_debrief_at_80x24_typing_lands_in_the_reply_box(fake_parts, monkeypatch):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first, second = await open_sessions(pilot, channel, 2)
        monkeypatch.setattr(app.workstation.supervision, "send_debrief", lambda sid, text: None)
        await pilot.press("f4")  # harm to others: a high-risk item, so its close asks for a debrief
        await pilot.pause()
        await skip_wrapup(pilot, await end_to_wrapup(pilot))
        await settle(pilot, lambda: isinstance(app.screen, DebriefModal))
        assert isinstance(app.screen, DebriefModal)
        await type_text(pilot, "Saya baik")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is app.main and focus_settled(app))
        assert app.focused is first.composer
        await type_text(pilot, TYPED)
        await pilot.pause()
        assert first.composer.text == TYPED


# ---- 2. on entering wrap-up, typing goes into the first empty required field ----------------------------
@pytest.mark.parametrize("size", [(200, 50), (120, 40), (80, 24)])
async def test_wrapup_starts_in_the_first_empty_required_field_and_tab_fills_the_next(fake_parts, size):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        (pane,) = await open_sessions(pilot, channel, 1)
        wrapup = await end_to_wrapup(pilot)
        await settle(pilot, lambda: isinstance(app.focused, NoteField))
        template = wrapup.query_one("#notes-template").value
        fields = list(wrapup.query(NoteField))
        assert app.focused is fields[0]
        await type_text(pilot, "Skripsi mandek")
        await pilot.press("tab")
        await type_text(pilot, "Nada lelah")
        await pilot.pause()
        assert (fields[0].text, fields[1].text) == ("Skripsi mandek", "Nada lelah")
        assert wrapup.query_one("#notes-template").value == template  # the selector was never touched
        assert not wrapup.query_one("#notes-template").expanded
        await pilot.press("shift+tab", "shift+tab")  # the selector is still one Shift+Tab before the fields
        await pilot.pause()
        assert app.focused is wrapup.query_one("#notes-template")


async def test_wrapup_skips_a_required_field_already_written(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        (pane,) = await open_sessions(pilot, channel, 1)
        template, fields, _ = app.workstation.notes.note(pane.session.id)
        first = app.data.templates.sections(template)[0].key
        app.workstation.notes.save(pane.session.id, template, {**fields, first: "sudah ditulis"})
        wrapup = await end_to_wrapup(pilot)
        await settle(pilot, lambda: isinstance(app.focused, NoteField))
        second = app.data.templates.sections(template)[1].key
        assert app.focused is wrapup.query_one(f"#field-{second}", NoteField)
        await type_text(pilot, "Nada lelah")
        await pilot.pause()
        assert wrapup.query_one(f"#field-{first}", NoteField).text == "sudah ditulis"
        assert wrapup.query_one(f"#field-{second}", NoteField).text == "Nada lelah"


# ---- 3. the transcript keeps following the newest message through a relayout -----------------------------
def at_end(transcript) -> bool:
    return transcript.max_scroll_y > 0 and transcript.scroll_y >= transcript.max_scroll_y


async def chat_with_history(pilot, channel, clock, lines: int = 40) -> ChatPane:
    (pane,) = await open_sessions(pilot, channel, 1)
    for n in range(lines):
        channel.inject(MessageReceived(pane.session.id, f"baris lama nomor {n} tentang skripsi dan dosen", clock.now()))
    await settle(pilot, lambda: f"nomor {lines - 1} " in pane.transcript.plain_text())
    await pilot.pause()
    assert at_end(pane.transcript)
    return pane


async def client_says(pilot, channel, clock, pane, text: str) -> None:
    channel.inject(MessageReceived(pane.session.id, text, clock.now()))
    await settle(pilot, lambda: text in pane.transcript.plain_text())
    await pilot.pause()


@pytest.mark.parametrize("steps", [
    [(120, 40), (80, 24)],  # the terminal made smaller, twice
    [(120, 40), "ctrl+r"],  # the side panels shown beside the chat
    [(120, 40), "ctrl+b"],  # the queue hidden
    [(80, 24), "ctrl+r"],
], ids=["resize", "ctrl+r", "ctrl+b", "80x24-ctrl+r"])
async def test_after_a_layout_change_the_clients_new_line_is_in_view(fake_parts, clock, steps):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        pane = await chat_with_history(pilot, channel, clock)
        for step in steps:
            if isinstance(step, tuple):
                await pilot.resize_terminal(*step)
            else:
                await pilot.press(step)
            await pilot.pause()
            await pilot.pause()
            assert at_end(pane.transcript), step
        await client_says(pilot, channel, clock, pane, "capek banget kak")
        assert at_end(pane.transcript)
        if pane.transcript.size.width >= 20:  # (80x24 with the panels leaves the chat a few columns: it wraps)
            assert "capek banget kak" in screen_text(app)


async def test_a_long_script_in_the_reply_box_at_80x24_keeps_the_newest_line_in_view(fake_parts, clock):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = await chat_with_history(pilot, channel, clock)
        await client_says(pilot, channel, clock, pane, "mending hilang aja")
        height = pane.composer.region.height
        await pilot.press("f3")  # self-harm: its script, several lines, loads into the reply box at once
        await settle(pilot, lambda: pane.composer.region.height > height)
        await pilot.pause()
        assert pane.composer.region.height > height  # the box grew
        assert at_end(pane.transcript)
        assert "mending hilang aja" in screen_text(app)


async def test_a_counselor_who_scrolled_up_to_read_stays_there_through_a_resize(fake_parts, clock):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        pane = await chat_with_history(pilot, channel, clock)
        pane.transcript.focus()
        await pilot.press("pageup")
        await pilot.pause()
        reading = pane.transcript.scroll_y
        assert 0 < reading < pane.transcript.max_scroll_y
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert not at_end(pane.transcript)
        await client_says(pilot, channel, clock, pane, "kak masih di sana?")
        assert not at_end(pane.transcript)


# ---- 4. F12 marks the practice clients already in a session or waiting ---------------------------------
async def open_f12(pilot) -> PracticeSetupModal:
    await pilot.press("f12")
    await settle(pilot, lambda: isinstance(pilot.app.screen, PracticeSetupModal))
    assert isinstance(pilot.app.screen, PracticeSetupModal)
    return pilot.app.screen


def option_of(modal: PracticeSetupModal, persona_id: str):
    options = modal.query_one(OptionList)
    index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == persona_id)
    return index, options.get_option_at_index(index)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_f12_marks_a_client_in_session_and_does_not_offer_them(parts, size):
    app = build_app(parts)
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause()
        app.workstation.practice.request_client(None, "normal")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: app.main.active_pane is not None and app.main.active_pane.loaded)
        talking = app.main.active_pane.session
        persona = next(p for p in app.data.personas.values() if f"practice:{p.id}" == talking.client_key)
        modal = await open_f12(pilot)
        index, option = option_of(modal, persona.id)
        assert option.disabled and "sedang sesi" in str(option.prompt)
        options = modal.query_one(OptionList)
        options.highlighted = index  # even when reached, Enter brings no other client in silence
        options.scroll_to_highlight()  # (with twenty-odd personas the one in session may be further down the list)
        await pilot.pause()
        assert "sedang sesi" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert [v for v in app.workstation.desk.queue() if v.persona != persona.id] == app.workstation.desk.queue()
        assert not any("masuk antrian" in n.message for n in app._notifications)


async def test_f12_marks_a_waiting_client_and_choosing_them_says_they_already_wait(parts):
    app = build_app(parts)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        visit = app.workstation.practice.request_client(None, "normal")
        await settle(pilot, lambda: any(v.id == visit.id for v in app.workstation.desk.queue()))
        modal = await open_f12(pilot)
        index, option = option_of(modal, visit.persona)
        assert not option.disabled and "sudah di antrian" in str(option.prompt)
        modal.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is app.main)
        messages = [n.message for n in app._notifications]
        assert any(f"{visit.alias} sudah menunggu di antrian" in m for m in messages), messages
        assert [v.id for v in app.workstation.desk.queue()].count(visit.id) == 1


async def test_when_another_client_comes_instead_the_counselor_is_told_who(parts, monkeypatch):
    app = build_app(parts)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        app.workstation.practice.request_client(None, "normal")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: app.main.active_pane is not None and app.main.active_pane.loaded)
        talking = app.main.active_pane.session
        persona = next(p for p in app.data.personas.values() if f"practice:{p.id}" == talking.client_key)
        monkeypatch.setattr(practice_setup, "busy_personas", lambda app: {}, raising=False)  # a list drawn before the session
        modal = await open_f12(pilot)
        modal.query_one(OptionList).highlighted = option_of(modal, persona.id)[0]
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is app.main)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith(f"{persona.alias} sedang dalam sesi; yang masuk antrian: ") for m in messages), \
            messages
