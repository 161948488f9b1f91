"""The counselor's desk: the queue, accepting a client, the chat and its outbox, and a session's life.

Channel events are persisted first and then told on the bus; the UI calls the methods
here and owns no rules. Outgoing messages sit in the outbox (delivery 'pending') with a
transaction id before the channel sees them, and every retry reuses that id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from curhat_tui.channels.base import (
    Channel,
    ChannelEvent,
    ClaimFailed,
    ClientArrived,
    ClientLeft,
    ClientRead,
    ClientTaken,
    ConnectionChanged,
    Delivered,
    EarlierLine,
    MessageEdited,
    MessageReceived,
    MessageRedacted,
    SessionAssigned,
    SessionGone,
    TypingChanged,
)
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.load import weight
from curhat_tui.domain.models import Delivery, Message, Risk, Sender, Session, SessionStatus, Visit, VisitStatus
from curhat_tui.domain.queue import order_queue, raised
from curhat_tui.domain.sanitize import clean, shown_safely
from curhat_tui.domain.session_clock import EXTENSION_MINUTES, due_notifications
from curhat_tui.services.background import Background
from curhat_tui.services.client_messages import ClientMessages
from curhat_tui.services.events import (
    ClientTyping,
    Connection,
    DebriefDue,
    EventBus,
    MessageAdded,
    MessageUpdated,
    Notice,
    QueueChanged,
    SessionChanged,
    SessionClosed,
    SessionOpened,
)
from curhat_tui.services.handover import Handovers
from curhat_tui.services.load_guard import LoadGuard, LoadRefused
from curhat_tui.services.notes import Notes
from curhat_tui.services.outbox import Outbox
from curhat_tui.services.privacy import Privacy
from curhat_tui.services.session_facts import SessionFacts
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.store import Store, new_id

log = logging.getLogger("curhat.desk")


class AcceptError(Exception):
    """A client could not be taken: `reason` is left, taken, busy, empty, consent or load; `by` who took them.

    For `load`: the counselor's weighted `load` now, the `cap`, and the waiting client's `risk` and `weight`."""

    def __init__(self, reason: str, by: str = "", *, load: int = 0, cap: int = 0, risk: Risk = Risk.NONE) -> None:
        super().__init__(reason)
        self.reason = reason
        self.by = by
        self.load, self.cap, self.risk = load, cap, Risk(risk)
        self.weight = weight(self.risk)


class NoteIncomplete(Exception):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


class Desk(SessionFacts):
    """(The pane's reads beside the transcript: `session_facts.SessionFacts`.)"""

    def __init__(self, store: Store, channel: Channel, clock: Clock, data: ServiceData, bus: EventBus,
                 audit: AuditLog, privacy: Privacy, notes: Notes, background: Background, *,
                 counselor: str, lang: str, max_load: int = 0) -> None:
        self.store = store
        self.channel = channel
        self.clock = clock
        self.data = data
        self.bus = bus
        self.audit = audit
        self.privacy = privacy
        self.notes = notes
        self.counselor = counselor
        self.lang = lang
        # the cap on open sessions weighed by risk, and the debrief; whose sessions are open: in practice everyone
        # practising on this machine shares the store, and a trainee's sessions are not the counselor's
        self.guard = LoadGuard(store, data, max_load, counselor if channel.simulated else None)
        self._background = background.run
        self.client_messages = ClientMessages(store, clock, data, bus)  # what a client writes, edits or deletes
        self.connection = "connected" if channel.simulated else "offline"  # until the first sync answers
        self.typing: dict[str, bool] = {}
        self._waiting: dict[str, Visit] = {v.id: v for v in store.visits.waiting()}
        self._claiming: set[str] = set()  # visits whose claim is on its way: one session per client
        self.outbox = Outbox(store, channel, bus, background.run)
        self.handovers = Handovers(self)  # sessions handed here, or taken away, on the service's word

    # ---- reads for the screens ----------------------------------------------------
    def queue(self) -> list[Visit]:
        return order_queue(self._waiting.values())

    def open_sessions(self) -> list[Session]:
        return self.store.sessions.open(self.guard.counselor)

    def session(self, session_id: str) -> Session | None:
        return self.store.sessions.get(session_id)

    def load(self) -> tuple[int, int]:
        """The counselor's weighted load (open sessions, wrap-up included, weighed by risk) and the cap (0: none)."""
        return self.guard.load()

    def risk_of(self, session_id: str) -> Risk:
        session = self.store.sessions.get(session_id)
        return session.risk if session else Risk.NONE

    def transcript(self, session_id: str, limit: int | None = None, before_id: int | None = None) -> list[Message]:
        return self.store.messages.for_session(session_id, limit, before_id)

    def message_count(self, session_id: str) -> int:
        return self.store.messages.count(session_id)

    def draft(self, session_id: str) -> str:
        return self.store.state.draft(session_id)

    # ---- channel events: persist first, then tell ------------------------------------
    def on_channel_event(self, event: ChannelEvent) -> None:
        match event:
            case ClientArrived(visit=arrived):
                visit = shown_safely(arrived)
                known = self.store.visits.get(visit.id)
                if known is None:
                    self.store.visits.add(visit)
                elif known.status is VisitStatus.WAITING and visit.id in self._waiting:
                    moved = raised(self._waiting[visit.id], visit)  # never lowered, imminence never taken back
                    if moved is not None:  # what they wrote while waiting raised their standing: they move up
                        self.store.visits.set_risk(visit.id, moved.risk, moved.imminent)
                        self._waiting[visit.id] = moved
                        self.bus.tell(QueueChanged())
                    return
                elif known.status is VisitStatus.WAITING or any(
                        s.visit_id == visit.id and s.status is SessionStatus.ACTIVE for s in self.store.sessions.open()):
                    return  # already queued, or our running session (a client back while we wrap up is shown)
                else:
                    self.store.visits.requeue(visit)  # back in the queue (a transfer)
                self._waiting[visit.id] = visit
                self.bus.tell(QueueChanged())
            case ClientLeft(visit_id=visit_id):
                left = self._waiting.pop(visit_id, None)
                self.store.visits.set_status(visit_id, VisitStatus.LEFT, self.clock.now())
                if left:
                    self.bus.tell(QueueChanged())
            case ClientTaken(visit_id=visit_id):
                taken = self._waiting.pop(visit_id, None)
                if self.store.visits.get(visit_id) is not None:
                    self.store.visits.set_status(visit_id, VisitStatus.TAKEN, self.clock.now())
                if taken:
                    self.bus.tell(QueueChanged())
            case MessageReceived(session_id=sid):
                if self.client_messages.received(event) is not None:
                    self.typing[sid] = False
            case EarlierLine():
                self.client_messages.earlier_line(event)
            case MessageEdited() | MessageRedacted():
                self.client_messages.revised(event)
            case ClientRead(session_id=sid):
                for message in self.store.messages.mark_read(sid):
                    self.bus.tell(MessageUpdated(message))
            case SessionGone(session_id=sid, reason=reason):
                self.handovers.gone(sid, reason)
            case SessionAssigned():
                self.handovers.assigned(event)
            case TypingChanged(session_id=sid, typing=typing):
                self.typing[sid] = typing
                self.bus.tell(ClientTyping(sid, typing))
            case Delivered(txn_id=txn, delivery=delivery):
                updated = self.store.messages.set_delivery(txn, delivery)
                if updated:
                    self.bus.tell(MessageUpdated(updated))
            case ConnectionChanged(state=state):
                was = self.connection
                self.connection = state
                self.bus.tell(Connection(state))
                if state == "connected" and was != "connected":
                    self._background(self.flush_outbox())

    def new_session(self, visit: Visit, started_at: float, deadline: float) -> Session:
        return Session(
            id=new_id(), visit_id=visit.id, client_key=visit.client_key, alias=visit.alias, tier=visit.tier,
            minutes=visit.minutes, price=visit.price, counselor=self.counselor, started_at=started_at,
            deadline=deadline, risk=visit.risk, lang=self.lang,
        )

    def opened(self, session: Session, channel_state: dict, how: str) -> None:
        self.store.sessions.add(session, channel_state)
        self.audit.record(self.counselor, "view", f"session:{session.id}", {"opened": how})
        self._waiting.pop(session.visit_id, None)

    # ---- queue ----------------------------------------------------------------------
    async def accept(self, visit_id: str | None = None) -> Session:
        """Take a client from the queue (the top one when no id is given)."""
        withdrawn = self.privacy.withdrawals()
        queue = [v for v in self.queue() if v.client_key not in withdrawn]  # never processed any further
        if visit_id is None:
            free = [v for v in queue if v.id not in self._claiming]
            if not free:
                raise AcceptError("busy" if queue else "consent" if self._waiting else "empty")
            visit_id = free[0].id
        if visit_id in self._claiming:  # a second key press while the first claim is on its way
            raise AcceptError("busy")
        visit = self._waiting.get(visit_id) or self.store.visits.get(visit_id)
        if visit is None or visit.status is VisitStatus.LEFT or visit_id not in self._waiting:
            self._waiting.pop(visit_id, None)
            self.bus.tell(QueueChanged())
            raise AcceptError("left" if visit is None or visit.status is not VisitStatus.ACCEPTED else "taken")
        if visit.client_key in withdrawn:
            raise AcceptError("consent")
        try:
            self.guard.check(visit)
        except LoadRefused as refused:  # the client stays in the queue, for a colleague or for later
            raise AcceptError("load", load=refused.load, cap=refused.cap, risk=refused.risk) from None
        now = self.clock.now()
        session = self.new_session(visit, now, now + visit.minutes * 60)
        self._claiming.add(visit_id)
        try:
            channel_state = await self.channel.claim(visit, session)
        except ClaimFailed as exc:
            self._waiting.pop(visit_id, None)
            if exc.reason == "left":
                self.store.visits.set_status(visit_id, VisitStatus.LEFT, now)
            self.bus.tell(QueueChanged())
            raise AcceptError(exc.reason, exc.by) from None
        finally:
            self._claiming.discard(visit_id)
        if channel_state.get("deadline"):
            session.started_at = channel_state.get("started_at") or session.started_at
            session.deadline = channel_state["deadline"]  # the shared room state is the authority
        self.opened(session, channel_state, "accept")
        self.notes.remember_template(visit)
        self.bus.tell(QueueChanged())
        self.bus.tell(SessionOpened(session))
        self.channel.opened(session)
        return session

    def forget_client(self, client_key: str) -> None:
        """A deleted client's entries leave the queue, and the service is asked to delete them on the server."""
        self._background(self.channel.forget(client_key))
        for visit_id in [v.id for v in self._waiting.values() if v.client_key == client_key]:
            self._waiting.pop(visit_id, None)
        self.bus.tell(QueueChanged())

    # ---- chat -------------------------------------------------------------------------
    def queue_message(self, session_id: str, text: str, script_ids: list[int] | None = None) -> Message | None:
        """Write an outgoing message to the outbox (delivery 'pending'); `deliver` sends it."""
        text = clean(text).strip("\n")
        if not text.strip():
            return None
        session = self.store.sessions.get(session_id)
        if session is None or session.status is not SessionStatus.ACTIVE:
            return None
        self.privacy.check_consent(session.client_key)  # raises ConsentWithdrawn: nothing more is sent
        message = self.store.messages.add(session_id, Sender.COUNSELOR, text, self.clock.now(),
                                         txn_id=f"t{new_id()}", delivery=Delivery.PENDING)
        for script_id in script_ids or []:
            script = self.store.flags.script(script_id)
            lines = [line.strip() for line in (script or {}).get("text", "").splitlines() if len(line.strip()) >= 12]
            if lines and any(line in text for line in lines):
                self.store.flags.mark_script_sent(script_id, message)  # sent, perhaps edited by the counselor
        self.store.state.set_draft(session_id, "")
        self.bus.tell(MessageAdded(message))
        return message

    async def deliver(self, message: Message) -> None:
        """Hand an outbox message to the channel; on failure it stays in the outbox for a retry."""
        await self.outbox.deliver(message)

    async def send(self, session_id: str, text: str, script_ids: list[int] | None = None) -> Message | None:
        """Store, then send: the one-call form for scripts and tests."""
        message = self.queue_message(session_id, text, script_ids)
        if message is not None:
            await self.deliver(message)
        return message

    async def counselor_typing(self, session_id: str, typing: bool) -> None:
        session = self.store.sessions.get(session_id)
        if session:
            await self.channel.typing(session, typing)

    def save_draft(self, session_id: str, text: str) -> None:
        """What the counselor is composing (an edited script, say) survives a quit or a crash."""
        self.store.state.set_draft(session_id, text)

    def held_readers(self, session_id: str) -> tuple[tuple[str, str], ...]:
        """Who besides the client would read this session's held lines: (account, display name); () if none held."""
        return self.outbox.held.get(session_id, ())

    def send_anyway(self, session_id: str, asked: Iterable[str]) -> int:
        """The counselor lets exactly the accounts named in the question (and still holding the lines back) read
        them; recorded (how many, not who)."""
        allowed = self.outbox.let_read(session_id, asked)
        if allowed:
            self.audit.record(self.counselor, "send_anyway", f"session:{session_id}", {"readers": allowed})
        return allowed

    async def flush_outbox(self) -> None:
        """Send (again) every message still pending; channels deduplicate by txn_id."""
        await self.outbox.flush()

    def tick(self, now: float) -> None:
        """Outbox retries with a growing delay, and the countdown's 10- and 5-minute notices."""
        self.outbox.tick(now)
        for session in self.store.sessions.open(self.guard.counselor):
            if session.status is not SessionStatus.ACTIVE:
                continue
            marks = due_notifications(session.deadline, now, session.notified)
            if marks:
                session.notified = session.notified + marks
                self.store.sessions.update(session.id, notified=session.notified)
                mark = min(marks)
                self.bus.tell(Notice(f"notice.minutes_left_{mark}", {"alias": session.alias},
                                     "warning" if mark == 10 else "error", session.id))

    # ---- a session's life --------------------------------------------------------------
    def extend(self, session_id: str, reason: str) -> Session:
        if not reason.strip():
            raise ValueError("reason required")
        current = self.store.sessions.get(session_id)
        if current is None or current.status is not SessionStatus.ACTIVE:
            raise ValueError("only an active session can be extended")
        current.deadline = self.store.sessions.extend(session_id, EXTENSION_MINUTES, reason.strip(), self.clock.now())
        current.notified = []  # the countdown's warnings start again (the store did the same)
        self.bus.tell(SessionChanged(current))
        return current

    def to_wrapup(self, session: Session) -> None:
        session.status = SessionStatus.WRAPUP
        session.ended_at = self.clock.now()
        self.store.sessions.update(session.id, status=SessionStatus.WRAPUP, ended_at=session.ended_at)

    async def end(self, session_id: str) -> Session:
        """Stop the chat and move the session to wrap-up."""
        session = self.store.sessions.get(session_id)
        if session is None:
            raise KeyError(session_id)
        if session.status is SessionStatus.ACTIVE:
            self.to_wrapup(session)
            try:
                await self.channel.end(session)
            except Exception as exc:  # noqa: BLE001 - ended here all the same (a room handed away refuses, say)
                log.warning("the channel did not take the end of a session: %s", type(exc).__name__)
                self.bus.tell(Notice("notice.end_failed", {"alias": session.alias}, "warning", session.id))
            self.bus.tell(SessionChanged(session))
        return session

    async def transfer(self, session_id: str, handover: str, to: str = "") -> Session:
        """Hand the session to another counselor (`to`) or back to the queue, then wrap up."""
        session = self.store.sessions.get(session_id)
        if session is None:
            raise KeyError(session_id)
        if not handover.strip():
            raise ValueError("handover note required")
        await self.channel.transfer(session, handover.strip(), to)
        self.to_wrapup(session)
        self.notes.append_field(session, "end_reason", f"transfer: {handover.strip()}")
        self.bus.tell(SessionChanged(session))
        return session

    def close(self, session_id: str, skip_reason: str = "") -> None:
        """Close after wrap-up: the note must be complete, or skipped with a stated reason.

        Supervision hears SessionClosed on the bus and submits the note for review."""
        current = self.store.sessions.get(session_id)
        if current is None or current.status is not SessionStatus.WRAPUP:
            raise ValueError("end the session before closing it")
        missing = self.notes.missing_fields(session_id)
        if missing and not skip_reason.strip():
            raise NoteIncomplete(missing)
        _, fields, _ = self.notes.note(session_id)
        debrief = self.guard.debrief_due(current)
        self.store.sessions.update(session_id, status=SessionStatus.CLOSED, skip_reason=skip_reason.strip(),
                                  end_reason=fields.get("end_reason", ""),
                                  ended_at=current.ended_at or self.clock.now())
        self.typing.pop(session_id, None)
        self.privacy.session_closed(session_id, self.counselor)  # zero transcript retention: it goes now
        self.bus.tell(SessionClosed(session_id))
        if debrief:
            self.bus.tell(DebriefDue(session_id, current.alias))
