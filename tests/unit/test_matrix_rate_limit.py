"""A rate-limited request (429) waits and is tried again, long enough to get through a crowd: fifty clients arriving
at once made the intake's answers lose five quick retries in a row in CI, and a client was never told they were in
the queue. Each wait is at least the server's `retry_after_ms`, backs off, and is jittered so that requests limited
together do not come back together; a limit that never lifts fails after about two minutes, with the 429."""

from __future__ import annotations

import httpx
import pytest

from curhat_tui.channels.matrix import api as api_module
from curhat_tui.channels.matrix.api import RATE_LIMIT_RETRIES, MatrixAPI, MatrixError, rate_limit_wait


def limited_for(times: int, retry_after_ms: object = 13):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) <= times:
            body = {"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests"}
            if retry_after_ms is not None:
                body["retry_after_ms"] = retry_after_ms
            return httpx.Response(429, json=body)
        return httpx.Response(200, json={"event_id": "$sent"})
    return handler, calls


@pytest.fixture
def waits(monkeypatch):
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
    monkeypatch.setattr(api_module.asyncio, "sleep", sleep)
    return slept


async def test_a_send_limited_twelve_times_in_a_row_gets_through_once(waits):
    handler, calls = limited_for(12)
    api = MatrixAPI("http://hs.test", "token", transport=httpx.MockTransport(handler))
    try:
        assert await api.send("!r:hs.test", "m.room.message", {"body": "x"}, "txn-1") == "$sent"
    finally:
        await api.close()
    assert len(calls) == 13 and len(set(calls)) == 1  # the same transaction each time: one event, never two
    assert api.rate_limited == 12  # each refusal counted, for the operator (and the flood test) to see
    assert len(waits) == 12 and all(w >= 0.013 * 0.75 for w in waits)
    assert waits[0] < 0.2 and waits[-1] > 1.0  # 13 ms asked, but backing off: no crowd comes back at once


async def test_a_limit_that_never_lifts_fails_with_the_429_after_about_two_minutes(waits):
    handler, calls = limited_for(10_000)
    api = MatrixAPI("http://hs.test", "token", transport=httpx.MockTransport(handler))
    try:
        with pytest.raises(MatrixError) as raised:
            await api.send("!r:hs.test", "m.room.message", {"body": "x"}, "txn-1")
    finally:
        await api.close()
    assert raised.value.status == 429 and raised.value.errcode == "M_LIMIT_EXCEEDED"
    assert len(calls) == RATE_LIMIT_RETRIES + 1
    assert 60 < sum(waits) < 240


@pytest.mark.parametrize("asked", [None, -5, "soon", True, 10**9])
def test_a_missing_or_hostile_retry_after_still_gives_a_sane_wait(asked):
    error = {} if asked is None else {"retry_after_ms": asked}
    for attempt in range(RATE_LIMIT_RETRIES):
        assert 0.07 <= rate_limit_wait(error, attempt) <= 12.5


def test_the_waits_are_jittered_so_a_crowd_spreads_out():
    assert len({round(rate_limit_wait({"retry_after_ms": 13}, 3), 6) for _ in range(20)}) > 10
