"""Outside the service hours the intake tells a new client so before the intake questions: the hours, when the
service opens again, and the emergency numbers from the referral directory (its entries open 24 hours).

The client still answers the questions and is queued: the queue keeps them for the counselor on duty when the
service opens, and the message says that nobody answers before then. Written in both languages, like every
intake line; sent encrypted where the client's room is.
"""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from curhat_tui.channels.matrix.api import MatrixError
from curhat_tui.domain.hours import ServiceHours, describe, is_open, moment, next_opening
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.redflags import DirectoryEntry
from curhat_tui.intake.service import IntakeService

if TYPE_CHECKING:
    from curhat_tui.config.datafiles import ServiceData

log = logging.getLogger("curhat.intake.hours")
_txn = itertools.count(1)


@dataclass
class HoursIntake(IntakeService):
    """The intake with the service's hours (`curhat intake` runs this one): outside them a new client is told
    before the first question. `hours` None or empty: always open, and it is the plain intake."""

    hours: ServiceHours | None = None

    async def _start(self, room_id: str) -> None:
        try:
            await tell_if_closed(self, room_id)
        except (MatrixError, httpx.HTTPError) as exc:  # the intake itself still starts
            log.warning("could not tell a client the service hours: %s", type(exc).__name__)
        await super()._start(room_id)


def emergency_entries(directory: dict[str, DirectoryEntry]) -> list[DirectoryEntry]:
    """The directory's entries a client can reach at any hour (their English hours say 24 hours)."""
    return [e for e in directory.values() if e.hours.get("en", "").strip().lower().startswith("24 hours")]


def closed_message(data: ServiceData, hours: ServiceHours, at: float) -> str:
    """What a client who arrives while the service is closed reads, Indonesian first, then English."""
    parts = []
    for lang in ("id", "en"):
        t = Catalogue(data.strings, lang)
        opens = next_opening(hours, at)
        numbers = "\n".join(e.line(lang) for e in emergency_entries(data.redflags.directory))
        parts.append(t("intake_hours.closed", hours=describe(hours, t, at),
                       next=moment(hours, t, opens) if opens is not None else t("intake_hours.never"), numbers=numbers))
    return "\n\n".join(parts)


async def tell_if_closed(service: HoursIntake, room_id: str, at: float | None = None) -> bool:
    """Send the closed-service message to a client just greeted when the hours say closed; whether it was sent."""
    at = time.time() if at is None else at
    if service.hours is None or is_open(service.hours, at):
        return False
    event_type, content = "m.room.message", {"msgtype": "m.text", "body": closed_message(service.data, service.hours, at)}
    if service.crypto is not None and await service.crypto.is_encrypted(room_id, service.api):
        event_type, content = await service.crypto.encrypt(room_id, event_type, content)
    await service.api.send(room_id, event_type, content, f"intake-hours-{int(at * 1000)}-{next(_txn)}")
    return True
