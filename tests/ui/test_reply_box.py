"""The reply box (issue 13, defect 9, and quick replies): a loaded script or a quick reply comes out again with
one key, a draft is cleared without sending and comes back, quick replies are filtered, filled and never sent."""

from __future__ import annotations

import pytest

from curhat_tui.config.datafiles import DataError, load_quick_replies
from curhat_tui.domain.session_clock import countdown
from curhat_tui.ui.screens.counselor.quick_replies import QuickRepliesModal
from tests.conftest import accept_top, screen_text

SIZE = (120, 40)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", ".": "full_stop", ",": "comma"}.get(ch, ch) for ch in text])


def sent_count(app, pane) -> int:
    return app.workstation.desk.message_count(pane.session.id)


async def test_a_loaded_script_comes_out_with_one_key_and_what_was_typed_stays(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        await type_text(pilot, "Aku dengar kamu")
        await pilot.press("f3")  # self-harm: its referral script is put below what was typed
        await pilot.pause()
        box = pane.composer
        assert box.text.startswith("Aku dengar kamu\n\n") and len(box.text) > 60 and box.script_ids
        await type_text(pilot, " ya")  # typed after the script: kept when the script goes
        await pilot.press("alt+z")
        await pilot.pause()
        assert box.text == "Aku dengar kamu ya"
        assert box.script_ids == []  # the script will not count as sent
        await pilot.press("alt+z")  # nothing left to take back: said so, the box unchanged
        await pilot.pause()
        assert box.text == "Aku dengar kamu ya"
        assert any("Tidak ada sisipan" in n.message for n in app._notifications)


async def test_ctrl_z_also_takes_a_loaded_script_back(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert pane.composer.text
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert pane.composer.text == ""


async def test_clearing_the_draft_sends_nothing_and_one_key_brings_it_back(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        before = sent_count(app, pane)
        await type_text(pilot, "Draf panjang yang belum siap")
        await pilot.press("alt+x")
        await pilot.pause()
        assert pane.composer.text == ""
        assert sent_count(app, pane) == before  # nothing was sent
        assert any("Draf dikosongkan" in n.message for n in app._notifications)
        pane.save_draft()
        assert app.workstation.desk.draft(pane.session.id) == ""
        await pilot.press("alt+z")
        await pilot.pause()
        assert pane.composer.text == "Draf panjang yang belum siap"
        assert sent_count(app, pane) == before


async def test_quick_replies_filter_fill_and_insert_at_the_cursor_without_sending(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        alias = pane.session.alias
        before = sent_count(app, pane)
        await type_text(pilot, "Halo.")
        await pilot.press("alt+r")
        await pilot.pause()
        assert isinstance(app.screen, QuickRepliesModal)
        text = screen_text(app)
        assert "Sapaan" in text and "Penutup" in text and f"Halo {alias}, aku Ani." in text  # filled, grouped
        await type_text(pilot, "masih di")
        await pilot.pause()
        text = screen_text(app)
        assert "Aku masih di sini" in text and "Sapaan" not in text  # only what matches
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.main
        assert pane.composer.text == f"Halo. Aku masih di sini, {alias}. Tidak apa-apa kalau butuh waktu untuk menulis."
        assert sent_count(app, pane) == before  # never sent by itself
        await pilot.press("alt+z")  # and taken back like a script
        await pilot.pause()
        assert pane.composer.text == "Halo."


async def test_quick_replies_fill_the_minutes_left_and_follow_the_ui_language(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        left = int(countdown(pane.session.deadline, app.clock.now()).remaining_seconds // 60)
        await pilot.press("alt+r")
        await pilot.pause()
        await type_text(pilot, "minutes left")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert pane.composer.text == (f"{pane.session.alias}, we have about {left} minutes left. What would you most "
                                      "like to take away from our conversation?")


async def test_escape_leaves_the_reply_box_as_it_was(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        await type_text(pilot, "tetap")
        await pilot.press("alt+r")
        await pilot.pause()
        await type_text(pilot, "zzzz")  # matches nothing: said so
        await pilot.pause()
        assert 'Tidak ada balasan yang cocok dengan "zzzz"' in screen_text(app)
        await pilot.press("enter")  # nothing chosen: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, QuickRepliesModal)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main and pane.composer.text == "tetap" and app.focused is pane.composer


@pytest.mark.parametrize(("body", "line", "says"), [
    ('[[reply]]\nid = "a"\ngroup = "greeting"\ntext.id = "Halo {nama}"\ntext.en = "Hi"\n', 4,
     "use only {client}, {counselor} and {minutes_left}"),
    ('[[reply]]\nid = "a"\ngroup = "pamit"\ntext.id = "Dah"\ntext.en = "Bye"\n', 3, "use one of: greeting"),
    ('[[reply]]\nid = "a"\ngroup = "ending"\ntext.id = "Dah"\n', 4, "add text.en"),
])
def test_a_broken_quick_replies_file_names_file_line_and_fix(tmp_path, body, line, says):
    path = tmp_path / "quick_replies.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_quick_replies(path)
    assert caught.value.path == path and caught.value.line == line and says in str(caught.value)


def test_the_shipped_quick_replies_cover_every_group_in_both_languages(data):
    groups = {reply.group for reply in data.quick_replies.replies}
    assert groups == {"greeting", "reflection", "silence", "ending"}
    assert all(reply.text["id"] and reply.text["en"] for reply in data.quick_replies.replies)


async def test_ctrl_z_after_a_long_paste_in_a_note_field_restores_it_without_a_crash(make_app):
    from curhat_tui.ui.widgets.notes_form import NoteField

    app = make_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await accept_top(pilot)
        field = app.screen.query(NoteField).first()
        field.focus()
        await pilot.pause()
        field.insert("\n".join(f"baris {i}" for i in range(14)))  # taller than the field: its scrollbar appears
        await pilot.pause()
        await pilot.press("ctrl+z")  # Textual 8.2.8 raised ValueError here and the app died
        await pilot.pause()
        assert field.text == "" and app.is_running


async def test_option_letters_from_a_default_mac_terminal_act_like_alt_and_type_nothing(make_app):
    """Terminal.app and iTerm2 type ® for Option+R, Ω for Option+Z, ≈ for Option+X unless "Option as Meta" is on:
    in the reply box they open quick replies, take an insertion back and clear the draft, as Alt+R/Z/X do."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        await type_text(pilot, "Halo.")
        await pilot.press("registered_sign")
        await pilot.pause()
        assert isinstance(app.screen, QuickRepliesModal)
        await type_text(pilot, "masih di")
        await pilot.press("enter")
        await pilot.pause()
        assert pane.composer.text.startswith("Halo. Aku masih di sini")
        await pilot.press("Ω")
        await pilot.pause()
        assert pane.composer.text == "Halo."
        await pilot.press("almost_equal_to")
        await pilot.pause()
        assert pane.composer.text == "" and not any(ch in pane.composer.text for ch in "®Ω≈")
        rows = dict(app.key_help())
        assert "registered_sign" not in rows and "Ω" not in rows  # F1 lists Alt+R once


async def test_keys_typed_as_the_quick_replies_open_wait_for_the_list_and_are_not_lost(make_app):
    """Alt+R, Down, Enter in one burst: the list's keys are the dialog's own and reach it before it has drawn its
    list; they wait for it, and the second reply is inserted (they used to query a list not yet there)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        app.main.action_quick_replies()  # pushed, not yet composed: nothing awaited before the next two keys
        modal = app.screen
        assert isinstance(modal, QuickRepliesModal) and not modal.query("#qr-list")
        modal.action_move(1)
        modal.action_insert()
        for _ in range(4):
            await pilot.pause()
        assert app.screen is app.main
        assert pane.composer.text == modal.lines[1][1]
