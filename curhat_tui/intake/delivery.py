"""An intake answer reaches the client: a send that meets a dropped connection or a server error goes again.

The intake has no outbox (the workstation has): once its state for a client has moved on, a lost reply means the
client never sees the next question, and their next line answers one they have not read. So each reply is sent
again after DELIVERY_WAITS, with the same transaction id: the homeserver keeps one message, never two.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

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
        except MatrixError as exc:
            if exc.status < 500 or wait is None:
                raise
        except (httpx.TransportError, OSError):
            if wait is None:
                raise
        log.info("an answer did not go; sent again in %.0f s", wait)
        await sleep(wait)
