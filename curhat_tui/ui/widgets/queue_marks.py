"""The queue's marks for appointments (◷, late in red) and its "on duty" line, kept apart from the panel's layout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from curhat_tui.domain.appointments import booked, late_minutes
from curhat_tui.domain.clock import clock_time
from curhat_tui.domain.hours import moment
from curhat_tui.domain.models import Visit

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp

APPOINTMENT_MARK = "◷ "
APPOINTMENT_STYLE = "bold cyan"
LATE_STYLE = "bold white on dark_red"  # waiting past the appointment's time


def appointment_mark(visit: Visit, now: float) -> Text:
    """◷ before a booked client's alias; on red once the appointment's time has passed and they still wait."""
    if not booked(visit):
        return Text("")
    return Text(APPOINTMENT_MARK, style=LATE_STYLE if late_minutes(visit, now) else APPOINTMENT_STYLE)


def appointment_detail(app: CurhatApp, visit: Visit) -> str:
    """The detail line: the appointment's time, and how late it is while the client still waits."""
    assert visit.appointment_at is not None
    time = clock_time(app.clock, visit.appointment_at)
    late = late_minutes(visit, app.clock.now())
    return app.t("queue.appointment_late", time=time, minutes=late) if late else app.t("queue.appointment", time=time)


def duty_line(app: CurhatApp) -> Text:
    """"On duty: Ani" (the channel's list, else this counselor); "Service closed · opens Mon 08.00 WIB" when closed."""
    schedule = app.workstation.schedule
    if not schedule.open_now():
        opens = schedule.next_opening()
        # with the service's zone: a counselor elsewhere in Indonesia reads the hours as the clients are told them
        when = moment(schedule.hours, app.t, opens) if opens is not None else app.t("intake_hours.never")
        return Text(app.t("queue.closed_now", next=when), style="bold", overflow="ellipsis", no_wrap=True)
    names = schedule.on_duty()
    line = app.t("queue.on_duty", names=", ".join(names)) if names else app.t("queue.on_duty_none")
    return Text(line, overflow="ellipsis", no_wrap=True)
