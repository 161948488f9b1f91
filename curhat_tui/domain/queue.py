"""Queue order: highest risk first, then the longest wait."""

from __future__ import annotations

from collections.abc import Iterable

from curhat_tui.domain.models import Visit, VisitStatus


def queue_key(visit: Visit) -> tuple[int, float, str]:
    return (-int(visit.risk), visit.arrived_at, visit.id)


def order_queue(visits: Iterable[Visit]) -> list[Visit]:
    """Waiting visits in the order a counselor should take them."""
    return sorted((v for v in visits if v.status is VisitStatus.WAITING), key=queue_key)
