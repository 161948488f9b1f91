"""Who is staff, as a workstation learns it: the staff rooms and the roster, believed only from the intake.

A workstation knows one account for sure: the organisation's intake service (`--intake`, or
`intake` in config.toml). The intake invites roster members to its closed staff rooms and keeps
the roster in their state. A room counts as the queue room or the supervisors' room only when its
`org.curhat.room` marker was sent by the intake, and the roster only when the intake wrote it; an
alias, a room name or a marker anyone else wrote means nothing.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import (
    QUEUE_KIND,
    ROOM,
    ROSTER,
    SUPERVISORS_KIND,
    content_of,
    events_in,
    obj,
    section,
    user_ids,
)
from curhat_tui.domain.sanitize import clean, skeleton

log = logging.getLogger("curhat.matrix.staff")


def owned_name(name: object, account: str, limit: int = 60) -> str:
    """A name a staff account chose for itself (a duty announcement, a claim, a sign-off, a note's counselor), as
    shown: on one line, without terminal controls, cut. When it does not read as part of the account, the account
    comes first and the name after it ("@budi:example.org (Ani)"), so that no colleague passes for another: the
    name reads as the account's when it is the account's name or one of its words (@ani.rahma may be "Ani Rahma"
    or "Ani"; @anita is never "Ani"). The
    account alone when no name was given."""
    local = account.lstrip("@").split(":", 1)[0]
    shown = " ".join(clean(name).split())[:limit] if isinstance(name, str) else ""
    if not shown:
        return account

    def fold(text: str) -> str:  # as members tells names apart: look-alike letters read as what they look like
        return "".join(ch for ch in skeleton(text) if ch.isalnum())
    # the account's own words: "@ani.rahma" is "ani", "rahma" or "anirahma"; "@anita" is never "ani"
    own = {fold(word) for word in re.split(r"[^0-9A-Za-z]+", local)} | {fold(local)}
    return shown if fold(shown) in own - {""} else f"{account} ({shown})"


class NotOnRoster(LookupError):
    """The intake has not (or no longer) put this account on the service's roster."""


@dataclass
class Staff:
    intake: str
    queue_room: str = ""
    supervisors_room: str = ""
    counselors: frozenset[str] = field(default_factory=frozenset)
    supervisors: frozenset[str] = field(default_factory=frozenset)
    marked_at: dict[str, int] = field(default_factory=dict)  # kind -> when the intake marked the room we use

    def is_staff(self, user_id: object) -> bool:
        return user_id == self.intake or user_id in self.counselors or user_id in self.supervisors

    def role_of(self, user_id: str) -> str:
        if user_id in self.supervisors:
            return "supervisor"
        return "counselor" if user_id in self.counselors else ""

    def take_state(self, room_id: str, event: dict) -> bool:
        """Learn from one state event of a room if the intake sent it; True when something changed."""
        if not isinstance(event, dict) or event.get("sender") != self.intake or event.get("state_key") != "":
            return False
        content = content_of(event)
        before = (self.queue_room, self.supervisors_room, self.counselors, self.supervisors)
        if event.get("type") == ROOM:
            stamp = event.get("origin_server_ts")
            ts = stamp if isinstance(stamp, int) else 0
            kind = content.get("kind")
            if kind in (QUEUE_KIND, SUPERVISORS_KIND):
                current = self.queue_room if kind == QUEUE_KIND else self.supervisors_room
                if current in ("", room_id) or ts >= self.marked_at.get(kind, 0):  # the newest room of a kind
                    self.marked_at[kind] = ts
                    if kind == QUEUE_KIND:
                        self.queue_room = room_id
                    else:
                        self.supervisors_room = room_id
            elif room_id == self.queue_room:  # retired by the intake
                self.queue_room = ""
            elif room_id == self.supervisors_room:
                self.supervisors_room = ""
        elif event.get("type") == ROSTER and room_id in (self.queue_room, self.supervisors_room):
            self.counselors = frozenset(user_ids(content.get("counselors")))
            self.supervisors = frozenset(user_ids(content.get("supervisors")))
        return before != (self.queue_room, self.supervisors_room, self.counselors, self.supervisors)

    def take_room(self, room_id: str, events: list) -> bool:
        """Learn from a room's state events (markers first, then the roster)."""
        events = [e for e in events if isinstance(e, dict)]
        changed = False
        for event in sorted(events, key=lambda e: e.get("type") != ROOM):
            changed = self.take_state(room_id, event) or changed
        return changed


def invited_by(invite: dict, me: str) -> str:
    """Who invited `me`, from an invite's stripped state ("" when it does not say)."""
    for event in events_in(invite, "invite_state"):
        if event.get("type") == "m.room.member" and event.get("state_key") == me:
            sender = event.get("sender")
            return sender if isinstance(sender, str) else ""
    return ""


def created_by(invite: dict) -> str:
    """Who made the room an invitation is to, from its stripped create event ("" when it does not say)."""
    for event in events_in(invite, "invite_state"):
        if event.get("type") == "m.room.create" and event.get("state_key") == "":
            sender = event.get("sender")
            return sender if isinstance(sender, str) else ""
    return ""


async def discover(api: MatrixAPI, staff: Staff) -> Staff:
    """Accept the intake's invites and find the staff rooms and the roster; NotOnRoster if the intake has
    put this account in none of them."""
    if not api.user_id:
        await api.whoami()
    staff.queue_room = staff.supervisors_room = ""  # learnt afresh: a replaced room or a changed roster counts
    staff.counselors = staff.supervisors = frozenset()
    staff.marked_at.clear()
    wanted = {"room": {"timeline": {"limit": 0}, "state": {"types": [ROOM, ROSTER]},
                       "ephemeral": {"types": []}, "account_data": {"types": []}},
              "presence": {"not_types": ["*"]}, "account_data": {"not_types": ["*"]}}
    data = await api.sync(None, timeout_ms=0, filter_json=json.dumps(wanted))
    rooms = obj(data.get("rooms"))
    for room_id, invite in section(rooms, "invite").items():
        if invited_by(invite, api.user_id) == staff.intake:
            try:
                await api.join(room_id)
                staff.take_room(room_id, await api.room_state(room_id))
            except MatrixError as exc:
                log.warning("could not join a room the intake invited us to: %s", exc)
    for room_id, joined in section(rooms, "join").items():
        staff.take_room(room_id, events_in(joined, "state"))
    # the roster may have been read before its room was known as a staff room: read the two rooms again
    for room_id in {staff.queue_room, staff.supervisors_room} - {""}:
        staff.take_room(room_id, await api.room_state(room_id))
    if not staff.role_of(api.user_id):
        raise NotOnRoster(f"{api.user_id} is not on the roster of the intake service {staff.intake}")
    return staff
