"""An encrypted line shown as a placeholder until its keys come: when they come, its words replace the placeholder;
and when it was an edit of an earlier line, that line gets the new words (marked edited) and the placeholder says so,
instead of the edit standing as a new line "* ..." of its own."""

from __future__ import annotations

from types import SimpleNamespace

from curhat_tui.channels.base import MessageEdited
from curhat_tui.channels.matrix.history import fill_in_decrypted
from curhat_tui.domain.i18n import Catalogue


def run(data, plain: dict) -> list:
    reader = SimpleNamespace(undecrypted={"$placeholder": ("s1", {"type": "m.room.encrypted"})})
    crypto = SimpleNamespace(decrypt_raw=lambda room, event: plain)
    told: list = []
    fill_in_decrypted(crypto, reader, lambda sid: "!room", lambda sid: Catalogue(data.strings, "id"), told.append)
    assert reader.undecrypted == {}
    return told


def test_a_late_decrypted_line_replaces_its_placeholder(data):
    told = run(data, {"type": "m.room.message", "content": {"msgtype": "m.text", "body": "aku capek"}})
    assert told == [MessageEdited("s1", "$placeholder", "aku capek", 0.0, decrypted=True)]


def test_a_late_decrypted_edit_changes_the_line_it_edits_not_a_new_line(data):
    told = run(data, {"type": "m.room.message", "content": {
        "msgtype": "m.text", "body": "* aku pengen mati",
        "m.new_content": {"msgtype": "m.text", "body": "aku pengen mati"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": "$earlier"}}})
    assert told[0] == MessageEdited("s1", "$earlier", "aku pengen mati", 0.0)  # an edit: marked as one, read for risk
    assert told[1].remote_id == "$placeholder" and told[1].decrypted and "mengubah pesan sebelumnya" in told[1].text
    assert not any("* aku pengen mati" in e.text for e in told)
