"""Sessions that come and go on the service's word: one handed to this counselor by a colleague (opened
with its handover note, the red flags raised before and its real deadline), or one taken away (handed on,
the client gone, closed), which goes to wrap-up here with what was still unsent told."""

from __future__ import annotations

from typing import TYPE_CHECKING

from curhat_tui.channels.base import SessionAssigned
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Risk, SessionStatus
from curhat_tui.domain.sanitize import shown_safely
from curhat_tui.services.events import Notice, QueueChanged, SessionChanged, SessionOpened
from curhat_tui.storage.sessions import HANDOVER_FLAGS

if TYPE_CHECKING:
    from curhat_tui.services.desk import Desk


class Handovers:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def flags(self, session_id: str) -> list[str]:
        """The red-flag items raised before the session was handed here, as known item ids (others dropped)."""
        carried = self.desk.store.sessions.channel_state(session_id).get(HANDOVER_FLAGS)
        known = self.desk.data.redflags
        return [f for f in carried if isinstance(f, str) and _known(known, f)] if isinstance(carried, list) else []

    def assigned(self, event: SessionAssigned) -> None:
        """A session handed to us by transfer: stored and opened like an accepted one, at the risk its flags
        carry."""
        desk = self.desk
        visit = shown_safely(event.visit)
        if desk.store.visits.get(visit.id) is None:
            desk.store.visits.add(visit)
        now = desk.clock.now()
        session = desk.new_session(visit, event.started_at or now, event.deadline or now + visit.minutes * 60)
        desk.opened(session, event.channel_state, "transfer")
        risk = max([session.risk, *(desk.data.redflags.get(f).risk for f in self.flags(session.id))], key=int)
        if risk > session.risk:
            session.risk = Risk(risk)
            desk.store.sessions.update(session.id, risk=session.risk)
        desk.bus.tell(QueueChanged())
        desk.bus.tell(SessionOpened(session, focus=False))  # never under the counselor's typing: the tab tells it
        desk.channel.opened(session)
        note = desk.handover(session.id)
        if note:
            desk.bus.tell(Notice("notice.handover", {"alias": session.alias, "note": note}, "warning", session.id))

    def gone(self, session_id: str, reason: str) -> None:
        """The service took the session away (handed on, the client left, closed): wrap-up here, told."""
        desk = self.desk
        session = desk.store.sessions.get(session_id)
        if session is None or session.status is not SessionStatus.ACTIVE:
            return
        desk.to_wrapup(session)
        t = Catalogue(desk.data.strings, session.lang)
        desk.notes.append_field(session, "end_reason", t(f"notice.gone_{reason}", alias=session.alias))
        desk.outbox.give_up(session_id, session.alias)
        desk.bus.tell(SessionChanged(session))
        desk.bus.tell(Notice(f"notice.gone_{reason}", {"alias": session.alias}, "warning", session_id))


def _known(book, item_id: str) -> bool:  # noqa: ANN001 - a RedFlagBook
    try:
        book.get(item_id)
    except KeyError:
        return False
    return True
