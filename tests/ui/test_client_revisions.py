"""A client's edit and deletion reach the open transcript: the new words with a mark, a placeholder where a
deleted message was, the client's text still shown literally, and a replay changing nothing more. A supervisor
reviewing the session sees the same marks."""

from __future__ import annotations

from curhat_tui.bootstrap import build_supervisor
from curhat_tui.channels.base import ClientArrived, MessageEdited, MessageReceived, MessageRedacted
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.ui.app import build_app
from tests.conftest import START, TEST_KEY, screen_text
from tests.ui.test_supervisor_ui import counselor_snapshot

SIZE = (120, 40)


def visit(vid: str, alias: str) -> Visit:
    return Visit(vid, f"client-{vid}", alias, Tier.PEER, 30, 25000, "tidur", "tidak", Risk.NONE, START)


async def test_an_edit_shows_its_new_words_marked_and_a_deletion_a_placeholder(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit("a", "Melati")))
        await pilot.press("ctrl+n")
        await pilot.pause()
        pane = app.main.active_pane
        sid = pane.session.id
        channel.inject(MessageReceived(sid, "aku capek banget", START + 10, remote_id="$e1"))
        channel.inject(MessageReceived(sid, "[bold]rahasia[/bold] kecilku", START + 20, remote_id="$e2"))
        await pilot.pause()
        assert "aku capek banget" in pane.transcript.plain_text()
        assert pane.suggested == []
        for _ in range(2):  # the second one is a replay
            channel.inject(MessageEdited(sid, "$e1", "aku pengen mati [red]sekarang[/red]", START + 30))
            channel.inject(MessageRedacted(sid, "$e2", START + 40))
            await pilot.pause()
        text = pane.transcript.plain_text()
        assert "aku capek banget" not in text and "rahasia" not in text
        assert "Melati aku pengen mati [red]sekarang[/red] (diubah)" in text  # markup shown, never applied
        assert "Melati [pesan dihapus oleh klien]" in text
        assert text.count("(diubah)") == 1 and text.count("[pesan dihapus oleh klien]") == 1
        shown = screen_text(app)
        assert "[red]sekarang[/red] (diubah)" in shown and "[pesan dihapus oleh klien]" in shown
        assert pane.suggested == []  # the newest message was deleted: no hint from words that are gone
        channel.inject(MessageEdited(sid, "$e1", "aku pengen mati", START + 50))  # a newer edit of an older line
        await pilot.pause()
        assert pane.suggested == ["suicide"]  # the edit's risk words are suggested like a new message's
        assert "Kata berisiko terdeteksi" in screen_text(app)


async def test_an_edited_and_a_deleted_message_show_so_after_a_restart_and_in_english(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit("a", "Melati")))
        await pilot.press("ctrl+n")
        await pilot.pause()
        sid = app.main.active_pane.session.id
        channel.inject(MessageReceived(sid, "satu", START + 10, remote_id="$e1"))
        channel.inject(MessageReceived(sid, "dua", START + 20, remote_id="$e2"))
        channel.inject(MessageEdited(sid, "$e1", "satu lagi", START + 30))
        channel.inject(MessageRedacted(sid, "$e2", START + 40))
    app = build_app(parts, lang="en")  # the panes are rebuilt from the store
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = app.main.active_pane.transcript.plain_text()
        assert "satu lagi (edited)" in text and "Melati [message deleted by the client]" in text
        assert "dua" not in text


async def test_the_supervisors_review_shows_the_marks_a_submitted_session_carries(tmp_path, data):
    clock = FakeClock(START)
    snap = await counselor_snapshot(tmp_path, data, clock)
    client = [m for m in snap["messages"] if m["sender"] == "client"]
    client[0].update(text="kata yang diubah", edited_at=START + 100)
    client[1].update(text="", redacted_at=START + 200)
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    parts.workstation.supervision.on_link_event({"kind": "submit", "snapshot": snap, "remote_id": "$ev1"})
    app = build_app(parts)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        app.main.query_one("#review-table").focus()
        await pilot.pause()
        text = screen_text(app)
        assert "kata yang diubah (diubah)" in text and "[pesan dihapus oleh klien]" in text
    parts.close()
