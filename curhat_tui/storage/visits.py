"""Visits (table `visits`): a client waiting in the queue, accepted, or gone."""

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
        status=VisitStatus(row["status"]), persona=row["persona"] or "",
    )


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

    def requeue(self, visit: Visit) -> None:
        """A visit seen before comes back to the queue (for example after a transfer)."""
        self.database.execute(
            "update visits set status = ?, arrived_at = ?, topic = ?, intake_risk_answer = ?, risk = ?, left_at = null "
            "where id = ?", [VisitStatus.WAITING.value, visit.arrived_at, visit.topic, visit.intake_risk_answer,
                             int(visit.risk), visit.id])

    def set_risk(self, visit_id: str, risk: Risk) -> None:
        self.database.execute("update visits set risk = ? where id = ?", [int(risk), visit_id])

    def get(self, visit_id: str) -> Visit | None:
        rows = self.database.rows("select * from visits where id = ?", [visit_id])
        return _visit(rows[0]) if rows else None

    def waiting(self) -> list[Visit]:
        return [_visit(r) for r in self.database.rows("select * from visits where status = ?",
                                                      [VisitStatus.WAITING.value])]

    def set_status(self, visit_id: str, status: VisitStatus, now: float | None = None) -> None:
        self.database.execute("update visits set status = ?, left_at = ? where id = ?", [str(status), now, visit_id])

    def count_of_client(self, client_key: str) -> int:
        return int(self.database.scalar("select count(*) from visits where client_key = ?", [client_key]))
