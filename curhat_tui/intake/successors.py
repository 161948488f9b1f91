"""A client's room replaced by a new one (a room upgrade: Element's /upgraderoom) during a session.

Synapse's `/upgrade` creates the new room as the client, says in its `m.room.create` which room it replaces
(`predecessor`), and invites no one; the client's app invites the old room's members, the intake among them. An
invitation whose stripped create event names, as its predecessor, a room where the same account is the client and
a counselor has the session is no new client: the counselor's workstation follows the session there and checks the
room (channels/matrix/upgrade.py); the intake does not ask for consent again in it. It notes the room beside the
first, so that the new room is deleted with the first when the retention says so (server_purge.py).
"""

from __future__ import annotations

import logging

from curhat_tui.channels.matrix.protocol import TAKEN, content_of, events_in, obj

log = logging.getLogger("curhat.intake")
MAX_SUCCESSORS = 8  # rooms one session may move through


def predecessor(invite: dict, client: str, clients: dict[str, dict], queue: dict[str, dict]) -> str:
    """The client room in a session this invitation's room replaces ('' when none): the room's creator, the
    inviter and that room's client are the same account."""
    for event in events_in(invite, "invite_state"):
        if event.get("type") != "m.room.create" or event.get("state_key") != "" or event.get("sender") != client:
            continue
        old = obj(content_of(event).get("predecessor")).get("room_id")
        if isinstance(old, str) and obj(clients.get(old)).get("client") == client and obj(
                queue.get(old)).get("status") == TAKEN:
            return old
    return ""


def note_successor(known: dict, room_id: str) -> bool:
    """Keep `room_id` among the rooms that follow a client's first room; False when there are too many already."""
    rooms = [r for r in known.get("successors") or [] if isinstance(r, str)]
    if room_id in rooms:
        return True
    if len(rooms) >= MAX_SUCCESSORS:
        log.warning("a client's room was replaced too many times; the newest is not followed")
        return False
    known["successors"] = [*rooms, room_id]
    return True


def successors(known: object) -> list[str]:
    return [r for r in obj(known).get("successors") or [] if isinstance(r, str)]
