"""Appointments on the counselor's screen: a booked client appears in the queue at its time (5 minutes before, not
earlier) marked ◷, later marked late; Alt+J lists the day's appointments with their status; the queue's header
says who is on duty, or that the service is closed."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.appointments import LEAD_SECONDS
from curhat_tui.domain.clock import FakeClock, clock_time
from curhat_tui.domain.hours import ServiceHours, parse_day
from curhat_tui.ui.app import build_app
from curhat_tui.ui.screens.counselor.appointments import AppointmentsModal
from curhat_tui.ui.widgets.queue_panel import QueuePanel
from tests.conftest import START, screen_text
from tests.support.personas import classic  # the eight classic personas: scenes stay put

SIZES = [(120, 40), (80, 24)]


async def at(pilot, moment: float) -> None:
    pilot.app.clock.set(moment)
    pilot.app.tick()
    await pilot.pause()


def queue_aliases(app) -> list[str]:
    return [v.alias for v in app.main.query_one(QueuePanel).visits]


async def test_a_booked_client_appears_at_its_time_with_its_mark_and_is_listed(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = app.workstation.schedule.appointments()[0].appointment
        await at(pilot, first.at - LEAD_SECONDS - 1)
        assert first.visit_id not in [v.id for v in app.main.query_one(QueuePanel).visits]
        assert f"◷ {first.alias[:5]}" not in screen_text(app)
        await at(pilot, first.at - LEAD_SECONDS)
        assert first.visit_id in [v.id for v in app.main.query_one(QueuePanel).visits]
        assert f"◷ {first.alias[:5]}" in screen_text(app)
        assert "Bertugas: Ani" in screen_text(app)  # practice: the counselor themself is on duty
        await pilot.press("alt+j")
        await pilot.pause()
        assert isinstance(app.screen, AppointmentsModal)
        text = screen_text(app)
        assert "Janji temu hari ini" in text
        row = next(line for line in text.splitlines() if first.alias in line)
        assert clock_time(app.clock, first.at) in row and "menunggu di antrian" in row
        assert "akan datang" in text  # the later ones
        await pilot.press("escape")
        await pilot.pause()
        # past its time and still waiting: marked late, in the detail and in the list
        await at(pilot, first.at + 7 * 60)
        table = app.main.query_one("#queue-table")
        table.focus()
        table.move_cursor(row=[v.id for v in app.main.query_one(QueuePanel).visits].index(first.visit_id))
        await pilot.pause()
        detail = str(app.main.query_one("#queue-detail", Static).render())
        assert f"Janji {clock_time(app.clock, first.at)} · lewat 7 menit" in detail
        await pilot.press("alt+j")
        await pilot.pause()
        assert "menunggu, terlambat dilayani" in screen_text(app)


async def test_the_list_in_english_and_the_closed_service_in_the_header(tmp_path, data, clock):
    hours = ServiceHours(week={"mon": parse_day("08:00-17:00")})  # START is a Monday, 21:13 WIB
    parts = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, speed=0, name="Ani", hours=hours)
    app = build_app(parts, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Closed · opens Mon 08:00 WIB" in screen_text(app)  # the zone the hours are kept in
        assert app.main.query_one(QueuePanel).visits == []  # nobody walks in while the service is closed
        await pilot.press("alt+j")
        await pilot.pause()
        assert "Today's appointments" in screen_text(app) and "No appointments today." in screen_text(app)
    parts.store.close()


async def test_a_closed_service_in_another_zone_says_its_own_zone_even_at_80_columns(tmp_path, data, clock):
    from zoneinfo import ZoneInfo

    # START is Monday 22:13 WITA: after Makassar's hours, before Tuesday's
    hours = ServiceHours(week={"mon": parse_day("08:00-17:00"), "tue": parse_day("09:00-17:00")},
                         tz=ZoneInfo("Asia/Makassar"), tz_name="Asia/Makassar")
    parts = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, speed=0, name="Ani", hours=hours)
    app = build_app(parts)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Tutup · buka Selasa 09.00 WITA" in screen_text(app)  # whole in the narrow queue
    parts.store.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_appointments_snapshot(snap_compare, tmp_path, size):
    parts = build_practice(tmp_path / "snap", data=classic(), clock=FakeClock(START), seed=7, speed=0, name="Ani")
    app = build_app(parts)

    async def open_list(pilot):
        await pilot.pause()
        first, second, _ = parts.workstation.schedule.appointments()
        await at(pilot, first.appointment.at - LEAD_SECONDS)
        await parts.workstation.desk.accept(first.appointment.visit_id)  # taken
        await pilot.pause()
        await at(pilot, second.appointment.at + 2 * 60)  # waiting past its time; the third is upcoming
        app.clear_notifications()
        await pilot.press("alt+j")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_list)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_queue_with_a_late_appointment_snapshot(snap_compare, tmp_path, size):
    """The booked client heads the walk-ins of their risk, ◷ on red past the time, the detail saying how late."""
    parts = build_practice(tmp_path / "snap", data=classic(), clock=FakeClock(START), seed=7, speed=0, name="Ani")
    app = build_app(parts)

    async def late(pilot):
        await pilot.pause()
        first = parts.workstation.schedule.appointments()[0].appointment
        await at(pilot, first.at + 4 * 60)
        panel = app.main.query_one(QueuePanel)
        table = app.main.query_one("#queue-table")
        table.focus()
        table.move_cursor(row=[v.id for v in panel.visits].index(first.visit_id))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=late)
