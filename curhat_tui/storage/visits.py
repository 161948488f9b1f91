"""Visits (table `visits`; `visit_marks` keeps the imminent ones, `visit_appointments` the booked ones' times): a
client waiting, accepted, or gone."""

from __future__ import annotations

from typing import Any

from curhat_tui.domain.models import Risk, Tier, Visit, VisitStatus
from curhat_tui.storage.clients import Clients
from curhat_tui.storage.database import Database


def _visit(row: dict[str, Any]) -> Visit:
    return Visit(
        id=row["id"], client_key=row["client_key"], alias=row["alias"], tier=Tier(row["tier"]),
        minutes=row["minutes"], price=row["price"], topic=row["topic"],
        intake_risk_answer=row["intake_risk_answer"], risk=Risk(row["risk"]), arrived_at=row["arrived_at"],
        status=VisitStatus(row["status"]), persona=row["persona"] or "", imminent=bool(row.get("imminent")),
        appointment_at=row.get("appointment_at"),
    )


_SELECT = ("select visits.*, coalesce(visit_marks.imminent, 0) as imminent, visit_appointments.appointment_at "
           "from visits left join visit_marks on visit_marks.visit_id = visits.id "
           "left join visit_appointments on visit_appointments.visit_id = visits.id")


class Visits:
    def __init__(self, database: Database, clients: Clients) -> None:
        self.database = database
        self.clients = clients

    def add(self, visit: Visit) -> None:
        """Keep a new arrival (and its client, the first time they come)."""
        self.clients.ensure(visit.client_key, visit.alias, visit.tier, visit.arrived_at)
        self.database.insert("visits", {
            "id": visit.id, "client_key": visit.client_key, "alias": visit.alias, "tier": str(visit.tier),
            "minutes": visit.minutes, "price": visit.price, "topic": visit.topic,
            "intake_risk_answer": visit.intake_risk_answer, "risk": int(visit.risk), "arrived_at": visit.arrived_at,
            "status": str(visit.status), "left_at": None, "persona": visit.persona,
        })
        self._mark(visit.id, visit.client_key, visit.imminent)
        self._booked(visit)

    def requeue(self, visit: Visit) -> None:
        """A visit seen before comes back to the queue (for example after a transfer)."""
        self.database.execute(
            "update visits set status = ?, arrived_at = ?, topic = ?, intake_risk_answer = ?, risk = ?, left_at = null "
            "where id = ?", [VisitStatus.WAITING.value, visit.arrived_at, visit.topic, visit.intake_risk_answer,
                             int(visit.risk), visit.id])
        self._mark(visit.id, visit.client_key, visit.imminent)
        self._booked(visit)

    def set_risk(self, visit_id: str, risk: Risk, imminent: bool | None = None) -> None:
        """A waiting visit's standing: its risk, and whether its words were called imminent (None: unchanged)."""
        self.database.execute("update visits set risk = ? where id = ?", [int(risk), visit_id])
        if imminent is not None:
            row = self.database.one("select client_key from visits where id = ?", [visit_id])
            self._mark(visit_id, row[0] if row else "", imminent)

    def _mark(self, visit_id: str, client_key: str, imminent: bool) -> None:
        """Keep whether the visit was called imminent (a row only while it is; deleted with the client)."""
        if imminent:
            self.database.execute("insert into visit_marks (visit_id, client_key, imminent) values (?, ?, 1) "
                                  "on conflict(visit_id) do update set imminent = 1", [visit_id, client_key])
        else:
            self.database.execute("delete from visit_marks where visit_id = ?", [visit_id])

    def _booked(self, visit: Visit) -> None:
        """Keep when a booked visit's appointment is (a row only for a booked one; deleted with the client)."""
        if visit.appointment_at is not None:
            self.database.execute("insert into visit_appointments (visit_id, client_key, appointment_at) "
                                  "values (?, ?, ?) on conflict(visit_id) do update set "
                                  "appointment_at = excluded.appointment_at",
                                  [visit.id, visit.client_key, float(visit.appointment_at)])

    def get(self, visit_id: str) -> Visit | None:
        rows = self.database.rows(f"{_SELECT} where visits.id = ?", [visit_id])
        return _visit(rows[0]) if rows else None

    def waiting(self) -> list[Visit]:
        return [_visit(r) for r in self.database.rows(f"{_SELECT} where visits.status = ?",
                                                      [VisitStatus.WAITING.value])]

    def set_status(self, visit_id: str, status: VisitStatus, now: float | None = None) -> None:
        self.database.execute("update visits set status = ?, left_at = ? where id = ?", [str(status), now, visit_id])

    def count_of_client(self, client_key: str) -> int:
        return int(self.database.scalar("select count(*) from visits where client_key = ?", [client_key]))
