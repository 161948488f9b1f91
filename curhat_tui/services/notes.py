"""Session notes: one per session on the client's template, versioned, with the fields every note needs.

The note form writes the fields the counselor edits; services add lines of their own
(a red flag's screening result, a transfer's reason) and tell NoteChanged, so the
form shows them without either writer overwriting the other.
"""

from __future__ import annotations

import logging

from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.models import Session, Visit
from curhat_tui.services.events import EventBus, NoteChanged
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.notes")


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
            self.store.state.drop_note_draft(session_id)
        return version

    def keep_typing(self, session_id: str, template: str, fields: dict[str, str]) -> None:
        """What the counselor typed into a note and has not saved yet, kept at once (no version, no event): a
        crash between a keystroke and the next autosave loses nothing; `recover` saves it at the next start."""
        self.store.state.set_note_draft(session_id, template, fields)

    def recover(self) -> list[str]:
        """Save the note typing a crash left unsaved (as the next version of each note); the sessions' ids."""
        recovered = []
        for session_id, template, fields in self.store.state.note_drafts():
            if self.store.sessions.get(session_id) is None:
                self.store.state.drop_note_draft(session_id)
                continue
            try:
                self.save(session_id, template, fields)
                recovered.append(session_id)
            except Exception as exc:  # noqa: BLE001 - the draft stays for the next start; the app still opens
                log.warning("could not recover a note's unsaved typing: %s", type(exc).__name__)
        return recovered

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
