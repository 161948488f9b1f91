"""The counselor's workstation without a screen: every business rule the UI relies on.

Channel events are persisted first and then announced to listeners (the Textual app
turns them into widget updates). The UI calls the methods here and owns no rules.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curhat_tui.channels.base import (
    Channel, ChannelEvent, ClaimFailed, ClientArrived, ClientLeft, ClientRead, ClientTaken, ConnectionChanged,
    Delivered, MessageReceived, SessionAssigned, TypingChanged,
)
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain import screener
from curhat_tui.domain.clock import Clock, clock_time
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Delivery, Message, Risk, Sender, Session, SessionStatus, Visit, VisitStatus
from curhat_tui.domain.queue import order_queue
from curhat_tui.domain.sanitize import clean
from curhat_tui.domain.session_clock import EXTENSION_MINUTES, due_notifications
from curhat_tui.storage.audit import AuditLog
from curhat_tui.services.background import Background
from curhat_tui.paths import practice_reports_dir
from curhat_tui.storage.store import DuplicateMessage, Store, new_id
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.services.privacy import ClientRef, DeletionResult, Privacy, SessionStillOpen, Withdrawal
from curhat_tui.services.practice_report import feedback_markdown
from curhat_tui.services.supervision import Supervision


log = logging.getLogger("curhat.workstation")
PURGE_INTERVAL_SECONDS = 86_400.0  # the retention purge runs at start-up and then daily


# ---- what the workstation tells its listeners ------------------------------------
@dataclass(frozen=True)
class QueueChanged:
    pass


@dataclass(frozen=True)
class SessionOpened:
    session: Session


@dataclass(frozen=True)
class SessionChanged:
    session: Session


@dataclass(frozen=True)
class SessionClosed:
    session_id: str


@dataclass(frozen=True)
class MessageAdded:
    message: Message


@dataclass(frozen=True)
class MessageUpdated:
    message: Message


@dataclass(frozen=True)
class ClientTyping:
    session_id: str
    typing: bool


@dataclass(frozen=True)
class Notice:
    """Something to tell the counselor: `key` is a catalogue key, `values` fill it."""

    key: str
    values: dict = field(default_factory=dict)
    severity: str = "information"
    session_id: str = ""


@dataclass(frozen=True)
class Connection:
    state: str


WorkstationEvent = (QueueChanged | SessionOpened | SessionChanged | SessionClosed | MessageAdded | MessageUpdated
                    | ClientTyping | Notice | Connection)


class AcceptError(Exception):
    def __init__(self, reason: str, by: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.by = by


class NoteIncomplete(Exception):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class LoadedScript:
    script_id: int
    item: str
    variant: str
    text: str


class Workstation:
    def __init__(self, store: Store, channel: Channel, clock: Clock, data: ServiceData,
                 counselor: str = "Konselor", lang: str = "id", role: str = "counselor",
                 retention: RetentionPolicy | None = None) -> None:
        self.store = store
        self.role = role  # counselor, supervisor or trainee; a trainee's channel is always simulated
        self.practice_store: Store | None = store if channel.simulated else None  # trainees' sessions, never mixed
        self.channel = channel
        self.clock = clock
        self.data = data
        self.counselor = counselor
        self.lang = lang
        self.audit = AuditLog(store, clock)
        self.privacy = Privacy(store, self.audit, clock, retention)  # retention purge, consent, client rights
        self._next_purge = 0.0
        self.first_purge_delay = 0.0  # real seconds the start-up purge waits (the app sets it: first frame first)
        self._purging = False
        self.supervision = Supervision(store, clock, self.audit, counselor, role)
        self.supervision.listen(self._tell)
        self.listeners: list[Callable[[WorkstationEvent], None]] = []
        self.connection = "connected" if channel.simulated else "offline"  # until the first sync answers
        self.typing: dict[str, bool] = {}
        self._waiting: dict[str, Visit] = {v.id: v for v in store.waiting_visits()}
        self._background = Background(self._background_failed).run
        self._retry_delay = 2.0
        self._next_retry = 0.0

    # ---- wiring ---------------------------------------------------------------
    def listen(self, listener: Callable[[WorkstationEvent], None]) -> None:
        self.listeners.append(listener)

    def _tell(self, event: WorkstationEvent) -> None:
        if self.supervision.link is not None:  # live status travels to supervisors on other machines
            match event:
                case SessionOpened(session=session) | SessionChanged(session=session):
                    self.supervision.publish_live(session)
                case SessionClosed(session_id=sid) if (closed := self.store.session(sid)) is not None:
                    self.supervision.publish_live(closed)
        for listener in list(self.listeners):
            listener(event)

    async def start(self) -> None:
        await self.channel.start(self._on_channel_event)
        await self.supervision.start()
        await self.flush_outbox()
        try:
            self.tick()
        except Exception as exc:  # noqa: BLE001 - a bad tick must not stop the workstation starting
            log.warning("first tick failed: %s", exc)

    async def stop(self) -> None:
        await self.supervision.stop()
        await self.channel.stop()

    async def flush_outbox(self) -> None:
        """Send (again) every message still pending; channels deduplicate by txn_id."""
        for message in self.store.outbox():
            session = self.store.session(message.session_id)
            if session is None:
                continue
            try:
                await self.channel.send(session, message)
            except Exception as exc:  # noqa: BLE001 - stays in the outbox; the next tick retries
                log.info("outbox retry failed: %s", exc)
                return
        self._retry_delay = 2.0

    def tick(self) -> None:
        """Advance time-driven parts: the channel's clock, countdown notifications, outbox retries."""
        now = self.clock.now()
        self.channel.pump(now)
        self.supervision.poll()
        if now >= self._next_retry and self.store.outbox():
            self._retry_delay = min(self._retry_delay * 2, 60.0)
            self._next_retry = now + self._retry_delay
            self._background(self.flush_outbox())
        if now >= self._next_purge and not self._purging:
            self._next_purge = now + PURGE_INTERVAL_SECONDS
            self._background(self.purge_retention())
        for session in self.store.open_sessions():
            if session.status is not SessionStatus.ACTIVE:
                continue
            marks = due_notifications(session.deadline, now, session.notified)
            if marks:
                session.notified = session.notified + marks
                self.store.update_session(session.id, notified=session.notified)
                mark = min(marks)
                self._tell(Notice(f"notice.minutes_left_{mark}", {"alias": session.alias},
                                  "warning" if mark == 10 else "error", session.id))

    # ---- channel events: persist first, then tell -----------------------------
    def _on_channel_event(self, event: ChannelEvent) -> None:
        match event:
            case ClientArrived(visit=visit):
                known = self.store.visit(visit.id)
                if known is None:
                    self.store.add_visit(visit)
                elif known.status is VisitStatus.WAITING or self._has_open_session(visit.id):
                    return  # already queued here, or it is our own session
                else:
                    self.store.requeue_visit(visit)  # back in the queue (a transfer)
                self._waiting[visit.id] = visit
                self._tell(QueueChanged())
            case ClientLeft(visit_id=visit_id):
                visit = self._waiting.pop(visit_id, None)
                self.store.set_visit_status(visit_id, VisitStatus.LEFT, self.clock.now())
                if visit:
                    self._tell(QueueChanged())
            case ClientTaken(visit_id=visit_id):
                visit = self._waiting.pop(visit_id, None)
                if self.store.visit(visit_id) is not None:
                    self.store.set_visit_status(visit_id, VisitStatus.TAKEN, self.clock.now())
                if visit:
                    self._tell(QueueChanged())
            case MessageReceived(session_id=sid, text=text, ts=ts, remote_id=remote_id):
                safe = clean(text)
                hits = tuple(self.data.phrases.items(safe))
                try:
                    message = self.store.add_message(sid, Sender.CLIENT, safe, ts or self.clock.now(),
                                                     txn_id=remote_id or None, flags=hits)
                except DuplicateMessage:
                    return  # the same remote event seen again (a re-sync): stored once
                self.typing[sid] = False
                self._tell(MessageAdded(message))
            case ClientRead(session_id=sid):
                for message in self.store.mark_read(sid):
                    self._tell(MessageUpdated(message))
            case SessionAssigned():
                self._assigned(event)
            case TypingChanged(session_id=sid, typing=typing):
                self.typing[sid] = typing
                self._tell(ClientTyping(sid, typing))
            case Delivered(txn_id=txn, delivery=delivery):
                message = self.store.set_delivery(txn, delivery)
                if message:
                    self._tell(MessageUpdated(message))
            case ConnectionChanged(state=state):
                was = self.connection
                self.connection = state
                self._tell(Connection(state))
                if state == "connected" and was != "connected":
                    self._background(self.flush_outbox())

    def _background_failed(self, exc: BaseException) -> None:
        """Channel work run in the background failed: logged and told."""
        log.warning("background channel work failed: %s", exc)
        self._tell(Notice("notice.channel_failed", {"error": str(exc)}, "warning"))

    def _has_open_session(self, visit_id: str) -> bool:
        return any(s.visit_id == visit_id for s in self.store.open_sessions())

    def _assigned(self, event: SessionAssigned) -> None:
        """A session handed to us by transfer: stored and opened like an accepted one."""
        visit = event.visit
        if self.store.visit(visit.id) is None:
            self.store.add_visit(visit)
        now = self.clock.now()
        session = Session(
            id=new_id(), visit_id=visit.id, client_key=visit.client_key, alias=visit.alias, tier=visit.tier,
            minutes=visit.minutes, price=visit.price, counselor=self.counselor, started_at=event.started_at or now,
            deadline=event.deadline or now + visit.minutes * 60, risk=visit.risk, lang=self.lang,
        )
        self.store.add_session(session, event.channel_state)
        self.audit.record(self.counselor, "view", f"session:{session.id}", {"opened": "transfer"})
        self._waiting.pop(visit.id, None)
        self._tell(QueueChanged())
        self._tell(SessionOpened(session))
        self.channel.opened(session)
        if event.channel_state.get("handover"):
            self._tell(Notice("notice.handover", {"alias": session.alias, "note": event.channel_state["handover"]},
                              "warning", session.id))

    # ---- queue ----------------------------------------------------------------
    def queue(self) -> list[Visit]:
        return order_queue(self._waiting.values())

    def open_sessions(self) -> list[Session]:
        return self.store.open_sessions()

    async def accept(self, visit_id: str | None = None) -> Session:
        """Take a client from the queue (the top one when no id is given)."""
        withdrawn = self.privacy.withdrawals()
        queue = [v for v in self.queue() if v.client_key not in withdrawn]  # never processed any further
        if visit_id is None:
            if not queue:
                raise AcceptError("consent" if self._waiting else "empty")
            visit_id = queue[0].id
        visit = self._waiting.get(visit_id) or self.store.visit(visit_id)
        if visit is None or visit.status is VisitStatus.LEFT or visit_id not in self._waiting:
            self._waiting.pop(visit_id, None)
            self._tell(QueueChanged())
            raise AcceptError("left" if visit is None or visit.status is not VisitStatus.ACCEPTED else "taken")
        if visit.client_key in withdrawn:
            raise AcceptError("consent")
        now = self.clock.now()
        session = Session(
            id=new_id(), visit_id=visit.id, client_key=visit.client_key, alias=visit.alias, tier=visit.tier,
            minutes=visit.minutes, price=visit.price, counselor=self.counselor, started_at=now,
            deadline=now + visit.minutes * 60, risk=visit.risk, lang=self.lang,
        )
        try:
            channel_state = await self.channel.claim(visit, session)
        except ClaimFailed as exc:
            self._waiting.pop(visit_id, None)
            if exc.reason == "left":
                self.store.set_visit_status(visit_id, VisitStatus.LEFT, now)
            self._tell(QueueChanged())
            raise AcceptError(exc.reason, exc.by) from None
        if channel_state.get("deadline"):
            session.started_at = channel_state.get("started_at") or session.started_at
            session.deadline = channel_state["deadline"]  # the shared room state is the authority
        self.store.add_session(session, channel_state)
        self.audit.record(self.counselor, "view", f"session:{session.id}", {"opened": "accept"})
        self._waiting.pop(visit_id, None)
        template = self.store.client_template(visit.client_key) or self.data.templates.default_for(visit.tier)
        self.store.set_client_template(visit.client_key, template)
        self._tell(QueueChanged())
        self._tell(SessionOpened(session))
        self.channel.opened(session)
        return session

    # ---- chat -----------------------------------------------------------------
    def queue_message(self, session_id: str, text: str, script_ids: list[int] | None = None) -> Message | None:
        """Write an outgoing message to the outbox (delivery 'pending'); `deliver` sends it."""
        text = clean(text).strip("\n")
        if not text.strip():
            return None
        session = self.store.session(session_id)
        if session is None or session.status is not SessionStatus.ACTIVE:
            return None
        self.privacy.check_consent(session.client_key)  # raises ConsentWithdrawn: nothing more is sent
        message = self.store.add_message(session_id, Sender.COUNSELOR, text, self.clock.now(),
                                         txn_id=f"t{new_id()}", delivery=Delivery.PENDING)
        for script_id in script_ids or []:
            script = self.store.script(script_id)
            lines = [line.strip() for line in (script or {}).get("text", "").splitlines() if len(line.strip()) >= 12]
            if lines and any(line in text for line in lines):
                self.store.mark_script_sent(script_id, message)  # sent, perhaps edited by the counselor
        self.store.set_meta(f"draft.{session_id}", "")
        self._tell(MessageAdded(message))
        return message

    async def deliver(self, message: Message) -> None:
        """Hand an outbox message to the channel; on failure it stays in the outbox for a retry."""
        session = self.store.session(message.session_id)
        if session is None:
            return
        try:
            await self.channel.send(session, message)
        except Exception:  # noqa: BLE001 - the outbox keeps it; flush_outbox retries with the same txn id
            self._tell(Notice("notice.send_failed", {"alias": session.alias}, "warning", session.id))

    async def send(self, session_id: str, text: str, script_ids: list[int] | None = None) -> Message | None:
        """Store, then send: the one-call form for scripts and tests."""
        message = self.queue_message(session_id, text, script_ids)
        if message is not None:
            await self.deliver(message)
        return message

    async def counselor_typing(self, session_id: str, typing: bool) -> None:
        session = self.store.session(session_id)
        if session:
            await self.channel.typing(session, typing)

    def save_draft(self, session_id: str, text: str) -> None:
        """What the counselor is composing (an edited script, say) survives a quit or a crash."""
        self.store.set_meta(f"draft.{session_id}", text)

    def draft(self, session_id: str) -> str:
        return self.store.get_meta(f"draft.{session_id}", "") or ""

    def transcript(self, session_id: str, limit: int | None = None, before_id: int | None = None) -> list[Message]:
        return self.store.messages(session_id, limit, before_id)

    # ---- red flags ------------------------------------------------------------
    def raise_flag(self, session_id: str, item_id: str, answers: dict[str, bool] | None = None) -> LoadedScript:
        """Tick a red-flag item: record it, raise the risk, note it, and return its script."""
        session = self.store.session(session_id)
        if session is None:
            raise KeyError(session_id)
        if session.status is not SessionStatus.ACTIVE:
            raise ValueError("red flags are raised in an active session")
        item = self.data.redflags.get(item_id)
        now = self.clock.now()
        t = Catalogue(self.data.strings, session.lang)
        variant, risk, detail = "default", item.risk, {}
        if item.screener and answers:
            risk = screener.result(answers)
            variant = screener.script_variant(risk)
            detail = {"screener": answers, "result": risk.key}
        elif item.screener and answers is not None:
            detail = {"screener": "skipped"}
        self.store.add_flag(session_id, item_id, now, detail)
        if risk > session.risk:
            session.risk = risk
            self.store.update_session(session_id, risk=risk)
        label = item.label.get(session.lang) or item.label["id"]
        line = f"[{clock_time(self.clock, now)}] {label}"
        if "result" in detail:
            line += " — " + t("note.cssrs", level=t(f"risk.{detail['result']}"))
        elif detail:
            line += " — " + t("note.cssrs_skipped")
        self._append_note_field(session, "risk_screen", line)
        text = self.data.redflags.render_script(item_id, session.lang, session.alias, self.counselor, variant)
        script_id = self.store.add_script(session_id, item_id, variant, text, now)
        self._tell(SessionChanged(session))
        self._background(self.channel.alert(session, label, risk.key))
        return LoadedScript(script_id, item_id, variant, text)

    def flags(self, session_id: str) -> dict[str, float]:
        """Ticked items of a session with the time each was first ticked."""
        ticked: dict[str, float] = {}
        for flag in self.store.flags(session_id):
            ticked.setdefault(flag.item, flag.ts)
        return ticked

    # ---- notes ----------------------------------------------------------------
    def note(self, session_id: str) -> tuple[str, dict[str, str], int]:
        """(template id, fields, version) of a session's note; a fresh one if none yet."""
        session = self.store.session(session_id)
        note = self.store.note(session_id)
        if note:
            return note["template"], note["fields"], note["version"]
        template = self.store.client_template(session.client_key) if session else ""
        return template or self.data.templates.default_for(session.tier if session else "peer"), {}, 0

    def save_note(self, session_id: str, template: str, fields: dict[str, str]) -> int:
        session = self.store.session(session_id)
        if session is None:
            raise KeyError(session_id)
        version = self._store_note(session, template, fields)
        self.store.set_client_template(session.client_key, template)
        return version

    def _store_note(self, session: Session, template: str, fields: dict[str, str]) -> int:
        """Save the note; the audit log gets one "change" per note version, not one per autosave."""
        before = self.store.note(session.id)
        version = self.store.save_note(session.id, session.client_key, template, fields, self.clock.now())
        if before is None or before["version"] != version:
            self.audit.record(self.counselor, "change", f"note:{session.id}", {"version": version})
        return version

    def _append_note_field(self, session: Session, key: str, line: str) -> None:
        template, fields, _ = self.note(session.id)
        current = fields.get(key, "").rstrip()
        fields = dict(fields, **{key: f"{current}\n{line}".strip()})
        self._store_note(session, template, fields)

    def earlier_notes(self, session_id: str) -> list[tuple[Session, dict]]:
        session = self.store.session(session_id)
        notes = self.store.client_notes(session.client_key, exclude_session=session_id) if session else []
        if session:
            self.audit.record(self.counselor, "view", f"session:{session_id}",
                              {"earlier_notes": [earlier.id for earlier, _ in notes]})
        return notes

    def missing_fields(self, session_id: str) -> list[str]:
        template, fields, _ = self.note(session_id)
        return [s.key for s in self.data.templates.missing(template, fields)]

    # ---- session lifecycle ----------------------------------------------------
    def extend(self, session_id: str, reason: str) -> Session:
        if not reason.strip():
            raise ValueError("reason required")
        current = self.store.session(session_id)
        if current is None or current.status is not SessionStatus.ACTIVE:
            raise ValueError("only an active session can be extended")
        self.store.add_extension(session_id, EXTENSION_MINUTES, reason.strip(), self.clock.now())
        session = self.store.session(session_id)
        assert session is not None
        self._tell(SessionChanged(session))
        return session

    async def end(self, session_id: str) -> Session:
        """Stop the chat and move the session to wrap-up."""
        session = self.store.session(session_id)
        if session is None:
            raise KeyError(session_id)
        if session.status is SessionStatus.ACTIVE:
            session.status = SessionStatus.WRAPUP
            session.ended_at = self.clock.now()
            self.store.update_session(session_id, status=SessionStatus.WRAPUP, ended_at=session.ended_at)
            await self.channel.end(session)
            self._tell(SessionChanged(session))
        return session

    async def transfer(self, session_id: str, handover: str, to: str = "") -> Session:
        """Hand the session to another counselor (`to`) or back to the queue, then wrap up."""
        session = self.store.session(session_id)
        if session is None:
            raise KeyError(session_id)
        if not handover.strip():
            raise ValueError("handover note required")
        await self.channel.transfer(session, handover.strip(), to)
        session.status = SessionStatus.WRAPUP
        session.ended_at = self.clock.now()
        self.store.update_session(session_id, status=SessionStatus.WRAPUP, ended_at=session.ended_at)
        self._append_note_field(session, "end_reason", f"transfer: {handover.strip()}")
        self._tell(SessionChanged(session))
        return session

    def close(self, session_id: str, skip_reason: str = "") -> None:
        """Close after wrap-up: the note must be complete, or skipped with a stated reason."""
        current = self.store.session(session_id)
        if current is None or current.status is not SessionStatus.WRAPUP:
            raise ValueError("end the session before closing it")
        missing = self.missing_fields(session_id)
        if missing and not skip_reason.strip():
            raise NoteIncomplete(missing)
        template, fields, _ = self.note(session_id)
        self.store.update_session(session_id, status=SessionStatus.CLOSED, skip_reason=skip_reason.strip(),
                                  end_reason=fields.get("end_reason", ""),
                                  ended_at=self.store.session(session_id).ended_at or self.clock.now())
        self.typing.pop(session_id, None)
        self.privacy.session_closed(session_id, self.counselor)  # zero transcript retention: it goes now
        if self.role != "supervisor":
            self.supervision.submit(session_id)
        self._tell(SessionClosed(session_id))

    # ---- retention and client rights (privacy.py does the work) ------------------
    async def purge_retention(self) -> None:
        """Delete what the retention policy says is due, a batch at a time, telling listeners the progress."""
        if self._purging:
            return
        self._purging = True
        try:
            if self.first_purge_delay:  # let the screen come up first; the start-up purge may be long
                delay, self.first_purge_delay = self.first_purge_delay, 0.0
                await asyncio.sleep(delay)
            for progress in self.privacy.iter_purge(self.counselor):
                if progress.total:
                    self._tell(progress)
                await asyncio.sleep(0)  # the screen stays responsive between batches
            overdue = self.privacy.overdue_withdrawals()
            if overdue:
                self._tell(Notice("rights.notice.overdue", {"count": len(overdue),
                                                            "aliases": ", ".join(w.alias for w in overdue)}, "warning"))
        except Exception as exc:  # noqa: BLE001 - a failed purge is retried on the next day's run; say so
            log.warning("retention purge failed: %s", exc)
            self._tell(Notice("rights.notice.purge_failed", {"error": str(exc)}, "error"))
        finally:
            self._purging = False

    def withdraw_consent(self, client: ClientRef) -> Withdrawal:
        """The client withdrew consent: flag them, and redraw their queue entry and open sessions."""
        withdrawal = self.privacy.withdraw(self.counselor, client)
        for session in self.store.open_sessions():
            if session.client_key == client.key:
                self._tell(SessionChanged(session))
        self._tell(QueueChanged())
        return withdrawal

    def delete_client(self, client: ClientRef) -> DeletionResult:
        """Delete everything held about the client (refused while a session of theirs is open)."""
        if any(s.client_key == client.key for s in self.store.open_sessions()):
            raise SessionStillOpen(client.alias, [s.id for s in self.store.open_sessions()
                                                  if s.client_key == client.key])
        result = self.privacy.delete(self.counselor, client)
        for visit_id in [v.id for v in self._waiting.values() if v.client_key == client.key]:
            self._waiting.pop(visit_id, None)
        self._tell(QueueChanged())
        return result

    # ---- practice feedback ------------------------------------------------------
    def feedback(self, session_id: str) -> str:
        """The trainee's feedback report for a practice session, as Markdown in the session language."""
        return feedback_markdown(self.store, self.data, session_id)

    def trainee_sessions(self) -> list[Session]:
        """Practice sessions past their end, newest first: what a supervisor reviews of the trainees' work."""
        if self.practice_store is None:
            return []
        done = [s for s in self.practice_store.all_sessions() if s.status is not SessionStatus.ACTIVE]
        return sorted(done, key=lambda s: -(s.ended_at or s.started_at))

    def trainee_report(self, session_id: str) -> str:
        """A trainee's feedback report, read by a supervisor (recorded in the audit log)."""
        self.audit.record(self.counselor, "view", f"practice-session:{session_id}", {"report": True})
        return feedback_markdown(self.practice_store, self.data, session_id)

    def export_feedback(self, session_id: str) -> Path:
        """Write the report next to the database (practice reports live apart from real records)."""
        folder = practice_reports_dir(self.store.path.parent)
        folder.mkdir(mode=0o700, exist_ok=True)
        target = folder / f"{self.store.session(session_id).alias}-{session_id}.md"
        target.write_text(self.feedback(session_id), encoding="utf-8")
        return target

    # ---- exports and the audit log (export.py writes, audit.py keeps the chain) ------
    def is_practice(self) -> bool:
        """Whether this workstation's store holds practice sessions: exports say so and go elsewhere."""
        from curhat_tui.services.exports import store_is_practice

        kind = store_is_practice(self.store)
        return self.channel.simulated if kind is None else kind

    def exportable_sessions(self, first, last, only_mine: bool = True) -> list[Session]:
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
        from curhat_tui.services.exports import export_sessions, store_is_practice

        store = self.store
        trainees = self.practice_store
        if trainees is not None and trainees is not self.store:
            here = [i for i in session_ids if self.store.session(i) is not None]
            there = [i for i in session_ids if trainees.session(i) is not None]
            if here and there:
                raise ValueError("practice and real sessions are never exported together")
            if there and not here:
                store = trainees
        practice = self.is_practice() if store is self.store else store_is_practice(store) is not False
        if self.role != "supervisor":
            for session_id in session_ids:
                session = store.session(session_id)
                if session is not None and session.counselor != self.counselor:
                    raise PermissionError("only a supervisor exports another counselor's sessions")
        return export_sessions(store, session_ids, out_dir, lang=self.lang, mask=mask, actor=self.counselor,
                               audit=self.audit, practice=practice, data=self.data, tz=self.clock.tz,
                               now=self.clock.now())

    def audit_entries(self, limit: int | None = None) -> list:
        """The audit log, newest first, for a supervisor; reading it is itself recorded."""
        if self.role != "supervisor":
            raise PermissionError("the audit log is for supervisors")
        self.audit.record(self.counselor, "view", "audit", {"limit": limit})
        return self.audit.entries(limit=limit, newest_first=True)

    def check_audit(self) -> tuple[int, list]:
        """(number of entries, chain breaks) of the audit log, for a supervisor."""
        if self.role != "supervisor":
            raise PermissionError("the audit log is for supervisors")
        return self.audit.check()

    def risk_of(self, session_id: str) -> Risk:
        session = self.store.session(session_id)
        return session.risk if session else Risk.NONE

