"""Words in the queue's state, sealed with Megolm.

A queue entry is a state event in the queue room, and Matrix cannot encrypt state. Most of an entry is no
one's words (status, alias, package, price, risk, times); four fields are: the client's topic, risk answer
and province from the intake, and a counselor's handover note. When the intake has an Olm machine, those words go
into the entry only as `sealed`: an `m.room.encrypted` content made by nio's Megolm session for the queue
room (crypto.py `seal`), whose keys the intake shares with the roster's devices in that room. A workstation
opens it with the same machinery (`unseal`), checks that the sealed words name the entry's own client room,
and believes them only in an entry the intake wrote (as everything in the queue). A workstation that cannot
open an entry yet (a new device, keys not come) asks the intake, with a wordless `org.curhat.keys` event in
the queue room, to forward the queue room's keys to its devices; the intake answers a roster counselor at
most once a minute. The queue room itself carries `m.room.encryption`, so handover notes, which travel in
its timeline, are encrypted too.
"""

from __future__ import annotations

import asyncio
import logging
import time

from curhat_tui.channels.matrix.api import MatrixAPI
from curhat_tui.channels.matrix.protocol import MEGOLM, QUEUE_ENTRY, obj

log = logging.getLogger("curhat.matrix.sealing")

WORDS = ("topic", "intake_risk_answer", "handover", "region",  # the fields of an entry that are someone's words:
         "said", "client_hash")  # lines carried for the counselor (intake/relay.py); whose room it is (admission.py)
SEALED = "sealed"
KEYS = "org.curhat.keys"  # a workstation asks the intake for the queue room's keys (no content needed)
KEYS_EVERY = 60.0  # seconds: the intake forwards the queue's keys to one counselor at most this often


async def seal_entry(crypto, queue_room: str, room_id: str, entry: dict) -> dict:  # noqa: ANN001 - a Crypto
    """The entry as it goes into the queue room's state: with an Olm machine, its words only sealed."""
    if crypto is None:
        return entry
    words = {k: entry[k] for k in WORDS if isinstance(entry.get(k), str) and entry[k]}
    plain = {k: v for k, v in entry.items() if k not in WORDS and k != SEALED}
    if words:
        plain[SEALED] = await crypto.seal(queue_room, dict(words, room_id=room_id))
    elif isinstance(entry.get(SEALED), dict):
        plain[SEALED] = entry[SEALED]  # read back sealed (after a restart) and not opened: kept as it was
    return plain


def unseal_entry(crypto, queue_room: str, room_id: str, entry: dict, sender: str) -> tuple[dict, bool]:  # noqa: ANN001
    """The entry with its words back in place, and whether they are still sealed (keys not come yet)."""
    sealed = entry.get(SEALED)
    if sealed is None:
        return entry, False
    words = crypto.unseal(queue_room, sealed, sender) if crypto is not None else None
    if words is None or words.get("room_id") != room_id:
        return {k: v for k, v in entry.items() if k not in WORDS}, True
    opened = {k: v for k, v in entry.items() if k not in WORDS and k != SEALED}
    opened.update({k: words[k] for k in WORDS if isinstance(words.get(k), str)})
    return opened, False


async def encrypt_room(api: MatrixAPI, room_id: str) -> None:
    """Turn Megolm on in a room we may write state in (once; it cannot be turned off)."""
    if not await api.get_state(room_id, "m.room.encryption"):
        await api.put_state(room_id, "m.room.encryption", dict(MEGOLM))


async def forward_queue_keys(crypto, queue_room: str, user: str, last: dict[str, float]) -> None:  # noqa: ANN001
    """A roster counselor asked for the queue room's keys: forward them to their devices (once a minute)."""
    now = time.monotonic()
    if crypto is None or now - last.get(user, -KEYS_EVERY) < KEYS_EVERY:
        return
    last[user] = now
    try:
        sent = await crypto.forward_room_keys(queue_room, user)
        log.info("forwarded %d queue room keys to a counselor", sent)
    except Exception as exc:  # noqa: BLE001 - nio's errors vary; they ask again
        log.warning("could not forward the queue room's keys: %s", type(exc).__name__)


class QueueKeys:
    """The intake's side of `org.curhat.keys`: a subscriber of its sync loop that answers roster counselors."""

    def __init__(self, service) -> None:  # noqa: ANN001 - the IntakeService (queue_room, roster, crypto)
        self.service = service
        self.last: dict[str, float] = {}

    async def prepare(self) -> None:
        """Nothing to find: the service it serves prepares the rooms."""

    async def on_sync(self, rooms: dict, first: bool) -> None:
        service = self.service
        joined = obj(obj(rooms.get("join")).get(service.queue_room))
        for event in obj(joined.get("timeline")).get("events") or []:
            if isinstance(event, dict) and event.get("type") == KEYS and event.get("sender") in \
                    service.roster.counselors and not first:
                await forward_queue_keys(service.crypto, service.queue_room, event["sender"], self.last)


_writing: dict[str, asyncio.Lock] = {}  # one queue entry's writes land in the order they were decided


async def put_entry(api: MatrixAPI, crypto, queue_room: str, room_id: str, entry: dict) -> None:  # noqa: ANN001
    """Write a queue entry (its words sealed when there is an Olm machine). Sealing may wait on the network, so
    writes of one entry are kept in order: a later, quicker write (an end) is never overtaken by an earlier one."""
    lock = _writing.setdefault(f"{queue_room}|{room_id}", asyncio.Lock())
    async with lock:
        await api.put_state(queue_room, QUEUE_ENTRY, await seal_entry(crypto, queue_room, room_id, entry), room_id)


class SealedEntries:
    """The workstation's side: open an entry's sealed words; ask the intake (at most once a minute) to forward the
    queue room's keys when it cannot. A waiting client whose words cannot be opened yet is held back from the
    queue for up to HOLD seconds while the keys come, then shown without them."""

    HOLD = 10.0

    def __init__(self, api: MatrixAPI, sync, staff) -> None:  # noqa: ANN001 - a SyncLoop and a Staff
        self.api, self.sync, self.staff = api, sync, staff
        self.waiting: dict[str, dict] = {}  # client room -> its entry as written, words still sealed
        self.first: dict[str, float] = {}  # client room -> when its sealed entry was first seen (monotonic)
        self.shown: set[str] = set()  # held back long enough: shown without its words
        self.asked = -KEYS_EVERY
        self._tasks: set[asyncio.Task] = set()

    def open(self, room_id: str, entry: dict) -> dict | None:
        """The entry with its words; without them once held back long enough; None while held back."""
        opened, sealed = unseal_entry(self.sync.crypto, self.staff.queue_room, room_id, entry, self.staff.intake)
        if not sealed:
            self.waiting.pop(room_id, None)
            self.first.pop(room_id, None)
            self.shown.discard(room_id)
            return opened
        self.waiting[room_id] = entry
        first = self.first.setdefault(room_id, time.monotonic())
        self._ask()
        if entry.get("status") == "waiting" and room_id not in self.shown and time.monotonic() - first < self.HOLD:
            return None
        self.shown.add(room_id)
        return opened

    def ready(self) -> list[tuple[str, dict]]:
        """Entries to read again: their keys have come, or they were held back long enough."""
        crypto, now = self.sync.crypto, time.monotonic()
        if self.waiting:
            self._ask()
        return [(room, entry) for room, entry in list(self.waiting.items())
                if not unseal_entry(crypto, self.staff.queue_room, room, entry, self.staff.intake)[1]
                or (room not in self.shown and now - self.first.get(room, now) >= self.HOLD)]

    def _ask(self) -> None:
        now, crypto = time.monotonic(), self.sync.crypto
        if crypto is None or not crypto.published or now - self.asked < KEYS_EVERY:
            return  # keys are forwarded to the devices the server lists: ours must be published first
        self.asked = now
        task = asyncio.get_running_loop().create_task(self._send_ask(int(time.time() * 1000)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_ask(self, stamp: int) -> None:
        try:
            await self.api.send(self.staff.queue_room, KEYS, {}, f"keys-{stamp}")
        except Exception as exc:  # noqa: BLE001 - asked again a minute later
            log.info("could not ask for the queue room's keys: %s", type(exc).__name__)

