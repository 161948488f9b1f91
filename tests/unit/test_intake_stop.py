"""Ctrl+C or SIGTERM stops the intake even when a library absorbs asyncio's one cancellation request."""

from __future__ import annotations

import asyncio
import faulthandler
from types import SimpleNamespace

from curhat_tui.cli.intake import Stopper


async def test_a_stop_that_something_absorbs_is_asked_again_until_the_service_has_ended():
    absorbed = []

    async def service_run() -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:  # as a shielded close in an HTTP stack may do: the request is lost
            absorbed.append("first")
        await asyncio.sleep(30)  # and the service would go on for ever

    task = asyncio.create_task(service_run())
    await asyncio.sleep(0)
    service = SimpleNamespace(stopped=False, sync=SimpleNamespace(_stopping=False))
    try:
        Stopper(task, service).stop()
        done, _ = await asyncio.wait({task}, timeout=5)
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert done and task.cancelled() and absorbed == ["first"]
    assert service.stopped and service.sync._stopping  # the loop ends after its batch as well
