"""The intake's writing of queue entries: publishing a client, what their words while waiting raise or carry, and
writes the server refused, written again. A mixin of IntakeService (service.py)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

import httpx

from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.channels.matrix.protocol import TAKEN, WAITING, obj
from curhat_tui.channels.matrix.sealing import put_entry
from curhat_tui.domain import intake as flow
from curhat_tui.domain.bursts import BURST_BUBBLES
from curhat_tui.intake import relay
from curhat_tui.intake.admission import client_hash, live_room_of
from curhat_tui.intake.pseudonyms import pseudonym
from curhat_tui.intake.risk_words import raised_entry
from curhat_tui.intake.server_purge import now_ms
from curhat_tui.intake.successors import rooms_of

log = logging.getLogger("curhat.intake")
RELAY_GAP = 2.0  # seconds: an entry written again (a refused write, lines carried while waiting) at most this often
JOIN_GRACE_MS = 20_000  # a counselor a client is assigned to joins their room within this, or the client is requeued
TAKEN_FIELDS = ("taken_by", "taken_by_name", "taken_at", "started_at", "deadline")


class QueueWriting:
    if TYPE_CHECKING:  # provided by IntakeService
        api: Any
        crypto: Any
        data: Any
        queue: dict[str, dict]
        clients: dict[str, dict]
        waiting_said: dict[str, list[tuple[object, str]]]
        queue_room: str
        unwritten: set[str]
        written_at: dict[str, float]

        taken_up: set[str]
        roster: Any

        def _keep(self, room_id: str, state: flow.IntakeState) -> None: ...
        async def _reply(self, room_id: str, keys: Any) -> None: ...
        def _save(self) -> None: ...

    async def _waiting_words(self, room_id: str, event: dict) -> None:
        """Words written while queued that the detector reads as risk raise the entry's risk, or mark it imminent,
        and so the client's place in every queue (never lowered, never a ticked flag); a line is read with the client's
        lines before it while waiting (a burst of short bubbles, `bursts`). In a room whose history a
        counselor joining later cannot read, the line also travels in the entry (relay.py)."""
        entry = self.queue.get(room_id)
        if not entry or entry.get("status") not in (WAITING, TAKEN):
            return
        line = relay.line_of(event)
        if self.clients[room_id].get("hides") and line and (
                entry.get("status") == WAITING or now_ms() - int(entry.get("taken_at") or 0) < 30_000):
            entry = self._carry(room_id, relay.kept(self.clients[room_id].get("said") or [], line, False))
        if entry.get("status") == TAKEN and relay.note_intake_line(self.clients[room_id], event, self.data):
            self._save()  # with a counselor: kept in case the session ends before it is read (requests.py END)
        raised = None
        if entry.get("status") == WAITING:  # read with the lines before it while waiting: a burst of bubbles
            before = self.waiting_said.get(room_id, [])
            raised = raised_entry(self.data, entry, [text for _, text in before] + [event["content"]["body"]])
            self.waiting_said[room_id] = (before + [(event.get("event_id"), event["content"]["body"])])[1 - BURST_BUBBLES:]
        else:
            self.waiting_said.pop(room_id, None)
        if raised is not None:
            await self._entry(room_id, raised)

    def _carry(self, room_id: str, lines: list) -> dict:
        """The client's carried lines are now `lines`: in their record and in their queue entry, written after this
        batch (a flood of lines is one write). Returns the entry."""
        self.clients[room_id]["said"] = lines
        entry = self.queue[room_id] = dict(self.queue[room_id], said=relay.said_field(lines))
        self.unwritten.add(room_id)
        return entry

    async def _entry(self, room_id: str, entry: dict) -> None:
        """Write a queue entry (its words sealed: sealing.py). A write the server refuses is not lost: the entry
        is kept and written again after the next sync batch, and at most every RELAY_GAP seconds."""
        self.queue[room_id] = entry  # decided before any await: a second claim now loses
        self.unwritten.discard(room_id)
        self.written_at[room_id] = time.monotonic()
        try:
            await put_entry(self.api, self.crypto, self.queue_room, room_id, entry)
        except MatrixError as exc:
            if exc.status == 413 and entry.get("said"):  # too large even so: the carried lines go, the client stays
                log.warning("a queue entry was too large; it is written without the lines it carried")
                await self._entry(room_id, dict(entry, said=""))
                return
            self.unwritten.add(room_id)
            log.warning("a queue entry was not written (%s); it is written again", exc.errcode)
        except (httpx.HTTPError, OSError) as exc:
            self.unwritten.add(room_id)
            log.warning("a queue entry was not written (%s); it is written again", type(exc).__name__)

    async def _write_again(self) -> None:
        for room_id in sorted(self.unwritten):
            if room_id not in self.queue:
                self.unwritten.discard(room_id)
            elif time.monotonic() - self.written_at.get(room_id, 0.0) >= RELAY_GAP:
                await self._entry(room_id, self.queue[room_id])

    async def _publish(self, room_id: str, state: flow.IntakeState, answered_at: int = 0) -> bool:
        """Put the client in the queue; False when this account is already there from another room (one account,
        one place in the queue: admission.py), and this room's intake starts again if they write here later."""
        known = self.clients.get(room_id) or {}
        client = str(known.get("client") or "")
        digest = await asyncio.to_thread(client_hash, client, room_id)  # costly on purpose: beside the loop
        current = self.queue.get(room_id)  # from here on no wait until the entry is decided
        if current and current.get("status") in (WAITING, TAKEN):
            return True  # already published: never twice
        if live_room_of(client, {r: c for r, c in self.clients.items() if r != room_id}, self.queue, queued=True):
            log.warning("refused a second place in the queue for one account")
            self._keep(room_id, flow.IntakeState())
            self._save()
            return False
        said_risk = known.get("said_risk") or [0, False]  # what risky lines during the intake carried
        self.waiting_said.pop(room_id, None)  # a new wait: no line of an earlier one is read with its lines
        await self._entry(room_id, {
            "status": WAITING, "alias": self._alias(room_id), "tier": state.tier, "minutes": state.minutes,
            "price": self.data.prices.get((state.tier, state.minutes), 0), "topic": state.topic,
            "intake_risk_answer": state.risk_answer, "risk": max(state.risk, int(said_risk[0])), "arrived_at": now_ms(),
            "answered_at": answered_at or now_ms(), "handover": "", "imminent": state.imminent or bool(said_risk[1]),
            "client_hash": digest, "said": relay.said_field(known.get("said") or []),
        })
        known["hides"] = await relay.hides_history(self.api, room_id)  # after: the entry was decided without a wait
        return True

    def _alias(self, room_id: str) -> str:
        """The client's pseudonym, unlike any other client's in the queue now (14,400 names: two clients would
        share one often enough, and a handover note or an alert would then point at either)."""
        taken = {str(e.get("alias")) for r, e in self.queue.items() if r != room_id and e.get("status") in (
            WAITING, TAKEN)}
        alias, n = pseudonym(room_id), 0
        while alias in taken and n < 1000:
            n += 1
            alias = pseudonym(f"{room_id}#{n}")
        return alias

    async def _not_taken_up(self) -> None:
        """A client assigned to a counselor (claimed, or handed over) whose workstation has not joined their room
        within JOIN_GRACE_MS (it went off, it crashed) goes back to the queue with any handover note, and is told:
        an assignment nobody takes up is no session. So does a client whose counselor is no longer on the roster
        (taken off it while the intake was down): that account is taken out of the client's rooms at once."""
        for room_id, entry in list(self.queue.items()):
            counselor, taken_at = entry.get("taken_by"), entry.get("taken_at")
            if entry.get("status") != TAKEN or not isinstance(counselor, str):
                continue
            gone = counselor not in self.roster.counselors
            if not gone and (room_id in self.taken_up or not isinstance(taken_at, int) or
                             now_ms() - taken_at < JOIN_GRACE_MS):
                continue
            if not gone:
                try:
                    member = await self.api.get_state(room_id, "m.room.member", counselor)
                except (MatrixError, httpx.HTTPError, OSError):
                    continue  # asked again after the next batch
                if obj(member).get("membership") == "join":
                    self.taken_up.add(room_id)
                    continue
            log.warning("a client's counselor %s: the client is back in the queue",
                        "is no longer on the roster" if gone else "never came into the room")
            back = {k: v for k, v in entry.items() if k not in TAKEN_FIELDS}
            self.taken_up.discard(room_id)
            await self._entry(room_id, dict(back, status=WAITING, arrived_at=now_ms()))
            for room in rooms_of(room_id, self.clients.get(room_id)):
                try:  # the invitation withdrawn, or the account no longer staff taken out, where we may
                    await self.api.kick(room, counselor, "no longer on the roster" if gone else "not taken up")
                except MatrixError as exc:
                    log.info("could not take the counselor out: %s", exc.errcode)
            await self._reply(room_id, ["intake.returned"])

