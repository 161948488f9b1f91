"""Supervision over Matrix: notes, sign-offs, live status and whispers between workstations.

Rooms
- the supervisors' room (made by the intake service, see protocol.py): roster counselors post
  red-flag alerts; a supervisor believes an alert only from a roster counselor.
- one closed supervision room per counselor, made by the counselor's workstation (found again by
  its id, never by an alias anyone could squat) with the roster's supervisors invited, and anyone
  else removed. The counselor posts submitted sessions (`org.curhat.submit`, split under Matrix's
  64 KiB event limit) and live status (`org.curhat.live` state, keyed by session id); supervisors
  post comments and sign-offs (`org.curhat.review`) and whispers (`org.curhat.whisper`). Clients are
  never in these rooms, so a whisper cannot reach one.

End-to-end encryption (when the workstations have an Olm machine, see crypto.py): a counselor's
supervision room is made with Megolm from its first event (an older plain one is switched on), so a
submitted transcript, a note, a comment or a whisper reaches the homeserver only as ciphertext. A
supervisor who joins later gets the room's keys forwarded by the counselor's workstation when it sees them
join, and takes forwarded keys only from roster counselors; an event whose keys have not come yet waits and
is read when they do. Live status is a state event and cannot be encrypted: it holds no words (alias,
times, risk, status, load); a debrief, which is words, travels as its own (encrypted) timeline event and is
shown with the session's live status. When a session's transcript reaches the end of its retention (or at once with zero
retention) the counselor's workstation redacts the submissions it sent for that session (`withdraw`).

Every event is checked against its sender: a supervisor joins a supervision room only when a roster
counselor invites them, and believes its submissions and live status only from the counselor who
made it; a counselor believes reviews and whispers only from roster supervisors. A session id is
bound to the room it first came from, so no other room can replace it. Everything received is
handed to `Supervision.on_link_event`, which stores it first; replays are recognised by event id.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import ALERT, MEGOLM, closed_room, content_of, events_in, obj, seconds, section
from curhat_tui.channels.matrix.staff import Staff, discover, invited_by, owned_name
from curhat_tui.channels.matrix.sync import SyncLoop
from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.matrix.supervision")

SUPERVISION = "supervision"  # the org.curhat.room kind of a supervision room
SUBMIT = "org.curhat.submit"
LIVE = "org.curhat.live"
REVIEW = "org.curhat.review"
WHISPER = "org.curhat.whisper"
DEBRIEF = "org.curhat.debrief"  # the counselor's words after a high-risk session: a timeline event, so encrypted
PART_CHARS = 30_000  # well under the 64 KiB event limit, even with JSON escaping
MAX_PARTS = 200
MAX_UNFINISHED = 50  # submissions arriving in parts at once; the oldest unfinished one goes beyond this
MAX_WAITING_KEYS = 2000  # encrypted events kept for keys that have not come yet (the oldest go first)


def _digest(text: str) -> str:
    """A stable short digest: the same content gives the same transaction id in every process."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


async def role_of(api: MatrixAPI, staff: Staff) -> str:
    """This account's role on the intake's roster: "supervisor" or "counselor" (NotOnRoster otherwise)."""
    await discover(api, staff)
    return staff.role_of(api.user_id)


class MatrixSupervisionLink:
    def __init__(self, api: MatrixAPI, store: Store, role: str, *, staff: Staff, sync: SyncLoop | None = None,
                 author: str = "", sync_timeout_ms: int = 30_000) -> None:
        self.api = api
        self.store = store
        self.role = role
        self.staff = staff
        self.sync = sync or SyncLoop(api, store.state.supervision_since, store.state.set_supervision_since,
                                     timeout_ms=sync_timeout_ms)
        self.author = author  # the display name shown with comments and whispers
        self.emit: Callable[[dict], None] = lambda event: None
        self.own_room = ""
        self.owners: dict[str, str] = {}  # supervision room -> the counselor who made it ("" = not one)
        self._parts: dict[str, dict[int, str]] = {}
        self._waiting_keys: list[tuple[str, dict]] = []  # (room, encrypted event) read again when keys come
        self._tasks: set[asyncio.Task] = set()
        self._live: dict[str, dict] = {}  # session -> its newest live status, with its debrief once one came
        self.ready = asyncio.Event()
        self._roster: frozenset[str] = frozenset()  # the supervisors the own room was last made to hold
        self._unowned_alerts: list[dict] = []  # alerts waiting for their session's room's owner to be read

    # ---- lifecycle ---------------------------------------------------------------
    async def start(self, emit: Callable[[dict], None]) -> None:
        self.emit = emit
        self.sync.subscribe(self)
        self.sync.start()

    async def stop(self) -> None:
        await self.sync.stop()

    async def prepare(self) -> None:
        if not self.api.user_id:
            await self.api.whoami()
        if not self.staff.supervisors_room or not self.staff.role_of(self.api.user_id):
            await discover(self.api, self.staff)
        crypto = self.sync.crypto
        if crypto is not None and self.role == "supervisor":
            for counselor in self.staff.counselors:  # room keys forwarded by a counselor who made a room
                crypto.accept_forwards_from(counselor)
        if self.role != "supervisor":
            self.own_room = await self._own_room()
        self.ready.set()

    async def _own_room(self) -> str:
        room_id = self.store.state.supervision_own_room() or ""
        if not room_id or await self._owner(room_id, fresh=True) != self.api.user_id:
            room_id = await self.api.create_room(**closed_room(
                "curhat supervision", SUPERVISION, history="invited", encrypted=self.sync.crypto is not None))
            self.store.state.set_supervision_own_room(room_id)
            self.owners[room_id] = self.api.user_id
        elif self.sync.crypto is not None and not await self.api.get_state(room_id, "m.room.encryption"):
            await self.api.put_state(room_id, "m.room.encryption", dict(MEGOLM))  # from now on, ciphertext only
        await self._only_supervisors(room_id)
        return room_id

    async def _only_supervisors(self, room_id: str) -> None:
        """The supervision room holds this counselor and the roster's supervisors: anyone else is taken out (a
        supervisor taken off the roster reads no further), and a supervisor not yet in is invited. The roster is
        taken as matched only once everyone who should be out is out: a failed removal is tried again at the next
        batch or send."""
        roster = frozenset(self.staff.supervisors)
        present = await self.api.members(room_id)
        removed = True
        for user, membership in present.items():
            if user != self.api.user_id and membership in ("join", "invite") and user not in roster:
                try:  # a supervisor taken off the roster reads no further
                    await self.api.kick(room_id, user, "not a supervisor on the roster")
                except MatrixError as exc:
                    removed = False
                    log.warning("could not remove someone from the supervision room: %s", exc.errcode)
        for user in sorted(roster - {u for u, m in present.items() if m in ("join", "invite")}):
            try:
                await self.api.invite(room_id, user)
            except MatrixError as exc:
                log.info("could not invite a supervisor: %s", exc.errcode)
        if removed:
            self._roster = roster

    async def _roster_kept(self) -> None:
        """After the roster changed (the intake's word, staff.py), the room is made to match it again."""
        if self.own_room and self.role != "supervisor" and frozenset(self.staff.supervisors) != self._roster:
            try:
                await self._only_supervisors(self.own_room)
            except MatrixError as exc:  # tried again at the next batch or send
                log.warning("could not match the supervision room to the roster: %s", exc.errcode)

    async def _owner(self, room_id: str, *, fresh: bool = False) -> str:
        """The counselor who made this supervision room, or "" when it is not one."""
        if room_id in self.owners and not fresh:
            return self.owners[room_id]
        owner = ""
        try:
            state = await self.api.room_state(room_id)
        except MatrixError:
            state = []
        creator = next((e.get("sender") for e in state if e.get("type") == "m.room.create"), "")
        marker = next((e for e in state if e.get("type") == "org.curhat.room" and e.get("state_key") == ""), {})
        if marker.get("sender") == creator and obj(marker.get("content")).get("kind") == SUPERVISION:
            owner = creator if isinstance(creator, str) else ""
        self.owners[room_id] = owner
        return owner

    # ---- incoming ----------------------------------------------------------------
    async def on_sync(self, rooms: dict, first: bool) -> None:
        if self.role == "supervisor":
            for room_id, invite in section(rooms, "invite").items():
                inviter = invited_by(invite, self.api.user_id)
                if inviter in self.staff.counselors:  # only a roster counselor's room is worth joining
                    try:
                        await self.api.join(room_id)
                    except MatrixError as exc:
                        log.warning("could not join a supervision room: %s", exc.errcode)
        for room_id, joined in section(rooms, "join").items():
            events = events_in(joined, "state", "timeline")
            if room_id == self.staff.queue_room or room_id == self.staff.supervisors_room and self.role != "supervisor":
                continue
            owner = await self._owner(room_id) if self.role == "supervisor" and room_id != self.staff.supervisors_room \
                else ""
            for event in events:
                if event.get("sender") == self.api.user_id:
                    continue
                if event.get("curhat_undecrypted"):
                    self._waiting_keys = (self._waiting_keys + [(room_id, event)])[-MAX_WAITING_KEYS:]
                    continue
                if room_id == self.own_room and self.role != "supervisor":
                    self._forward_keys_on_join(event)
                self._take(room_id, event, owner, first)
        await self._read_waiting()
        await self._roster_kept()
        waiting, self._unowned_alerts = self._unowned_alerts, []
        for event in waiting:  # alerts on a session whose room's counselor was not known yet (a restart): read it
            session = obj(content_of(event).get(ALERT)).get("session")
            await self._owner(str(self.store.state.supervision_room(str(session)) or ""))
            self._take(self.staff.supervisors_room, event, "", False)  # a room that cannot be read: told as before

    def _take(self, room_id: str, event: dict, owner: str, history: bool) -> None:
        try:
            self._event(room_id, event, owner, history)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # one malformed event, not the rest
            log.warning("dropped a malformed %s event: %s", str(event.get("type"))[:60], type(exc).__name__)

    async def _read_waiting(self) -> None:
        """Encrypted events whose keys have come since (a forward, a late share) are read now."""
        crypto = self.sync.crypto
        if crypto is None or not self._waiting_keys:
            return
        waiting, self._waiting_keys = self._waiting_keys, []
        for room_id, event in waiting:
            plain = crypto.decrypt_raw(room_id, event)
            if plain is None:
                self._waiting_keys.append((room_id, event))
                continue
            owner = await self._owner(room_id) if self.role == "supervisor" and room_id != self.staff.supervisors_room \
                else ""
            self._take(room_id, plain, owner, False)

    def _forward_keys_on_join(self, event: dict) -> None:
        """A roster supervisor joined our supervision room: give their devices the keys of what was sent before."""
        user = event.get("state_key")
        if (self.sync.crypto is None or event.get("type") != "m.room.member" or user not in self.staff.supervisors
                or content_of(event).get("membership") != "join"):
            return
        task = asyncio.create_task(self._forward(str(user)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _forward(self, user: str) -> None:
        crypto = self.sync.crypto
        try:
            if crypto is not None:
                await crypto.forward_room_keys(self.own_room, user)
        except Exception as exc:  # noqa: BLE001 - nio's errors vary; the next join or start tries again
            log.warning("could not forward the supervision room's keys: %s", type(exc).__name__)

    def _event(self, room_id: str, event: dict, owner: str, history: bool) -> None:
        kind, sender = event.get("type"), event.get("sender")
        content = content_of(event)
        ts = event.get("origin_server_ts", 0) / 1000
        remote_id = event.get("event_id")
        if self.role == "supervisor":
            if room_id == self.staff.supervisors_room:
                if ALERT in content and not history and sender in self.staff.counselors:
                    alert = obj(content[ALERT])
                    session = alert.get("session", "")
                    room = self.store.state.supervision_room(session) if isinstance(session, str) and session else ""
                    if room and room not in self.owners:  # whose room it is is read first (on_sync), then told
                        self._unowned_alerts.append(event)
                        return
                    if room and self.owners[room] not in ("", sender):  # only its counselor alerts on a session
                        log.warning("dropped an alert about a session that is another counselor's")
                        return
                    self.emit({"kind": "alert", "session_id": session, "item": alert.get("item_id")
                               or alert.get("item", ""), "counselor": sender, "ts": ts})
                return
            if not owner or sender != owner or owner not in self.staff.counselors:
                return  # only the counselor who made the room speaks for its sessions
            if kind == LIVE and isinstance(event.get("state_key"), str) and event["state_key"]:
                if not self._bound(event["state_key"], room_id):
                    return
                info = dict(content, counselor=owned_name(content.get("counselor"), owner))  # whose room it is
                for key in ("started_at", "deadline"):  # Matrix event content holds no floats: milliseconds
                    if f"{key}_ms" in info:
                        info[key] = info.pop(f"{key}_ms") / 1000
                info.pop("debrief", None)  # believed only from the encrypted timeline event
                debrief = self._live.get(event["state_key"], {}).get("debrief")
                self._live[event["state_key"]] = dict(info, **({"debrief": debrief} if debrief else {}))
                self.emit({"kind": "live", "session_id": event["state_key"], "info": self._live[event["state_key"]]})
            elif kind == DEBRIEF and isinstance(content.get("session_id"), str) and isinstance(
                    content.get("debrief"), dict):
                session_id, debrief = content["session_id"], dict(content["debrief"])
                if not self._bound(session_id, room_id) or not isinstance(debrief.get("text"), str):
                    return
                at = debrief.pop("at_ms", None)
                debrief["at"] = seconds(at, default=ts)
                self._live[session_id] = dict(self._live.get(session_id, {}), debrief=debrief)
                self.emit({"kind": "live", "session_id": session_id, "info": self._live[session_id]})
            elif kind == SUBMIT:
                self._part(room_id, content, ts, owner)
        elif room_id == self.own_room and sender in self.staff.supervisors and kind in (REVIEW, WHISPER):
            self.emit({"kind": content.get("action") if kind == REVIEW else "whisper",
                       "session_id": content.get("session_id", ""), "author": owned_name(content.get("author"), sender),
                       "text": content.get("text", ""), "ts": ts, "remote_id": remote_id})

    def _part(self, room_id: str, content: dict, ts: float, owner: str) -> None:
        key, part, parts = content.get("submission"), content.get("part"), content.get("parts", 1)
        if not isinstance(key, str) or not isinstance(part, int) or not isinstance(parts, int) or not (
                0 <= part < parts <= MAX_PARTS) or not isinstance(content.get("data"), str):
            log.warning("dropped a malformed part of a submitted session")
            return
        pieces = self._parts.setdefault(f"{room_id}|{key}", {})
        while len(self._parts) > MAX_UNFINISHED:  # a colleague sending first parts only grows nothing for ever
            log.warning("dropped an unfinished submitted session: too many arriving at once")
            self._parts.pop(next(iter(self._parts)))
        pieces[part] = content["data"]
        if len(pieces) < parts:
            return
        del self._parts[f"{room_id}|{key}"]
        try:
            snapshot = json.loads("".join(pieces[i] for i in sorted(pieces)))
            session_id = snapshot["session"]["id"]
        except (ValueError, TypeError, KeyError):
            log.warning("a submitted session arrived malformed; ignored")
            return
        if isinstance(session_id, str) and isinstance(snapshot["session"], dict) and self._bound(session_id, room_id):
            counselor = owned_name(snapshot["session"].get("counselor"), owner)  # the room's counselor, told apart
            snapshot = dict(snapshot, session=dict(snapshot["session"], counselor=counselor))
            self.emit({"kind": "submit", "snapshot": snapshot, "ts": ts, "remote_id": key})

    def _bound(self, session_id: str, room_id: str) -> bool:
        """A session belongs to the room it first came from; another room naming it is dropped."""
        known = self.store.state.supervision_room(session_id)
        if known and known != room_id:
            log.warning("dropped an event about a session that belongs to another counselor's room")
            return False
        if not known:
            self.store.state.set_supervision_room(session_id, room_id)
        return True

    # ---- outgoing ------------------------------------------------------------------
    async def _ready_room(self) -> str:
        await asyncio.wait_for(self.ready.wait(), 60)
        await self._roster_kept()  # nothing goes to a supervisor just taken off the roster
        return self.own_room

    async def submit(self, snapshot: dict) -> None:
        room = await self._ready_room()
        body = json.dumps(snapshot, ensure_ascii=False)
        pieces = [body[i:i + PART_CHARS] for i in range(0, len(body), PART_CHARS)] or [""]
        sid = snapshot["session"]["id"]
        versions = len(snapshot.get("note_versions", []))
        submission = f"{sid}-{versions}-{_digest(body)}"
        sent = []
        for index, piece in enumerate(pieces):
            sent.append(await self._send(room, SUBMIT, {"submission": submission, "part": index, "parts": len(pieces),
                                                        "data": piece}, f"submit-{submission}-{index}"))
            self.store.state.add_supervision_sent(sid, sent[-1:])

    async def withdraw(self, session_id: str) -> int:
        """Redact every submission this workstation sent for a session (its transcript's retention is over, or
        the client asked for deletion); returns how many went. What could not be redacted stays recorded for
        the next try."""
        room = await self._ready_room()
        done = []
        for event_id in self.store.state.supervision_sent(session_id):
            try:
                await self.api.redact(room, event_id, f"withdraw-{_digest(event_id)}", "retention")
                done.append(event_id)
            except MatrixError as exc:
                log.warning("could not redact a submitted session: %s", exc.errcode)
        self.store.state.drop_supervision_sent(session_id, done)
        return len(done)

    async def _send(self, room: str, event_type: str, content: dict, txn: str) -> str:
        """Send into a supervision room, encrypted when the room is (and we can)."""
        crypto = self.sync.crypto
        if crypto is not None and await crypto.is_encrypted(room, self.api):
            event_type, content = await crypto.encrypt(room, event_type, content)
        return await self.api.send(room, event_type, content, txn)

    async def live(self, session_id: str, info: dict) -> None:
        room = await self._ready_room()
        info = dict(info)
        debrief = info.pop("debrief", None)
        if isinstance(debrief, dict):  # words: never in a state event, which no one can encrypt
            debrief = {k: (int(v * 1000) if k == "at" else v) for k, v in debrief.items()}
            debrief = {("at_ms" if k == "at" else k): v for k, v in debrief.items()}
            body = {"session_id": session_id, "debrief": debrief}
            await self._send(room, DEBRIEF, body, f"debrief-{session_id}-{_digest(json.dumps(body, sort_keys=True))}")
        content = {k: (int(v * 1000) if k in ("started_at", "deadline") else v) for k, v in info.items()}
        content = {f"{k}_ms" if k in ("started_at", "deadline") else k: v for k, v in content.items()}
        await self.api.put_state(room, LIVE, content, state_key=session_id)

    async def _to_counselor(self, session_id: str, event_type: str, content: dict) -> None:
        await asyncio.wait_for(self.ready.wait(), 60)
        room = self.store.state.supervision_room(session_id)
        if not room:
            raise LookupError(f"no supervision room known for session {session_id}")
        txn = f"{event_type}-{session_id}-{_digest(json.dumps(content, sort_keys=True))}"
        await self._send(room, event_type, content, txn)

    async def review(self, counselor: str, session_id: str, action: str, text: str) -> None:
        await self._to_counselor(session_id, REVIEW, {"session_id": session_id, "action": action, "text": text,
                                                      "author": self.author})

    async def whisper(self, counselor: str, session_id: str, text: str) -> None:
        await self._to_counselor(session_id, WHISPER, {"session_id": session_id, "text": text,
                                                       "author": self.author})
