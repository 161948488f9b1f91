"""Coroutines run beside the caller, without blocking it: channel sends, purges, supervision links."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine


class Background:
    """Keeps each task referenced until it ends (asyncio holds only weak references) and hands a failure to
    `failed`. Without a running event loop (a plain script) the coroutine is dropped: nothing to deliver to."""

    def __init__(self, failed: Callable[[BaseException], None]) -> None:
        self.failed = failed
        self.tasks: set[asyncio.Task] = set()

    def run(self, coroutine: Coroutine) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            coroutine.close()
            return
        task = loop.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            self.failed(error)
