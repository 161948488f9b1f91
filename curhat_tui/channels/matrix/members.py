"""Who else is in a client's room. The room is the client's: they (or whoever holds their phone) may let someone
in at any time, and from then on that person reads what is written there. Before each line a counselor sends,
the room's members are read from the server: anyone who is not the client (the account the intake named,
`client_hash`), the counselor, a colleague or the intake holds the line back (channels.base.SendHeld) and the
counselor is told; it goes once they have left, or once the counselor, told who they are by their display name,
chooses to let exactly those accounts read (the session's READERS_ALLOWED; anyone new holds the line again).
The words written before they came are the room's history and beyond what a workstation can take back."""

from __future__ import annotations

import logging

from curhat_tui.channels.matrix.api import MatrixAPI, _q
from curhat_tui.channels.matrix.client_room import ClientRoomReader
from curhat_tui.channels.matrix.protocol import obj
from curhat_tui.channels.matrix.staff import Staff
from curhat_tui.domain.sanitize import clean

NAME_CHARS = 40

log = logging.getLogger("curhat.matrix")


async def outsiders(api: MatrixAPI, room_id: str, staff: Staff, reader: ClientRoomReader, session_id: str,
                    allowed: object = ()) -> tuple[tuple[str, str], ...]:
    """The members of the session's room who are neither the client (the reader's rule, client_room.py) nor staff
    nor us, nor let read by the counselor (`allowed`, the session's READERS_ALLOWED): (account, display name) pairs,
    the name as the room shows it, cleaned and cut. None when the client is not known by hash (a session from an
    older intake keeps the old rule)."""
    if not reader.client_of(session_id)[0]:
        return ()
    let_read = {user for user in allowed if isinstance(user, str)} if isinstance(allowed, list | tuple) else set()
    joined = obj((await api.request("GET", f"/rooms/{_q(room_id)}/joined_members")).get("joined"))
    others = tuple((user, _name(joined.get(user))) for user in joined
                   if user != api.user_id and not staff.is_staff(user) and not reader.is_client(user, session_id)
                   and user not in let_read)
    if others:
        log.warning("a message was held: %d account(s) besides the client are in the client's room", len(others))
    return others


def _name(member: object) -> str:
    """A member's display name as the counselor is shown it: client-written, so cleaned and cut; never the account
    itself (a bridged account's name is a phone number)."""
    name = obj(member).get("display_name")
    return clean(name).strip()[:NAME_CHARS] if isinstance(name, str) else ""
