"""Note typing is kept the moment it is typed (a draft: no version, no event) and becomes the note's next version
at the next start if a crash came before the autosave; a client's deletion takes the draft too. The kill -9 test
(tests/integration/test_crash.py) shows it end to end."""

from __future__ import annotations

from curhat_tui.channels.base import ClientArrived
from curhat_tui.domain.clock import FakeClock
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import START
from tests.services.test_load_guard import visit
from tests.support.fake_channel import FakeChannel


async def test_unsaved_note_typing_survives_a_crash_and_becomes_the_next_version(tmp_path, data):
    store = Store(tmp_path / "practice.db", kind="practice")
    channel = FakeChannel()
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani")
    await ws.start()
    channel.inject(ClientArrived(visit("a")))
    session = await ws.desk.accept("a")
    template, _, _ = ws.notes.note(session.id)
    ws.notes.save(session.id, template, {"topic": "kerja"})
    ws.notes.keep_typing(session.id, template, {"topic": "kerja, lalu keluarga"})  # typed; the crash comes first
    assert ws.notes.note(session.id)[1]["topic"] == "kerja"
    store.close()  # no stop, no flush: as after kill -9

    store = Store(tmp_path / "practice.db", kind="practice")
    again = Workstation(store, FakeChannel(), FakeClock(START), data, counselor="Ani")
    _, fields, version = again.notes.note(session.id)
    assert fields["topic"] == "kerja, lalu keluarga" and version >= 1
    assert store.state.note_drafts() == []  # saved: nothing left to recover
    again.notes.keep_typing(session.id, template, {"topic": "x"})
    assert store.state.drop_drafts([session.id]) == 0 and store.state.note_drafts() == []  # deletion takes it
    store.close()
