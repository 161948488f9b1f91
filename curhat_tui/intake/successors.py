"""A client's room replaced by a new one (a room upgrade: Element's /upgraderoom) at the intake, while waiting or
during a session.

Synapse's `/upgrade` creates the new room as the client, says in its `m.room.create` which room it replaces
(`predecessor`), and invites no one; the client's app invites the old room's members, the intake among them. An
invitation whose stripped create event names, as its predecessor, a room where the same account is the client and
something is going on (intake questions, a wait, a session) is no new client: the intake joins it, checks it as it
checks a first room (no one may join uninvited, no one but the client and staff in it: admission.py), and from then
on reads the client there and answers there, for the same place in the queue (the queue entry keeps the first room
as its key). The counselor who has, or later gets, the client is invited there too; their workstation follows the
tombstone and checks the room itself (channels/matrix/upgrade.py). The new room is deleted with the first when the
retention says so (server_purge.py). A room that fails the checks is told why and left; the client stays where they
were. A mixin of IntakeService (service.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import httpx

from curhat_tui.channels.matrix.api import MatrixError, _q
from curhat_tui.channels.matrix.protocol import LEFT, TAKEN, WAITING, content_of, events_in, obj
from curhat_tui.intake.admission import is_live, open_to_anyone
from curhat_tui.intake.server_purge import now_ms
from curhat_tui.intake.staff_rooms import closed_entry

log = logging.getLogger("curhat.intake")
MAX_SUCCESSORS = 8  # rooms one client's stay may move through


def predecessor(invite: dict, client: str, clients: dict[str, dict], queue: dict[str, dict]) -> str:
    """The client room under way that this invitation's room replaces ('' when none): the room's creator, the
    inviter and that room's client are the same account."""
    for event in events_in(invite, "invite_state"):
        if event.get("type") != "m.room.create" or event.get("state_key") != "" or event.get("sender") != client:
            continue
        old = obj(content_of(event).get("predecessor")).get("room_id")
        if isinstance(old, str) and obj(clients.get(old)).get("client") == client and is_live(old, clients, queue):
            return old
    return ""


def successors(known: object) -> list[str]:
    return [r for r in obj(known).get("successors") or [] if isinstance(r, str)]


def rooms_of(first: str, known: object) -> list[str]:
    """A client's rooms: their first (`first`, whose record is `known`) and the rooms they moved to."""
    return [first, *successors(known)]


class MovedRooms:
    if TYPE_CHECKING:  # provided by IntakeService
        api: Any
        roster: Any
        purge: Any
        clients: dict[str, dict]
        queue: dict[str, dict]
        newest: dict[str, dict]
        last_reply: dict[str, float]
        waiting_said: dict[str, list[tuple[object, str]]]

        async def _entry(self, room_id: str, entry: dict) -> None: ...
        async def _reply(self, room_id: str, keys: Any) -> None: ...
        def _save(self) -> None: ...

    def _first_of(self, room_id: str) -> str:
        """The first room of the client who moved to `room_id` ('' when no client did)."""
        return next((first for first, known in self.clients.items() if room_id in successors(known)), "")

    def _talk_room(self, room_id: str) -> str:
        """Where the client of this (first) room talks now: the newest room they moved to, or that room."""
        return (successors(self.clients.get(room_id)) or [room_id])[-1]

    async def _moved_here(self, room_id: str, invite: dict, client: str) -> bool:
        """An invitation from a client to the room they replaced theirs with: joined, checked and followed (or
        refused). False when it is no such room (then it is a new client's)."""
        old = predecessor(invite, client, self.clients, self.queue)
        if not old:
            return False
        try:
            await self.api.join(room_id)
            refused = await open_to_anyone(self.api, room_id) or await self._others_in(room_id, client)
        except (MatrixError, httpx.HTTPError, OSError) as exc:
            log.warning("could not join a client's new room (%s)", type(exc).__name__)
            return True
        rooms = successors(self.clients[old])
        if refused or len(rooms) >= MAX_SUCCESSORS:
            log.warning("refused a client's new room: anyone may join it, someone else is in it, or too many moves")
            try:
                await self._reply(room_id, ["intake.open_room"])
                await self.api.leave(room_id)
            except MatrixError as exc:
                log.info("refusing a room: %s", exc.errcode)
            return True
        self.clients[old]["successors"] = [*rooms, room_id]
        self._save()
        log.info("a client moved to a new room; they are served there")
        entry = self.queue.get(old) or {}
        if entry.get("status") == TAKEN and isinstance(entry.get("taken_by"), str):
            await self._invite_quietly(room_id, entry["taken_by"])  # their counselor follows (upgrade.py)
        return True

    async def _others_in(self, room_id: str, client: str) -> int:
        joined = obj((await self.api.request("GET", f"/rooms/{_q(room_id)}/joined_members")).get("joined"))
        staff = {self.api.user_id, client, *self.roster.counselors, *self.roster.supervisors}
        return len([user for user in joined if user not in staff])

    async def _invite_quietly(self, room_id: str, user: str) -> None:
        try:
            await self.api.invite(room_id, user)
        except MatrixError as exc:
            if exc.errcode != "M_FORBIDDEN" or "already in the room" not in str(exc):
                log.warning("could not invite the counselor into a client's new room: %s", exc.errcode)

    def _forget_later(self, room_id: str, *, now: bool = False, known: dict | None = None) -> None:
        if self.purge:  # with the rooms the client moved to, and who served the client (admission.may_forget)
            known = known if known is not None else self.clients.get(room_id)
            for room in rooms_of(room_id, known):
                self.purge.schedule(room, now_ms(), now=now, served=obj(known).get("served"))

    async def _client_left(self, room_id: str) -> None:
        entry = self.queue.get(room_id)
        if entry and entry.get("status") in (WAITING, TAKEN):
            await self._entry(room_id, closed_entry(entry, LEFT, now_ms()))
        known = self.clients.pop(room_id, None)
        self.newest.pop(room_id, None)
        self.last_reply.pop(room_id, None)
        self.waiting_said.pop(room_id, None)
        self._save()
        if self.purge:  # the rooms go when the retention is over (left, or deleted with admin rights)
            self._forget_later(room_id, known=known or {})
            return
        for room in rooms_of(room_id, known):
            try:
                await self.api.leave(room)
            except MatrixError as exc:
                log.info("leaving %s: %s", room, exc)
