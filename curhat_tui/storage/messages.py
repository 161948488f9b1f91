"""Messages (table `messages`): every line of every session, written before it is shown or sent.

Outgoing messages are the outbox (delivery 'pending') until the channel acknowledges them; each
carries a transaction id, so a retry never stores or sends a message twice.
"""

from __future__ import annotations

import json
import uuid

from curhat_tui.domain.models import Delivery, Message, Sender
from curhat_tui.storage.database import Database, integrity_errors

_COLUMNS = "id, session_id, sender, text, ts, txn_id, delivery, flags"


def new_id() -> str:
    """A short random id (sessions, transaction ids)."""
    return uuid.uuid4().hex[:12]


class DuplicateMessage(Exception):
    """A message with this transaction or remote event id is already stored."""


def _message(row: tuple) -> Message:
    return Message(row[0], row[1], Sender(row[2]), row[3], row[4], row[5], Delivery(row[6]),
                   tuple(json.loads(row[7] or "[]")))


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
        sql = f"select {_COLUMNS} from messages where session_id = ?"
        args: list = [session_id]
        if before_id is not None:
            sql += " and id < ?"
            args.append(before_id)
        if limit is None:
            return [_message(r) for r in self.database.execute(sql + " order by id", args).fetchall()]
        rows = self.database.execute(sql + " order by id desc limit ?", args + [limit]).fetchall()
        return [_message(r) for r in reversed(rows)]

    def count(self, session_id: str) -> int:
        return int(self.database.scalar("select count(*) from messages where session_id = ?", [session_id]))

    def set_delivery(self, txn_id: str, delivery: Delivery) -> Message | None:
        self.database.execute("update messages set delivery = ? where txn_id = ?", [str(delivery), txn_id])
        row = self.database.one(f"select {_COLUMNS} from messages where txn_id = ?", [txn_id])
        return _message(row) if row else None

    def mark_read(self, session_id: str) -> list[Message]:
        """The counselor's sent messages in a session become read; returns them."""
        rows = self.database.execute(
            f"select {_COLUMNS} from messages where session_id = ? and sender = ? and delivery = ?",
            [session_id, Sender.COUNSELOR.value, Delivery.SENT.value]).fetchall()
        self.database.execute("update messages set delivery = ? where session_id = ? and sender = ? and delivery = ?",
                              [Delivery.READ.value, session_id, Sender.COUNSELOR.value, Delivery.SENT.value])
        return [Message(r[0], r[1], Sender(r[2]), r[3], r[4], r[5], Delivery.READ, tuple(json.loads(r[7] or "[]")))
                for r in rows]

    def outbox(self) -> list[Message]:
        """Messages still waiting for the channel to take them, oldest first."""
        rows = self.database.execute(f"select {_COLUMNS} from messages where delivery = ? order by id",
                                     [Delivery.PENDING.value]).fetchall()
        return [_message(r) for r in rows]
