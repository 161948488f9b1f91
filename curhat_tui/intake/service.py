"""`curhat intake`: the organisation's intake account on Matrix.

It joins rooms that clients open with it, asks for consent (with the limits of
confidentiality), runs a short intake, publishes each waiting client to the queue
room, arbitrates claims (first claim in the room's timeline wins), invites the
winner with the power to write session state, returns transferred sessions to the
queue and closes entries whose client left. All of its state lives in Matrix room
state, plus the sync token in a small file, so a restart neither loses a waiting
client nor publishes one twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import (
    ACTIVE,
    CLAIM,
    CLOSED,
    COUNSELOR_POWER,
    INTAKE,
    LEFT,
    QUEUE_ALIAS,
    QUEUE_ENTRY,
    SESSION,
    SUPERVISOR_POWER,
    SUPERVISORS_ALIAS,
    TAKEN,
    TRANSFER,
    WAITING,
    alias,
)
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain import intake as flow
from curhat_tui.domain.i18n import Catalogue

log = logging.getLogger("curhat.intake")
INTAKE_REPLY_GAP = 1.0  # seconds: the intake answers one client at most this often


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class IntakeService:
    api: MatrixAPI
    data: ServiceData
    state_file: Path | None = None
    queue_room: str = ""
    supervisors_room: str = ""
    since: str | None = None
    queue: dict[str, dict] = field(default_factory=dict)
    clients: dict[str, str] = field(default_factory=dict)  # room id -> client user id
    done: dict[str, bool] = field(default_factory=dict)  # room id -> intake finished (kept in memory only)
    newest: dict[str, dict] = field(default_factory=dict)  # room id -> the client's newest line, still to answer
    last_reply: dict[str, float] = field(default_factory=dict)  # room id -> when it was last answered (monotonic)
    deferred: set[str] = field(default_factory=set)  # rooms whose newest line waits for the reply gap
    tasks: set[asyncio.Task] = field(default_factory=set)
    supervisors: list[str] = field(default_factory=list)  # user ids given the supervisor's power
    _txn: int = 0
    stopped: bool = False

    # ---- set-up -----------------------------------------------------------------
    async def setup(self) -> None:
        """Find or create the queue and supervisors' rooms; load the queue and the sync token."""
        if not self.api.user_id:
            await self.api.whoami()
        self.queue_room = await self._ensure_room(QUEUE_ALIAS, "curhat queue")
        self.supervisors_room = await self._ensure_room(SUPERVISORS_ALIAS, "curhat supervisors")
        await self._appoint_supervisors()
        for event in await self.api.room_state(self.queue_room):
            if event.get("type") == QUEUE_ENTRY and event.get("content"):
                self.queue[event["state_key"]] = event["content"]
        if self.state_file and self.state_file.exists():
            saved = json.loads(self.state_file.read_text())
            self.since = saved.get("since")
            self.clients = saved.get("clients", {})

    async def _appoint_supervisors(self) -> None:
        """Give the configured supervisors their power in the supervisors' room: that is their role."""
        if not self.supervisors:
            return
        levels = await self.api.get_state(self.supervisors_room, "m.room.power_levels") or {}
        users = dict(levels.get("users", {}), **{user: SUPERVISOR_POWER for user in self.supervisors})
        if users != levels.get("users", {}):
            await self.api.put_state(self.supervisors_room, "m.room.power_levels", dict(levels, users=users))

    async def _ensure_room(self, local: str, name: str) -> str:
        room_alias = alias(local, self.api.user_id)
        try:
            return await self.api.resolve_alias(room_alias)
        except MatrixError as exc:
            if exc.status != 404:
                raise
        # join_rule public on a server without federation: on-duty staff join by alias
        return await self.api.create_room(
            room_alias_name=local, name=name, preset="public_chat", visibility="private",
            power_level_content_override={"events_default": 0, "state_default": 100},
        )

    def _save(self) -> None:
        if self.state_file:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.state_file.with_suffix(".tmp")
            tmp.write_text(json.dumps({"since": self.since, "clients": self.clients}))
            tmp.replace(self.state_file)

    # ---- the loop ---------------------------------------------------------------
    async def run(self) -> None:
        await self.setup()
        backoff = 1.0
        while not self.stopped:
            try:
                data = await self.api.sync(self.since, timeout_ms=10_000)
            except (MatrixError, OSError, Exception) as exc:  # noqa: BLE001 - a dropped server: wait, retry
                log.warning("sync failed: %s; retrying in %.0fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 1.0
            try:
                await self.handle(data, initial=self.since is None)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a poisoned batch is skipped, never replayed into a crash loop
                log.warning("handling a sync batch failed (%s); the batch is skipped", type(exc).__name__)
            self.since = data.get("next_batch", self.since)
            self._save()

    async def handle(self, data: dict, initial: bool) -> None:
        rooms = data.get("rooms", {})
        for room_id, invite in rooms.get("invite", {}).items():
            try:
                await self._invited(room_id, invite)
            except (MatrixError, TypeError, ValueError, KeyError, AttributeError) as exc:  # one room, not the rest
                log.warning("could not start the intake in %s: %s", room_id, type(exc).__name__)
        client_rooms = []
        for room_id, joined in rooms.get("join", {}).items():
            if room_id == self.queue_room:
                # claims one by one, in timeline order: the first claim wins
                for event in joined.get("timeline", {}).get("events", []):
                    try:
                        if event.get("type") == CLAIM and not initial:
                            await self._claim(event)
                        elif event.get("type") == QUEUE_ENTRY and isinstance(event.get("state_key"), str):
                            self.queue[event["state_key"]] = event.get("content") or {}
                    except (MatrixError, TypeError, ValueError, KeyError, AttributeError) as exc:  # the next still count
                        log.warning("dropped a malformed %s event: %s", str(event.get("type"))[:60], type(exc).__name__)
            elif room_id != self.supervisors_room:
                client_rooms.append(self._client_room(room_id, joined, initial))
        # each client's conversation is independent: serve them side by side, not in a line
        for result in await asyncio.gather(*client_rooms, return_exceptions=True):
            if isinstance(result, Exception):
                log.warning("handling a client room failed: %s", result)
        for room_id in rooms.get("leave", {}):
            self.clients.pop(room_id, None)
            self.done.pop(room_id, None)

    # ---- client rooms -----------------------------------------------------------
    async def _invited(self, room_id: str, invite: dict) -> None:
        inviter = ""
        for event in invite.get("invite_state", {}).get("events", []):
            if event.get("type") == "m.room.member" and event.get("state_key") == self.api.user_id:
                inviter = event.get("sender", "")
        try:
            await self.api.join(room_id)
        except MatrixError as exc:
            log.warning("could not join %s: %s", room_id, exc)
            return
        self.clients[room_id] = inviter
        state = flow.IntakeState.from_dict(await self.api.get_state(room_id, INTAKE))
        if state.step == "new":
            await self._reply(room_id, flow.start(state))
            await self.api.put_state(room_id, INTAKE, state.to_dict())

    async def _client_room(self, room_id: str, joined: dict, initial: bool) -> None:
        client = self.clients.get(room_id, "")
        events = joined.get("timeline", {}).get("events", [])
        said: list[dict] = []
        for event in events:
            kind, sender = event.get("type"), event.get("sender")
            if kind == "m.room.member" and sender == client and event.get("content", {}).get("membership") == "leave":
                await self._client_left(room_id)
            elif kind == SESSION and event.get("content", {}).get("status") == TRANSFER and not initial:
                await self._transfer(room_id, event)
            elif kind == "m.room.message" and sender == client and not initial:
                said.append(event)
        if not said:
            return
        if self.done.get(room_id):  # queued or with a counselor: every line counts for the queue's risk
            for event in said:
                await self._waiting_words(room_id, event.get("content", {}).get("body", ""))
            return
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
        if event is None:
            return
        self.last_reply[room_id] = time.monotonic()
        try:
            await self._answer(room_id, event.get("content", {}).get("body", ""), event.get("origin_server_ts"))
        except (MatrixError, TypeError, ValueError, KeyError, AttributeError) as exc:
            log.warning("could not answer in %s: %s", room_id, type(exc).__name__)

    async def _answer(self, room_id: str, text: str, sent_ms: object = None) -> None:
        if not isinstance(text, str):
            return
        if self.done.get(room_id):
            return  # known to be past intake: no need to ask the server for every message of the session
        state = flow.IntakeState.from_dict(await self.api.get_state(room_id, INTAKE))
        if state.step in ("queued",) or state.step == "new":
            self.done[room_id] = state.step == "queued"
            if self.done[room_id]:  # known only now (after a restart): this line still counts for the risk
                await self._waiting_words(room_id, text)
            return  # in the queue or with a counselor: the intake stays silent
        replies = flow.advance(state, text, now_ms(), self.data.phrases.items(text))
        await self.api.put_state(room_id, INTAKE, state.to_dict())
        if state.step == "queued":
            self.done[room_id] = True
            # the server's time of the last answer: the client's words after it are the waiting period's
            await self._publish(room_id, state, answered_at=sent_ms if isinstance(sent_ms, int) else now_ms())
        await self._reply(room_id, replies)

    async def _waiting_words(self, room_id: str, text: str) -> None:
        """What a client writes while queued counts: a risk phrase raises their queue entry's risk (and so
        their place in every counselor's queue) before anyone has claimed them."""
        entry = self.queue.get(room_id)
        if not entry or entry.get("status") != WAITING or not isinstance(text, str):
            return
        risk = max((int(self.data.redflags.get(item).risk) for item in self.data.phrases.items(text)), default=0)
        if risk > int(entry.get("risk") or 0):
            entry = dict(entry, risk=risk)
            self.queue[room_id] = entry
            await self.api.put_state(self.queue_room, QUEUE_ENTRY, entry, room_id)

    async def _publish(self, room_id: str, state: flow.IntakeState, handover: str = "", answered_at: int = 0) -> None:
        client = self.clients.get(room_id, "")
        entry = {
            "status": WAITING, "client": client, "alias": client.split(":")[0].lstrip("@"),
            "tier": state.tier, "minutes": state.minutes,
            "price": self.data.prices.get((state.tier, state.minutes), 0), "topic": state.topic,
            "intake_risk_answer": state.risk_answer, "risk": state.risk, "arrived_at": now_ms(),
            "answered_at": answered_at or now_ms(),
            "handover": handover,
        }
        current = self.queue.get(room_id)
        if current and current.get("status") == WAITING:
            return  # already published: never twice
        self.queue[room_id] = entry
        await self.api.put_state(self.queue_room, QUEUE_ENTRY, entry, room_id)

    async def _client_left(self, room_id: str) -> None:
        entry = self.queue.get(room_id)
        if entry and entry.get("status") in (WAITING, TAKEN):
            entry = dict(entry, status=LEFT if entry["status"] == WAITING else CLOSED, closed_at=now_ms())
            self.queue[room_id] = entry
            await self.api.put_state(self.queue_room, QUEUE_ENTRY, entry, room_id)
        session = await self.api.get_state(room_id, SESSION)
        if session and session.get("status") == ACTIVE:
            await self.api.put_state(room_id, SESSION, dict(session, status=CLOSED, end_reason="client_left"))
        self.clients.pop(room_id, None)
        self.done.pop(room_id, None)
        self.newest.pop(room_id, None)
        self.last_reply.pop(room_id, None)
        await self.api.leave(room_id)

    # ---- claims and transfers ---------------------------------------------------
    async def _claim(self, event: dict) -> None:
        content = event.get("content", {})
        room_id, counselor = content.get("room_id", ""), event.get("sender", "")
        if not isinstance(room_id, str) or not isinstance(counselor, str):
            log.warning("dropped a claim whose room or sender is not a string")
            return
        entry = self.queue.get(room_id)
        if not entry or entry.get("status") != WAITING:
            return  # someone was first; they already see it taken
        await self._assign(room_id, entry, counselor, content.get("name") or counselor)

    async def _assign(self, room_id: str, entry: dict, counselor: str, name: str) -> None:
        entry = dict(entry, status=TAKEN, taken_by=counselor, taken_by_name=name, taken_at=now_ms())
        self.queue[room_id] = entry  # decided before any await: a second claim now loses
        try:
            await self.api.invite(room_id, counselor)
        except MatrixError as exc:
            if exc.errcode not in ("M_FORBIDDEN",):  # already in the room is fine
                raise
        levels = await self.api.get_state(room_id, "m.room.power_levels") or {}
        users = dict(levels.get("users", {}), **{counselor: COUNSELOR_POWER})
        await self.api.put_state(room_id, "m.room.power_levels", dict(levels, users=users))
        start = now_ms()
        await self.api.put_state(room_id, SESSION, {
            "status": ACTIVE, "counselor": counselor, "counselor_name": name, "client": entry.get("client", ""),
            "alias": entry.get("alias", ""), "tier": entry.get("tier"), "minutes": entry.get("minutes"),
            "price": entry.get("price", 0), "started_at": start,
            "deadline": start + int(entry.get("minutes") or 30) * 60_000, "risk": entry.get("risk", 0),
            "handover": entry.get("handover", ""),
        })
        await self.api.put_state(self.queue_room, QUEUE_ENTRY, entry, room_id)

    async def _transfer(self, room_id: str, event: dict) -> None:
        content = event.get("content", {})
        previous = content.get("counselor", "")
        entry = dict(self.queue.get(room_id) or {}, handover=content.get("handover", ""))
        target = content.get("transfer_to", "")
        if previous:
            try:
                await self.api.kick(room_id, previous, "transfer")
            except MatrixError as exc:
                log.warning("could not remove %s from %s: %s", previous, room_id, exc)
        if target:
            await self._assign(room_id, entry, target, content.get("transfer_to_name") or target)
            return
        await self.api.put_state(room_id, SESSION, dict(content, status="queued"))
        self.queue[room_id] = dict(entry, status=WAITING, arrived_at=now_ms())
        await self.api.put_state(self.queue_room, QUEUE_ENTRY, self.queue[room_id], room_id)
        await self._reply(room_id, ["intake.returned"])

    # ---- sending ----------------------------------------------------------------
    async def _reply(self, room_id: str, keys: list[str]) -> None:
        both = {lang: Catalogue(self.data.strings, lang) for lang in ("id", "en")}
        for key in keys:
            body = f"{both['id'](key)}\n\n{both['en'](key)}"
            self._txn += 1
            await self.api.send(room_id, "m.room.message", {"msgtype": "m.text", "body": body},
                                f"intake-{now_ms()}-{self._txn}")
