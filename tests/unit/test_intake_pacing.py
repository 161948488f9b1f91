"""The intake answers each client room beside its sync loop, one answer at a time in each room, at most once a gap,
and a room that floods waits longer and longer (intake/pacing.py). Thirty flooded rooms whose answers waited through
429s once held up every honest client behind them: here an answer that never finishes holds up nothing else."""

from __future__ import annotations

import asyncio
import functools

import httpx
import pytest

from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.intake import pacing, service
from curhat_tui.intake.pacing import FLOOD_GAP, FLOOD_LINES, FLOOD_WINDOW, Pacing
from curhat_tui.intake.service import IntakeService


def line(n: int) -> dict:
    return {"event_id": f"$l{n}", "content": {"body": f"baris {n}"}}


class Answers:
    """An answer that can be held (rate-limited for as long as a test likes); what was answered, in order."""

    def __init__(self) -> None:
        self.answered: list[tuple[str, str]] = []
        self.held: dict[str, asyncio.Event] = {}
        self.running: set[str] = set()
        self.overlapped = False

    async def __call__(self, room: str, event: dict) -> None:
        self.overlapped |= room in self.running
        self.running.add(room)
        try:
            if room in self.held:
                await self.held[room].wait()
            self.answered.append((room, event["event_id"]))
        finally:
            self.running.discard(room)


@pytest.fixture(autouse=True)
def short_gap(monkeypatch):
    monkeypatch.setattr(pacing, "REPLY_GAP", 0.01)


async def test_an_answer_that_waits_holds_up_no_other_room_and_the_loop_goes_on():
    answers = Answers()
    answers.held["!flooded"] = asyncio.Event()  # its answer waits through 429s
    paced = Pacing(answers)
    assert paced.heard("!flooded", [line(1)]) is None  # back at once: the loop is not held
    await asyncio.sleep(0)
    paced.heard("!honest", [line(2)])
    await asyncio.wait_for(_answered(answers, ("!honest", "$l2")), 5)
    assert ("!flooded", "$l1") not in answers.answered
    answers.held["!flooded"].set()
    await paced.settled()
    assert ("!flooded", "$l1") in answers.answered


async def test_a_room_gets_one_answer_at_a_time_in_order_and_the_newest_line_is_the_answer():
    answers = Answers()
    answers.held["!r"] = asyncio.Event()
    paced = Pacing(answers)
    paced.heard("!r", [line(1)])
    await asyncio.sleep(0.05)  # answering line 1, held
    assert paced.heard("!r", [line(2)]) is None
    assert paced.heard("!r", [line(3)]) == line(2)  # overtaken while it waited: returned, to be read for risk
    answers.held["!r"].set()
    await paced.settled()
    assert answers.answered == [("!r", "$l1"), ("!r", "$l3")] and not answers.overlapped


async def test_a_flooding_room_waits_longer_for_each_answer_and_a_calm_line_brings_the_gap_back(caplog, monkeypatch):
    monkeypatch.setattr(pacing, "REPLY_GAP", 1.0)  # the service's own
    now = [1000.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:  # until the test's clock has moved on that far
        slept.append(seconds)
        end = now[0] + seconds
        while now[0] < end - 1e-9:
            await asyncio.sleep(0)
    answers = Answers()
    paced = Pacing(answers, sleep=sleep, clock=lambda: now[0])

    async def write(lines: int, every: float) -> None:
        for n in range(lines):
            now[0] += every
            paced.heard("!r", [line(n)])
            for _ in range(5):
                await asyncio.sleep(0)
    await write(FLOOD_LINES - 2, 0.3)  # quick typing, not yet a flood
    assert paced.gaps["!r"] == pacing.REPLY_GAP
    await write(400, 0.3)  # two minutes of a line every 0.3 s
    assert paced.gaps["!r"] == FLOOD_GAP and max(slept) <= FLOOD_GAP
    assert slept[:4] == sorted(slept[:4]) and len(set(slept)) >= 4  # longer and longer: 1, 2, 4, 8, 10 s
    assert len(answers.answered) < 120 / 5  # a few answers, not one a second
    now[0] += FLOOD_GAP + FLOOD_WINDOW  # quiet
    await paced.settled()
    paced.heard("!r", [line(9999)])  # one line, after a quiet while: a person
    now[0] += pacing.REPLY_GAP
    await paced.settled()
    assert paced.gaps["!r"] == pacing.REPLY_GAP
    assert answers.answered[-1] == ("!r", "$l9999")
    assert [r.getMessage() for r in caplog.records] == ["!r writes faster than anyone types: answered once every 10 s"]


async def test_a_client_who_left_is_not_answered_after_the_gap():
    answers = Answers()
    paced = Pacing(answers)
    paced.heard("!r", [line(1)])
    await paced.settled()
    paced.heard("!r", [line(2)])  # waits for the gap
    paced.forget("!r")
    await paced.settled()
    assert answers.answered == [("!r", "$l1")]


async def _answered(answers: Answers, what: tuple[str, str]) -> None:
    while what not in answers.answered:
        await asyncio.sleep(0.01)


async def test_with_every_answer_slot_taken_a_calm_room_goes_before_a_flooding_room_that_asked_first(monkeypatch):
    monkeypatch.setattr(pacing, "IN_FLIGHT", 1)
    answers = Answers()
    answers.held["!slow"] = asyncio.Event()  # the one slot, held (its answer waits through 429s)
    paced = Pacing(answers)
    paced.heard("!slow", [line(1)])
    await asyncio.sleep(0.02)
    paced.heard("!flood", [line(n) for n in range(FLOOD_LINES)])  # waiting first, but flooding
    await asyncio.sleep(0.02)
    paced.heard("!calm", [line(2)])
    await asyncio.sleep(0.02)
    assert answers.answered == []
    answers.held["!slow"].set()
    await paced.settled()
    assert [room for room, _ in answers.answered] == ["!slow", "!calm", "!flood"]


class FlakyAPI:
    """A homeserver behind a shaky link: the first sends meet a dropped connection and a 502."""
    user_id = "@intake:curhat.test"

    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.tries: list[str] = []
        self.sent: list[str] = []

    async def send(self, room: str, event_type: str, content: dict, txn: str) -> str:
        self.tries.append(txn)
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(content["body"])
        return "$sent"


@pytest.fixture
def no_waiting(monkeypatch):
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
    monkeypatch.setattr(pacing, "deliver", functools.partial(pacing.deliver, sleep=sleep))
    monkeypatch.setattr(service, "deliver", functools.partial(pacing.deliver, sleep=sleep))
    return slept


async def test_an_answer_that_meets_a_dropped_connection_and_a_502_still_reaches_the_client_once(data, no_waiting):
    api = FlakyAPI([httpx.ConnectError("reset"), MatrixError(502, "M_UNKNOWN", "Bad Gateway")])
    intake = IntakeService(api, data)  # type: ignore[arg-type]
    await intake._reply("!r:curhat.test", ["intake.one_room"])
    assert len(api.sent) == 1 and len(api.tries) == 3 and len(set(api.tries)) == 1  # one transaction: never two
    assert no_waiting == [1.0, 2.0]


async def test_a_refusal_is_not_sent_again_and_a_link_down_for_good_gives_up_after_a_while(data, no_waiting):
    api = FlakyAPI([MatrixError(403, "M_FORBIDDEN", "not in the room")])
    with pytest.raises(MatrixError):
        await IntakeService(api, data)._reply("!r:curhat.test", ["intake.one_room"])  # type: ignore[arg-type]
    assert len(api.tries) == 1 and not no_waiting
    api = FlakyAPI([httpx.ConnectError("down")] * 100)
    with pytest.raises(httpx.ConnectError):
        await IntakeService(api, data)._reply("!r:curhat.test", ["intake.one_room"])  # type: ignore[arg-type]
    assert len(api.tries) == len(pacing.DELIVERY_WAITS) + 1 and 60 < sum(no_waiting) < 180
