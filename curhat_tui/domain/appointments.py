"""Appointments beside walk-ins: when a booked client joins the queue, where they stand in it, and what became
of each appointment of the day.

A booked client joins the queue `LEAD_SECONDS` (5 minutes) before the appointment, never earlier. In the queue a
client whose words were called imminent still comes first, then higher risk; among clients of the same risk a due
appointment comes before walk-ins, earliest appointment first (domain/queue.py). One not taken by its time stays
in the queue, marked late. One whose client never came `NO_SHOW_SECONDS` after its time, or who left the queue
untaken, is missed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from curhat_tui.domain.models import Tier, Visit, VisitStatus

LEAD_SECONDS = 5 * 60  # a booked client joins the queue this long before the appointment
NO_SHOW_SECONDS = 15 * 60  # not come this long after the time: missed


class AppointmentStatus(StrEnum):
    UPCOMING = "upcoming"  # not in the queue yet
    WAITING = "waiting"  # in the queue (late once its time has passed)
    TAKEN = "taken"  # a counselor accepted the client (here or elsewhere)
    MISSED = "missed"  # never came, or left the queue untaken


@dataclass(frozen=True)
class Appointment:
    """One booked client: the visit id they will queue under, who, which package, and when (UTC seconds)."""

    visit_id: str
    alias: str
    tier: Tier
    minutes: int
    at: float
    persona: str = ""


def due(at: float, now: float) -> bool:
    """Whether a booked client may be in the queue now."""
    return now >= at - LEAD_SECONDS


def booked(visit: Visit) -> bool:
    """Whether the visit stands in the queue as an appointment: it has one and came for it (not earlier than the
    lead). A client who came long before their time queues as a walk-in."""
    return visit.appointment_at is not None and visit.arrived_at >= visit.appointment_at - LEAD_SECONDS


def late_minutes(visit: Visit, now: float) -> int:
    """Whole minutes a waiting appointment is past its time (0 when it is not, or not an appointment)."""
    if visit.appointment_at is None or now <= visit.appointment_at:
        return 0
    return int((now - visit.appointment_at) // 60)


def status(appointment: Appointment, visit: Visit | None, now: float) -> AppointmentStatus:
    """What became of an appointment, from the visit it queued under (None: the client has not come)."""
    if visit is None:
        return AppointmentStatus.MISSED if now > appointment.at + NO_SHOW_SECONDS else AppointmentStatus.UPCOMING
    if visit.status is VisitStatus.WAITING:
        return AppointmentStatus.WAITING
    if visit.status in (VisitStatus.ACCEPTED, VisitStatus.TAKEN):
        return AppointmentStatus.TAKEN
    return AppointmentStatus.MISSED


def of_visit(visit: Visit) -> Appointment | None:
    """The appointment a queue entry carries (Matrix: `appointment_at` from the intake), if any."""
    if visit.appointment_at is None:
        return None
    return Appointment(visit.id, visit.alias, visit.tier, visit.minutes, visit.appointment_at, visit.persona)


# ---- the practice simulation's bookings -------------------------------------------------------------------
PRACTICE_OFFSETS_MINUTES = (30, 50, 70)  # a few appointments per simulated shift, this long after it starts
PRACTICE_HOLD_SECONDS = 20 * 60  # a booked persona stops walking in this long before the appointment
PRACTICE_NO_SHOW = 4  # one booking in this many is never kept (seeded)


@dataclass(frozen=True)
class Booking:
    """A practice appointment: which persona, when (UTC seconds), and whether they will come."""

    index: int
    persona_id: str
    at: float
    shows: bool


def practice_bookings(persona_ids: list[str], seed: int, day: int, epoch: float) -> list[Booking]:
    """The simulated day's appointments, the same for the same seed and day: different personas, each at about
    `PRACTICE_OFFSETS_MINUTES` after the day began (a few minutes either way), rounded up to five minutes of the
    clock the way bookings are made."""
    if not persona_ids:
        return []
    rng = random.Random(f"{seed}:appointments:{day}")
    chosen = rng.sample(sorted(persona_ids), min(len(PRACTICE_OFFSETS_MINUTES), len(persona_ids)))
    bookings = []
    for index, (persona_id, minutes) in enumerate(zip(chosen, PRACTICE_OFFSETS_MINUTES)):
        at = epoch + (minutes + rng.uniform(-3, 3)) * 60
        at = -(-at // 300) * 300  # up to the next five minutes
        bookings.append(Booking(index, persona_id, float(at), rng.randrange(PRACTICE_NO_SHOW) != 0))
    return bookings
