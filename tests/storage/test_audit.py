"""The audit log is append-only and hash-chained: tampering is refused, and where forced, found."""

import sqlite3

import pytest

from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.store import Store


def _log(tmp_path, n=5):
    store = Store(tmp_path / "a.db")
    log = AuditLog(store)
    for i in range(n):
        log.record("ani", "view", f"session:{i}", {"messages": i}, ts=1000.0 + i)
    return store, log


def test_intact_chain_verifies(tmp_path):
    _, log = _log(tmp_path)
    assert log.verify() == []
    assert [e.id for e in log.entries()] == [1, 2, 3, 4, 5]


def test_update_and_delete_are_refused(tmp_path):
    store, _ = _log(tmp_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.conn.execute("update audit set actor = 'x' where id = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.conn.execute("delete from audit where id = 2")


@pytest.mark.parametrize("tamper, reason, row", [
    ("update audit set actor = 'mallory' where id = 3", "altered", 3),
    ("delete from audit where id = 2", "missing", 3),
    ("delete from audit where id = 5", "truncated", 5),
])
def test_forced_tampering_is_reported(tmp_path, tamper, reason, row):
    store, log = _log(tmp_path)
    store.db.conn.execute("drop trigger audit_no_update")
    store.db.conn.execute("drop trigger audit_no_delete")
    store.db.conn.execute(tamper)
    breaks = log.verify()
    assert (row, reason) in [(b.entry_id, b.reason) for b in breaks]


def test_chain_survives_reopening(tmp_path):
    store, _ = _log(tmp_path)
    store.close()
    log = AuditLog(Store(tmp_path / "a.db"))
    log.record("budi", "export", "session:9")
    assert log.verify() == []
