"""Queue order: a client whose words the risk detector called imminent first, then highest risk, then the
longest wait; and how what a waiting client writes raises their place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from curhat_tui.domain.appointments import booked
from curhat_tui.domain.models import Risk, Visit, VisitStatus
from curhat_tui.domain.redflags import RedFlagBook

if TYPE_CHECKING:  # the detector's modules load after the first frame
    from curhat_tui.domain.bursts import Burst
    from curhat_tui.domain.risk import Detection


def queue_key(visit: Visit) -> tuple[bool, int, bool, float, str]:
    """Imminent first, then higher risk; within a risk a due appointment before walk-ins (earliest appointment
    first, domain/appointments.py), then the longest wait."""
    appointment = booked(visit)
    when = visit.appointment_at if appointment and visit.appointment_at is not None else visit.arrived_at
    return (not visit.imminent, -int(visit.risk), not appointment, when, visit.id)


def order_queue(visits: Iterable[Visit]) -> list[Visit]:
    """Waiting visits in the order a counselor should take them."""
    return sorted((v for v in visits if v.status is VisitStatus.WAITING), key=queue_key)


def waiting_risk(found: Detection | Burst, book: RedFlagBook) -> tuple[Risk, bool]:
    """The risk a waiting client's message suggests (the highest of its items' levels) and whether it is
    imminent. An imminent suggestion counts as high risk; like every suggestion it ticks no flag, it only
    orders the queue."""
    risk = max((book.get(item).risk for item in found.items if item in {i.id for i in book.items}),
               default=Risk.NONE, key=int)
    if found.imminent:
        risk = max(risk, Risk.HIGH, key=int)
    return Risk(risk), found.imminent


def raised(known: Visit, reported: Visit) -> Visit | None:
    """The waiting visit with what the intake reports now, when that moves it up (higher risk, or newly
    imminent); None when nothing changes. Risk is never lowered and imminence never taken back here."""
    risk = max(known.risk, reported.risk, key=int)
    imminent = known.imminent or reported.imminent
    if risk == known.risk and imminent == known.imminent:
        return None
    return replace(known, risk=Risk(risk), imminent=imminent)
