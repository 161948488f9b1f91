"""Retention: transcripts and notes go when the organisation's policy says, never from an open session."""

from __future__ import annotations

import asyncio
import json

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.config.settings import ConfigError, load_settings
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Risk, Sender, Session, SessionStatus, Tier, Visit
from curhat_tui.domain.retention import RetentionPolicy, SessionRecord, add_years, plan_purge
from curhat_tui.services.privacy import Privacy
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.sessions import ANSWERED, ENCRYPTED, HANDOVER, REGION
from curhat_tui.storage.store import Store
from curhat_tui.ui.app import build_app
from tests.conftest import START, TEST_KEY

DAY = 86_400.0


def add_session(store: Store, *, sid: str, key: str = "c1", alias: str = "Melati", started: float,
                status: SessionStatus = SessionStatus.CLOSED, ended: float | None = None,
                words: str = "aku capek sekali") -> str:
    visit = Visit(id=f"v-{sid}", client_key=key, alias=alias, tier=Tier.PEER, minutes=30, price=25000,
                  topic="kerja", intake_risk_answer="tidak", risk=Risk.LOW, arrived_at=started)
    store.visits.add(visit)
    store.sessions.add(Session(id=sid, visit_id=visit.id, client_key=key, alias=alias, tier=Tier.PEER, minutes=30,
                              price=25000, counselor="Ani", started_at=started, deadline=started + 1800))
    store.messages.add(sid, Sender.CLIENT, words, started + 10)
    store.messages.add(sid, Sender.COUNSELOR, "aku dengar kamu", started + 20)
    store.notes.save(sid, key, "peer", {"topic": "kerja"}, started + 30)
    store.notes.save(sid, key, "peer", {"topic": "kerja, keluarga"}, started + 200)
    store.flags.add(sid, "self_harm", started + 40, {"screener": {"q1": True}})
    store.flags.add_script(sid, "self_harm", "default", "Halo Melati, boleh aku tanya…", started + 40)
    store.state.set_draft(sid, "draf balasan")
    store.sessions.update(sid, channel_state={"room_id": "!r:hs", ENCRYPTED: True, HANDOVER: "dia cerita soal kerja",
                                              REGION: "Jawa Timur", ANSWERED: [["aku capek sekali", "t1"]]})
    if status is not SessionStatus.ACTIVE:
        store.sessions.update(sid, status=status, ended_at=ended)
    return sid


@pytest.fixture
def world(tmp_path):
    clock = FakeClock(START)
    store = Store(tmp_path / "r.db", key=TEST_KEY)
    audit = AuditLog(store, clock)
    privacy = Privacy(store, audit, clock, RetentionPolicy(transcript_days=30, note_years=5))
    yield store, audit, privacy, clock
    store.close()


def test_a_session_ended_31_days_ago_loses_its_transcript_an_open_one_never(world):
    store, audit, privacy, clock = world
    old = add_session(store, sid="old", started=START - 31 * DAY - 3600, ended=START - 31 * DAY)
    recent = add_session(store, sid="recent", started=START - 29 * DAY - 3600, ended=START - 29 * DAY)
    running = add_session(store, sid="running", started=START - 90 * DAY, status=SessionStatus.ACTIVE)
    wrapping = add_session(store, sid="wrapping", started=START - 90 * DAY, status=SessionStatus.WRAPUP,
                           ended=START - 89 * DAY)

    result = privacy.purge("Ani")

    assert (result.transcripts, result.notes, result.messages) == (1, 0, 2)
    assert store.messages.for_session(old) == []
    assert store.sessions.get(old) is not None  # the row stays, marked
    mark = privacy.mark(old)
    assert mark.transcript_at == START and mark.transcript_reason == "retention" and mark.notes_at is None
    assert [s["text"] for s in store.flags.scripts(old)] == [""]
    assert store.state.draft(old) == ""
    assert store.visits.get(f"v-{old}").topic == ""
    assert store.notes.get(old) is not None  # notes are kept for years
    assert store.sessions.channel_state(old) == {"room_id": "!r:hs", ENCRYPTED: True}  # no word, no place of theirs
    for kept in (recent, running, wrapping):
        assert len(store.messages.for_session(kept)) == 2 and privacy.mark(kept) is None
        assert store.sessions.channel_state(kept)[REGION] == "Jawa Timur"
        assert store.state.draft(kept) == "draf balasan"

    entries = [e for e in audit.entries() if e.action == "retention.purge_transcripts"]
    assert len(entries) == 1
    detail = json.loads(entries[0].detail)
    assert detail["sessions"] == [old] and detail["count"] == 1 and detail["messages"] == 2
    assert detail["policy"] == {"transcript_days": 30, "note_years": 5, "zero_transcript": False}
    assert "capek" not in entries[0].detail
    assert audit.verify() == []

    # running the purge again removes nothing more and writes no new entry
    again = privacy.purge("Ani")
    assert (again.transcripts, again.notes) == (0, 0)
    assert len([e for e in audit.entries() if e.action.startswith("retention.")]) == 1


def test_an_open_session_is_never_purged_even_decades_later(world):
    store, _, privacy, clock = world
    add_session(store, sid="running", started=START, status=SessionStatus.ACTIVE)
    add_session(store, sid="wrapup", started=START, status=SessionStatus.WRAPUP, ended=START + 1800)
    clock.advance(40 * 365 * DAY)
    result = privacy.purge("Ani")
    assert (result.transcripts, result.notes) == (0, 0)
    assert len(store.messages.for_session("running")) == 2 and store.notes.get("wrapup") is not None


def test_notes_and_every_version_go_after_the_years_the_policy_keeps_them(world):
    store, audit, privacy, clock = world
    sid = add_session(store, sid="s", started=START - 3600, ended=START)
    assert len(store.notes.versions(sid)) == 2
    clock.set(add_years(START, 5) - 60)
    first = privacy.purge("Ani")
    assert (first.transcripts, first.notes) == (1, 0)
    assert store.notes.get(sid) is not None
    clock.set(add_years(START, 5) + 1)
    second = privacy.purge("Ani")
    assert second.notes == 1
    assert store.notes.get(sid) is None and store.notes.versions(sid) == [] and store.flags.for_session(sid) == []
    mark = privacy.mark(sid)
    assert mark.notes_at == clock.now() and mark.transcript_at is not None
    assert store.sessions.get(sid).alias == "Melati"  # who and when stays: the words are gone
    note_entry = [e for e in audit.entries() if e.action == "retention.purge_notes"][0]
    assert json.loads(note_entry.detail)["note_versions"] == 2
    assert audit.verify() == []


def test_a_big_purge_runs_in_batches_and_reports_progress(world):
    store, audit, privacy, clock = world
    for i in range(250):
        add_session(store, sid=f"s{i:03d}", key=f"c{i}", started=START - 40 * DAY, ended=START - 40 * DAY + 1800)
    reports = []
    result = privacy.purge("Ani", progress=reports.append, batch_size=100)
    assert [(r.done, r.total) for r in reports] == [(0, 250), (100, 250), (200, 250), (250, 250), (250, 250)]
    assert reports[-1].finished and result.transcripts == 250 and result.messages == 500
    assert store.db.execute("select count(*) from messages").fetchone()[0] == 0
    entries = [e for e in audit.entries() if e.action == "retention.purge_transcripts"]
    assert [json.loads(e.detail)["count"] for e in entries] == [100, 100, 50]
    assert audit.verify() == []


def test_deleted_words_are_not_left_in_the_file_or_its_wal(tmp_path):
    """secure_delete zeroes the freed cells and the WAL is truncated: no copy of the words survives."""
    clock = FakeClock(START)
    path = tmp_path / "plain.db"
    store = Store(path)  # unencrypted here so the bytes can be searched
    privacy = Privacy(store, AuditLog(store, clock), clock, RetentionPolicy(transcript_days=30))
    secret = "RAHASIA-kata-klien-" + "x" * 200
    add_session(store, sid="s", started=START - 40 * DAY, ended=START - 40 * DAY + 1800, words=secret)
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the words are in the main file now
    assert secret.encode() in path.read_bytes()
    privacy.purge("Ani")
    files = [path, path.with_name(path.name + "-wal")]
    assert all(secret.encode() not in f.read_bytes() for f in files if f.exists())
    store.close()


def test_policy_planning_is_pure_and_respects_zero_transcript():
    records = [SessionRecord("a", True, START - 1.0), SessionRecord("b", False, None),
               SessionRecord("c", True, START - 1.0, transcript_purged=True)]
    assert plan_purge(RetentionPolicy(zero_transcript=True), records, START).transcripts == ["a"]
    assert plan_purge(RetentionPolicy(transcript_days=1), records, START).transcripts == []
    with pytest.raises(ValueError, match="transcript_days"):
        RetentionPolicy(transcript_days=0)


@pytest.mark.parametrize("body, fragment", [
    ("[retention]\ntranscript_days = 0\n", "transcript_days must be a whole number of days"),
    ("[retention]\ntranscript_days = \"30\"\n", "e.g. transcript_days = 30"),
    ("[retention]\nnote_years = 2.5\n", "note_years must be a whole number of years"),
    ("[retention]\nzero_transcript = \"yes\"\n", "zero_transcript must be true or false"),
    ("[retention]\ntranscript_dayz = 30\n", "has no setting 'transcript_dayz'"),
    ("retention = 30\n", "[retention] followed by"),
])
def test_a_wrong_retention_setting_names_the_file_and_the_fix(tmp_path, body, fragment):
    (tmp_path / "config.toml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert str(tmp_path / "config.toml") in str(caught.value) and fragment in str(caught.value)


def test_retention_settings_and_their_defaults(tmp_path):
    assert load_settings(tmp_path).retention == RetentionPolicy(30, 5, False)
    (tmp_path / "config.toml").write_text("[retention]\ntranscript_days = 7\nzero_transcript = true\n")
    assert load_settings(tmp_path).retention == RetentionPolicy(7, 5, True)


async def test_zero_transcript_deletes_the_transcript_when_the_session_closes(tmp_path, data, clock):
    parts = build_practice(tmp_path / "data", data=data, clock=clock, seed=7, name="Ani", key=TEST_KEY,
                           retention=RetentionPolicy(zero_transcript=True))
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    await ws.desk.send(session.id, "Halo, aku Ani.")
    assert parts.store.messages.count(session.id) > 0
    await ws.desk.end(session.id)
    assert parts.store.messages.count(session.id) > 0  # wrap-up still shows it
    ws.desk.close(session.id, skip_reason="latihan")
    assert parts.store.messages.count(session.id) == 0
    assert ws.privacy.mark(session.id).transcript_reason == "zero_transcript"
    assert any(e.action == "retention.purge_transcripts" for e in ws.audit.entries())
    await ws.stop()
    parts.store.close()


async def test_the_workstation_purges_at_start_and_then_daily(tmp_path, data):
    clock = FakeClock(START)
    parts = build_practice(tmp_path / "d", data=data, clock=clock, key=TEST_KEY)
    ws = parts.workstation
    early = add_session(parts.store, sid="early", key="k1", started=START - 31 * DAY, ended=START - 31 * DAY + 60)
    later = add_session(parts.store, sid="later", key="k2", started=START - 29 * DAY - 60, ended=START - 29 * DAY)
    await ws.start()
    await asyncio.sleep(0.05)
    assert parts.store.messages.count(early) == 0 and parts.store.messages.count(later) == 2
    clock.advance(12 * 3600)
    ws.tick()
    await asyncio.sleep(0.05)
    assert parts.store.messages.count(later) == 2  # not yet a day since the last run
    clock.advance(12 * 3600 + 1)
    ws.tick()
    await asyncio.sleep(0.05)
    assert parts.store.messages.count(later) == 0
    await ws.stop()
    parts.store.close()


async def test_a_long_purge_shows_its_progress_on_screen(tmp_path, data):
    clock = FakeClock(START)
    parts = build_practice(tmp_path / "d", data=data, clock=clock, key=TEST_KEY)
    for i in range(320):
        add_session(parts.store, sid=f"s{i:03d}", key=f"c{i}", started=START - 60 * DAY, ended=START - 60 * DAY + 60)
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(20):
            await pilot.pause()
            if parts.store.db.execute("select count(*) from messages").fetchone()[0] == 0:
                break
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any("0/320" in m for m in shown)
        assert any("320 transkrip" in m and "30 hari" in m for m in shown)
    parts.store.close()
