"""Supervision without a screen: submitting notes, review, comments, sign-off, live view, whispers.

Both sides use it. A counselor's workstation submits each closed session's note and
receives comments, sign-offs and whispers; a supervisor's reads the review list,
acts on notes, watches running sessions and hears crisis alerts.

Everything is kept in the store first. Between machines the records travel over a
`link` (Matrix: `channels.matrix.supervision`); on one machine the counselor and the
supervisor share a data dir and each side finds the other's new rows on its tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from curhat_tui.channels.supervision_events import (
    Alerted,
    LinkEvent,
    LiveStatus,
    Reviewed,
    Submitted,
    Whispered,
    parse_link_event,
)
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.models import Session, SessionStatus
from curhat_tui.domain.review import (
    NoteStatus,
    ReviewAction,
    ReviewError,
    ReviewItem,
    note_diff,
    order_review,
)
from curhat_tui.domain.session_clock import countdown
from curhat_tui.services.background import Background
from curhat_tui.services.events import (
    CrisisAlert,
    Event,
    EventBus,
    LiveChanged,
    Notice,
    ReviewChanged,
    SessionChanged,
    SessionClosed,
    SessionOpened,
    WhisperArrived,
)
from curhat_tui.services.notes import Notes
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.database import database_errors
from curhat_tui.storage.store import Store

if TYPE_CHECKING:  # both load on first use: a session view for review, the Live tab's board
    from curhat_tui.services import live_board
    from curhat_tui.services.session_view import ReviewDetail

log = logging.getLogger("curhat.supervision")
# what keeping a record from the link may raise: the record is dropped, the link goes on
REFUSED: tuple[type[BaseException], ...] = (KeyError, TypeError, ValueError, ReviewError, *database_errors())


def _status(value: object) -> str:
    """A session status as another machine sent it; anything unknown counts as running."""
    known = {s.value for s in SessionStatus}
    return value if isinstance(value, str) and value in known else SessionStatus.ACTIVE.value


@dataclass(frozen=True)
class LiveRow:
    session_id: str
    counselor: str
    alias: str
    remaining_seconds: float
    risk: int
    alert: str
    alert_at: float
    status: str = SessionStatus.ACTIVE.value  # wrap-up: the chat has ended, the countdown means nothing

    @property
    def running(self) -> bool:
        return self.status == SessionStatus.ACTIVE.value


class Supervision:
    def __init__(self, store: Store, clock, audit: AuditLog, bus: EventBus, user: str, role: str, link=None,
                 notes: Notes | None = None, load: Callable[[], dict] | None = None) -> None:
        self.store = store
        self.load = load  # the counselor's load {open, weight, cap}, told with every live status
        self.notes = notes  # a counselor amends a commented note through it
        self.clock = clock
        self.audit = audit
        self.user = user
        self.role = role
        self.link = link
        self.book = store.review
        self.bus = bus
        bus.listen(self.on_event)
        self._background = Background(lambda exc: log.warning("supervision link failed: %s", exc)).run
        self._seen_flag = self.store.flags.last_id()
        self._seen_event = self.book.last_event_id()
        self._seen_whisper = self.book.last_whisper_id()
        self._seen_comment = store.training.last_line_comment_id()  # a supervisor's comments on practice lines

    async def start(self) -> None:
        if self.link is not None:
            await self.link.start(self.on_link_event)

    async def stop(self) -> None:
        if self.link is not None:
            await self.link.stop()

    def on_event(self, event: Event) -> None:
        """Hears the desk: a closed session's note goes for review; running sessions' status travels by link."""
        if isinstance(event, SessionClosed) and self.role != "supervisor":
            self.submit(event.session_id)
        if self.link is None:
            return
        match event:
            case SessionOpened(session=session) | SessionChanged(session=session):
                self.publish_live(session)
            case SessionClosed(session_id=sid) if (closed := self.store.sessions.get(sid)) is not None:
                self.publish_live(closed)

    # ---- counselor side -----------------------------------------------------------
    def transcripts_gone(self, session_ids: list[str]) -> None:
        """Those sessions' transcripts went here (retention, a client's deletion): their submissions are
        withdrawn from the link too, so the server keeps no copy longer than this machine."""
        if self.link is None or self.role == "supervisor":
            return
        for session_id in session_ids:
            self._background(self.link.withdraw(session_id))

    def submit(self, session_id: str) -> NoteStatus:
        """Send a closed session's note for review (again, after a comment)."""
        status = self.book.act(session_id, ReviewAction.SUBMIT, self.user, "counselor", "", self.clock.now())
        self._seen_event = self.book.last_event_id()
        self.audit.record(self.user, "submit", f"session:{session_id}",
                          {"note_versions": len(self.store.notes.versions(session_id))})
        if self.link is not None:
            self._background(self.link.submit(self.book.snapshot(session_id)))
        return status  # type: ignore[return-value]

    def comments(self, session_id: str) -> list[dict]:
        """A supervisor's comments on a note (author, text, ts), oldest first."""
        return [e for e in self.book.events(session_id) if e["action"] == str(ReviewAction.COMMENT)]

    def to_amend(self) -> list[str]:
        """Ids of this counselor's notes a supervisor commented on, waiting to be amended and resubmitted."""
        return [i.session_id for i in order_review(self.book.items(), "date", counselor=self.user,
                                                   status=NoteStatus.COMMENTED)]

    def resubmit(self, session_id: str, template: str, fields: dict[str, str]) -> NoteStatus:
        """Reopen a commented note, keep the amended fields as a new version, and send it for review again."""
        if self.status(session_id) is not NoteStatus.COMMENTED or self.notes is None:
            raise ReviewError("not_commented")
        self.notes.save(session_id, template, fields)
        status = self.submit(session_id)
        self.bus.tell(ReviewChanged(session_id, str(ReviewAction.SUBMIT), self.user, status, self._alias(session_id)))
        return status

    def publish_live(self, session: Session) -> None:
        """Tell supervisors on other machines how a running session stands (needs a link)."""
        self._background(self.link.live(session.id, self._live_info(session)))

    def _live_info(self, session: Session) -> dict:
        info = {"counselor": self.user, "alias": session.alias, "started_at": session.started_at,
                "deadline": session.deadline, "risk": int(session.risk), "status": str(session.status)}
        if self.load is not None:
            info["load"] = self.load()
        return info

    def send_debrief(self, session_id: str, text: str) -> None:
        """The counselor's short debrief after a high-risk session: audited, and told to supervisors with the
        session's live status as `debrief` {alias, text, at} (needs a link)."""
        session = self.store.sessions.get(session_id)
        if session is None or not text.strip():
            return
        self.audit.record(self.user, "debrief", f"session:{session_id}")
        if self.link is not None:
            debrief = {"alias": session.alias, "text": text.strip(), "at": self.clock.now()}
            self._background(self.link.live(session_id, dict(self._live_info(session), debrief=debrief)))
        else:  # one machine: a supervisor sharing this data dir reads it here
            from curhat_tui.services import live_board
            live_board.keep_debrief(self.store, live_board.Debrief(session_id, self.user, session.alias,
                                                                   text.strip(), self.clock.now()))
            self.bus.tell(LiveChanged())

    def loads(self) -> list[live_board.CounselorLoad]:
        """Each counselor's open sessions and weighted load against the cap, for the Live tab."""
        from curhat_tui.services import live_board
        return live_board.loads(self.store, self.load()["cap"] if self.load is not None else 0)

    def debriefs(self) -> list[live_board.Debrief]:
        """Debriefs counselors sent after a high-risk session, newest first."""
        from curhat_tui.services import live_board
        return live_board.debriefs(self.store)

    def whispers(self, session_id: str) -> list[dict]:
        return self.book.whispers(session_id)

    def status(self, session_id: str) -> NoteStatus:
        return self.book.status(session_id)

    def review_events(self, session_id: str) -> list[dict]:
        return self.book.events(session_id)

    # ---- supervisor side ---------------------------------------------------------
    def review_list(self, sort: str = "flagged", **filters) -> list[ReviewItem]:
        return order_review(self.book.items(practice=False), sort, **filters)

    def awaiting_count(self) -> int:
        return self.book.awaiting_count()

    def counselors(self) -> list[str]:
        return sorted({i.counselor for i in self.book.items()}, key=str.casefold)

    def detail(self, session_id: str, *, record: bool = True, data: ServiceData | None = None,
               lang: str | None = None) -> ReviewDetail:
        """All of one session for review (labelled from `data` in `lang`); opening it is recorded in the audit log."""
        from curhat_tui.services.session_view import ReviewDetail, session_view
        view = session_view(self.store, data, session_id, lang)
        versions = list(view.versions)
        diffs = [(b["version"], note_diff(a["fields"], b["fields"]))
                 for a, b in zip(versions, versions[1:], strict=False)]
        if record:
            self.audit.record(self.user, "view", f"session:{session_id}", {"messages": len(view.messages)})
        return ReviewDetail(view, diffs, self.book.status(session_id))

    def _act(self, session_id: str, action: ReviewAction, text: str = "") -> NoteStatus:
        status = self.book.act(session_id, action, self.user, self.role, text, self.clock.now())
        self._seen_event = self.book.last_event_id()
        self.audit.record(self.user, str(action), f"session:{session_id}")
        counselor = self.store.sessions.get(session_id).counselor  # type: ignore[union-attr]
        if self.link is not None:
            self._background(self.link.review(counselor, session_id, str(action), text))
        return status  # type: ignore[return-value]

    def comment(self, session_id: str, text: str) -> NoteStatus:
        if not text.strip():
            raise ReviewError("empty")
        return self._act(session_id, ReviewAction.COMMENT, text.strip())

    def sign(self, session_id: str) -> NoteStatus:
        return self._act(session_id, ReviewAction.SIGN)

    def whisper(self, session_id: str, text: str) -> None:
        """A coaching line only the session's counselor sees; kept and audited."""
        if self.role != "supervisor":
            raise ReviewError("not_your_role")
        if not text.strip():
            raise ReviewError("empty")
        self.book.add_whisper(session_id, self.user, text.strip(), self.clock.now())
        self._seen_whisper = self.book.last_whisper_id()
        self.audit.record(self.user, "whisper", f"session:{session_id}")
        counselor = self._counselor_of(session_id)
        if self.link is not None:
            self._background(self.link.whisper(counselor, session_id, text.strip()))

    def _alias(self, session_id: str) -> str:
        session = self.store.sessions.get(session_id)
        return session.alias if session is not None else session_id

    def _counselor_of(self, session_id: str) -> str:
        session = self.store.sessions.get(session_id)
        if session is not None:
            return session.counselor
        live = self.book.live_session(session_id)
        return live[0] if live else ""

    def live(self) -> list[LiveRow]:
        """Running sessions: the newest crisis alert first, then by risk, then least time left; ended ones last."""
        now = self.clock.now()
        rows: dict[str, LiveRow] = {}
        for r in self.book.live():
            rows[r["session_id"]] = LiveRow(r["session_id"], r["counselor"], r["alias"],
                                            countdown(r["deadline"], now).remaining_seconds, r["risk"] or 0,
                                            r["alert"] or "", r["alert_at"] or 0.0,
                                            _status(r["status"]))
        alerts = self.store.flags.in_running_sessions()
        for s in self.store.sessions.open():
            if s.status is SessionStatus.ACTIVE and s.id not in rows:
                items, at = alerts.get(s.id, ("", 0.0))
                rows[s.id] = LiveRow(s.id, s.counselor, s.alias, countdown(s.deadline, now).remaining_seconds,
                                     int(s.risk), items or "", at or 0.0)
        return sorted(rows.values(), key=lambda r: (-r.alert_at if r.alert else 0, not r.running, -r.risk,
                                                   r.remaining_seconds))

    # ---- events from the other side ------------------------------------------------
    def poll(self) -> None:
        """Find rows the other side added since the last look (shared store, or imported by the link)."""
        if self.role == "supervisor":
            for fid, sid, item in self.store.flags.new_in_running_sessions(self._seen_flag):
                self._seen_flag = fid
                session = self.store.sessions.get(sid)
                self.bus.tell(CrisisAlert(sid, session.counselor, session.alias, item))  # type: ignore[union-attr]
            self._seen_flag = max(self._seen_flag, self.store.flags.last_id())
        else:
            for eid, sid, action, author in self.book.events_after(self._seen_event):
                self._seen_event = eid
                if action != str(ReviewAction.SUBMIT):
                    self.bus.tell(ReviewChanged(sid, action, author, self.book.status(sid), self._alias(sid)))
            for wid, sid, author, text in self.book.whispers_after(self._seen_whisper):
                self._seen_whisper = wid
                self.bus.tell(WhisperArrived(sid, author, text))
            for cid, sid, author in self.store.training.line_comments_after(self._seen_comment):
                self._seen_comment = cid  # on a shared practice store: a comment on one of this trainee's lines
                session = self.store.sessions.get(sid)
                if session is not None and session.counselor == self.user:
                    self.bus.tell(Notice("trainer.comment_arrived", {"author": author, "alias": session.alias}))

    def on_link_event(self, raw: object) -> None:
        """Keep what the link brought, then tell (persist first, as with client messages).

        The record is typed by `parse_link_event` (a malformed one is dropped and logged). Its writes are one
        transaction: a record the store or the review rules refuse leaves nothing behind, is logged, and the
        link goes on with the next."""
        event = parse_link_event(raw)
        if event is None:
            return
        try:
            with self.store.transaction():
                told = self._apply(event)
        except REFUSED as exc:
            log.warning("ignored a supervision record that could not be kept (%s): %s", type(event).__name__, exc)
            return
        for news in told:
            self.bus.tell(news)

    def _apply(self, event: LinkEvent) -> list[Event]:
        """Store one record from the link; returns what to tell once it is kept."""
        now = self.clock.now()
        supervisor = self.role == "supervisor"
        match event:
            case Submitted(snapshot=snapshot, counselor=counselor, ts=ts, remote_id=remote_id) if supervisor:
                sid = self.book.import_snapshot(snapshot)
                self.book.act(sid, ReviewAction.SUBMIT, counselor, "counselor", "", now if ts is None else ts,
                              remote_id=remote_id)
                self._seen_event = self.book.last_event_id()
                return [ReviewChanged(sid, "submit", counselor, self.book.status(sid), self._alias(sid))]
            case Reviewed(action=action, session_id=sid, author=author, text=text, ts=ts,
                          remote_id=remote_id) if not supervisor:
                if self.store.sessions.get(sid) is None:
                    return []
                after = self.book.act(sid, ReviewAction(action), author, "supervisor", text,
                                      now if ts is None else ts, remote_id=remote_id)
                if after is None:
                    return []
                self._seen_event = self.book.last_event_id()
                return [ReviewChanged(sid, action, author, after, self._alias(sid))]
            case Whispered(session_id=sid, author=author, text=text, ts=ts, remote_id=remote_id) if not supervisor:
                if self.store.sessions.get(sid) is None or not self.book.add_whisper(
                        sid, author, text, now if ts is None else ts, remote_id=remote_id):
                    return []
                self._seen_whisper = self.book.last_whisper_id()
                self.audit.record(self.user, "whisper_received", f"session:{sid}")
                return [WhisperArrived(sid, author, text)]
            case LiveStatus(session_id=sid, info=info) if supervisor:
                self.book.set_live(sid, info, now)
                from curhat_tui.services import live_board
                live_board.keep_told(self.store, sid, info, now)  # the counselor's load, a debrief
                return [LiveChanged()]
            case Alerted(session_id=sid, item=item, counselor=counselor, alias=alias, ts=ts) if supervisor:
                self.book.set_alert(sid, item, now if ts is None else ts)
                row = self.book.live_session(sid)
                counselor, alias = row if row else (counselor, alias)
                return [CrisisAlert(sid, counselor, alias, item)]
        return []
