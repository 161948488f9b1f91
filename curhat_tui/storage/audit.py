"""Append-only, hash-chained audit log of who viewed, exported, changed or deleted what.

Rows live in the store's own database (table `audit`); SQL triggers refuse UPDATE
and DELETE, and the chain (see `domain.audit`) exposes any edit made around them.
Details hold ids and counts only, never the words of a session.
"""

from __future__ import annotations

import time
from typing import Protocol

from curhat_tui.domain.audit import GENESIS, AuditEntry, ChainBreak, canonical, entry_hash, verify
from curhat_tui.domain.clock import Clock
from curhat_tui.storage.database import Database
from curhat_tui.storage.state import State


class _HasDatabase(Protocol):
    @property
    def database(self) -> Database: ...


class AuditLog:
    """The log of one database; `AuditLog(store, clock)` stamps entries with `clock` (else the system time)."""

    def __init__(self, store: _HasDatabase | Database, clock: Clock | None = None) -> None:
        self.database = store if isinstance(store, Database) else store.database
        self.state = State(self.database)
        self.clock = clock

    def record(self, actor: str, action: str, subject: str, detail: dict | None = None,
               ts: float | None = None) -> AuditEntry:
        """Append one entry; atomic with the caller's transaction when there is one."""
        db = self.database
        if ts is None:
            ts = self.clock.now() if self.clock is not None else time.time()
        with db.transaction():
            last = db.one("select id, hash from audit order by id desc limit 1")
            entry_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
            body = canonical(detail)
            digest = entry_hash(prev, entry_id, ts, actor, action, subject, body)
            db.execute("insert into audit (id, ts, actor, action, subject, detail, prev, hash) "
                       "values (?, ?, ?, ?, ?, ?, ?, ?)", [entry_id, ts, actor, action, subject, body, prev, digest])
            self.state.set_audit_head(entry_id, digest)
        return AuditEntry(entry_id, ts, actor, action, subject, body, prev, digest)

    def entries(self, limit: int | None = None, newest_first: bool = False) -> list[AuditEntry]:
        order = "desc" if newest_first else "asc"
        sql = f"select id, ts, actor, action, subject, detail, prev, hash from audit order by id {order}"
        if limit is not None:
            sql += f" limit {int(limit)}"
        return [AuditEntry(*row) for row in self.database.execute(sql)]

    def head(self) -> tuple[int, str] | None:
        return self.state.audit_head()

    def verify(self) -> list[ChainBreak]:
        return self.check()[1]

    def check(self) -> tuple[int, list[ChainBreak]]:
        """(how many entries, every break in the chain), reading the log once."""
        entries = self.entries()
        return len(entries), verify(entries, self.head())
