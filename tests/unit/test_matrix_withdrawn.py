"""A line the client deleted before the counselor had the room stays deleted, though the intake relayed it
(`said`): the room's history, read back at the claim, shows the deletion, and the relayed copy is emptied."""

from __future__ import annotations

import asyncio

from curhat_tui.channels.matrix.protocol import TAKEN
from tests.unit.test_matrix_relay import ANI, KLIEN, MALLORY, T0, FakeAPI, claimed, entry, said, sha, station


class SharedHistory(FakeAPI):
    """A room whose history a new member may read (history_visibility: shared), oldest first."""

    def __init__(self, history: list[dict]) -> None:
        super().__init__()
        self.history = history

    async def messages(self, room_id, start=None, direction="b", limit=100, to=None):
        return {"chunk": list(reversed(self.history)), "end": None}


def redaction(n: int, sender: str, target: str) -> dict:
    return {"type": "m.room.redaction", "event_id": f"$r{n}", "sender": sender, "redacts": target,
            "origin_server_ts": T0 + 400 + n, "content": {"redacts": target}}


async def test_a_line_the_client_deleted_before_the_claim_is_emptied_though_the_intake_relayed_it(tmp_path, data):
    api = SharedHistory([
        # the first line as the server shows it once deleted: no content, and who deleted it
        {"type": "m.room.message", "event_id": "$q1", "sender": KLIEN, "origin_server_ts": T0 + 100, "content": {},
         "unsigned": {"redacted_because": redaction(1, KLIEN, "$q1")}},
        redaction(2, MALLORY, "$q2"),  # someone else cannot delete the client's words
        redaction(3, KLIEN, "$q3"),
    ])
    ws = station(tmp_path, data, api)
    lines = said(("$q1", T0 + 100, "ALAMAT-7731 jalan mawar 12"), ("$q2", T0 + 200, "aku takut"),
                 ("$q3", T0 + 300, "yang ini juga dihapus"))
    session = await claimed(ws, api, entry(said=lines, client_hash=sha(KLIEN)),
                            entry(TAKEN, taken_by=ANI, said=lines, client_hash=sha(KLIEN)))
    await asyncio.gather(*ws.channel._tasks)  # the room's earlier history is read beside the desk
    shown = {m.txn_id: m for m in ws.desk.transcript(session.id)}
    assert shown["$q1"].text == "" and shown["$q1"].redacted_at is not None
    assert shown["$q2"].text == "aku takut" and shown["$q2"].redacted_at is None
    assert shown["$q3"].text == "" and shown["$q3"].redacted_at is not None
    assert "ALAMAT" not in repr(ws.desk.transcript(session.id))
