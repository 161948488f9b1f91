"""Session notes: one per session on the client's template, versioned, with the fields every note needs.

The note form writes the fields the counselor edits; services add lines of their own
(a red flag's screening result, a transfer's reason) and tell NoteChanged, so the
form shows them without either writer overwriting the other.
"""

from __future__ import annotations

from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.models import Session, Visit
from curhat_tui.services.events import EventBus, NoteChanged
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.store import Store


class Notes:
    def __init__(self, store: Store, clock: Clock, data: ServiceData, bus: EventBus, audit: AuditLog, *,
                 counselor: str) -> None:
        self.store = store
        self.clock = clock
        self.data = data
        self.bus = bus
        self.audit = audit
        self.counselor = counselor

    def note(self, session_id: str) -> tuple[str, dict[str, str], int]:
        """(template id, fields, version) of a session's note; a fresh one if none yet."""
        note = self.store.notes.get(session_id)
        if note:
            return note["template"], note["fields"], note["version"]
        return self._fresh_template(self.store.sessions.get(session_id)), {}, 0

    def _fresh_template(self, session: Session | None) -> str:
        """The template a session's first note takes: the client's own, else the tier's default."""
        template = self.store.notes.client_template(session.client_key) if session else ""
        return template or self.data.templates.default_for(session.tier if session else "peer")

    def save(self, session_id: str, template: str, fields: dict[str, str]) -> int:
        """Save the fields given (others keep what is stored); the template is remembered for the client."""
        session = self.store.sessions.get(session_id)
        if session is None:
            raise KeyError(session_id)
        with self.store.transaction():  # read, merge and write as one: a service's line is never lost
            before = self.store.notes.get(session_id)
            merged = {**(before["fields"] if before else {}), **fields}
            version = self._store(session, template, merged, before)
            self.store.notes.set_client_template(session.client_key, template)
        return version

    def _store(self, session: Session, template: str, fields: dict[str, str], before: dict | None) -> int:
        """Save the note over `before` (as just read); the audit log gets one "change" per note version."""
        version = self.store.notes.save(session.id, session.client_key, template, fields, self.clock.now(),
                                        current=before)
        if before is None or before["version"] != version:
            self.audit.record(self.counselor, "change", f"note:{session.id}", {"version": version})
        return version

    def append_field(self, session: Session, key: str, line: str) -> None:
        """Add a line to one field of the note (a service's own record), and tell the form."""
        with self.store.transaction():
            before = self.store.notes.get(session.id)
            template = before["template"] if before else self._fresh_template(session)
            fields = dict(before["fields"]) if before else {}
            fields[key] = f"{fields.get(key, '').rstrip()}\n{line}".strip()
            self._store(session, template, fields, before)
        self.bus.tell(NoteChanged(session.id, (key,)))

    def remember_template(self, visit: Visit) -> None:
        """A client keeps the template their first note used."""
        template = self.store.notes.client_template(visit.client_key) or self.data.templates.default_for(visit.tier)
        self.store.notes.set_client_template(visit.client_key, template)

    def earlier_notes(self, session_id: str) -> list[tuple[Session, dict]]:
        """The client's notes from earlier sessions (reading them is recorded in the audit log)."""
        session = self.store.sessions.get(session_id)
        notes = self.store.notes.of_client(session.client_key, exclude_session=session_id) if session else []
        if session:
            self.audit.record(self.counselor, "view", f"session:{session_id}",
                              {"earlier_notes": [earlier.id for earlier, _ in notes]})
        return notes

    def missing_fields(self, session_id: str) -> list[str]:
        template, fields, _ = self.note(session_id)
        return [s.key for s in self.data.templates.missing(template, fields)]
