"""The database file: opened with its SQLCipher key, encrypted once if found plain, readable by this user only
(0600 in a 0700 folder on Linux and macOS; on Windows the data folder's access list, see storage.files).

Every repository works through one `Database`: its connection, `transaction()` for atomic writes,
and the few SQL helpers they share. The connection runs in autocommit mode (isolation_level None),
so a statement outside `transaction()` lands on its own.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curhat_tui.storage.files import restrict

if TYPE_CHECKING:
    import sqlite_utils

PLAIN_HEADER = b"SQLite format 3\x00"
MEMORY = ":memory:"


class StoreError(Exception):
    """The database cannot be opened as asked (wrong key, not a database): nothing was changed."""


def _driver_errors(name: str) -> tuple[type[BaseException], ...]:
    """The exception class `name` of sqlite3 and, when installed, of SQLCipher's driver."""
    errors: list[type[BaseException]] = [getattr(sqlite3, name)]
    try:
        from sqlcipher3 import dbapi2

        errors.append(getattr(dbapi2, name))
    except ImportError:
        pass
    return tuple(errors)


def integrity_errors() -> tuple[type[BaseException], ...]:
    """A UNIQUE index refused a row (sqlite3's or SQLCipher's IntegrityError)."""
    return _driver_errors("IntegrityError")


def database_errors() -> tuple[type[BaseException], ...]:
    """Any refusal by the database driver (a value of the wrong type, a constraint, a locked file)."""
    return _driver_errors("Error")


def _key_pragma(key: str) -> str:
    """A 64-hex-digit key is used raw (no key derivation); anything else is a passphrase."""
    if len(key) == 64 and all(c in "0123456789abcdefABCDEF" for c in key):
        return f"PRAGMA key = \"x'{key}'\""
    return "PRAGMA key = '" + key.replace("'", "''") + "'"


def is_plain(path: Path) -> bool:
    """True for an unencrypted SQLite file (which is migrated once when a key is given)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == PLAIN_HEADER
    except FileNotFoundError:
        return False


def _open_encrypted(path: Path, key: str) -> Any:
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
    except dbapi2.DatabaseError:
        pass
    conn.execute(_key_pragma(key))
    try:
        conn.execute("select count(*) from sqlite_master").fetchone()
    except dbapi2.DatabaseError:
        conn.close()
        raise StoreError(f"{path}: cannot be opened with this key (wrong key or passphrase, or not a curhat-tui "
                         "database); nothing was changed") from None
    return conn


def migrate_plain(path: Path, key: str) -> Path:
    """Encrypt an existing plain database once; the original is kept beside it as a backup."""
    from sqlcipher3 import dbapi2

    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.plain-backup-{stamp}")
    encrypted = path.with_name(f"{path.name}.encrypting")
    encrypted.unlink(missing_ok=True)
    conn = dbapi2.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        attach_key = _key_pragma(key).removeprefix("PRAGMA key = ")
        conn.execute(f"ATTACH DATABASE '{encrypted}' AS encrypted KEY {attach_key}")
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    os.replace(path, backup)
    restrict(backup, 0o600)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(encrypted, path)
    restrict(path, 0o600)
    return backup


def quoted(name: str) -> str:
    """An identifier quoted for SQL (column names may come from a snapshot another machine sent)."""
    return '"' + name.replace('"', '""') + '"'


def placeholders(values: Sequence[object]) -> str:
    """"?, ?, ?" for an IN (...) list of `values`."""
    return ",".join("?" for _ in values)


class Database:
    """One open database file and its connection; with `key` it is an SQLCipher database."""

    def __init__(self, path: Path | str, key: str | None = None) -> None:
        """Open (or create) the file, 0600 in a 0700 folder.

        A plain database found where an encrypted one is expected is migrated once,
        keeping the original as a backup (`migrated_backup` says where).
        """
        self.path = Path(path)
        self.in_memory = str(path) == MEMORY
        self.encrypted = key is not None
        self.migrated_backup: Path | None = None
        if not self.in_memory:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            restrict(self.path.parent, 0o700)  # counseling records: readable by this user only
            if key is not None and is_plain(self.path):
                self.migrated_backup = migrate_plain(self.path, key)
            if not self.path.exists():
                self.path.touch(mode=0o600)
            restrict(self.path, 0o600)
        if key is not None:
            conn = _open_encrypted(self.path, key)
        else:
            if not self.in_memory and self.path.stat().st_size and not is_plain(self.path):
                raise StoreError(f"{self.path}: this database is encrypted; it needs its key")
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        for suffix in ("-wal", "-shm"):
            side = Path(f"{self.path}{suffix}")
            if side.exists():
                restrict(side, 0o600)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        self.conn: Any = conn
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection through sqlite-utils, for tests and benchmarks that build rows in bulk. Imported on first
        use: the workstation never needs it, and its import costs start-up ~50 ms (~150 ms where numpy is installed)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write: either all of it lands on disk or none of it.

        Inside another transaction it joins that one, so a step and its audit entry commit together.
        """
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("begin immediate")
        try:
            yield
        except BaseException:
            self.conn.execute("rollback")
            raise
        self.conn.execute("commit")

    # ---- helpers the repositories share ------------------------------------------------------
    def execute(self, sql: str, args: Sequence[object] = ()) -> Any:
        return self.conn.execute(sql, list(args))

    def one(self, sql: str, args: Sequence[object] = ()) -> Any:
        """The first row of a query, as a tuple, or None."""
        return self.conn.execute(sql, list(args)).fetchone()

    def scalar(self, sql: str, args: Sequence[object] = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        row = self.one(sql, args)
        return row[0] if row else None

    def rows(self, sql: str, args: Sequence[object] = ()) -> list[dict[str, Any]]:
        """Every row of a query as a dict keyed by column name, in the query's column order."""
        cursor = self.conn.execute(sql, list(args))
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def insert(self, table: str, row: dict[str, object]) -> int:
        """Insert one row; returns its rowid."""
        cols = ", ".join(quoted(c) for c in row)
        return int(self.conn.execute(f"insert into {table} ({cols}) values ({placeholders(list(row))})",
                                     list(row.values())).lastrowid)

    def table_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute("select name from sqlite_master where type = 'table' order by rowid")]

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({quoted(table)})")]

    # ---- leaving nothing readable behind -----------------------------------------------------
    def secure_delete(self) -> None:
        """Freed cells are overwritten with zeros, not left in the file for recovery."""
        self.conn.execute("PRAGMA secure_delete = ON")

    def scrub_wal(self) -> None:
        """Drop the WAL's copies of the pages just changed (it would otherwise keep old page images)."""
        if not self.in_memory:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
