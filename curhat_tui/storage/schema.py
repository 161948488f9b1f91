"""Every table, index and trigger, as numbered migrations applied in order when a database opens.

The number of the last migration applied is kept in the database (`PRAGMA user_version`). Migration 1
is the baseline: it creates only what is missing, so a database made before migrations were numbered
(tables created lazily by several modules) opens with all its rows. Later migrations only add: a new
table, column or index, never a rename or a drop, so an older file always upgrades in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from curhat_tui.storage.database import Database, StoreError


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def _table(name: str, *columns: str) -> str:
    return f'CREATE TABLE IF NOT EXISTS "{name}" (\n   ' + ",\n   ".join(columns) + "\n)"


def _index(table: str, *columns: str, unique: bool = False) -> str:
    name = "idx_" + "_".join((table, *columns))
    cols = ", ".join(f'"{c}"' for c in columns)
    return f'CREATE {"UNIQUE " if unique else ""}INDEX IF NOT EXISTS "{name}"\n    ON "{table}" ({cols})'


_APPEND_ONLY = "begin select raise(abort, 'the audit log is append-only'); end"

BASELINE = (
    # settings and state kept between runs (storage.state names every key)
    _table("meta", '"key" TEXT PRIMARY KEY', '"value" TEXT'),
    # clients, their visits to the queue, and the sessions a counselor accepted
    _table("clients", '"key" TEXT PRIMARY KEY', '"alias" TEXT', '"tier" TEXT', '"template" TEXT',
           '"created_at" REAL'),
    _table("visits", '"id" TEXT PRIMARY KEY', '"client_key" TEXT', '"alias" TEXT', '"tier" TEXT',
           '"minutes" INTEGER', '"price" INTEGER', '"topic" TEXT', '"intake_risk_answer" TEXT', '"risk" INTEGER',
           '"arrived_at" REAL', '"status" TEXT', '"left_at" REAL', '"persona" TEXT'),
    _index("visits", "status"),
    _table("sessions", '"id" TEXT PRIMARY KEY', '"visit_id" TEXT', '"client_key" TEXT', '"alias" TEXT',
           '"tier" TEXT', '"minutes" INTEGER', '"price" INTEGER', '"counselor" TEXT', '"started_at" REAL',
           '"deadline" REAL', '"status" TEXT', '"risk" INTEGER', '"notified" TEXT', '"end_reason" TEXT',
           '"skip_reason" TEXT', '"ended_at" REAL', '"lang" TEXT', '"channel_state" TEXT'),
    _index("sessions", "status"),
    _index("sessions", "client_key"),
    # what was said: every message, the outbox being those still 'pending'
    _table("messages", '"id" INTEGER PRIMARY KEY', '"session_id" TEXT', '"sender" TEXT', '"text" TEXT',
           '"ts" REAL', '"txn_id" TEXT', '"delivery" TEXT', '"flags" TEXT'),
    _index("messages", "session_id", "id"),
    _index("messages", "txn_id", unique=True),
    _index("messages", "delivery"),
    # session notes and every saved version
    _table("notes", '"session_id" TEXT PRIMARY KEY', '"client_key" TEXT', '"template" TEXT', '"fields" TEXT',
           '"version" INTEGER', '"updated_at" REAL'),
    _index("notes", "client_key"),
    _table("note_versions", '"id" INTEGER PRIMARY KEY', '"session_id" TEXT', '"version" INTEGER',
           '"template" TEXT', '"fields" TEXT', '"ts" REAL'),
    _index("note_versions", "session_id", "version"),
    # red flags ticked, referral scripts loaded and sent, time extensions
    _table("flags", '"id" INTEGER PRIMARY KEY', '"session_id" TEXT', '"item" TEXT', '"ts" REAL', '"detail" TEXT'),
    _index("flags", "session_id"),
    _table("scripts", '"id" INTEGER PRIMARY KEY', '"session_id" TEXT', '"item" TEXT', '"variant" TEXT',
           '"text" TEXT', '"loaded_at" REAL', '"sent_at" REAL', '"message_id" INTEGER'),
    _table("extensions", '"id" INTEGER PRIMARY KEY', '"session_id" TEXT', '"minutes" INTEGER', '"reason" TEXT',
           '"ts" REAL'),
    # the append-only, hash-chained audit log
    _table("audit", '"id" INTEGER PRIMARY KEY', '"ts" REAL', '"actor" TEXT', '"action" TEXT', '"subject" TEXT',
           '"detail" TEXT', '"prev" TEXT', '"hash" TEXT'),
    f"CREATE TRIGGER IF NOT EXISTS audit_no_update before update on audit {_APPEND_ONLY}",
    f"CREATE TRIGGER IF NOT EXISTS audit_no_delete before delete on audit {_APPEND_ONLY}",
    # retention and client rights
    _table("retention_marks", '"session_id" TEXT PRIMARY KEY', '"transcript_at" REAL', '"transcript_reason" TEXT',
           '"notes_at" REAL', '"notes_reason" TEXT'),
    _table("consent_withdrawals", '"client_key" TEXT PRIMARY KEY', '"alias" TEXT', '"withdrawn_at" REAL',
           '"due_at" REAL', '"by" TEXT'),
    # supervision: note sign-off, its events, whispers, live status of other workstations
    _table("reviews", '"session_id" TEXT PRIMARY KEY', '"status" TEXT', '"updated_at" REAL', '"updated_by" TEXT'),
    _table("review_events", '"id" INTEGER PRIMARY KEY', '"session_id" TEXT', '"action" TEXT', '"author" TEXT',
           '"text" TEXT', '"ts" REAL', '"remote_id" TEXT'),
    _index("review_events", "session_id"),
    _index("review_events", "remote_id", unique=True),
    _table("whispers", '"id" INTEGER PRIMARY KEY', '"session_id" TEXT', '"author" TEXT', '"text" TEXT', '"ts" REAL',
           '"remote_id" TEXT'),
    _index("whispers", "session_id"),
    _index("whispers", "remote_id", unique=True),
    _table("live", '"session_id" TEXT PRIMARY KEY', '"counselor" TEXT', '"alias" TEXT', '"started_at" REAL',
           '"deadline" REAL', '"risk" INTEGER', '"status" TEXT', '"updated_at" REAL', '"alert" TEXT',
           '"alert_at" REAL'),
)

MESSAGE_MARKS = (
    # a client's edit or deletion of one of their messages: when (the text itself is changed in `messages`)
    _table("message_marks", '"message_id" INTEGER PRIMARY KEY', '"session_id" TEXT', '"edited_at" REAL',
           '"redacted_at" REAL'),
    _index("message_marks", "session_id"),
)

WRITTEN_FILES = (
    # every file written about a session or a client (exports, practice reports): deleted through this register
    _table("written_files", '"id" INTEGER PRIMARY KEY', '"path" TEXT', '"kind" TEXT', '"session_id" TEXT',
           '"client_key" TEXT', '"written_at" REAL'),
    _index("written_files", "session_id"),
    _index("written_files", "client_key"),
)

VISIT_MARKS = (
    # a visit the risk detector called imminent (what the client wrote while waiting): it heads the queue
    _table("visit_marks", '"visit_id" TEXT PRIMARY KEY', '"client_key" TEXT', '"imminent" INTEGER'),
    _index("visit_marks", "client_key"),
)

VISIT_APPOINTMENTS = (
    # a visit booked for a time (an appointment beside walk-ins): its place in the queue survives a restart
    _table("visit_appointments", '"visit_id" TEXT PRIMARY KEY', '"client_key" TEXT', '"appointment_at" FLOAT'),
    _index("visit_appointments", "client_key"),
)

TRAINING = (
    # a trainee's curriculum: each practice session judged against a step, passed or not, with the figures used
    _table("curriculum_progress", '"id" INTEGER PRIMARY KEY', '"trainee" TEXT', '"step" TEXT', '"session_id" TEXT',
           '"passed" INTEGER', '"at" REAL', '"detail" TEXT'),
    _index("curriculum_progress", "trainee"),
    # a supervisor's comment on one line of a practice transcript
    _table("line_comments", '"id" INTEGER PRIMARY KEY', '"session_id" TEXT', '"message_id" INTEGER',
           '"author" TEXT', '"text" TEXT', '"ts" REAL'),
    _index("line_comments", "session_id"),
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "baseline", BASELINE),
    Migration(2, "message marks", MESSAGE_MARKS),
    Migration(3, "written files", WRITTEN_FILES),
    Migration(4, "visit marks", VISIT_MARKS),
    Migration(5, "visit appointments", VISIT_APPOINTMENTS),
    Migration(6, "training", TRAINING),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def version(database: Database) -> int:
    return int(database.scalar("PRAGMA user_version") or 0)


def migrate(database: Database) -> int:
    """Apply every migration the database has not had yet, each atomically; returns the version now.

    A database from a newer curhat-tui (a version this code does not know) is refused unchanged.
    """
    current = version(database)
    if current > SCHEMA_VERSION:
        raise StoreError(f"{database.path}: made by a newer curhat-tui (schema {current}, this one knows "
                         f"{SCHEMA_VERSION}); update curhat-tui to open it. Nothing was changed")
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        with database.transaction():
            for statement in migration.statements:
                database.execute(statement)
            database.execute(f"PRAGMA user_version = {int(migration.version)}")
        current = migration.version
    return current
