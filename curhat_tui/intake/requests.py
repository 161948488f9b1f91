"""What counselors ask of the intake in the queue room: claims, handovers, ends and a client's deletion request,
each believed only from the right counselor (DESIGN 4b). A mixin of IntakeService (service.py), which holds the
queue, the client rooms and the writing of entries."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.channels.matrix.protocol import CLAIM, END, FORGET, HANDOVER, TAKEN, WAITING, content_of, obj, text_of
from curhat_tui.channels.matrix.staff import owned_name
from curhat_tui.domain import intake as flow
from curhat_tui.intake.admission import may_forget
from curhat_tui.intake.queueing import TAKEN_FIELDS
from curhat_tui.intake.server_purge import now_ms
from curhat_tui.intake.staff_rooms import Roster, closed_entry
from curhat_tui.intake.successors import rooms_of, successors

log = logging.getLogger("curhat.intake")
NAME_CHARS, NOTE_CHARS = 60, 4000  # the longest counselor name and handover note taken from a request
LATE_MS = 15_000  # a client's line with risk this close before their session's end (likely unread) requeues them


class StaffRequests:
    if TYPE_CHECKING:  # provided by IntakeService
        api: Any
        crypto: Any
        purge: Any
        roster: Roster
        queue: dict[str, dict]
        clients: dict[str, dict]
        queue_room: str
        supervisors_room: str
        taken_up: set[str]

        async def _entry(self, room_id: str, entry: dict) -> None: ...
        async def _reply(self, room_id: str, keys: Any) -> None: ...
        def _forget_later(self, room_id: str, *, now: bool = False, known: dict | None = None) -> None: ...
        async def _invite_quietly(self, room_id: str, user: str) -> None: ...
        def _keep(self, room_id: str, state: flow.IntakeState) -> None: ...
        def _save(self) -> None: ...
        async def _back_in_danger(self, room_id: str, sent_ms: object) -> bool: ...

    async def _staff_request(self, event: dict) -> None:
        """A claim, handover or end from the queue room's timeline, believed only from the right counselor."""
        kind, sender = event.get("type"), event.get("sender")
        if kind not in (CLAIM, HANDOVER, END, FORGET):
            return
        content = content_of(event)
        room_id = content.get("room_id")
        if sender not in self.roster.counselors:
            log.warning("dropped a %s from an account not on the counselors' roster", kind)
            return
        if kind == FORGET and isinstance(room_id, str) and room_id.startswith("!"):
            if not may_forget(room_id, sender, self.clients, self.queue, (self.queue_room, self.supervisors_room),
                              self.purge.due if self.purge else {}, self.purge.served if self.purge else {}):
                log.warning("dropped a deletion request for a room that is not a finished client room the sender served")
                return
            self._forget_later(room_id, now=True)  # a client's deletion request: their room goes now
            log.info("a client's deletion request: their room is deleted")
            return
        if not isinstance(room_id, str) or room_id not in self.queue:
            return
        entry = self.queue[room_id]
        if kind == CLAIM:
            if entry.get("status") == TAKEN and entry.get("taken_by") == sender:  # read again after a stop
                self._served_by(room_id, sender)
            if entry.get("status") == WAITING:  # someone was first otherwise; they already see it taken
                start = now_ms()
                await self._assign(room_id, dict(entry, started_at=start,
                                                 deadline=start + int(entry.get("minutes") or 30) * 60_000),
                                   sender, owned_name(text_of(content.get("name"), NAME_CHARS), sender))
            return
        if entry.get("status") != TAKEN or entry.get("taken_by") != sender:
            log.warning("dropped a %s for a session that is not the sender's", kind)
            return
        if kind == END:
            await self._session_over(room_id, entry)
            return
        note, to = text_of(content.get("note"), NOTE_CHARS), content.get("to")
        flags = content.get("flags")
        flags = flags if isinstance(flags, list) else []
        entry = dict(entry, flags=sorted({f for f in flags if isinstance(f, str) and 0 < len(f) <= 64})[:30])
        devices = content.get("devices")  # marks of the client's devices the counselor's lines reached (members.py)
        if isinstance(devices, list):
            entry["devices"] = sorted({d for d in devices if isinstance(d, str) and 0 < len(d) <= 64})[:64]
        if to and to in self.roster.counselors and to != sender:
            await self._assign(room_id, dict(entry, handover=note), to,
                               owned_name(text_of(content.get("to_name"), NAME_CHARS), to))
        else:  # back to the queue, with the note for whoever takes the client next
            back = {k: v for k, v in entry.items() if k not in TAKEN_FIELDS}
            await self._entry(room_id, dict(back, status=WAITING, handover=note, arrived_at=now_ms()))
            await self._reply(room_id, ["intake.returned"])
        for room in rooms_of(room_id, self.clients.get(room_id)):  # and from where the client moved to
            try:
                await self.api.kick(room, sender, "handover")
            except MatrixError as exc:  # a client's room may not give us that power; the workstation leaves itself
                log.info("could not remove the previous counselor: %s", exc.errcode)

    async def _session_over(self, room_id: str, entry: dict) -> None:
        """The counselor ended the session, or the client took them out of the room (service.py): the entry is
        closed, the room goes at retention, and a client who writes again later starts a new intake."""
        await self._entry(room_id, closed_entry(entry, "closed", now_ms()))
        self._forget_later(room_id)
        if room_id in self.clients:  # a client who writes again later starts a new intake
            known = self.clients[room_id]
            ended = obj(known.get("intake"))  # the package they had, should they be back in danger
            known["last"] = {k: ended[k] for k in ("tier", "minutes", "consent_ts") if k in ended}
            self._keep(room_id, flow.IntakeState())
            # a line with risk in the last seconds, that the counselor did not answer, may not have been read
            answered = int(known.pop("answered_at", 0) or 0)  # (relay.note_answered): it is not left alone
            late = [line for line in known.get("said") or []
                    if line[3] and line[1] >= now_ms() - LATE_MS and line[1] > answered]
            known["said"] = late
            known.pop("said_risk", None) if not late else None
            self._save()
            if late:
                await self._back_in_danger(room_id, now_ms())

    def _served_by(self, room_id: str, counselor: str) -> None:
        """Who served this client, the only ones whose deletion request is believed (admission.may_forget): saved
        at once, before any await, so a crash after the claim cannot leave the room to anyone's request."""
        if room_id in self.clients:
            served = self.clients[room_id].setdefault("served", [])
            if counselor not in served:
                served.append(counselor)
                self._save()

    async def _assign(self, room_id: str, entry: dict, counselor: str, name: str) -> None:
        names = dict(obj(entry.get("names")), **{counselor: name})
        self._served_by(room_id, counselor)
        taken = dict(entry, status=TAKEN, taken_by=counselor, taken_by_name=name, taken_at=now_ms(), names=names)
        self.taken_up.discard(room_id)  # the new counselor is to come in (queueing.py _not_taken_up)
        self.queue[room_id] = taken  # decided before any await: a second claim now loses
        try:  # invited before the entry says so, so the counselor's join never races the invitation
            await self.api.invite(room_id, counselor)
        except MatrixError as exc:
            if exc.errcode != "M_FORBIDDEN" or "already in the room" not in str(exc):
                log.warning("could not invite the counselor into %s: %s", room_id, exc.errcode)
        for room in successors(self.clients.get(room_id)):  # the room the client moved to (successors.py)
            await self._invite_quietly(room, counselor)
        await self._entry(room_id, taken)
        try:  # so that what the client wrote before the counselor came can be read by them
            await self.crypto.forward_room_keys(room_id, counselor) if self.crypto else None
        except Exception as exc:  # noqa: BLE001 - nio's errors vary; the counselor then sees placeholders
            log.warning("could not forward the room keys to the counselor: %s", type(exc).__name__)
