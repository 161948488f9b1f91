"""What a session's pane shows beside its transcript, read from the store in one place: the channel's facts (end-to-end
encrypted or not, the client's province), what the client told the intake (topic and their answer to the screening
question) and the handover note with the red flags raised before it. A mixin of `Desk` (it uses `store` and
`handovers`); every text here was written by a client or a colleague and is cleaned, for the UI to show literally."""

from __future__ import annotations

from typing import TYPE_CHECKING

from curhat_tui.domain.models import Message, Sender
from curhat_tui.domain.provinces import known as known_province
from curhat_tui.domain.sanitize import clean
from curhat_tui.services.client_messages import burst_of
from curhat_tui.storage.sessions import ENCRYPTED, REGION

if TYPE_CHECKING:
    from curhat_tui.services.handover import Handovers
    from curhat_tui.storage.store import Store

UNANSWERED_LOOKBACK = 50  # client lines read back for risk since the counselor's last line


class SessionFacts:
    store: Store
    handovers: Handovers

    def channel_facts(self, session_id: str) -> tuple[bool | None, str]:
        """For the header, in one read: end-to-end encrypted (None: not applicable) and the province the client told
        the intake ("" if not told; a practice persona's region is not something a client said)."""
        state = self.store.sessions.channel_state(session_id)
        return state.get(ENCRYPTED) if isinstance(state.get(ENCRYPTED), bool) else None, known_province(state.get(REGION))

    def intake_said(self, session_id: str) -> tuple[str, str]:
        """What the client told the intake before the session: their topic and their answer to the screening question
        ("" each when not told, or when retention has removed the words)."""
        session = self.store.sessions.get(session_id)
        visit = self.store.visits.get(session.visit_id) if session is not None else None
        if visit is None:
            return "", ""
        return clean(visit.topic or "").strip(), clean(visit.intake_risk_answer or "").strip()

    def handover_flags(self, session_id: str) -> list[str]:
        """The red-flag items raised before this session was handed here (ids)."""
        return self.handovers.flags(session_id)

    def unanswered_risk(self, session_id: str) -> tuple[str, ...]:
        """The red-flag items the risk detector suggested in the client's lines since the counselor last wrote (ids,
        in order; empty when there are none): what ending the session now would leave unanswered."""
        items: list[str] = []
        for message in reversed(self.store.messages.for_session(session_id, limit=UNANSWERED_LOOKBACK)):
            if message.sender is Sender.COUNSELOR:
                break
            if message.sender is Sender.CLIENT and not message.redacted:
                items += [item for item in message.flags if item not in items]
        return tuple(items)

    def burst(self, message: Message) -> tuple[list[str], str, frozenset[str]]:
        """The texts a client message was read with for risk, its own last: the client's messages before it since the
        counselor last wrote, that message of the counselor's ('' when none) and what the client's messages before it
        were suggested for (`ClientMessages`)."""
        return burst_of(self.store, message)

    def handover(self, session_id: str) -> str:
        """The handover note this session came with (a transfer, or a client sent back to the queue); '' if none."""
        return clean(self.store.sessions.handover(session_id)).strip()
