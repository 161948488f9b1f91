"""Who else is in a client's room. The room is the client's: they (or whoever holds their phone) may let someone
in at any time, and from then on that person reads what is written there. Before each line a counselor sends,
the room's members are read from the server: anyone who is not the client (the account the intake named,
`client_hash`), the counselor, a colleague or the intake holds the line back (channels.base.SendHeld) and the
counselor is told; it goes once they have left, or once the counselor, told who they are by their display name,
chooses to let exactly those accounts read (the session's READERS_ALLOWED; anyone new holds the line again).
The words written before they came are the room's history and beyond what a workstation can take back. A room
the client opens to anyone mid-session (history readable without joining, or a join rule anyone may use) holds
every line, with no "send anyway"."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Awaitable, Callable

from curhat_tui.channels.base import SendHeld, SentButSeen
from curhat_tui.channels.matrix.api import MatrixAPI
from curhat_tui.channels.matrix.client_room import ClientRoomReader
from curhat_tui.channels.matrix.crypto import Crypto, StrangerInRoom
from curhat_tui.channels.matrix.protocol import content_of, obj
from curhat_tui.channels.matrix.staff import Staff
from curhat_tui.channels.matrix.upgrade import PRIVATE_RULES
from curhat_tui.domain.sanitize import clean, skeleton
from curhat_tui.storage.sessions import Sessions

NAME_CHARS = 40
PUBLIC = "notice.send_public"  # the room is readable or joinable by anyone: held, and no "send anyway"

log = logging.getLogger("curhat.matrix")


def reader_rule(api: MatrixAPI, staff: Staff, reader: ClientRoomReader, session_id: str,
                allowed: object = ()) -> Callable[[object], bool]:
    """Who may read a counselor's line in the session's room: the client (the account the intake named), this
    workstation, the intake, and those the counselor let read (`allowed`, the session's READERS_ALLOWED). Not a
    colleague: one who handed the client back and stayed in the room (the intake may lack the power to take them
    out) reads the next counselor like anyone else, and is named like anyone else."""
    let_read = {user for user in allowed if isinstance(user, str)} if isinstance(allowed, list | tuple) else set()
    return lambda user: user in (api.user_id, staff.intake) or reader.is_client(user, session_id) or user in let_read


async def hold(api: MatrixAPI, room_id: str, staff: Staff, reader: ClientRoomReader, session_id: str,
               allowed: object = ()) -> SendHeld | None:
    """Why a counselor's line may not go into the session's room now (None: it may), read from the room's state on the
    server, in one request:

    - the room is open to anyone: its history readable without joining (`world_readable`) or anyone may join (a join
      rule other than invite, knock or private: as the intake refuses at admission, admission.py); a line there is
      readable by every account, and no "send anyway" can make it private (`notice.send_public`);
    - members, joined or invited (an invitee who joins reads what was written since the invitation), who may not
      read (reader_rule): held with them as (account, display name) pairs, the name as the room shows it, cleaned,
      cut and told apart from the other members' (_told_apart). Not asked when the client is not known by hash (a
      session from an older intake keeps the old rule)."""
    state = [e for e in await api.room_state(room_id) if isinstance(e, dict)]
    rules = {e.get("type"): content_of(e) for e in state if e.get("state_key") == ""}
    rule = rules.get("m.room.join_rules", {}).get("join_rule", "invite")
    if rules.get("m.room.history_visibility", {}).get("history_visibility") == "world_readable" or \
            rule not in PRIVATE_RULES:
        log.warning("a message was held: the client's room is open to anyone (history or join rule)")
        return SendHeld(PUBLIC)
    if not reader.client_of(session_id)[0]:
        return None
    may_read = reader_rule(api, staff, reader, session_id, allowed)
    present = {str(e["state_key"]) for e in state if e.get("type") == "m.room.member"
               and content_of(e).get("membership") in ("join", "invite") and isinstance(e.get("state_key"), str)}
    strangers = [user for user in present if not may_read(user)]
    if not strangers:
        return None
    names = {user: _name(content_of(e)) for e in state if e.get("type") == "m.room.member"
             for user in [e.get("state_key")] if isinstance(user, str)}
    others = tuple((user, _told_apart(user, names)) for user in sorted(strangers))
    log.warning("a message was held: %d account(s) besides the client are in the client's room", len(others))
    return SendHeld("notice.send_held", others)


async def guarded(api: MatrixAPI, room_id: str, staff: Staff, reader: ClientRoomReader, session_id: str,
                  allowed: object, send: Callable[[Callable[[object], bool] | None], Awaitable[bool]],
                  sent: Callable[[], None], crypto: Crypto | None = None, sessions: Sessions | None = None) -> None:
    """A counselor's line sent only where it may go: held (SendHeld) when `hold` says so. In an encrypted room the
    room key is shared only if everyone it would reach still passes the rule when it is shared (someone who came in
    between the check and the send holds the line, named as `hold` names them). Without encryption nothing keeps a
    newcomer from a line once it is sent (`send` says whether it was encrypted): the room is read again after it
    went, and anyone new is told to the counselor (SentButSeen, after `sent`). In an encrypted room the client's
    devices the key went to are remembered in the session (`sessions`, across restarts): a device their account did
    not have at the session's previous line (a new phone, or someone else signed in with the client's password) is
    told to the counselor once."""
    if held := await hold(api, room_id, staff, reader, session_id, allowed):
        raise held  # someone else is in the client's room, or anyone may read it
    rule = reader_rule(api, staff, reader, session_id, allowed) if reader.client_of(session_id)[0] else None
    try:
        encrypted = await send(rule)
    except StrangerInRoom:
        log.warning("a message was held: someone came into the client's room as it was being sent")
        raise await hold(api, room_id, staff, reader, session_id, allowed) or SendHeld("notice.send_held") from None
    sent()
    if not encrypted and rule is not None and (late := await hold(api, room_id, staff, reader, session_id, allowed)):
        log.warning("a message went into an unencrypted room as someone else came in")
        raise SentButSeen(late.readers)
    if encrypted and crypto is not None and rule is not None and sessions is not None:
        devices = crypto.devices_of(room_id, lambda user: reader.is_client(user, session_id))
        before = sessions.client_devices(session_id)
        if before is None and (marks := sessions.handed_device_marks(session_id)) is not None:
            salt = sessions.client_hash(session_id)  # handed over: those the previous counselor's lines reached
            before = frozenset(device for device in devices if device_mark(salt, device) in marks)
        known = before or frozenset()
        new = devices - known
        if before is None or new:
            sessions.set_client_devices(session_id, devices | known)
        if before is not None and new:
            log.warning("the client's account has a new device, which was given the room key")
            raise SentButSeen((), "notice.client_new_device")


def device_mark(salt: str, device: str) -> str:
    """A client's device as a handover names it to the intake and the next counselor: a salted hash (the client's
    hash from the queue entry), never the account, which for a bridged client is a phone number."""
    return hashlib.sha256(f"{salt}|{device}".encode()).hexdigest()[:24]


_INVISIBLE = re.compile("[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202f\u205f-\u206f"
                        "\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef]")


def _name(member: object) -> str:
    """A member's display name as the counselor is shown it: client-written, so cleaned, on one line, without
    invisible characters, and cut; never the account itself (a bridged account's name is a phone number)."""
    name = obj(member).get("displayname")
    return " ".join(_INVISIBLE.sub("", clean(name)).split())[:NAME_CHARS] if isinstance(name, str) else ""


def _told_apart(user: str, names: dict[str, str]) -> str:
    """The name of a held reader; when another member of the room (the client, staff, someone let read) goes by
    the same name, with a short mark of the account ("Ibu #3fa2"): a newcomer posing as the mother the counselor
    let read, as the intake or as the counselor is not taken for them. The mark tells accounts apart and says
    nothing of a phone number."""
    name = names.get(user, "")
    if not name or not any(other != user and skeleton(shown) == skeleton(name) for other, shown in names.items()):
        return name
    return f"{name} #{hashlib.sha256(user.encode()).hexdigest()[:4]}"
