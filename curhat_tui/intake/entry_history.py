"""A deleted client's earlier queue entries, redacted.

A queue entry is a state event in the queue room, written again at every change (a claim, a raised risk, a line
carried): each earlier version stays in the homeserver's database as an event of its own, with whatever it held
(the topic, the risk answer, carried lines; sealed with E2EE, plain without). Deleting the client's room does not
touch them. So when a client's room is deleted (server_purge.py), the intake empties the entry and redacts every
earlier version of it, found by following the state event's `unsigned.replaces_state` chain back, one event at a
time (bounded). Synapse strips a redacted event's content from what it serves at once and from its database after
`redaction_retention_period` (its prune job runs every five minutes): the README asks operators to set it short.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import httpx

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import QUEUE_ENTRY

log = logging.getLogger("curhat.intake.purge")
CHAIN_LIMIT = 2000  # versions of one entry followed back at most (a client carried for hours writes a few hundred)


def _q(value: str) -> str:
    return quote(value, safe="")


async def current_entry_event(api: MatrixAPI, queue_room: str, room_id: str) -> dict | None:
    """The queue room's current state event for this client's entry (the whole event, with `unsigned`)."""
    try:
        event = await api.request("GET", f"/rooms/{_q(queue_room)}/state/{_q(QUEUE_ENTRY)}/{_q(room_id)}",
                                  params={"format": "event"})
    except MatrixError as exc:
        if exc.status == 404:
            return None
        raise
    if isinstance(event.get("event_id"), str):
        return event
    for found in await api.room_state(queue_room):  # a server that does not know ?format=event
        if found.get("type") == QUEUE_ENTRY and found.get("state_key") == room_id:
            return found
    return None


async def clear_entry(api: MatrixAPI, queue_room: str, room_id: str, *, keep_current: bool = False) -> int:
    """Empty this client's queue entry (unless `keep_current`: a client back in the room, whose entry now is the
    new visit's) and redact each earlier version of it. Returns how many were redacted; MatrixError (or an HTTP
    error) when the server refuses, so the caller tries again later."""
    event = await current_entry_event(api, queue_room, room_id)
    if event is None:
        return 0
    if event.get("content") and not keep_current:
        await api.put_state(queue_room, QUEUE_ENTRY, {}, room_id)
        event = await current_entry_event(api, queue_room, room_id) or event
    redacted, seen = 0, {event.get("event_id")}
    earlier = (event.get("unsigned") or {}).get("replaces_state")
    while isinstance(earlier, str) and earlier not in seen and len(seen) <= CHAIN_LIMIT:
        seen.add(earlier)
        try:
            old = await api.request("GET", f"/rooms/{_q(queue_room)}/event/{_q(earlier)}")
        except MatrixError as exc:
            if exc.status == 404:  # purged or never ours to see: the chain ends here
                break
            raise
        if old.get("content"):  # an already redacted (or empty) version holds nothing
            await api.redact(queue_room, earlier, f"entry-{earlier}", "retention")
            redacted += 1
        earlier = (old.get("unsigned") or {}).get("replaces_state")
    if len(seen) > CHAIN_LIMIT:
        log.warning("a queue entry had more than %d versions; the oldest are not redacted", CHAIN_LIMIT)
    return redacted


async def clear_entry_quietly(api: MatrixAPI, queue_room: str, room_id: str, *, keep_current: bool = False) -> bool:
    """clear_entry, with a refusal logged (no ids, no words) instead of raised: True when done."""
    try:
        count = await clear_entry(api, queue_room, room_id, keep_current=keep_current)
    except (MatrixError, httpx.HTTPError, OSError) as exc:
        log.warning("could not redact a deleted client's earlier queue entries (%s); tried again later",
                    type(exc).__name__)
        return False
    log.info("redacted %d earlier versions of a deleted client's queue entry", count)
    return True
