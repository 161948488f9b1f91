"""The intake's pace in client rooms: the client's newest line is the answer, answered at most once a gap.

Each client room has one answering worker beside the sync loop. The loop notes the newest line and goes on: an answer
the homeserver rate-limits waits in its own room's worker, never in front of the next sync batch (thirty rooms
flooded at once, their answers all waiting through 429s in one batch, once held every other client's answers). One
worker a room also keeps a room's answers in order: the next is not sent before the one before it went.

A room that writes faster than anyone types (FLOOD_LINES lines within FLOOD_WINDOW) waits twice as long for each
next answer, up to FLOOD_GAP; an answer once the room is calmer brings its gap back. A flood then costs the intake few
messages. At most IN_FLIGHT answers are sent at once (`Turns`), calm rooms' before flooding ones': a crowd of rooms
does not turn into a crowd of requests retrying 429s together, and an honest client's answer is next, not last.

An answer that meets a dropped connection or a server error is sent again (`deliver`), with the same transaction id:
the client gets the next question once, never not at all (the intake has no outbox; the workstation has).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

import httpx

from curhat_tui.channels.matrix.api import MatrixError

log = logging.getLogger("curhat.intake")
REPLY_GAP = 1.0  # seconds: the intake answers one client at most this often
FLOOD_WINDOW = 10.0  # seconds
FLOOD_LINES = 12  # lines within FLOOD_WINDOW that are a flood: a person answering a question writes a few
FLOOD_GAP = 10.0  # seconds: the longest a flooding room waits for its next answer
IN_FLIGHT = 4  # answers sent at once
DELIVERY_WAITS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 30.0)  # seconds between tries: about a minute and a half in all


async def deliver(send: Callable[[], Awaitable[object]],
                  sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
    """`send` (one message, its transaction id fixed) until it goes: a dropped connection or a 5xx is tried again
    after DELIVERY_WAITS; a refusal (4xx; a 429 the API already waited through) is raised at once, as is the
    last failure."""
    for wait in (*DELIVERY_WAITS, None):
        try:
            await send()
            return
        except MatrixError as exc:
            if exc.status < 500 or wait is None:
                raise
        except (httpx.TransportError, OSError):
            if wait is None:
                raise
        log.info("an answer did not go; sent again in %.0f s", wait)
        await sleep(wait)


class Turns:
    """At most `size` holders at once; the next turn goes to a calm room before a flooding one, then in order."""

    def __init__(self, size: int) -> None:
        self.free = size
        self.waiting: list[tuple[bool, int, asyncio.Future]] = []
        self._order = itertools.count()

    async def take(self, flooding: bool) -> None:
        if self.free > 0 and not self.waiting:
            self.free -= 1
            return
        turn: asyncio.Future = asyncio.get_running_loop().create_future()
        heapq.heappush(self.waiting, (flooding, next(self._order), turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.give()  # handed the turn as it was cancelled: pass it on
            raise

    def give(self) -> None:
        while self.waiting:
            _, _, turn = heapq.heappop(self.waiting)
            if not turn.done():
                turn.set_result(None)
                return
        self.free += 1


class Pacing:
    def __init__(self, answer: Callable[[str, dict], Awaitable[None]],
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.answer = answer  # sends the answer to a line; its own errors are its own (logged, never raised here)
        self.sleep, self.clock = sleep, clock
        self.newest: dict[str, dict] = {}  # room id -> the client's newest line, still to answer
        self.last: dict[str, float] = {}  # room id -> when it was last answered (monotonic)
        self.gaps: dict[str, float] = {}  # room id -> its gap now (longer while it floods)
        self.lines: dict[str, deque[float]] = {}  # room id -> when its lines of the last FLOOD_WINDOW came
        self.workers: dict[str, asyncio.Task] = {}
        self.turns = Turns(IN_FLIGHT)

    def heard(self, room_id: str, said: list[dict]) -> dict | None:
        """The client wrote `said` (the newest last): the newest is the line to answer. Returns the line it
        overtook, which was waiting to be answered (still to be read for risk), if one was."""
        if not said:
            return None
        overtaken = self.newest.get(room_id)
        self.newest[room_id] = said[-1]
        self.lines.setdefault(room_id, deque()).extend([self.clock()] * len(said))
        if room_id not in self.workers:
            self.workers[room_id] = asyncio.create_task(self._work(room_id))
        return overtaken

    def forget(self, room_id: str) -> None:
        """The client is gone: nothing waits to be answered (a sleeping worker wakes to nothing and ends)."""
        for kept in (self.newest, self.last, self.gaps, self.lines):
            kept.pop(room_id, None)

    async def settled(self) -> None:
        """Every answer due has gone (tests, and a clean stop)."""
        while self.workers:
            await asyncio.gather(*self.workers.values(), return_exceptions=True)

    def cancel(self) -> None:
        for task in self.workers.values():
            task.cancel()

    async def _work(self, room_id: str) -> None:
        try:
            while room_id in self.newest:
                wait = self.last.get(room_id, float("-inf")) + self.gaps.get(room_id, REPLY_GAP) - self.clock()
                if wait > 0:
                    await self.sleep(wait)
                event = self.newest.pop(room_id, None)
                if event is None:
                    break  # forgotten while it waited
                flooding = self._recent(room_id) >= FLOOD_LINES
                was = self.gaps.get(room_id, REPLY_GAP)
                self.gaps[room_id] = min(max(was, REPLY_GAP) * 2, FLOOD_GAP) if flooding else REPLY_GAP
                if self.gaps[room_id] == FLOOD_GAP > was:  # once a flood, for the operator
                    log.warning("%s writes faster than anyone types: answered once every %.0f s", room_id, FLOOD_GAP)
                await self.turns.take(flooding)
                try:
                    self.last[room_id] = self.clock()
                    await self.answer(room_id, event)
                finally:
                    self.turns.give()
        finally:
            self.workers.pop(room_id, None)

    def _recent(self, room_id: str) -> int:
        """Lines the room wrote within the last FLOOD_WINDOW."""
        times = self.lines.get(room_id) or deque()
        while times and times[0] < self.clock() - FLOOD_WINDOW:
            times.popleft()
        return len(times)
