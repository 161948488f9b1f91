"""Messages (table `messages`): every line of every session, written before it is shown or sent.

Outgoing messages are the outbox (delivery 'pending') until the channel acknowledges them; each
carries a transaction id, so a retry never stores or sends a message twice. A client's message keeps
its remote event id as its transaction id; a client's edit replaces its text and a client's deletion
empties it for good, each marked in `message_marks` (the row stays, so the transcript shows where).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

from curhat_tui.domain.models import Delivery, Message, Sender
from curhat_tui.storage.database import Database, integrity_errors

_COLUMNS = ("m.id, m.session_id, m.sender, m.text, m.ts, m.txn_id, m.delivery, m.flags, "
            "r.edited_at, r.redacted_at")
_FROM = "messages m left join message_marks r on r.message_id = m.id"


def new_id() -> str:
    """A short random id (sessions, transaction ids)."""
    return uuid.uuid4().hex[:12]


class DuplicateMessage(Exception):
    """A message with this transaction or remote event id is already stored."""


def _message(row: tuple) -> Message:
    return Message(row[0], row[1], Sender(row[2]), row[3], row[4], row[5], Delivery(row[6]),
                   tuple(json.loads(row[7] or "[]")), edited_at=row[8], redacted_at=row[9])


class Messages:
    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, session_id: str, sender: Sender, text: str, ts: float, *, txn_id: str | None = None,
            delivery: Delivery = Delivery.SENT, flags: tuple[str, ...] = ()) -> Message:
        """Keep one message; DuplicateMessage when its transaction id is already stored."""
        txn = txn_id or f"m{new_id()}"
        try:
            cursor = self.database.execute(
                "insert into messages (session_id, sender, text, ts, txn_id, delivery, flags) values (?,?,?,?,?,?,?)",
                [session_id, str(sender), text, ts, txn, str(delivery), json.dumps(list(flags))],
            )
        except integrity_errors():
            raise DuplicateMessage(txn) from None
        return Message(cursor.lastrowid, session_id, sender, text, ts, txn, delivery, flags)

    def for_session(self, session_id: str, limit: int | None = None, before_id: int | None = None) -> list[Message]:
        """Messages of a session in order; with `limit`, the newest ones (before `before_id`)."""
        sql = f"select {_COLUMNS} from {_FROM} where m.session_id = ?"
        args: list = [session_id]
        if before_id is not None:
            sql += " and m.id < ?"
            args.append(before_id)
        if limit is None:
            return [_message(r) for r in self.database.execute(sql + " order by m.id", args).fetchall()]
        rows = self.database.execute(sql + " order by m.id desc limit ?", args + [limit]).fetchall()
        return [_message(r) for r in reversed(rows)]

    def after(self, session_id: str, message_id: int, limit: int) -> list[Message]:
        """The first `limit` messages of a session after message `message_id`, in order."""
        rows = self.database.execute(f"select {_COLUMNS} from {_FROM} where m.session_id = ? and m.id > ? order by m.id "
                                     "limit ?", [session_id, message_id, limit]).fetchall()
        return [_message(r) for r in rows]

    def set_flags(self, message_id: int, flags: tuple[str, ...]) -> None:
        """The red-flag items a client message suggests, read again (its burst's words changed)."""
        self.database.execute("update messages set flags = ? where id = ?", [json.dumps(list(flags)), message_id])

    def client_seen_before(self, session_id: str, message_id: int) -> float | None:
        """When the newest client line kept before message `message_id` was written (None when there is none): what
        the counselor could have read when writing that message."""
        value = self.database.scalar("select max(ts) from messages where session_id = ? and sender = ? and id < ?"
                                     " and delivery != ?",  # a line whose words had not come was not read
                                     [session_id, str(Sender.CLIENT), message_id, str(Delivery.LOCKED)])
        return float(value) if value is not None else None

    def count(self, session_id: str) -> int:
        return int(self.database.scalar("select count(*) from messages where session_id = ?", [session_id]))

    def set_delivery(self, txn_id: str, delivery: Delivery) -> Message | None:
        self.database.execute("update messages set delivery = ? where txn_id = ?", [str(delivery), txn_id])
        row = self.database.one(f"select {_COLUMNS} from {_FROM} where m.txn_id = ?", [txn_id])
        return _message(row) if row else None

    def mark_read(self, session_id: str) -> list[Message]:
        """The counselor's sent messages in a session become read; returns them."""
        rows = self.database.execute(
            f"select {_COLUMNS} from {_FROM} where m.session_id = ? and m.sender = ? and m.delivery = ?",
            [session_id, Sender.COUNSELOR.value, Delivery.SENT.value]).fetchall()
        self.database.execute("update messages set delivery = ? where session_id = ? and sender = ? and delivery = ?",
                              [Delivery.READ.value, session_id, Sender.COUNSELOR.value, Delivery.SENT.value])
        return [replace(_message(r), delivery=Delivery.READ) for r in rows]

    def outbox(self) -> list[Message]:
        """Messages still waiting for the channel to take them, oldest first."""
        rows = self.database.execute(f"select {_COLUMNS} from {_FROM} where m.delivery = ? order by m.id",
                                     [Delivery.PENDING.value]).fetchall()
        return [_message(r) for r in rows]

    # ---- what a client changes afterwards -----------------------------------------------------
    def from_client(self, session_id: str, remote_id: str) -> Message | None:
        """The client's message of this session with this remote event id (never a counselor's line)."""
        if not remote_id:
            return None
        row = self.database.one(f"select {_COLUMNS} from {_FROM} where m.session_id = ? and m.txn_id = ? "
                                "and m.sender = ?", [session_id, remote_id, Sender.CLIENT.value])
        return _message(row) if row else None

    def _mark(self, message: Message, column: str, ts: float) -> None:
        self.database.execute(f"insert into message_marks (message_id, session_id, {column}) values (?, ?, ?) "
                              f"on conflict(message_id) do update set {column} = excluded.{column}",
                              [message.id, message.session_id, ts])

    def edit(self, session_id: str, remote_id: str, text: str, ts: float, flags: tuple[str, ...] = (), *,
             mark: bool = True) -> Message | None:
        """The client replaced the text of their message `remote_id`: text and risk hits become these, marked
        edited at `ts` (unmarked with `mark=False`: an encrypted line's words replacing its placeholder).
        Returns the message as stored now, or None when nothing changed: no such client message, deleted
        already, the same text (a replayed edit) or an edit newer than this one already stored."""
        with self.database.transaction():
            current = self.from_client(session_id, remote_id)
            if current is None or current.redacted or current.text == text \
                    or (current.edited_at is not None and current.edited_at > ts):
                return None
            self.database.execute("update messages set text = ?, flags = ?, delivery = ? where id = ?",  # words came
                                  [text, json.dumps(list(flags)), str(Delivery.SENT), current.id])
            if mark:
                self._mark(current, "edited_at", ts)
        return replace(current, text=text, flags=flags, edited_at=ts if mark else current.edited_at,
                       delivery=Delivery.SENT)

    def redact(self, session_id: str, remote_id: str, ts: float) -> Message | None:
        """The client deleted their message `remote_id`: its text and risk hits are emptied for good (the freed
        bytes zeroed, the WAL's copy dropped); the row stays, marked deleted at `ts`. Returns it, or None when
        there is no such client message or it was deleted already."""
        self.database.secure_delete()
        with self.database.transaction():
            current = self.from_client(session_id, remote_id)
            if current is None or current.redacted:
                return None
            self.database.execute("update messages set text = '', flags = '[]' where id = ?", [current.id])
            self._mark(current, "redacted_at", ts)
        if not self.database.conn.in_transaction:  # a caller's transaction scrubs after its commit
            self.database.scrub_wal()
        return replace(current, text="", flags=(), redacted_at=ts)
