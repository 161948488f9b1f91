"""Deletion on the homeserver, driven by the same retention settings as the workstations' stores.

When a session ends (or the client leaves) the intake schedules the client's room for deletion at
the end of the transcript retention: at once with `zero_transcript`, and at once on a client's
deletion request (sent by a counselor's workstation as `org.curhat.forget`). When it is due:

- with server-admin rights (the intake's account is a Synapse admin), the room is deleted with
  Synapse's admin API, `DELETE /_synapse/admin/v2/rooms/{id}` with `purge: true`, and the intake
  polls the deletion until Synapse says it is complete: every member is removed and the room's
  events are gone from the homeserver's database;
- without them, it does what the client-server API allows: it redacts the client's messages where
  it holds the power to, leaves and forgets the room (the history stays on the server: the README
  says so, and the intake says so at start).

Each deletion is written to an append-only audit file beside the intake's state (0600), with the
room id, when, how and the outcome; never a client's words or Matrix id.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.domain.retention import DAY_SECONDS, RetentionPolicy

log = logging.getLogger("curhat.intake.purge")
SAID = ("m.room.message", "m.room.encrypted", "m.sticker")  # what others wrote, encrypted rooms included
POLL_SECONDS = 0.5
POLL_LIMIT = 600  # five minutes of polling for one room, then it is tried again later
JOB_FAILED = "CURHAT_JOB_FAILED"  # the errcode of a Synapse admin job that reported "failed" (not a lost answer)


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class ServerPurge:
    api: MatrixAPI
    policy: RetentionPolicy = field(default_factory=RetentionPolicy)
    folder: Path | None = None  # beside the intake's state: intake-purges.json and intake-audit.jsonl
    due: dict[str, int] = field(default_factory=dict)  # client room id -> when it is to be deleted (ms)
    served: dict[str, list[str]] = field(default_factory=dict)  # room id -> its counselors, kept after the client left
    admin: bool | None = None
    trimmed: set[str] = field(default_factory=set)  # rooms in use again whose old history went (entry_history.py)
    ended: dict[str, int] = field(default_factory=dict)  # room id -> the end of the session its `due` is for (ms)

    def __post_init__(self) -> None:
        self.audit_file = self.folder / "intake-audit.jsonl" if self.folder else None
        self.due_file = self.folder / "intake-purges.json" if self.folder else None
        if self.due_file:
            self.load(self.due_file)

    def load(self, path: Path) -> None:
        """The rooms still to delete, kept beside the intake's state so a restart forgets none."""
        if path.exists():
            try:
                saved = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                raise ValueError(f"{path}: not valid JSON; move it away (its rooms are then not deleted)") from None
            ended: object = {}
            if isinstance(saved, dict) and isinstance(saved.get("due"), dict):  # since the served lists were kept
                served, ended, saved = saved.get("served"), saved.get("ended"), saved["due"]
                self.served = {k: [u for u in v if isinstance(u, str)] for k, v in
                               (served if isinstance(served, dict) else {}).items() if isinstance(v, list)}
            self.due = {k: v for k, v in saved.items() if isinstance(k, str) and isinstance(v, int)}
            self.ended = {k: v for k, v in (ended if isinstance(ended, dict) else {}).items()
                          if k in self.due and isinstance(v, int)}

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps({"due": self.due, "served": self.served, "ended": self.ended}).encode())
        finally:
            os.close(fd)
        os.replace(tmp, path)

    def after_ms(self) -> int:
        """How long after a session ends its room stays on the server."""
        return 0 if self.policy.zero_transcript else int(self.policy.transcript_days * DAY_SECONDS * 1000)

    def schedule(self, room_id: str, ended_ms: int, *, now: bool = False, served: object = None) -> None:
        """The room goes at the end of its retention (or `now`). `served`, the counselors who served the client,
        is kept with it: after the client has left, they alone may still ask for it to go early."""
        when = ended_ms if now else ended_ms + self.after_ms()
        if when <= self.due.get(room_id, when):  # the end of the session this schedule is for: a room in use again
            self.ended[room_id] = ended_ms  # keeps what came after it (run_due), never more
        self.due[room_id] = min(when, self.due.get(room_id, when))
        if isinstance(served, list):
            self.served[room_id] = sorted({*self.served.get(room_id, []), *(u for u in served if isinstance(u, str))})
        if self.due_file:
            self.save(self.due_file)

    async def check_admin(self) -> bool:
        """Whether this account may use Synapse's admin API (it is a server admin)."""
        try:
            data = await self.api.request("GET", f"/_synapse/admin/v1/users/{quote(self.api.user_id, safe='')}/admin")
            self.admin = data.get("admin") is True
        except MatrixError:
            self.admin = False
        if not self.admin:
            log.warning("no server-admin rights: finished client rooms are redacted and left, but their history "
                        "stays on the homeserver (make the intake account a Synapse admin to delete them)")
        return self.admin

    async def retention_state(self, room_id: str) -> None:
        """Ask the server to expire the room's events after the transcript retention (`m.room.retention`;
        it takes effect where the server enables retention, and only where we hold the power)."""
        lifetime = max(self.after_ms(), 60_000)
        try:
            await self.api.put_state(room_id, "m.room.retention", {"max_lifetime": lifetime})
        except MatrixError as exc:
            log.info("no retention state in a client room (%s)", exc.errcode)

    async def run_due(self, live: Callable[[str], bool] = lambda room_id: False,
                      deleting: Callable[[str], None] = lambda room_id: None,
                      settled: Callable[[str, str], Awaitable[None]] | None = None) -> list[str]:
        """Delete every room whose time has come; the ones that fail stay due and are tried again. A room that is
        `live` again (a client back in it) keeps what came after the old session: only the history up to that
        session's end goes. `deleting(room)` is called after a room was found not live, before any await: from
        then on the room is being deleted (what the caller reads there meanwhile must not bring it back into use).
        `settled(room, outcome)` is awaited as soon as that room's attempt is over, before the next room's:
        "deleted", "failed" (the server refused it or said its job failed: the room may stay) or "unknown" (no
        answer, or we stopped waiting: the server may still be deleting it). Returns the rooms deleted."""
        if self.admin is None:
            await self.check_admin()
        done = []
        for room_id, when in sorted(self.due.items(), key=lambda item: item[1]):
            if when > now_ms():
                continue
            try:
                if live(room_id):
                    how = await self._purge_before(room_id, self.ended.get(room_id, when - self.after_ms()))
                    self._audit(room_id, how, "complete")
                    self.due.pop(room_id, None)
                    self.ended.pop(room_id, None)
                    self.trimmed.add(room_id)
                    continue
            except (MatrixError, OSError, TimeoutError, httpx.HTTPError) as exc:
                log.warning("trimming a client room failed (%s); it is tried again later", type(exc).__name__)
                self._audit(room_id, "failed", type(exc).__name__)
                continue
            deleting(room_id)
            try:
                how = await self._delete(room_id) if self.admin else await self._leave(room_id)
            except (MatrixError, OSError, TimeoutError, httpx.HTTPError) as exc:
                refused = isinstance(exc, MatrixError) and (exc.status < 500 or exc.errcode == JOB_FAILED)
                log.warning("deleting a client room failed (%s); it is tried again later", type(exc).__name__)
                self._audit(room_id, "failed" if refused else "unknown", type(exc).__name__)
                if settled is not None:
                    await settled(room_id, "failed" if refused else "unknown")
                continue
            self._audit(room_id, how, "complete")
            self.due.pop(room_id, None)
            self.served.pop(room_id, None)
            self.ended.pop(room_id, None)
            done.append(room_id)
            if settled is not None:
                await settled(room_id, "deleted")
        if done and self.due_file:
            self.save(self.due_file)
        return done

    async def _delete(self, room_id: str) -> str:
        path = f"/_synapse/admin/v2/rooms/{quote(room_id, safe='')}"
        started = await self.api.request("DELETE", path, body={"block": False, "purge": True, "force_purge": True})
        await self._finished(started, "delete_id", "/_synapse/admin/v2/rooms/delete_status/", "the room's deletion")
        return "purged"

    async def _finished(self, started: dict, id_field: str, status_path: str, what: str) -> None:
        """Wait for a Synapse admin job (its id in `started[id_field]`, polled at `status_path` + id) to complete;
        MatrixError when the server says it failed, TimeoutError when it does not finish."""
        job = started.get(id_field)
        if not isinstance(job, str):
            raise MatrixError(200, "M_BAD_JSON", f"no {id_field}")
        for _ in range(POLL_LIMIT):
            status = await self.api.request("GET", f"{status_path}{quote(job)}")
            if status.get("status") == "complete":
                return
            if status.get("status") == "failed":
                raise MatrixError(500, JOB_FAILED, f"the server could not finish {what}")
            await asyncio.sleep(POLL_SECONDS)
        raise TimeoutError(f"{what} did not finish")

    async def _purge_before(self, room_id: str, ended_ms: int) -> str:
        """The old session's part of a room in use again: purged up to its end with admin rights (the server keeps
        the room and what came after), else what the client wrote before then redacted where we may."""
        if not self.admin:
            return f"redacted {await self._redact(room_id, before_ms=ended_ms)} (room in use)"
        started = await self.api.request("POST", f"/_synapse/admin/v1/purge_history/{quote(room_id, safe='')}",
                                         body={"purge_up_to_ts": ended_ms + 1, "delete_local_events": True})
        await self._finished(started, "purge_id", "/_synapse/admin/v1/purge_history_status/",
                             "the purge of the room's history")
        return "history purged (room in use)"

    async def _leave(self, room_id: str) -> str:
        """Without admin rights: redact what the client wrote (where we may), then leave and forget."""
        redacted = await self._redact(room_id)
        for call in (self.api.leave, self.api.forget):
            try:
                await call(room_id)
            except MatrixError as exc:
                log.info("leaving a finished client room: %s", exc.errcode)
        return f"left (redacted {redacted})"

    async def _redact(self, room_id: str, before_ms: int | None = None) -> int:
        """Redact the messages others wrote in the room (all, or those before `before_ms`) where we have the power."""
        redacted = 0
        token = None
        for _ in range(50):
            try:
                page = await self.api.messages(room_id, token, "b", 100)
            except MatrixError:
                break
            chunk = [e for e in page.get("chunk") or [] if isinstance(e, dict)]
            for event in chunk:
                ts = event.get("origin_server_ts")
                if before_ms is not None and (not isinstance(ts, int) or ts > before_ms):
                    continue
                if event.get("type") in SAID and event.get("sender") != self.api.user_id and isinstance(
                        event.get("event_id"), str):
                    try:
                        await self.api.request("PUT", f"/rooms/{quote(room_id, safe='')}/redact/"
                                                      f"{quote(event['event_id'], safe='')}/purge-{event['event_id']}",
                                               body={"reason": "retention"})
                        redacted += 1
                    except MatrixError:
                        break  # no power to redact here
            token = page.get("end")
            if not chunk or not isinstance(token, str):
                break
        return redacted

    def _audit(self, room_id: str, how: str, outcome: str) -> None:
        if self.audit_file is None:
            return
        line = json.dumps({"ts": now_ms(), "room": room_id, "action": "server_delete", "how": how,
                           "outcome": outcome}) + "\n"
        fd = os.open(self.audit_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
