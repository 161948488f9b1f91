"""The note form follows NoteChanged: a service's line and the counselor's unsaved typing both survive."""

from __future__ import annotations

import asyncio

from curhat_tui.ui.widgets.notes_form import NoteField, NotesForm, lines_added, with_lines
from tests.conftest import accept_top, until_shown

SIZE = (120, 40)


async def type_into(pilot, field: NoteField, text: str) -> None:
    field.focus()
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


def test_lines_added_and_joined_as_the_service_joins_them():
    assert lines_added("", "[10:00] Menyakiti diri") == ["[10:00] Menyakiti diri"]
    assert lines_added("ada\n", "ada\n[10:00] X") == ["[10:00] X"]
    assert lines_added("ada", "ada") == []
    assert with_lines("klien lelah  ", ["[10:00] X"]) == "klien lelah\n[10:00] X"
    assert with_lines("", ["[10:00] X"]) == "[10:00] X"


async def test_a_flag_fills_its_field_and_leaves_typing_in_another_field_alone(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        form = app.main.query_one(NotesForm)
        topic = form.query_one("#field-topic", NoteField)
        await type_into(pilot, topic, "skripsi")
        await pilot.press("f3")  # inside the autosave delay
        await pilot.pause()
        risk = form.query_one("#field-risk_screen", NoteField)
        assert "Menyakiti diri" in risk.text and topic.text == "skripsi"
        await until_shown(pilot, lambda: (parts.store.notes.get(pane.session.id) or {"fields": {}})["fields"].get(
            "topic") == "skripsi")  # the autosave
        stored = parts.store.notes.get(pane.session.id)["fields"]
        assert stored["topic"] == "skripsi" and "Menyakiti diri" in stored["risk_screen"]


async def test_a_save_before_the_event_arrives_keeps_both_and_shows_the_line_once(make_app, parts):
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        form = app.main.query_one(NotesForm)
        risk = form.query_one("#field-risk_screen", NoteField)
        await type_into(pilot, risk, "klien lelah")
        await pilot.pause()
        ws.flags.raise_flag(pane.session.id, "self_harm")  # the service writes; NoteChanged is still queued
        form.flush()  # the autosave fires first
        stored = ws.notes.note(pane.session.id)[1]["risk_screen"]
        assert stored.startswith("klien lelah\n") and "Menyakiti diri" in stored
        await pilot.pause()
        await pilot.pause()
        assert risk.text == stored and risk.text.count("Menyakiti diri") == 1
        assert not form.dirty


async def test_another_sessions_note_change_leaves_the_form_alone(make_app, parts):
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        first = await accept_top(pilot)
        second = await accept_top(pilot)
        form = app.main.query_one(NotesForm)
        assert form.session_id == second.session.id
        ws.flags.raise_flag(first.session.id, "self_harm")
        await pilot.pause()
        assert form.query_one("#field-risk_screen", NoteField).text == ""
        await pilot.press("alt+1")
        await pilot.pause()
        await pilot.pause()
        assert "Menyakiti diri" in form.query_one("#field-risk_screen", NoteField).text


async def test_two_loads_at_once_leave_the_form_on_the_last_note_with_its_own_fields(make_app, parts):
    """The form is loaded from two tasks (the workstation's events and the tab switches): a load that starts while
    another waits on its fields being rebuilt must not leave one note's fields under the other's session, or typing
    would be saved into the wrong client's note."""
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        first = await accept_top(pilot)
        second = await accept_top(pilot)
        ws.notes.save(second.session.id, "dap", {"data": "data klien kedua"})
        ws.notes.save(first.session.id, ws.notes.note(first.session.id)[0], {"topic": "topik klien pertama"})
        form = app.main.query_one(NotesForm)
        await form.load(first.session.id)
        await asyncio.gather(form.load(second.session.id), form.load(first.session.id))
        await pilot.pause()
        template, fields, _ = ws.notes.note(first.session.id)
        assert form.session_id == first.session.id and form.template == template
        shown = {f.key: f.text for f in form.query(NoteField)}
        assert list(shown) == [s.key for s in app.data.templates.sections(template)]
        assert shown["topic"] == "topik klien pertama"
