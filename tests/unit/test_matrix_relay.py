"""What the intake's queue entry tells the workstation beyond the visit, without a server: only the account the
intake took as the client (`client_hash`) is the client in that session's room, and the client's lines the counselor
cannot read back from the room (`said`) reach the transcript once, oldest first, whenever the session opens."""

from __future__ import annotations

import json

from curhat_tui.channels.matrix.channel import MatrixChannel
from curhat_tui.channels.matrix.protocol import QUEUE_ENTRY, TAKEN, WAITING
from curhat_tui.channels.matrix.relay import said_events, said_lines, user_hash
from curhat_tui.channels.matrix.staff import Staff
from curhat_tui.domain.clock import FakeClock
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.sessions import CLIENT
from curhat_tui.storage.store import Store
from tests.conftest import START

ANI, BUDI, INTAKE = "@ani:s", "@budi:s", "@intake:s"
KLIEN, MALLORY = "@klien:s", "@mallory:s"
QUEUE, ROOM = "!queue:s", "!klien:s"
T0 = int(START * 1000)


def sha(user: str, room: str = ROOM) -> str:
    """The client's hash as the intake writes it (scrypt salted with the room)."""
    return user_hash(user, room)


class FakeAPI:
    """The homeserver as far as a claim and a handover need it: the queue entry the intake wrote, joins, sends."""

    def __init__(self) -> None:
        self.user_id = ANI
        self.entries: dict[str, dict] = {}
        self.sent: list[tuple[str, str, dict]] = []
        self.joined: list[str] = []

    async def send(self, room_id, event_type, content, txn_id):
        self.sent.append((room_id, event_type, content))
        return f"$sent{len(self.sent)}"

    async def get_state(self, room_id, event_type, state_key=""):
        return self.entries.get(state_key) if event_type == QUEUE_ENTRY else None

    async def join(self, room_id):
        self.joined.append(room_id)
        return room_id

    async def messages(self, room_id, start=None, direction="b", limit=100, to=None):
        return {"chunk": [], "end": None}  # a room whose history we may not read (history_visibility: joined)

    async def leave(self, room_id):
        pass

    async def forget(self, room_id):
        pass

    async def close(self):
        pass


def station(tmp_path, data, api: FakeAPI | None = None, store: Store | None = None) -> Workstation:
    staff = Staff(intake=INTAKE)
    staff.queue_room, staff.counselors = QUEUE, frozenset({ANI, BUDI})
    store = store or Store(tmp_path / "ani.db")
    channel = MatrixChannel(api or FakeAPI(), store, FakeClock(START), "Ani", data.strings, staff=staff)
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani")
    channel.emit = ws.desk.on_channel_event  # the sync loop is not started: the tests hand the channel its batches
    return ws


def said(*lines) -> str:
    return json.dumps([list(line) for line in lines])


def entry(status: str = WAITING, **fields) -> dict:
    return {"status": status, "alias": "Klien", "tier": "peer", "minutes": 30, "arrived_at": T0, "topic": "capek",
            "started_at": T0 + 1000, "answered_at": T0 + 500, "deadline": T0 + 1_800_000, **fields}


def batch(room: str, *events: dict, ephemeral: tuple = ()) -> dict:
    return {"join": {room: {"timeline": {"events": list(events)}, "ephemeral": {"events": list(ephemeral)}}}}


def queued(value: dict) -> dict:
    return {"type": QUEUE_ENTRY, "state_key": ROOM, "sender": INTAKE, "content": value, "origin_server_ts": T0}


def message(n: int, body: str, sender: str = KLIEN, **content) -> dict:
    return {"type": "m.room.message", "event_id": f"$m{n}", "sender": sender, "origin_server_ts": T0 + 60_000 + n,
            "content": {"msgtype": "m.text", "body": body, **content}}


def words(ws: Workstation, session_id: str) -> list[str]:
    return [m.text for m in ws.desk.transcript(session_id) if m.sender.value == "client"]


async def claimed(ws: Workstation, api: FakeAPI, waiting: dict, taken: dict):
    await ws.channel.on_sync(batch(QUEUE, queued(waiting)), False)
    api.entries[ROOM] = taken
    return await ws.desk.accept(ROOM)


def test_relayed_lines_are_read_defensively():
    good = ("$a", T0, "aku takut")
    assert said_lines({"said": said(good)}) == [good]
    mixed = json.dumps([["$a", T0, "satu"], ["nope", T0, "no $"], ["$" + "x" * 255, T0, "too long an id"],
                        ["$b", True, "a bool is no time"], ["$c", "1", "nor is text"], ["$d", T0, 7],
                        ["$e", T0, "y" * 4001], ["$f", T0], {"$g": 1}, "$h", ["$i", T0 + 5, "dua"]])
    assert [line[2] for line in said_lines({"said": mixed})] == ["satu", "dua"]
    for broken in (None, 7, ["$a", T0, "x"], "{not json", json.dumps({"$a": "x"}), json.dumps("text")):
        assert said_lines({"said": broken}) == []
    # a relayed line that was a reply loses its fallback (the quoted sender's id); one that was only the quote goes
    replies = said(("$r1", T0, "> <@whatsapp_6281298765432:s> aku capek\n\nmaksudku capek banget"),
                   ("$r2", T0, "> <@whatsapp_6281298765432:s> aku capek\n\n"), ("$r3", T0, "> kutipan biasa\n\nkata"))
    assert [line[2] for line in said_lines({"said": replies})] == ["maksudku capek banget", "> kutipan biasa\n\nkata"]
    many = json.dumps([[f"$n{i}", T0 + i, f"baris {i}"] for i in range(80)])
    assert len(said_lines({"said": many})) == 60
    # two entries relaying the same line (an older and a newer one): once, oldest first, in seconds
    events = said_events("s1", [{"said": said(("$b", T0 + 2000, "kedua"))},
                                {"said": said(("$a", T0 + 1000, "pertama"), ("$b", T0 + 2000, "kedua"))}])
    assert [(e.text, e.ts, e.remote_id) for e in events] == [("pertama", START + 1.0, "$a"),
                                                             ("kedua", START + 2.0, "$b")]


async def test_lines_the_room_cannot_give_back_reach_the_transcript_at_claim_and_later_once_each(tmp_path, data):
    api = FakeAPI()
    ws = station(tmp_path, data, api)
    waiting = entry(said=said(("$q1", T0 + 100, "kak aku sendirian di kos"), ("bad", 0, "dropped")),
                    client_hash=sha(KLIEN))
    # the raw entry the claim reads back names the newer line too (the newest write of the intake)
    taken = entry(TAKEN, taken_by=ANI, said=said(("$q1", T0 + 100, "kak aku sendirian di kos"),
                                                 ("$q2", T0 + 200, "takut banget malam ini")), client_hash=sha(KLIEN))
    session = await claimed(ws, api, waiting, taken)
    assert words(ws, session.id) == ["kak aku sendirian di kos", "takut banget malam ini"]
    assert ws.store.sessions.channel_state(session.id)[CLIENT] == sha(KLIEN)
    # the entry comes again through sync with one more line: only that one is new
    again = dict(taken, said=said(("$q1", T0 + 100, "kak aku sendirian di kos"), ("$q2", T0 + 200, "takut banget malam ini"),
                                  ("$q3", T0 + 300, "aku udah nyiapin obat")))
    await ws.channel.on_sync(batch(QUEUE, queued(again)), False)
    await ws.channel.on_sync(batch(QUEUE, queued(again)), False)
    assert words(ws, session.id) == ["kak aku sendirian di kos", "takut banget malam ini", "aku udah nyiapin obat"]
    flagged = [m for m in ws.desk.transcript(session.id) if m.text == "aku udah nyiapin obat"]
    assert flagged[0].flags, "a relayed line is scanned for risk like any other"


async def test_an_entry_arriving_before_the_session_is_stored_waits_for_it(tmp_path, data):
    api = FakeAPI()
    ws = station(tmp_path, data, api)
    channel = ws.channel
    waiting = entry()
    taken = entry(TAKEN, taken_by=ANI, said=said(("$q1", T0 + 100, "baris yang menunggu")))
    await channel.on_sync(batch(QUEUE, queued(waiting)), False)
    api.entries[ROOM] = taken
    real_opened = ws.desk.opened

    def opened_after_a_sync(session, state, how):  # the entry comes through sync between the claim and the store
        channel.room_to_session[ROOM] = session.id
        channel._queue_entry(ROOM, dict(taken, said=said(("$q1", T0 + 100, "baris yang menunggu"),
                                                         ("$q2", T0 + 200, "baris yang datang di sela"))))
        assert ws.store.messages.count(session.id) == 0
        real_opened(session, state, how)

    ws.desk.opened = opened_after_a_sync
    session = await ws.desk.accept(ROOM)
    assert words(ws, session.id) == ["baris yang menunggu", "baris yang datang di sela"]


async def test_a_session_handed_over_brings_its_relayed_lines_and_its_client(tmp_path, data):
    api = FakeAPI()
    ws = station(tmp_path, data, api)
    handed = entry(TAKEN, taken_by=ANI, said=said(("$q1", T0 + 100, "kata-kata sebelum serah terima")),
                   client_hash=sha(KLIEN), handover="sudah dua sesi")
    await ws.channel.on_sync(batch(QUEUE, queued(handed)), False)
    session = next(s for s in ws.store.sessions.open())
    assert api.joined == [ROOM]
    assert words(ws, session.id) == ["kata-kata sebelum serah terima"]
    await ws.channel.on_sync(batch(ROOM, message(1, "MALLORY aku yang ngomong", sender=MALLORY),
                                   message(2, "ini aku, klien")), False)
    assert words(ws, session.id) == ["kata-kata sebelum serah terima", "ini aku, klien"]


async def test_a_stranger_in_the_room_is_never_the_client(tmp_path, data, caplog):
    api = FakeAPI()
    ws = station(tmp_path, data, api)
    session = await claimed(ws, api, entry(client_hash=sha(KLIEN)), entry(TAKEN, taken_by=ANI, client_hash=sha(KLIEN)))
    typing: list[bool] = []
    ws.listen(lambda event: typing.append(event.typing) if type(event).__name__ == "ClientTyping" else None)
    await ws.channel.on_sync(batch(ROOM, message(1, "aku capek"), message(2, "MALLORY-9044 aku mau kabur", sender=MALLORY),
                                   {"type": "m.room.message", "event_id": "$m3", "sender": MALLORY,
                                    "origin_server_ts": T0 + 70_000, "content": {
                                        "msgtype": "m.text", "body": "* diubah", "m.new_content": {"body": "EDIT-MALLORY"},
                                        "m.relates_to": {"rel_type": "m.replace", "event_id": "$m1"}}},
                                   {"type": "m.room.redaction", "event_id": "$m4", "sender": MALLORY, "redacts": "$m1",
                                    "origin_server_ts": T0 + 70_001, "content": {}},
                                   ephemeral=({"type": "m.typing", "content": {"user_ids": [MALLORY]}},)), False)
    assert words(ws, session.id) == ["aku capek"]
    assert typing == [False]
    assert "MALLORY" not in caplog.text and "kabur" not in caplog.text
    assert "not the client" in caplog.text
    await ws.channel.on_sync(batch(ROOM, ephemeral=({"type": "m.typing", "content": {"user_ids": [KLIEN]}},)), False)
    assert typing == [False, True]
    # after a restart the hash comes from the stored session
    again = station(tmp_path, data, FakeAPI(), store=ws.store)
    again.channel.sync.start = lambda: None
    await again.channel.start(again.desk.on_channel_event)
    await again.channel.on_sync(batch(ROOM, message(5, "MALLORY lagi", sender=MALLORY), message(6, "aku lagi")), False)
    assert words(again, session.id) == ["aku capek", "aku lagi"]


async def test_a_session_whose_intake_named_no_client_believes_any_non_staff_sender_as_before(tmp_path, data):
    api = FakeAPI()
    ws = station(tmp_path, data, api)
    session = await claimed(ws, api, entry(), entry(TAKEN, taken_by=ANI, client_hash="not-a-hash"))
    await ws.channel.on_sync(batch(ROOM, message(1, "dari akun lain", sender="@teman:s"),
                                   message(2, "kolega", sender=BUDI)), False)
    assert words(ws, session.id) == ["dari akun lain"]
    # an intake that names the client later: from then on only they are
    await ws.channel.on_sync(batch(QUEUE, queued(entry(TAKEN, taken_by=ANI, client_hash=sha(KLIEN)))), False)
    await ws.channel.on_sync(batch(ROOM, message(3, "lagi dari akun lain", sender="@teman:s"), message(4, "klien")), False)
    assert words(ws, session.id) == ["dari akun lain", "klien"]
    assert ws.store.sessions.channel_state(session.id)[CLIENT] == sha(KLIEN)


async def test_a_claim_read_back_sealed_keeps_the_client_and_lines_the_queue_showed(tmp_path, data):
    api = FakeAPI()
    ws = station(tmp_path, data, api)
    waiting = entry(said=said(("$q1", T0 + 100, "yang ditulis saat menunggu")), client_hash=sha(KLIEN), region="Aceh")
    # the entry read back from the server has its words sealed, and this device has no keys for them yet
    sealed = {k: v for k, v in entry(TAKEN, taken_by=ANI).items() if k != "topic"}
    session = await claimed(ws, api, waiting, dict(sealed, sealed={"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "x"}))
    assert words(ws, session.id) == ["yang ditulis saat menunggu"]
    state = ws.store.sessions.channel_state(session.id)
    assert state[CLIENT] == sha(KLIEN) and state["region"] == "Aceh"
    await ws.channel.on_sync(batch(ROOM, message(1, "orang lain", sender=MALLORY), message(2, "aku")), False)
    assert words(ws, session.id) == ["yang ditulis saat menunggu", "aku"]
