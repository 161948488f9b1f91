"""A client's edit or deletion of their message, over a fake channel: stored first, told once, never a counselor's
line, and a deleted message's words left nowhere in the database (not in another table, the file or its WAL),
nor in what is made of the session later (the supervision snapshot, the exports)."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest

from curhat_tui.channels.base import ClientArrived, MessageEdited, MessageReceived, MessageRedacted
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Risk, Sender, Tier, Visit
from curhat_tui.services import events as ev
from curhat_tui.services.exports import session_markdown
from curhat_tui.services.privacy import ClientRef
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import START
from tests.support.fake_channel import FakeChannel

SECRET = "rahasiaku kucing oranye di loteng"  # words that appear nowhere else


def visit(vid: str) -> Visit:
    return Visit(vid, f"client-{vid}", f"Klien {vid}", Tier.PEER, 30, 25000, "kerja", "tidak", Risk.NONE, START)


@pytest.fixture
async def desk_parts(tmp_path, data):
    store = Store(tmp_path / "practice.db", kind="practice")  # unencrypted: the file's bytes can be searched
    channel = FakeChannel()
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani")
    heard: list = []
    ws.listen(heard.append)
    await ws.start()
    yield ws, channel, store, heard
    await ws.stop()
    store.close()


async def _session_with(ws, channel, text: str, remote_id: str = "$e1"):
    channel.inject(ClientArrived(visit("a")))
    session = await ws.desk.accept()
    channel.inject(MessageReceived(session.id, text, START + 10, remote_id=remote_id))
    return session


def _revised(heard) -> list:
    return [e.message for e in heard if isinstance(e, ev.MessageRevised)]


def _everywhere(store: Store, words: str) -> list[str]:
    """Every table and column of the database that holds `words` (the audit log included)."""
    conn = store.database.conn
    found = []
    for table in store.database.table_names():
        for row in conn.execute(f'select * from "{table}"').fetchall():
            if any(isinstance(value, str) and words in value for value in row):
                found.append(table)
    return found


async def test_an_edit_replaces_the_text_marks_it_and_is_scanned_again(desk_parts):
    ws, channel, store, heard = desk_parts
    session = await _session_with(ws, channel, "aku capek banget")
    assert ws.desk.transcript(session.id)[-1].flags == ()
    channel.inject(MessageEdited(session.id, "$e1", "aku capek hidup\x1b[2J", START + 20))
    (stored,) = [m for m in ws.desk.transcript(session.id) if m.sender is Sender.CLIENT]
    assert stored.text == "aku capek hidup␛[2J"  # cleaned like a new message: shown, never run
    assert stored.edited_at == START + 20 and stored.redacted_at is None
    assert stored.flags == ("suicide",)  # the new words raise the risk hint
    assert _revised(heard) == [stored]
    assert _everywhere(store, "aku capek banget") == []
    for _ in range(2):  # the same edit again after a re-sync
        channel.inject(MessageEdited(session.id, "$e1", "aku capek hidup\x1b[2J", START + 20))
    assert ws.desk.transcript(session.id)[-1] == stored and len(_revised(heard)) == 1


async def test_an_edit_taking_back_risk_words_clears_the_hint_and_an_older_edit_never_wins(desk_parts):
    ws, channel, _, heard = desk_parts
    session = await _session_with(ws, channel, "aku pengen mati")
    assert ws.desk.transcript(session.id)[-1].flags == ("suicide",)
    channel.inject(MessageEdited(session.id, "$e1", "aku pengen tidur", START + 30))
    channel.inject(MessageEdited(session.id, "$e1", "aku pengen makan", START + 20))  # arrives late: older
    stored = ws.desk.transcript(session.id)[-1]
    assert (stored.text, stored.flags, stored.edited_at) == ("aku pengen tidur", (), START + 30)
    assert len(_revised(heard)) == 1


async def test_a_deletion_leaves_the_words_nowhere_and_the_row_marked(desk_parts):
    ws, channel, store, heard = desk_parts
    session = await _session_with(ws, channel, SECRET + ", aku pengen mati")
    channel.inject(MessageReceived(session.id, "yang ini tetap", START + 15, remote_id="$e2"))
    assert _everywhere(store, SECRET) == ["messages"]
    channel.inject(MessageRedacted(session.id, "$e1", START + 40))
    first, second = ws.desk.transcript(session.id)
    assert (first.text, first.flags, first.redacted_at, first.sender) == ("", (), START + 40, Sender.CLIENT)
    assert second.text == "yang ini tetap" and second.redacted_at is None and second.flags == ()
    # the next bubble had been read with the deleted words (a burst): read again without them, and told
    assert _revised(heard) == [first, second]
    assert _everywhere(store, SECRET) == []
    path = store.path
    for side in (path, path.with_name(path.name + "-wal")):  # nor in the file's free space or the WAL
        if side.exists():
            assert SECRET.encode() not in side.read_bytes(), side.name
    conn = sqlite3.connect(path)  # another reader sees the same: the message row, emptied and marked
    assert conn.execute("select text from messages where txn_id = '$e1'").fetchall() == [("",)]
    assert conn.execute("select redacted_at from message_marks").fetchall() == [(START + 40,)]
    conn.close()
    for event in (MessageRedacted(session.id, "$e1", START + 50),  # replayed: nothing more changes
                  MessageEdited(session.id, "$e1", "balik lagi", START + 60)):  # an edit of a deleted message
        channel.inject(event)
    assert ws.desk.transcript(session.id)[0] == first and len(_revised(heard)) == 2


async def test_a_counselor_line_or_a_message_not_stored_here_never_changes(desk_parts, caplog):
    ws, channel, store, heard = desk_parts
    session = await _session_with(ws, channel, "halo kak")
    sent = await ws.desk.send(session.id, "Halo, aku Ani.")
    assert sent is not None
    before = ws.desk.transcript(session.id)
    with caplog.at_level(logging.INFO, logger="curhat.client_messages"):
        channel.inject(MessageEdited(session.id, sent.txn_id, "kata klien palsu", START + 30))
        channel.inject(MessageRedacted(session.id, sent.txn_id, START + 30))
        channel.inject(MessageEdited(session.id, "$unknown", "suntingan tanpa asal", START + 30))
        channel.inject(MessageRedacted(session.id, "$unknown", START + 30))
        channel.inject(MessageEdited("other-session", "$e1", "sesi lain", START + 30))
    assert ws.desk.transcript(session.id) == before and _revised(heard) == []
    assert _everywhere(store, "suntingan tanpa asal") == [] and _everywhere(store, "kata klien palsu") == []
    assert len(caplog.records) == 5 and not any("suntingan" in r.getMessage() for r in caplog.records)



async def test_the_supervision_snapshot_and_the_export_carry_the_marks_not_the_deleted_words(desk_parts, tmp_path):
    ws, channel, store, _ = desk_parts
    session = await _session_with(ws, channel, SECRET)
    channel.inject(MessageReceived(session.id, "kalimat lama", START + 15, remote_id="$e2"))
    channel.inject(MessageEdited(session.id, "$e2", "kalimat baru", START + 20))
    channel.inject(MessageRedacted(session.id, "$e1", START + 30))
    snap = store.review.snapshot(session.id)
    assert SECRET not in json.dumps(snap) and "kalimat lama" not in json.dumps(snap)
    assert [(m["text"], m["edited_at"], m["redacted_at"]) for m in snap["messages"]] == [
        ("", None, START + 30), ("kalimat baru", START + 20, None)]
    supervisor = Store(tmp_path / "supervisor.db")
    snap["messages"].append({"id": 99, "sender": "client", "text": "palsu", "ts": START + 40,
                             "edited_at": "kemarin", "redacted_at": True})  # not times: ignored
    sid = supervisor.review.import_snapshot(snap)
    supervisor.review.import_snapshot(snap)  # the same snapshot again changes nothing
    imported = supervisor.messages.for_session(sid)
    assert [(m.text, m.edited_at, m.redacted_at) for m in imported] == [
        ("", None, START + 30), ("kalimat baru", START + 20, None), ("palsu", None, None)]
    supervisor.close()
    markdown = session_markdown(store, session.id, lang="id", data=ws.data)
    assert "kalimat baru (diubah)" in markdown and "\\[pesan dihapus oleh klien\\]" in markdown
    assert SECRET not in markdown and "kalimat lama" not in markdown
    result = ws.privacy.export("Ani", ClientRef(session.client_key, session.alias), Catalogue(ws.data.strings))
    held = result.text_path.read_text(encoding="utf-8")  # what the client reads of what is held about them
    assert "kalimat baru (diubah)" in held and "[pesan dihapus oleh klien]" in held
    for path in (result.text_path, result.json_path):
        assert SECRET not in path.read_text(encoding="utf-8")
