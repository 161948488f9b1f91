"""Supervision records in the store: note sign-off status, comments, whispers, live status, imports.

A counselor's own store holds the review state of their notes; a supervisor's store
also holds sessions received from counselors on other machines (`import_snapshot`)
and the live status of their running sessions. Sign-off rules live in
`domain.review`; this module only keeps what happened, who did it and when.
"""

from __future__ import annotations

import json

from curhat_tui.domain.models import SessionStatus
from curhat_tui.domain.review import NoteStatus, ReviewAction, ReviewItem, advance
from curhat_tui.storage.store import Store


class ReviewBook:
    def __init__(self, store: Store) -> None:
        self.store = store
        db = store.db
        names = set(db.table_names())
        if "reviews" not in names:
            db["reviews"].create({"session_id": str, "status": str, "updated_at": float, "updated_by": str},
                                 pk="session_id")
        if "review_events" not in names:
            db["review_events"].create({"id": int, "session_id": str, "action": str, "author": str, "text": str,
                                        "ts": float, "remote_id": str}, pk="id")
            db["review_events"].create_index(["session_id"])
            db["review_events"].create_index(["remote_id"], unique=True)
        if "whispers" not in names:
            db["whispers"].create({"id": int, "session_id": str, "author": str, "text": str, "ts": float,
                                   "remote_id": str}, pk="id")
            db["whispers"].create_index(["session_id"])
            db["whispers"].create_index(["remote_id"], unique=True)
        if "live" not in names:
            db["live"].create({"session_id": str, "counselor": str, "alias": str, "started_at": float,
                               "deadline": float, "risk": int, "status": str, "updated_at": float,
                               "alert": str, "alert_at": float}, pk="session_id")

    # ---- sign-off flow --------------------------------------------------------
    def status(self, session_id: str) -> NoteStatus:
        row = self.store.db.execute("select status from reviews where session_id = ?", [session_id]).fetchone()
        return NoteStatus(row[0]) if row else NoteStatus.DRAFT

    def act(self, session_id: str, action: ReviewAction, author: str, role: str, text: str, ts: float,
            remote_id: str | None = None) -> NoteStatus | None:
        """Apply one step of the flow; None when `remote_id` was applied before (a replayed event)."""
        conn = self.store.db.conn
        if remote_id and conn.execute("select 1 from review_events where remote_id = ?", [remote_id]).fetchone():
            return None
        after = advance(self.status(session_id), action, role)
        with self.store.transaction():
            conn.execute("insert into review_events (session_id, action, author, text, ts, remote_id) "
                         "values (?, ?, ?, ?, ?, ?)", [session_id, str(action), author, text, ts, remote_id])
            conn.execute("insert into reviews (session_id, status, updated_at, updated_by) values (?, ?, ?, ?) "
                         "on conflict(session_id) do update set status = excluded.status, "
                         "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                         [session_id, str(after), ts, author])
        return after

    def awaiting_count(self) -> int:
        """Notes submitted or commented on, not yet signed."""
        return self.store.db.execute("select count(*) from reviews where status in (?, ?)",
                                     [NoteStatus.SUBMITTED.value, NoteStatus.COMMENTED.value]).fetchone()[0]

    def events(self, session_id: str) -> list[dict]:
        return list(self.store.db["review_events"].rows_where("session_id = ?", [session_id], order_by="id"))

    # ---- whispers -------------------------------------------------------------
    def add_whisper(self, session_id: str, author: str, text: str, ts: float, remote_id: str | None = None) -> bool:
        """Keep a supervisor's coaching line; False when this remote event was kept before."""
        conn = self.store.db.conn
        if remote_id and conn.execute("select 1 from whispers where remote_id = ?", [remote_id]).fetchone():
            return False
        conn.execute("insert into whispers (session_id, author, text, ts, remote_id) values (?, ?, ?, ?, ?)",
                     [session_id, author, text, ts, remote_id])
        return True

    def whispers(self, session_id: str) -> list[dict]:
        return list(self.store.db["whispers"].rows_where("session_id = ?", [session_id], order_by="id"))

    # ---- the review list --------------------------------------------------------
    def items(self, practice: bool = False) -> list[ReviewItem]:
        """Every session past its end (wrap-up or closed), with its flags and sign-off status."""
        rows = self.store.db.execute(
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
        self.store.db["live"].upsert(row, pk="session_id", alter=False)

    def set_alert(self, session_id: str, item_label: str, ts: float) -> None:
        self.store.db.execute("update live set alert = ?, alert_at = ? where session_id = ?",
                              [item_label, ts, session_id])

    def live(self) -> list[dict]:
        return list(self.store.db["live"].rows_where("status != ?", [SessionStatus.CLOSED.value]))

    # ---- sessions from other machines (supervisor side) ------------------------
    def import_snapshot(self, snap: dict) -> str:
        """Store (or refresh) a session a counselor submitted for review; returns its id.

        The snapshot carries the session row, its messages, flags, scripts, extensions
        and note versions; importing the same snapshot twice changes nothing.
        """
        s = snap["session"]
        sid = s["id"]
        db = self.store.db
        conn = db.conn
        with self.store.transaction():
            for table in ("messages", "flags", "scripts", "extensions", "note_versions", "notes", "sessions"):
                key = "id" if table == "sessions" else "session_id"
                conn.execute(f"delete from {table} where {key} = ?", [sid])
            db["sessions"].insert({**s, "notified": "[]", "channel_state": json.dumps({"imported": True})})
            for m in snap.get("messages", []):
                db["messages"].insert({"session_id": sid, "sender": m["sender"], "text": m["text"], "ts": m["ts"],
                                       "txn_id": f"{sid}:{m['id']}", "delivery": m.get("delivery", "sent"),
                                       "flags": json.dumps(m.get("flags", []))})
            for f in snap.get("flags", []):
                db["flags"].insert({"session_id": sid, "item": f["item"], "ts": f["ts"], "detail": f.get("detail", "")})
            for sc in snap.get("scripts", []):
                db["scripts"].insert({"session_id": sid, "item": sc["item"], "variant": sc["variant"],
                                      "text": sc["text"], "loaded_at": sc["loaded_at"], "sent_at": sc["sent_at"],
                                      "message_id": None})
            for e in snap.get("extensions", []):
                db["extensions"].insert({"session_id": sid, "minutes": e["minutes"], "reason": e["reason"],
                                         "ts": e["ts"]})
            versions = snap.get("note_versions", [])
            for v in versions:
                db["note_versions"].insert({"session_id": sid, "version": v["version"], "template": v["template"],
                                            "fields": json.dumps(v["fields"], ensure_ascii=False), "ts": v["ts"]})
            if versions:
                last = versions[-1]
                db["notes"].insert({"session_id": sid, "client_key": s["client_key"], "template": last["template"],
                                    "fields": json.dumps(last["fields"], ensure_ascii=False),
                                    "version": last["version"], "updated_at": last["ts"]})
        return sid

    def snapshot(self, session_id: str) -> dict:
        """Everything a supervisor needs to review one session, as plain JSON-able data."""
        db = self.store.db
        (row,) = list(db["sessions"].rows_where("id = ?", [session_id]))
        session = {k: row[k] for k in ("id", "visit_id", "client_key", "alias", "tier", "minutes", "price",
                                       "counselor", "started_at", "deadline", "status", "risk", "end_reason",
                                       "skip_reason", "ended_at", "lang")}
        return {
            "session": session,
            "messages": [{"id": m.id, "sender": str(m.sender), "text": m.text, "ts": m.ts, "delivery": str(m.delivery),
                          "flags": list(m.flags)} for m in self.store.messages(session_id)],
            "flags": [{"item": f.item, "ts": f.ts, "detail": f.detail} for f in self.store.flags(session_id)],
            "scripts": [{k: sc[k] for k in ("item", "variant", "text", "loaded_at", "sent_at")}
                        for sc in self.store.scripts(session_id)],
            "extensions": [{k: e[k] for k in ("minutes", "reason", "ts")} for e in self.store.extensions(session_id)],
            "note_versions": [{k: v[k] for k in ("version", "template", "fields", "ts")}
                              for v in self.store.note_versions(session_id)],
        }
