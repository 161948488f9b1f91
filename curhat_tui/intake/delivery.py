"""An intake answer reaches the client: a send that meets a dropped connection or a server error goes again.

The intake has no outbox (the workstation has): once its state for a client has moved on, a lost reply means the
client never sees the next question, and their next line answers one they have not read. So each reply is sent
again after DELIVERY_WAITS, with the same transaction id: the homeserver keeps one message, never two. The tries
after the first go on beside the sync loop (`send_in_order`): one room's failing sends hold up no other client.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

import httpx

from curhat_tui.channels.matrix.api import MatrixError

log = logging.getLogger("curhat.intake")
DELIVERY_WAITS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 30.0)  # seconds between tries: about a minute and a half in all


async def deliver(send: Callable[[], Awaitable[object]],
                  sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
    """`send` (one message, its transaction id fixed) until it goes: a dropped connection or a 5xx is tried again
    after DELIVERY_WAITS; a refusal (4xx; a 429 the API already waited through) is raised at once, as is the
    last failure."""
    for wait in (*DELIVERY_WAITS, None):
        try:
            await send()
            return
        except (MatrixError, httpx.TransportError, OSError) as exc:
            if wait is None or not _retryable(exc):
                raise
        log.info("an answer did not go; sent again in %.0f s", wait)
        await sleep(wait)


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, httpx.TransportError | OSError) or (isinstance(exc, MatrixError) and exc.status >= 500)


async def send_in_order(sends: Sequence[Callable[[], Awaitable[object]]], tasks: set[asyncio.Task]) -> None:
    """Each of `sends` in turn, now; from the first that fails for a reason that may pass, the rest go in order in a
    task of `tasks`, beside the caller (`deliver`). A refusal is raised here."""
    for n, send in enumerate(sends):
        try:
            await send()
        except (MatrixError, httpx.TransportError, OSError) as exc:
            if not _retryable(exc):
                raise
            task = asyncio.create_task(_deliver_all(sends[n:]))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            return


async def _deliver_all(sends: Sequence[Callable[[], Awaitable[object]]]) -> None:
    try:
        for send in sends:
            await deliver(send)
    except (MatrixError, httpx.TransportError, OSError) as exc:
        log.warning("an answer could not be delivered: %s", type(exc).__name__)
