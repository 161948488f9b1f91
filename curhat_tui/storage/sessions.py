"""Sessions (table `sessions`) and their time extensions (table `extensions`).

A session's `channel_state` is the channel's own JSON (a room id, a simulated client's
state). Two of its keys can hold a client's words and so fall under retention and
deletion: the channels write them under the names below, and storage scrubs them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from curhat_tui.domain.models import Risk, Session, SessionStatus, Tier, VisitStatus
from curhat_tui.storage.database import Database, placeholders, quoted

PENDING = "pending"  # channel_state: replies a simulated client was still typing
ANSWERED = "answered"  # channel_state: [text, txn id of the counselor line it answers] per line a simulated client said
HANDOVER = "handover"  # channel_state: the handover note of a transferred session
ENCRYPTED = "encrypted"  # channel_state: whether the client's room is end-to-end encrypted (a real channel's)
HANDOVER_FLAGS = "handover_flags"  # channel_state: red-flag item ids raised before the session was handed over
REGION = "region"  # channel_state: the province a real client told the intake (a place they live: personal data)
CLIENT = "client_hash"  # channel_state: the scrypt hash of the client's Matrix id, salted with the room (relay.py)
READERS_ALLOWED = "readers_allowed"  # channel_state: accounts besides the client the counselor chose to let read
CLIENT_DEVICES = "client_devices"  # channel_state: the client's devices a room key went to (channels/matrix/members.py)
DEVICE_MARKS = "client_device_marks"  # channel_state: marks of those devices, from the counselor who handed it over
# the channel_state keys that may hold words of a session (or who was in it): purged with them
CLIENT_WORDS = (PENDING, HANDOVER, ANSWERED, REGION, CLIENT, READERS_ALLOWED, CLIENT_DEVICES, DEVICE_MARKS)


def _session(row: dict[str, Any]) -> Session:
    return Session(
        id=row["id"], visit_id=row["visit_id"], client_key=row["client_key"], alias=row["alias"],
        tier=Tier(row["tier"]), minutes=row["minutes"], price=row["price"], counselor=row["counselor"],
        started_at=row["started_at"], deadline=row["deadline"], status=SessionStatus(row["status"]),
        risk=Risk(row["risk"]), notified=json.loads(row["notified"] or "[]"), end_reason=row["end_reason"] or "",
        ended_at=row["ended_at"], lang=row["lang"] or "id",
    )


def _column_value(name: str, value: object) -> object:
    if name in ("notified", "channel_state"):
        return json.dumps(value)
    if isinstance(value, Risk):
        return int(value)
    if isinstance(value, SessionStatus):
        return str(value)
    return value


class Sessions:
    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, session: Session, channel_state: dict | None = None) -> None:
        """Keep a session the counselor accepted; its visit leaves the queue in the same write."""
        with self.database.transaction():
            self.database.insert("sessions", {
                "id": session.id, "visit_id": session.visit_id, "client_key": session.client_key,
                "alias": session.alias, "tier": str(session.tier), "minutes": session.minutes,
                "price": session.price, "counselor": session.counselor, "started_at": session.started_at,
                "deadline": session.deadline, "status": str(session.status), "risk": int(session.risk),
                "notified": json.dumps(session.notified), "end_reason": "", "skip_reason": "", "ended_at": None,
                "lang": session.lang, "channel_state": json.dumps(channel_state or {}),
            })
            self.database.execute("update visits set status = ? where id = ?",
                                  [VisitStatus.ACCEPTED.value, session.visit_id])

    def get(self, session_id: str) -> Session | None:
        rows = self.database.rows("select * from sessions where id = ?", [session_id])
        return _session(rows[0]) if rows else None

    def open(self, counselor: str | None = None) -> list[Session]:
        """Sessions not closed yet (running or in wrap-up), oldest first; only `counselor`'s when given (a
        practice store is shared by everyone who practises on this machine)."""
        rows = self.database.rows("select * from sessions where status != ? order by started_at",
                                  [SessionStatus.CLOSED.value])
        return [s for s in map(_session, rows) if counselor is None or s.counselor == counselor]

    def all(self) -> list[Session]:
        return [_session(r) for r in self.database.rows("select * from sessions order by started_at")]

    def of_client(self, client_key: str) -> list[Session]:
        rows = self.database.rows("select * from sessions where client_key = ? order by started_at", [client_key])
        return [_session(r) for r in rows]

    def update(self, session_id: str, **fields: object) -> None:
        """Change some columns; `notified` and `channel_state` are given as Python values. KeyError if absent."""
        if not fields:
            if self.database.one("select 1 from sessions where id = ?", [session_id]) is None:
                raise KeyError(session_id)
            return
        sets = ", ".join(f"{quoted(name)} = ?" for name in fields)
        values = [_column_value(name, value) for name, value in fields.items()]
        if self.database.execute(f"update sessions set {sets} where id = ?", [*values, session_id]).rowcount == 0:
            raise KeyError(session_id)

    def channel_state(self, session_id: str) -> dict:
        value = self.database.scalar("select channel_state from sessions where id = ?", [session_id])
        return json.loads(value) if value else {}

    def client_hash(self, session_id: str) -> str:
        """The client's hash the session keeps ('' when none): what the marks of their devices are salted with."""
        return str(self.channel_state(session_id).get(CLIENT) or "")

    def client_devices(self, session_id: str) -> frozenset[str] | None:
        """The client's devices the session's room key went to up to its last line; None before the first."""
        devices = self.channel_state(session_id).get(CLIENT_DEVICES)
        return frozenset(d for d in devices if isinstance(d, str)) if isinstance(devices, list) else None

    def handed_device_marks(self, session_id: str) -> frozenset[str] | None:
        """Marks of the client's devices as the counselor who handed the session here had them; None if none came."""
        marks = self.channel_state(session_id).get(DEVICE_MARKS)
        return frozenset(m for m in marks if isinstance(m, str)) if isinstance(marks, list) else None

    def set_client_devices(self, session_id: str, devices: frozenset[str]) -> None:
        """Kept in the channel state, so a restart neither forgets a device nor takes one already there for new."""
        self.update(session_id, channel_state={**self.channel_state(session_id), CLIENT_DEVICES: sorted(devices)})

    def handover(self, session_id: str) -> str:
        """The handover note kept in a session's channel state, as written ('' when none, or not text)."""
        note = self.channel_state(session_id).get(HANDOVER)
        return note if isinstance(note, str) else ""

    def client_words(self, session_id: str) -> dict:
        """The parts of a session's channel state that may hold a client's words."""
        state = self.channel_state(session_id)
        return {key: state[key] for key in CLIENT_WORDS if key in state}

    def drop_client_words(self, session_ids: Sequence[str]) -> None:
        """Remove words kept in these sessions' channel state (retention, deletion)."""
        if not session_ids:
            return
        rows = self.database.execute(f"select id, channel_state from sessions where id in "
                                     f"({placeholders(session_ids)})", list(session_ids)).fetchall()
        for sid, state in rows:
            loaded = json.loads(state or "{}")
            if any(k in loaded for k in CLIENT_WORDS):
                kept = {k: v for k, v in loaded.items() if k not in CLIENT_WORDS}
                self.database.execute("update sessions set channel_state = ? where id = ?", [json.dumps(kept), sid])

    # ---- extensions ----------------------------------------------------------------------------
    def extend(self, session_id: str, minutes: int, reason: str, now: float) -> float:
        """Add minutes to a running session; the countdown's warnings start again. Returns the new deadline."""
        with self.database.transaction():
            self.database.insert("extensions", {"session_id": session_id, "minutes": minutes, "reason": reason,
                                                "ts": now})
            self.database.execute("update sessions set deadline = deadline + ?, notified = '[]' where id = ?",
                                  [minutes * 60, session_id])
        return float(self.database.scalar("select deadline from sessions where id = ?", [session_id]))

    def extensions(self, session_id: str) -> list[dict]:
        return self.database.rows("select * from extensions where session_id = ? order by id", [session_id])
