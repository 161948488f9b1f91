"""The counselor's session keys (issue 13, defects 2 and 8; the call hand-off; the load guard's screen side).

A key the screen offers acts, or it is not offered (footer, F1, palette); focus shows where it is and never
lands where typing is lost; the call link goes to the client only after a confirmation showing it, through the
outbox, and is recorded; the load guard's refusal says why; a high-risk session's close asks for a debrief."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.widgets import Select

from curhat_tui.bootstrap import Parts
from curhat_tui.channels.base import ClientArrived
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.services.desk import AcceptError
from curhat_tui.services.events import DebriefDue
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from curhat_tui.ui.app import build_app
from curhat_tui.ui.screens.common.help import HelpModal
from curhat_tui.ui.screens.counselor.call_link import CallLinkModal
from curhat_tui.ui.screens.counselor.debrief import DebriefModal
from curhat_tui.ui.screens.counselor.feedback import FeedbackModal
from curhat_tui.ui.screens.counselor.wrapup import WrapUpScreen
from curhat_tui.ui.widgets.notes_form import NoteField
from curhat_tui.ui.widgets.transcript import Transcript
from tests.conftest import START, accept_top, screen_text
from tests.support.fake_channel import FakeChannel

SIZE = (120, 40)
WIDE = (150, 40)  # the notes beside the chat


def visit(vid: str, alias: str) -> Visit:
    return Visit(vid, f"client-{vid}", alias, Tier.PEER, 30, 25000, "tidur", "tidak", Risk.NONE, START)


@pytest.fixture
def real_parts(tmp_path, data, clock):
    store = Store(tmp_path / "curhat.db", kind="real")
    channel = FakeChannel(simulated=False)
    parts = Parts.of(Workstation(store, channel, clock, data, counselor="Ani",
                                 call_link="https://call.example.org/r/{session}"))
    yield parts, channel
    store.close()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


def palette_titles(app) -> list[str]:
    return [command.title for command in app.get_system_commands(app.screen)]


async def end_to_wrapup(pilot) -> None:
    await pilot.press("ctrl+t")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()
    await pilot.pause()
    assert isinstance(pilot.app.screen, WrapUpScreen)


# ---- defect 2: offered keys act, the others are not offered -------------------------------------------
async def test_practice_offers_no_handover_in_footer_help_or_palette(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await accept_top(pilot)
        assert "ctrl+f" not in app.screen.active_bindings  # the footer
        assert "Serahkan" not in palette_titles(app)
        assert "Serahkan" not in [desc for _, desc in app.key_help()]
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal) and "Serahkan" not in screen_text(app)


async def test_real_desk_offers_handover_and_it_acts(real_parts):
    from curhat_tui.ui.screens.counselor.transfer import TransferModal

    parts, channel = real_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit("a", "Melati")))
        await accept_top(pilot)
        assert "Serahkan" in palette_titles(app) and "Serahkan" in [d for _, d in app.key_help()]
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, TransferModal)


async def test_a_real_wrapup_offers_no_practice_report(real_parts):
    parts, channel = real_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit("a", "Melati")))
        await accept_top(pilot)
        await end_to_wrapup(pilot)
        assert "ctrl+f" not in app.screen.active_bindings
        assert "Laporan latihan" not in screen_text(app) and "Laporan latihan" not in palette_titles(app)


async def test_a_practice_wrapup_offers_the_report_and_its_key_opens_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await accept_top(pilot)
        await end_to_wrapup(pilot)
        assert "ctrl+f" in app.screen.active_bindings
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackModal)


@pytest.mark.parametrize("key", ["ctrl+t", "ctrl+g", "alt+r", "alt+z", "alt+x", "alt+v"])
async def test_session_keys_without_a_session_say_why(make_app, key):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is app.main
        assert any("Belum ada sesi yang terbuka" in n.message for n in app._notifications)


async def test_every_key_the_help_lists_is_bound_and_the_new_ones_are_there(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        help_keys = {desc: key.lower() for key, desc in app.key_help()}
        assert help_keys["Balasan cepat"] == "alt+r" and help_keys["Kirim tautan panggilan suara/video"] == "alt+v"
        assert any(key == "alt+z" for key in help_keys.values()) and any(key == "alt+x" for key in help_keys.values())
        assert any(key == "f12" for key in help_keys.values())  # practice: choosing a simulated client acts here


async def test_moving_between_sessions_is_offered_only_when_there_is_one_to_move_to(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "ctrl+o" not in app.screen.active_bindings and "alt+1" not in app.screen.active_bindings
        assert "Sesi berikutnya" not in [desc for _, desc in app.key_help()]
        await accept_top(pilot)
        assert "ctrl+o" in app.screen.active_bindings and "alt+1" in app.screen.active_bindings
        assert "alt+2" not in app.screen.active_bindings
        await accept_top(pilot)
        assert "alt+2" in app.screen.active_bindings
        await pilot.press("alt+1")
        await pilot.pause()
        assert app.main.active_pane is list(app.main.panes.values())[0]


# ---- defect 8: focus shows, and never lands where typing is lost -------------------------------------
def shows_focus(widget, accent: Color) -> bool:
    """The widget, focused, carries the accent colour: an edge, or a tint of it."""
    styles = widget.styles
    edges = [styles.border_top, styles.border_right, styles.border_bottom, styles.border_left,
             styles.outline_top, styles.outline_left]
    if any(kind and color.rgb == accent.rgb for kind, color in edges):
        return True
    tint = styles.background_tint
    return tint.rgb == accent.rgb and tint.a >= 0.05


async def test_every_focusable_part_of_the_main_screen_shows_its_focus(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await accept_top(pilot)
        accent = Color.parse(app.theme_variables["accent"])
        chain = list(app.screen.focus_chain)
        assert chain
        for widget in chain:
            widget.focus()
            await pilot.pause()
            assert app.focused is widget
            assert shows_focus(widget, accent), widget


async def test_after_choosing_a_note_template_tab_reaches_a_field_and_keeps_the_typing(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        pane = await accept_top(pilot)
        select = app.screen.query_one("#notes-template", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.focused is select and select.value == "soap"
        await pilot.press("tab")
        await pilot.pause()
        assert isinstance(app.focused, NoteField)
        field = app.focused
        await type_text(pilot, "tidak hilang")
        await pilot.pause()
        assert field.text == "tidak hilang"
        app.screen.query_one("#notes").flush()
        assert app.workstation.notes.note(pane.session.id)[1][field.key] == "tidak hilang"


async def test_the_open_template_list_names_its_escape_key_in_the_app_language(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await accept_top(pilot)
        select = app.screen.query_one("#notes-template", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert select.expanded
        shown = screen_text(app)
        assert "Tutup daftar" in shown and "Dismiss menu" not in shown  # Textual's own binding, from the catalogue


async def test_shift_tab_from_the_reply_box_reaches_the_transcript_and_enter_returns(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        assert app.focused is pane.composer
        await pilot.press("shift+tab")
        await pilot.pause()
        assert isinstance(app.focused, Transcript)
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is pane.composer
        await pilot.press("shift+tab")
        await pilot.pause()
        await pilot.press("down")  # the newest message is in view: Down goes on to the reply box
        await pilot.pause()
        assert app.focused is pane.composer


# ---- the call hand-off ----------------------------------------------------------------------------------
async def test_the_call_link_is_confirmed_sent_through_the_outbox_and_recorded(real_parts):
    parts, channel = real_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit("a", "Melati")))
        pane = await accept_top(pilot)
        sid = pane.session.id
        await pilot.press("alt+v")
        await pilot.pause()
        assert isinstance(app.screen, CallLinkModal)
        link = app.workstation.calls.link(sid)
        assert link.startswith("https://call.example.org/r/") and len(link) > len("https://call.example.org/r/") + 16
        assert link in screen_text(app)  # the exact link the client will get
        await pilot.press("enter")  # Cancel has the focus: a stray Enter sends nothing
        await pilot.pause()
        assert app.screen is app.main and channel.sent == []
        await pilot.press("alt+v")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert len(channel.sent) == 1 and link in channel.sent[0].text
        assert app.workstation.calls.link(sid) == link  # one room per session
        entries = app.workstation.audit.entries()
        assert ("call_link", f"session:{sid}") in [(entry.action, entry.subject) for entry in entries]
        assert link in app.workstation.notes.note(sid)[1]["referral"]
        assert any("Tautan panggilan dikirim ke Melati" in n.message for n in app._notifications)


async def test_the_call_link_reaches_a_practice_client_and_differs_per_session(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        first = await accept_top(pilot)
        second = await accept_top(pilot)
        assert app.workstation.calls.link(first.session.id) != app.workstation.calls.link(second.session.id)
        await pilot.press("alt+v")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        texts = [m.text for m in app.workstation.desk.transcript(second.session.id)]
        assert any(app.workstation.calls.link(second.session.id) in text for text in texts)


# ---- the load guard and the debrief ---------------------------------------------------------------------
async def test_a_refusal_by_the_load_guard_says_the_load_the_cap_and_the_risk(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        async def full(visit_id=None):
            raise AcceptError("load", load=3, cap=4, risk=Risk.MODERATE)
        monkeypatch.setattr(app.workstation.desk, "accept", full)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("bebanmu 3 dari batas 4" in m and "menambah 2 (risiko sedang)" in m for m in messages), messages
        assert app.main.panes == {}


async def test_a_high_risk_close_asks_for_a_debrief_that_reaches_supervision(make_app, monkeypatch):
    app = make_app()
    sent = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(app.workstation.supervision, "send_debrief", lambda sid, text: sent.append((sid, text)))
        app.workstation.bus.tell(DebriefDue("s-1", "Melati"))
        await pilot.pause()
        assert isinstance(app.screen, DebriefModal)
        assert "Melati" in screen_text(app)
        await pilot.press("ctrl+s")  # nothing written: said so, nothing sent
        await pilot.pause()
        assert isinstance(app.screen, DebriefModal) and sent == []
        await type_text(pilot, "Agak berat, mohon dicek besok")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is app.main
        assert sent == [("s-1", "Agak berat, mohon dicek besok")]


async def test_ctrl_s_reaching_the_debrief_before_it_is_drawn_waits_for_it(make_app, monkeypatch):
    """The wrap-up's Ctrl+S pressed twice: the second can reach the debrief the moment it is pushed, before its box
    exists. It waits for the dialog (which then says nothing was written) instead of failing on a missing box."""
    app = make_app()
    sent = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(app.workstation.supervision, "send_debrief", lambda sid, text: sent.append((sid, text)))
        app.main.debriefs_due.append(DebriefDue("s-1", "Melati"))
        app.main._ask_debriefs()  # pushed, not yet composed
        modal = app.screen
        assert isinstance(modal, DebriefModal) and not modal.query("#debrief-text")
        await modal.action_send()
        await pilot.pause()
        await pilot.pause()
        assert app.screen is modal and sent == []
        assert str(modal.query_one("#debrief-error").render()).strip()  # "write something first", shown


async def test_a_debrief_can_be_skipped(make_app, monkeypatch):
    app = make_app()
    sent = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(app.workstation.supervision, "send_debrief", lambda sid, text: sent.append((sid, text)))
        app.workstation.bus.tell(DebriefDue("s-1", "Melati"))
        await pilot.pause()
        assert isinstance(app.screen, DebriefModal)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main and sent == []


async def test_closing_a_session_after_a_high_risk_flag_asks_for_the_debrief_and_audits_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        sid = pane.session.id
        await pilot.press("f4")  # harm to others: a high-risk item
        await pilot.pause()
        await end_to_wrapup(pilot)
        wrapup = app.screen
        wrapup.query_one("#skip-reason").value = "latihan"
        wrapup.query_one("#skip").press()
        for _ in range(10):  # the wrap-up closes, then the desk's DebriefDue reaches the screen
            await pilot.pause()
            if isinstance(app.screen, DebriefModal):
                break
        assert isinstance(app.screen, DebriefModal) and app.screen.session_id == sid
        await type_text(pilot, "Saya baik, klien punya rencana aman")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is app.main
        assert ("debrief", f"session:{sid}") in [(e.action, e.subject) for e in app.workstation.audit.entries()]


async def test_a_debrief_due_while_the_screen_is_locked_waits_for_the_unlock(make_app, monkeypatch):
    from curhat_tui.ui.screens.common.lock import LockScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(app.workstation.supervision, "send_debrief", lambda sid, text: None)
        app.lock()
        await pilot.pause()
        app.workstation.bus.tell(DebriefDue("s-1", "Melati"))
        app.workstation.bus.tell(DebriefDue("s-2", "Mawar"))
        await pilot.pause()
        assert isinstance(app.screen, LockScreen) and "Melati" not in screen_text(app)  # nothing shows over the lock
        app.screen.dismiss(None)
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DebriefModal) and app.screen.session_id == "s-1"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DebriefModal) and app.screen.session_id == "s-2"  # one at a time
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_help_says_where_ctrl_s_acts_and_lists_ctrl_z(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = dict(app.key_help())
        assert rows["ctrl+s"] == "Tutup sesi (di layar penutup, setelah sesi diakhiri)"  # not on the main screen
        assert rows["ctrl+z"].startswith("Batalkan ketikan")


async def test_ending_right_after_an_unanswered_risky_line_says_so_before_the_session_closes(real_parts):
    """A counselor pressing Ctrl+T just after the client wrote of a rope and tonight is told, in the question, what
    they have not answered; once they have written back, the plain question comes."""
    from curhat_tui.channels.base import MessageReceived
    from curhat_tui.ui.screens.common.confirm import ConfirmModal

    parts, channel = real_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit("a", "Melati")))
        await accept_top(pilot)
        session = app.workstation.desk.open_sessions()[0]
        channel.inject(MessageReceived(session.id, "kak aku udah siapin talinya, malam ini aku mau gantung diri",
                                       START + 60, remote_id="$r1"))
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "belum kamu balas" in screen_text(app) and "bunuh diri" in screen_text(app)
        await pilot.press("escape")  # not now: the counselor answers first
        await pilot.pause()
        await app.workstation.desk.send(session.id, "Terima kasih sudah cerita. Kamu aman sekarang?")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and "belum kamu balas" not in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, WrapUpScreen)
