"""A waiting client's lines read together at the intake: the line that completes a burst raises the entry, a deleted
line is no longer read with the next, and nothing of one wait is read with the lines of the next (the lines are kept
in memory only, never in the state file)."""

from __future__ import annotations

from curhat_tui.domain.intake import IntakeState
from curhat_tui.intake.service import IntakeService
from tests.support.recording_api import RecordingAPI

ROOM, CLIENT = "!client:curhat.test", "@klien:curhat.test"
BURST = ["halo", "udah kebeli tadi sore", "yg cair buat nyamuk itu", "aku yg minum"]  # no line alone says it


def waiting_intake(data, tmp_path) -> IntakeService:
    intake = IntakeService(RecordingAPI(), data, state_file=tmp_path / "intake.json",  # type: ignore[arg-type]
                           queue_room="!queue:curhat.test")
    intake.clients[ROOM] = {"client": CLIENT, "intake": IntakeState(step="queued", consent=True).to_dict()}
    intake.queue[ROOM] = {"status": "waiting", "alias": "Klien Biru", "risk": 0}
    return intake


def said(n: int, body: str) -> dict:
    return {"type": "m.room.message", "sender": CLIENT, "event_id": f"$l{n}", "content": {"body": body}}


async def test_the_line_that_completes_a_burst_marks_the_entry_imminent(data, tmp_path):
    intake = waiting_intake(data, tmp_path)
    for n, body in enumerate(BURST[:2]):
        await intake._waiting_words(ROOM, said(n, body))
        assert intake.queue[ROOM].get("imminent") is not True, body
    for n, body in enumerate(BURST[2:], 2):  # the means after the purchase
        await intake._waiting_words(ROOM, said(n, body))
    assert intake.queue[ROOM]["imminent"] is True
    intake._save()
    assert "kebeli" not in (tmp_path / "intake.json").read_text()  # the lines stay in memory only


async def test_a_deleted_line_is_not_read_with_the_next(data, tmp_path):
    intake = waiting_intake(data, tmp_path)
    for n, body in enumerate(BURST[:2]):
        await intake._waiting_words(ROOM, said(n, body))
    intake._unsay(ROOM, "$l1")  # "udah kebeli tadi sore" deleted
    for n, body in enumerate(BURST[2:], 2):
        await intake._waiting_words(ROOM, said(n, body))
    assert intake.queue[ROOM].get("imminent") is not True and intake.queue[ROOM]["risk"] == 0


async def test_a_new_wait_reads_nothing_of_the_last(data, tmp_path):
    intake = waiting_intake(data, tmp_path)
    for n, body in enumerate(BURST[:-1]):
        await intake._waiting_words(ROOM, said(n, body))
    await intake._client_left(ROOM)
    assert ROOM not in intake.waiting_said
