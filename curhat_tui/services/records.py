"""Taking records out and checking them: session exports (masked by default) and the audit log for supervisors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.audit import AuditEntry, ChainBreak
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.models import Session
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.store import Store


class Records:
    def __init__(self, store: Store, clock: Clock, data: ServiceData, audit: AuditLog, *, counselor: str, role: str,
                 lang: str, simulated: bool, practice_store: Store | None) -> None:
        self.store = store
        self.clock = clock
        self.data = data
        self.audit = audit
        self.counselor = counselor
        self.role = role
        self.lang = lang
        self.simulated = simulated
        self.practice_store = practice_store

    def is_practice(self) -> bool:
        """Whether this workstation's store holds practice sessions: exports say so and go elsewhere."""
        kind = self.store.practice
        return self.simulated if kind is None else kind

    def export_folder(self) -> Path:
        from curhat_tui.services.exports import export_dir  # exports (Markdown, masking) load on first use

        return export_dir(self.store, self.is_practice())

    def exportable_sessions(self, first: date, last: date, only_mine: bool = True) -> list[Session]:
        """Sessions that ended from date `first` to date `last` (inclusive, in the clock's zone).

        Counselors and trainees get their own sessions only; a supervisor may ask for everyone's.
        """
        from curhat_tui.services.exports import day_range, sessions_ended_between

        start, end = day_range(first, last, self.clock.tz)
        mine = only_mine or self.role != "supervisor"
        return sessions_ended_between(self.store, start, end, self.counselor if mine else None)

    def export(self, session_ids: list[str], *, mask: bool = True, out_dir: Path | None = None) -> Path:
        """Write sessions to one Markdown file (masked unless `mask=False`); recorded in the audit log.

        A supervisor also reads trainees' sessions from `practice_store`: a list wholly from there is
        exported as practice, and a list mixing practice and real sessions is refused.
        """
        from curhat_tui.services.exports import export_sessions

        store = self.store
        trainees = self.practice_store
        if trainees is not None and trainees is not self.store:
            here = [i for i in session_ids if self.store.sessions.get(i) is not None]
            there = [i for i in session_ids if trainees.sessions.get(i) is not None]
            if here and there:
                raise ValueError("practice and real sessions are never exported together")
            if there and not here:
                store = trainees
        practice = self.is_practice() if store is self.store else store.practice is not False
        if self.role != "supervisor":
            for session_id in session_ids:
                session = store.sessions.get(session_id)
                if session is not None and session.counselor != self.counselor:
                    raise PermissionError("only a supervisor exports another counselor's sessions")
        return export_sessions(store, session_ids, out_dir, lang=self.lang, mask=mask, actor=self.counselor,
                               audit=self.audit, practice=practice, data=self.data, tz=self.clock.tz,
                               now=self.clock.now())

    # ---- the audit log ------------------------------------------------------------------
    def _supervisor_only(self) -> None:
        if self.role != "supervisor":
            raise PermissionError("the audit log is for supervisors")

    def audit_entries(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, newest first, for a supervisor; reading it is itself recorded."""
        self._supervisor_only()
        self.audit.record(self.counselor, "view", "audit", {"limit": limit})
        return self.audit.entries(limit=limit, newest_first=True)

    def audit_head(self) -> tuple[int, str] | None:
        return self.audit.head()

    def check_audit(self) -> tuple[int, list[ChainBreak]]:
        """(number of entries, chain breaks) of the audit log, for a supervisor."""
        self._supervisor_only()
        return self.audit.check()
