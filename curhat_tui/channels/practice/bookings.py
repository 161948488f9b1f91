"""The practice simulation's appointments: a few personas a day come by booking instead of walking in.

Mixed into `PracticeChannel`: which bookings the simulated day has (domain/appointments.py, seeded by the seed and
the day), a booked client joining the queue when due, and patience that starts at the appointment's time.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from curhat_tui.channels.base import ClientArrived
from curhat_tui.domain.appointments import (
    LEAD_SECONDS,
    NO_SHOW_SECONDS,
    PRACTICE_HOLD_SECONDS,
    Appointment,
    Booking,
    due,
    practice_bookings,
)
from curhat_tui.domain.hours import is_open
from curhat_tui.domain.models import Visit

if TYPE_CHECKING:
    from curhat_tui.channels.base import Emit
    from curhat_tui.domain.clock import Clock
    from curhat_tui.domain.hours import ServiceHours
    from curhat_tui.domain.persona import Persona
    from curhat_tui.storage.store import Store


class Bookings:
    """Appointments for `PracticeChannel` (which provides the store, the personas, the epoch and the day)."""

    if TYPE_CHECKING:
        store: Store
        clock: Clock
        personas: dict[str, Persona]
        seed: int
        epoch: float | None
        hours: ServiceHours
        emit: Emit

        def _day(self) -> int: ...
        def _busy(self) -> set[str | None]: ...
        def _visit(self, persona: Persona, visit_id: str, arrived_at: float) -> Visit: ...
        def _ensure_epoch(self, now: float) -> float: ...

    def _bookings(self) -> list[Booking]:
        """Today's bookings (none while the service is closed at their time)."""
        if self.epoch is None:
            return []
        return [b for b in practice_bookings(sorted(self.personas), self.seed, self._day(), self.epoch)
                if is_open(self.hours, b.at)]

    def _appointment_id(self, booking: Booking) -> str:
        return f"p{self.seed}-a{booking.index}" + (f"-d{self._day()}" if self._day() else "")

    def appointments(self) -> list[Appointment]:
        """The simulated day's appointments, earliest first."""
        self._ensure_epoch(self.clock.now())
        return [Appointment(self._appointment_id(b), p.alias, p.tier, p.minutes, b.at, p.id)
                for b in self._bookings() for p in [self.personas[b.persona_id]]]

    def _held_for_appointment(self, persona_id: str, at: float) -> bool:
        """A persona booked today does not walk in from a while before the appointment until it is settled."""
        return any(b.persona_id == persona_id and b.at - PRACTICE_HOLD_SECONDS <= at <= b.at + NO_SHOW_SECONDS
                   for b in self._bookings())

    def _appointments_due(self, now: float) -> None:
        """A booked client who keeps the appointment joins the queue when it is due (5 minutes before), once; one
        still talking or waiting as somebody else's client comes when free, until it counts as missed."""
        for booking in self._bookings():
            visit_id = self._appointment_id(booking)
            if (not booking.shows or not due(booking.at, now) or now > booking.at + NO_SHOW_SECONDS
                    or self.store.visits.get(visit_id) is not None or booking.persona_id in self._busy()):
                continue
            persona = self.personas[booking.persona_id]
            # like a walk-in, they arrived when they came for it, even if the workstation pumps later
            visit = replace(self._visit(persona, visit_id, booking.at - LEAD_SECONDS), appointment_at=booking.at)
            self.emit(ClientArrived(visit))

    def _waits_from(self, visit: Visit) -> float:
        """When a client's patience starts: on arrival, or for a booked client at the appointment's time."""
        at = visit.appointment_at
        if at is None:
            at = next((a.at for a in self.appointments() if a.visit_id == visit.id), None)
        return max(visit.arrived_at, at) if at is not None else visit.arrived_at

