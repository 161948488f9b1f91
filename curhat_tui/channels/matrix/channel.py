"""The Matrix channel: real clients in Matrix rooms (or bridged chat apps), on the trust model.

The queue and every session fact come from the intake's queue room (only the intake writes its
state); a client room is joined only when that queue says it is ours; the client's words are read
by `ClientRoomReader`. Claims, handovers and ends are requests to the intake, sent in the queue
room. The one sync loop (`sync.SyncLoop`) is shared with the supervision link; outgoing messages
carry the outbox's transaction id, so a retry never makes a second message. See protocol.py for the rooms and
event types."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import httpx

from curhat_tui.channels.base import (
    Channel,
    ClaimFailed,
    ClientArrived,
    ClientLeft,
    ClientTaken,
    ConnectionChanged,
    Delivered,
    Emit,
    SendHeld,
    SessionAssigned,
    SessionGone,
)
from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.client_room import ClientRoomReader
from curhat_tui.channels.matrix.duty import DutyRoster
from curhat_tui.channels.matrix.entries import handover_state, visit_of
from curhat_tui.channels.matrix.history import fill_in_decrypted, read_earlier
from curhat_tui.channels.matrix.joining import join_when_invited
from curhat_tui.channels.matrix.members import guarded
from curhat_tui.channels.matrix.protocol import (
    CLAIM,
    HANDOVER,
    QUEUE_ENTRY,
    TAKEN,
    WAITING,
    events_in,
    obj,
    seconds,
    section,
)
from curhat_tui.channels.matrix.relay import Relay, client_hash, freshest
from curhat_tui.channels.matrix.sealing import SealedEntries
from curhat_tui.channels.matrix.session_requests import SessionRequests, counselor_line
from curhat_tui.channels.matrix.staff import Staff, created_by, discover, invited_by
from curhat_tui.channels.matrix.sync import SyncLoop
from curhat_tui.channels.matrix.upgrade import HASH_ROOM, RoomUpgrades, tombstone_of
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Delivery, Message, Session, Visit
from curhat_tui.domain.provinces import known
from curhat_tui.domain.sanitize import clean
from curhat_tui.storage.sessions import CLIENT, ENCRYPTED, READERS_ALLOWED, REGION
from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.matrix")


class MatrixChannel(SessionRequests, Channel):
    simulated = False
    name = "matrix"

    def __init__(self, api: MatrixAPI, store: Store, clock: Clock, counselor_name: str, strings: dict, *,
                 staff: Staff, sync: SyncLoop | None = None, sync_timeout_ms: int = 20_000,
                 claim_timeout: float = 15.0) -> None:
        self.api, self.store, self.clock, self.counselor_name, self.strings, self.staff = (
            api, store, clock, counselor_name, strings, staff)
        self.sync = sync or SyncLoop(api, store.state.matrix_since, store.state.set_matrix_since,
                                     timeout_ms=sync_timeout_ms)
        self.claim_timeout = claim_timeout
        self.duty = DutyRoster(api, staff, counselor_name, self.sync)  # who is on duty, as the queue room says
        self.emit: Emit = lambda event: None
        self.room_to_session: dict[str, str] = {}
        self.room_since: dict[str, float] = {}  # from when the client's words are the session's
        self.queue: dict[str, dict] = {}
        self.state = "offline"
        self._claims: set[str] = set()
        self._earlier: dict[str, tuple[float, bool]] = {}  # rooms whose earlier words are still to read
        self._tasks: set[asyncio.Task] = set()
        self.relay = Relay(lambda: self.emit, store.sessions)  # who the client is; lines the room cannot give back
        self.reader = ClientRoomReader(lambda: self.api.user_id, staff, lambda: self.emit, self._catalogue,
                                       self._colleague, self.relay.client_of)
        self.sealed = SealedEntries(api, self.sync, staff)  # queue entries whose words we cannot open yet
        self.upgrades = RoomUpgrades(api, staff, self.reader)  # a client's room replaced by a new one (upgrade.py)

    # ---- life cycle -----------------------------------------------------------
    async def start(self, emit: Emit) -> None:
        self.emit = emit
        for session in self.store.sessions.open():
            state = self.store.sessions.channel_state(session.id)
            if isinstance(state.get("room_id"), str):
                self.room_to_session[state["room_id"]] = session.id
                self.room_since[state["room_id"]] = float(state.get("since") or state.get("started_at") or 0.0)
                self.relay.remember(session.id, state)
                self.upgrades.remember(session.id, state)
        self.sync.on_state = self._set_state
        if self.sync.crypto is not None:  # the intake forwards the keys of what a client wrote before we came
            self.sync.crypto.accept_forwards_from(self.staff.intake)
        self.sync.subscribe(self)
        self.sync.start()

    async def stop(self) -> None:
        await self.duty.stop(self.sync.stop)  # off duty first (duty.py)
        for task in list(self._tasks):
            task.cancel()
        await self.api.close()

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.emit(ConnectionChanged(state))

    def _colleague(self, session_id: str, user: str) -> str:
        """A colleague's name as the intake kept it with the session (their Matrix name part otherwise)."""
        state = self.store.sessions.channel_state(session_id)
        names = obj(self.queue.get(state.get(HASH_ROOM) or state.get("room_id", ""))).get("names")
        name = names.get(user) if isinstance(names, dict) else None
        return clean(name)[:60] if isinstance(name, str) and name else user.lstrip("@").split(":", 1)[0]

    def _catalogue(self, session_id: str) -> Catalogue:
        session = self.store.sessions.get(session_id)
        return Catalogue(self.strings, session.lang if session else "id")

    async def prepare(self) -> None:
        """Find the staff rooms (from the intake's invites); take the queue as it is now (who came, left, went)."""
        if not self.api.user_id:
            await self.api.whoami()
        if not self.staff.queue_room or self.staff.role_of(self.api.user_id) != "counselor":
            await discover(self.api, self.staff)
        current: dict[str, dict] = {}
        for event in await self.api.room_state(self.staff.queue_room):
            self.staff.take_state(self.staff.queue_room, event)
            if event.get("type") == QUEUE_ENTRY and event.get("sender") == self.staff.intake and isinstance(
                    event.get("state_key"), str):
                current[event["state_key"]] = event.get("content") or {}
        for visit in self.store.visits.waiting():
            if current.get(visit.id, {}).get("status") != WAITING:
                self.emit(ClientLeft(visit.id))
        for room_id, entry in current.items():
            self._queue_entry(room_id, entry)

    # ---- incoming -------------------------------------------------------------
    async def on_sync(self, rooms: dict, first: bool) -> None:
        if self.staff.queue_room and self.staff.queue_room in section(rooms, "leave"):
            self._off_roster()
            return
        await self.removed_from(rooms)  # a client who took us out of their room (session_requests.py)
        for room_id, invite in section(rooms, "invite").items():
            await self._invited(room_id, invite)
        for room_id, joined in section(rooms, "join").items():
            events = events_in(joined, "state", "timeline")
            if room_id in (self.staff.queue_room, self.staff.supervisors_room):
                self._staff_room(room_id, events)
            elif self.room_to_session.get(room_id):
                session_id = self.room_to_session[room_id]
                self.reader.events(session_id, events, self.room_since.get(room_id, 0.0))
                for new in self.upgrades.tombstones(room_id, session_id, events):  # the client's new room
                    self._background(self._follow(room_id, new, session_id))
                self.reader.ephemeral(session_id, events_in(joined, "ephemeral"))
        for room_id, entry in self.sealed.ready():  # the queue room's keys came: sealed words can be read now
            self._queue_entry(room_id, entry)
        await self._adopt()
        if self.sync.crypto is not None:  # encrypted lines whose keys have come since: their words replace the placeholder
            fill_in_decrypted(self.sync.crypto, self.reader, lambda sid: self.store.sessions.channel_state(sid).get(
                "room_id", ""), self._catalogue, self.emit)

    async def _invited(self, room_id: str, invite: dict) -> None:
        self.upgrades.invited(room_id, invite)  # kept: a client's move may name this room (upgrade.py)
        if room_id in self.upgrades.waiting:  # the room a client moved our session to: followed once checked
            self._background(self._follow(self.upgrades.waiting[room_id][0], room_id, self.upgrades.waiting[room_id][1]))
            return
        entry = self.queue.get(room_id) or {}
        mine = entry.get("status") == TAKEN and entry.get("taken_by") == self.api.user_id
        if mine and (room_id in self.room_to_session or room_id in self._claims):
            await self._join_quietly(room_id)  # our client's room (after a homeserver hiccup, say)
        elif invited_by(invite, self.api.user_id) == self.staff.intake == created_by(invite) and not mine and \
                room_id not in self.queue:  # a room the intake made (a client's room it invites us to is not)
            await self._join_quietly(room_id)  # a staff room the intake made anew: found at the next set-up
            self.sync.reprepare(self)
        # any other invitation is a stranger's: never joined

    def _off_roster(self) -> None:
        """The intake removed us from the queue room (taken off the roster, or the room was replaced): the
        queue empties here, and the next set-up finds the new room or says we are not on the roster."""
        log.warning("removed from the queue room; looking for the staff rooms again")
        for room_id, entry in self.queue.items():
            if entry.get("status") == WAITING:
                self.emit(ClientLeft(room_id))
        self.queue.clear()
        self.staff.queue_room = ""
        self.sync.reprepare(self)

    def _staff_room(self, room_id: str, events: list[dict]) -> None:
        for event in events:
            if event.get("sender") != self.staff.intake:
                continue  # only the intake writes the queue and the roster
            try:
                if self.staff.take_state(room_id, event):
                    log.info("the roster changed")
                if room_id == self.staff.queue_room and event.get("type") == QUEUE_ENTRY and isinstance(
                        event.get("state_key"), str):
                    self._queue_entry(event["state_key"], event.get("content") or {})
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                log.warning("dropped a malformed %s event: %s", str(event.get("type"))[:60], type(exc).__name__)

    async def _join_quietly(self, room_id: str) -> None:
        try:
            await self.api.join(room_id)
        except MatrixError as exc:
            log.warning("could not join %s: %s", room_id, exc)

    def _queue_entry(self, room_id: str, written: dict) -> None:
        if not isinstance(written, dict):
            log.warning("dropped a queue entry that is not an object")
            return
        entry = self.sealed.open(room_id, written)  # its words, sealed by the intake (sealing.py); None: held back
        if entry is None:
            return
        status, me = entry.get("status"), self.api.user_id
        if status == WAITING:
            if self.queue.get(room_id) == entry:
                return  # the same entry again (the server repeats state it already sent): one arrival
            try:
                visit = visit_of(room_id, entry)
            except (TypeError, ValueError, OverflowError) as exc:
                log.warning("dropped a malformed queue entry: %s", type(exc).__name__)
                return
            self.queue[room_id] = entry
            self._gone(room_id, "returned")
            self.emit(ClientArrived(visit))
            return
        self.queue[room_id] = entry
        if status == TAKEN and entry.get("taken_by") == me:
            if self.room_to_session.get(here := self.upgrades.here(room_id)):  # ours: lines it relays are the session's
                self.relay.arrived(room_id, self.room_to_session[here], entry)
            elif here not in self.room_to_session and room_id not in self._claims:
                self.room_to_session[room_id] = ""  # handed to us by a colleague: reserved, adopted after the batch
            return
        self._gone(room_id, "handed_away" if status == TAKEN else "left" if status == "left" else "closed")
        if status == TAKEN:
            self.emit(ClientTaken(room_id, clean(str(entry.get("taken_by_name") or ""))[:60]))
        else:
            self.emit(ClientLeft(room_id))

    def _gone(self, room_id: str, reason: str) -> None:
        """Our session in this room is over on the intake's word (handed away, ended, the client left)."""
        here = self.upgrades.moved.pop(room_id, room_id)  # where the client moved the session to; forgotten now
        session_id = self.room_to_session.pop(here, None)
        if session_id:
            self.emit(SessionGone(session_id, reason))
            for room in {room_id, here}:
                self._background(self._leave(room))

    async def _leave(self, room_id: str) -> None:
        try:
            await self.api.leave(room_id)
            await self.api.forget(room_id)
        except (MatrixError, httpx.HTTPError) as exc:
            log.info("leaving %s: %s", room_id, exc)

    def _background(self, coro) -> None:  # noqa: ANN001
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _adopt(self) -> None:
        """Join rooms a colleague handed to us and open them as sessions, with the intake's facts."""
        for room_id in [r for r, s in self.room_to_session.items() if s == ""]:
            entry = self.queue.get(room_id) or {}
            try:
                visit = visit_of(room_id, entry)
                await self.api.join(room_id)
            except (MatrixError, TypeError, ValueError) as exc:
                log.warning("could not take over a session: %s", type(exc).__name__)
                self.room_to_session.pop(room_id, None)
                continue
            started = seconds(entry.get("started_at"))
            self.room_since[room_id] = started
            self._earlier[room_id] = (started, True)
            self.relay.hold(room_id, entry)
            self.emit(SessionAssigned(visit, started, seconds(entry.get("deadline")),
                                      {"room_id": room_id, "started_at": started, "since": started,
                                       ENCRYPTED: await self._encrypted(room_id), CLIENT: client_hash(entry),
                                       **handover_state(entry),
                                       REGION: known(entry.get("region"))}))

    def opened(self, session: Session) -> None:
        room = (state := self.store.sessions.channel_state(session.id)).get("room_id")
        if room:
            self.room_to_session[room] = session.id
            self.relay.opened(room, session.id, state)  # the session is stored: lines the room cannot give back
            earlier = self._earlier.pop(room, None)
            if earlier is not None:  # the session is stored now: the client's earlier words can follow
                self._background(self._read_earlier(room, session.id, *earlier))
            self._background(self._moved_before(room, session.id))

    async def _moved_before(self, room: str, session_id: str) -> None:
        """A client who replaced their room before we came (while waiting) is followed there (upgrade.py)."""
        for new in self.upgrades.tombstones(room, session_id, await tombstone_of(self.api, room)):
            await self._follow(room, new, session_id)

    async def _read_earlier(self, room_id: str, session_id: str, since: float, handed_over: bool) -> None:
        await read_earlier(self.api, self.sync, self.reader, room_id, session_id, since, handed_over=handed_over)

    async def _follow(self, old: str, new: str, session_id: str) -> None:
        """The client replaced the session's room with `new`: once it passes upgrade.py's checks, the session
        lives there (same session, its channel state saying so; pending lines go there; a restart resumes there)."""
        if self.room_to_session.get(old) != session_id or not await self.upgrades.follow(old, new, session_id):
            return
        state = self.store.sessions.channel_state(session_id)
        first = state.get(HASH_ROOM) or old
        self.store.sessions.update(session_id, channel_state={**state, "room_id": new, HASH_ROOM: first})
        self.upgrades.moved[first] = new
        self.room_to_session.pop(old, None)
        self.room_to_session[new] = session_id
        self.room_since[new] = since = self.room_since.pop(old, 0.0)
        log.info("followed a client's room upgrade (session %s)", session_id)
        await self._read_earlier(new, session_id, since, False)  # what they wrote there before we came

    # ---- outgoing -------------------------------------------------------------
    async def claim(self, visit: Visit, session: Session) -> dict:
        room_id = visit.id
        region = known((self.queue.get(room_id) or {}).get("region"))  # the intake's, opened; only a province name
        self._claims.add(room_id)
        try:
            await self.api.send(self.staff.queue_room, CLAIM, {"room_id": room_id, "name": self.counselor_name},
                                f"claim-{session.id}")
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.claim_timeout
            while loop.time() < deadline:
                entry = await self.api.get_state(self.staff.queue_room, QUEUE_ENTRY, room_id) or {}
                status = entry.get("status")
                if status == TAKEN and entry.get("taken_by") == self.api.user_id:
                    try:
                        await join_when_invited(self.api, room_id, deadline)
                    except ClaimFailed:  # won, but the room will not have us: back to the queue, not stranded
                        await self.api.send(self.staff.queue_room, HANDOVER, {"room_id": room_id, "note": "", "to": ""},
                                            f"unclaim-{session.id}")
                        raise
                    shown = self.queue.get(room_id)  # sync's copy, words opened (the newest the keys allowed)
                    self.queue[room_id] = entry = freshest(self.sealed, room_id, entry, shown)
                    self.room_to_session[room_id] = session.id
                    client = self.relay.claimed(room_id, session.id, shown, entry)
                    # what the client wrote while queued is part of the session: from their last intake answer on
                    answered = seconds(entry.get("answered_at")) or seconds(entry.get("started_at"))
                    self.room_since[room_id] = answered
                    self._earlier[room_id] = (answered, False)
                    return {"room_id": room_id, "started_at": seconds(entry.get("started_at")),
                            ENCRYPTED: await self._encrypted(room_id), CLIENT: client,
                            "deadline": seconds(entry.get("deadline")), "since": answered,
                            **handover_state(entry),
                            REGION: region}
                if status == TAKEN:
                    raise ClaimFailed("taken", clean(str(entry.get("taken_by_name") or ""))[:60])
                if status != WAITING:
                    raise ClaimFailed("left")
                await asyncio.sleep(0.15)
            raise ClaimFailed("timeout")
        finally:
            self._claims.discard(room_id)

    def _room(self, session: Session) -> str:
        if room := self.store.sessions.channel_state(session.id).get("room_id"):
            return room
        raise KeyError(f"session {session.id} has no Matrix room")

    async def _encrypted(self, room_id: str) -> bool:  # whether the client's room is end-to-end encrypted (the header)
        with contextlib.suppress(MatrixError):
            return bool(await self.api.get_state(room_id, "m.room.encryption"))
        return False

    async def _send(self, room: str, event_type: str, content: dict, txn: str, may_read=None) -> bool:  # noqa: ANN001
        """Send into a client's room, encrypted when the room is (the outbox's transaction id either way; the room key
        shared only with those `may_read` passes, when given: members.guarded). Whether it was encrypted."""
        crypto = self.sync.crypto
        if encrypted := crypto is not None and await crypto.is_encrypted(room, self.api):
            event_type, content = await crypto.encrypt(room, event_type, content, may_read)
        await self.api.send(room, event_type, content, txn)
        return bool(encrypted)

    async def send(self, session: Session, message: Message) -> None:
        room = self._room(session)
        if notice := self.upgrades.held(session.id, message.txn_id or ""):  # a refused move: said once (upgrade.py)
            raise SendHeld(notice)
        let_read = self.store.sessions.channel_state(session.id).get(READERS_ALLOWED, ())  # the counselor's choice
        await guarded(self.api, room, self.staff, self.reader, session.id, let_read, lambda rule: self._send(
            room, "m.room.message", counselor_line(self.store, session.id, message), message.txn_id or "", rule),
            lambda: self.emit(Delivered(message.txn_id, Delivery.SENT)), self.sync.crypto, self.store.sessions)

    async def typing(self, session: Session, typing: bool) -> None:
        with contextlib.suppress(MatrixError, httpx.HTTPError, KeyError):  # a typing notice lost is no loss
            await self.api.typing(self._room(session), typing)
