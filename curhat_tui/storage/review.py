"""Supervision records: note sign-off status, review events, whispers, live status, sessions from other machines.

A counselor's own store holds the review state of their notes; a supervisor's store
also holds sessions received from counselors on other machines (`import_snapshot`)
and the live status of their running sessions. Sign-off rules live in
`domain.review`; this module only keeps what happened, who did it and when.
"""

from __future__ import annotations

import json

from curhat_tui.domain.models import SessionStatus
from curhat_tui.domain.review import NoteStatus, ReviewAction, ReviewItem, advance
from curhat_tui.storage.database import Database, placeholders
from curhat_tui.storage.flags import Flags
from curhat_tui.storage.messages import Messages
from curhat_tui.storage.notes import Notes
from curhat_tui.storage.sessions import Sessions

SESSION_COLUMNS = ("id", "visit_id", "client_key", "alias", "tier", "minutes", "price", "counselor", "started_at",
                   "deadline", "status", "risk", "end_reason", "skip_reason", "ended_at", "lang")


def _is_time(value: object) -> bool:
    """A timestamp as another machine sent it: a number (never a bool), else it is ignored."""
    return isinstance(value, int | float) and not isinstance(value, bool)


class ReviewBook:
    def __init__(self, database: Database, sessions: Sessions, messages: Messages, flags: Flags,
                 notes: Notes) -> None:
        self.database = database
        self.sessions = sessions
        self.messages = messages
        self.flags = flags
        self.notes = notes

    # ---- sign-off flow --------------------------------------------------------
    def status(self, session_id: str) -> NoteStatus:
        value = self.database.scalar("select status from reviews where session_id = ?", [session_id])
        return NoteStatus(value) if value else NoteStatus.DRAFT

    def act(self, session_id: str, action: ReviewAction, author: str, role: str, text: str, ts: float,
            remote_id: str | None = None) -> NoteStatus | None:
        """Apply one step of the flow; None when `remote_id` was applied before (a replayed event)."""
        db = self.database
        if remote_id and db.one("select 1 from review_events where remote_id = ?", [remote_id]):
            return None
        after = advance(self.status(session_id), action, role)
        with db.transaction():
            db.execute("insert into review_events (session_id, action, author, text, ts, remote_id) "
                       "values (?, ?, ?, ?, ?, ?)", [session_id, str(action), author, text, ts, remote_id])
            db.execute("insert into reviews (session_id, status, updated_at, updated_by) values (?, ?, ?, ?) "
                       "on conflict(session_id) do update set status = excluded.status, "
                       "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                       [session_id, str(after), ts, author])
        return after

    def awaiting_count(self) -> int:
        """Notes submitted or commented on, not yet signed."""
        return int(self.database.scalar("select count(*) from reviews where status in (?, ?)",
                                        [NoteStatus.SUBMITTED.value, NoteStatus.COMMENTED.value]))

    def events(self, session_id: str) -> list[dict]:
        return self.database.rows("select * from review_events where session_id = ? order by id", [session_id])

    def last_event_id(self) -> int:
        return int(self.database.scalar("select coalesce(max(id), 0) from review_events"))

    def events_after(self, after_id: int) -> list[tuple[int, str, str, str]]:
        """(id, session id, action, author) of review events after `after_id`, in order."""
        rows = self.database.execute("select id, session_id, action, author from review_events where id > ? "
                                     "order by id", [after_id]).fetchall()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    # ---- whispers -------------------------------------------------------------
    def add_whisper(self, session_id: str, author: str, text: str, ts: float, remote_id: str | None = None) -> bool:
        """Keep a supervisor's coaching line; False when this remote event was kept before."""
        db = self.database
        if remote_id and db.one("select 1 from whispers where remote_id = ?", [remote_id]):
            return False
        db.execute("insert into whispers (session_id, author, text, ts, remote_id) values (?, ?, ?, ?, ?)",
                   [session_id, author, text, ts, remote_id])
        return True

    def whispers(self, session_id: str) -> list[dict]:
        return self.database.rows("select * from whispers where session_id = ? order by id", [session_id])

    def last_whisper_id(self) -> int:
        return int(self.database.scalar("select coalesce(max(id), 0) from whispers"))

    def whispers_after(self, after_id: int) -> list[tuple[int, str, str, str]]:
        """(id, session id, author, text) of whispers after `after_id`, in order."""
        rows = self.database.execute("select id, session_id, author, text from whispers where id > ? order by id",
                                     [after_id]).fetchall()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    # ---- the review list --------------------------------------------------------
    def items(self, practice: bool = False) -> list[ReviewItem]:
        """Every session past its end (wrap-up or closed), with its flags and sign-off status."""
        rows = self.database.execute(
            "select s.id, s.alias, s.counselor, coalesce(s.ended_at, s.started_at), s.risk, "
            "coalesce(r.status, 'draft'), (select group_concat(item) from flags f where f.session_id = s.id) "
            "from sessions s left join reviews r on r.session_id = s.id where s.status != ?",
            [SessionStatus.ACTIVE.value]).fetchall()
        return [ReviewItem(sid, alias, counselor, ended, NoteStatus(status),
                           tuple(f for f in dict.fromkeys((flags or "").split(",")) if f),
                           risk or 0, practice)
                for sid, alias, counselor, ended, risk, status, flags in rows]

    # ---- live status of other workstations (supervisor side) -------------------
    def set_live(self, session_id: str, info: dict, ts: float) -> None:
        row = {"session_id": session_id, "counselor": info.get("counselor", ""), "alias": info.get("alias", ""),
               "started_at": float(info.get("started_at", 0)), "deadline": float(info.get("deadline", 0)),
               "risk": int(info.get("risk", 0)), "status": info.get("status", "active"), "updated_at": ts}
        columns = ", ".join(row)
        updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != "session_id")
        self.database.execute(f"insert into live ({columns}) values ({placeholders(list(row))}) "
                              f"on conflict(session_id) do update set {updates}", list(row.values()))

    def set_alert(self, session_id: str, item_label: str, ts: float) -> None:
        self.database.execute("update live set alert = ?, alert_at = ? where session_id = ?",
                              [item_label, ts, session_id])

    def live(self) -> list[dict]:
        return self.database.rows("select * from live where status != ?", [SessionStatus.CLOSED.value])

    def live_session(self, session_id: str) -> tuple[str, str] | None:
        """(counselor, alias) of a session known from its live status."""
        row = self.database.one("select counselor, alias from live where session_id = ?", [session_id])
        return (row[0], row[1]) if row else None

    # ---- sessions from other machines (supervisor side) ------------------------
    def import_snapshot(self, snap: dict) -> str:
        """Store (or refresh) a session a counselor submitted for review; returns its id.

        The snapshot carries the session row, its messages, flags, scripts, extensions
        and note versions; importing the same snapshot twice changes nothing.
        """
        s = snap["session"]
        sid = s["id"]
        db = self.database
        with db.transaction():
            for table in ("messages", "message_marks", "flags", "scripts", "extensions", "note_versions", "notes",
                          "sessions"):
                key = "id" if table == "sessions" else "session_id"
                db.execute(f"delete from {table} where {key} = ?", [sid])
            db.insert("sessions", {**s, "notified": "[]", "channel_state": json.dumps({"imported": True})})
            for m in snap.get("messages", []):
                marks = {k: m[k] for k in ("edited_at", "redacted_at") if _is_time(m.get(k))}
                message_id = db.insert("messages", {
                    "session_id": sid, "sender": m["sender"], "text": "" if "redacted_at" in marks else m["text"],
                    "ts": m["ts"], "txn_id": f"{sid}:{m['id']}", "delivery": m.get("delivery", "sent"),
                    "flags": json.dumps(m.get("flags", []))})
                if marks:  # the client edited or deleted it before the session was submitted
                    db.insert("message_marks", {"message_id": message_id, "session_id": sid, **marks})
            for f in snap.get("flags", []):
                db.insert("flags", {"session_id": sid, "item": f["item"], "ts": f["ts"], "detail": f.get("detail", "")})
            for sc in snap.get("scripts", []):
                db.insert("scripts", {"session_id": sid, "item": sc["item"], "variant": sc["variant"],
                                      "text": sc["text"], "loaded_at": sc["loaded_at"], "sent_at": sc["sent_at"],
                                      "message_id": None})
            for e in snap.get("extensions", []):
                db.insert("extensions", {"session_id": sid, "minutes": e["minutes"], "reason": e["reason"],
                                         "ts": e["ts"]})
            versions = snap.get("note_versions", [])
            for v in versions:
                db.insert("note_versions", {"session_id": sid, "version": v["version"], "template": v["template"],
                                            "fields": json.dumps(v["fields"], ensure_ascii=False), "ts": v["ts"]})
            if versions:
                last = versions[-1]
                db.insert("notes", {"session_id": sid, "client_key": s["client_key"], "template": last["template"],
                                    "fields": json.dumps(last["fields"], ensure_ascii=False),
                                    "version": last["version"], "updated_at": last["ts"]})
        return sid

    def snapshot(self, session_id: str) -> dict:
        """Everything a supervisor needs to review one session, as plain JSON-able data."""
        (row,) = self.database.rows("select * from sessions where id = ?", [session_id])
        return {
            "session": {k: row[k] for k in SESSION_COLUMNS},
            "messages": [{"id": m.id, "sender": str(m.sender), "text": m.text, "ts": m.ts, "delivery": str(m.delivery),
                          "flags": list(m.flags), "edited_at": m.edited_at, "redacted_at": m.redacted_at}
                         for m in self.messages.for_session(session_id)],
            "flags": [{"item": f.item, "ts": f.ts, "detail": f.detail} for f in self.flags.for_session(session_id)],
            "scripts": [{k: sc[k] for k in ("item", "variant", "text", "loaded_at", "sent_at")}
                        for sc in self.flags.scripts(session_id)],
            "extensions": [{k: e[k] for k in ("minutes", "reason", "ts")}
                           for e in self.sessions.extensions(session_id)],
            "note_versions": [{k: v[k] for k in ("version", "template", "fields", "ts")}
                              for v in self.notes.versions(session_id)],
        }
