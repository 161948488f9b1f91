"""The Matrix channel: real clients in Matrix rooms (or bridged chat apps), over plain HTTP.

A long-poll /sync loop runs in an asyncio task, always advancing `since` (kept in the
store so a restart catches up instead of replaying), with backoff and a visible
connection state. Outgoing messages carry the outbox's transaction id, so a retry
after a dropped connection or a homeserver restart never makes a second message.
See matrix_protocol.py for the rooms and event types.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from curhat_tui.channels.base import (
    Channel,
    ClaimFailed,
    ClientArrived,
    ClientLeft,
    ClientRead,
    ClientTaken,
    ConnectionChanged,
    Delivered,
    Emit,
    MessageReceived,
    SessionAssigned,
    TypingChanged,
)
from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.entries import client_text, visit_of
from curhat_tui.channels.matrix.protocol import (
    ALERT,
    CLAIM,
    ENDED,
    QUEUE_ALIAS,
    QUEUE_ENTRY,
    SESSION,
    SUPERVISORS_ALIAS,
    TAKEN,
    TRANSFER,
    WAITING,
    alias,
)
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Delivery, Message, Session, Visit
from curhat_tui.storage.sessions import HANDOVER
from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.matrix")


class MatrixChannel(Channel):
    simulated = False
    name = "matrix"

    def __init__(self, api: MatrixAPI, store: Store, clock: Clock, counselor_name: str, strings: dict,
                 sync_timeout_ms: int = 20_000, claim_timeout: float = 15.0) -> None:
        self.api = api
        self.store = store
        self.clock = clock
        self.counselor_name = counselor_name
        self.strings = strings
        self.sync_timeout_ms = sync_timeout_ms
        self.claim_timeout = claim_timeout
        self.emit: Emit = lambda event: None
        self.queue_room = ""
        self.supervisors_room = ""
        self.room_to_session: dict[str, str] = {}
        self.queue: dict[str, dict] = {}
        self.state = "offline"
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._to_adopt: set[str] = set()
        self.room_client: dict[str, str] = {}  # the client's user id in each session room
        self.room_since: dict[str, float] = {}  # from when the client's words are the session's (queue entry on)
        self._backfill_from: dict[str, float] = {}  # claimed rooms whose waiting-period messages are still to read
        self._tasks: set[asyncio.Task] = set()

    # ---- life cycle -----------------------------------------------------------
    async def start(self, emit: Emit) -> None:
        self.emit = emit
        for session in self.store.sessions.open():
            state = self.store.sessions.channel_state(session.id)
            if state.get("room_id"):
                self.room_to_session[state["room_id"]] = session.id
                self.room_client[state["room_id"]] = state.get("client", "")
                self.room_since[state["room_id"]] = state.get("since", state.get("started_at", 0.0))
        self._task = asyncio.create_task(self._run(), name="matrix-sync")

    async def stop(self) -> None:
        self._stopping = True
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        await self.api.close()

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.emit(ConnectionChanged(state))

    async def _connect(self) -> None:
        if not self.api.user_id:
            await self.api.whoami()
        self.queue_room = await self.api.join(alias(QUEUE_ALIAS, self.api.user_id))
        try:
            self.supervisors_room = await self.api.join(alias(SUPERVISORS_ALIAS, self.api.user_id))
        except MatrixError as exc:
            log.warning("no supervisors' room: %s", exc)
        # the whole queue as it is now: arrivals, and who left or was taken while we were away
        current: dict[str, dict] = {}
        for event in await self.api.room_state(self.queue_room):
            if event.get("type") == QUEUE_ENTRY:
                current[event["state_key"]] = event.get("content") or {}
        for visit in self.store.visits.waiting():
            if visit.id not in current or current[visit.id].get("status") != WAITING:
                self.emit(ClientLeft(visit.id))
        for room_id, entry in current.items():
            self._queue_entry(room_id, entry)

    async def _run(self) -> None:
        backoff = 0.5
        connected = False
        since = self.store.state.matrix_since()
        while not self._stopping:
            try:
                if not connected:
                    await self._connect()
                    connected = True
                data = await self.api.sync(since, timeout_ms=self.sync_timeout_ms)
            except asyncio.CancelledError:
                raise
            except (httpx.HTTPError, OSError, MatrixError, ValueError) as exc:
                log.warning("sync failed (%s); retrying in %.1fs", exc, backoff)
                if isinstance(exc, MatrixError) and exc.status in (401, 403) and exc.errcode == "M_UNKNOWN_TOKEN":
                    self._set_state("offline")
                    return
                self._set_state("reconnecting" if backoff < 30 else "offline")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 0.5
            self._set_state("connected")
            try:
                await self._handle(data)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a batch no event of which can stop the loop; `since` moves on
                log.warning("handling a sync batch failed (%s); the batch is skipped", type(exc).__name__)
            since = data.get("next_batch", since)
            if since:
                self.store.state.set_matrix_since(since)

    # ---- incoming -------------------------------------------------------------
    async def _handle(self, data: dict) -> None:
        rooms = data.get("rooms", {})
        for room_id in rooms.get("invite", {}):
            if room_id in self.room_to_session:
                await self._join_quietly(room_id)
        for room_id, joined in rooms.get("join", {}).items():
            try:
                await self._joined_room(room_id, joined)
            except asyncio.CancelledError:
                raise
            except (TypeError, ValueError, KeyError, AttributeError) as exc:  # one room's bad event, not the rest
                log.warning("dropped what %s brought in this batch: %s", room_id, type(exc).__name__)

    async def _joined_room(self, room_id: str, joined: dict) -> None:
        events = joined.get("state", {}).get("events", []) + joined.get("timeline", {}).get("events", [])
        if room_id == self.queue_room:
            for event in events:
                if event.get("type") == QUEUE_ENTRY and isinstance(event.get("state_key"), str):
                    self._queue_entry(event["state_key"], event.get("content") or {})
            await self._adopt_assigned()
            return
        if room_id == self.supervisors_room:
            return
        await self._client_room(room_id, events, joined.get("ephemeral", {}).get("events", []))

    async def _join_quietly(self, room_id: str) -> None:
        try:
            await self.api.join(room_id)
        except MatrixError as exc:
            log.warning("could not join %s: %s", room_id, exc)

    def _queue_entry(self, room_id: str, entry: dict) -> None:
        if not isinstance(entry, dict):
            log.warning("dropped a queue entry that is not an object (%s)", room_id)
            return
        status = entry.get("status")
        if status == WAITING:
            try:
                visit = visit_of(room_id, entry)
            except (TypeError, ValueError, OverflowError) as exc:
                log.warning("dropped a malformed queue entry for %s: %s", room_id, type(exc).__name__)
                return
            self.queue[room_id] = entry
            self.emit(ClientArrived(visit))
            return
        self.queue[room_id] = entry
        if status == TAKEN and entry.get("taken_by") != self.api.user_id:
            self.emit(ClientTaken(room_id, str(entry.get("taken_by_name") or entry.get("taken_by", ""))))
        elif status == TAKEN and room_id not in self.room_to_session and not self._claiming(room_id):
            self._to_adopt.add(room_id)  # handed to us by a colleague's transfer
        elif status != TAKEN:
            self.emit(ClientLeft(room_id))

    async def _client_room(self, room_id: str, events: list[dict], ephemeral: list[dict]) -> None:
        me = self.api.user_id
        session_id = self.room_to_session.get(room_id)
        if not session_id:
            return
        for event in events:
            kind, sender, content = event.get("type"), event.get("sender"), event.get("content") or {}
            if kind not in ("m.room.message", "m.sticker"):
                continue
            if sender == me:
                txn = (event.get("unsigned") or {}).get("transaction_id")
                if txn:
                    self.emit(Delivered(txn, Delivery.SENT))
                continue
            body = self._client_text(session_id, kind, content)
            ts = (event.get("origin_server_ts") or 0) / 1000
            client = self.room_client.get(room_id)
            if client and sender != client:
                continue  # the intake's questions (or anyone else) are not the client's words
            if ts and ts <= self.room_since.get(room_id, 0.0):
                continue  # the intake conversation, already summarised in the queue entry
            if isinstance(body, str):
                self.emit(MessageReceived(session_id, body, ts, event.get("event_id", "")))
        for event in ephemeral:
            if event.get("type") == "m.typing":
                typing = [u for u in event.get("content", {}).get("user_ids", []) if u != me]
                self.emit(TypingChanged(session_id, bool(typing)))
            elif event.get("type") == "m.receipt":
                readers = {user for receipts in event.get("content", {}).values()
                           for users in receipts.values() for user in users}
                if readers - {me}:
                    self.emit(ClientRead(session_id))

    def _client_text(self, session_id: str, kind: str, content: dict) -> str | None:
        session = self.store.sessions.get(session_id)
        return client_text(kind, content, Catalogue(self.strings, session.lang if session else "id"))

    async def _adopt_assigned(self) -> None:
        """Join rooms handed to us and open them as sessions, with the shared session state."""
        while self._to_adopt:
            room_id = self._to_adopt.pop()
            try:
                await self.api.join(room_id)
                state = await self.api.get_state(room_id, SESSION) or {}
            except MatrixError as exc:
                log.warning("could not take over %s: %s", room_id, exc)
                continue
            if state.get("counselor") == self.api.user_id and room_id not in self.room_to_session:
                self.room_to_session[room_id] = ""  # reserved until the workstation stores the session
                self._assigned(room_id, state)

    def _claiming(self, room_id: str) -> bool:
        return room_id in getattr(self, "_claims", set())

    def _assigned(self, room_id: str, content: dict) -> None:
        entry = dict(self.queue.get(room_id) or {}, **{k: content[k] for k in ("tier", "minutes", "price", "alias",
                                                                              "client") if k in content})
        visit = visit_of(room_id, entry)
        client = entry.get("client") or content.get("client", "")
        self.room_client[room_id] = client
        self.room_since[room_id] = 0.0  # a handed-over session: the colleague's part of the chat is context
        self.emit(SessionAssigned(visit, content.get("started_at", 0) / 1000, content.get("deadline", 0) / 1000,
                                  {"room_id": room_id, "client": client, "started_at": 0.0,
                                   HANDOVER: content.get("handover", "")}))

    def opened(self, session: Session) -> None:
        room = self.store.sessions.channel_state(session.id).get("room_id")
        if room:
            self.room_to_session[room] = session.id
            since = self._backfill_from.pop(room, None)
            if since is not None:  # the session is stored now: its waiting-period messages can follow
                task = asyncio.get_running_loop().create_task(self._backfill(room, session.id, since))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _backfill(self, room_id: str, session_id: str, since: float) -> None:
        """Page back through the room to `since` and deliver the client's messages, oldest first.

        The sync after the join may carry only the newest of them (a limited timeline); the store
        keeps each event once whichever way it came."""
        client = self.room_client.get(room_id)
        found: list[dict] = []
        token = None
        try:
            for _ in range(20):  # at most 2,000 events back: a long wait, not a history dump
                page = await self.api.messages(room_id, token, "b", 100)
                events = page.get("chunk") or []
                found += [e for e in events if isinstance(e, dict)]
                token = page.get("end")
                oldest = min(((e.get("origin_server_ts") or 0) / 1000 for e in events if isinstance(e, dict)),
                             default=0.0)
                if not events or not token or oldest < since:
                    break
        except (MatrixError, httpx.HTTPError) as exc:
            log.warning("could not read the waiting-period messages of %s: %s", room_id, type(exc).__name__)
            return
        said = [e for e in reversed(found) if e.get("type") in ("m.room.message", "m.sticker")]  # oldest first
        # the client's words after their last intake answer (`since`, the server's time of it) and after the
        # intake's last line are the waiting period's
        others = [i for i, e in enumerate(said) if e.get("sender") not in (client, self.api.user_id)]
        for event in said[others[-1] + 1 if others else 0:]:
            content = event.get("content") or {}
            ts = (event.get("origin_server_ts") or 0) / 1000
            text = self._client_text(session_id, str(event.get("type")), content)
            if event.get("sender") == client and ts > since and text is not None and isinstance(event.get("event_id"), str):
                self.emit(MessageReceived(session_id, text, ts, event["event_id"]))

    # ---- outgoing -------------------------------------------------------------
    async def claim(self, visit: Visit, session: Session) -> dict:
        room_id = visit.id
        self._claims = getattr(self, "_claims", set()) | {room_id}
        try:
            await self.api.send(self.queue_room, CLAIM, {"room_id": room_id, "name": self.counselor_name},
                                f"claim-{session.id}")
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.claim_timeout
            while loop.time() < deadline:
                entry = await self.api.get_state(self.queue_room, QUEUE_ENTRY, room_id) or {}
                status = entry.get("status")
                if status == TAKEN and entry.get("taken_by") == self.api.user_id:
                    await self.api.join(room_id)
                    state = await self.api.get_state(room_id, SESSION) or {}
                    started = state.get("started_at", 0) / 1000
                    self.room_to_session[room_id] = session.id
                    self.room_client[room_id] = entry.get("client", "")
                    # what the client wrote while queued is part of the session: from their last intake answer on
                    # (the server's time of it), read back through the room once the session is stored
                    answered = entry.get("answered_at")
                    if isinstance(answered, int) and answered:
                        self.room_since[room_id] = self._backfill_from[room_id] = answered / 1000
                    else:  # an entry from an older intake: the session's start, as before
                        self.room_since[room_id] = self._backfill_from[room_id] = started
                    return {"room_id": room_id, "client": entry.get("client", ""), "started_at": started,
                            "deadline": state.get("deadline", 0) / 1000,
                            "since": self.room_since[room_id]}
                if status == TAKEN:
                    raise ClaimFailed("taken", entry.get("taken_by_name") or entry.get("taken_by", ""))
                if status not in (WAITING, None):
                    raise ClaimFailed("left")
                await asyncio.sleep(0.15)
            raise ClaimFailed("timeout")
        finally:
            self._claims.discard(room_id)

    def _room(self, session: Session) -> str:
        room = self.store.sessions.channel_state(session.id).get("room_id")
        if not room:
            raise KeyError(f"session {session.id} has no Matrix room")
        return room

    async def send(self, session: Session, message: Message) -> None:
        await self.api.send(self._room(session), "m.room.message", {"msgtype": "m.text", "body": message.text},
                            message.txn_id)
        self.emit(Delivered(message.txn_id, Delivery.SENT))

    async def typing(self, session: Session, typing: bool) -> None:
        try:
            await self.api.typing(self._room(session), typing)
        except (MatrixError, httpx.HTTPError, KeyError) as exc:
            log.info("typing notice not sent: %s", exc)

    def _both(self, key: str) -> str:
        return f"{Catalogue(self.strings, 'id')(key)}\n\n{Catalogue(self.strings, 'en')(key)}"

    async def end(self, session: Session) -> None:
        room = self._room(session)
        await self.api.send(room, "m.room.message", {"msgtype": "m.text", "body": self._both("intake.closing")},
                            f"close-{session.id}")
        state = await self.api.get_state(room, SESSION) or {}
        await self.api.put_state(room, SESSION, dict(state, status=ENDED, ended_at=int(self.clock.now() * 1000)))

    async def transfer(self, session: Session, handover: str, to: str = "") -> None:
        room = self._room(session)
        state = await self.api.get_state(room, SESSION) or {}
        await self.api.put_state(room, SESSION, dict(state, status=TRANSFER, handover=handover, transfer_to=to,
                                                     counselor=self.api.user_id))
        self.room_to_session.pop(room, None)

    async def alert(self, session: Session, item_label: str, risk: str) -> None:
        if not self.supervisors_room:
            return
        body = f"⚠ {session.alias}: {item_label} ({risk}) — {self.counselor_name}"
        await self.api.send(self.supervisors_room, "m.room.message", {
            "msgtype": "m.notice", "body": body,
            ALERT: {"room_id": self.store.sessions.channel_state(session.id).get("room_id", ""), "item": item_label,
                    "risk": risk, "counselor": self.api.user_id, "session": session.id},
        }, f"alert-{session.id}-{int(self.clock.now() * 1000)}")
