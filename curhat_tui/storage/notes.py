"""Session notes (table `notes`), every saved version (table `note_versions`), and each client's template."""

from __future__ import annotations

import json

from curhat_tui.domain.models import Session
from curhat_tui.storage.database import Database
from curhat_tui.storage.sessions import Sessions

VERSION_WINDOW = 60.0  # seconds: saves closer together than this update the same version


_UNREAD = object()  # `current` not given: save reads it


class Notes:
    def __init__(self, database: Database, sessions: Sessions) -> None:
        self.database = database
        self.sessions = sessions

    def get(self, session_id: str) -> dict | None:
        """The note as a row, its `fields` decoded; None when the session has none."""
        rows = self.database.rows("select * from notes where session_id = ?", [session_id])
        if not rows:
            return None
        row = rows[0]
        row["fields"] = json.loads(row["fields"])
        return row

    def save(self, session_id: str, client_key: str, template: str, fields: dict[str, str], now: float, *,
             current: dict | None | object = _UNREAD) -> int:
        """Save the note; a new version is kept unless the last one is under a minute old. Returns the version.

        `current` is the stored note when the caller has just read it (None: no note yet)."""
        if current is _UNREAD:
            current = self.get(session_id)
        assert current is None or isinstance(current, dict)
        body = json.dumps(fields, ensure_ascii=False)
        db = self.database
        with db.transaction():
            if current is None:
                version = 1
                db.insert("notes", {"session_id": session_id, "client_key": client_key, "template": template,
                                    "fields": body, "version": 1, "updated_at": now})
            else:
                last = db.one("select id, ts from note_versions where session_id = ? order by version desc limit 1",
                              [session_id])
                version = current["version"]
                if last is None or now - last[1] >= VERSION_WINDOW or template != current["template"]:
                    version += 1
                db.execute("update notes set template = ?, fields = ?, version = ?, updated_at = ? "
                           "where session_id = ?", [template, body, version, now, session_id])
            existing = db.one("select id from note_versions where session_id = ? and version = ?",
                              [session_id, version])
            if existing:
                db.execute("update note_versions set fields = ?, template = ?, ts = ? where id = ?",
                           [body, template, now, existing[0]])
            else:
                db.insert("note_versions", {"session_id": session_id, "version": version, "template": template,
                                            "fields": body, "ts": now})
        return version

    def versions(self, session_id: str) -> list[dict]:
        """Every saved version, oldest first, `fields` decoded."""
        rows = self.database.rows("select * from note_versions where session_id = ? order by version", [session_id])
        for row in rows:
            row["fields"] = json.loads(row["fields"])
        return rows

    def of_client(self, client_key: str, exclude_session: str | None = None) -> list[tuple[Session, dict]]:
        """Earlier notes of a client, oldest first, with their sessions."""
        result = []
        for session in self.sessions.of_client(client_key):
            if session.id == exclude_session:
                continue
            note = self.get(session.id)
            if note:
                result.append((session, note))
        return result

    # ---- the template a client's notes are written in -------------------------------------------
    def client_template(self, client_key: str) -> str:
        """The note template last chosen for this client ("" when none was)."""
        value = self.database.scalar("select template from clients where key = ?", [client_key])
        return str(value) if value else ""

    def set_client_template(self, client_key: str, template: str) -> None:
        self.database.execute("update clients set template = ? where key = ?", [template, client_key])
