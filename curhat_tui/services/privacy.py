"""Retention purge and client rights (export, delete, withdraw consent) over the store's database.

UU PDP No. 27/2022 treats counseling records as specific (health) personal data: they
are deleted when the retention period ends or on request, and processing stops when
consent is withdrawn. What is due comes from `domain.retention`; this module does the
deleting and records every step in the audit log (ids and counts, never words).

Deleted content is not left readable in the file: `secure_delete` overwrites freed
cells with zeros, and the WAL is checkpointed and truncated after each purge, so the
old page images do not linger there either. (SQLCipher encrypts the database and
the WAL page by page, so nothing was ever plaintext on disk; this makes the content
unrecoverable even with the key.) Freed pages stay in the file as zeroed free pages
and are reused; shrinking the file would need a full VACUUM, which is not worth its
cost on a running workstation.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from curhat_tui.storage.audit import AuditLog
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import SessionStatus
from curhat_tui.domain.retention import (
    RetentionPolicy, SessionRecord, batches, deletion_due_at, plan_purge,
)
from curhat_tui.storage.store import Store
from curhat_tui.paths import exports_dir

MARKS = "retention_marks"
WITHDRAWALS = "consent_withdrawals"
BATCH_SIZE = 100
SQL_VARS = 500  # ids per IN (...) list, well under SQLite's limit
NOTE_TABLES = ("notes", "note_versions", "flags", "extensions", "reviews", "review_events")
CHANNEL_TEXT_KEYS = ("pending", "handover")  # words kept in a session's channel state


# ---- what callers get back ------------------------------------------------------------
@dataclass(frozen=True)
class PurgeProgress:
    """How far a retention purge has got; `finished` on the last report."""

    done: int
    total: int
    transcripts: int = 0
    notes: int = 0
    messages: int = 0
    finished: bool = False


@dataclass(frozen=True)
class PurgeMark:
    """When (and under which rule) a closed session's transcript or notes were deleted."""

    session_id: str
    transcript_at: float | None
    transcript_reason: str
    notes_at: float | None
    notes_reason: str


@dataclass(frozen=True)
class ClientRef:
    key: str
    alias: str


@dataclass(frozen=True)
class Withdrawal:
    client_key: str
    alias: str
    withdrawn_at: float
    due_at: float  # deletion due: 3x24 hours after the withdrawal
    by: str


@dataclass(frozen=True)
class SessionSummary:
    id: str
    started_at: float
    ended_at: float | None
    status: str
    counselor: str
    messages: int
    has_note: bool
    mark: PurgeMark | None


@dataclass(frozen=True)
class ClientSummary:
    client: ClientRef
    sessions: list[SessionSummary]
    visits: int
    withdrawal: Withdrawal | None

    @property
    def open_sessions(self) -> list[SessionSummary]:
        return [s for s in self.sessions if s.status != SessionStatus.CLOSED.value]


@dataclass(frozen=True)
class ExportResult:
    json_path: Path
    text_path: Path
    sessions: int
    messages: int


@dataclass(frozen=True)
class DeletionResult:
    counts: dict[str, int]
    exports_removed: int
    plain_backups: list[Path] = field(default_factory=list)  # old unencrypted copies this cannot reach


class ClientNotFound(LookupError):
    def __init__(self, query: str) -> None:
        super().__init__(f"no client with alias or key {query!r}")
        self.query = query


class AmbiguousAlias(LookupError):
    def __init__(self, query: str, keys: list[str]) -> None:
        super().__init__(f"{len(keys)} clients share the alias {query!r}; give the client key instead: "
                         + ", ".join(keys))
        self.query = query
        self.keys = keys


class SessionStillOpen(Exception):
    """A client with a running session (or one in wrap-up) cannot be deleted: end and close it first."""

    def __init__(self, alias: str, session_ids: list[str]) -> None:
        super().__init__(f"{alias} has a session still open ({', '.join(session_ids)}); end and close it first")
        self.alias = alias
        self.session_ids = session_ids


class ConsentWithdrawn(Exception):
    """The client withdrew consent: nothing more is sent or accepted for them."""

    def __init__(self, withdrawal: Withdrawal) -> None:
        super().__init__(f"{withdrawal.alias} withdrew consent; no further processing")
        self.withdrawal = withdrawal


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), SQL_VARS):
        yield ids[i:i + SQL_VARS]


def _marks(ids: list[str]) -> str:
    return ",".join("?" for _ in ids)


def _safe_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", key)[:60] or "client"


class Privacy:
    """Retention and client rights over one store; `policy` comes from the organisation's config.toml."""

    def __init__(self, store: Store, audit: AuditLog, clock: Clock, policy: RetentionPolicy | None = None) -> None:
        self.store = store
        self.audit = audit
        self.clock = clock
        self.policy = policy or RetentionPolicy()
        self.ensure_schema()

    @property
    def conn(self):
        return self.store.db.conn

    def ensure_schema(self) -> None:
        db = self.store.db
        names = set(db.table_names())
        if MARKS not in names:
            db[MARKS].create({"session_id": str, "transcript_at": float, "transcript_reason": str,
                              "notes_at": float, "notes_reason": str}, pk="session_id")
        if WITHDRAWALS not in names:
            db[WITHDRAWALS].create({"client_key": str, "alias": str, "withdrawn_at": float, "due_at": float,
                                    "by": str}, pk="client_key")
        self.conn.execute("PRAGMA secure_delete = ON")  # freed cells are zeroed, not left for recovery

    def _scrub_files(self) -> None:
        """Drop the WAL's copies of the pages just changed (it would otherwise keep old page images)."""
        if str(self.store.path) != ":memory:":
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ---- retention ------------------------------------------------------------------
    def records(self) -> list[SessionRecord]:
        rows = self.conn.execute(
            f"select s.id, s.status, s.ended_at, m.transcript_at, m.notes_at from sessions s "
            f"left join {MARKS} m on m.session_id = s.id "
            f"where s.status = ? and (m.transcript_at is null or m.notes_at is null)",
            [SessionStatus.CLOSED.value]).fetchall()
        return [SessionRecord(r[0], r[1] == SessionStatus.CLOSED.value, r[2], r[3] is not None, r[4] is not None)
                for r in rows]

    def iter_purge(self, actor: str, batch_size: int = BATCH_SIZE) -> Iterator[PurgeProgress]:
        """Delete what the policy says is due, one batch per step; each batch lands with its audit entry."""
        now = self.clock.now()
        plan = plan_purge(self.policy, self.records(), now)
        total = plan.total
        done = transcripts = notes = messages = 0
        if total:
            yield PurgeProgress(0, total)
        reason = "zero_transcript" if self.policy.zero_transcript else "retention"
        for chunk in batches(plan.transcripts, batch_size):
            with self.store.transaction():
                purged, count = self._purge_transcripts(chunk, now, reason)
                if purged:
                    self.audit.record(actor, "retention.purge_transcripts", "policy", {
                        "sessions": purged, "count": len(purged), "messages": count,
                        "policy": self.policy.as_detail()}, ts=now)
            transcripts += len(purged)
            messages += count
            done += len(chunk)
            yield PurgeProgress(done, total, transcripts, notes, messages)
        for chunk in batches(plan.notes, batch_size):
            with self.store.transaction():
                purged, counts = self._purge_notes(chunk, now)
                if purged:
                    self.audit.record(actor, "retention.purge_notes", "policy", {
                        "sessions": purged, "count": len(purged), **counts, "policy": self.policy.as_detail()},
                        ts=now)
            notes += len(purged)
            done += len(chunk)
            yield PurgeProgress(done, total, transcripts, notes, messages)
        if total:
            self._scrub_files()
        self.store.set_meta("retention.last_run", json.dumps({"ts": now, "policy": self.policy.as_detail(),
                                                              "transcripts": transcripts, "notes": notes}))
        yield PurgeProgress(done, total, transcripts, notes, messages, finished=True)

    def purge(self, actor: str, progress: Callable[[PurgeProgress], None] | None = None,
              batch_size: int = BATCH_SIZE) -> PurgeProgress:
        """Run a whole purge now, reporting each batch to `progress`; returns the final report."""
        last = PurgeProgress(0, 0, finished=True)
        for last in self.iter_purge(actor, batch_size):
            if progress is not None:
                progress(last)
        return last

    def _closed_only(self, ids: list[str]) -> list[str]:
        rows = self.conn.execute(f"select id from sessions where id in ({_marks(ids)}) and status = ?",
                                 [*ids, SessionStatus.CLOSED.value]).fetchall()
        closed = {r[0] for r in rows}
        return [i for i in ids if i in closed]  # checked again inside the transaction: never an open session

    def _mark(self, ids: list[str], kind: str, now: float, reason: str) -> None:
        for sid in ids:
            self.conn.execute(
                f"insert into {MARKS} (session_id, {kind}_at, {kind}_reason) values (?, ?, ?) "
                f"on conflict(session_id) do update set {kind}_at = excluded.{kind}_at, "
                f"{kind}_reason = excluded.{kind}_reason", [sid, now, reason])

    def _purge_transcripts(self, ids: list[str], now: float, reason: str) -> tuple[list[str], int]:
        """Messages, script texts, drafts and words kept in channel state go; the session row stays, marked."""
        ids = self._closed_only(ids)
        if not ids:
            return [], 0
        q = _marks(ids)
        count = self.conn.execute(f"select count(*) from messages where session_id in ({q})", ids).fetchone()[0]
        self.conn.execute(f"delete from messages where session_id in ({q})", ids)
        self.conn.execute(f"update scripts set text = '' where session_id in ({q})", ids)
        self.conn.execute(f"delete from meta where key in ({q})", [f"draft.{sid}" for sid in ids])
        self.conn.execute(f"update visits set topic = '', intake_risk_answer = '' where status != 'waiting' and id in "
                          f"(select visit_id from sessions where id in ({q}))", ids)
        for sid, state in self.conn.execute(f"select id, channel_state from sessions where id in ({q})", ids).fetchall():
            loaded = json.loads(state or "{}")
            if any(k in loaded for k in CHANNEL_TEXT_KEYS):
                kept = {k: v for k, v in loaded.items() if k not in CHANNEL_TEXT_KEYS}
                self.conn.execute("update sessions set channel_state = ? where id = ?", [json.dumps(kept), sid])
        self._mark(ids, "transcript", now, reason)
        return ids, count

    def _purge_notes(self, ids: list[str], now: float) -> tuple[list[str], dict[str, int]]:
        """Notes with every version, flags, extensions and review records; the session row stays, marked."""
        ids = self._closed_only(ids)
        if not ids:
            return [], {}
        q = _marks(ids)
        names = set(self.store.db.table_names())
        counts: dict[str, int] = {}
        for table in NOTE_TABLES:
            if table in names:
                counts[table] = self.conn.execute(f"delete from {table} where session_id in ({q})", ids).rowcount
        self.conn.execute(f"update sessions set end_reason = '', skip_reason = '' where id in ({q})", ids)
        self._mark(ids, "notes", now, "retention")
        return ids, counts

    def session_closed(self, session_id: str, actor: str) -> bool:
        """With zero transcript retention, a session's transcript goes the moment it is closed."""
        if not self.policy.zero_transcript:
            return False
        now = self.clock.now()
        with self.store.transaction():
            purged, count = self._purge_transcripts([session_id], now, "zero_transcript")
            if purged:
                self.audit.record(actor, "retention.purge_transcripts", "policy", {
                    "sessions": purged, "count": 1, "messages": count, "policy": self.policy.as_detail()}, ts=now)
        self._scrub_files()
        return bool(purged)

    def mark(self, session_id: str) -> PurgeMark | None:
        row = self.conn.execute(f"select session_id, transcript_at, transcript_reason, notes_at, notes_reason "
                                f"from {MARKS} where session_id = ?", [session_id]).fetchone()
        return PurgeMark(row[0], row[1], row[2] or "", row[3], row[4] or "") if row else None

    # ---- finding a client -----------------------------------------------------------
    def find_client(self, query: str) -> ClientRef:
        """A client by key, or by alias (case and surrounding spaces ignored); ambiguity is an error."""
        text = query.strip()
        row = self.conn.execute("select key, alias from clients where key = ?", [text]).fetchone()
        if row:
            return ClientRef(row[0], row[1])
        rows = self.conn.execute("select key, alias from clients where lower(trim(alias)) = lower(?) order by key",
                                 [text]).fetchall()
        if not rows:
            raise ClientNotFound(text)
        if len(rows) > 1:
            raise AmbiguousAlias(text, [r[0] for r in rows])
        return ClientRef(rows[0][0], rows[0][1])

    def summary(self, client: ClientRef) -> ClientSummary:
        rows = self.conn.execute(
            "select s.id, s.started_at, s.ended_at, s.status, s.counselor, "
            "(select count(*) from messages m where m.session_id = s.id), "
            "(select count(*) from notes n where n.session_id = s.id) "
            "from sessions s where s.client_key = ? order by s.started_at", [client.key]).fetchall()
        sessions = [SessionSummary(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), self.mark(r[0])) for r in rows]
        visits = self.conn.execute("select count(*) from visits where client_key = ?", [client.key]).fetchone()[0]
        return ClientSummary(client, sessions, visits, self.withdrawal(client.key))

    # ---- consent --------------------------------------------------------------------
    def withdrawal(self, client_key: str) -> Withdrawal | None:
        row = self.conn.execute(f"select client_key, alias, withdrawn_at, due_at, by from {WITHDRAWALS} "
                                "where client_key = ?", [client_key]).fetchone()
        return Withdrawal(*row) if row else None

    def withdrawals(self) -> dict[str, Withdrawal]:
        rows = self.conn.execute(f"select client_key, alias, withdrawn_at, due_at, by from {WITHDRAWALS}").fetchall()
        return {r[0]: Withdrawal(*r) for r in rows}

    def check_consent(self, client_key: str) -> None:
        """Raise ConsentWithdrawn when the client withdrew consent (nothing more may be processed)."""
        withdrawal = self.withdrawal(client_key)
        if withdrawal is not None:
            raise ConsentWithdrawn(withdrawal)

    def withdraw(self, actor: str, client: ClientRef) -> Withdrawal:
        """Record that the client withdrew consent; the data stays, flagged, until it is deleted."""
        existing = self.withdrawal(client.key)
        if existing is not None:
            return existing
        now = self.clock.now()
        withdrawal = Withdrawal(client.key, client.alias, now, deletion_due_at(now), actor)
        open_count = self.conn.execute("select count(*) from sessions where client_key = ? and status != ?",
                                       [client.key, SessionStatus.CLOSED.value]).fetchone()[0]
        with self.store.transaction():
            self.conn.execute(f"insert into {WITHDRAWALS} (client_key, alias, withdrawn_at, due_at, by) "
                              "values (?, ?, ?, ?, ?)", [client.key, client.alias, now, withdrawal.due_at, actor])
            self.audit.record(actor, "client.consent_withdrawn", f"client:{client.key}",
                              {"deletion_due_at": withdrawal.due_at, "open_sessions": open_count}, ts=now)
        return withdrawal

    def overdue_withdrawals(self) -> list[Withdrawal]:
        """Withdrawals whose 3x24-hour deadline has passed while the client's data is still here."""
        now = self.clock.now()
        return [w for w in self.withdrawals().values() if w.due_at <= now]

    # ---- export ---------------------------------------------------------------------
    def _rows(self, table: str, where: str, args: list) -> list[dict]:
        cursor = self.conn.execute(f"select * from {table} where {where}", args)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def _session_tables(self) -> list[str]:
        """Every table with a session_id column: ours, and any another module added (reviews, say)."""
        tables = []
        for name in self.store.db.table_names():
            if name == "audit":
                continue
            if "session_id" in {c.name for c in self.store.db[name].columns}:
                tables.append(name)
        return tables

    def collect(self, client: ClientRef) -> dict:
        """Everything held about a client, as plain JSON-ready data."""
        tz = self.clock.tz
        iso = (lambda ts: datetime.fromtimestamp(ts, tz).isoformat() if isinstance(ts, (int, float)) else None)
        clients = self._rows("clients", "key = ?", [client.key])
        sessions = self._rows("sessions", "client_key = ? order by started_at", [client.key])
        known = {"messages", "notes", "note_versions", "flags", "scripts", "extensions", MARKS}
        extra_tables = [t for t in self._session_tables() if t not in known]
        for session in sessions:
            sid = session["id"]
            for key in ("notified", "channel_state"):
                session[key] = json.loads(session[key] or "null")
            session["started_at_iso"] = iso(session["started_at"])
            session["ended_at_iso"] = iso(session["ended_at"])
            session["transcript"] = self._rows("messages", "session_id = ? order by id", [sid])
            for message in session["transcript"]:
                message["flags"] = json.loads(message["flags"] or "[]")
                message["ts_iso"] = iso(message["ts"])
            note = self._rows("notes", "session_id = ?", [sid])
            session["note"] = note[0] if note else None
            if session["note"]:
                session["note"]["fields"] = json.loads(session["note"]["fields"])
            session["note_versions"] = self._rows("note_versions", "session_id = ? order by version", [sid])
            for version in session["note_versions"]:
                version["fields"] = json.loads(version["fields"])
            session["flags"] = self._rows("flags", "session_id = ? order by id", [sid])
            for flag in session["flags"]:
                flag["detail"] = json.loads(flag["detail"] or "{}")
                flag["ts_iso"] = iso(flag["ts"])
            session["scripts"] = self._rows("scripts", "session_id = ? order by id", [sid])
            session["extensions"] = self._rows("extensions", "session_id = ? order by id", [sid])
            session["draft"] = self.store.get_meta(f"draft.{sid}", "") or ""
            mark = self.mark(sid)
            session["retention"] = None if mark is None else {
                "transcript_deleted_at": iso(mark.transcript_at), "transcript_reason": mark.transcript_reason,
                "notes_deleted_at": iso(mark.notes_at), "notes_reason": mark.notes_reason}
            session["other"] = {t: self._rows(t, "session_id = ?", [sid]) for t in extra_tables}
        visits = self._rows("visits", "client_key = ? order by arrived_at", [client.key])
        for visit in visits:
            visit["arrived_at_iso"] = iso(visit["arrived_at"])
        withdrawal = self.withdrawal(client.key)
        return {
            "format": "curhat-tui client export", "version": 1,
            "exported_at": iso(self.clock.now()),
            "client": clients[0] if clients else {"key": client.key, "alias": client.alias},
            "consent": None if withdrawal is None else {
                "withdrawn_at": iso(withdrawal.withdrawn_at), "deletion_due_at": iso(withdrawal.due_at),
                "recorded_by": withdrawal.by},
            "visits": visits,
            "sessions": sessions,
        }

    def export(self, actor: str, client: ClientRef, t: Catalogue, labels: Callable[[str, str], str] | None = None,
               folder: Path | None = None) -> ExportResult:
        """Write the client's data as JSON and as readable Markdown into DATA_DIR/exports/ (files 0600)."""
        data = self.collect(client)
        folder = folder or exports_dir(self.store.path.parent)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        stamp = datetime.fromtimestamp(self.clock.now(), self.clock.tz).strftime("%Y%m%d-%H%M%S")
        base = f"client-{_safe_name(client.key)}-{stamp}"
        n = 1
        while (folder / f"{base}.json").exists() or (folder / f"{base}.md").exists():
            n += 1
            base = f"client-{_safe_name(client.key)}-{stamp}-{n}"
        json_path, text_path = folder / f"{base}.json", folder / f"{base}.md"
        _write_private(json_path, json.dumps(data, ensure_ascii=False, indent=2))
        _write_private(text_path, readable(data, t, labels))
        messages = sum(len(s["transcript"]) for s in data["sessions"])
        self.audit.record(actor, "client.export", f"client:{client.key}", {
            "sessions": len(data["sessions"]), "messages": messages, "files": [json_path.name, text_path.name]})
        return ExportResult(json_path, text_path, len(data["sessions"]), messages)

    # ---- deletion -------------------------------------------------------------------
    def delete(self, actor: str, client: ClientRef) -> DeletionResult:
        """Delete everything held about the client; the audit log keeps that it happened, with counts."""
        open_ids = [r[0] for r in self.conn.execute(
            "select id from sessions where client_key = ? and status != ?",
            [client.key, SessionStatus.CLOSED.value]).fetchall()]
        if open_ids:
            raise SessionStillOpen(client.alias, open_ids)
        sids = [r[0] for r in self.conn.execute("select id from sessions where client_key = ?", [client.key])]
        counts: dict[str, int] = {}
        with self.store.transaction():
            for table in self._session_tables():
                removed = 0
                for chunk in _chunks(sids):
                    removed += self.conn.execute(f"delete from {table} where session_id in ({_marks(chunk)})",
                                                 chunk).rowcount
                if removed:
                    counts[table] = removed
            drafts = 0
            for chunk in _chunks(sids):
                drafts += self.conn.execute(f"delete from meta where key in ({_marks(chunk)})",
                                            [f"draft.{sid}" for sid in chunk]).rowcount
            if drafts:
                counts["drafts"] = drafts
            for table in ("sessions", "visits", WITHDRAWALS):
                removed = self.conn.execute(f"delete from {table} where client_key = ?", [client.key]).rowcount
                if removed:
                    counts[table] = removed
            counts["clients"] = self.conn.execute("delete from clients where key = ?", [client.key]).rowcount
            exports = self._export_files(client.key)
            self.audit.record(actor, "client.delete", f"client:{client.key}",
                              {"counts": counts, "exports": len(exports)})
        for path in exports:
            path.unlink(missing_ok=True)
        self._scrub_files()
        backups = sorted(self.store.path.parent.glob(f"{self.store.path.name}.plain-backup-*"))
        return DeletionResult(counts, len(exports), backups)

    def _export_files(self, client_key: str) -> list[Path]:
        folder = exports_dir(self.store.path.parent)
        if not folder.is_dir():
            return []
        prefix = f"client-{_safe_name(client_key)}-"
        return [p for p in folder.iterdir()
                if p.name.startswith(prefix) and re.fullmatch(r"\d{8}-\d{6}(-\d+)?\.(json|md)",
                                                               p.name[len(prefix):])]


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _indented(text: str) -> str:
    """Client words as an indented block: shown literally, never read as Markdown."""
    return "\n".join("    " + line for line in (text or "").splitlines() or [""])


def readable(data: dict, t: Catalogue, labels: Callable[[str, str], str] | None = None) -> str:
    """The export as Markdown a client can read, in the catalogue's language."""
    label = labels or (lambda template, key: key)
    client = data["client"]
    lines = [f"# {t('rights.doc.title', alias=client.get('alias', ''))}", "",
             t("rights.doc.intro", date=data["exported_at"]), "",
             f"- {t('rights.doc.client_key')}: {client.get('key', '')}"]
    if data["consent"]:
        lines.append(f"- {t('rights.doc.consent_withdrawn', date=data['consent']['withdrawn_at'], due=data['consent']['deletion_due_at'])}")
    lines += [f"- {t('rights.doc.visits', count=len(data['visits']))}",
              f"- {t('rights.doc.sessions', count=len(data['sessions']))}", ""]
    for visit in data["visits"]:
        if visit.get("topic"):
            lines += [f"## {t('rights.doc.visit', date=visit['arrived_at_iso'])}", "",
                      _indented(visit["topic"]), ""]
    for session in data["sessions"]:
        lines += [f"## {t('rights.doc.session', date=session['started_at_iso'], counselor=session['counselor'], status=session['status'])}", ""]
        retention = session["retention"] or {}
        if retention.get("transcript_deleted_at"):
            lines += [t("rights.doc.transcript_deleted", date=retention["transcript_deleted_at"]), ""]
        elif session["transcript"]:
            lines += [f"### {t('rights.doc.transcript')}", ""]
            for message in session["transcript"]:
                who = {"client": client.get("alias", ""), "counselor": session["counselor"]}.get(message["sender"], "•")
                lines += [f"**{message['ts_iso']} {who}:**", "", _indented(message["text"]), ""]
        if retention.get("notes_deleted_at"):
            lines += [t("rights.doc.notes_deleted", date=retention["notes_deleted_at"]), ""]
        elif session["note"]:
            note = session["note"]
            lines += [f"### {t('rights.doc.note', version=note['version'])}", ""]
            for key, value in note["fields"].items():
                if str(value).strip():
                    lines += [f"**{label(note['template'], key)}:**", "", _indented(str(value)), ""]
        if session["flags"]:
            lines += [f"### {t('rights.doc.flags')}", ""]
            lines += [f"- {f['ts_iso']} {f['item']}" for f in session["flags"]] + [""]
    return "\n".join(lines).rstrip() + "\n"

