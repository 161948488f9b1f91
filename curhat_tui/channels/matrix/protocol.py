"""How curhat-tui uses Matrix rooms: who may write what where (the trust model, DESIGN 4b).

The intake service is the organisation's authority. It holds the staff roster
(counselors, supervisors) and is the only account believed about sessions.

Rooms
- the queue room: made by the intake, closed (invite-only, history `joined`, no alias,
  not in the directory), only the intake has the power to write state. Members: the
  intake and the roster. State:
  - `org.curhat.room` {kind: "queue", supervisors_room}: what this room is (trusted
    only when the intake sent it);
  - `org.curhat.roster` {counselors, supervisors}: the staff, written by the intake;
  - `org.curhat.queue`, keyed by the client's room id: one queue entry. It carries the
    session's facts too (status, pseudonym, tier, minutes, price, deadline, counselor,
    handover note). No Matrix ID, puppet ID or phone number of a client is ever in it.
  Counselors send requests as message events: `org.curhat.claim` {room_id, name},
  `org.curhat.handover` {room_id, note, to}, `org.curhat.end` {room_id} and
  `org.curhat.forget` {room_id} (a client's deletion request); each workstation also says
  `org.curhat.duty` {on, name} when it connects and when it stops (believed from roster
  counselors only; the intake ignores it). The intake takes a claim
  only from a counselor on the roster (first claim in timeline order wins), a handover or
  end only from the counselor the entry names.
- the supervisors' room: closed like the queue room; the roster's counselors post red-flag
  alerts there (`org.curhat.alert` inside an m.notice), supervisors read them. The
  supervisors hold SUPERVISOR_POWER there (set, and taken away, by the intake).
- a client room per client: the client's own room (the client made it and holds power
  100 there), with the intake and, once claimed, the counselor. Only the client's words
  are read from it; no state a client can write there is believed.
- a supervision room per counselor (see `supervision.py`).
"""

from __future__ import annotations

ROOM = "org.curhat.room"  # state: {kind: queue | supervisors, ...} - what a staff room is
ROSTER = "org.curhat.roster"  # state: {counselors: [...], supervisors: [...]}
QUEUE_ENTRY = "org.curhat.queue"
CLAIM = "org.curhat.claim"
HANDOVER = "org.curhat.handover"
END = "org.curhat.end"
FORGET = "org.curhat.forget"  # {room_id}: a client asked to be deleted; the intake deletes their room
ALERT = "org.curhat.alert"
SEEN = "org.curhat.seen_ms"  # in a counselor's line: the server time of the newest client line it was written after
DUTY = "org.curhat.duty"  # {on, name}: a counselor's workstation on or off duty (message event, queue room; duty.py)

QUEUE_KIND, SUPERVISORS_KIND = "queue", "supervisors"
WAITING, TAKEN, CLOSED, LEFT = "waiting", "taken", "closed", "left"

SUPERVISOR_POWER = 50  # in the supervisors' room: the role, shown to any Matrix client (set by the intake service)
ADMIN_POWER = 100


MEGOLM = {"algorithm": "m.megolm.v1.aes-sha2"}  # m.room.encryption content: end-to-end encrypted from the start


def closed_room(name: str, kind: str, *, extra: dict | None = None, history: str = "joined",
                encrypted: bool = False) -> dict:
    """createRoom arguments for a staff room: invite-only, history only from joining on, no alias,
    not in the directory, and only its creator (power 100; in room version 12 a creator outranks any
    power level) may write state, invite, kick or redact. `users` is left to the server, which puts
    the creator there in the room versions that need it. `encrypted`: Megolm from the first event."""
    return {
        "name": name, "preset": "private_chat", "visibility": "private",
        "initial_state": [
            {"type": "m.room.history_visibility", "state_key": "", "content": {"history_visibility": history}},
            {"type": "m.room.join_rules", "state_key": "", "content": {"join_rule": "invite"}},
            {"type": "m.room.guest_access", "state_key": "", "content": {"guest_access": "forbidden"}},
            {"type": ROOM, "state_key": "", "content": dict(extra or {}, kind=kind)},
            *([{"type": "m.room.encryption", "state_key": "", "content": dict(MEGOLM)}] if encrypted else []),
        ],
        "power_level_content_override": {
            "users_default": 0, "events_default": 0,
            "state_default": ADMIN_POWER, "invite": ADMIN_POWER, "kick": ADMIN_POWER, "ban": ADMIN_POWER,
            "redact": ADMIN_POWER, "events": {"m.room.power_levels": ADMIN_POWER, "m.room.join_rules": ADMIN_POWER,
                                              "m.room.history_visibility": ADMIN_POWER},
        },
    }


def text_of(value: object, limit: int) -> str:
    """A text field from someone's content, cut at `limit` characters; "" when it is not text."""
    return value[:limit] if isinstance(value, str) else ""


def whole(value: object) -> int | None:
    """A whole number from someone's content (a server time in milliseconds, a level): Matrix content holds
    integers; a bool, which Python counts as one, a float or anything else is None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def seconds(value: object, default: float = 0.0) -> float:
    """A time in milliseconds from someone's content as seconds; `default` when it is not a whole number."""
    ms = whole(value)
    return ms / 1000 if ms is not None else default


def user_ids(value: object) -> list[str]:
    """A list of Matrix user ids from someone's content; anything that is not one is left out."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and v.startswith("@") and ":" in v and len(v) <= 255]


def content_of(event: dict) -> dict:
    """An event's content, or an empty one when someone sent something that is not an object."""
    content = event.get("content")
    return content if isinstance(content, dict) else {}


def obj(value: object) -> dict:
    """`value` if it is a JSON object, else an empty one (for anything read off the network)."""
    return value if isinstance(value, dict) else {}


def section(value: object, key: str) -> dict:
    """`value[key]` when both are JSON objects (a sync answer's rooms.join, say), else an empty one."""
    return obj(obj(value).get(key))


def events_in(room: object, *parts: str) -> list[dict]:
    """The events in these parts of a room in a sync answer (state, timeline, ephemeral, invite_state),
    each one an object; whatever else the server or anyone sent there is left out."""
    found: list[dict] = []
    for part in parts:
        events = obj(obj(room).get(part)).get("events")
        if isinstance(events, list):
            found += [e for e in events if isinstance(e, dict)]
    return found
