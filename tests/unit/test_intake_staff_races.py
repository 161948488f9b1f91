"""Red team (session 22): what staff requests (claim, handover, end, forget) start, the purge of a finished client's
room, and a restart of the intake, interleaved with the client writing. Each test failed on the code before its fix
(4208694's successors up to 5f2ffc2): a deletion request that deleted nothing, a client at risk promised the queue
and wiped from it, a counselor off the roster who kept a client, and a crash that let any counselor delete a
client's room. A claim racing an answer being given was checked and found safe: entries are decided before any
await."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import httpx

from curhat_tui.channels.matrix.api import MatrixError
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
from curhat_tui.intake import purging, queueing, server_purge
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
            return {"membership": self.membership.get((room, key), "join" if key == ME else "leave")}
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
    assert R not in intake.locks  # a room the intake no longer serves keeps no lock
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


# ---- the same, reviewed (red team of d3db328): each failed on it ------------------------------------------------
R2, CL2 = "!other:curhat.test", "@klien2:curhat.test"
ROPE = "kak aku udah siapin tali buat malam ini"


async def _until(check, n: int = 200) -> None:
    for _ in range(n):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


def _finished(client: str) -> dict:
    """A client whose session ended (a new intake if they write; back in danger if at risk)."""
    return {"client": client, "served": [ANI], "intake": IntakeState().to_dict(),
            "last": {"tier": "peer", "minutes": 30, "consent_ts": now_ms() - 600_000}}


class OneRefused(FakeHS):
    """The server refuses to delete one room (R unless told) at once; its other deletions take their time."""

    def __init__(self, refused: str = R) -> None:
        super().__init__()
        self.refused = refused

    async def request(self, method, path, body=None, params=None):
        if method == "DELETE" and quote(self.refused, safe="") in path:
            self.admin_calls.append((method, path, body))
            raise MatrixError(400, "M_UNKNOWN", "could not delete")
        return await super().request(method, path, body, params)


async def test_a_client_whose_room_deletion_failed_is_read_without_waiting_for_other_rooms(data, monkeypatch):
    """R's deletion fails at once while R2's takes minutes: R's client, writing that the rope is ready, is read
    then, not when the whole round is over."""
    monkeypatch.setattr(queueing, "client_hash", lambda user, room: "h")
    api = OneRefused()
    intake = service(api, data)
    purge = with_purge(intake, api, RetentionPolicy())
    intake.clients[R], intake.clients[R2] = _finished(CL), _finished(CL2)
    purge.due = {R: now_ms() - 2000, R2: now_ms() - 1000}
    api.jobs_done.clear()  # R2's deletion takes minutes (polled up to 5 min)
    await intake._start_purge()
    await _until(lambda: any(m == "DELETE" and quote(R2, safe="") in p for m, p, _ in api.admin_calls))
    await intake.handle(batch(client_events=[said(7, ROPE)]), initial=False)
    try:
        assert R in purge.due  # R's deletion failed: the room stays, tried again later
        assert (intake.queue.get(R) or {}).get("status") == WAITING, f"held: {list(intake.held)}"
    finally:
        api.jobs_done.set()
        await intake._purging


class NoAnswer(FakeHS):
    """Synapse restarting: the deletion's status never comes (a connection error, which is no OSError)."""

    async def request(self, method, path, body=None, params=None):
        if "delete_status" in path:
            await self.jobs_done.wait()
            raise httpx.ConnectError("connection refused")
        return await super().request(method, path, body, params)


async def test_a_deletion_with_no_answer_holds_the_clients_words_a_few_rounds_then_reads_them(data, monkeypatch):
    """Before, the connection error escaped the purge, the held rope line was neither read nor dropped, and the
    client's next line started a new intake: the rope line was never read for risk. Now a deletion that ends with no
    answer may still be under way on the server: the line is held for UNSURE_ROUNDS rounds, then read."""
    api = NoAnswer()
    intake = await _writes_while_deleted(api, data, monkeypatch)  # the rope line is held
    api.jobs_done.set()
    await intake._purging
    for _ in range(purging.UNSURE_ROUNDS - 1):
        assert R in intake.deleting and intake.held.get(R) and not any("front of the queue" in s for _, s in api.said)
        await intake._start_purge()
        await intake._purging
    assert R not in intake.deleting and not intake.held
    assert intake.queue[R]["status"] == WAITING and any("front of the queue" in s for _, s in api.said)


async def test_a_deletion_still_running_when_polling_gives_up_does_not_queue_the_client(data, monkeypatch):
    """We stopped polling, but Synapse's job goes on (it is never cancelled by our giving up): the client is not
    told they are queued in a room the server is deleting."""
    monkeypatch.setattr(server_purge, "POLL_LIMIT", 3)
    monkeypatch.setattr(server_purge, "POLL_SECONDS", 0.001)
    api = FakeHS()
    api.job_status = "purging"
    intake = await _writes_while_deleted(api, data, monkeypatch)
    api.jobs_done.set()
    await intake._purging
    assert not [s for room, s in api.said if room == R and "queue" in s] and intake.held.get(R)


async def test_a_failed_deletion_that_took_the_intake_out_forgets_the_room_and_tries_again(data, monkeypatch):
    """Synapse's deletion takes every member out before it purges: a job that then fails has left a room the
    client and the intake are no longer in. It is forgotten (nothing is told to a room no one reads) and its
    deletion is tried again."""
    api = FakeHS()
    api.job_status = "failed"
    api.membership[(R, ME)] = "leave"
    intake = await _writes_while_deleted(api, data, monkeypatch)
    api.jobs_done.set()
    await intake._purging
    assert R not in intake.clients and not intake.held and not [s for room, s in api.said if room == R]
    assert intake.purge is not None and R in intake.purge.due


class SlowSend(FakeHS):
    def __init__(self) -> None:
        super().__init__()
        self.slow = False
        self.sending = asyncio.Event()

    async def send(self, room, event_type, content, txn):
        sent = await super().send(room, event_type, content, txn)
        if self.slow:
            self.sending.set()
            await asyncio.sleep(0.05)  # a real send is a network round trip
        return sent


async def test_a_line_the_client_deleted_after_a_failed_deletion_is_not_kept(data, monkeypatch):
    """Two batches held; the deletion fails; while the first is answered, the client deletes the line of the second.
    Before, the newer batch overtook the held one, the deletion found nothing, and the line was kept and carried."""
    api = SlowSend()
    api.job_status = "failed"
    monkeypatch.setattr(queueing, "client_hash", lambda user, room: "h")
    intake = service(api, data)
    with_purge(intake, api, RetentionPolicy())
    in_session(intake)
    api.jobs_done.clear()
    await intake.handle(batch([staff(ANI, END, R), staff(ANI, FORGET, R)]), initial=False)
    await intake._start_purge()
    await _until(lambda: any(m == "DELETE" for m, _, _ in api.admin_calls))
    await intake.handle(batch(client_events=[said(1, "halo kak")]), initial=False)  # held
    await intake.handle(batch(client_events=[said(2, ROPE)]), initial=False)  # held
    api.slow = True
    api.jobs_done.set()  # the deletion fails: the held batches are read
    await api.sending.wait()  # the first held batch is being answered
    redact = {"type": "m.room.redaction", "sender": CL, "event_id": "$r2", "redacts": "$l2",
              "content": {"redacts": "$l2"}}
    await intake.handle(batch(client_events=[redact]), initial=False)  # the client deletes the rope line
    await intake._purging
    for task in list(intake.tasks):
        task.cancel()
    kept = [line[0] for line in intake.clients[R].get("said") or []]
    pending = (intake.clients[R].get("pending") or {}).get("event_id")
    assert "$l2" not in kept and pending != "$l2", f"a line the client deleted is kept: said={kept} pending={pending}"


async def test_a_client_who_left_leaves_no_lock_behind(data):
    """The intake runs for years: a room whose client left keeps no lock (one per room ever seen, before)."""
    api = FakeHS()
    intake = service(api, data)
    in_session(intake)
    await intake.handle(batch(client_events=[said(1, "kak?")]), initial=False)
    assert R in intake.locks
    left = {"type": "m.room.member", "sender": CL, "state_key": CL, "event_id": "$left",
            "content": {"membership": "leave"}}
    await intake.handle(batch(client_events=[left]), initial=False)
    assert R not in intake.clients and R not in intake.locks


async def test_a_held_batch_that_fails_to_read_does_not_keep_the_next_one_held(data, monkeypatch):
    """The deletion fails and the first held batch cannot be read (a bug, a server error): the next one is read
    all the same and the room is released, as the loop goes on after a failed room."""
    api = FakeHS()
    api.job_status = "failed"
    intake = await _writes_while_deleted(api, data, monkeypatch)  # the rope line is held
    intake.held[R].insert(0, {"timeline": {"events": [said(0, "halo")]}})
    real, calls = intake._read_room, []

    async def first_fails(room_id, joined, initial):
        calls.append(room_id)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return await real(room_id, joined, initial)
    monkeypatch.setattr(intake, "_read_room", first_fails)
    api.jobs_done.set()
    await intake._purging
    assert len(calls) == 2 and R not in intake.deleting and not intake.held
    assert intake.queue[R]["status"] == WAITING  # the rope line was read: queued at the front


S = "!moved:curhat.test"


async def test_a_client_whose_moved_to_room_stays_is_still_heard_there(data, monkeypatch):
    """A client moved their session to a new room S (a room upgrade); at the end of retention their first room R is
    deleted while they write in S that the rope is ready, and S's deletion is refused. Before, R's deletion forgot
    the client with what they wrote, and S, still theirs, was read by no one. Now the record waits for the last of
    their rooms: S stays, so what they wrote is read and they are queued at the front, told so in S."""
    monkeypatch.setattr(queueing, "client_hash", lambda user, room: "h")
    api = OneRefused(S)  # the room the client moved to stays; their first room goes, slowly
    intake = service(api, data)
    purge = with_purge(intake, api, RetentionPolicy())
    intake.clients[R] = dict(_finished(CL), successors=[S])
    purge.due = {R: now_ms() - 2000, S: now_ms() - 1000}
    api.jobs_done.clear()  # R's deletion takes a while
    await intake._start_purge()
    await _until(lambda: any(m == "DELETE" and quote(R, safe="") in p for m, p, _ in api.admin_calls))
    await intake.handle({"rooms": {"join": {S: {"timeline": {"events": [said(9, ROPE)]}}}}}, initial=False)
    assert intake.held.get(R) and not api.said  # held while R is being deleted
    api.jobs_done.set()
    await intake._purging
    assert R not in purge.due and S in purge.due  # R went; S stays, tried again
    assert R in intake.clients and intake.queue[R]["status"] == WAITING and not intake.held
    assert any(room == S and "front of the queue" in s for room, s in api.said)


async def test_a_client_is_forgotten_with_the_last_of_their_rooms(data, monkeypatch):
    """Both rooms deleted: the client's record, the line held meanwhile and the queue entry all go."""
    api = FakeHS()
    intake = service(api, data)
    purge = with_purge(intake, api, RetentionPolicy())
    intake.clients[R] = dict(_finished(CL), successors=[S])
    purge.due = {R: now_ms() - 2000, S: now_ms() - 1000}
    api.jobs_done.clear()
    await intake._start_purge()
    await _until(lambda: any(m == "DELETE" and quote(R, safe="") in p for m, p, _ in api.admin_calls))
    await intake.handle({"rooms": {"join": {S: {"timeline": {"events": [said(9, ROPE)]}}}}}, initial=False)
    api.jobs_done.set()
    await intake._purging
    assert not purge.due and R not in intake.clients and not intake.held and not intake.deleting and not api.said
