"""The intake's rules for client rooms (admission.py) and for the lines it carries to the counselor (relay.py),
as a reader of someone else's events: wrong types dropped, bounds kept, nothing live deleted on a word."""

from __future__ import annotations

import hashlib
import json

from curhat_tui.intake.admission import client_hash, is_live, live_room_of, may_forget
from curhat_tui.intake.relay import MAX_CHARS, MAX_LINES, MAX_TOTAL, kept, line_of, said_field

STAFF = ("!queue:hs", "!supervisors:hs")


def clients(**rooms: tuple[str, str]) -> dict:
    return {f"!{room}:hs": {"client": who, "intake": {"step": step}} for room, (who, step) in rooms.items()}


def test_one_account_has_one_live_room():
    known = clients(a=("@ani:hs", "package"), b=("@budi:hs", "new"))
    assert live_room_of("@ani:hs", known, {}) == "!a:hs"  # an intake under way
    assert live_room_of("@budi:hs", known, {}) == ""  # a finished room waiting for its retention is not live
    assert live_room_of("@budi:hs", known, {"!b:hs": {"status": "taken"}}) == "!b:hs"  # a session is
    assert live_room_of("@mallory:hs", known, {}) == ""


def test_a_deletion_request_never_touches_a_live_room_a_staff_room_or_a_stranger_room():
    known = clients(done=("@ani:hs", "new"), busy=("@budi:hs", "queued"))
    known["!done:hs"]["served"] = ["@c1:hs"]
    queue = {"!done:hs": {"status": "closed"}, "!busy:hs": {"status": "waiting"}}
    assert may_forget("!done:hs", "@c1:hs", known, queue, STAFF, {})
    assert not may_forget("!done:hs", "@c2:hs", known, queue, STAFF, {})  # not the one who served the client
    assert not may_forget("!busy:hs", "@c1:hs", known, queue, STAFF, {})  # a client waiting now
    assert not may_forget("!queue:hs", "@c1:hs", known, queue, STAFF, {})
    assert not may_forget("!anything:hs", "@c1:hs", known, queue, STAFF, {})  # a room the intake never served
    assert not may_forget("!gone:hs", "@c2:hs", {}, {}, STAFF, {"!gone:hs": 1})  # left, and no one known to serve
    # the client has left: who served them is kept with the room's schedule, and only they may still ask
    assert may_forget("!gone:hs", "@c1:hs", {}, {}, STAFF, {"!gone:hs": 1}, {"!gone:hs": ["@c1:hs"]})
    assert not may_forget("!gone:hs", "@c2:hs", {}, {}, STAFF, {"!gone:hs": 1}, {"!gone:hs": ["@c1:hs"]})
    known["!never:hs"] = {"client": "@eve:hs", "intake": {"step": "new"}, "served": []}
    assert not may_forget("!never:hs", "@c1:hs", known, {}, STAFF, {})  # no counselor ever served this client
    assert not is_live("!done:hs", known, queue) and is_live("!busy:hs", known, queue)


def test_the_client_hash_is_costly_salted_with_the_room_and_what_the_workstation_computes():
    from curhat_tui.channels.matrix.relay import user_hash

    digest = client_hash("@whatsapp_6281298765432:hs", "!a:hs")
    assert len(digest) == 64 and "6281298765432" not in digest
    assert digest == user_hash("@whatsapp_6281298765432:hs", "!a:hs")  # the workstation recognises the client
    assert digest != client_hash("@whatsapp_6281298765433:hs", "!a:hs")
    assert digest != client_hash("@whatsapp_6281298765432:hs", "!b:hs")  # no table of numbers serves two rooms
    assert digest != hashlib.sha256(b"@whatsapp_6281298765432:hs").hexdigest()


def event(n: int, body: object = "kak aku takut", ts: object = 1_000) -> dict:
    return {"event_id": f"$e{n}", "origin_server_ts": ts, "content": {"body": body}}


def test_a_line_is_taken_only_whole_and_well_formed():
    assert line_of(event(1)) == ["$e1", 1_000, "kak aku takut"]
    for bad in (event(1, body=5), event(1, body="  "), event(1, ts=True), event(1, ts="1000"),
                {"event_id": "e1", "origin_server_ts": 1, "content": {"body": "x"}}, {"content": "x"}):
        assert line_of(bad) is None, bad
    long = line_of(event(1, body="😭" * 4000))[2]
    assert long.endswith("…") and long.startswith("😭😭") and len(json.dumps(long)) <= MAX_CHARS


def test_the_carried_lines_stay_bounded_and_keep_the_risky_ones():
    lines: list = kept([], line_of(event(0, body="aku barusan minum obat banyak")), True)
    for n in range(1, 200):
        lines = kept(lines, line_of(event(n, body=f"baris {n} " + "x" * 300, ts=1_000 + n)), False)
    assert len(lines) <= MAX_LINES and sum(len(json.dumps(line[2])) for line in lines) <= MAX_TOTAL
    assert lines[0][2] == "aku barusan minum obat banyak"  # the risky line outlives the flood
    assert lines[-1][0] == "$e199"  # and the newest are kept
    assert kept(lines, line_of(event(199)), False) == lines  # an event once
    field = json.loads(said_field(lines))
    assert field[0] == ["$e0", 1_000, "aku barusan minum obat banyak"] and len(json.dumps(field)) < 16_000
    emoji: list = []
    for n in range(30):  # the worst case for size: every character escaped
        emoji = kept(emoji, line_of(event(n, body="😭" * 4000)), False)
    assert len(json.dumps(json.loads(said_field(emoji)))) < 16_000
    assert said_field([]) == ""


def test_a_join_that_failed_for_a_passing_reason_is_tried_again_later_and_not_forever(monkeypatch):
    from curhat_tui.channels.matrix.api import MatrixError
    from curhat_tui.intake import admission

    now = [100.0]
    monkeypatch.setattr(admission.time, "monotonic", lambda: now[0])
    retries = admission.JoinRetries(tries=3)
    retries.failed("!a:hs", {"i": 1}, MatrixError(429, "M_LIMIT_EXCEEDED", "slow down"))
    retries.failed("!b:hs", {"i": 2}, MatrixError(403, "M_FORBIDDEN", "invite withdrawn"))
    assert retries.due() == []  # not at once
    now[0] += 5
    assert retries.due() == [("!a:hs", {"i": 1})]  # a forbidden one is never tried again
    retries.failed("!a:hs", {"i": 1}, OSError("network"))
    now[0] += 9
    assert retries.due() == []  # the wait doubles
    now[0] += 1
    assert retries.due() == [("!a:hs", {"i": 1})]
    retries.failed("!a:hs", {"i": 1}, OSError("network"))  # the third try failed: given up
    assert retries.pending == {}
    retries.failed("!c:hs", {}, OSError("network"))
    retries.joined("!c:hs")
    assert retries.pending == {}


def test_two_clients_in_the_queue_never_share_a_pseudonym():
    from curhat_tui.intake.pseudonyms import pseudonym
    from curhat_tui.intake.queueing import QueueWriting

    rooms = [f"!room{n}:hs" for n in range(400)]
    first = next((a, b) for i, a in enumerate(rooms) for b in rooms[i + 1:] if pseudonym(a) == pseudonym(b))
    writer = QueueWriting()
    writer.queue = {first[0]: {"status": "waiting", "alias": pseudonym(first[0])}}
    alias = writer._alias(first[1])
    assert alias != pseudonym(first[0]) and alias == writer._alias(first[1])  # another name, the same each time
    writer.queue[first[0]]["status"] = "closed"  # a finished client's name is free again
    assert writer._alias(first[1]) == pseudonym(first[1])


def test_who_served_a_client_is_kept_with_the_rooms_schedule_across_a_restart(tmp_path):
    from curhat_tui.intake.server_purge import ServerPurge

    purge = ServerPurge(api=None, folder=tmp_path)  # type: ignore[arg-type]
    purge.schedule("!a:hs", 1_000, served=["@ani:hs"])
    purge.schedule("!a:hs", 2_000, served=["@budi:hs", 7])
    again = ServerPurge(api=None, folder=tmp_path)  # type: ignore[arg-type]
    assert again.due == purge.due and again.served == {"!a:hs": ["@ani:hs", "@budi:hs"]}
    # and the end of the session the room's time is counted from (a room in use again is trimmed up to it): the
    # first session's, whose retention ends first; a deletion request (now) counts to the request
    assert again.ended == {"!a:hs": 1_000}
    again.schedule("!a:hs", 3_000, now=True)
    assert ServerPurge(api=None, folder=tmp_path).ended == {"!a:hs": 3_000}  # type: ignore[arg-type]
    # a file written before the served lists were kept still loads: its rooms are still deleted
    (tmp_path / "intake-purges.json").write_text('{"!old:hs": 5}')
    old = ServerPurge(api=None, folder=tmp_path)  # type: ignore[arg-type]
    assert old.due == {"!old:hs": 5} and old.served == {}
