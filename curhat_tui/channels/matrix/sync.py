"""One /sync loop per account, shared by everything that reads Matrix (the counselor's channel and the
supervision link on a workstation; the intake service on its own).

- **Gapless:** a `limited` timeline means the server skipped events; they are paged back with
  `/rooms/{id}/messages` from the timeline's `prev_batch` down to the previous `since`, and put
  in front of the timeline in order, so a subscriber sees every event of the gap once.
- **Never dies:** a subscriber's exception costs that subscriber that batch, never the loop;
  `since` always advances and is saved after the batch.
- **Honest state:** "connecting" until the first answer, "connected" while syncs succeed,
  "reconnecting" the moment one fails, "offline" when the login is no longer valid, "error"
  when the account is not (or no longer) on the intake's roster.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

import httpx

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import obj
from curhat_tui.channels.matrix.staff import NotOnRoster

if TYPE_CHECKING:
    from curhat_tui.channels.matrix.crypto import Crypto

log = logging.getLogger("curhat.matrix.sync")

TIMELINE_LIMIT = 50  # events per room per sync answer before the server marks the timeline limited
GAP_PAGES = 100  # at most 100 pages of 100 events paged back for one gap


class Subscriber(Protocol):
    async def prepare(self) -> None:
        """Set up before the first sync (find rooms, read the current state); raising retries later."""

    async def on_sync(self, rooms: dict, first: bool) -> None:
        """One sync answer's `rooms` (gaps filled). `first`: the initial sync, history rather than news."""


class SyncLoop:
    def __init__(self, api: MatrixAPI, load_since: Callable[[], str | None], save_since: Callable[[str], None], *,
                 timeout_ms: int = 20_000, on_state: Callable[[str], None] | None = None,
                 timeline_limit: int = TIMELINE_LIMIT) -> None:
        self.api = api
        self.load_since = load_since
        self.save_since = save_since
        self.timeout_ms = timeout_ms
        self.timeline_limit = timeline_limit
        self.on_state = on_state or (lambda state: None)
        self.subscribers: list[Subscriber] = []
        self.state = "connecting"
        self.gaps_filled = 0  # events read back through /messages (for tests and the benchmark)
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._prepared: set[int] = set()
        self._users = 0
        self.after_batch: list[Callable[[], Awaitable[None]]] = []
        self.crypto: Crypto | None = None  # end-to-end encryption, when on: it sees each answer first

    def subscribe(self, subscriber: Subscriber) -> None:
        if subscriber not in self.subscribers:
            self.subscribers.append(subscriber)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.on_state(state)

    # ---- life cycle -------------------------------------------------------------
    def start(self) -> None:
        """Start the loop if it is not running (every user calls it; one loop runs)."""
        self._users += 1
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.create_task(self.run(), name="matrix-sync")

    async def stop(self, *, last: bool = False) -> None:
        """One user is done; the loop stops when the last one is (or at once with `last`)."""
        self._users = max(0, self._users - 1)
        if self._users and not last:
            return
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - stopping
                pass
            self._task = None
        if self.crypto is not None:
            await self.crypto.close()  # its HTTP pool; the keys stay in its store

    # ---- the loop ---------------------------------------------------------------
    async def run(self) -> None:
        backoff = 0.5
        since = self.load_since()
        filter_json = json.dumps({"room": {"timeline": {"limit": self.timeline_limit}, "state": {"lazy_load_members": True}},
                                  "presence": {"not_types": ["*"]}})
        while not self._stopping:
            try:
                await self._prepare_all()
                # the first answer of a run comes at once (a catch-up, and an honest "connected" without waiting
                # out a long-poll); after it, long-polls
                data = await self.api.sync(since, timeout_ms=self.timeout_ms if self.state == "connected" else 0,
                                           filter_json=filter_json)
                if not isinstance(data, dict) or not isinstance(data.get("next_batch"), str):
                    raise MatrixError(200, "M_BAD_JSON", "a sync answer without next_batch")
            except asyncio.CancelledError:
                raise
            except (httpx.HTTPError, OSError, MatrixError, ValueError, NotOnRoster) as exc:
                if isinstance(exc, MatrixError) and exc.errcode == "M_UNKNOWN_TOKEN":
                    log.warning("the homeserver no longer accepts this login; sync stops")
                    self._set_state("offline")
                    return
                log.warning("sync failed (%s: %s); retrying in %.1fs", type(exc).__name__, str(exc)[:200], backoff)
                self._set_state("error" if isinstance(exc, NotOnRoster) else "reconnecting")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 0.5
            self._set_state("connected")
            if self.crypto is not None:
                try:
                    await self.crypto.process(data)  # room keys taken, encrypted events decrypted in place
                except Exception as exc:  # noqa: BLE001 - what cannot be decrypted now is shown as such, not lost
                    log.warning("end-to-end decryption of a batch failed: %s", type(exc).__name__)
            rooms = obj(data.get("rooms"))
            if since is not None:
                await self._fill_gaps(rooms, since)
            for subscriber in list(self.subscribers):
                try:
                    await subscriber.on_sync(rooms, since is None)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - one subscriber's bad batch stops nothing; `since` moves on
                    log.warning("%s could not handle a batch (%s); it is skipped", type(subscriber).__name__,
                                type(exc).__name__)
            for hook in list(self.after_batch):
                try:
                    await hook()
                except Exception as exc:  # noqa: BLE001
                    log.warning("an after-batch task failed: %s", type(exc).__name__)
            since = data["next_batch"]
            self.save_since(since)

    async def _prepare_all(self) -> None:
        for subscriber in self.subscribers:
            if id(subscriber) not in self._prepared:
                await subscriber.prepare()
                self._prepared.add(id(subscriber))

    def reprepare(self, subscriber: Subscriber) -> None:
        """Have `subscriber` set itself up again before the next sync (after it found its rooms changed)."""
        self._prepared.discard(id(subscriber))

    async def _fill_gaps(self, rooms: dict, since: str) -> None:
        joined = obj(rooms.get("join"))
        for room_id, room in joined.items():
            timeline = room.get("timeline") if isinstance(room, dict) else None
            if not isinstance(timeline, dict) or not timeline.get("limited") or not isinstance(
                    timeline.get("prev_batch"), str):
                continue
            try:
                missed = await self.page_back(room_id, timeline["prev_batch"], since)
            except (MatrixError, httpx.HTTPError, OSError, ValueError) as exc:
                log.warning("could not read back a gap in %s: %s", room_id, type(exc).__name__)
                continue
            seen = {e.get("event_id") for e in timeline.get("events") or [] if isinstance(e, dict)}
            missed = [self._decrypted(room_id, e) for e in missed if e.get("event_id") not in seen]
            self.gaps_filled += len(missed)
            timeline["events"] = missed + [e for e in timeline.get("events") or [] if isinstance(e, dict)]

    def _decrypted(self, room_id: str, event: dict) -> dict:
        """An encrypted event read back through /messages, decrypted when its keys are here."""
        if self.crypto is None or event.get("type") != "m.room.encrypted":
            return event
        plain = self.crypto.decrypt_raw(room_id, event)
        return plain if plain is not None else dict(event, curhat_undecrypted=True)

    async def page_back(self, room_id: str, start: str, stop: str | None) -> list[dict]:
        """Events before `start` (back to `stop`, a since token, if given), oldest first."""
        found: list[dict] = []
        token: str | None = start
        for _ in range(GAP_PAGES):
            page = await self.api.messages(room_id, token, "b", 100, to=stop)
            chunk = [e for e in page.get("chunk") or [] if isinstance(e, dict)]
            found += chunk
            end = page.get("end")
            if not chunk or not isinstance(end, str) or end == token:
                break
            token = end
        return list(reversed(found))
