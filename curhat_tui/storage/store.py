"""The one place data is kept: an SQLite (SQLCipher) database under the data dir, one repository per record kind.

`Store` opens the database, brings its schema up to date and hands out the repositories:
`store.sessions.get(id)`, `store.messages.add(...)`, `store.notes.save(...)` and so on. Every
message is written here before it is shown or sent. Nothing outside `curhat_tui.storage` writes
SQL.

A store holds practice sessions or real ones, never both; which is recorded in the database
itself (`kind`) the first time it is opened.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from curhat_tui.paths import PRACTICE_DB, REAL_DB
from curhat_tui.storage import schema
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.clients import Clients
from curhat_tui.storage.database import Database, StoreError, is_plain, migrate_plain
from curhat_tui.storage.flags import Flags
from curhat_tui.storage.messages import DuplicateMessage, Messages, new_id
from curhat_tui.storage.notes import VERSION_WINDOW as NOTE_VERSION_WINDOW
from curhat_tui.storage.notes import Notes
from curhat_tui.storage.privacy import PrivacyRecords
from curhat_tui.storage.review import ReviewBook
from curhat_tui.storage.sessions import Sessions
from curhat_tui.storage.state import State
from curhat_tui.storage.training import TrainingBook
from curhat_tui.storage.visits import Visits
from curhat_tui.storage.written_files import WrittenFiles

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["DuplicateMessage", "NOTE_VERSION_WINDOW", "PRACTICE", "REAL", "Store", "StoreError", "is_plain",
           "kind_from_name", "migrate_plain", "new_id"]

PRACTICE = "practice"
REAL = "real"
KINDS = (PRACTICE, REAL)


def kind_from_name(path: Path) -> str | None:
    """What a database holds going by its file name alone (only for one that has not recorded it)."""
    return {PRACTICE_DB: PRACTICE, REAL_DB: REAL}.get(path.name)


class Store:
    """One open database and its repositories.

    `kind` ("practice" or "real") is recorded in a new database; a database that has none
    recorded takes it from `kind`, else from its file name (practice.db, curhat.db). A store
    asked to be one kind that records the other is refused (StoreError), nothing changed.
    """

    def __init__(self, path: Path | str, key: str | None = None, kind: str | None = None) -> None:
        if kind is not None and kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self.database = database = Database(path, key)
        try:
            schema.migrate(database)
            self.state = State(database)
            self.kind = self._settle_kind(kind)
        except BaseException:
            database.close()
            raise
        self.clients = Clients(database)
        self.visits = Visits(database, self.clients)
        self.sessions = Sessions(database)
        self.messages = Messages(database)
        self.notes = Notes(database, self.sessions)
        self.flags = Flags(database)
        self.review = ReviewBook(database, self.sessions, self.messages, self.flags, self.notes)
        self.audit = AuditLog(database)
        self.privacy = PrivacyRecords(database, self.sessions, self.state)
        self.written = WrittenFiles(database)
        self.training = TrainingBook(database)  # curriculum progress, comments on practice transcript lines

    def _settle_kind(self, asked: str | None) -> str | None:
        recorded = self.state.store_kind()
        if recorded is not None:
            if asked is not None and asked != recorded:
                raise StoreError(f"{self.path}: this database holds {recorded} sessions, not {asked} ones; "
                                 "practice and real sessions are never kept together. Nothing was changed")
            return recorded
        kind = asked or kind_from_name(self.path)
        if kind is not None:
            self.state.set_store_kind(kind)
        return kind

    @property
    def practice(self) -> bool | None:
        """True for a store of practice sessions, False for real ones, None when it was never said."""
        return None if self.kind is None else self.kind == PRACTICE

    @property
    def path(self) -> Path:
        return self.database.path

    @property
    def encrypted(self) -> bool:
        return self.database.encrypted

    @property
    def migrated_backup(self) -> Path | None:
        """Where the unencrypted original went, when this open encrypted a plain database."""
        return self.database.migrated_backup

    @property
    def db(self) -> sqlite_utils.Database:
        """The database through sqlite-utils, for tests and benchmarks that build rows in bulk."""
        return self.database.db

    def close(self) -> None:
        self.database.close()

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic write across repositories; joins the caller's transaction when there is one."""
        return self.database.transaction()
