"""A session's ends, handovers, deletions and alerts: requests to the intake in the queue room, always about the
session's first room (the queue entry's key), wherever the client has moved it since (upgrade.py); and the end of a
session whose client removed the counselor from their room. A mixin of MatrixChannel (channel.py)."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

import httpx

from curhat_tui.channels.base import SessionGone
from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.channels.matrix.members import device_mark
from curhat_tui.channels.matrix.protocol import (
    ALERT,
    END,
    FORGET,
    HANDOVER,
    SEEN,
    content_of,
    events_in,
    section,
)
from curhat_tui.channels.matrix.upgrade import HASH_ROOM
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Message, Session
from curhat_tui.storage.sessions import HANDOVER_FLAGS as FLAGS
from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.matrix")


def counselor_line(store: Store, session_id: str, message: Message) -> dict:
    """A counselor's line as it goes into the client's room: with the server time of the newest client line the
    workstation had before it was written (SEEN), which the intake takes as read (intake/relay.note_answered)."""
    content: dict = {"msgtype": "m.text", "body": message.text}
    seen = store.messages.client_seen_before(session_id, message.id)
    if seen is not None:
        content[SEEN] = round(seen * 1000)  # the server time in ms it was stored from
    return content

class SessionRequests:
    if TYPE_CHECKING:  # provided by MatrixChannel
        api: Any
        store: Any
        staff: Any
        strings: dict
        clock: Any
        counselor_name: str
        room_to_session: dict[str, str]
        emit: Any

        def _room(self, session: Session) -> str: ...
        async def _send(self, room: str, event_type: str, content: dict, txn: str, may_read: Any = None) -> bool: ...
        async def _leave(self, room_id: str) -> None: ...

    def _first_room(self, session: Session) -> str:
        """The room the session began in: the queue entry's key, whichever room the client talks in now."""
        first = self.store.sessions.channel_state(session.id).get(HASH_ROOM)
        return first if isinstance(first, str) and first else self._room(session)

    async def _leave_all(self, session: Session, room: str) -> None:
        await self._leave(room)
        if (first := self._first_room(session)) != room:
            await self._leave(first)

    def _both(self, key: str) -> str:
        return f"{Catalogue(self.strings, 'id')(key)}\n\n{Catalogue(self.strings, 'en')(key)}"

    async def end(self, session: Session) -> None:
        room = self._room(session)
        self.room_to_session.pop(room, None)
        await self._send(room, "m.room.message", {"msgtype": "m.text", "body": self._both("intake.closing")},
                         f"close-{session.id}")
        await self._tell_ended(session)
        await self._leave_all(session, room)

    async def _tell_ended(self, session: Session) -> None:
        """The intake hears that the session is over (the transaction id makes a second telling a no-op)."""
        await self.api.send(self.staff.queue_room, END, {"room_id": self._first_room(session)}, f"end-{session.id}")

    async def transfer(self, session: Session, handover: str, to: str = "") -> None:
        room = self._room(session)
        self.room_to_session.pop(room, None)
        carried = self.store.sessions.channel_state(session.id).get(FLAGS) or []
        flags = sorted({f.item for f in self.store.flags.for_session(session.id)} | set(carried))
        request = {"room_id": self._first_room(session), "note": handover, "to": to, "flags": flags}
        if (devices := self.store.sessions.client_devices(session.id)) is not None:  # the next counselor compares
            salt = self.store.sessions.client_hash(session.id)
            request["devices"] = sorted(device_mark(salt, device) for device in devices)[:64]
        await self._send(self.staff.queue_room, HANDOVER, request, f"handover-{session.id}")
        await self._leave_all(session, room)

    async def forget(self, client_key: str) -> None:  # a client's deletion request: the intake deletes their room
        if client_key.startswith("!"):  # a Matrix client's key is their (first) room id
            await self.api.send(self.staff.queue_room, FORGET, {"room_id": client_key}, f"forget-{client_key}")

    async def alert(self, session: Session, item_label: str, risk: str) -> None:
        if not self.staff.supervisors_room:
            return
        body = f"⚠ {session.alias}: {item_label} ({risk}) — {self.counselor_name}"
        await self.api.send(self.staff.supervisors_room, "m.room.message", {
            "msgtype": "m.notice", "body": body,
            ALERT: {"room_id": self._first_room(session), "item": item_label, "risk": risk,
                    "counselor": self.api.user_id, "session": session.id},
        }, f"alert-{session.id}-{int(self.clock.now() * 1000)}")

    async def removed_from(self, rooms: dict) -> None:
        """A client may take the counselor out of their room (a kick, a ban: the room is theirs). The session is over
        here: wrap-up, told, its pending lines marked unsent (SessionGone "removed"); and the intake is told it
        ended, so the client who writes again later starts a new intake instead of being sent back to a room no
        counselor is in. Leaving by ourselves, or being taken out by the intake (a handover: the queue entry says
        so), is not this."""
        for room_id, left in section(rooms, "leave").items():
            session_id = self.room_to_session.get(room_id)
            if not session_id:
                continue
            by = [event.get("sender") for event in events_in(left, "state", "timeline")
                  if event.get("type") == "m.room.member" and event.get("state_key") == self.api.user_id
                  and content_of(event).get("membership") in ("leave", "ban")]
            if not by or by[-1] in (self.api.user_id, self.staff.intake):
                continue
            self.room_to_session.pop(room_id, None)
            log.warning("taken out of a client's room by someone other than the intake: the session ends here")
            self.emit(SessionGone(session_id, "removed"))
            session = self.store.sessions.get(session_id)
            if session is not None:
                with contextlib.suppress(MatrixError, httpx.HTTPError):
                    await self._tell_ended(session)
