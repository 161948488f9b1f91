"""Red team (session 22): what staff requests (claim, handover, end, forget) start, the purge of a finished client's
room, and a restart of the intake, interleaved with the client writing. Each test failed on the code before its fix
(4208694's successors up to 5f2ffc2): a deletion request that deleted nothing, a client at risk promised the queue
and wiped from it, a counselor off the roster who kept a client, and a crash that let any counselor delete a
client's room. A claim racing an answer being given was checked and found safe: entries are decided before any
await."""

from __future__ import annotations

import asyncio

from curhat_tui.channels.matrix.protocol import (
    END,
    FORGET,
    QUEUE_ENTRY,
    QUEUE_KIND,
    ROOM,
    SUPERVISORS_KIND,
    TAKEN,
    WAITING,
)
from curhat_tui.domain.intake import IntakeState
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.intake import queueing
from curhat_tui.intake.server_purge import ServerPurge, now_ms
from curhat_tui.intake.service import IntakeService

ME = "@intake:curhat.test"
Q, SUP = "!queue:curhat.test", "!sup:curhat.test"
R, CL = "!client:curhat.test", "@klien:curhat.test"
ANI, BUDI = "@ani:curhat.test", "@budi:curhat.test"
DAY_MS = 86_400_000


class FakeHS:
    """A homeserver that records what the intake asks of it. Admin jobs (a room's deletion, a history purge) finish
    when `jobs_done` is set."""
    user_id = ME

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []
        self.entries: list[tuple[str, dict]] = []  # (client room, content) written to the queue room
        self.admin_calls: list[tuple[str, str, dict | None]] = []
        self.invited: list[tuple[str, str]] = []
        self.kicked: list[tuple[str, str]] = []
        self.membership: dict[tuple[str, str], str] = {}
        self.jobs_done = asyncio.Event()
        self.jobs_done.set()
        self.job_status = "complete"  # what the admin job ends as
        self.state: list[dict] = []  # the queue room's state, for read_queue at a restart

    async def send(self, room, event_type, content, txn):
        self.said.append((room, content["body"].split("\n\n")[1]))
        return f"$e{len(self.said)}"

    async def put_state(self, room, event_type, content, key=""):
        if event_type == QUEUE_ENTRY:
            self.entries.append((key, dict(content)))
        return "$s"

    async def get_state(self, room, event_type, key=""):
        if event_type == "m.room.member":
            return {"membership": self.membership.get((room, key), "leave")}
        if event_type == ROOM:
            return {"kind": QUEUE_KIND, "supervisors_room": SUP} if room == Q else {"kind": SUPERVISORS_KIND}
        if event_type == "m.room.join_rules":
            return {"join_rule": "invite"}
        return {"history_visibility": "shared"}

    async def room_state(self, room):
        marker = {"type": ROOM, "state_key": "", "sender": ME,
                  "content": {"kind": QUEUE_KIND if room == Q else SUPERVISORS_KIND}}
        return [marker, *self.state] if room == Q else [marker]

    async def members(self, room):
        return {ME: "join"}

    async def invite(self, room, user):
        self.invited.append((room, user))

    async def kick(self, room, user, reason=""):
        self.kicked.append((room, user))

    async def leave(self, room):
        pass

    async def forget(self, room):
        pass

    async def redact(self, room, event_id, txn, reason=""):
        pass

    async def messages(self, room, token, direction, limit):
        return {"chunk": []}

    async def request(self, method, path, body=None, params=None):
        if path.endswith("/admin"):
            return {"admin": True}
        if method in ("DELETE", "POST"):
            self.admin_calls.append((method, path, body))
            return {"delete_id": "d1", "purge_id": "p1"}
        if "status" in path:
            await self.jobs_done.wait()
            return {"status": self.job_status}
        if "/state/" in path and params == {"format": "event"}:  # the queue entry's current event (entry_history.py)
            key = path.rsplit("/", 1)[1].replace("%21", "!").replace("%3A", ":")
            written = [c for k, c in self.entries if k == key]
            return {"event_id": f"$cur{len(written)}", "content": written[-1], "unsigned": {}} if written else {}
        return {}


def service(api: FakeHS, data, **kw) -> IntakeService:
    return IntakeService(api, data, queue_room=Q, supervisors_room=SUP, counselors=[ANI, BUDI], **kw)  # type: ignore


def with_purge(intake: IntakeService, api: FakeHS, policy: RetentionPolicy) -> ServerPurge:
    intake.purge = ServerPurge(api, policy)  # type: ignore[arg-type]
    intake.purge.admin = True
    return intake.purge


def staff(sender: str, kind: str, room: str) -> dict:
    return {"type": kind, "sender": sender, "event_id": f"${kind}{room}", "content": {"room_id": room}}


def said(n: int, body: str) -> dict:
    return {"type": "m.room.message", "sender": CL, "event_id": f"$l{n}", "content": {"body": body},
            "origin_server_ts": now_ms()}


def batch(queue_events: list | None = None, client_events: list | None = None) -> dict:
    join = {}
    if queue_events:
        join[Q] = {"timeline": {"events": queue_events}}
    if client_events:
        join[R] = {"timeline": {"events": client_events}}
    return {"rooms": {"join": join}}


def in_session(intake: IntakeService, counselor: str = ANI) -> None:
    """The client R is with `counselor` (claimed a while ago)."""
    start = now_ms() - 600_000
    intake.clients[R] = {"client": CL, "served": [counselor], "intake": IntakeState(
        step="queued", consent=True, consent_ts=start, tier="peer", minutes=30, topic="capek").to_dict()}
    intake.queue[R] = {"status": TAKEN, "alias": "Kenari", "tier": "peer", "minutes": 30, "topic": "capek",
                       "risk": 0, "imminent": False, "taken_by": counselor, "taken_by_name": "Ani",
                       "taken_at": start, "started_at": start, "deadline": start + 1_800_000, "said": ""}


# ---- 1. a client's deletion request, read in the batch where the client writes again ---------------------------
async def test_a_deletion_request_read_with_the_clients_next_line_still_deletes_the_session(data, monkeypatch):
    """The session is over; the client asks for their data to go and says thanks; their counselor sends the
    deletion request. The request is believed (the room is idle when it is read), the client's line in the same
    batch starts a new intake (the room is live again), and the purge trims the room up to the session's end.
    Before, it took that end to be `due - retention`: for a request to delete now, thirty days before the session,
    so nothing of the session went while the audit said "complete"."""
    api = FakeHS()
    intake = service(api, data)
    purge = with_purge(intake, api, RetentionPolicy())  # transcripts kept 30 days
    in_session(intake)
    await intake.handle(batch([staff(ANI, END, R)]), initial=False)  # the session ends
    ended = now_ms()
    assert purge.due[R] >= ended + 29 * DAY_MS and intake._state(R).step == "new"

    await intake.handle(batch([staff(ANI, FORGET, R)], [said(1, "makasih kak, hapus ya")]), initial=False)
    await intake._start_purge()
    await intake._purging

    # the client is back in the room (a new intake): the room stays, and its history goes up to the request
    assert not [path for method, path, _ in api.admin_calls if method == "DELETE"]
    up_to = [body["purge_up_to_ts"] for _, path, body in api.admin_calls if "purge_history" in path and body]
    short = (ended - min(up_to or [0])) / DAY_MS
    assert up_to and min(up_to) >= ended, f"the session is not purged: only up to {short:.1f} days before its end"
    assert R not in purge.due and R in intake.clients  # done: the client's new intake goes on


# ---- 2. a client who writes while their room is being deleted --------------------------------------------------
async def _writes_while_deleted(api: FakeHS, data, monkeypatch) -> IntakeService:
    """The counselor ends the session and sends the client's deletion request; while the server deletes the room
    (the intake polls the admin job; the room was idle when checked), the client writes that the rope is ready."""
    monkeypatch.setattr(queueing, "client_hash", lambda user, room: "h")
    intake = service(api, data)
    purge = with_purge(intake, api, RetentionPolicy())
    in_session(intake)
    api.jobs_done.clear()  # the server's deletion job takes a while
    await intake.handle(batch([staff(ANI, END, R), staff(ANI, FORGET, R)]), initial=False)
    assert purge.due.get(R, 1 << 62) <= now_ms()
    await intake._start_purge()
    for _ in range(100):  # the deletion has started
        if any(method == "DELETE" for method, _, _ in api.admin_calls):
            break
        await asyncio.sleep(0.01)
    assert any(method == "DELETE" for method, _, _ in api.admin_calls)
    await intake.handle(batch(client_events=[said(2, "kak aku udah siapin tali buat malam ini")]), initial=False)
    return intake


async def test_a_client_who_writes_while_their_room_is_deleted_is_never_told_they_are_queued(data, monkeypatch):
    """Before, the intake queued them again at the front and told them so; then the deletion completed and wiped
    the fresh entry: a client at risk promised a counselor, in no counselor's queue. Now what comes into a room
    being deleted is held back, and when the deletion is done the room is forgotten whole."""
    api = FakeHS()
    intake = await _writes_while_deleted(api, data, monkeypatch)
    assert not any("front of the queue" in s for _, s in api.said) and intake.queue[R]["status"] != WAITING
    api.jobs_done.set()
    await intake._purging
    assert R not in intake.queue and R not in intake.clients and R not in intake.held
    assert not any("front of the queue" in s for _, s in api.said)


async def test_when_the_deletion_fails_what_the_client_wrote_meanwhile_is_read(data, monkeypatch):
    """The server fails the deletion: the room stays, and the held line is read as if it had just come, so the
    client at risk is queued at the front."""
    api = FakeHS()
    api.job_status = "failed"
    intake = await _writes_while_deleted(api, data, monkeypatch)
    api.jobs_done.set()
    await intake._purging
    assert intake.purge is not None and R in intake.purge.due  # tried again later
    assert intake.queue[R]["status"] == WAITING and any("front of the queue" in s for _, s in api.said)
    assert intake._state(R).step == "queued" and not intake.held


# ---- 3. a counselor taken off the roster at a restart, with a client in session ---------------------------------
async def test_a_counselor_removed_from_the_roster_at_a_restart_does_not_keep_a_client(data, monkeypatch):
    """The organisation takes Citra off the roster and restarts the intake while Citra has a client. Before, the
    intake reconciled the staff rooms but not the sessions: the entry stayed taken by Citra, who stayed in the
    client's room; Citra's end was dropped ("not on the counselors' roster"), so the client stayed assigned to an
    account that is no longer staff, out of every counselor's queue. Now the client goes back to the queue and
    Citra is taken out of their room."""
    citra = "@citra:curhat.test"
    api = FakeHS()
    start = now_ms() - 600_000
    entry = {"status": TAKEN, "alias": "Kenari", "tier": "peer", "minutes": 30, "topic": "capek", "risk": 3,
             "imminent": False, "taken_by": citra, "taken_by_name": "Citra", "taken_at": start,
             "started_at": start, "deadline": start + 1_800_000, "said": ""}
    api.state = [{"type": QUEUE_ENTRY, "state_key": R, "sender": ME, "content": entry}]
    api.membership[(R, citra)] = "join"
    intake = service(api, data)  # the roster now: Ani and Budi
    intake.clients[R] = {"client": CL, "served": [citra], "intake": IntakeState(
        step="queued", consent=True, tier="peer", minutes=30, topic="capek", risk=3).to_dict()}
    await intake.prepare()
    intake._resumed = True
    for hook in (intake._write_again, intake._not_taken_up):  # after the first batch
        await hook()
    await intake.handle(batch([staff(citra, END, R)]), initial=False)  # Citra's workstation ends the session
    api.membership[(R, citra)] = "leave"
    await intake.handle(batch(client_events=[said(3, "kak? masih di sana? aku takut")]), initial=False)
    for hook in (intake._write_again, intake._not_taken_up):
        await hook()

    now = intake.queue[R]
    assert not (now.get("status") == TAKEN and now.get("taken_by") not in intake.roster.counselors), (
        f"the client is still assigned to {now.get('taken_by')}, who is not on the roster; kicked: {api.kicked}")
    assert now.get("status") == WAITING and (R, citra) in api.kicked
    assert any("back in the queue" in s for room, s in api.said if room == R)  # the client is told


# ---- 4. a crash after a claim was written, before the state file was: who served the client is lost --------------
async def test_after_a_crash_between_a_claim_and_the_next_save_only_the_counselor_who_served_may_delete(
        data, tmp_path):
    """Ani claims the client; the intake writes the taken entry and records Ani as who served the client. Before, in
    memory only: the intake died before the batch's position was saved, at the restart the claim was read again and
    ignored (the entry was already Ani's), `served` was never written, and the deletion rule fell back to "a client
    known from before the intake kept who served": Budi, who never saw the client, had their room deleted."""
    folder = tmp_path / "intake"
    folder.mkdir(mode=0o700)
    state = folder / "intake.json"
    api = FakeHS()
    first = service(api, data, state_file=state)
    first.clients[R] = {"client": CL, "intake": IntakeState(step="queued", consent=True, tier="peer", minutes=30,
                                                             topic="capek").to_dict()}
    first.queue[R] = {"status": WAITING, "alias": "Kenari", "tier": "peer", "minutes": 30, "topic": "capek",
                      "risk": 0, "imminent": False, "said": ""}
    first._saved_since("s_before")
    claim = dict(staff(ANI, "org.curhat.claim", R), content={"room_id": R, "name": "Ani"})
    await first.handle(batch([claim]), initial=False)
    assert first.queue[R]["taken_by"] == ANI and first.clients[R]["served"] == [ANI]
    # the process dies here (kill -9, power cut): the position of the batch is not saved, nor the state file

    again = service(api, data, state_file=state)
    again._load()
    again.queue = {R: dict(first.queue[R])}  # read_queue: the server has the taken entry
    with_purge(again, api, RetentionPolicy())
    await again.handle(batch([claim]), initial=False)  # the batch, read again
    await again.handle(batch([staff(ANI, END, R)]), initial=False)
    await again.handle(batch([staff(BUDI, FORGET, R)]), initial=False)  # a counselor who never served this client
    assert R not in again.purge.due or again.purge.due[R] > now_ms() + DAY_MS, \
        "Budi, who never served the client, had their room deleted now"
