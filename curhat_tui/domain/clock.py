"""Clocks: the app and the domain read time only through one of these, so tests freeze it."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Protocol

WIB = timezone(timedelta(hours=7), "WIB")


class Clock(Protocol):
    """Anything with `now()` in epoch seconds and a time zone for display."""

    tz: tzinfo | None

    def now(self) -> float: ...


class SystemClock:
    """Wall-clock time in the machine's local time zone."""

    tz: tzinfo | None = None

    def now(self) -> float:
        return time.time()


class FakeClock:
    """A clock that moves only when told to: for tests, snapshots and benchmarks."""

    def __init__(self, start: float = 1_790_000_000.0, tz: tzinfo | None = WIB) -> None:
        self._now = float(start)
        self.tz = tz

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    def set(self, epoch: float) -> None:
        self._now = float(epoch)


def clock_time(clock: Clock, epoch: float, fmt: str = "%H:%M") -> str:
    """Format an epoch timestamp in the clock's time zone."""
    return datetime.fromtimestamp(epoch, clock.tz).strftime(fmt)


def mmss(seconds: float) -> str:
    """Seconds as mm:ss (or h:mm:ss past an hour), never negative."""
    total = int(max(0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"
