"""Red flags ticked in a session (table `flags`) and the referral scripts loaded and sent (table `scripts`)."""

from __future__ import annotations

import json

from curhat_tui.domain.models import FlagEvent, Message, SessionStatus
from curhat_tui.storage.database import Database


class Flags:
    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, session_id: str, item: str, ts: float, detail: dict | None = None) -> None:
        self.database.insert("flags", {"session_id": session_id, "item": item, "ts": ts,
                                       "detail": json.dumps(detail or {}, ensure_ascii=False)})

    def for_session(self, session_id: str) -> list[FlagEvent]:
        rows = self.database.execute("select session_id, item, ts, detail from flags where session_id = ? "
                                     "order by id", [session_id]).fetchall()
        return [FlagEvent(r[0], r[1], r[2], r[3]) for r in rows]

    def last_id(self) -> int:
        """The id of the newest flag (0 when there is none): where a look for new ones starts."""
        return int(self.database.scalar("select coalesce(max(id), 0) from flags"))

    def new_in_running_sessions(self, after_id: int) -> list[tuple[int, str, str]]:
        """(id, session id, item) of flags after `after_id` in sessions still running, in order."""
        rows = self.database.execute(
            "select f.id, f.session_id, f.item from flags f join sessions s on s.id = f.session_id "
            "where f.id > ? and s.status = ? order by f.id", [after_id, SessionStatus.ACTIVE.value]).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def in_running_sessions(self) -> dict[str, tuple[str, float]]:
        """Per running session: its flagged items (comma-separated) and when the newest was ticked."""
        rows = self.database.execute(
            "select session_id, group_concat(item), max(ts) from flags where session_id in "
            "(select id from sessions where status = ?) group by session_id", [SessionStatus.ACTIVE.value])
        return {row[0]: (row[1], row[2]) for row in rows}

    # ---- referral scripts ------------------------------------------------------------------------
    def add_script(self, session_id: str, item: str, variant: str, text: str, now: float) -> int:
        """A script loaded into the composer; returns its id."""
        return self.database.insert("scripts", {"session_id": session_id, "item": item, "variant": variant,
                                                "text": text, "loaded_at": now, "sent_at": None, "message_id": None})

    def mark_script_sent(self, script_id: int, message: Message) -> None:
        """The script went out as `message` (perhaps edited: its text is what was sent)."""
        self.database.execute("update scripts set sent_at = ?, message_id = ?, text = ? where id = ?",
                              [message.ts, message.id, message.text, script_id])

    def script(self, script_id: int) -> dict | None:
        rows = self.database.rows("select * from scripts where id = ?", [script_id])
        return rows[0] if rows else None

    def scripts(self, session_id: str) -> list[dict]:
        return self.database.rows("select * from scripts where session_id = ? order by id", [session_id])
