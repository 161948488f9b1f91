"""`curhat intake`: the organisation's intake account on Matrix, and its authority (DESIGN 4b).

It joins rooms clients open with it, asks for consent (with the limits of confidentiality), runs a short intake and
publishes each waiting client to the closed queue room under a pseudonym (an entry's words sealed: sealing.py).
It holds the staff roster and reconciles the staff rooms with it at every start. It takes claims only from roster
counselors (the first in the queue room's timeline wins), handovers and ends only from the counselor a session is
with, and writes every session fact itself, where clients cannot write. A client's room is the client's: nothing
but the client's words is believed there. Its progress with each client lives in its state file, not in a room.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import (
    CLAIM,
    END,
    FORGET,
    HANDOVER,
    LEFT,
    QUEUE_ENTRY,
    TAKEN,
    WAITING,
    content_of,
    events_in,
    obj,
    section,
    text_of,
)
from curhat_tui.channels.matrix.sealing import QueueKeys, put_entry
from curhat_tui.channels.matrix.staff import invited_by
from curhat_tui.channels.matrix.sync import SyncLoop
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain import intake as flow
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.intake.pseudonyms import pseudonym
from curhat_tui.intake.risk_words import answer_verdict, raised_entry
from curhat_tui.intake.server_purge import ServerPurge, now_ms
from curhat_tui.intake.state_file import read_state, write_state

if TYPE_CHECKING:
    from curhat_tui.channels.matrix.crypto import Crypto
from curhat_tui.intake.staff_rooms import Roster, closed_entry, read_queue, setup_staff_rooms

log = logging.getLogger("curhat.intake")
INTAKE_REPLY_GAP = 1.0  # seconds: the intake answers one client at most this often
NAME_CHARS, NOTE_CHARS = 60, 4000  # the longest counselor name and handover note taken from a request


@dataclass
class IntakeService:
    api: MatrixAPI
    data: ServiceData
    state_file: Path | None = None
    counselors: list[str] = field(default_factory=list)
    supervisors: list[str] = field(default_factory=list)
    queue_room: str = ""
    supervisors_room: str = ""
    since: str | None = None
    queue: dict[str, dict] = field(default_factory=dict)
    clients: dict[str, dict] = field(default_factory=dict)  # room id -> {"client": user id, "intake": state}
    newest: dict[str, dict] = field(default_factory=dict)  # room id -> the client's newest line, still to answer
    last_reply: dict[str, float] = field(default_factory=dict)  # room id -> when it was last answered (monotonic)
    deferred: set[str] = field(default_factory=set)  # rooms whose newest line waits for the reply gap
    tasks: set[asyncio.Task] = field(default_factory=set)
    sync_timeout_ms: int = 10_000
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)  # how long client rooms stay on the server
    crypto: Crypto | None = None  # end-to-end encryption: clients' encrypted rooms are read and answered
    _txn: int = 0
    stopped: bool = False

    def __post_init__(self) -> None:
        self.roster = Roster.of(self.counselors, self.supervisors)
        self.purge: ServerPurge | None = None
        self._purging: asyncio.Task | None = None

    # ---- set-up -----------------------------------------------------------------
    def _load(self) -> None:
        """Read the state file back (intake/state_file.py: narrowed to 0600 in 0700 first)."""
        saved = read_state(self.state_file) if self.state_file else {}
        if saved:
            self.since, self.clients = saved["since"], saved["clients"]
            self.queue_room, self.supervisors_room = saved["queue_room"], saved["supervisors_room"]

    def _save(self) -> None:
        """Write the state file whole, 0600 in a 0700 folder: it maps client rooms to client accounts."""
        if self.state_file:
            write_state(self.state_file, {"since": self.since, "queue_room": self.queue_room,
                                          "supervisors_room": self.supervisors_room, "clients": self.clients})

    async def prepare(self) -> None:
        """Find (or make) the closed staff rooms, reconcile them with the roster, read the queue."""
        if not self.api.user_id:
            await self.api.whoami()
        self.queue_room, self.supervisors_room = await setup_staff_rooms(
            self.api, self.queue_room, self.supervisors_room, self.roster)
        self.queue = await read_queue(self.api, self.queue_room, now_ms(), self.crypto)
        self._save()
        self.purge = ServerPurge(self.api, self.retention, folder=self.state_file.parent if self.state_file else None)
        await self.purge.check_admin()

    # ---- the loop ---------------------------------------------------------------
    async def run(self) -> None:
        self._load()
        self.sync = SyncLoop(self.api, lambda: self.since, self._saved_since, timeout_ms=self.sync_timeout_ms)
        self.sync.subscribe(self)
        self.sync.subscribe(QueueKeys(self))  # a workstation that cannot open the queue's sealed words asks
        self.sync.crypto = self.crypto
        self.sync.after_batch.append(self._start_purge)
        try:
            await self.sync.run()
        finally:
            for task in list(self.tasks):
                task.cancel()

    def _saved_since(self, token: str) -> None:
        self.since = token
        self._save()
        if self.stopped:
            self.sync._stopping = True

    async def _start_purge(self) -> None:
        """Rooms whose retention is over are deleted beside the loop, never holding it up."""
        if self.purge and self.purge.due and (self._purging is None or self._purging.done()):
            self._purging = asyncio.create_task(self._purge_due())

    async def _purge_due(self) -> None:
        assert self.purge is not None
        for room_id in await self.purge.run_due():
            if room_id in self.queue:  # nothing of it stays in the queue's state either
                self.queue.pop(room_id, None)
                await self.api.put_state(self.queue_room, QUEUE_ENTRY, {}, room_id)

    def _forget_later(self, room_id: str, *, now: bool = False) -> None:
        if self.purge:
            self.purge.schedule(room_id, now_ms(), now=now)

    async def on_sync(self, rooms: dict, first: bool) -> None:
        await self.handle({"rooms": rooms}, initial=first)

    async def handle(self, data: dict, initial: bool) -> None:
        rooms = section(data, "rooms")
        # new clients are greeted side by side: fifty arriving at once wait for no one
        for result in await asyncio.gather(*(self._invited(room_id, invite)
                                             for room_id, invite in section(rooms, "invite").items()),
                                           return_exceptions=True):
            if isinstance(result, Exception):
                log.warning("could not start the intake in a room: %s", type(result).__name__)
        client_rooms = []
        for room_id, joined in section(rooms, "join").items():
            if room_id == self.queue_room:
                for event in events_in(joined, "timeline"):
                    if initial:
                        continue
                    try:
                        await self._staff_request(event)
                    except (MatrixError, TypeError, ValueError, KeyError, AttributeError) as exc:  # the next still count
                        log.warning("dropped a %s event: %s", str(event.get("type"))[:60], type(exc).__name__)
            elif room_id != self.supervisors_room and room_id in self.clients:
                client_rooms.append(self._client_room(room_id, joined, initial))
        # each client's conversation is independent: serve them side by side, not in a line
        for result in await asyncio.gather(*client_rooms, return_exceptions=True):
            if isinstance(result, Exception):
                log.warning("handling a client room failed: %s", type(result).__name__)
        for room_id in section(rooms, "leave"):
            if room_id in self.clients:
                await self._client_left(room_id)

    # ---- client rooms -----------------------------------------------------------
    def _state(self, room_id: str) -> flow.IntakeState:
        return flow.IntakeState.from_dict(obj(self.clients.get(room_id)).get("intake"))

    def _keep(self, room_id: str, state: flow.IntakeState) -> None:
        self.clients.setdefault(room_id, {})["intake"] = state.to_dict()

    async def _invited(self, room_id: str, invite: dict) -> None:
        client = invited_by(invite, self.api.user_id)
        if not client or room_id in (self.queue_room, self.supervisors_room):
            return
        try:
            await self.api.join(room_id)
        except MatrixError as exc:
            log.warning("could not join %s: %s", room_id, exc)
            return
        self.clients[room_id] = {"client": client, "intake": flow.IntakeState().to_dict()}
        await self._start(room_id)
        await self.purge.retention_state(room_id) if self.purge else None  # after the greeting, never before

    async def _start(self, room_id: str) -> None:
        state = flow.IntakeState()
        replies = flow.start(state)
        self._keep(room_id, state)
        self._save()
        await self._reply(room_id, replies)

    async def _client_room(self, room_id: str, joined: dict, initial: bool) -> None:
        client = self.clients[room_id].get("client")
        said: list[dict] = []
        for event in events_in(joined, "timeline"):
            if event.get("sender") != client:
                continue  # only the client's words count here; nothing else in a client's room is believed
            kind, content = event.get("type"), content_of(event)
            if kind == "m.room.member" and content.get("membership") in ("leave", "ban"):
                await self._client_left(room_id)
                return
            if kind == "m.room.message" and not initial and isinstance(content.get("body"), str):
                said.append(event)
        if not said:
            return
        state = self._state(room_id)
        if state.step in flow.QUEUED_STEPS:  # queued or with a counselor: every line counts for the risk
            for event in said:
                await self._waiting_words(room_id, event["content"]["body"])
            if state.step == "region" and (self.queue.get(room_id) or {}).get("status") != WAITING:
                state.step = "queued"  # with a counselor (or gone) before answering where: not asked any more
                self._keep(room_id, state)
                self._save()
            if state.step == "queued":
                return  # asked for their province ("region") while waiting: the newest line is also the answer
        # in the intake conversation the newest line is the answer, answered at most once a second: a flood gets
        # a few replies, a quick answer waits a moment but is never dropped, and no client holds up the others
        self.newest[room_id] = said[-1]
        if room_id in self.deferred:
            return  # the waiting task answers the newest line
        wait = self.last_reply.get(room_id, -INTAKE_REPLY_GAP) + INTAKE_REPLY_GAP - time.monotonic()
        if wait > 0:
            self.deferred.add(room_id)
            task = asyncio.create_task(self._answer_newest(room_id, wait))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            return
        await self._answer_newest(room_id, 0.0)

    async def _answer_newest(self, room_id: str, wait: float) -> None:
        if wait:
            await asyncio.sleep(wait)
        self.deferred.discard(room_id)
        event = self.newest.pop(room_id, None)
        if event is None or room_id not in self.clients:
            return
        self.last_reply[room_id] = time.monotonic()
        try:
            await self._answer(room_id, event["content"]["body"], event.get("origin_server_ts"))
        except (MatrixError, TypeError, ValueError, KeyError, AttributeError) as exc:
            log.warning("could not answer in %s: %s", room_id, type(exc).__name__)

    async def _answer(self, room_id: str, text: str, sent_ms: object = None) -> None:
        state = self._state(room_id)
        if state.step == "new":  # a client back after an ended session: a new intake
            await self._start(room_id)
            return
        if state.step == "queued":
            await self._waiting_words(room_id, text)
            return
        asked_where, was = state.step == "region", state.step
        replies = flow.advance(state, text, now_ms(), *answer_verdict(self.data, text))  # items, imminent
        self._keep(room_id, state)
        self._save()
        if was == "risk" and state.step in flow.QUEUED_STEPS:  # the intake's last answer: into the queue, once
            # the server's time of the last answer: the client's words after it are the waiting period's
            await self._publish(room_id, state, answered_at=sent_ms if isinstance(sent_ms, int) else now_ms())
        entry = self.queue.get(room_id) or {}
        if asked_where:  # where they live, answered: kept only while they wait; a counselor's client is not answered
            if entry.get("status") != WAITING:
                return
            if state.region:
                await self._entry(room_id, {**entry, "region": state.region})
        await self._reply(room_id, replies)

    async def _waiting_words(self, room_id: str, text: str) -> None:
        """Words written while queued that the detector reads as risk raise the entry's risk, or mark it imminent,
        and so the client's place in every queue (never lowered, never a ticked flag)."""
        entry = self.queue.get(room_id)
        if not entry or entry.get("status") != WAITING:
            return
        if (raised := raised_entry(self.data, entry, text)) is not None:
            await self._entry(room_id, raised)

    async def _entry(self, room_id: str, entry: dict) -> None:
        self.queue[room_id] = entry  # decided before any await: a second claim now loses
        await put_entry(self.api, self.crypto, self.queue_room, room_id, entry)  # its words sealed: sealing.py

    async def _publish(self, room_id: str, state: flow.IntakeState, answered_at: int = 0) -> None:
        current = self.queue.get(room_id)
        if current and current.get("status") in (WAITING, TAKEN):
            return  # already published: never twice
        await self._entry(room_id, {
            "status": WAITING, "alias": pseudonym(room_id), "tier": state.tier, "minutes": state.minutes,
            "price": self.data.prices.get((state.tier, state.minutes), 0), "topic": state.topic,
            "intake_risk_answer": state.risk_answer, "risk": state.risk, "arrived_at": now_ms(),
            "answered_at": answered_at or now_ms(), "handover": "", "imminent": state.imminent,
        })

    async def _client_left(self, room_id: str) -> None:
        entry = self.queue.get(room_id)
        if entry and entry.get("status") in (WAITING, TAKEN):
            await self._entry(room_id, closed_entry(entry, LEFT, now_ms()))
        self.clients.pop(room_id, None)
        self.newest.pop(room_id, None)
        self.last_reply.pop(room_id, None)
        self._save()
        if self.purge:  # the room goes when its retention is over (left, or deleted with admin rights)
            self._forget_later(room_id)
            return
        try:
            await self.api.leave(room_id)
        except MatrixError as exc:
            log.info("leaving %s: %s", room_id, exc)

    # ---- what counselors ask of the intake --------------------------------------
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
            self._forget_later(room_id, now=True)  # a client's deletion request: their room goes now
            log.info("a client's deletion request: their room is deleted")
            return
        if not isinstance(room_id, str) or room_id not in self.queue:
            return
        entry = self.queue[room_id]
        if kind == CLAIM:
            if entry.get("status") == WAITING:  # someone was first otherwise; they already see it taken
                start = now_ms()
                await self._assign(room_id, dict(entry, started_at=start,
                                                 deadline=start + int(entry.get("minutes") or 30) * 60_000),
                                   sender, text_of(content.get("name"), NAME_CHARS) or sender)
            return
        if entry.get("status") != TAKEN or entry.get("taken_by") != sender:
            log.warning("dropped a %s for a session that is not the sender's", kind)
            return
        if kind == END:
            await self._entry(room_id, closed_entry(entry, "closed", now_ms()))
            self._forget_later(room_id)
            if room_id in self.clients:  # a client who writes again later starts a new intake
                self._keep(room_id, flow.IntakeState())
                self._save()
            return
        note, to = text_of(content.get("note"), NOTE_CHARS), content.get("to")
        flags = content.get("flags")
        flags = flags if isinstance(flags, list) else []
        entry = dict(entry, flags=sorted({f for f in flags if isinstance(f, str) and 0 < len(f) <= 64})[:30])
        if to and to in self.roster.counselors and to != sender:
            await self._assign(room_id, dict(entry, handover=note), to,
                               text_of(content.get("to_name"), NAME_CHARS) or to)
        else:  # back to the queue, with the note for whoever takes the client next
            back = {k: v for k, v in entry.items() if k not in ("taken_by", "taken_by_name", "taken_at",
                                                                "started_at", "deadline")}
            await self._entry(room_id, dict(back, status=WAITING, handover=note, arrived_at=now_ms()))
            await self._reply(room_id, ["intake.returned"])
        try:
            await self.api.kick(room_id, sender, "handover")
        except MatrixError as exc:  # a client's room may not give us that power; the workstation leaves itself
            log.info("could not remove the previous counselor: %s", exc.errcode)

    async def _assign(self, room_id: str, entry: dict, counselor: str, name: str) -> None:
        names = dict(obj(entry.get("names")), **{counselor: name})
        taken = dict(entry, status=TAKEN, taken_by=counselor, taken_by_name=name, taken_at=now_ms(), names=names)
        self.queue[room_id] = taken  # decided before any await: a second claim now loses
        try:  # invited before the entry says so, so the counselor's join never races the invitation
            await self.api.invite(room_id, counselor)
        except MatrixError as exc:
            if exc.errcode != "M_FORBIDDEN" or "already in the room" not in str(exc):
                log.warning("could not invite the counselor into %s: %s", room_id, exc.errcode)
        await self._entry(room_id, taken)
        try:  # so that what the client wrote before the counselor came can be read by them
            await self.crypto.forward_room_keys(room_id, counselor) if self.crypto else None
        except Exception as exc:  # noqa: BLE001 - nio's errors vary; the counselor then sees placeholders
            log.warning("could not forward the room keys to the counselor: %s", type(exc).__name__)

    # ---- sending ----------------------------------------------------------------
    async def _reply(self, room_id: str, keys: Sequence[flow.Reply]) -> None:
        both = {lang: Catalogue(self.data.strings, lang) for lang in ("id", "en")}
        for item in keys:
            key, values = (item, {}) if isinstance(item, str) else item
            body = f"{both['id'](key, **values)}\n\n{both['en'](key, **values)}"
            self._txn += 1
            event_type, content = "m.room.message", {"msgtype": "m.text", "body": body}
            if self.crypto is not None and await self.crypto.is_encrypted(room_id, self.api):
                event_type, content = await self.crypto.encrypt(room_id, event_type, content)
            await self.api.send(room_id, event_type, content, f"intake-{now_ms()}-{self._txn}")
