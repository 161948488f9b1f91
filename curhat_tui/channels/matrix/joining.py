"""Joining a client's room the intake has just given us."""

from __future__ import annotations

import asyncio

from curhat_tui.channels.base import ClaimFailed
from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError


async def join_when_invited(api: MatrixAPI, room_id: str, deadline: float) -> None:
    """Join a client's room the intake gave us; an invitation still on its way is waited for, briefly (until
    `deadline`, the loop's time); ClaimFailed("timeout") when it never comes."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            await api.join(room_id)
            return
        except MatrixError as exc:
            if exc.status != 403 or loop.time() >= deadline:
                raise ClaimFailed("timeout") from None
        await asyncio.sleep(0.2)
