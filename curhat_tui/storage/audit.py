"""Append-only, hash-chained audit log of who viewed, exported, changed or deleted what.

Rows live in the store's own database (table `audit`); SQL triggers refuse UPDATE
and DELETE, and the chain (see `domain.audit`) exposes any edit made around them.
Details hold ids and counts only, never the words of a session.
"""

from __future__ import annotations

import time

from curhat_tui.domain.audit import GENESIS, AuditEntry, ChainBreak, canonical, entry_hash, verify
from curhat_tui.storage.store import Store

HEAD_KEY = "audit.head"


class AuditLog:
    def __init__(self, store: Store, clock=None) -> None:
        self.store = store
        self.clock = clock
        db = store.db
        if "audit" not in db.table_names():
            db["audit"].create({"id": int, "ts": float, "actor": str, "action": str, "subject": str,
                                "detail": str, "prev": str, "hash": str}, pk="id")
            db.conn.execute("create trigger audit_no_update before update on audit "
                            "begin select raise(abort, 'the audit log is append-only'); end")
            db.conn.execute("create trigger audit_no_delete before delete on audit "
                            "begin select raise(abort, 'the audit log is append-only'); end")

    def record(self, actor: str, action: str, subject: str, detail: dict | None = None,
               ts: float | None = None) -> AuditEntry:
        """Append one entry; atomic with the caller's transaction when there is one."""
        conn = self.store.db.conn
        if ts is None:
            ts = self.clock.now() if self.clock is not None else time.time()
        with self.store.transaction():
            last = conn.execute("select id, hash from audit order by id desc limit 1").fetchone()
            entry_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
            body = canonical(detail)
            digest = entry_hash(prev, entry_id, ts, actor, action, subject, body)
            conn.execute("insert into audit (id, ts, actor, action, subject, detail, prev, hash) "
                         "values (?, ?, ?, ?, ?, ?, ?, ?)", [entry_id, ts, actor, action, subject, body, prev, digest])
            conn.execute("insert into meta (key, value) values (?, ?) on conflict(key) do update set value = excluded.value",
                         [HEAD_KEY, f"{entry_id}:{digest}"])
        return AuditEntry(entry_id, ts, actor, action, subject, body, prev, digest)

    def entries(self, limit: int | None = None, newest_first: bool = False) -> list[AuditEntry]:
        order = "desc" if newest_first else "asc"
        sql = f"select id, ts, actor, action, subject, detail, prev, hash from audit order by id {order}"
        if limit is not None:
            sql += f" limit {int(limit)}"
        return [AuditEntry(*row) for row in self.store.db.conn.execute(sql)]

    def head(self) -> tuple[int, str] | None:
        value = self.store.get_meta(HEAD_KEY)
        if not value:
            return None
        entry_id, digest = value.split(":", 1)
        return int(entry_id), digest

    def verify(self) -> list[ChainBreak]:
        return self.check()[1]

    def check(self) -> tuple[int, list[ChainBreak]]:
        """(how many entries, every break in the chain), reading the log once."""
        entries = self.entries()
        return len(entries), verify(entries, self.head())
