"""What the counselor does on the main screen: accept, chat, raise a red flag, extend, end, transfer, and the dialogs.

Each action calls a service and leaves the screen to the events that follow: accepting opens no pane (SessionOpened
does), ending moves nothing to wrap-up (SessionChanged does), a red flag's note line arrives as NoteChanged. What no
event carries (the loaded script for the reply box) is taken from the call's answer.
"""

from __future__ import annotations

from functools import partial

from textual import events, on, work
from textual.binding import Binding
from textual.widgets import Tabs, TextArea

from curhat_tui.domain.load import weight
from curhat_tui.domain.models import Risk, Session, SessionStatus
from curhat_tui.domain.session_clock import countdown
from curhat_tui.services.desk import AcceptError
from curhat_tui.services.events import DebriefDue, Event
from curhat_tui.services.privacy import ConsentWithdrawn
from curhat_tui.ui.screens.counselor.held_sends import HeldSends
from curhat_tui.ui.widgets.chat_pane import ChatPane
from curhat_tui.ui.widgets.composer import Composer, alt
from curhat_tui.ui.widgets.localize import flag_labels
from curhat_tui.ui.widgets.notes_form import NotesForm
from curhat_tui.ui.widgets.queue_panel import QueueTable
from curhat_tui.ui.widgets.transcript import Transcript


class SessionActions(HeldSends):
    """The main screen's actions; `MainScreen` adds the layout, the panes and the events."""

    # Where the focus is must show at a glance: the accent colour marks the focused part (the reply box and the
    # note fields mark themselves). The transcript trades its left padding for the bar, so nothing moves.
    DEFAULT_CSS = """
    SessionActions Transcript:focus { padding-left: 0; border-left: thick $accent; background-tint: $accent 6%; }
    SessionActions QueueTable:focus { background-tint: $accent 12%; }
    SessionActions ContentTabs:focus { background-tint: $accent 20%; }
    """

    BINDINGS = [  # merged with MainScreen's; priority, so that they act while the reply box has focus
        Binding(alt("r"), "quick_replies", "Quick replies", id="main.quick_replies", priority=True, show=False),
        Binding(alt("z"), "undo_insert", "Undo insertion", id="main.undo_insert", priority=True, show=False),
        Binding(alt("x"), "clear_draft", "Clear draft", id="main.clear_draft", priority=True, show=False),
        Binding(alt("v"), "call_link", "Call link", id="main.call_link", priority=True, show=False),
        Binding(alt("j"), "appointments", "Appointments", id="main.appointments", priority=True, show=False),
    ]

    panes: dict[str, ChatPane]

    def __init__(self, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.ending: set[str] = set()  # sessions ended or handed over here: their wrap-up opens when they reach it
        self.debriefs_due: list[DebriefDue] = []  # high-risk sessions closed, their debrief not yet asked

    # ---- what MainScreen provides ---------------------------------------------------
    @property
    def active_pane(self) -> ChatPane | None:
        raise NotImplementedError

    async def close_pane(self, session_id: str) -> None:
        raise NotImplementedError

    async def _active_changed(self) -> None:
        raise NotImplementedError

    def on_key(self, event: events.Key) -> None:
        """In the transcript the arrows scroll; Enter, or Down past the newest message, goes back to the reply box."""
        transcript = self.focused
        if not isinstance(transcript, Transcript):
            return
        at_end = transcript.scroll_y >= transcript.max_scroll_y
        if event.key == "enter" or (event.key == "down" and at_end):
            pane = next((p for p in self.panes.values() if p.transcript is transcript), None)
            if pane is not None and pane.loaded and pane.composer.display:
                event.stop()
                event.prevent_default()
                pane.composer.focus()

    # ---- accepting clients ------------------------------------------------------
    @on(QueueTable.Accept)
    def _accept_highlighted(self, event: QueueTable.Accept) -> None:
        self.accept(event.visit_id)

    def action_accept_top(self) -> None:
        self.accept(None)

    @work(group="accept", exclusive=False, exit_on_error=False)
    async def accept(self, visit_id: str | None) -> None:
        """Take the client; their pane opens when SessionOpened arrives."""
        t = self.app.t
        try:
            await self.app.workstation.desk.accept(visit_id)
        except AcceptError as exc:
            if exc.reason == "load":  # the load guard: say how full the desk is and what this client would add
                risk = Risk(getattr(exc, "risk", Risk.NONE))
                self.app.notify(t("accept.load", load=getattr(exc, "load", "?"), cap=getattr(exc, "cap", "?"),
                                  risk=t(f"risk.{risk.key}"), weight=getattr(exc, "weight", weight(risk))),
                                severity="warning", timeout=12)
                return
            key = {"left": "accept.left", "taken": "accept.taken", "empty": "accept.empty", "busy": "accept.busy",
                   "consent": "rights.accept_refused"}.get(exc.reason, "accept.failed")
            self.app.notify(t(key, by=exc.by), severity="warning")

    # ---- chatting ---------------------------------------------------------------
    def _pane_of(self, box: TextArea) -> ChatPane | None:
        return next((p for p in self.panes.values() if p.composer is box), None)

    @on(Composer.Submitted)
    def _send(self, event: Composer.Submitted) -> None:
        pane = self._pane_of(event.composer)
        if pane is None or pane.session.status is not SessionStatus.ACTIVE:
            return
        ws = self.app.workstation
        try:
            message = ws.desk.queue_message(pane.session.id, event.text, event.script_ids)
        except ConsentWithdrawn as exc:  # the text stays in the box; nothing is stored or sent
            from curhat_tui.ui.screens.counselor.client_rights import when
            self.app.notify(self.app.t("rights.send_refused", alias=pane.session.alias,
                                       date=when(self.app, exc.withdrawal.withdrawn_at)), severity="error")
            return
        except Exception as exc:  # noqa: BLE001 - keep the text in the box and say why
            self.app.notify(self.app.t("send.store_failed", error=str(exc)), severity="error")
            return
        if message is not None:
            event.composer.sent()
            self.run_worker(partial(ws.desk.deliver, message), group="send", exit_on_error=False)
            self._tell_typing(pane, False)

    @on(Composer.Changed)
    def _typing(self, event: Composer.Changed) -> None:
        pane = self._pane_of(event.text_area)
        if pane is None or pane.session.status is not SessionStatus.ACTIVE or not pane.loaded:
            return
        pane.schedule_draft()
        self._tell_typing(pane, bool(event.text_area.text.strip()))

    def _tell_typing(self, pane: ChatPane, typing: bool) -> None:
        if typing != pane.counselor_typing:  # the client's "typing" notice starts and stops once each, not per key
            pane.counselor_typing = typing
            self.run_worker(partial(self.app.workstation.desk.counselor_typing, pane.session.id, typing),
                            group="typing", exit_on_error=False)

    # ---- red flags ----------------------------------------------------------------
    def action_flag(self, item_id: str) -> None:
        pane = self.active_pane
        t = self.app.t
        if pane is None or pane.session.status is not SessionStatus.ACTIVE:
            self.app.notify(t("flags.no_session"), severity="warning")
            return
        item = self.app.data.redflags.get(item_id)
        if item.screener:
            self._open_screener(pane, item_id)
        else:
            self._raise(pane, item_id, None)

    def _raise(self, pane: ChatPane, item_id: str, answers: dict | None) -> None:
        """Raise the flag and put its script in the reply box; the risk and the note line follow as events."""
        loaded = self.app.workstation.flags.raise_flag(pane.session.id, item_id, answers)
        pane.load_script(loaded.text, loaded.script_id)
        pane.suggested = [i for i in pane.suggested if i != item_id]
        self.app.notify(self.app.t("flags.loaded", label=self.app.t.pick(self.app.data.redflags.get(item_id).label)))
        unverified = self.app.data.redflags.unverified(loaded.entries)  # the counselor's side: never in the script
        if unverified:
            names = ", ".join(entry.text("name", self.app.t.lang) for entry in unverified)
            self.app.notify(self.app.t("directory.script_unverified", names=names), severity="warning")

    # ---- session lifecycle ------------------------------------------------------
    def _live_pane(self, *, or_wrapup: bool = False) -> ChatPane | None:
        """The active pane if its session is running; otherwise the counselor is told why the key did nothing (or,
        `or_wrapup`, an ended session's wrap-up opens)."""
        pane = self.active_pane
        if pane is None:
            self.app.notify(self.app.t("keys.no_session"), severity="warning")
            return None
        if pane.session.status is not SessionStatus.ACTIVE:
            self._wrapup(pane.session) if or_wrapup else self.app.notify(
                self.app.t("keys.not_active", alias=pane.session.alias), severity="warning")
            return None
        return pane

    def action_end_session(self) -> None:
        if (pane := self._live_pane(or_wrapup=True)) is None:
            return
        session_id = pane.session.id

        async def confirmed(yes: bool | None) -> None:
            if yes:
                self.ending.add(session_id)
                await self.app.workstation.desk.end(session_id)
        from curhat_tui.ui.screens.common.confirm import ConfirmModal
        flags = self.app.workstation.desk.unanswered_risk(session_id)  # risk no line of ours has answered yet
        self.app.push_screen(ConfirmModal(self.app.t("end.confirm_risk" if flags else "end.confirm",
                                                     alias=pane.session.alias, items=flag_labels(self, flags))), confirmed)

    def ended(self, session: Session) -> None:
        """A session this screen ended or handed over has reached wrap-up (told by SessionChanged): open it."""
        if session.id in self.ending and session.status is not SessionStatus.ACTIVE:
            self.ending.discard(session.id)
            self._wrapup(session)

    def _wrapup(self, session: Session) -> None:
        async def done(closed: bool | None) -> None:
            if closed:
                await self.close_pane(session.id)
            else:
                await self.query_one(NotesForm).load(None)
                await self._active_changed()
        self.query_one(NotesForm).flush()  # the wrap-up screen's form reads the note from the store
        from curhat_tui.ui.screens.counselor.wrapup import WrapUpScreen
        self.app.push_screen(WrapUpScreen(session, blink=self.app.blink), done)

    def action_extend(self) -> None:
        pane = self._live_pane()
        if pane is None:
            return

        def reason_given(reason: str | None) -> None:
            if reason:
                self.app.workstation.desk.extend(pane.session.id, reason)  # the countdown follows SessionChanged
                self.app.notify(self.app.t("extend.done", alias=pane.session.alias))
        from curhat_tui.ui.screens.counselor.extend import ExtendModal
        self.app.push_screen(ExtendModal(pane.session.alias), reason_given)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """False hides a key from the footer, F1 and the palette: only keys that act here are offered."""
        if action.startswith("screener_"):
            return self._open_panel() is not None  # offered only while the screener is open beside the chat
        if action == "transfer" and self.app.workstation.simulated:
            return False  # handover is for real clients: not offered in practice
        if action == "practice_setup" and not self.app.workstation.simulated:
            return False  # choosing a simulated client: practice only
        if action == "send_anyway" and not self.app.workstation.channel.may_hold():
            return False  # nothing is ever held in practice: Alt+K is not offered there
        if action in ("next_pane", "previous_pane") and not getattr(self, "panes", None):
            return False  # no session to move to
        if action == "switch" and parameters and isinstance(parameters[0], int) \
                and parameters[0] > len(getattr(self, "panes", {})):
            return False  # Alt+N for a session that is not there
        return True

    def action_transfer(self) -> None:
        if self.app.workstation.simulated:
            self.app.notify(self.app.t("transfer.practice"), severity="warning")
            return
        pane = self._live_pane()
        if pane is None:
            return
        session_id, alias = pane.session.id, pane.session.alias

        async def chosen(answer: tuple[str, str] | None) -> None:
            if not answer:
                return
            note, to = answer
            self.ending.add(session_id)
            try:
                await self.app.workstation.desk.transfer(session_id, note, to)
            except Exception as exc:  # noqa: BLE001 - the session stays as it was; say why
                self.ending.discard(session_id)
                self.app.notify(self.app.t("transfer.failed", error=str(exc)), severity="error")
                return
            self.app.notify(self.app.t("transfer.done", alias=alias))
        from curhat_tui.ui.screens.counselor.transfer import TransferModal
        self.app.push_screen(TransferModal(alias), chosen)

    # ---- dialogs ------------------------------------------------------------------
    def action_history(self) -> None:
        """The client's earlier notes; with no session open, the notes a supervisor commented on."""
        pane = self.active_pane
        from curhat_tui.ui.screens.counselor.history import HistoryModal
        self.app.push_screen(HistoryModal(pane.session.id if pane else None, pane.session.alias if pane else ""))

    def action_help(self) -> None:
        from curhat_tui.ui.screens.common.help import HelpModal
        self.app.push_screen(HelpModal())

    def action_practice_setup(self) -> None:
        from curhat_tui.ui.screens.counselor.practice_setup import open_practice_setup
        open_practice_setup(self)

    def action_client_rights(self) -> None:
        pane = self.active_pane
        from curhat_tui.ui.screens.counselor.client_rights import ClientRightsScreen
        self.app.push_screen(ClientRightsScreen(pane.session.alias if pane else ""))

    def action_export(self) -> None:
        self.query_one(NotesForm).flush()  # the note as typed so far is what gets exported
        pane = self.active_pane
        from curhat_tui.ui.screens.common.export import ExportModal
        self.app.push_screen(ExportModal(pane.session if pane else None))

    # ---- the reply box: insertions, quick replies, the call link ------------------------
    def _composer(self) -> Composer | None:
        pane = self._live_pane()
        return pane.composer if pane is not None and pane.loaded else None

    def action_undo_insert(self) -> None:
        composer = self._composer()
        if composer is not None and not composer.undo_insertion():
            self.app.notify(self.app.t("reply.nothing_to_undo"), severity="warning")

    def action_clear_draft(self) -> None:
        composer = self._composer()
        if composer is None:
            return
        if composer.clear_draft():
            self.app.notify(self.app.t("reply.cleared"))
        else:
            self.app.notify(self.app.t("reply.empty"))

    def action_quick_replies(self) -> None:
        pane = self._live_pane()
        if pane is None or not pane.loaded:
            return
        left = countdown(pane.session.deadline, self.app.clock.now()).remaining_seconds
        composer = pane.composer

        def chosen(line: str | None) -> None:
            if line is not None and composer.is_attached:
                composer.insert_snippet(line)
            elif composer.is_attached:
                composer.focus()
        from curhat_tui.ui.screens.counselor.quick_replies import QuickRepliesModal
        self.app.push_screen(QuickRepliesModal(pane.session.alias, self.app.workstation.counselor, int(left // 60)),
                             chosen)

    def action_call_link(self) -> None:
        """Show the exact message with the session's call link; sent through the outbox only once confirmed."""
        pane = self._live_pane()
        if pane is None:
            return
        session_id, alias = pane.session.id, pane.session.alias
        calls = self.app.workstation.calls

        async def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                sent = await calls.send(session_id)
            except ConsentWithdrawn as exc:
                from curhat_tui.ui.screens.counselor.client_rights import when
                self.app.notify(self.app.t("rights.send_refused", alias=alias,
                                           date=when(self.app, exc.withdrawal.withdrawn_at)), severity="error")
                return
            if sent is None:
                self.app.notify(self.app.t("call.failed", alias=alias), severity="error")
            else:
                self.app.notify(self.app.t("call.sent", alias=alias))
        from curhat_tui.ui.screens.counselor.call_link import CallLinkModal
        self.app.push_screen(CallLinkModal(alias, calls.message(session_id)), confirmed)

    # ---- after a high-risk session: a debrief ------------------------------------------------
    def other_event(self, event: Event) -> None:
        """The workstation events MainScreen.handle leaves to the actions."""
        if isinstance(event, DebriefDue):
            self.debriefs_due.append(event)
            self._ask_debriefs()

    def _ask_debriefs(self) -> None:
        """Ask for the debriefs due, one at a time; never over the screen lock (asked once it is unlocked)."""
        if not self.debriefs_due or self.app.lock_screen is not None:
            return
        from curhat_tui.ui.screens.counselor.debrief import DebriefModal
        if isinstance(self.app.screen, DebriefModal):
            return
        due = self.debriefs_due.pop(0)
        self.app.push_screen(DebriefModal(due.session_id, due.alias), lambda _: self._ask_debriefs())

    def on_screen_resume(self) -> None:
        self._ask_debriefs()
        self.call_after_refresh(self.settle_focus)  # a dialog closed: typing must land somewhere

    # ---- where typing lands ------------------------------------------------------------------
    def settle_focus(self, *, move: bool = False) -> None:
        """Give the focus back to where typing belongs when it was lost (nothing focused, a part gone or hidden,
        the tab strip), or always with `move` (a session closed): the active chat's reply box, else the queue,
        where keys do no harm. Focus the counselor put on a note field or the transcript stays there."""
        if self.app.screen is not self:
            return  # a dialog or the wrap-up is on top: this runs again when it closes
        focused = self.focused
        lost = focused is None or not focused.is_attached or not focused.visible or focused.region.area == 0 \
            or isinstance(focused, Tabs)
        if not (move or lost):
            return
        pane = self.active_pane
        if pane is not None and pane.loaded and pane.session.status is SessionStatus.ACTIVE:
            pane.composer.focus()
            return
        queue = self.query_one(QueueTable)
        if queue.region.area > 0:
            queue.focus()
        elif pane is not None and pane.loaded and pane.transcript is not None:
            pane.transcript.focus()  # the queue is hidden (Ctrl+B): the chat in wrap-up, read-only

    def action_appointments(self) -> None:
        """Today's appointments and what became of each (ui/screens/counselor/appointments.py)."""
        from curhat_tui.ui.screens.counselor.appointments import AppointmentsModal

        self.app.push_screen(AppointmentsModal())
