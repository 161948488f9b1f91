"""Session countdown, derived from the stored deadline on every tick, never decremented."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

WARN_MINUTES = 10
CRITICAL_MINUTES = 5
EXTENSION_MINUTES = 15


class Phase(StrEnum):
    NORMAL = "normal"
    WARNING = "warning"
    CRITICAL = "critical"
    OVERTIME = "overtime"


@dataclass(frozen=True)
class Countdown:
    remaining_seconds: float
    phase: Phase

    @property
    def overtime_seconds(self) -> float:
        return max(0.0, -self.remaining_seconds)


def countdown(deadline: float, now: float) -> Countdown:
    remaining = deadline - now
    if remaining < 0:
        phase = Phase.OVERTIME
    elif remaining <= CRITICAL_MINUTES * 60:
        phase = Phase.CRITICAL
    elif remaining <= WARN_MINUTES * 60:
        phase = Phase.WARNING
    else:
        phase = Phase.NORMAL
    return Countdown(remaining, phase)


def due_notifications(deadline: float, now: float, already: list[int]) -> list[int]:
    """Minute marks (10, 5) crossed and not yet notified: each fires once per session."""
    remaining = deadline - now
    return [mark for mark in (WARN_MINUTES, CRITICAL_MINUTES) if remaining <= mark * 60 and mark not in already]
