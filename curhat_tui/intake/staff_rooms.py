"""The intake's staff rooms and roster: made closed, found again by id (never by an alias someone could
squat), and reconciled with the roster at every start - invites for new staff, kicks and lost power
for removed staff, the roster written where only the intake can write."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import (
    ADMIN_POWER,
    CLOSED,
    LEFT,
    QUEUE_ENTRY,
    QUEUE_KIND,
    ROOM,
    ROSTER,
    SUPERVISOR_POWER,
    SUPERVISORS_KIND,
    closed_room,
    user_ids,
)
from curhat_tui.channels.matrix.sealing import encrypt_room, unseal_entry

log = logging.getLogger("curhat.intake")


@dataclass
class Roster:
    counselors: list[str] = field(default_factory=list)
    supervisors: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, counselors: list[str], supervisors: list[str]) -> Roster:
        bad = [u for u in [*counselors, *supervisors] if u not in user_ids([u])]
        if bad:
            raise ValueError(f"not a Matrix user id: {', '.join(bad)} (write it as @name:server)")
        return cls(sorted(set(counselors)), sorted(set(supervisors)))

    def content(self) -> dict:
        return {"counselors": self.counselors, "supervisors": self.supervisors}


async def _ours(api: MatrixAPI, room_id: str, kind: str) -> bool:
    """Whether `room_id` is still our staff room of this kind (we are in it and wrote its marker)."""
    try:
        for event in await api.room_state(room_id):
            if event.get("type") == ROOM and event.get("state_key") == "":
                return event.get("sender") == api.user_id and (event.get("content") or {}).get("kind") == kind
    except MatrixError as exc:
        log.warning("the %s room %s is not usable: %s", kind, room_id, exc)
    return False


async def ensure_room(api: MatrixAPI, room_id: str, kind: str, extra: dict | None = None) -> str:
    """Our staff room of `kind`: the one we made before if it is still ours, else a new closed one."""
    if room_id and await _ours(api, room_id, kind):
        return room_id
    made = await api.create_room(**closed_room(f"curhat {kind}", kind, extra=extra))
    log.info("made a new closed %s room %s", kind, made)
    await retire_others(api, made, kind)
    return made


async def retire_others(api: MatrixAPI, current: str, kind: str) -> None:
    """Earlier staff rooms of `kind` (after a lost state file, say) are emptied and left: one truth only."""
    for room_id in await api.joined_rooms():
        if room_id == current:
            continue
        try:
            marker = await api.get_state(room_id, ROOM)
            if not marker or marker.get("kind") != kind or not await _ours(api, room_id, kind):
                continue
            await api.put_state(room_id, ROOM, {"kind": "retired"})
            for user, membership in (await api.members(room_id)).items():
                if user != api.user_id and membership in ("join", "invite"):
                    await api.kick(room_id, user, "this room was replaced")
            await api.leave(room_id)
            log.info("retired the earlier %s room %s", kind, room_id)
        except MatrixError as exc:
            log.warning("could not retire %s: %s", room_id, exc.errcode)


async def reconcile(api: MatrixAPI, room_id: str, members: list[str], *, power: dict[str, int] | None = None,
                    roster: Roster) -> None:
    """Exactly `members` (and us) in the room: invite who is missing, kick who is no longer staff, set the
    power levels to exactly `power`, and write the roster."""
    await api.put_state(room_id, ROSTER, roster.content())
    levels = await api.get_state(room_id, "m.room.power_levels") or {}
    users = dict(power or {})
    if api.user_id in (levels.get("users") or {}):  # room versions before 12 list the creator here
        users[api.user_id] = ADMIN_POWER
    if levels.get("users") != users:
        await api.put_state(room_id, "m.room.power_levels", dict(levels, users=users))
    present = await api.members(room_id)
    for user, membership in present.items():
        if user != api.user_id and membership in ("join", "invite") and user not in members:
            try:
                await api.kick(room_id, user, "no longer on the roster")
                log.info("removed %s from the %s", user, room_id)
            except MatrixError as exc:
                log.warning("could not remove %s from %s: %s", user, room_id, exc)
    for user in members:
        if present.get(user) not in ("join", "invite"):
            try:
                await api.invite(room_id, user)
            except MatrixError as exc:
                log.warning("could not invite %s to %s: %s", user, room_id, exc)


async def setup_staff_rooms(api: MatrixAPI, queue_room: str, supervisors_room: str, roster: Roster) -> tuple[str, str]:
    """The supervisors' room (supervisors with their power, counselors to post alerts) and the queue room
    (counselors only), both reconciled with the roster; closed queue entries emptied."""
    supervisors_room = await ensure_room(api, supervisors_room, SUPERVISORS_KIND)
    queue_room = await ensure_room(api, queue_room, QUEUE_KIND, {"supervisors_room": supervisors_room})
    marker = await api.get_state(queue_room, ROOM) or {}
    if marker.get("supervisors_room") != supervisors_room:
        await api.put_state(queue_room, ROOM, dict(marker, kind=QUEUE_KIND, supervisors_room=supervisors_room))
    staff = sorted(set(roster.counselors) | set(roster.supervisors))
    await reconcile(api, supervisors_room, staff, power={u: SUPERVISOR_POWER for u in roster.supervisors},
                    roster=roster)
    await reconcile(api, queue_room, roster.counselors, roster=roster)
    return queue_room, supervisors_room


def closed_entry(entry: dict, status: str, ts: int) -> dict:
    """What stays of a finished queue entry: that it ended, when, and nothing a reader could learn from."""
    return {"status": status if status in (CLOSED, LEFT) else CLOSED, "closed_at": ts}


async def read_queue(api: MatrixAPI, queue_room: str, now: int, crypto=None) -> dict[str, dict]:  # noqa: ANN001
    """The queue as its state holds it; finished entries that still carry words are emptied. With an Olm
    machine (`crypto`) the queue room is encrypted and sealed words are opened for the intake's own use."""
    queue: dict[str, dict] = {}
    if crypto is not None:
        await encrypt_room(api, queue_room)
    for event in await api.room_state(queue_room):
        if event.get("type") != QUEUE_ENTRY or event.get("sender") != api.user_id:
            continue
        key, content = event.get("state_key"), event.get("content")
        if not isinstance(key, str) or not isinstance(content, dict) or not content:
            continue
        if content.get("status") in (CLOSED, LEFT) and set(content) - {"status", "closed_at"}:
            content = closed_entry(content, content["status"], int(content.get("closed_at") or now)
                                   if isinstance(content.get("closed_at"), int) else now)
            await api.put_state(queue_room, QUEUE_ENTRY, content, key)
        queue[key] = unseal_entry(crypto, queue_room, key, content, api.user_id)[0] if crypto else content
    return queue
