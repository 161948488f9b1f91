"""A client's room upgraded mid-session (`m.room.tombstone`), followed only when it is safe.

A client's app may replace their room with a new one (Element's /upgraderoom; Synapse's `/upgrade` sends the
tombstone in the old room as the account that asked, creates the new room with them as its creator, and invites no
one: the app invites the old room's members). The client then talks in the new room. The workstation follows, and
keeps the same session (same transcript; the outbox's pending lines go to the new room; the session's channel state
records it, so a restart resumes there), when:

- the tombstone was sent by the client (the account the intake named: `client_hash`), never by anyone else who was
  given the power to send one, and the intake named the client at all;
- the new room says it replaces the old one (`predecessor`) and was created by the client;
- nobody may join it without a member letting them in (join rule `invite`, `knock` or `private`, as the intake
  requires of a client's first room: admission.py), nor read it without joining (history not `world_readable`);
- it is no room this workstation is already in (the queue room, another client's room): such a room is refused
  without a join or a leave;
- nobody besides the client and staff is in it.

Anything else leaves the session where it was, and the counselor is told at their next line (it is held once:
`SendHeld` with `notice.upgrade_refused` or `notice.tombstone_refused`, then goes to the old room). In the new room
the same rules hold as in the old: only the client's words count (client_room.py) and a line is held while anyone
else is there (members.py). The client's hash stays salted with the first room, which stays the key of the queue
entry: `HASH_ROOM` in the session's channel state.
"""

from __future__ import annotations

import logging

import httpx

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError, _q
from curhat_tui.channels.matrix.client_room import ClientRoomReader
from curhat_tui.channels.matrix.protocol import content_of, events_in, obj
from curhat_tui.channels.matrix.relay import FIRST_ROOM
from curhat_tui.channels.matrix.staff import Staff, invited_by

log = logging.getLogger("curhat.matrix")
TOMBSTONE = "m.room.tombstone"
PRIVATE_RULES = ("invite", "knock", "private")  # a member must let anyone else in (the intake's rule too)
HASH_ROOM = FIRST_ROOM  # channel state: the session's first room (the queue entry's key, the client hash's salt)
REFUSED = "notice.upgrade_refused"  # the client's new room is open to anyone, or someone else is in it
FORGED = "notice.tombstone_refused"  # someone who is not the client said the room moved


def replacement(event: dict) -> str:
    """The room a tombstone names ('' when it is not one, or names none)."""
    if event.get("type") != TOMBSTONE or event.get("state_key") != "":
        return ""
    room = content_of(event).get("replacement_room")
    return room if isinstance(room, str) and room.startswith("!") and len(room) <= 255 else ""


class RoomUpgrades:
    """Per workstation: which sessions moved to which room, upgrades waiting for their invitation, and refusals
    still to tell."""

    def __init__(self, api: MatrixAPI, staff: Staff, reader: ClientRoomReader) -> None:
        self.api, self.staff, self.reader = api, staff, reader
        self.moved: dict[str, str] = {}  # first room (the queue entry's key) -> the room the session is in now
        self.waiting: dict[str, tuple[str, str]] = {}  # new room -> (old room, session id): no invitation yet
        self.refused: dict[str, str] = {}  # session id -> the notice to tell at the next send
        self.seen: set[tuple[str, str]] = set()  # (session, tombstone event id) judged (sync repeats state)
        self.tried: set[str] = set()  # transaction ids of lines tried already (held() tells at a first try)
        self.invites: dict[str, dict] = {}  # room id -> the newest invitations no one else took (their stripped state)
        self.joining: set[str] = set()  # new rooms being joined and checked now (an invitation repeated waits)

    def remember(self, session_id: str, channel_state: dict) -> None:
        first, room = channel_state.get(HASH_ROOM), channel_state.get("room_id")
        if isinstance(first, str) and isinstance(room, str) and first != room:
            self.moved[first] = room

    def invited(self, room_id: str, invite: dict) -> None:
        """Keep an invitation (the last 64): a client's move may name its room, judged from it before any join."""
        self.invites[room_id] = invite
        for old in list(self.invites)[:-64]:
            del self.invites[old]

    def here(self, first_room: str) -> str:
        """The room a session that began in `first_room` is in now."""
        return self.moved.get(first_room, first_room)

    def first(self, room_id: str) -> str:
        """The first room (the queue entry's key) of the session now in `room_id`."""
        return next((first for first, now in self.moved.items() if now == room_id), room_id)

    def tombstones(self, room_id: str, session_id: str, events: list[dict]) -> list[str]:
        """The rooms this session's room was replaced with by its client; a tombstone from anyone else is
        refused (logged, and told to the counselor)."""
        found = []
        for event in events:
            new, event_id = replacement(event), event.get("event_id")
            if not new or new == room_id or (session_id, event_id) in self.seen:
                continue  # judged for this session (a client back for a second session is judged again)
            if isinstance(event_id, str):
                self.seen.add((session_id, event_id))
            if not self.reader.client_of(session_id)[0] or not self.reader.is_client(event.get("sender"), session_id):
                log.warning("a room upgrade not sent by the client was refused (session %s)", session_id)
                self.refused[session_id] = FORGED
                continue
            found.append(new)
        return found

    def held(self, session_id: str, txn: str) -> str:
        """The refusal to tell at this send ('' when none); told once, at the first try of a line (a line the
        outbox tries again says nothing: the outbox tells only a first try's hold)."""
        if txn in self.tried:
            return ""
        self.tried.add(txn)
        return self.refused.pop(session_id, "")

    async def follow(self, old: str, new: str, session_id: str) -> bool | None:
        """Join the client's new room and check it: True (follow), False (refused and left), None (no invitation
        yet: tried again when it comes)."""
        if new in self.joining:
            return None
        if await self._in_use(new):  # never joined, never left: a room we are in stays ours
            log.warning("refused a room upgrade naming a room already in use here (session %s)", session_id)
            self.refused[session_id] = REFUSED
            return False
        summary = await self._summary(new)  # what the server tells anyone of a room they may see, unjoined
        if summary.get("join_rule", "invite") not in PRIVATE_RULES or summary.get("world_readable") is True:
            log.warning("refused a client's new room before joining: anyone may join or read it")
            self.refused[session_id] = REFUSED
            return False
        invite = self.invites.get(new)
        if invite is None:  # never joined uninvited: the client's (or the intake's) invitation is waited for
            self.waiting[new] = (old, session_id)
            return None
        if not self._invite_ok(invite, old, session_id):
            log.warning("refused a client's new room before joining: not the client's replacement of theirs")
            self.refused[session_id] = REFUSED
            self.invites.pop(new, None)
            return False
        self.joining.add(new)
        try:
            await self.api.join(new)
        except MatrixError as exc:
            self.joining.discard(new)
            if exc.status == 403:
                self.waiting[new] = (old, session_id)
                return None
            log.warning("could not join a client's new room: %s", exc.errcode)
            self.refused[session_id] = REFUSED
            return False
        except httpx.HTTPError:
            self.joining.discard(new)
            self.waiting[new] = (old, session_id)  # tried again when the invitation comes round
            return None
        self.waiting.pop(new, None)
        try:
            safe = await self._safe(old, new, session_id)
        except (MatrixError, httpx.HTTPError) as exc:
            log.warning("could not check a client's new room: %s", type(exc).__name__)
            safe = False
        finally:
            self.joining.discard(new)
        if not safe:
            try:
                await self.api.leave(new)
                await self.api.forget(new)
            except (MatrixError, httpx.HTTPError) as exc:
                log.info("leaving a refused room: %s", type(exc).__name__)
            self.refused[session_id] = REFUSED  # told once we are out of it
        return safe

    async def _summary(self, room_id: str) -> dict:
        try:
            return await self.api.request("GET", f"/_matrix/client/v1/room_summary/{_q(room_id)}")
        except (MatrixError, httpx.HTTPError):
            return {}  # not visible to us unjoined (an invite-only room): judged from the invitation

    def _invite_ok(self, invite: dict, old: str, session_id: str) -> bool:
        """From the invitation's stripped state: the client (or the intake) invited us, the client made the room,
        it says it replaces the session's room, and its join rule (when shown) lets no one in uninvited."""
        inviter = invited_by(invite, self.api.user_id)
        if not (inviter == self.staff.intake or self.reader.is_client(inviter, session_id)):
            return False
        state = {(e.get("type"), e.get("state_key")): e for e in events_in(invite, "invite_state")}
        create = state.get(("m.room.create", ""), {})
        rules = content_of(state.get(("m.room.join_rules", ""), {})).get("join_rule", "invite")
        return self.reader.is_client(create.get("sender"), session_id) and obj(content_of(create).get(
            "predecessor")).get("room_id") == old and rules in PRIVATE_RULES

    async def _in_use(self, room_id: str) -> bool:
        """Whether a tombstone names a room this workstation already has: a staff room, a session's room (another
        client's), any room it is in. Such a room is refused without a join or a leave."""
        if room_id in (self.staff.queue_room, self.staff.supervisors_room) or room_id in self.moved.values():
            return True
        try:
            return room_id in await self.api.joined_rooms()
        except (MatrixError, httpx.HTTPError):
            return True  # not known: not followed

    async def _safe(self, old: str, new: str, session_id: str) -> bool:
        create = await self.api.request("GET", f"/rooms/{_q(new)}/state/m.room.create/", params={"format": "event"})
        content = obj(create.get("content")) if "content" in create else create
        creator = create.get("sender") if "content" in create else content.get("creator")
        if obj(content.get("predecessor")).get("room_id") != old or not self.reader.is_client(creator, session_id):
            log.warning("refused a client's new room: it does not replace theirs, or the client did not make it")
            return False
        rules = obj(await self.api.get_state(new, "m.room.join_rules")).get("join_rule", "invite")
        if rules not in PRIVATE_RULES:
            log.warning("refused a client's new room: anyone may join it (%s)", str(rules)[:20])
            return False
        seen = obj(await self.api.get_state(new, "m.room.history_visibility")).get("history_visibility")
        if seen == "world_readable":  # anyone may read it without joining: no member list would show them
            log.warning("refused a client's new room: anyone may read its history")
            return False
        joined = obj((await self.api.request("GET", f"/rooms/{_q(new)}/joined_members")).get("joined"))
        others = [u for u in joined if u != self.api.user_id and not self.staff.is_staff(u)
                  and not self.reader.is_client(u, session_id)]
        if others:
            log.warning("refused a client's new room: %d account(s) besides the client are in it", len(others))
            return False
        return True



async def tombstone_of(api: MatrixAPI, room_id: str) -> list[dict]:
    """The room's tombstone as a whole event (its sender with it), when it has one: a client who replaced their
    room before we came (while waiting) is followed from the state, not from a sync we were not there for."""
    try:
        if not await api.get_state(room_id, TOMBSTONE):
            return []  # none: nothing to follow
        event = await api.request("GET", f"/rooms/{_q(room_id)}/state/{TOMBSTONE}/", params={"format": "event"})
    except (MatrixError, httpx.HTTPError):
        return []  # not readable: nothing to follow
    return [event] if isinstance(event.get("content"), dict) and isinstance(event.get("sender"), str) else []
