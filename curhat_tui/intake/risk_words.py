"""What the intake makes of a client's words for risk: the detector's verdict on the intake's risk answer, and the
queue entry that a line written while waiting raises.

A suggestion only orders the queue: it ticks no flag, and an entry's risk is never lowered nor its imminence
taken back here (domain.queue.waiting_risk decides what one line carries)."""

from __future__ import annotations

from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.bursts import read_burst
from curhat_tui.domain.queue import waiting_risk


def answer_verdict(data: ServiceData, text: str) -> tuple[list[str], bool]:
    """The items the detector suggests for the risk answer, and whether it calls it imminent."""
    found = data.phrases.detect(text)
    return list(found.items), found.imminent


def raised_entry(data: ServiceData, entry: dict, texts: list[str]) -> dict | None:
    """The waiting entry with what the newest of `texts` carries, read with the client's lines before it while
    waiting (`texts`, oldest first; higher risk, or newly `imminent: true`); None when it moves nothing."""
    risk, imminent = waiting_risk(read_burst(data.phrases, texts), data.redflags)
    known = entry.get("risk")
    known = known if isinstance(known, int) and not isinstance(known, bool) else 0
    was_imminent = entry.get("imminent") is True
    if int(risk) <= known and (was_imminent or not imminent):
        return None
    raised = dict(entry, risk=max(known, int(risk)))
    if imminent or was_imminent:
        raised["imminent"] = True
    return raised
