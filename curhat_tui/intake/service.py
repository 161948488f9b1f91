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
import functools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.entries import reply_body
from curhat_tui.channels.matrix.protocol import (
    TAKEN,
    WAITING,
    content_of,
    events_in,
    obj,
    section,
)
from curhat_tui.channels.matrix.sealing import QueueKeys
from curhat_tui.channels.matrix.staff import invited_by
from curhat_tui.channels.matrix.sync import SyncLoop
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain import intake as flow
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Risk
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.intake import relay
from curhat_tui.intake.admission import JoinRetries, open_to_anyone
from curhat_tui.intake.answer_order import AnswerOrder
from curhat_tui.intake.delivery import send_in_order
from curhat_tui.intake.purging import Purging
from curhat_tui.intake.queueing import QueueWriting
from curhat_tui.intake.requests import StaffRequests
from curhat_tui.intake.risk_words import answer_verdict
from curhat_tui.intake.server_purge import ServerPurge, now_ms
from curhat_tui.intake.state_file import read_state, write_state
from curhat_tui.intake.successors import MovedRooms, successors

if TYPE_CHECKING:
    from curhat_tui.channels.matrix.crypto import Crypto
from curhat_tui.intake.staff_rooms import Roster, read_queue, setup_staff_rooms

log = logging.getLogger("curhat.intake")
INTAKE_REPLY_GAP = 1.0  # seconds: the intake answers one client at most this often


@dataclass
class IntakeService(QueueWriting, StaffRequests, MovedRooms, AnswerOrder, Purging):
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
    # room id -> the client's latest lines while waiting, (event id, text): a new one is read with them for risk
    # (domain.bursts). In memory only, never in the state file; gone when the wait ends
    waiting_said: dict[str, list[tuple[object, str]]] = field(default_factory=dict)
    last_reply: dict[str, float] = field(default_factory=dict)  # room id -> when it was last answered (monotonic)
    deferred: set[str] = field(default_factory=set)  # rooms whose newest line waits for the reply gap
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)  # room id -> held while it is read or answered
    unwritten: set[str] = field(default_factory=set)  # rooms whose queue entry the server refused: written again
    written_at: dict[str, float] = field(default_factory=dict)  # room id -> when its entry was last written
    tasks: set[asyncio.Task] = field(default_factory=set)
    sync_timeout_ms: int = 10_000
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)  # how long client rooms stay on the server
    crypto: Crypto | None = None  # end-to-end encryption: clients' encrypted rooms are read and answered
    _txn: int = 0
    stopped: bool = False

    def __post_init__(self) -> None:
        self.roster = Roster.of(self.counselors, self.supervisors)
        self.purge: ServerPurge | None = None
        self.joins = JoinRetries()
        self.taken_up: set[str] = set()  # rooms whose assigned counselor has been seen in them
        self._purging: asyncio.Task | None = None
        self.uncleared: dict[str, bool] = {}  # deleted clients' entries still to redact -> keep the current one
        self.deleting: set[str] = set()  # rooms being deleted now (purging.py)
        self.held: dict[str, list[dict]] = {}  # room id -> batches read while it was being deleted
        self.unsure: dict[str, int] = {}  # room id -> purge rounds its deletion ended with no answer

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
        self.sync.after_batch.append(self._write_again)
        self.sync.after_batch.append(self._join_again)
        self.sync.after_batch.append(self._not_taken_up)
        self.sync.after_batch.append(self._resume_answers)  # after the first batch: the catch-up is read first
        try:
            await self.sync.run()
        finally:
            for task in list(self.tasks):
                task.cancel()

    async def _join_again(self) -> None:
        for room_id, invite in self.joins.due():
            await self._invited(room_id, invite)

    def _saved_since(self, token: str) -> None:
        self.since = token
        self._save()
        if self.stopped:
            self.sync._stopping = True

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
        for room_id, joined in section(rooms, "join").items():  # answers first: an end in this batch comes after
            if (first := room_id if room_id in self.clients else self._first_of(room_id)) and first in self.clients:
                relay.note_answered(self.clients[first], self.queue.get(first) or {}, joined)
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
                if not successors(self.clients[room_id]):  # a client who moved on talks in the newest room
                    client_rooms.append(self._client_room(room_id, joined, initial))
            elif (first := self._first_of(room_id)) and room_id == self._talk_room(first):
                client_rooms.append(self._client_room(first, joined, initial))  # the same client, moved here
        # each client's conversation is independent: serve them side by side, not in a line
        for result in await asyncio.gather(*client_rooms, return_exceptions=True):
            if isinstance(result, Exception):
                log.warning("handling a client room failed: %s", type(result).__name__)
        for room_id in section(rooms, "leave"):
            if room_id in self.deleting:
                continue  # the intake itself taken out by the room's deletion, which forgets the room when done
            async with self._room_lock(room_id):  # after an answer being given there, never in its middle
                if room_id in self.clients:
                    await self._client_left(room_id)
            self._drop_lock(room_id)

    # ---- client rooms -----------------------------------------------------------
    def _state(self, room_id: str) -> flow.IntakeState:
        return flow.IntakeState.from_dict(obj(self.clients.get(room_id)).get("intake"))

    def _keep(self, room_id: str, state: flow.IntakeState) -> None:
        self.clients.setdefault(room_id, {})["intake"] = state.to_dict()

    async def _invited(self, room_id: str, invite: dict) -> None:
        client = invited_by(invite, self.api.user_id)
        if not client or room_id in (self.queue_room, self.supervisors_room) or room_id in self.clients:
            return
        if await self._moved_here(room_id, invite, client):  # a client's room replaced: not a new client
            return
        # `served`: none yet (a record without it is from before the intake kept who served: admission.may_forget)
        self.clients[room_id] = {"client": client, "intake": flow.IntakeState().to_dict(), "served": []}
        try:
            await self.api.join(room_id)
            refused = await open_to_anyone(self.api, room_id)
        except (MatrixError, httpx.HTTPError, OSError) as exc:
            log.warning("could not join a client room (%s); it is tried again", type(exc).__name__)
            self.clients.pop(room_id, None)
            self.joins.failed(room_id, invite, exc)
            return
        self.joins.joined(room_id)
        if refused:  # a room anyone may join: said once, then left; nothing of it is kept
            log.warning("refused a client room anyone may join")
            self.clients.pop(room_id, None)
            try:
                await self._reply(room_id, ["intake.open_room"])
                await self.api.leave(room_id)
            except MatrixError as exc:
                log.info("refusing a room: %s", exc.errcode)
            return
        await self._start(room_id)
        await self.purge.retention_state(room_id) if self.purge else None  # after the greeting, never before

    async def _start(self, room_id: str) -> None:
        state = flow.IntakeState()
        replies = flow.start(state)
        self._keep(room_id, state)
        self._save()
        await self._reply(room_id, replies)

    async def _client_room(self, room_id: str, joined: dict, initial: bool) -> None:
        """A batch of a client's room, read never while the room's answer is being given (a deferred one: a line
        read meanwhile found no entry yet and was lost for risk, and a client who left then was queued anyway)."""
        if not self._hold_back(room_id, joined):  # unless the room is being deleted (purging.py)
            await self._read_batch(room_id, joined, initial)

    async def _read_batch(self, room_id: str, joined: dict, initial: bool) -> None:
        async with self._room_lock(room_id):
            answer_now = room_id in self.clients and await self._read_room(room_id, joined, initial)
        self._drop_lock(room_id)  # when the client left in this batch
        if answer_now:
            await self._answer_newest(room_id, 0.0)

    async def _read_room(self, room_id: str, joined: dict, initial: bool) -> bool:
        client = self.clients[room_id].get("client")
        said: list[dict] = []
        for event in events_in(joined, "state", "timeline"):  # a setting the server let someone change, from anyone
            if event.get("type") == "m.room.history_visibility" and event.get("state_key") == "":
                self.clients[room_id]["hides"] = content_of(event).get("history_visibility") in relay.HIDDEN
        for event in events_in(joined, "timeline"):
            if event.get("sender") != client:
                continue  # only the client's words count here; nothing else in a client's room is believed
            kind, content = event.get("type"), content_of(event)
            if kind == "m.room.member" and content.get("membership") in ("leave", "ban"):
                if event.get("state_key") == client:  # the client leaving; not the client taking someone else out
                    await self._client_left(room_id)
                    return False
                entry = self.queue.get(room_id) or {}
                if entry.get("status") == TAKEN and entry.get("taken_by") == event.get("state_key"):
                    await self._session_over(room_id, entry)  # they took their counselor out, whose workstation
                    continue  # may be off: the session is over, and their next line starts a new intake
            if kind == "m.room.message" and not initial and isinstance(body := reply_body(content), str):
                said.append(dict(event, content=dict(content, body=body)))  # a reply: read without the quoted line
            if kind == "m.room.redaction":  # a line the client deleted is not carried to anyone
                self._unsay(room_id, event.get("redacts") or content.get("redacts"))
        if not said:
            return False
        state = self._state(room_id)
        if state.step not in flow.QUEUED_STEPS:  # every line read for risk, not only the one answered
            answers = state.step in ("topic", "risk")  # the newest becomes the topic or the risk answer, shown
            for event in said[:-1] if answers else said:
                if relay.note_intake_line(self.clients[room_id], event, self.data):
                    self._save()
        if state.step in flow.QUEUED_STEPS:  # queued or with a counselor: every line counts for the risk
            for event in said:
                await self._waiting_words(room_id, event)
            if state.step == "region" and (self.queue.get(room_id) or {}).get("status") != WAITING:
                state.step = "queued"  # with a counselor (or gone) before answering where: not asked any more
                self._keep(room_id, state)
                self._save()
            if state.step == "queued":
                return False  # asked for their province ("region") while waiting: the newest line is also the answer
        # in the intake conversation the newest line is the answer, answered at most once a second: a flood gets
        # a few replies, a quick answer waits a moment but is never dropped, and no client holds up the others
        replaced = self.newest.get(room_id)  # a line waiting to be the answer, overtaken: it is read for risk too
        if replaced is not None and state.step in ("topic", "risk") and relay.note_intake_line(
                self.clients[room_id], replaced, self.data):
            self._save()
        if said[-1].get("event_id") is not None and said[-1].get("event_id") == self.clients[room_id].get("answered"):
            return False  # a batch read again after a stop: its line was answered already
        self.newest[room_id] = said[-1]
        # kept in the state file with the sync position of this batch: an answer still waiting when the intake
        # stops is given when it starts again, not skipped with the batch it came in (_resume_answers)
        self.clients[room_id]["pending"] = {k: said[-1].get(k) for k in ("event_id", "origin_server_ts", "content")}
        if room_id in self.deferred:
            return False  # the waiting task answers the newest line
        wait = self.last_reply.get(room_id, -INTAKE_REPLY_GAP) + INTAKE_REPLY_GAP - time.monotonic()
        if wait > 0:
            self._defer_answer(room_id, wait)
            return False
        return True

    async def _answer_newest(self, room_id: str, wait: float) -> None:
        if wait:
            await asyncio.sleep(wait)
        async with self._room_lock(room_id):  # one thing at a time in a room: the loop's reading waits for this
            self.deferred.discard(room_id)
            event = self.newest.pop(room_id, None)
            if event is None or room_id not in self.clients:
                return
            self._answering(room_id, event)
            self.last_reply[room_id] = time.monotonic()
            try:
                await self._answer(room_id, event["content"]["body"], event.get("origin_server_ts"))
            except MatrixError as exc:
                log.warning("could not answer in %s: %s %s", room_id, exc.status, exc.errcode)
            except (TypeError, ValueError, KeyError, AttributeError, RuntimeError, httpx.HTTPError, OSError) as exc:
                log.warning("could not answer in %s: %s", room_id, type(exc).__name__)  # never a task dying unheard

    async def _answer(self, room_id: str, text: str, sent_ms: object = None) -> None:
        state = self._state(room_id)
        if state.step == "new":  # a client back after an ended session: a new intake, in a room kept for it
            if not await self._back_in_danger(room_id, sent_ms):
                await self._start(room_id)
            return
        if state.step == "queued":
            return  # read for risk as it came (_client_room)
        asked_where, was = state.step == "region", state.step
        replies = flow.advance(state, text, now_ms(), *answer_verdict(self.data, text))  # items, imminent
        self._keep(room_id, state)
        self._save()
        if was == "risk" and state.step in flow.QUEUED_STEPS:  # the intake's last answer: into the queue, once
            # the server's time of the last answer: the client's words after it are the waiting period's
            if not await self._publish(room_id, state, answered_at=sent_ms if isinstance(sent_ms, int) else now_ms()):
                await self._reply(room_id, ["intake.one_room"])
                return
        entry = self.queue.get(room_id) or {}
        if asked_where:  # where they live, answered: kept only while they wait; a counselor's client is not answered
            if entry.get("status") != WAITING:
                return
            if state.region:
                await self._entry(room_id, {**entry, "region": state.region})
        await self._reply(room_id, replies)

    def _unsay(self, room_id: str, event_id: object) -> None:
        known = self.clients[room_id]
        self._unpend(room_id, event_id)  # a deleted line is not the answer either
        if room_id in self.waiting_said:  # nor read with the next line for risk
            self.waiting_said[room_id] = [line for line in self.waiting_said[room_id] if line[0] != event_id]
        lines = [line for line in known.get("said") or [] if line[0] != event_id]
        if len(lines) != len(known.get("said") or []):
            known["said"] = lines
            self._save()
            if room_id in self.queue and self.queue[room_id].get("said"):
                self._carry(room_id, lines)

    async def _back_in_danger(self, room_id: str, sent_ms: object) -> bool:
        """A client who, right after their session, writes what the detector reads as high or imminent risk is put
        back in the queue at once, with the same package and the words carried (they consented in this room);
        asking for consent again first would leave the words with no one."""
        known = self.clients[room_id]
        carried, last = known.get("said_risk") or [0, False], known.get("last")
        if not isinstance(last, dict) or not (carried[0] >= Risk.HIGH or carried[1]):
            return False
        state = flow.IntakeState.from_dict(dict(last, step="queued", consent=True, risk=int(Risk.HIGH)))
        self._keep(room_id, state)
        self._save()
        if await self._publish(room_id, state, answered_at=sent_ms if isinstance(sent_ms, int) else now_ms()):
            await self._reply(room_id, ["intake.queued_urgent"])
        return True

    # ---- sending ----------------------------------------------------------------
    async def _reply(self, room_id: str, keys: Sequence[flow.Reply]) -> None:
        room_id = self._talk_room(room_id)  # where the client is now (successors.py)
        both = {lang: Catalogue(self.data.strings, lang) for lang in ("id", "en")}
        sends = []
        for item in keys:
            key, values = (item, {}) if isinstance(item, str) else item
            body = f"{both['id'](key, **values)}\n\n{both['en'](key, **values)}"
            self._txn += 1
            event_type, content = "m.room.message", {"msgtype": "m.text", "body": body}
            if self.crypto is not None and await self.crypto.is_encrypted(room_id, self.api):
                event_type, content = await self.crypto.encrypt(room_id, event_type, content)
            sends.append(functools.partial(self.api.send, room_id, event_type, content, f"intake-{now_ms()}-{self._txn}"))
        await send_in_order(sends, self.tasks)  # a failing send goes again beside the loop (delivery.py)
