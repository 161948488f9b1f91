"""What the intake's queue entry tells a workstation about a client room beyond the visit (PROTOCOL of the red-team
fixes): who the client is (`client_hash`, the scrypt of the Matrix id the intake took as the client, so that a stranger
who joined the room never speaks as the client) and the client's lines the counselor cannot read back from the room
(`said`: lines between intake questions, lines written while waiting in a room whose history new members cannot
see), relayed into the session as the client's messages once the session is stored.

Both fields are the intake's, read only from its entries; each is checked for its shape and anything else is
dropped (a malformed line on its own, the whole field when it is not a JSON list).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable

from curhat_tui.channels.base import Emit, MessageReceived
from curhat_tui.channels.matrix.entries import quotes_an_id, without_fallback
from curhat_tui.channels.matrix.protocol import whole
from curhat_tui.channels.matrix.sealing import SealedEntries, unseal_entry
from curhat_tui.storage.sessions import CLIENT, Sessions

log = logging.getLogger("curhat.matrix")

MAX_LINES = 60
MAX_BODY = 4000
MAX_FIELD = 24_000 * 4  # a generous bound on the JSON text (escapes take room) before it is parsed
_HASH = re.compile(r"[0-9a-f]{64}")
FIRST_ROOM = "first_room"  # channel state: a session's first room, the hash's salt, when the client moved it (upgrade.py)


@functools.lru_cache(maxsize=512)
def user_hash(user_id: str, room_id: str) -> str:
    """What the intake names the client by (intake/admission.py client_hash): scrypt of the account salted with
    the room, costly on purpose, so that no one who opens a queue entry can try phone numbers until one fits."""
    return hashlib.scrypt(user_id.encode(), salt=room_id.encode(), n=2**14, r=8, p=1, dklen=32).hex()


def client_hash(entry: dict) -> str:
    """The entry's client hash (64 lowercase hex); '' when it has none or a malformed one (logged)."""
    value = entry.get(CLIENT)
    if value is None:
        return ""
    if isinstance(value, str) and _HASH.fullmatch(value.lower()):
        return value.lower()
    log.warning("dropped a malformed client hash of a queue entry")
    return ""


def said_lines(entry: dict) -> list[tuple[str, int, str]]:
    """The entry's `said` as (event id, ms, body), in the order given; a malformed line dropped, the whole field
    ignored when it is not a JSON string of a list. A body that starts with a reply's fallback (a quote naming a
    Matrix id: the relayed line was a reply) loses it, and is dropped when nothing else is left."""
    value = entry.get("said")
    if not isinstance(value, str) or not value or len(value) > MAX_FIELD:
        return []
    try:
        items = json.loads(value)
    except ValueError:
        log.warning("dropped a queue entry's relayed lines: not JSON")
        return []
    if not isinstance(items, list):
        return []
    lines = []
    for item in items[:MAX_LINES]:
        if not (isinstance(item, list) and len(item) == 3):
            continue
        event_id, ts, body = item
        if (isinstance(event_id, str) and event_id.startswith("$") and len(event_id) <= 255
                and whole(ts) is not None and ts >= 0
                and isinstance(body, str) and len(body) <= MAX_BODY):
            lines.append((event_id, ts, without_fallback(body) if quotes_an_id(body) else body))
    lines = [line for line in lines if line[2].strip()]
    if len(lines) < min(len(items), MAX_LINES):
        log.warning("dropped %d malformed relayed lines", min(len(items), MAX_LINES) - len(lines))
    return lines


def said_events(session_id: str, entries: Iterable[dict]) -> list[MessageReceived]:
    """The relayed lines of these entries (the same line once), oldest first, as the client's messages."""
    lines: dict[str, tuple[int, int, str]] = {}
    for entry in entries:
        for event_id, ts, body in said_lines(entry):
            lines.setdefault(event_id, (ts, len(lines), body))
    ordered = sorted(lines.items(), key=lambda item: item[1][:2])
    return [MessageReceived(session_id, body, ts / 1000, event_id) for event_id, (ts, _, body) in ordered]


def freshest(sealed: SealedEntries, room_id: str, raw: dict, shown: dict | None) -> dict:
    """An entry just read from the server (`raw`) with its words opened; while they cannot be opened (keys not come),
    with the words of the entry as the queue showed it (`shown`, sync's opened copy) instead."""
    opened, closed = unseal_entry(sealed.sync.crypto, sealed.staff.queue_room, room_id, raw, sealed.staff.intake)
    return {**(shown or {}), **opened} if closed else opened


class Relay:
    """Per workstation: the client's hash of each session (the room reader asks it who the client is there), and
    the entries whose relayed lines wait for their session to be stored."""

    def __init__(self, emit: Callable[[], Emit], sessions: Sessions) -> None:
        self.emit = emit
        self.sessions = sessions
        self.hashes: dict[str, str] = {}  # session id -> the client's hash (user_hash; none: not known)
        self.rooms: dict[str, str] = {}  # session id -> its client room (the hash's salt)
        self.later: dict[str, list[dict]] = {}  # client room -> entries whose lines follow once the session is stored

    def client_of(self, session_id: str) -> tuple[str, str]:
        """The client's hash and the room it is salted with ('' when not known)."""
        return self.hashes.get(session_id, ""), self.rooms.get(session_id, "")

    def remember(self, session_id: str, channel_state: dict) -> None:
        """The hash a stored session keeps (start, or a session opened here)."""
        known, room = channel_state.get(CLIENT), channel_state.get(FIRST_ROOM) or channel_state.get("room_id")
        if isinstance(known, str) and _HASH.fullmatch(known) and isinstance(room, str):
            self.hashes[session_id], self.rooms[session_id] = known, room

    def claimed(self, room_id: str, session_id: str, *entries: dict | None) -> str:
        """A claim won: the client is whom the entries name (the newest that names one); their lines follow once
        the session is stored. Returns the hash ('' when no entry names the client)."""
        known = next((h for h in map(client_hash, reversed([e for e in entries if e])) if h), "")
        if known:
            self.hashes[session_id], self.rooms[session_id] = known, room_id
        self.hold(room_id, *(e for e in entries if e))
        return known

    def hold(self, room_id: str, *entries: dict) -> None:
        """Entries of a session not stored yet: their lines follow in `opened`."""
        self.later.setdefault(room_id, []).extend(e for e in entries if isinstance(e, dict))

    def opened(self, room_id: str, session_id: str, channel_state: dict) -> None:
        """The session is stored: its client's hash is known here, its held lines are told."""
        self.remember(session_id, channel_state)
        self.tell(session_id, self.later.pop(room_id, []))

    def tell(self, session_id: str, entries: Iterable[dict]) -> None:
        """Tell the relayed lines of these entries (the store keeps each event id once: telling again is harmless)."""
        emit = self.emit()
        for event in said_events(session_id, entries):
            emit(event)

    def arrived(self, room_id: str, session_id: str, entry: dict) -> None:
        """An entry of one of our sessions came through sync: told now when the session is stored (again is
        harmless), else once it is. A hash the session did not know yet (an intake that learned it since) is kept."""
        if self.sessions.get(session_id) is None:
            self.hold(room_id, entry)
            return
        self.tell(session_id, [entry])
        new = client_hash(entry)
        if new and session_id not in self.hashes:
            self.hashes[session_id], self.rooms[session_id] = new, room_id
            self.sessions.update(session_id, channel_state={**self.sessions.channel_state(session_id), CLIENT: new})
