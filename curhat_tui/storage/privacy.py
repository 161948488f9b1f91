"""Retention and client-rights records: purge marks, consent withdrawals, and the SQL that gathers or
deletes everything held about a client.

What is due, and who may ask, is decided above (`services.privacy`, `domain.retention`); these
methods only read and delete rows, inside the caller's transaction when there is one. Deleted
content is overwritten (`Database.secure_delete`) and the WAL scrubbed by the caller after a purge.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from curhat_tui.domain.models import SessionStatus
from curhat_tui.domain.retention import SessionRecord
from curhat_tui.storage.database import Database, placeholders
from curhat_tui.storage.sessions import Sessions
from curhat_tui.storage.state import State

MARKS = "retention_marks"
WITHDRAWALS = "consent_withdrawals"
SQL_VARS = 500  # ids per IN (...) list, well under SQLite's limit
NOTE_TABLES = ("notes", "note_versions", "flags", "extensions", "reviews", "review_events")
SESSION_PARTS = ("messages", "notes", "note_versions", "flags", "scripts", "extensions", MARKS)  # exported by name


@dataclass(frozen=True)
class PurgeMark:
    """When (and under which rule) a closed session's transcript or notes were deleted."""

    session_id: str
    transcript_at: float | None
    transcript_reason: str
    notes_at: float | None
    notes_reason: str


@dataclass(frozen=True)
class Withdrawal:
    client_key: str
    alias: str
    withdrawn_at: float
    due_at: float  # deletion due: 3x24 hours after the withdrawal
    by: str


@dataclass(frozen=True)
class SessionCounts:
    """One of a client's sessions with how much it holds (for the client-rights summary)."""

    id: str
    started_at: float
    ended_at: float | None
    status: str
    counselor: str
    messages: int
    has_note: bool


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), SQL_VARS):
        yield list(ids[i:i + SQL_VARS])


class PrivacyRecords:
    def __init__(self, database: Database, sessions: Sessions, state: State) -> None:
        self.database = database
        self.sessions = sessions
        self.state = state

    # ---- retention ------------------------------------------------------------------
    def closed_not_purged(self) -> list[SessionRecord]:
        """Closed sessions whose transcript or notes are still here."""
        rows = self.database.execute(
            f"select s.id, s.status, s.ended_at, m.transcript_at, m.notes_at from sessions s "
            f"left join {MARKS} m on m.session_id = s.id "
            f"where s.status = ? and (m.transcript_at is null or m.notes_at is null)",
            [SessionStatus.CLOSED.value]).fetchall()
        return [SessionRecord(r[0], r[1] == SessionStatus.CLOSED.value, r[2], r[3] is not None, r[4] is not None)
                for r in rows]

    def closed_only(self, ids: Sequence[str]) -> list[str]:
        """The ids of closed sessions among `ids`, in their order: a purge never touches an open session."""
        rows = self.database.execute(f"select id from sessions where id in ({placeholders(ids)}) and status = ?",
                                     [*ids, SessionStatus.CLOSED.value]).fetchall()
        closed = {r[0] for r in rows}
        return [i for i in ids if i in closed]

    def _mark(self, ids: Sequence[str], kind: str, now: float, reason: str) -> None:
        for sid in ids:
            self.database.execute(
                f"insert into {MARKS} (session_id, {kind}_at, {kind}_reason) values (?, ?, ?) "
                f"on conflict(session_id) do update set {kind}_at = excluded.{kind}_at, "
                f"{kind}_reason = excluded.{kind}_reason", [sid, now, reason])

    def purge_transcripts(self, ids: Sequence[str], now: float, reason: str) -> tuple[list[str], int]:
        """Messages, script texts, drafts and words kept in channel state go; the session row stays, marked.

        Returns the closed sessions purged and how many messages went.
        """
        ids = self.closed_only(ids)
        if not ids:
            return [], 0
        db = self.database
        q = placeholders(ids)
        count = int(db.scalar(f"select count(*) from messages where session_id in ({q})", ids))
        db.execute(f"delete from messages where session_id in ({q})", ids)
        db.execute(f"delete from message_marks where session_id in ({q})", ids)
        db.execute(f"update scripts set text = '' where session_id in ({q})", ids)
        self.state.drop_drafts(ids)
        db.execute(f"update visits set topic = '', intake_risk_answer = '' where status != 'waiting' and id in "
                   f"(select visit_id from sessions where id in ({q}))", ids)
        self.sessions.drop_client_words(ids)
        self._mark(ids, "transcript", now, reason)
        return ids, count

    def purge_notes(self, ids: Sequence[str], now: float) -> tuple[list[str], dict[str, int]]:
        """Notes with every version, flags, extensions and review records; the session row stays, marked."""
        ids = self.closed_only(ids)
        if not ids:
            return [], {}
        db = self.database
        q = placeholders(ids)
        names = set(db.table_names())
        counts: dict[str, int] = {}
        for table in NOTE_TABLES:
            if table in names:
                counts[table] = db.execute(f"delete from {table} where session_id in ({q})", ids).rowcount
        db.execute(f"update sessions set end_reason = '', skip_reason = '' where id in ({q})", ids)
        self._mark(ids, "notes", now, "retention")
        return ids, counts

    def mark(self, session_id: str) -> PurgeMark | None:
        row = self.database.one(f"select session_id, transcript_at, transcript_reason, notes_at, notes_reason "
                                f"from {MARKS} where session_id = ?", [session_id])
        return PurgeMark(row[0], row[1], row[2] or "", row[3], row[4] or "") if row else None

    # ---- consent --------------------------------------------------------------------
    def withdrawal(self, client_key: str) -> Withdrawal | None:
        row = self.database.one(f"select client_key, alias, withdrawn_at, due_at, by from {WITHDRAWALS} "
                                "where client_key = ?", [client_key])
        return Withdrawal(*row) if row else None

    def withdrawals(self) -> dict[str, Withdrawal]:
        rows = self.database.execute(f"select client_key, alias, withdrawn_at, due_at, by from {WITHDRAWALS}")
        return {r[0]: Withdrawal(*r) for r in rows.fetchall()}

    def add_withdrawal(self, withdrawal: Withdrawal) -> None:
        self.database.execute(f"insert into {WITHDRAWALS} (client_key, alias, withdrawn_at, due_at, by) "
                              "values (?, ?, ?, ?, ?)", [withdrawal.client_key, withdrawal.alias,
                                                         withdrawal.withdrawn_at, withdrawal.due_at, withdrawal.by])

    # ---- what is held about a client ----------------------------------------------------------
    def open_session_ids(self, client_key: str) -> list[str]:
        """The client's sessions not closed yet (running or in wrap-up)."""
        return [r[0] for r in self.database.execute("select id from sessions where client_key = ? and status != ?",
                                                    [client_key, SessionStatus.CLOSED.value]).fetchall()]

    def session_counts(self, client_key: str) -> list[SessionCounts]:
        rows = self.database.execute(
            "select s.id, s.started_at, s.ended_at, s.status, s.counselor, "
            "(select count(*) from messages m where m.session_id = s.id), "
            "(select count(*) from notes n where n.session_id = s.id) "
            "from sessions s where s.client_key = ? order by s.started_at", [client_key]).fetchall()
        return [SessionCounts(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in rows]

    def session_tables(self) -> list[str]:
        """Every table with a session_id column but the audit log (later migrations may add more)."""
        return [name for name in self.database.table_names()
                if name != "audit" and "session_id" in self.database.columns(name)]

    def client_rows(self, client_key: str) -> list[dict[str, Any]]:
        return self.database.rows("select * from clients where key = ?", [client_key])

    def client_sessions(self, client_key: str) -> list[dict[str, Any]]:
        """The client's session rows as stored, oldest first."""
        return self.database.rows("select * from sessions where client_key = ? order by started_at", [client_key])

    def client_visits(self, client_key: str) -> list[dict[str, Any]]:
        return self.database.rows("select * from visits where client_key = ? order by arrived_at", [client_key])

    def session_rows(self, table: str, session_id: str, order: str = "") -> list[dict[str, Any]]:
        """The rows of one session in `table` (a name from this module or `session_tables()`), as stored."""
        return self.database.rows(f"select * from {table} where session_id = ?"
                                  + (f" order by {order}" if order else ""), [session_id])

    def other_session_tables(self) -> list[str]:
        """Session tables beyond transcript, notes, flags, scripts, extensions and marks (reviews, say)."""
        return [t for t in self.session_tables() if t not in SESSION_PARTS]

    def delete_client(self, client_key: str) -> dict[str, int]:
        """Delete every row held about a closed client; returns the count per table (and of drafts).

        Runs inside the caller's transaction (which also records the deletion in the audit log).
        """
        db = self.database
        sids = [r[0] for r in db.execute("select id from sessions where client_key = ?", [client_key])]
        counts: dict[str, int] = {}
        with db.transaction():
            for table in self.session_tables():
                removed = 0
                for chunk in _chunks(sids):
                    removed += db.execute(f"delete from {table} where session_id in ({placeholders(chunk)})",
                                          chunk).rowcount
                if removed:
                    counts[table] = removed
            drafts = sum(self.state.drop_drafts(chunk) for chunk in _chunks(sids))
            if drafts:
                counts["drafts"] = drafts
            for table in ("sessions", "visits", "visit_marks", "visit_appointments", WITHDRAWALS):
                removed = db.execute(f"delete from {table} where client_key = ?", [client_key]).rowcount
                if removed:
                    counts[table] = removed
            counts["clients"] = db.execute("delete from clients where key = ?", [client_key]).rowcount
        return counts
