"""Supervision over Matrix: notes, sign-offs, live status and whispers between workstations.

Rooms
- `#curhat-supervisors` (made by the intake service): counselors post red-flag alerts
  here. Its members whose power level the intake service raised to SUPERVISOR_POWER
  are the supervisors; that is how a workstation knows its role.
- `#curhat-sv-<counselor>`: one private room per counselor, made by the counselor's
  workstation, with every supervisor invited. The counselor posts submitted sessions
  (`org.curhat.submit`, split into parts under Matrix's 64 KiB event limit) and live
  status (`org.curhat.live` state, keyed by session id); supervisors post comments and
  sign-offs (`org.curhat.review`) and whispers (`org.curhat.whisper`). Clients are never
  in these rooms, so a whisper cannot reach one.

Everything received is handed to `Supervision.on_link_event`, which stores it first;
events carry their Matrix event id, so a replayed sync changes nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable

import httpx

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import ALERT, SUPERVISOR_POWER, SUPERVISORS_ALIAS, alias
from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.matrix.supervision")

SUPERVISION = "org.curhat.supervision"
SUBMIT = "org.curhat.submit"
LIVE = "org.curhat.live"
REVIEW = "org.curhat.review"
WHISPER = "org.curhat.whisper"
ADMIN_POWER = 100
PART_CHARS = 30_000  # well under the 64 KiB event limit, even with JSON escaping


def _digest(text: str) -> str:
    """A stable short digest: the same content gives the same transaction id in every process."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def room_local(user_id: str) -> str:
    """The alias local part of a counselor's supervision room."""
    return "curhat-sv-" + user_id.lstrip("@").split(":", 1)[0]


async def supervisors(api: MatrixAPI) -> tuple[str, list[str]]:
    """(supervisors' room id, the supervisors in it): members the intake raised to SUPERVISOR_POWER."""
    room_id = await api.join(alias(SUPERVISORS_ALIAS, api.user_id))
    levels = await api.get_state(room_id, "m.room.power_levels") or {}
    users = levels.get("users", {})
    return room_id, sorted(u for u, level in users.items() if SUPERVISOR_POWER <= int(level) < ADMIN_POWER)


async def is_supervisor(api: MatrixAPI) -> bool:
    """Whether this account is a supervisor: a member of the supervisors' room with the supervisor's power."""
    try:
        _, names = await supervisors(api)
    except MatrixError:
        return False
    return api.user_id in names


class MatrixSupervisionLink:
    def __init__(self, api: MatrixAPI, store: Store, role: str, *, author: str = "",
                 sync_timeout_ms: int = 30_000) -> None:
        self.api = api
        self.store = store
        self.role = role
        self.author = author  # the display name shown with comments and whispers
        self.sync_timeout_ms = sync_timeout_ms
        self.emit: Callable[[dict], None] = lambda event: None
        self.own_room = ""
        self.supervisors_room = ""
        self._parts: dict[str, dict[int, str]] = {}
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._history = False
        self.ready = asyncio.Event()

    # ---- lifecycle ---------------------------------------------------------------
    async def start(self, emit: Callable[[dict], None]) -> None:
        self.emit = emit
        self._task = asyncio.create_task(self._run(), name="matrix-supervision")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - stopping
                pass

    async def _setup(self) -> None:
        if not self.api.user_id:
            await self.api.whoami()
        self.supervisors_room, names = await supervisors(self.api)
        if self.role != "supervisor":
            self.own_room = await self._own_room(names)

    async def _own_room(self, names: list[str]) -> str:
        local = room_local(self.api.user_id)
        try:
            room_id = await self.api.resolve_alias(alias(local, self.api.user_id))
        except MatrixError as exc:
            if exc.status != 404:
                raise
            room_id = await self.api.create_room(
                room_alias_name=local, name=f"curhat supervision {self.api.user_id}", preset="private_chat",
                initial_state=[{"type": SUPERVISION, "state_key": "", "content": {"counselor": self.api.user_id}}],
                power_level_content_override={"users": {n: SUPERVISOR_POWER for n in names}})
        members = await self._members(room_id)
        for name in names:
            if name not in members:
                try:
                    await self.api.invite(room_id, name)
                except MatrixError as exc:
                    log.info("could not invite %s: %s", name, exc)
        return room_id

    async def _members(self, room_id: str) -> set[str]:
        data = await self.api.request("GET", f"/rooms/{room_id}/joined_members")
        joined = set(data.get("joined", {}))
        invited = {e["state_key"] for e in await self.api.room_state(room_id)
                   if e.get("type") == "m.room.member" and e.get("content", {}).get("membership") == "invite"}
        return joined | invited

    async def _run(self) -> None:
        backoff = 0.5
        ready = False
        since = self.store.state.supervision_since()
        while not self._stopping:
            try:
                if not ready:
                    await self._setup()
                    ready = True
                    self.ready.set()
                data = await self.api.sync(since, timeout_ms=self.sync_timeout_ms)
            except asyncio.CancelledError:
                raise
            except (httpx.HTTPError, OSError, MatrixError, ValueError) as exc:
                log.warning("supervision sync failed (%s); retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 0.5
            self._history = since is None  # the first sync replays old alerts: keep them quiet
            try:
                await self._handle(data)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - no batch stops supervision; `since` moves past it
                log.warning("handling a supervision batch failed (%s); the batch is skipped", type(exc).__name__)
            since = data.get("next_batch", since)
            if since:
                self.store.state.set_supervision_since(since)

    # ---- incoming ----------------------------------------------------------------
    async def _handle(self, data: dict) -> None:
        rooms = data.get("rooms", {})
        if self.role == "supervisor":
            for room_id, invited in rooms.get("invite", {}).items():
                state = invited.get("invite_state", {}).get("events", [])
                aliases = [e.get("content", {}).get("alias", "") for e in state
                           if e.get("type") == "m.room.canonical_alias"]
                names = [e.get("content", {}).get("name", "") for e in state if e.get("type") == "m.room.name"]
                if any(a.startswith("#curhat-sv-") for a in aliases) or any(
                        n.startswith("curhat supervision") for n in names):
                    try:
                        await self.api.join(room_id)
                    except MatrixError as exc:
                        log.warning("could not join supervision room %s: %s", room_id, exc)
        for room_id, joined in rooms.get("join", {}).items():
            events = joined.get("state", {}).get("events", []) + joined.get("timeline", {}).get("events", [])
            for event in events:
                if not isinstance(event, dict) or event.get("sender") == self.api.user_id:
                    continue
                try:
                    self._event(room_id, event)
                except (TypeError, ValueError, KeyError, AttributeError) as exc:  # one malformed event, not the rest
                    log.warning("dropped a malformed %s event in %s: %s", str(event.get("type"))[:60], room_id,
                                type(exc).__name__)

    def _event(self, room_id: str, event: dict) -> None:
        kind = event.get("type")
        content = event.get("content") or {}
        ts = event.get("origin_server_ts", 0) / 1000
        remote_id = event.get("event_id")
        if self.role == "supervisor":
            if room_id == self.supervisors_room and ALERT in content and not self._history:
                alert = content[ALERT]
                self.emit({"kind": "alert", "session_id": alert.get("session", ""), "item": alert.get("item_id")
                           or alert.get("item", ""), "counselor": alert.get("counselor", ""), "ts": ts})
            elif kind == LIVE and event.get("state_key"):
                self._remember(event["state_key"], room_id)
                info = dict(content)
                for key in ("started_at", "deadline"):  # Matrix event content holds no floats: milliseconds
                    if f"{key}_ms" in info:
                        info[key] = info.pop(f"{key}_ms") / 1000
                self.emit({"kind": "live", "session_id": event["state_key"], "info": info})
            elif kind == SUBMIT:
                self._part(room_id, content, ts, remote_id)
        elif room_id == self.own_room:
            if kind == REVIEW:
                self.emit({"kind": content.get("action"), "session_id": content.get("session_id", ""),
                           "author": content.get("author") or event.get("sender", ""), "text": content.get("text", ""),
                           "ts": ts, "remote_id": remote_id})
            elif kind == WHISPER:
                self.emit({"kind": "whisper", "session_id": content.get("session_id", ""),
                           "author": content.get("author") or event.get("sender", ""), "text": content.get("text", ""),
                           "ts": ts, "remote_id": remote_id})

    def _part(self, room_id: str, content: dict, ts: float, remote_id: str | None) -> None:
        key = content.get("submission", "")
        parts = self._parts.setdefault(key, {})
        parts[int(content.get("part", 0))] = content.get("data", "")
        if len(parts) < int(content.get("parts", 1)):
            return
        del self._parts[key]
        try:
            snapshot = json.loads("".join(parts[i] for i in sorted(parts)))
        except ValueError:
            log.warning("a submitted session arrived malformed; ignored")
            return
        self._remember(snapshot["session"]["id"], room_id)
        self.emit({"kind": "submit", "snapshot": snapshot, "ts": ts, "remote_id": key})

    def _remember(self, session_id: str, room_id: str) -> None:
        if self.store.state.supervision_room(session_id) != room_id:
            self.store.state.set_supervision_room(session_id, room_id)

    # ---- outgoing ------------------------------------------------------------------
    async def _ready_room(self) -> str:
        await asyncio.wait_for(self.ready.wait(), 60)
        return self.own_room

    async def submit(self, snapshot: dict) -> None:
        room = await self._ready_room()
        body = json.dumps(snapshot, ensure_ascii=False)
        pieces = [body[i:i + PART_CHARS] for i in range(0, len(body), PART_CHARS)] or [""]
        sid = snapshot["session"]["id"]
        versions = len(snapshot.get("note_versions", []))
        submission = f"{sid}-{versions}-{_digest(body)}"
        for index, piece in enumerate(pieces):
            await self.api.send(room, SUBMIT, {"submission": submission, "part": index, "parts": len(pieces),
                                               "data": piece}, f"submit-{submission}-{index}")

    async def live(self, session_id: str, info: dict) -> None:
        room = await self._ready_room()
        content = {k: (int(v * 1000) if k in ("started_at", "deadline") else v) for k, v in info.items()}
        content = {f"{k}_ms" if k in ("started_at", "deadline") else k: v for k, v in content.items()}
        await self.api.put_state(room, LIVE, content, state_key=session_id)

    async def _to_counselor(self, session_id: str, event_type: str, content: dict) -> None:
        await asyncio.wait_for(self.ready.wait(), 60)
        room = self.store.state.supervision_room(session_id)
        if not room:
            raise LookupError(f"no supervision room known for session {session_id}")
        txn = f"{event_type}-{session_id}-{_digest(json.dumps(content, sort_keys=True))}"
        await self.api.send(room, event_type, content, txn)

    async def review(self, counselor: str, session_id: str, action: str, text: str) -> None:
        await self._to_counselor(session_id, REVIEW, {"session_id": session_id, "action": action, "text": text,
                                                      "author": self.author})

    async def whisper(self, counselor: str, session_id: str, text: str) -> None:
        await self._to_counselor(session_id, WHISPER, {"session_id": session_id, "text": text,
                                                       "author": self.author})
