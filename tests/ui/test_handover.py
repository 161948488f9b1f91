"""A handover note the session came with stays above its transcript for the whole session: after switching
tabs away and back, and after a restart, shown literally."""

from __future__ import annotations

from textual.widgets import Static

from curhat_tui.channels.base import ClientArrived, SessionAssigned
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.ui.app import build_app
from tests.conftest import START, screen_text, until_shown

SIZE = (150, 40)  # wide enough for the note on one line, one chat in view (side by side starts at 160)
NOTE = "Klien sudah aman, lanjut bahas tidur"


def visit(vid: str, alias: str) -> Visit:
    return Visit(vid, f"client-{vid}", alias, Tier.PEER, 30, 25000, "tidur", "tidak", Risk.NONE, START)


def handover_block(pane) -> Static:
    return pane.query_one("#handover", Static)


async def test_a_transferred_session_shows_its_handover_note_while_it_lasts(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit("a", "Melati")))
        await pilot.press("ctrl+n")
        await until_shown(pilot, lambda: app.main.active_pane is not None and app.main.active_pane.loaded)
        own = app.main.active_pane
        assert not handover_block(own).display  # a session that came without a note shows none
        await pilot.press("h", "a", "i")  # typing to Melati when a colleague hands Mawar over
        channel.inject(SessionAssigned(visit("b", "Mawar"), START, START + 1800, {"handover": NOTE}))
        await until_shown(pilot, lambda: len(app.main.panes) == 2 and "2 Mawar" in screen_text(app))
        [moved] = [pane for pane in app.main.panes.values() if pane is not own]
        assert moved.session.alias == "Mawar" and "2 Mawar" in screen_text(app)  # a tab beside, and a notice
        assert app.main.active_pane is own and app.focused is own.composer  # the typing stays with Melati
        await pilot.press("!")
        assert own.composer.text == "hai!" and not moved.composer.text
        await pilot.press("alt+2")
        await pilot.pause()
        assert app.main.active_pane is moved and handover_block(moved).display
        assert f"Catatan serah terima: {NOTE}" in screen_text(app)
        await pilot.press("alt+1")  # to the other session and back
        await pilot.pause()
        assert app.main.active_pane is own and NOTE not in screen_text(app)
        await pilot.press("alt+2")
        await pilot.pause()
        assert app.main.active_pane is moved and f"Catatan serah terima: {NOTE}" in screen_text(app)
    app = build_app(parts, lang="en")  # kept with the session: a restart shows it again
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("alt+2")
        await pilot.pause()
        assert app.main.active_pane.session.alias == "Mawar"
        assert f"Handover note: {NOTE}" in screen_text(app)


async def test_a_client_sent_back_with_a_note_shows_it_when_accepted_and_markup_stays_text(fake_parts):
    parts, channel = fake_parts
    channel.claim_state = {"handover": "[bold red]jangan[/] \x1b[2Jbahas keluarga dulu"}
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit("a", "Melati")))
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "Catatan serah terima: [bold red]jangan[/] ␛[2Jbahas keluarga dulu" in screen_text(app)


async def test_the_red_flags_raised_before_a_handover_are_in_view_and_set_the_risk(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(SessionAssigned(visit("c", "Kenanga"), START, START + 1800,
                                       {"handover": NOTE, "handover_flags": ["suicide", "not-a-real-item", 7]}))
        # the pane opens when the desk has stored the session: a loaded machine takes more than one pause
        await until_shown(pilot, lambda: app.main.active_pane is not None and app.main.active_pane.loaded
                          and "Tanda bahaya sebelum serah terima" in screen_text(app))
        pane = app.main.active_pane
        shown = screen_text(app)
        assert "Tanda bahaya sebelum serah terima" in shown and "bunuh diri" in shown.lower()
        assert "not-a-real-item" not in shown  # what no red-flag list knows is not shown
        session = parts.workstation.desk.session(pane.session.id)
        assert session.risk == parts.data.redflags.get("suicide").risk > Risk.NONE  # the flag's, not the entry's


async def handover_then_accept(pilot, parts, channel):
    """A handover into an empty desk comes in front (the only chat); then the counselor takes a client, whose chat
    comes in front, and starts typing. The two panes: (handed over, own)."""
    app = pilot.app
    channel.inject(SessionAssigned(visit("b", "Mawar"), START, START + 1800, {"handover": NOTE}))
    await until_shown(pilot, lambda: app.main.active_pane is not None and app.main.active_pane.loaded)
    moved = app.main.active_pane
    assert moved.session.alias == "Mawar"
    channel.inject(ClientArrived(visit("a", "Melati")))
    await until_shown(pilot, lambda: len(parts.workstation.desk.queue()) == 1)
    await pilot.press("ctrl+n")
    await until_shown(pilot, lambda: len(app.main.panes) == 2 and app.main.active_pane is not moved
                      and app.focused is app.main.active_pane.composer)
    own = app.main.active_pane
    assert own.session.alias == "Melati"
    await pilot.press("h", "a", "i")
    return moved, own


async def test_a_late_tab_message_never_pulls_a_handover_back_in_front_of_the_chat_just_accepted(fake_parts):
    """Textual posts the first tab's activation after mounting it, on the tab widget's own queue: delivered late (here
    posted again by hand, as a loaded machine may deliver it), it must not put the handover back in front of the
    chat being typed in, where Ctrl+T or Ctrl+F would act on the wrong client. A click on a tab still switches."""
    from textual.widgets import Tabs

    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        moved, own = await handover_then_accept(pilot, parts, channel)
        strip = app.main.query_one("#chats").query_one(Tabs)
        late = strip.query_one(f"#--content-tab-tab-{moved.session.id}")
        strip.post_message(Tabs.TabActivated(strip, late))
        await pilot.pause()
        await pilot.pause()
        assert app.main.active_pane is own, "a late tab message put the handover in front"
        assert app.focused is own.composer and own.composer.text == "hai"
        await pilot.click(late)  # the counselor's own click on the strip
        await until_shown(pilot, lambda: app.main.active_pane is moved)


async def test_a_late_focus_in_a_chat_not_on_screen_leaves_the_chat_in_front_and_the_typing_with_it(fake_parts):
    """A chat's reply box asks for the focus once the chat is built; for a handover that opened into an empty desk
    that may come after the counselor has taken a client. Textual would bring the hidden chat in front for it; the
    desk keeps the chat in front and gives the focus back to its reply box."""
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        moved, own = await handover_then_accept(pilot, parts, channel)
        moved.composer.focus()  # late: Mawar's chat is not on screen
        await pilot.pause()
        await pilot.pause()
        assert app.main.active_pane is own, "a late focus put the handover in front"
        await until_shown(pilot, lambda: app.focused is own.composer)
        await pilot.press("!")
        assert own.composer.text == "hai!" and not moved.composer.text
