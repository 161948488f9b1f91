"""Appointments beside walk-ins: a booked practice client joins the queue when due (5 minutes before, not earlier),
stands before walk-ins of the same risk and after higher risk and imminence, stays marked late when not taken, and
the day's list says what became of each; outside the service hours no simulated client walks in."""

from dataclasses import replace

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.channels.matrix.entries import visit_of
from curhat_tui.domain.appointments import LEAD_SECONDS, NO_SHOW_SECONDS, AppointmentStatus, booked, of_visit, status
from curhat_tui.domain.hours import ServiceHours, parse_day
from curhat_tui.domain.models import Risk, Tier, Visit, VisitStatus
from curhat_tui.domain.queue import order_queue
from tests.conftest import START, TEST_KEY


def visit(vid: str, risk: Risk = Risk.LOW, arrived: float = 0.0, at: float | None = None, imminent=False) -> Visit:
    return Visit(vid, f"c:{vid}", vid, Tier.PEER, 30, 0, "", "", risk, arrived, imminent=imminent, appointment_at=at)


def test_a_due_appointment_comes_after_imminent_and_higher_risk_but_before_walk_ins_of_its_risk():
    walk_in = visit("walk", arrived=100.0)
    booked_one = visit("appt", arrived=900.0, at=1000.0)
    higher = visit("high", Risk.HIGH, arrived=950.0)
    imminent = visit("now", Risk.LOW, arrived=990.0, imminent=True)
    assert [v.id for v in order_queue([walk_in, booked_one, higher, imminent])] == ["now", "high", "appt", "walk"]
    # a client who came long before the appointment queues as a walk-in, by arrival
    early = visit("early", arrived=1000.0 - LEAD_SECONDS - 1, at=1000.0)
    assert not booked(early) and [v.id for v in order_queue([walk_in, early])] == ["walk", "early"]


def test_the_status_of_an_appointment():
    appt = visit("a", arrived=700.0, at=1000.0)
    booking = of_visit(appt)
    assert booking is not None
    assert status(booking, None, 900.0) is AppointmentStatus.UPCOMING
    assert status(booking, None, 1000.0 + NO_SHOW_SECONDS + 1) is AppointmentStatus.MISSED
    assert status(booking, appt, 1200.0) is AppointmentStatus.WAITING
    assert status(booking, replace(appt, status=VisitStatus.ACCEPTED), 1200.0) is AppointmentStatus.TAKEN
    assert status(booking, replace(appt, status=VisitStatus.LEFT), 1200.0) is AppointmentStatus.MISSED


async def test_practice_books_a_few_clients_who_join_the_queue_when_due(parts, clock):
    ws = parts.workstation
    await ws.start()
    rows = ws.schedule.appointments()
    assert 2 <= len(rows) <= 4 and len({r.appointment.persona for r in rows}) == len(rows)
    assert all(r.status is AppointmentStatus.UPCOMING for r in rows)
    first = rows[0].appointment
    clock.set(first.at - LEAD_SECONDS - 1)
    ws.tick()
    assert first.visit_id not in [v.id for v in ws.desk.queue()]  # not before it is due
    clock.set(first.at - LEAD_SECONDS)
    ws.tick()
    queued = {v.id: v for v in ws.desk.queue()}
    assert queued[first.visit_id].appointment_at == first.at
    assert ws.schedule.appointments()[0].status is AppointmentStatus.WAITING
    # walk-ins of the same risk arrive meanwhile; the booked client stays ahead of them
    clock.set(first.at + 5 * 60)
    ws.tick()
    same = [v for v in ws.desk.queue() if v.risk == queued[first.visit_id].risk and not v.imminent]
    assert len(same) > 1 and same[0].id == first.visit_id
    row = ws.schedule.appointments()[0]
    assert (row.status, row.late_minutes) == (AppointmentStatus.WAITING, 5)  # still waiting, marked late


async def test_an_appointment_taken_is_listed_taken_and_a_no_show_missed(parts, clock):
    ws = parts.workstation
    await ws.start()
    first, *rest = [r.appointment for r in ws.schedule.appointments()]
    clock.set(first.at - LEAD_SECONDS)
    ws.tick()
    await ws.desk.accept(first.visit_id)
    clock.set(rest[-1].at + NO_SHOW_SECONDS + 1)
    ws.tick()
    listed = {r.appointment.visit_id: r.status for r in ws.schedule.appointments()}
    assert listed[first.visit_id] is AppointmentStatus.TAKEN
    assert set(listed.values()) <= {AppointmentStatus.TAKEN, AppointmentStatus.MISSED}
    assert AppointmentStatus.MISSED in listed.values()  # seed 7 books one client who does not come


async def test_outside_the_hours_no_simulated_client_walks_in(tmp_path, data, clock):
    closed_all_week = ServiceHours(week={"mon": parse_day("03:00-03:01")})
    parts = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, speed=0, key=TEST_KEY, hours=closed_all_week)
    await parts.workstation.start()
    assert parts.workstation.desk.queue() == []
    assert parts.workstation.schedule.appointments() == []
    assert not parts.workstation.schedule.open_now()
    parts.store.close()
    open_parts = build_practice(tmp_path / "e", data=data, clock=clock, seed=7, speed=0, key=TEST_KEY)
    await open_parts.workstation.start()
    assert len(open_parts.workstation.desk.queue()) == 3  # the first three arrive at once
    open_parts.store.close()
    assert START  # the shared frozen moment


def test_a_matrix_queue_entry_carries_its_appointment():
    entry = {"alias": "klien_a", "tier": "peer", "minutes": 30, "arrived_at": 1_000_000, "appointment_at": 1_200_000}
    assert visit_of("!a:x", entry).appointment_at == 1200.0
    assert visit_of("!b:x", {"alias": "walk"}).appointment_at is None
    with pytest.raises(TypeError):
        visit_of("!c:x", dict(entry, appointment_at="12:00"))


def test_configured_hours_reach_a_workstation_without_simulated_clients(tmp_path, data, clock):
    from curhat_tui.channels.idle import IdleChannel
    from curhat_tui.services.workstation import Workstation
    from curhat_tui.storage.store import Store

    hours = ServiceHours(week={"tue": parse_day("08:00-17:00")})  # START is a Monday evening
    store = Store(tmp_path / "real.db", key=TEST_KEY)
    ws = Workstation(store, IdleChannel(), clock, data, counselor="Budi", hours=hours)
    assert not ws.schedule.open_now() and ws.schedule.next_opening() is not None
    assert ws.schedule.on_duty() == ["Budi"] and ws.schedule.appointments() == []
    clock.set(ws.schedule.next_opening())
    assert ws.schedule.open_now()
    store.close()


async def test_a_booked_client_who_came_early_as_a_walk_in_is_listed_taken_not_upcoming(parts, clock):
    """Found trying the app: a booked persona accepted as a walk-in before the time stayed 'upcoming' in Alt+J."""
    from curhat_tui.channels.base import ClientArrived

    ws = parts.workstation
    await ws.start()
    booking = ws.schedule.appointments()[0].appointment
    early = replace(visit("datang-awal", arrived=clock.now()), alias=booking.alias, client_key="c:awal",
                    persona=booking.persona)
    ws.desk.on_channel_event(ClientArrived(early))
    await ws.desk.accept("datang-awal")
    row = next(r for r in ws.schedule.appointments() if r.appointment.visit_id == booking.visit_id)
    assert row.status is AppointmentStatus.TAKEN
