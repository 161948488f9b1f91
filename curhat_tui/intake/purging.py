"""Client rooms deleted when their retention is over (server_purge.py), beside the intake's loop: a mixin of
`IntakeService`.

A room counts as in use (trimmed up to its old session's end, never deleted) when an intake, a wait or a session
is going on in it, or a line of the client's waits to be answered. Once a room is found not in use, it is being
deleted: what the loop reads there meanwhile (a client writing as the deletion runs) is held back, not answered or
queued, so no client is told they are in the queue of a room about to go. As soon as that room's attempt is over:
- deleted: the room is forgotten with what was held;
- failed (the server refused, or said its job failed): if the intake is still in the room, what was held is read,
  oldest first, before anything newer (newer batches join the end of the line until it is empty); if the server's
  job took the intake out already, the room is forgotten as deleted, and its deletion is tried again;
- unknown (no answer, or we stopped waiting while the server may still be deleting): held, and tried again at the
  next round; after UNSURE_ROUNDS such rounds, as failed.
A client who moved to a new room (successors.py) is held while any of their rooms is being deleted, and forgotten
with the last of them: a room of theirs that stays is still read.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import httpx

from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.channels.matrix.protocol import obj
from curhat_tui.intake.admission import is_live
from curhat_tui.intake.entry_history import clear_entry_quietly
from curhat_tui.intake.successors import rooms_of

if TYPE_CHECKING:
    from curhat_tui.intake.server_purge import ServerPurge

log = logging.getLogger("curhat.intake.purge")
UNSURE_ROUNDS = 3  # purge rounds a deletion may end with no answer before what its client wrote is read anyway


class Purging:
    if TYPE_CHECKING:  # provided by IntakeService
        purge: ServerPurge | None
        clients: dict[str, dict]
        queue: dict[str, dict]
        newest: dict[str, dict]
        deferred: set[str]
        last_reply: dict[str, float]
        queue_room: str
        api: object
        _purging: asyncio.Task | None
        uncleared: dict[str, bool]
        deleting: set[str]
        held: dict[str, list[dict]]
        unsure: dict[str, int]

        def _first_of(self, room_id: str) -> str: ...
        def _save(self) -> None: ...
        async def _read_batch(self, room_id: str, joined: dict, initial: bool) -> None: ...
        def _drop_lock(self, room_id: str) -> None: ...

    async def _start_purge(self) -> None:
        """Rooms whose retention is over are deleted beside the loop, never holding it up."""
        if self.purge and (self.purge.due or self.uncleared) and (self._purging is None or self._purging.done()):
            self._purging = asyncio.create_task(self._purge_due())

    def _in_use(self, room_id: str) -> bool:
        first = self._first_of(room_id) or room_id  # a moved-to room is as live as its first (successors.py)
        return is_live(first, self.clients, self.queue) or first in self.newest or first in self.deferred

    def _hold_back(self, room_id: str, joined: dict) -> bool:
        """A batch of a client (`room_id`: their first room) while one of their rooms is being deleted is kept aside,
        under the first room's id (read again if the deletion fails)."""
        if room_id not in self.held and not any(room in self.deleting for room in rooms_of(room_id, self.clients.get(room_id))):
            return False
        self.held.setdefault(room_id, []).append(joined)
        return True

    async def _purge_due(self) -> None:
        assert self.purge is not None  # a client back in the room keeps it: only the old session's history goes
        await self.purge.run_due(self._in_use, self.deleting.add, self._settled)
        for room_id in self.purge.trimmed:
            self.uncleared.setdefault(room_id, True)
        self.purge.trimmed.clear()
        for room_id, keep in list(self.uncleared.items()):  # refused ones are tried again at the next purge round
            if await clear_entry_quietly(self.api, self.queue_room, room_id, keep_current=keep):  # type: ignore[arg-type]
                self.uncleared.pop(room_id, None)

    async def _settled(self, room_id: str, outcome: str) -> None:
        """A room's deletion attempt is over (server_purge.run_due): see the module's docstring. A client's record
        goes with the last of their rooms (their first and the rooms they moved to: successors.py)."""
        if outcome == "unknown":
            self.unsure[room_id] = self.unsure.get(room_id, 0) + 1
            if self.unsure[room_id] < UNSURE_ROUNDS:
                return  # still being deleted, perhaps: held, and tried again at the next round
        self.unsure.pop(room_id, None)
        self.deleting.discard(room_id)
        first = room_id if room_id in self.clients else self._first_of(room_id) or room_id
        others = [room for room in rooms_of(first, self.clients.get(first)) if room != room_id]
        if outcome != "deleted" and await self._still_in(room_id):
            if not any(room in self.deleting for room in others):
                await self._release(first)
            return
        assert self.purge is not None
        if any(room in self.deleting or room in self.purge.due for room in others):
            return  # another of the client's rooms is still to go: their record, and what was held, wait for it
        self.queue.pop(first, None)  # nothing of it stays in the queue's state either, nor in earlier entries
        self.uncleared[first] = False
        if self.clients.pop(first, None) is not None:  # gone with its rooms: a late answer finds nothing
            self.newest.pop(first, None)
            self.last_reply.pop(first, None)
            self._save()
        self._drop_lock(first)
        if dropped := len(self.held.pop(first, [])):
            log.warning("a client wrote while their room was being deleted: %d batch(es) not answered", dropped)

    async def _still_in(self, room_id: str) -> bool:
        """Whether the intake is still a member of the room (a failed deletion may have taken it out first)."""
        try:
            member = await self.api.get_state(room_id, "m.room.member", self.api.user_id)  # type: ignore[attr-defined]
        except MatrixError as exc:
            return exc.status >= 500  # not a member (403), no such room (404): gone
        except (httpx.HTTPError, OSError):
            return True  # cannot tell: the room is read as staying, and its deletion tried again
        return obj(member).get("membership") == "join"

    async def _release(self, first: str) -> None:
        """The client's rooms stay: what was held is read oldest first; batches that come meanwhile join the end of
        the line, and nothing is held any more once the line is empty (no await between the check and that)."""
        while self.held.get(first):
            try:
                await self._read_batch(first, self.held[first].pop(0), False)
            except Exception as exc:  # noqa: BLE001 - as the loop does (service.handle): the next batch still counts
                log.warning("handling a client room failed: %s", type(exc).__name__)
        self.held.pop(first, None)
