"""The supervisor's shift (issue 13: defects 5, 12 and 13): trainee reports, the Review and Live tabs in
both languages and at 80x24, and each counselor's load in the Live tab."""

from __future__ import annotations

import re

from textual.widgets import DataTable, Markdown

from curhat_tui.bootstrap import build_practice, build_supervisor
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.ui.app import build_app
from tests.conftest import START, TEST_KEY, screen_text
from tests.services.test_review import COMPLETE

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
