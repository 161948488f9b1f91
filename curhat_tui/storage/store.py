"""The one place data is kept: SQLite through sqlite-utils, under the data dir.

Every message is written here before it is shown or sent; outgoing messages are
the outbox (delivery 'pending') until the channel acknowledges them. Nothing above
this module touches SQL, so encryption can be added here alone.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from curhat_tui.domain.models import (
    Delivery, FlagEvent, Message, Risk, Sender, Session, SessionStatus, Tier, Visit, VisitStatus,
)

SCHEMA_VERSION = 1
NOTE_VERSION_WINDOW = 60.0


def new_id() -> str:
    return uuid.uuid4().hex[:12]


PLAIN_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """The database cannot be opened as asked (wrong key, not a database): nothing was changed."""


class DuplicateMessage(Exception):
    """A message with this transaction or remote event id is already stored."""


def _integrity_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [sqlite3.IntegrityError]
    try:
        from sqlcipher3 import dbapi2

        errors.append(dbapi2.IntegrityError)
    except ImportError:
        pass
    return tuple(errors)


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


def _open_encrypted(path: Path, key: str):
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
    os.chmod(backup, 0o600)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(encrypted, path)
    os.chmod(path, 0o600)
    return backup


class Store:
    def __init__(self, path: Path | str, key: str | None = None) -> None:
        """Open (or create) the database; with `key` it is an SQLCipher database.

        A plain database found where an encrypted one is expected is migrated once,
        keeping the original as a backup (`migrated_backup` says where).
        """
        self.path = Path(path)
        self.encrypted = key is not None
        self.migrated_backup: Path | None = None
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.path.parent, 0o700)  # counseling records: readable by this user only
            if key is not None and is_plain(self.path):
                self.migrated_backup = migrate_plain(self.path, key)
            if not self.path.exists():
                self.path.touch(mode=0o600)
            os.chmod(self.path, 0o600)
        if key is not None:
            conn = _open_encrypted(self.path, key)
        else:
            if str(path) != ":memory:" and self.path.stat().st_size and not is_plain(self.path):
                raise StoreError(f"{self.path}: this database is encrypted; it needs its key")
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        for suffix in ("-wal", "-shm"):
            side = Path(f"{self.path}{suffix}")
            if side.exists():
                os.chmod(side, 0o600)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        self.db = sqlite_utils.Database(conn)
        self._migrate()

    def close(self) -> None:
        self.db.conn.close()

    # ---- schema -------------------------------------------------------------
    def _migrate(self) -> None:
        db = self.db
        if "meta" not in db.table_names():
            db["meta"].create({"key": str, "value": str}, pk="key")
        if "clients" not in db.table_names():
            db["clients"].create({"key": str, "alias": str, "tier": str, "template": str, "created_at": float}, pk="key")
        if "visits" not in db.table_names():
            db["visits"].create({
                "id": str, "client_key": str, "alias": str, "tier": str, "minutes": int, "price": int, "topic": str,
                "intake_risk_answer": str, "risk": int, "arrived_at": float, "status": str, "left_at": float,
                "persona": str,
            }, pk="id")
            db["visits"].create_index(["status"])
        if "sessions" not in db.table_names():
            db["sessions"].create({
                "id": str, "visit_id": str, "client_key": str, "alias": str, "tier": str, "minutes": int,
                "price": int, "counselor": str, "started_at": float, "deadline": float, "status": str,
                "risk": int, "notified": str, "end_reason": str, "skip_reason": str, "ended_at": float,
                "lang": str, "channel_state": str,
            }, pk="id")
            db["sessions"].create_index(["status"])
            db["sessions"].create_index(["client_key"])
        if "messages" not in db.table_names():
            db["messages"].create({
                "id": int, "session_id": str, "sender": str, "text": str, "ts": float, "txn_id": str,
                "delivery": str, "flags": str,
            }, pk="id")
            db["messages"].create_index(["session_id", "id"])
            db["messages"].create_index(["txn_id"], unique=True)
            db["messages"].create_index(["delivery"])
        if "notes" not in db.table_names():
            db["notes"].create({
                "session_id": str, "client_key": str, "template": str, "fields": str, "version": int,
                "updated_at": float,
            }, pk="session_id")
            db["notes"].create_index(["client_key"])
        if "note_versions" not in db.table_names():
            db["note_versions"].create({
                "id": int, "session_id": str, "version": int, "template": str, "fields": str, "ts": float,
            }, pk="id")
            db["note_versions"].create_index(["session_id", "version"])
        if "flags" not in db.table_names():
            db["flags"].create({"id": int, "session_id": str, "item": str, "ts": float, "detail": str}, pk="id")
            db["flags"].create_index(["session_id"])
        if "scripts" not in db.table_names():
            db["scripts"].create({
                "id": int, "session_id": str, "item": str, "variant": str, "text": str, "loaded_at": float,
                "sent_at": float, "message_id": int,
            }, pk="id")
        if "extensions" not in db.table_names():
            db["extensions"].create({"id": int, "session_id": str, "minutes": int, "reason": str, "ts": float}, pk="id")
        self.set_meta("schema_version", str(SCHEMA_VERSION))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write: either all of it lands on disk or none of it.

        Inside another transaction it joins that one, so a step and its audit entry commit together.
        """
        if self.db.conn.in_transaction:
            yield
            return
        self.db.conn.execute("begin immediate")
        try:
            yield
        except BaseException:
            self.db.conn.execute("rollback")
            raise
        self.db.conn.execute("commit")

    def _insert(self, table: str, row: dict) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        return self.db.conn.execute(f"insert into {table} ({cols}) values ({marks})", list(row.values())).lastrowid

    # ---- meta ---------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")

    # ---- clients and visits -------------------------------------------------
    def upsert_client(self, key: str, alias: str, tier: Tier, now: float) -> None:
        if not self.db.execute("select 1 from clients where key = ?", [key]).fetchone():
            self.db["clients"].insert({"key": key, "alias": alias, "tier": str(tier), "template": "", "created_at": now})

    def client_template(self, key: str) -> str:
        row = self.db.execute("select template from clients where key = ?", [key]).fetchone()
        return row[0] if row and row[0] else ""

    def set_client_template(self, key: str, template: str) -> None:
        self.db.execute("update clients set template = ? where key = ?", [template, key])

    def add_visit(self, visit: Visit) -> None:
        self.upsert_client(visit.client_key, visit.alias, visit.tier, visit.arrived_at)
        self.db["visits"].insert({
            "id": visit.id, "client_key": visit.client_key, "alias": visit.alias, "tier": str(visit.tier),
            "minutes": visit.minutes, "price": visit.price, "topic": visit.topic,
            "intake_risk_answer": visit.intake_risk_answer, "risk": int(visit.risk), "arrived_at": visit.arrived_at,
            "status": str(visit.status), "left_at": None, "persona": visit.persona,
        }, pk="id")

    def requeue_visit(self, visit: Visit) -> None:
        """A visit seen before comes back to the queue (for example after a transfer)."""
        self.db.execute(
            "update visits set status = ?, arrived_at = ?, topic = ?, intake_risk_answer = ?, risk = ?, left_at = null "
            "where id = ?", [VisitStatus.WAITING.value, visit.arrived_at, visit.topic, visit.intake_risk_answer,
                             int(visit.risk), visit.id])

    @staticmethod
    def _visit(row: dict) -> Visit:
        return Visit(
            id=row["id"], client_key=row["client_key"], alias=row["alias"], tier=Tier(row["tier"]),
            minutes=row["minutes"], price=row["price"], topic=row["topic"],
            intake_risk_answer=row["intake_risk_answer"], risk=Risk(row["risk"]), arrived_at=row["arrived_at"],
            status=VisitStatus(row["status"]), persona=row["persona"] or "",
        )

    def visit(self, visit_id: str) -> Visit | None:
        rows = list(self.db["visits"].rows_where("id = ?", [visit_id]))
        return self._visit(rows[0]) if rows else None

    def waiting_visits(self) -> list[Visit]:
        return [self._visit(r) for r in self.db["visits"].rows_where("status = ?", [VisitStatus.WAITING.value])]

    def set_visit_status(self, visit_id: str, status: VisitStatus, now: float | None = None) -> None:
        self.db.execute("update visits set status = ?, left_at = ? where id = ?", [str(status), now, visit_id])

    # ---- sessions -----------------------------------------------------------
    def add_session(self, session: Session, channel_state: dict | None = None) -> None:
        with self.transaction():
            self._insert("sessions", {
                "id": session.id, "visit_id": session.visit_id, "client_key": session.client_key,
                "alias": session.alias, "tier": str(session.tier), "minutes": session.minutes,
                "price": session.price, "counselor": session.counselor, "started_at": session.started_at,
                "deadline": session.deadline, "status": str(session.status), "risk": int(session.risk),
                "notified": json.dumps(session.notified), "end_reason": "", "skip_reason": "", "ended_at": None,
                "lang": session.lang, "channel_state": json.dumps(channel_state or {}),
            })
            self.db.execute("update visits set status = ? where id = ?", [VisitStatus.ACCEPTED.value, session.visit_id])

    @staticmethod
    def _session(row: dict) -> Session:
        return Session(
            id=row["id"], visit_id=row["visit_id"], client_key=row["client_key"], alias=row["alias"],
            tier=Tier(row["tier"]), minutes=row["minutes"], price=row["price"], counselor=row["counselor"],
            started_at=row["started_at"], deadline=row["deadline"], status=SessionStatus(row["status"]),
            risk=Risk(row["risk"]), notified=json.loads(row["notified"] or "[]"), end_reason=row["end_reason"] or "",
            ended_at=row["ended_at"], lang=row["lang"] or "id",
        )

    def session(self, session_id: str) -> Session | None:
        rows = list(self.db["sessions"].rows_where("id = ?", [session_id]))
        return self._session(rows[0]) if rows else None

    def open_sessions(self) -> list[Session]:
        rows = self.db["sessions"].rows_where("status != ?", [SessionStatus.CLOSED.value], order_by="started_at")
        return [self._session(r) for r in rows]

    def all_sessions(self) -> list[Session]:
        return [self._session(r) for r in self.db["sessions"].rows_where(order_by="started_at")]

    def sessions_of_client(self, client_key: str) -> list[Session]:
        rows = self.db["sessions"].rows_where("client_key = ?", [client_key], order_by="started_at")
        return [self._session(r) for r in rows]

    def update_session(self, session_id: str, **fields: object) -> None:
        values = {k: (json.dumps(v) if k in ("notified", "channel_state") else
                      int(v) if isinstance(v, Risk) else str(v) if isinstance(v, SessionStatus) else v)
                  for k, v in fields.items()}
        self.db["sessions"].update(session_id, values)

    def channel_state(self, session_id: str) -> dict:
        row = self.db.execute("select channel_state from sessions where id = ?", [session_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else {}

    def add_extension(self, session_id: str, minutes: int, reason: str, now: float) -> float:
        with self.transaction():
            self._insert("extensions", {"session_id": session_id, "minutes": minutes, "reason": reason, "ts": now})
            self.db.execute("update sessions set deadline = deadline + ?, notified = '[]' where id = ?",
                            [minutes * 60, session_id])
        return self.session(session_id).deadline  # type: ignore[union-attr]

    def extensions(self, session_id: str) -> list[dict]:
        return list(self.db["extensions"].rows_where("session_id = ?", [session_id], order_by="id"))

    # ---- messages -----------------------------------------------------------
    def add_message(self, session_id: str, sender: Sender, text: str, ts: float, *,
                    txn_id: str | None = None, delivery: Delivery = Delivery.SENT, flags: tuple[str, ...] = ()) -> Message:
        txn = txn_id or f"m{new_id()}"
        try:
            cursor = self.db.execute(
                "insert into messages (session_id, sender, text, ts, txn_id, delivery, flags) values (?,?,?,?,?,?,?)",
                [session_id, str(sender), text, ts, txn, str(delivery), json.dumps(list(flags))],
            )
        except _integrity_errors():
            raise DuplicateMessage(txn) from None
        return Message(cursor.lastrowid, session_id, sender, text, ts, txn, delivery, flags)

    @staticmethod
    def _message(row: tuple) -> Message:
        return Message(row[0], row[1], Sender(row[2]), row[3], row[4], row[5], Delivery(row[6]),
                       tuple(json.loads(row[7] or "[]")))

    _MSG_COLS = "id, session_id, sender, text, ts, txn_id, delivery, flags"

    def messages(self, session_id: str, limit: int | None = None, before_id: int | None = None) -> list[Message]:
        """Messages of a session in order; with `limit`, the newest ones (before `before_id`)."""
        sql = f"select {self._MSG_COLS} from messages where session_id = ?"
        args: list = [session_id]
        if before_id is not None:
            sql += " and id < ?"
            args.append(before_id)
        if limit is None:
            return [self._message(r) for r in self.db.execute(sql + " order by id", args).fetchall()]
        rows = self.db.execute(sql + " order by id desc limit ?", args + [limit]).fetchall()
        return [self._message(r) for r in reversed(rows)]

    def message_count(self, session_id: str) -> int:
        return self.db.execute("select count(*) from messages where session_id = ?", [session_id]).fetchone()[0]

    def set_delivery(self, txn_id: str, delivery: Delivery) -> Message | None:
        self.db.execute("update messages set delivery = ? where txn_id = ?", [str(delivery), txn_id])
        row = self.db.execute(f"select {self._MSG_COLS} from messages where txn_id = ?", [txn_id]).fetchone()
        return self._message(row) if row else None

    def mark_read(self, session_id: str) -> list[Message]:
        rows = self.db.execute(
            f"select {self._MSG_COLS} from messages where session_id = ? and sender = ? and delivery = ?",
            [session_id, Sender.COUNSELOR.value, Delivery.SENT.value]).fetchall()
        self.db.execute("update messages set delivery = ? where session_id = ? and sender = ? and delivery = ?",
                        [Delivery.READ.value, session_id, Sender.COUNSELOR.value, Delivery.SENT.value])
        return [Message(r[0], r[1], Sender(r[2]), r[3], r[4], r[5], Delivery.READ, tuple(json.loads(r[7] or "[]")))
                for r in rows]

    def outbox(self) -> list[Message]:
        rows = self.db.execute(f"select {self._MSG_COLS} from messages where delivery = ? order by id",
                               [Delivery.PENDING.value]).fetchall()
        return [self._message(r) for r in rows]

    # ---- notes --------------------------------------------------------------
    def note(self, session_id: str) -> dict | None:
        rows = list(self.db["notes"].rows_where("session_id = ?", [session_id]))
        if not rows:
            return None
        row = rows[0]
        row["fields"] = json.loads(row["fields"])
        return row

    def save_note(self, session_id: str, client_key: str, template: str, fields: dict[str, str], now: float) -> int:
        """Save the note; a new version is kept unless the last one is under a minute old."""
        current = self.note(session_id)
        body = json.dumps(fields, ensure_ascii=False)
        with self.transaction():
            if current is None:
                version = 1
                self._insert("notes", {"session_id": session_id, "client_key": client_key, "template": template,
                                         "fields": body, "version": 1, "updated_at": now})
            else:
                last = self.db.execute("select id, ts from note_versions where session_id = ? order by version desc"
                                       " limit 1", [session_id]).fetchone()
                version = current["version"]
                if last is None or now - last[1] >= NOTE_VERSION_WINDOW or template != current["template"]:
                    version += 1
                self.db.execute("update notes set template = ?, fields = ?, version = ?, updated_at = ? "
                                "where session_id = ?", [template, body, version, now, session_id])
            existing = self.db.execute("select id from note_versions where session_id = ? and version = ?",
                                       [session_id, version]).fetchone()
            if existing:
                self.db.execute("update note_versions set fields = ?, template = ?, ts = ? where id = ?",
                                [body, template, now, existing[0]])
            else:
                self._insert("note_versions", {"session_id": session_id, "version": version, "template": template,
                                               "fields": body, "ts": now})
        return version

    def note_versions(self, session_id: str) -> list[dict]:
        rows = list(self.db["note_versions"].rows_where("session_id = ?", [session_id], order_by="version"))
        for row in rows:
            row["fields"] = json.loads(row["fields"])
        return rows

    def client_notes(self, client_key: str, exclude_session: str | None = None) -> list[tuple[Session, dict]]:
        """Earlier notes of a client, oldest first, with their sessions."""
        result = []
        for session in self.sessions_of_client(client_key):
            if session.id == exclude_session:
                continue
            note = self.note(session.id)
            if note:
                result.append((session, note))
        return result

    # ---- flags and scripts --------------------------------------------------
    def add_flag(self, session_id: str, item: str, ts: float, detail: dict | None = None) -> None:
        self.db["flags"].insert({"session_id": session_id, "item": item, "ts": ts,
                                 "detail": json.dumps(detail or {}, ensure_ascii=False)})

    def flags(self, session_id: str) -> list[FlagEvent]:
        return [FlagEvent(r["session_id"], r["item"], r["ts"], r["detail"])
                for r in self.db["flags"].rows_where("session_id = ?", [session_id], order_by="id")]

    def add_script(self, session_id: str, item: str, variant: str, text: str, now: float) -> int:
        return self.db["scripts"].insert({"session_id": session_id, "item": item, "variant": variant, "text": text,
                                          "loaded_at": now, "sent_at": None, "message_id": None}).last_pk

    def mark_script_sent(self, script_id: int, message: Message) -> None:
        self.db["scripts"].update(script_id, {"sent_at": message.ts, "message_id": message.id, "text": message.text})

    def script(self, script_id: int) -> dict | None:
        rows = list(self.db["scripts"].rows_where("id = ?", [script_id]))
        return rows[0] if rows else None

    def scripts(self, session_id: str) -> list[dict]:
        return list(self.db["scripts"].rows_where("session_id = ?", [session_id], order_by="id"))
