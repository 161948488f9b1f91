"""Alt+J: today's appointments (time, alias, package, status: upcoming, waiting, taken or missed), and the rule
that places a booked client in the queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from curhat_tui.domain.appointments import AppointmentStatus
from curhat_tui.domain.clock import clock_time
from curhat_tui.services.schedule import AppointmentRow

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp

STATUS_STYLE = {AppointmentStatus.UPCOMING: "", AppointmentStatus.WAITING: "bold cyan",
                AppointmentStatus.TAKEN: "dim", AppointmentStatus.MISSED: "bold red"}


class AppointmentsModal(ModalScreen[None]):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    AppointmentsModal { align: center middle; }
    AppointmentsModal > Vertical { width: 90%; max-width: 100; height: 80%; border: thick $primary;
                                   background: $surface; }
    AppointmentsModal #appt-title { background: $boost; text-style: bold; padding: 0 1; }
    AppointmentsModal DataTable { height: 1fr; }
    AppointmentsModal .appt-note { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="appointments.close")]

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(Text(t("appointments.title")), id="appt-title")
            yield DataTable(id="appt-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text(t("appointments.rule")), classes="appt-note")
            if not self.app.workstation.simulated:
                yield Static(Text(t("appointments.matrix")), classes="appt-note")

    def on_mount(self) -> None:
        t = self.app.t
        table = self.query_one(DataTable)
        for key in ("time", "alias", "package", "status"):
            table.add_column(t(f"appointments.col.{key}"), key=key)
        rows = self.app.workstation.schedule.appointments()
        for row in rows:
            table.add_row(*self._cells(row), key=row.appointment.visit_id)
        if not rows:
            table.add_row(Text(""), Text(t("appointments.empty")), Text(""), Text(""))
        table.focus()

    def _cells(self, row: AppointmentRow) -> tuple[Text, Text, Text, Text]:
        t = self.app.t
        appointment = row.appointment
        late = row.status is AppointmentStatus.WAITING and row.late_minutes > 0
        label = t("appointments.status.late") if late else t(f"appointments.status.{row.status.value}")
        return (Text(clock_time(self.app.clock, appointment.at)), Text(appointment.alias),
                Text(f"{t(f'tier.{appointment.tier.value}')} {appointment.minutes} {t('unit.min')}"),
                Text(label, style="bold white on dark_red" if late else STATUS_STYLE[row.status]))

    def action_close(self) -> None:
        self.dismiss(None)
