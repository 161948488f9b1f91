"""Retention and client rights as the desk sees them: the purge that runs at start-up and daily, withdrawn
consent, and deletion of everything held about a client (services.privacy does the work on the store)."""

from __future__ import annotations

import asyncio
import logging

from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.services.desk import Desk
from curhat_tui.services.events import EventBus, Notice, QueueChanged, SessionChanged
from curhat_tui.services.privacy import (
    ClientRef,
    ClientSummary,
    DeletionResult,
    ExportResult,
    Privacy,
    SessionStillOpen,
    Withdrawal,
)

log = logging.getLogger("curhat.rights")
PURGE_INTERVAL_SECONDS = 86_400.0  # the retention purge runs at start-up and then daily


class Rights:
    def __init__(self, privacy: Privacy, desk: Desk, bus: EventBus, *, counselor: str,
                 first_purge_delay: float = 0.0) -> None:
        self.privacy = privacy
        self.desk = desk
        self.bus = bus
        self.counselor = counselor
        self.first_purge_delay = first_purge_delay  # real seconds the start-up purge waits: the first frame first
        self.next_purge = 0.0
        self.purging = False

    # ---- reads for the screens -------------------------------------------------------
    @property
    def policy(self) -> RetentionPolicy:
        return self.privacy.policy

    def withdrawals(self) -> dict[str, Withdrawal]:
        return self.privacy.withdrawals()

    def withdrawal(self, client_key: str) -> Withdrawal | None:
        return self.privacy.withdrawal(client_key)

    def find_client(self, query: str) -> ClientRef:
        return self.privacy.find_client(query)

    def summary(self, client: ClientRef) -> ClientSummary:
        return self.privacy.summary(client)

    def export(self, client: ClientRef, t) -> ExportResult:
        """The client's own data as JSON and Markdown (0600), for a subject-access request."""
        return self.privacy.export(self.counselor, client, t)

    # ---- retention ---------------------------------------------------------------------
    def due(self, now: float) -> bool:
        """Whether the daily purge should start now (it then counts as started)."""
        if now < self.next_purge or self.purging:
            return False
        self.next_purge = now + PURGE_INTERVAL_SECONDS
        return True

    async def purge_retention(self) -> None:
        """Delete what the retention policy says is due, a batch at a time, telling the progress."""
        if self.purging:
            return
        self.purging = True
        try:
            if self.first_purge_delay:  # let the screen come up first; the start-up purge may be long
                delay, self.first_purge_delay = self.first_purge_delay, 0.0
                await asyncio.sleep(delay)
            for progress in self.privacy.iter_purge(self.counselor):
                if progress.total:
                    self.bus.tell(progress)
                await asyncio.sleep(0)  # the screen stays responsive between batches
            overdue = self.privacy.overdue_withdrawals()
            if overdue:
                self.bus.tell(Notice("rights.notice.overdue", {"count": len(overdue),
                                                               "aliases": ", ".join(w.alias for w in overdue)},
                                     "warning"))
        except Exception as exc:  # noqa: BLE001 - a failed purge is retried on the next day's run; say so
            log.warning("retention purge failed: %s", exc)
            self.bus.tell(Notice("rights.notice.purge_failed", {"error": str(exc)}, "error"))
        finally:
            self.purging = False

    # ---- client rights -----------------------------------------------------------------
    def withdraw_consent(self, client: ClientRef) -> Withdrawal:
        """The client withdrew consent: flag them, and redraw their queue entry and open sessions."""
        withdrawal = self.privacy.withdraw(self.counselor, client)
        for session in self.desk.open_sessions():
            if session.client_key == client.key:
                self.bus.tell(SessionChanged(session))
        self.bus.tell(QueueChanged())
        return withdrawal

    def delete_client(self, client: ClientRef) -> DeletionResult:
        """Delete everything held about the client (refused while a session of theirs is open)."""
        still_open = [s.id for s in self.desk.open_sessions() if s.client_key == client.key]
        if still_open:
            raise SessionStillOpen(client.alias, still_open)
        result = self.privacy.delete(self.counselor, client)
        self.desk.forget_client(client.key)
        return result
