"""Retention purge and client rights (export, delete, withdraw consent) over the store's database.

UU PDP No. 27/2022 treats counseling records as specific (health) personal data: they
are deleted when the retention period ends or on request, and processing stops when
consent is withdrawn. What is due comes from `domain.retention`; this module decides what
goes, has `storage.privacy` delete it, and records every step in the audit log (ids and
counts, never words).

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
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from curhat_tui.domain.clock import Clock
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import SessionStatus
from curhat_tui.domain.retention import RetentionPolicy, SessionRecord, batches, deletion_due_at, plan_purge
from curhat_tui.paths import exports_dir
from curhat_tui.services.events import PurgeProgress
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.files import private_folder, write_private
from curhat_tui.storage.privacy import PurgeMark, Withdrawal
from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.privacy")

__all__ = [
    "AmbiguousAlias", "ClientNotFound", "ClientRef", "ClientSummary", "ConsentWithdrawn", "DeletionResult",
    "ExportResult", "Privacy", "PurgeMark", "PurgeProgress", "SessionStillOpen", "SessionSummary", "Withdrawal",
]

BATCH_SIZE = 100


# ---- what callers get back ------------------------------------------------------------
@dataclass(frozen=True)
class ClientRef:
    key: str
    alias: str


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
    exports_removed: int  # files removed: session and client exports, practice reports (the register's and older)
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


def _safe_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", key)[:60] or "client"


class Privacy:
    """Retention and client rights over one store; `policy` comes from the organisation's config.toml."""

    def __init__(self, store: Store, audit: AuditLog, clock: Clock, policy: RetentionPolicy | None = None) -> None:
        self.store = store
        self.audit = audit
        self.clock = clock
        self.policy = policy or RetentionPolicy()
        self.held = store.privacy  # the rows held about clients: retention marks, withdrawals, deletion
        # told the ids of sessions whose transcripts just went (retention, zero retention, a client's deletion):
        # what was sent elsewhere about them (a supervision submission) is withdrawn there too
        self.transcripts_gone: list[Callable[[list[str]], None]] = []
        store.database.secure_delete()  # freed cells are zeroed, not left for recovery

    def _gone(self, session_ids: list[str]) -> None:
        for listener in self.transcripts_gone:
            try:
                listener(list(session_ids))
            except Exception as exc:  # noqa: BLE001 - the local purge stands whatever a listener does
                log.warning("a listener to purged transcripts failed: %s", type(exc).__name__)

    def _scrub_files(self) -> None:
        """Drop the WAL's copies of the pages just changed (it would otherwise keep old page images)."""
        self.store.database.scrub_wal()

    # ---- retention ------------------------------------------------------------------
    def records(self) -> list[SessionRecord]:
        return self.held.closed_not_purged()

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
                purged, count = self.held.purge_transcripts(chunk, now, reason)
                if purged:
                    self.audit.record(actor, "retention.purge_transcripts", "policy", {
                        "sessions": purged, "count": len(purged), "messages": count,
                        "policy": self.policy.as_detail()}, ts=now)
            transcripts += len(purged)
            messages += count
            if purged:
                self._gone(purged)
            done += len(chunk)
            yield PurgeProgress(done, total, transcripts, notes, messages)
        for chunk in batches(plan.notes, batch_size):
            with self.store.transaction():
                purged, counts = self.held.purge_notes(chunk, now)
                if purged:
                    self.audit.record(actor, "retention.purge_notes", "policy", {
                        "sessions": purged, "count": len(purged), **counts, "policy": self.policy.as_detail()},
                        ts=now)
            notes += len(purged)
            done += len(chunk)
            yield PurgeProgress(done, total, transcripts, notes, messages)
        if total:
            self._scrub_files()
        self.store.state.set_retention_last_run({"ts": now, "policy": self.policy.as_detail(),
                                                 "transcripts": transcripts, "notes": notes})
        yield PurgeProgress(done, total, transcripts, notes, messages, finished=True)

    def purge(self, actor: str, progress: Callable[[PurgeProgress], None] | None = None,
              batch_size: int = BATCH_SIZE) -> PurgeProgress:
        """Run a whole purge now, reporting each batch to `progress`; returns the final report."""
        last = PurgeProgress(0, 0, finished=True)
        for last in self.iter_purge(actor, batch_size):
            if progress is not None:
                progress(last)
        return last

    def session_closed(self, session_id: str, actor: str) -> bool:
        """A closed session keeps no screener answers not finished; with zero transcript retention, its transcript
        goes the moment it is closed."""
        self.store.state.drop_screener_answers(session_id)
        if not self.policy.zero_transcript:
            return False
        now = self.clock.now()
        with self.store.transaction():
            purged, count = self.held.purge_transcripts([session_id], now, "zero_transcript")
            if purged:
                self.audit.record(actor, "retention.purge_transcripts", "policy", {
                    "sessions": purged, "count": 1, "messages": count, "policy": self.policy.as_detail()}, ts=now)
        self._scrub_files()
        if purged:
            self._gone(purged)
        return bool(purged)

    def mark(self, session_id: str) -> PurgeMark | None:
        return self.held.mark(session_id)

    # ---- finding a client -----------------------------------------------------------
    def find_client(self, query: str) -> ClientRef:
        """A client by key, or by alias (case and surrounding spaces ignored); ambiguity is an error."""
        text = query.strip()
        row = self.store.clients.get(text)
        if row:
            return ClientRef(row[0], row[1])
        rows = self.store.clients.with_alias(text)
        if not rows:
            raise ClientNotFound(text)
        if len(rows) > 1:
            raise AmbiguousAlias(text, [r[0] for r in rows])
        return ClientRef(rows[0][0], rows[0][1])

    def summary(self, client: ClientRef) -> ClientSummary:
        sessions = [SessionSummary(c.id, c.started_at, c.ended_at, c.status, c.counselor, c.messages, c.has_note,
                                   self.mark(c.id)) for c in self.held.session_counts(client.key)]
        visits = self.store.visits.count_of_client(client.key)
        return ClientSummary(client, sessions, visits, self.withdrawal(client.key))

    # ---- consent --------------------------------------------------------------------
    def withdrawal(self, client_key: str) -> Withdrawal | None:
        return self.held.withdrawal(client_key)

    def withdrawals(self) -> dict[str, Withdrawal]:
        return self.held.withdrawals()

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
        open_count = len(self.held.open_session_ids(client.key))
        with self.store.transaction():
            self.held.add_withdrawal(withdrawal)
            self.audit.record(actor, "client.consent_withdrawn", f"client:{client.key}",
                              {"deletion_due_at": withdrawal.due_at, "open_sessions": open_count}, ts=now)
        return withdrawal

    def overdue_withdrawals(self) -> list[Withdrawal]:
        """Withdrawals whose 3x24-hour deadline has passed while the client's data is still here."""
        now = self.clock.now()
        return [w for w in self.withdrawals().values() if w.due_at <= now]

    # ---- export ---------------------------------------------------------------------
    def collect(self, client: ClientRef) -> dict:
        """Everything held about a client, as plain JSON-ready data."""
        tz = self.clock.tz

        def iso(ts: object) -> str | None:
            return datetime.fromtimestamp(ts, tz).isoformat() if isinstance(ts, (int, float)) else None

        held = self.held
        clients = held.client_rows(client.key)
        sessions = held.client_sessions(client.key)
        extra_tables = held.other_session_tables()
        for session in sessions:
            sid = session["id"]
            for key in ("notified", "channel_state"):
                session[key] = json.loads(session[key] or "null")
            session["started_at_iso"] = iso(session["started_at"])
            session["ended_at_iso"] = iso(session["ended_at"])
            session["transcript"] = held.session_rows("messages", sid, "id")
            for message in session["transcript"]:
                message["flags"] = json.loads(message["flags"] or "[]")
                message["ts_iso"] = iso(message["ts"])
            note = held.session_rows("notes", sid)
            session["note"] = note[0] if note else None
            if session["note"]:
                session["note"]["fields"] = json.loads(session["note"]["fields"])
            session["note_versions"] = held.session_rows("note_versions", sid, "version")
            for version in session["note_versions"]:
                version["fields"] = json.loads(version["fields"])
            session["flags"] = held.session_rows("flags", sid, "id")
            for flag in session["flags"]:
                flag["detail"] = json.loads(flag["detail"] or "{}")
                flag["ts_iso"] = iso(flag["ts"])
            session["scripts"] = held.session_rows("scripts", sid, "id")
            session["extensions"] = held.session_rows("extensions", sid, "id")
            session["draft"] = self.store.state.draft(sid)
            session["screener_unfinished"] = self.store.state.screener_answers(sid)
            mark = self.mark(sid)
            session["retention"] = None if mark is None else {
                "transcript_deleted_at": iso(mark.transcript_at), "transcript_reason": mark.transcript_reason,
                "notes_deleted_at": iso(mark.notes_at), "notes_reason": mark.notes_reason}
            session["other"] = {t: held.session_rows(t, sid) for t in extra_tables}
        visits = held.client_visits(client.key)
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

    def export(self, actor: str, client: ClientRef, t: Catalogue, folder: Path | None = None) -> ExportResult:
        """Write the client's data as JSON and as readable Markdown into DATA_DIR/exports/ (files 0600)."""
        from curhat_tui.services.markdown import client_markdown  # the renderers load when a client asks
        from curhat_tui.services.session_view import default_data, session_view

        data = self.collect(client)
        folder = private_folder(folder or exports_dir(self.store.path.parent))
        stamp = datetime.fromtimestamp(self.clock.now(), self.clock.tz).strftime("%Y%m%d-%H%M%S")
        base = f"client-{_safe_name(client.key)}-{stamp}"
        n = 1
        while (folder / f"{base}.json").exists() or (folder / f"{base}.md").exists():
            n += 1
            base = f"client-{_safe_name(client.key)}-{stamp}-{n}"
        json_path, text_path = folder / f"{base}.json", folder / f"{base}.md"
        write_private(json_path, json.dumps(data, ensure_ascii=False, indent=2))
        labels = default_data()  # note fields and red flags named as the shipped data files name them
        views = [session_view(self.store, labels, session["id"], t.lang) for session in data["sessions"]]
        write_private(text_path, client_markdown(data, views, t, self.clock.tz))
        for path in (json_path, text_path):
            self.store.written.add(path, "client_export", [(None, client.key)], self.clock.now())
        messages = sum(len(s["transcript"]) for s in data["sessions"])
        self.audit.record(actor, "client.export", f"client:{client.key}", {
            "sessions": len(data["sessions"]), "messages": messages, "files": [json_path.name, text_path.name]})
        return ExportResult(json_path, text_path, len(data["sessions"]), messages)

    # ---- deletion -------------------------------------------------------------------
    def delete(self, actor: str, client: ClientRef) -> DeletionResult:
        """Delete everything held about the client; the audit log keeps that it happened, with counts."""
        open_ids = self.held.open_session_ids(client.key)
        if open_ids:
            raise SessionStillOpen(client.alias, open_ids)
        sessions = [str(s.get("id")) for s in self.held.client_sessions(client.key) if s.get("id")]
        with self.store.transaction():
            written = self.store.written.for_client(client.key)  # before the client's sessions go
            counts = self.held.delete_client(client.key)
            self.store.written.forget(written)
            files = sorted(set(written) | {p.resolve() for p in self._export_files(client.key)})
            self.audit.record(actor, "client.delete", f"client:{client.key}",
                              {"counts": counts, "exports": len(files)})
        removed = 0
        for path in files:
            if path.is_file():
                path.unlink()
                removed += 1
        self._scrub_files()
        self._gone(sessions)
        backups = sorted(self.store.path.parent.glob(f"{self.store.path.name}.plain-backup-*"))
        return DeletionResult(counts, removed, backups)

    def _export_files(self, client_key: str) -> list[Path]:
        folder = exports_dir(self.store.path.parent)
        if not folder.is_dir():
            return []
        prefix = f"client-{_safe_name(client_key)}-"
        return [p for p in folder.iterdir()
                if p.name.startswith(prefix) and re.fullmatch(r"\d{8}-\d{6}(-\d+)?\.(json|md)",
                                                               p.name[len(prefix):])]

