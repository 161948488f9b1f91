"""Who is on duty, as the queue room says: each counselor's workstation announces itself on duty when it connects
and off duty when it stops (`org.curhat.duty` {on, name}, a message event in the queue room).

Believed only from the roster's counselors (the intake's roster, staff.py); a supervisor's or anyone else's is
dropped. A workstation that stopped without saying so (a crash, a lost network) drops off the list after
`STALE_HOURS`. On start the room's recent history is read; since a member sees only what was said after they joined, each
workstation says it is on duty again when a colleague newly comes on duty.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Awaitable, Callable

import httpx

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import DUTY, content_of, events_in, section
from curhat_tui.channels.matrix.staff import Staff, owned_name
from curhat_tui.channels.matrix.sync import SyncLoop

log = logging.getLogger("curhat.matrix.duty")
STALE_HOURS = 12  # an announcement older than this no longer counts (a shift is shorter)
NAME_CHARS = 60
HISTORY = 200  # queue-room events read back on start for earlier announcements
_txn = itertools.count(1)


class DutyRoster:
    """A sync subscriber that keeps {counselor: (name, since)} for those who said they are on duty."""

    def __init__(self, api: MatrixAPI, staff: Staff, name: str, sync: SyncLoop | None = None) -> None:
        self.api = api
        self.staff = staff
        self.name = name
        self.on: dict[str, tuple[str, float]] = {}  # user id -> (name, when it said so, seconds)
        self.announced = False
        self.begun = False  # the room's history read and this workstation announced, once the queue room is known
        if sync is not None:
            sync.subscribe(self)

    def take(self, event: dict) -> bool:
        """One queue-room event: an on/off announcement from a roster counselor changes the list. True when a
        colleague came on duty who was not listed (they may not see what was said before they joined)."""
        sender = event.get("sender")
        if event.get("type") != DUTY or not isinstance(sender, str):
            return False
        if sender not in self.staff.counselors:
            log.warning("dropped a duty announcement from an account not on the counselors' roster")
            return False
        content = content_of(event)
        stamp = event.get("origin_server_ts")
        at = stamp / 1000 if isinstance(stamp, int) else time.time()
        if sender in self.on and self.on[sender][1] > at:
            return False  # older than what we know
        if content.get("on") is True:
            shown = owned_name(content.get("name"), sender, NAME_CHARS)  # no colleague passes for another
            new = sender not in self.on and sender != self.api.user_id
            self.on[sender] = (shown, at)
            return new
        self.on.pop(sender, None)
        return False

    def names(self, now: float | None = None) -> list[str]:
        """The names on duty now, sorted; stale announcements left out."""
        now = time.time() if now is None else now
        return sorted(name for name, at in self.on.values() if now - at < STALE_HOURS * 3600)

    async def prepare(self) -> None:
        """Read the queue room's recent announcements, then say this workstation is on duty (at the first batch
        instead when the channel has not found the queue room yet)."""
        self.begun = False  # a new run of the sync loop: say it again
        await self._begin()

    async def _begin(self) -> None:
        room = self.staff.queue_room
        if self.begun or not room:
            return
        self.begun = True
        try:
            page = await self.api.messages(room, direction="b", limit=HISTORY)
            for event in reversed([e for e in page.get("chunk", []) if isinstance(e, dict)]):
                self.take(event)
        except MatrixError as exc:
            log.info("could not read earlier duty announcements: %s", exc)
        await self.announce(True)

    async def on_sync(self, rooms: dict, first: bool) -> None:
        """Announcements as they come; a colleague newly on duty hears ours again (the queue room shows a member
        only what was said after they joined), once per colleague's arrival."""
        await self._begin()
        joined = section(section(rooms, "join"), self.staff.queue_room) if self.staff.queue_room else {}
        newcomer = False
        for event in events_in(joined, "timeline"):
            newcomer = self.take(event) or newcomer
        if newcomer and self.announced:
            await self.announce(True)

    async def announce(self, on: bool) -> None:
        """Say on (or off) duty in the queue room; a failure is logged, never raised (the list is a courtesy)."""
        if not self.staff.queue_room or (not on and not self.announced):
            return
        try:
            await self.api.send(self.staff.queue_room, DUTY, {"on": on, "name": self.name[:NAME_CHARS]},
                                f"duty-{time.time_ns()}-{next(_txn)}")
            self.announced = on
        except (MatrixError, httpx.HTTPError, OSError) as exc:
            log.info("could not say %s duty: %s", "on" if on else "off", exc)

    async def stop(self, then: Callable[[], Awaitable[None]]) -> None:
        """Say off duty, then stop (the channel passes its sync loop's stop)."""
        await self.announce(False)
        await then()
