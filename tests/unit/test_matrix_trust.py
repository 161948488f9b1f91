"""The trust rules of the Matrix layer, without a server: who is believed about the staff rooms and the
roster, and how the one sync loop fills a gap and survives a subscriber that fails."""

from __future__ import annotations

import asyncio

from curhat_tui.channels.matrix.protocol import ROOM, ROSTER
from curhat_tui.channels.matrix.staff import Staff, invited_by
from curhat_tui.channels.matrix.sync import SyncLoop

INTAKE = "@intake:s"


def state(kind: str, content: dict, sender: str = INTAKE, ts: int = 1) -> dict:
    return {"type": kind, "state_key": "", "sender": sender, "content": content, "origin_server_ts": ts}


def test_only_the_intake_says_what_a_staff_room_is_and_who_is_staff():
    staff = Staff(intake=INTAKE)
    # a client's own room, with a marker and a roster the client wrote: nothing
    assert not staff.take_room("!client:s", [state(ROOM, {"kind": "queue"}, sender="@klien:s"),
                                             state(ROSTER, {"counselors": ["@mallory:s"]}, sender="@klien:s")])
    assert staff.queue_room == "" and not staff.counselors
    # the intake's queue room, and its roster (a malformed id left out)
    assert staff.take_room("!q:s", [state(ROSTER, {"counselors": ["@ani:s", "not-an-id", 7],
                                                   "supervisors": ["@sari:s"]}), state(ROOM, {"kind": "queue"})])
    assert staff.queue_room == "!q:s" and staff.counselors == {"@ani:s"} and staff.role_of("@sari:s") == "supervisor"
    # a roster the intake wrote in some other room does not count
    staff.take_state("!other:s", state(ROSTER, {"counselors": ["@mallory:s"]}))
    assert "@mallory:s" not in staff.counselors and not staff.is_staff("@mallory:s")
    # an older queue room does not replace a newer one; retiring the current one forgets it
    staff.take_state("!old:s", state(ROOM, {"kind": "queue"}, ts=0))
    assert staff.queue_room == "!q:s"
    staff.take_state("!q:s", state(ROOM, {"kind": "retired"}, ts=5))
    assert staff.queue_room == ""


def test_who_invited_us_comes_from_our_own_membership_event():
    invite = {"invite_state": {"events": [
        {"type": "m.room.member", "state_key": "@someone:s", "sender": INTAKE},
        {"type": "m.room.member", "state_key": "@ani:s", "sender": "@mallory:s"}]}}
    assert invited_by(invite, "@ani:s") == "@mallory:s"
    assert invited_by({"invite_state": "x"}, "@ani:s") == "" and invited_by([], "@ani:s") == ""


class FakeAPI:
    """Serves scripted sync answers and /messages pages; records what was asked."""

    def __init__(self, answers: list[dict], pages: dict[str, dict]) -> None:
        self.answers = answers
        self.pages = pages
        self.asked: list[tuple] = []

    async def sync(self, since, timeout_ms=0, filter_json=None):
        if not self.answers:
            await asyncio.sleep(3600)
        return self.answers.pop(0)

    async def messages(self, room_id, start=None, direction="b", limit=100, to=None):
        self.asked.append((room_id, start, to))
        return self.pages[start]


def message(n: int) -> dict:
    return {"type": "m.room.message", "event_id": f"$e{n}", "sender": "@klien:s", "content": {"body": f"m{n}"}}


async def test_a_limited_timeline_is_paged_back_to_the_last_position_and_a_failing_subscriber_stops_nothing():
    answers = [
        {"next_batch": "s2", "rooms": {"join": {"!r:s": {"timeline": {"limited": True, "prev_batch": "p2",
                                                                      "events": [message(5), message(6)]}}}}},
        {"next_batch": "s3", "rooms": {"join": {"!r:s": {"timeline": {"events": [message(7)]}}}}},
    ]
    pages = {"p2": {"chunk": [message(4), message(3)], "end": "p1"},  # newest first, as the server pages back
             "p1": {"chunk": [message(2), message(5)], "end": "p0"},
             "p0": {"chunk": [], "end": "p0"}}
    api = FakeAPI(answers, pages)
    saved: list[str] = []
    seen: list[str] = []

    class Broken:
        async def prepare(self):
            return None

        async def on_sync(self, rooms, first):
            raise ValueError("a bug in one subscriber")

    class Reader:
        async def prepare(self):
            return None

        async def on_sync(self, rooms, first):
            for room in rooms.get("join", {}).values():
                seen.extend(e["content"]["body"] for e in room["timeline"]["events"])

    loop = SyncLoop(api, lambda: "s1", saved.append)
    loop.subscribe(Broken())
    loop.subscribe(Reader())
    loop.start()
    for _ in range(100):
        await asyncio.sleep(0.01)
        if saved == ["s2", "s3"]:
            break
    await loop.stop()
    assert seen == ["m2", "m3", "m4", "m5", "m6", "m7"]  # the gap in order, each once, then the rest
    assert api.asked[0] == ("!r:s", "p2", "s1")  # paged back from the gap's start down to where we were
    assert saved == ["s2", "s3"] and loop.gaps_filled == 3 and loop.state == "connected"
