"""The schema: numbered migrations, a database made before them opens with every row, and the kind
(practice or real) is recorded inside the database."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from curhat_tui.domain.audit import GENESIS, canonical, entry_hash
from curhat_tui.domain.models import Sender
from curhat_tui.paths import PRACTICE_DB, REAL_DB
from curhat_tui.storage import schema
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.store import Store, StoreError

# the tables as releases before numbered migrations created them (storage/store.py, audit.py,
# services/privacy.py, review.py, each lazily), word for word as sqlite-utils wrote them
OLD_DDL = """
CREATE TABLE "meta" ("key" TEXT PRIMARY KEY, "value" TEXT);
CREATE TABLE "clients" ("key" TEXT PRIMARY KEY, "alias" TEXT, "tier" TEXT, "template" TEXT, "created_at" REAL);
CREATE TABLE "visits" ("id" TEXT PRIMARY KEY, "client_key" TEXT, "alias" TEXT, "tier" TEXT, "minutes" INTEGER,
   "price" INTEGER, "topic" TEXT, "intake_risk_answer" TEXT, "risk" INTEGER, "arrived_at" REAL, "status" TEXT,
   "left_at" REAL, "persona" TEXT);
CREATE INDEX "idx_visits_status" ON "visits" ("status");
CREATE TABLE "sessions" ("id" TEXT PRIMARY KEY, "visit_id" TEXT, "client_key" TEXT, "alias" TEXT, "tier" TEXT,
   "minutes" INTEGER, "price" INTEGER, "counselor" TEXT, "started_at" REAL, "deadline" REAL, "status" TEXT,
   "risk" INTEGER, "notified" TEXT, "end_reason" TEXT, "skip_reason" TEXT, "ended_at" REAL, "lang" TEXT,
   "channel_state" TEXT);
CREATE INDEX "idx_sessions_status" ON "sessions" ("status");
CREATE INDEX "idx_sessions_client_key" ON "sessions" ("client_key");
CREATE TABLE "messages" ("id" INTEGER PRIMARY KEY, "session_id" TEXT, "sender" TEXT, "text" TEXT, "ts" REAL,
   "txn_id" TEXT, "delivery" TEXT, "flags" TEXT);
CREATE INDEX "idx_messages_session_id_id" ON "messages" ("session_id", "id");
CREATE UNIQUE INDEX "idx_messages_txn_id" ON "messages" ("txn_id");
CREATE INDEX "idx_messages_delivery" ON "messages" ("delivery");
CREATE TABLE "notes" ("session_id" TEXT PRIMARY KEY, "client_key" TEXT, "template" TEXT, "fields" TEXT,
   "version" INTEGER, "updated_at" REAL);
CREATE INDEX "idx_notes_client_key" ON "notes" ("client_key");
CREATE TABLE "note_versions" ("id" INTEGER PRIMARY KEY, "session_id" TEXT, "version" INTEGER, "template" TEXT,
   "fields" TEXT, "ts" REAL);
CREATE INDEX "idx_note_versions_session_id_version" ON "note_versions" ("session_id", "version");
CREATE TABLE "flags" ("id" INTEGER PRIMARY KEY, "session_id" TEXT, "item" TEXT, "ts" REAL, "detail" TEXT);
CREATE INDEX "idx_flags_session_id" ON "flags" ("session_id");
CREATE TABLE "scripts" ("id" INTEGER PRIMARY KEY, "session_id" TEXT, "item" TEXT, "variant" TEXT, "text" TEXT,
   "loaded_at" REAL, "sent_at" REAL, "message_id" INTEGER);
CREATE TABLE "extensions" ("id" INTEGER PRIMARY KEY, "session_id" TEXT, "minutes" INTEGER, "reason" TEXT,
   "ts" REAL);
CREATE TABLE "audit" ("id" INTEGER PRIMARY KEY, "ts" REAL, "actor" TEXT, "action" TEXT, "subject" TEXT,
   "detail" TEXT, "prev" TEXT, "hash" TEXT);
CREATE TRIGGER audit_no_update before update on audit begin select raise(abort, 'the audit log is append-only'); end;
CREATE TRIGGER audit_no_delete before delete on audit begin select raise(abort, 'the audit log is append-only'); end;
CREATE TABLE "retention_marks" ("session_id" TEXT PRIMARY KEY, "transcript_at" REAL, "transcript_reason" TEXT,
   "notes_at" REAL, "notes_reason" TEXT);
CREATE TABLE "consent_withdrawals" ("client_key" TEXT PRIMARY KEY, "alias" TEXT, "withdrawn_at" REAL,
   "due_at" REAL, "by" TEXT);
CREATE TABLE "reviews" ("session_id" TEXT PRIMARY KEY, "status" TEXT, "updated_at" REAL, "updated_by" TEXT);
CREATE TABLE "review_events" ("id" INTEGER PRIMARY KEY, "session_id" TEXT, "action" TEXT, "author" TEXT,
   "text" TEXT, "ts" REAL, "remote_id" TEXT);
CREATE INDEX "idx_review_events_session_id" ON "review_events" ("session_id");
CREATE UNIQUE INDEX "idx_review_events_remote_id" ON "review_events" ("remote_id");
CREATE TABLE "whispers" ("id" INTEGER PRIMARY KEY, "session_id" TEXT, "author" TEXT, "text" TEXT, "ts" REAL,
   "remote_id" TEXT);
CREATE INDEX "idx_whispers_session_id" ON "whispers" ("session_id");
CREATE UNIQUE INDEX "idx_whispers_remote_id" ON "whispers" ("remote_id");
CREATE TABLE "live" ("session_id" TEXT PRIMARY KEY, "counselor" TEXT, "alias" TEXT, "started_at" REAL,
   "deadline" REAL, "risk" INTEGER, "status" TEXT, "updated_at" REAL, "alert" TEXT, "alert_at" REAL);
"""

T0 = 1_700_000_000.0


def _old_database(path, *, lazy_tables: bool = True) -> None:
    """A database as the old code left it: meta.schema_version "1", a few rows in every table, user_version 0.

    Without `lazy_tables` it lacks what the audit log, privacy and review modules created on first use.
    """
    ddl = OLD_DDL if lazy_tables else OLD_DDL.split('CREATE TABLE "audit"')[0]
    conn = sqlite3.connect(path)
    conn.executescript(ddl)
    conn.execute("PRAGMA journal_mode=WAL")
    rows = [
        ("insert into meta values (?, ?)", ("schema_version", "1")),
        ("insert into meta values (?, ?)", ("draft.s1", "draf lama")),
        ("insert into meta values (?, ?)", ("practice.seed", "7")),
        ("insert into meta values (?, ?)", ("practice.epoch.7", repr(T0))),
        ("insert into meta values (?, ?)", ("practice.day.7", "3")),
        ("insert into meta values (?, ?)", ("practice.difficulty.v1", "hard")),
        ("insert into meta values (?, ?)", ("matrix.since", "s72_19")),
        ("insert into meta values (?, ?)", ("sv.room.s1", "!room:hs")),
        ("insert into clients values (?, ?, ?, ?, ?)", ("c1", "Melati", "peer", "birp", T0)),
        ("insert into visits values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
         ("v1", "c1", "Melati", "peer", 30, 0, "kerja", "tidak", 1, T0, "accepted", None, "melati")),
        ("insert into sessions values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
         ("s1", "v1", "c1", "Melati", "peer", 30, 0, "Ani", T0 + 60, T0 + 1860, "closed", 1, "[10, 5]", "selesai",
          "", T0 + 1900, "id", json.dumps({"persona": "melati", "pending": [{"text": "aku takut"}]}))),
        ("insert into messages values (?,?,?,?,?,?,?,?)", (1, "s1", "client", "halo kak", T0 + 70, "m1", "sent", "[]")),
        ("insert into messages values (?,?,?,?,?,?,?,?)",
         (2, "s1", "counselor", "halo, aku Ani", T0 + 80, "t1", "read", "[]")),
        ("insert into notes values (?,?,?,?,?,?)",
         ("s1", "c1", "birp", json.dumps({"behavior": "tenang"}), 2, T0 + 2000)),
        ("insert into note_versions values (?,?,?,?,?,?)",
         (1, "s1", 1, "birp", json.dumps({"behavior": "x"}), T0 + 1950)),
        ("insert into note_versions values (?,?,?,?,?,?)",
         (2, "s1", 2, "birp", json.dumps({"behavior": "tenang"}), T0 + 2000)),
        ("insert into flags values (?,?,?,?,?)", (1, "s1", "self_harm", T0 + 300, "{}")),
        ("insert into scripts values (?,?,?,?,?,?,?,?)",
         (1, "s1", "self_harm", "default", "Halo", T0 + 301, None, None)),
        ("insert into extensions values (?,?,?,?,?)", (1, "s1", 15, "krisis", T0 + 1500)),
    ]
    if lazy_tables:
        prev = GENESIS
        for entry_id in (1, 2):
            body = canonical({"n": entry_id})
            digest = entry_hash(prev, entry_id, T0 + entry_id, "Ani", "view", "session:s1", body)
            rows.append(("insert into audit values (?,?,?,?,?,?,?,?)",
                         (entry_id, T0 + entry_id, "Ani", "view", "session:s1", body, prev, digest)))
            prev = digest
        rows += [
            ("insert into meta values (?, ?)", ("audit.head", f"2:{prev}")),
            ("insert into retention_marks values (?,?,?,?,?)", ("s1", None, "", None, "")),
            ("insert into consent_withdrawals values (?,?,?,?,?)", ("c1", "Melati", T0 + 5000, T0 + 264200, "Ani")),
            ("insert into reviews values (?,?,?,?)", ("s1", "submitted", T0 + 2100, "Ani")),
            ("insert into review_events values (?,?,?,?,?,?,?)", (1, "s1", "submit", "Ani", "", T0 + 2100, None)),
            ("insert into whispers values (?,?,?,?,?,?)", (1, "s1", "Budi", "validasi dulu", T0 + 200, "$w1")),
            ("insert into live values (?,?,?,?,?,?,?,?,?,?)",
             ("s9", "Cici", "Mawar", T0, T0 + 1800, 2, "active", T0, "", 0.0)),
        ]
    for sql, args in rows:
        conn.execute(sql, args)
    conn.commit()
    conn.close()


def _dump(path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
    dump = {t: sorted(map(repr, conn.execute(f'select * from "{t}"').fetchall())) for t in tables}
    conn.close()
    return dump


def test_an_old_database_opens_with_every_row(tmp_path):
    path = tmp_path / PRACTICE_DB
    _old_database(path)
    before = _dump(path)
    store = Store(path)
    assert schema.version(store.database) == schema.SCHEMA_VERSION
    # through the repositories
    session = store.sessions.get("s1")
    assert session is not None and session.alias == "Melati" and session.notified == [10, 5]
    assert [m.text for m in store.messages.for_session("s1")] == ["halo kak", "halo, aku Ani"]
    assert store.notes.get("s1")["fields"] == {"behavior": "tenang"}
    assert [v["version"] for v in store.notes.versions("s1")] == [1, 2]
    assert store.notes.client_template("c1") == "birp"
    assert [f.item for f in store.flags.for_session("s1")] == ["self_harm"]
    assert store.flags.scripts("s1")[0]["text"] == "Halo"
    assert store.sessions.extensions("s1")[0]["reason"] == "krisis"
    assert store.visits.get("v1").topic == "kerja"
    assert store.sessions.client_words("s1") == {"pending": [{"text": "aku takut"}]}
    assert store.state.draft("s1") == "draf lama"
    assert store.state.practice_seed() == 7 and store.state.practice_epoch(7) == T0
    assert store.state.practice_day(7) == 3 and store.state.practice_difficulty("v1") == "hard"
    assert store.state.matrix_since() == "s72_19" and store.state.supervision_room("s1") == "!room:hs"
    assert store.review.status("s1").value == "submitted" and store.review.whispers("s1")[0]["text"] == "validasi dulu"
    assert store.review.live()[0]["alias"] == "Mawar"
    assert store.privacy.withdrawal("c1").alias == "Melati"
    assert AuditLog(store).check() == (2, [])  # the chain and its recorded head are intact
    store.close()
    # on disk: every old row as it was; the only additions are the kind, the schema version and the
    # (empty) tables of later migrations
    opened = _dump(path)
    assert opened["meta"] == sorted(before["meta"] + [repr(("store.kind", "practice"))])
    assert {t: r for t, r in opened.items() if t in before and t != "meta"} == \
        {t: r for t, r in before.items() if t != "meta"}
    assert {t: r for t, r in opened.items() if t not in before} == {"message_marks": [], "written_files": [],
                                                                 "visit_marks": [], "visit_appointments": [],
                                                                 "curriculum_progress": [], "line_comments": []}
    reopened = Store(path)  # a second open changes nothing
    assert reopened.kind == "practice" and reopened.messages.count("s1") == 2
    reopened.close()
    assert _dump(path) == opened


def test_an_old_database_without_the_lazy_tables_gets_them(tmp_path):
    path = tmp_path / REAL_DB
    _old_database(path, lazy_tables=False)
    store = Store(path)
    assert store.kind == "real" and store.practice is False
    assert store.messages.count("s1") == 2
    store.audit.record("Ani", "view", "session:s1")
    assert store.audit.check() == (1, [])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.conn.execute("delete from audit")
    assert store.review.status("s1").value == "draft"
    store.close()


def test_the_kind_is_recorded_in_the_database_not_read_from_its_name(tmp_path):
    store = Store(tmp_path / "a.db", kind="practice")
    store.close()
    moved = tmp_path / "elsewhere" / REAL_DB
    moved.parent.mkdir()
    shutil.copyfile(tmp_path / "a.db", moved)
    copied = Store(moved)
    assert copied.kind == "practice" and copied.practice is True
    copied.close()
    with pytest.raises(StoreError, match="holds practice sessions, not real"):
        Store(moved, kind="real")
    unnamed = Store(tmp_path / "b.db")
    assert unnamed.kind is None and unnamed.practice is None
    unnamed.close()
    assert Store(tmp_path / "b.db", kind="real").kind == "real"
    assert Store(tmp_path / "b.db").kind == "real"


def test_a_database_from_a_newer_release_is_refused_unchanged(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer curhat-tui"):
        Store(path)


def test_migrations_are_numbered_in_order_and_idempotent(tmp_path):
    assert [m.version for m in schema.MIGRATIONS] == list(range(1, len(schema.MIGRATIONS) + 1))
    store = Store(tmp_path / "x.db")
    store.messages.add("s1", Sender.CLIENT, "halo", 1.0)
    for migration in schema.MIGRATIONS:  # applying again creates nothing and loses nothing
        for statement in migration.statements:
            store.database.execute(statement)
    assert store.messages.count("s1") == 1
    store.close()
