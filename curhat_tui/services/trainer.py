"""A trainer's side of practice: running practice sessions for the Live tab, whispers to them, practice
transcripts and comments on single lines, read from the practice store.

Practice never travels over Matrix (a trainee's clients are simulated, on the trainee's machine): a supervisor
meets trainees on one machine, through the shared data dir, where `practice.db` holds the trainees' sessions.
A whisper written here goes into that store's whispers, which the trainee's workstation finds on its tick
(services.supervision.poll), as on a shared real store; a line comment likewise, which the trainee reads beside
that line in the practice history. Every view and write is audited in the supervisor's own log.
"""

from __future__ import annotations

from dataclasses import dataclass

from curhat_tui.domain.clock import Clock
from curhat_tui.domain.models import Message, Session, SessionStatus
from curhat_tui.domain.review import ReviewError
from curhat_tui.domain.session_clock import countdown
from curhat_tui.services.events import CrisisAlert
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.store import Store

MAX_COMMENT_CHARS = 2000


@dataclass(frozen=True)
class PracticeLive:
    """A running practice session as the Live tab shows it."""

    session_id: str
    trainee: str
    alias: str
    remaining_seconds: float
    risk: int
    status: str
    alert: str = ""  # the red flags ticked in it, comma-separated, as on a counselor's Live row


class Trainer:
    def __init__(self, practice_store: Store | None, audit: AuditLog, clock: Clock, *, user: str) -> None:
        self.store = practice_store
        self.audit = audit
        self.clock = clock
        self.user = user
        self._seen_flag: int | None = None  # the newest flag already told (None: not looked yet)

    def _need(self) -> Store:
        if self.store is None:
            raise KeyError("no practice store")
        return self.store

    # ---- live ----------------------------------------------------------------------------
    def live(self) -> list[PracticeLive]:
        """Practice sessions running now (not in wrap-up), least time left first."""
        if self.store is None:
            return []
        now = self.clock.now()
        flagged = self.store.flags.in_running_sessions()
        rows = [PracticeLive(s.id, s.counselor, s.alias, countdown(s.deadline, now).remaining_seconds, int(s.risk),
                             str(s.status), flagged.get(s.id, ("", 0.0))[0])
                for s in self.store.sessions.open() if s.status is SessionStatus.ACTIVE]
        return sorted(rows, key=lambda r: r.remaining_seconds)

    def new_alerts(self) -> list[CrisisAlert]:
        """Red flags trainees ticked since the last look in practice sessions still running, for the supervisor's
        Live tab and a quiet notice (the first look only notes where to start)."""
        if self.store is None:
            return []
        if self._seen_flag is None:
            self._seen_flag = self.store.flags.last_id()
            return []
        alerts = []
        for flag_id, session_id, item in self.store.flags.new_in_running_sessions(self._seen_flag):
            self._seen_flag = max(self._seen_flag, flag_id)
            if (session := self.store.sessions.get(session_id)) is not None:
                alerts.append(CrisisAlert(session_id, session.counselor, session.alias, item, practice=True))
        return alerts

    def is_practice(self, session_id: str) -> bool:
        return self.store is not None and self.store.sessions.get(session_id) is not None

    def whisper(self, session_id: str, text: str) -> None:
        """A coaching line to a trainee's running practice session, kept where their workstation finds it."""
        store = self._need()
        if not text.strip():
            raise ReviewError("empty")
        if store.sessions.get(session_id) is None:
            raise KeyError(session_id)
        store.review.add_whisper(session_id, self.user, text.strip(), self.clock.now())
        self.audit.record(self.user, "whisper", f"practice-session:{session_id}")

    # ---- transcripts and line comments -------------------------------------------------------
    def session(self, session_id: str) -> Session | None:
        return self.store.sessions.get(session_id) if self.store is not None else None

    def level(self, session_id: str) -> str:
        """The difficulty the session's simulated client played at."""
        session = self.session(session_id)
        if session is None or self.store is None:
            return "normal"
        level = self.store.sessions.channel_state(session_id).get("difficulty")
        return str(level or self.store.state.practice_difficulty(session.visit_id) or "normal")

    def transcript(self, session_id: str, *, record: bool = True) -> list[Message]:
        """A practice session's lines (empty when retention took them); reading it is audited."""
        store = self._need()
        messages = store.messages.for_session(session_id)
        if record:
            self.audit.record(self.user, "view", f"practice-session:{session_id}", {"messages": len(messages)})
        return messages

    def transcript_gone_at(self, session_id: str) -> float | None:
        """When retention deleted this session's transcript, if it did."""
        mark = self._need().privacy.mark(session_id)
        return mark.transcript_at if mark is not None else None

    def line_comments(self, session_id: str) -> dict[int, list[dict]]:
        return self.store.training.line_comments(session_id) if self.store is not None else {}

    def comment_line(self, session_id: str, message_id: int, text: str) -> None:
        """A supervisor's comment on one line of a practice transcript."""
        store = self._need()
        text = text.strip()
        if not text:
            raise ReviewError("empty")
        if not any(m.id == message_id for m in store.messages.for_session(session_id)):
            raise KeyError(message_id)
        store.training.add_line_comment(session_id, message_id, self.user, text[:MAX_COMMENT_CHARS], self.clock.now())
        self.audit.record(self.user, "line_comment", f"practice-session:{session_id}", {"message": message_id})

    def own_sessions(self, trainee: str) -> list[Session]:
        """A trainee's practice sessions past their end, newest first (their practice history)."""
        if self.store is None:
            return []
        done = [s for s in self.store.sessions.all() if s.counselor == trainee and s.status is not SessionStatus.ACTIVE]
        return sorted(done, key=lambda s: -(s.ended_at or s.started_at))
