"""Which client rooms the intake serves, and who in them is the client.

A room is the client's, made by their app, so its settings are theirs; two would put a stranger near them:
- a room anyone can join (join rule `public`, or `restricted` to a space's members): a stranger could read the
  counselor and speak as the client. The intake explains, asks for a private chat, and leaves. A room anyone may
  read without joining (history `world_readable`) is made `shared`, or, where the intake may not, refused too.
- one account, many rooms: each would be a "client" in the queue, ahead of real ones. An account has one place
  in the queue at a time (waiting or in a session); another room that reaches the end of the intake meanwhile is
  told to carry on in the first, and is not queued.
The client is the account that invited the intake; a workstation believes only that account's words in the room
(the queue entry carries its scrypt hash, salted with the room, as `client_hash`, sealed with the other words).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import TAKEN, WAITING, obj
from curhat_tui.channels.matrix.relay import user_hash

PRIVATE_RULES = ("invite", "knock", "private")  # who may join only when a member lets them in
LIVE_STEPS = ("consent", "package", "topic", "risk", "region", "queued")  # an intake or a wait under way


def client_hash(user_id: str, room_id: str) -> str:
    """What a workstation compares senders with (channels/matrix/relay.py user_hash, the same): scrypt of the
    account salted with the room. Every roster device opens a queue entry, and a bridged account is a phone
    number: a plain hash would give it away to anyone trying numbers (about 1e11, minutes on a GPU); at ~50 ms
    and 16 MB a try, they would take centuries."""
    return user_hash(user_id, room_id)  # one definition: the intake writes what the workstation compares


async def open_to_anyone(api: MatrixAPI, room_id: str) -> bool:
    """Whether the room lets in people no member invited, or lets anyone read it without joining (read from the
    room's state once joined: the server's answer, not what an invitation claims). A history anyone may read
    (`world_readable`) is made `shared` where we hold the power; where we do not, the room counts as open. A room
    whose settings cannot be read counts as open."""
    try:
        rules = await api.get_state(room_id, "m.room.join_rules")
        seen = obj(await api.get_state(room_id, "m.room.history_visibility")).get("history_visibility")
        if seen == "world_readable":
            await api.put_state(room_id, "m.room.history_visibility", {"history_visibility": "shared"})
    except MatrixError:
        return True
    return obj(rules).get("join_rule", "invite") not in PRIVATE_RULES


def is_live(room_id: str, clients: dict[str, dict], queue: dict[str, dict], *, queued: bool = False) -> bool:
    """Whether something is going on in a client room: an intake, a wait or a session (`queued`: a wait or a
    session only)."""
    return (not queued and obj(obj(clients.get(room_id)).get("intake")).get("step") in LIVE_STEPS) or obj(
        queue.get(room_id)).get("status") in (WAITING, TAKEN)


def live_room_of(client: str, clients: dict[str, dict], queue: dict[str, dict], *, queued: bool = False) -> str:
    """A room this account has with the intake that is still going (`queued`: waiting or in a session); ""
    when none."""
    return next((room_id for room_id, known in clients.items()
                 if known.get("client") == client and is_live(room_id, clients, queue, queued=queued)), "")


def may_forget(room_id: str, sender: str, clients: dict[str, dict], queue: dict[str, dict], staff_rooms: tuple,
               scheduled: dict[str, int], served_gone: dict[str, list[str]] | None = None) -> bool:
    """A deletion request (org.curhat.forget) from a roster counselor is carried out only for a client room the
    intake knows, that is not going on (no intake, wait or session in it), and from a counselor who served the
    client there; after the client has left, who served is kept with the room's schedule (`served_gone`). A
    colleague's client, a room no counselor served, a staff room or any other room on the server is never
    deleted on a counselor's word (it goes at the end of its retention)."""
    if room_id in staff_rooms or not (room_id in clients or room_id in queue or room_id in scheduled):
        return False
    if is_live(room_id, clients, queue):
        return False
    if room_id in clients:
        served = obj(clients[room_id]).get("served")
        if not isinstance(served, list):  # a client known from before the intake kept who served: as it was
            return True
    else:
        served = (served_gone or {}).get(room_id) or []
    return sender in served


@dataclass
class JoinRetries:
    """Invitations whose join failed for a reason that passes (a rate limit, a network error): a client cannot
    invite the intake a second time, so the intake tries again, after 5, 10, 20 ... seconds, up to `tries` times
    (a withdrawn or forbidden invitation is not tried again)."""

    tries: int = 8
    pending: dict[str, tuple[dict, int, float]] = field(default_factory=dict)  # room id -> (invite, tries, next try)

    def failed(self, room_id: str, invite: dict, exc: Exception) -> None:
        if isinstance(exc, MatrixError) and exc.status in (403, 404):
            self.pending.pop(room_id, None)
            return
        _, tried, _ = self.pending.get(room_id, (invite, 0, 0.0))
        if tried + 1 >= self.tries:
            self.pending.pop(room_id, None)
        else:
            self.pending[room_id] = (invite, tried + 1, time.monotonic() + 5.0 * 2 ** tried)

    def due(self) -> list[tuple[str, dict]]:
        now = time.monotonic()
        return [(room_id, invite) for room_id, (invite, _, when) in self.pending.items() if when <= now]

    def joined(self, room_id: str) -> None:
        self.pending.pop(room_id, None)
