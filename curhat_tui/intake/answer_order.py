"""The order of things in a client's room at the intake, a mixin of `IntakeService`.

One thing at a time in a room: the loop reads a room's lines, or its client leaving, only after an answer being given
there is done (`_room_lock`). An answer deferred to the end of the reply gap runs beside the loop (`_defer_answer`);
the line it answers is kept in the client's record, saved with the sync position, until answered, and answered at
the next start if the intake stopped first (`_resume_answers`).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from curhat_tui.channels.matrix.protocol import obj


class AnswerOrder:
    if TYPE_CHECKING:  # provided by IntakeService
        clients: dict[str, dict]
        newest: dict[str, dict]
        deferred: set[str]
        tasks: set[asyncio.Task]
        locks: dict[str, asyncio.Lock]

        async def _answer_newest(self, room_id: str, wait: float) -> None: ...

    def _room_lock(self, room_id: str) -> asyncio.Lock:
        return self.locks.setdefault(room_id, asyncio.Lock())

    def _drop_lock(self, room_id: str) -> None:
        """A room the intake no longer serves (its client left, or it was deleted) keeps no lock: a daemon that runs
        for years would otherwise hold one per room it ever saw. Kept while held; a task still waiting for the old
        one finds the room gone and does nothing, as does whatever takes a new one."""
        lock = self.locks.get(room_id)
        if room_id not in self.clients and lock is not None and not lock.locked():
            del self.locks[room_id]

    def _defer_answer(self, room_id: str, wait: float) -> None:
        self.deferred.add(room_id)
        task = asyncio.create_task(self._answer_newest(room_id, wait))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _answering(self, room_id: str, event: dict) -> None:
        """`event` is being answered: it is no longer pending, and the same line read again (a batch the intake saw
        before a stop, its position not saved) is not answered twice."""
        known = self.clients[room_id]
        known.pop("pending", None)
        known["answered"] = event.get("event_id")

    def _unpend(self, room_id: str, event_id: object) -> None:
        """The client deleted `event_id`: if it was the line waiting to be answered, nothing is answered."""
        if (self.newest.get(room_id) or {}).get("event_id") == event_id:
            self.newest.pop(room_id, None)
        if obj(self.clients[room_id].get("pending")).get("event_id") == event_id:
            self.clients[room_id].pop("pending", None)

    _resumed = False  # once a run: later lines are answered as they come, nothing else is left pending

    async def _resume_answers(self) -> None:
        """Lines left unanswered at a stop (waiting out the gap) are answered after the first batch: a newer line,
        a deletion or a leave written while the intake was down are read before."""
        if self._resumed:
            return
        self._resumed = True
        for room_id, known in self.clients.items():
            pending = known.get("pending")
            if room_id in self.deferred:
                continue  # a newer line in the first batch already waits to be answered
            if isinstance(pending, dict) and isinstance(obj(pending.get("content")).get("body"), str):
                self.newest[room_id] = pending
                self._defer_answer(room_id, 0.0)
