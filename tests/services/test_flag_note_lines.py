"""The line a red flag adds to the note is the counselor's, in the interface language, whatever the client's; a
screener answered no throughout is noted as a negative screen and its script does not presume the thoughts."""

from __future__ import annotations

from curhat_tui.bootstrap import build_practice
from tests.conftest import TEST_KEY

NO_TO_ALL = {"q1": False, "q2": False, "q6": False}


async def accepted(tmp_path, data, clock, lang):
    parts = build_practice(tmp_path / lang, data=data, clock=clock, seed=7, name="Ani", key=TEST_KEY, lang=lang)
    await parts.workstation.start()
    return parts, await parts.workstation.desk.accept()


async def test_the_note_line_is_in_the_counselors_language_and_the_script_in_the_clients(tmp_path, data, clock):
    parts, session = await accepted(tmp_path, data, clock, "en")
    ws = parts.workstation
    try:
        assert session.lang == "id"  # an Indonesian client, an English interface
        loaded = ws.flags.raise_flag(session.id, "severe_depression")
        note = ws.notes.note(session.id)[1]["risk_screen"]
        assert "Severe depression" in note and "Depresi berat" not in note
        assert loaded.text == data.redflags.render_script("severe_depression", "id", session.alias, "Ani",
                                                          region=ws.flags.region(session.id))
    finally:
        await ws.stop()
        parts.store.close()


async def test_a_negative_screen_is_noted_as_one_raises_no_risk_and_loads_the_negative_script(tmp_path, data, clock):
    parts, session = await accepted(tmp_path, data, clock, "id")
    ws = parts.workstation
    try:
        before = ws.desk.risk_of(session.id)
        loaded = ws.flags.raise_flag(session.id, "suicide", NO_TO_ALL)
        note = ws.notes.note(session.id)[1]["risk_screen"]
        assert "C-SSRS: skrining negatif (semua jawaban tidak)" in note and "RENDAH" not in note
        assert loaded.variant == "negative" and "masuk akal" not in loaded.text
        assert ws.desk.risk_of(session.id) == before  # the screen found nothing: the risk stays where it was
    finally:
        await ws.stop()
        parts.store.close()
