"""An intake answer that meets a dropped connection or a server error is sent again, with the same transaction id
(intake/delivery.py): the intake has no outbox, and a lost reply left a client waiting for a question that never came."""

from __future__ import annotations

import asyncio
import functools

import httpx
import pytest

from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.intake import delivery
from curhat_tui.intake.service import IntakeService


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
        await asyncio.sleep(0)
    monkeypatch.setattr(delivery, "deliver", functools.partial(delivery.deliver, sleep=sleep))
    return slept


async def test_an_answer_that_meets_a_dropped_connection_and_a_502_still_reaches_the_client_once(data, no_waiting):
    api = FlakyAPI([httpx.ConnectError("reset"), MatrixError(502, "M_UNKNOWN", "Bad Gateway")])
    intake = IntakeService(api, data)  # type: ignore[arg-type]
    await intake._reply("!r:curhat.test", ["intake.open_room", "intake.one_room"])
    assert len(intake.tasks) == 1  # the tries after the first go on beside the loop
    await asyncio.gather(*intake.tasks)
    assert len(api.sent) == 2 and len(api.tries) == 4 and len(set(api.tries[:3])) == 1  # one transaction: never two
    assert no_waiting == [1.0] and api.tries[3] != api.tries[0]  # tried at once, then in the background
    assert "Anyone can join" in api.sent[0] and "You already have" in api.sent[1]  # in order


async def test_a_refusal_is_not_sent_again_and_a_link_down_for_good_gives_up_after_a_while(data, no_waiting, caplog):
    api = FlakyAPI([MatrixError(403, "M_FORBIDDEN", "not in the room")])
    with pytest.raises(MatrixError):
        await IntakeService(api, data)._reply("!r:curhat.test", ["intake.one_room"])  # type: ignore[arg-type]
    assert len(api.tries) == 1 and not no_waiting
    api = FlakyAPI([httpx.ConnectError("down")] * 100)
    intake = IntakeService(api, data)  # type: ignore[arg-type]
    await intake._reply("!r:curhat.test", ["intake.one_room"])
    await asyncio.gather(*intake.tasks)
    assert len(api.tries) == len(delivery.DELIVERY_WAITS) + 2 and 60 < sum(no_waiting) < 180
    assert any("could not be delivered: ConnectError" in r.getMessage() for r in caplog.records)
