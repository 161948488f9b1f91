"""Voice or video hand-off: the client gets a link to a call room of their own, through the normal outbox.

The room's name is an unguessable token made once per session and kept in the session's channel
state, so the link stays the same however often it is sent (and after a restart). Sending it is
recorded twice: an audit entry, and a line in the note's referral field."""

from __future__ import annotations

import secrets

from curhat_tui.config.datafiles import ServiceData
from curhat_tui.config.settings import DEFAULT_CALL_LINK
from curhat_tui.domain.clock import Clock, clock_time
from curhat_tui.domain.i18n import LANGS, Catalogue
from curhat_tui.domain.models import Message, SessionStatus
from curhat_tui.services.desk import Desk
from curhat_tui.services.notes import Notes
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.store import Store

CALL_TOKEN = "call_token"  # channel_state: the session's call room token (not client words: kept with the session)
NOTE_FIELD = "referral"  # the note field that records the hand-off


class Calls:
    def __init__(self, store: Store, desk: Desk, notes: Notes, audit: AuditLog, clock: Clock, data: ServiceData, *,
                 counselor: str, template: str = DEFAULT_CALL_LINK) -> None:
        self.store = store
        self.desk = desk
        self.notes = notes
        self.audit = audit
        self.clock = clock
        self.data = data
        self.counselor = counselor
        self.template = template  # [service] call_link: an https address with {session}

    def link(self, session_id: str) -> str:
        """The session's call link; its token is made on first use and kept for the session. KeyError if unknown."""
        if self.store.sessions.get(session_id) is None:
            raise KeyError(session_id)
        with self.store.transaction():
            state = self.store.sessions.channel_state(session_id)
            token = state.get(CALL_TOKEN)
            if not isinstance(token, str) or not token:
                token = secrets.token_urlsafe(16)
                self.store.sessions.update(session_id, channel_state={**state, CALL_TOKEN: token})
        return self.template.replace("{session}", token)

    def message(self, session_id: str) -> str:
        """What the client will read, in the session's language."""
        session = self.store.sessions.get(session_id)
        lang = session.lang if session and session.lang in LANGS else "id"
        return Catalogue(self.data.strings, lang)("call.message", link=self.link(session_id))

    async def send(self, session_id: str) -> Message | None:
        """Send the link (outbox first, then the channel), then record it in the audit log and the note.

        None when the session is not active. Raises ConsentWithdrawn as `Desk.send` does (nothing sent)."""
        session = self.store.sessions.get(session_id)
        if session is None or session.status is not SessionStatus.ACTIVE:
            return None
        text = self.message(session_id)
        message = self.desk.queue_message(session_id, text)
        if message is None:
            return None
        self.audit.record(self.counselor, "call_link", f"session:{session_id}", {"message": message.id})
        t = Catalogue(self.data.strings, session.lang if session.lang in LANGS else "id")
        line = t("call.note", time=clock_time(self.clock, self.clock.now()), link=self.link(session_id))
        self.notes.append_field(session, NOTE_FIELD, line)
        await self.desk.deliver(message)
        return message
