"""The day's appointments, the service's hours and who is on duty, as the counselor's screens read them.

Practice: the simulation's bookings (channels/practice/bookings.py). Matrix: only what queue entries carry, an
`appointment_at` from the intake; the appointments listed are those the queue has carried since this workstation
started (there is no booking system here). Who is on duty: the channel's word when it knows other counselors,
else this counselor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from curhat_tui.channels.base import Channel
from curhat_tui.domain.appointments import Appointment, AppointmentStatus, late_minutes, of_visit, status
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.hours import ServiceHours, is_open, next_opening
from curhat_tui.services.desk import Desk
from curhat_tui.services.events import Event, QueueChanged
from curhat_tui.storage.store import Store


@dataclass(frozen=True)
class AppointmentRow:
    """One appointment as the list shows it: what became of it and, while waiting past its time, by how much."""

    appointment: Appointment
    status: AppointmentStatus
    late_minutes: int = 0


class Schedule:
    def __init__(self, store: Store, channel: Channel, clock: Clock, desk: Desk, *, counselor: str,
                 hours: ServiceHours | None = None) -> None:
        self.store = store
        self.channel = channel
        self.clock = clock
        self.desk = desk
        self.counselor = counselor
        self._hours = hours  # [service.hours] as config.toml gives them (None: the channel's, else always open)
        self._seen: dict[str, Appointment] = {}  # Matrix: appointments the queue has carried, by visit id

    @property
    def hours(self) -> ServiceHours:
        """The service's hours: as configured, else where the channel keeps them (the practice simulation), else
        always open."""
        hours = self._hours or getattr(self.channel, "hours", None)
        return hours if isinstance(hours, ServiceHours) else ServiceHours()

    def on_event(self, event: Event) -> None:
        """Remember every appointment the queue shows, so it is still listed once taken or gone."""
        if isinstance(event, QueueChanged):
            for visit in self.desk.queue():
                appointment = of_visit(visit)
                if appointment is not None:
                    self._seen.setdefault(visit.id, appointment)

    def appointments(self) -> list[AppointmentRow]:
        """Today's appointments, earliest first, each with its status now."""
        now = self.clock.now()
        listed = getattr(self.channel, "appointments", None)
        items = listed() if callable(listed) else list(self._seen.values())
        rows = []
        waiting = {v.id: v for v in self.desk.queue()}
        in_session = {s.alias for s in self.store.sessions.open()}
        for appointment in sorted(items, key=lambda a: (a.at, a.visit_id)):
            visit = waiting.get(appointment.visit_id) or self.store.visits.get(appointment.visit_id)
            state = status(appointment, visit, now)
            if visit is None and appointment.alias in in_session:  # came early as a walk-in: already being seen
                state = AppointmentStatus.TAKEN
            late = 0
            if state is AppointmentStatus.WAITING and visit is not None:
                late = late_minutes(replace(visit, appointment_at=appointment.at), now)
            rows.append(AppointmentRow(appointment, state, late))
        return rows

    def open_now(self) -> bool:
        return is_open(self.hours, self.clock.now())

    def next_opening(self) -> float | None:
        return next_opening(self.hours, self.clock.now())

    def on_duty(self) -> list[str]:
        """Names of the counselors on duty: the queue room's announcements where the channel reads them (Matrix),
        else this counselor."""
        duty = getattr(self.channel, "duty", None)  # Matrix: channels/matrix/duty.py
        listed = duty.names() if duty is not None else None
        return list(listed) if listed else [self.counselor]

