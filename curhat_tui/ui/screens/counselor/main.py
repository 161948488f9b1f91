"""The counselor's main screen: queue, chat panes, red-flag checklist and notes."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from curhat_tui.config.datafiles import REQUIRED_ITEMS
from curhat_tui.domain.clock import clock_time
from curhat_tui.domain.models import Message, Session, SessionStatus
from curhat_tui.ui.widgets.chat_pane import ChatPane
from curhat_tui.ui.widgets.composer import ALT_DIGIT_KEYS, Composer
from curhat_tui.ui.widgets.notes_form import NotesForm
from curhat_tui.ui.widgets.queue_panel import QueuePanel, QueueTable
from curhat_tui.ui.widgets.redflag_panel import RedFlagPanel
from curhat_tui.services.privacy import ConsentWithdrawn
from curhat_tui.services.workstation import AcceptError
from curhat_tui.ui.screens.counselor.client_rights import ClientRightsScreen, when
from curhat_tui.ui.screens.common.confirm import ConfirmModal
from curhat_tui.ui.screens.common.export import ExportModal
from curhat_tui.ui.screens.counselor.extend import ExtendModal
from curhat_tui.ui.screens.common.help import HelpModal
from curhat_tui.ui.screens.counselor.history import HistoryModal
from curhat_tui.ui.screens.counselor.practice_setup import open_practice_setup
from curhat_tui.ui.screens.counselor.screener import ScreenerModal
from curhat_tui.ui.screens.counselor.transfer import TransferModal
from curhat_tui.ui.screens.counselor.wrapup import WrapUpScreen

NARROW_WIDTH = 140
SIDE_PANEL_WIDTH = 120  # below this the chat gets the room; Ctrl+R shows the panels
FLAG_KEYS = ("f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9")



class MainScreen(Screen):
    DEFAULT_CSS = """
    MainScreen #topbar { height: 1; background: $primary 30%; padding: 0 1; }
    MainScreen #topbar.-practice { background: $warning 45%; }
    MainScreen #body { height: 1fr; }
    MainScreen #center { width: 1fr; }
    MainScreen #side { width: 40; border-left: vkey $panel; }
    MainScreen #empty { height: 1fr; content-align: center middle; color: $text-muted; }
    MainScreen TabbedContent { height: 1fr; }
    MainScreen TabPane { padding: 0; height: 1fr; }
    MainScreen.-hide-queue QueuePanel { display: none; }
    MainScreen.-hide-side #side { display: none; }
    MainScreen.-narrow QueuePanel { width: 33; }
    MainScreen.-narrow #side { width: 36; }
    MainScreen.-empty TabbedContent { display: none; }
    MainScreen.-empty NotesForm { display: none; }
    MainScreen #empty { display: none; }
    MainScreen.-empty #empty { display: block; }
    """

    BINDINGS = [
        Binding("ctrl+n", "accept_top", "Accept next", id="main.accept_top", priority=True),
        *[Binding(key, f"flag('{item}')", item, id=f"flag.{item}", priority=True, show=False)
          for key, item in zip(FLAG_KEYS, REQUIRED_ITEMS)],
        *[Binding(f"alt+{n},{ALT_DIGIT_KEYS[n - 1]}", f"switch({n})", f"Pane {n}", id=f"main.pane{n}", priority=True,
                  show=False) for n in range(1, 10)],
        Binding("ctrl+o", "next_pane", "Next pane", id="main.next_pane", priority=True),
        Binding("ctrl+pagedown", "next_pane", "Next pane", id="main.next_pane_page", priority=True, show=False),
        Binding("ctrl+pageup", "previous_pane", "Previous pane", id="main.previous_pane", priority=True, show=False),
        Binding("ctrl+t", "end_session", "End", id="main.end", priority=True),
        Binding("ctrl+g", "extend", "+15", id="main.extend", priority=True),
        Binding("ctrl+l", "history", "History", id="main.history", priority=True),
        Binding("ctrl+f", "transfer", "Transfer", id="main.transfer", priority=True),
        Binding("ctrl+b", "toggle_queue", "Queue", id="main.toggle_queue", priority=True),
        Binding("ctrl+r", "toggle_side", "Panels", id="main.toggle_side", priority=True),
        Binding("f1", "help", "Help", id="main.help", priority=True),
        Binding("f12", "practice_setup", "Practice client", id="main.practice_setup", priority=True),
        Binding("f10", "client_rights", "Client rights", id="main.client_rights", priority=True, show=False),
        Binding("alt+e", "export", "Export", id="main.export", priority=True, show=False),
    ]

    def __init__(self, restoring: bool = False) -> None:
        # classes set before mounting cost nothing; each change after mount restyles the screen
        super().__init__(classes=" ".join(self._width_classes(self.app.size.width) + ([] if restoring else ["-empty"])))
        self.panes: dict[str, ChatPane] = {}
        self._manual_layout = False

    @staticmethod
    def _width_classes(width: int) -> list[str]:
        return (["-narrow"] if width < NARROW_WIDTH else []) + (["-hide-side"] if width < SIDE_PANEL_WIDTH else [])

    # ---- layout ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        with Horizontal(id="body"):
            yield QueuePanel()
            with Vertical(id="center"):
                yield Static(Text(self.app.t("main.no_sessions")), id="empty")
                yield TabbedContent(id="chats")
            with Vertical(id="side"):
                yield RedFlagPanel(id="flags")
                yield NotesForm(blink=self.app.blink, id="notes")
        yield Footer()

    async def on_mount(self) -> None:
        self.refresh_queue()
        for index, session in enumerate(self.app.workstation.open_sessions()):
            await self.open_pane(session, focus=False, lazy=index > 0)
        if self.panes:
            self.action_switch(1)
        await self._active_changed()
        self.tick()

    def on_resize(self, event) -> None:
        if not self._manual_layout:
            self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        wanted = self._width_classes(width)
        for name in ("-narrow", "-hide-side"):
            if self.has_class(name) != (name in wanted):
                self.set_class(name in wanted, name)

    # ---- what the workstation tells us -------------------------------------------
    def refresh_queue(self) -> None:
        self.query_one(QueuePanel).show(self.app.workstation.queue(), self.app.clock.now())

    async def open_pane(self, session: Session, focus: bool = True, lazy: bool = False) -> ChatPane:
        """Add a session's pane; `lazy` panes mount after the first frame (restored, not yet shown)."""
        if session.id in self.panes:
            return self.panes[session.id]
        pane = ChatPane(session, blink=self.app.blink)
        self.panes[session.id] = pane
        tabs = self.query_one(TabbedContent)
        await tabs.add_pane(TabPane(Content(pane.tab_label(len(self.panes))), Lazy(pane) if lazy else pane,
                                    id=f"tab-{session.id}"))
        if self.has_class("-empty"):
            self.remove_class("-empty")
        if focus:
            tabs.active = f"tab-{session.id}"
            await self._active_changed()
            pane.focus_composer()
        return pane

    async def close_pane(self, session_id: str) -> None:
        pane = self.panes.pop(session_id, None)
        if pane is None:
            return
        await self.query_one(TabbedContent).remove_pane(f"tab-{session_id}")
        if self.has_class("-empty") != (not self.panes):
            self.set_class(not self.panes, "-empty")
        await self._active_changed()

    def message_added(self, message: Message) -> None:
        pane = self.panes.get(message.session_id)
        if pane:
            pane.add_message(message)
            if pane is self.active_pane:
                self._show_flags()

    def message_updated(self, message: Message) -> None:
        pane = self.panes.get(message.session_id)
        if pane:
            pane.update_message(message)

    def whisper(self, session_id: str, author: str, text: str) -> None:
        pane = self.panes.get(session_id)
        if pane and pane.loaded:
            pane.set_whisper(author, text)

    def typing(self, session_id: str, typing: bool) -> None:
        pane = self.panes.get(session_id)
        if pane:
            pane.set_typing(typing)

    def session_changed(self, session: Session) -> None:
        pane = self.panes.get(session.id)
        if pane:
            pane.set_session(session)
            if pane is self.active_pane:
                self._show_flags()

    def tick(self) -> None:
        """Once a second: clocks, countdowns, waiting times, the top bar."""
        app = self.app
        now = app.clock.now()
        self.query_one(QueuePanel).tick(now)
        tabs = self.query_one(TabbedContent)
        for index, (session_id, pane) in enumerate(self.panes.items(), 1):
            pane.refresh_clock()
            try:
                tabs.get_tab(f"tab-{session_id}").label = Content(pane.tab_label(index))
            except Exception:  # noqa: BLE001 - tab not mounted yet
                pass
        t = app.t
        parts = [t("top.practice")] if app.workstation.channel.simulated else []
        parts += [t("top.counselor", name=app.workstation.counselor), t(f"conn.{app.workstation.connection}"),
                  clock_time(app.clock, now), "curhat-tui"]
        bar = self.query_one("#topbar", Static)
        bar.set_class(app.workstation.channel.simulated, "-practice")
        bar.update(Text(" · ".join(parts)))

    # ---- the active pane and its side panel --------------------------------------
    @property
    def active_pane(self) -> ChatPane | None:
        active = self.query_one(TabbedContent).active
        return self.panes.get(active.removeprefix("tab-")) if active else None

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self) -> None:
        await self._active_changed()

    async def _active_changed(self) -> None:
        pane = self.active_pane
        notes = self.query_one(NotesForm)
        if notes.session_id != (pane.session.id if pane else None):
            await notes.load(pane.session.id if pane else None)
        self._show_flags()

    def _show_flags(self) -> None:
        pane = self.active_pane
        panel = self.query_one(RedFlagPanel)
        if pane is None:
            if panel.ticked or panel.suggested:
                panel.show({}, [], lambda ts: "")
            return
        panel.show(self.app.workstation.flags(pane.session.id), pane.suggested,
                   lambda ts: clock_time(self.app.clock, ts))

    # ---- accepting clients ------------------------------------------------------
    @on(QueueTable.Accept)
    def _accept_highlighted(self, event: QueueTable.Accept) -> None:
        self.accept(event.visit_id)

    def action_accept_top(self) -> None:
        self.accept(None)

    @work(group="accept", exclusive=False, exit_on_error=False)
    async def accept(self, visit_id: str | None) -> None:
        t = self.app.t
        try:
            session = await self.app.workstation.accept(visit_id)
        except AcceptError as exc:
            key = {"left": "accept.left", "taken": "accept.taken", "empty": "accept.empty",
                   "consent": "rights.accept_refused"}.get(exc.reason, "accept.failed")
            self.app.notify(t(key, by=exc.by), severity="warning")
            return
        await self.open_pane(session)  # also announced by SessionOpened; opening twice is a no-op

    # ---- chatting ---------------------------------------------------------------
    def _pane_of(self, composer: Composer) -> ChatPane | None:
        return next((p for p in self.panes.values() if p.composer is composer), None)

    @on(Composer.Submitted)
    def _send(self, event: Composer.Submitted) -> None:
        pane = self._pane_of(event.composer)
        if pane is None or pane.session.status is not SessionStatus.ACTIVE:
            return
        ws = self.app.workstation
        try:
            message = ws.queue_message(pane.session.id, event.text, event.script_ids)
        except ConsentWithdrawn as exc:  # the text stays in the box; nothing is stored or sent
            self.app.notify(self.app.t("rights.send_refused", alias=pane.session.alias,
                                       date=when(self.app, exc.withdrawal.withdrawn_at)), severity="error")
            return
        except Exception as exc:  # noqa: BLE001 - keep the text in the box and say why
            self.app.notify(self.app.t("send.store_failed", error=str(exc)), severity="error")
            return
        if message is not None:
            event.composer.sent()
            self.run_worker(ws.deliver(message), group="send", exit_on_error=False)
            if pane.counselor_typing:
                pane.counselor_typing = False
                self.run_worker(ws.counselor_typing(pane.session.id, False), group="typing", exit_on_error=False)

    @on(Composer.Changed)
    def _typing(self, event: Composer.Changed) -> None:
        pane = self._pane_of(event.text_area)
        if pane is None or pane.session.status is not SessionStatus.ACTIVE or not pane.loaded:
            return
        pane.schedule_draft()
        typing = bool(event.text_area.text.strip())
        if typing != pane.counselor_typing:
            pane.counselor_typing = typing
            self.run_worker(self.app.workstation.counselor_typing(pane.session.id, typing), group="typing",
                            exit_on_error=False)

    def action_switch(self, number: int) -> None:
        ids = list(self.panes)
        if 1 <= number <= len(ids):
            self.query_one(TabbedContent).active = f"tab-{ids[number - 1]}"
            self.panes[ids[number - 1]].focus_composer()

    def action_next_pane(self, step: int = 1) -> None:
        ids = list(self.panes)
        if not ids:
            return
        pane = self.active_pane
        current = ids.index(pane.session.id) if pane else -1
        self.action_switch((current + step) % len(ids) + 1)

    def action_previous_pane(self) -> None:
        self.action_next_pane(-1)

    # ---- red flags ----------------------------------------------------------------
    def action_flag(self, item_id: str) -> None:
        pane = self.active_pane
        t = self.app.t
        if pane is None or pane.session.status is not SessionStatus.ACTIVE:
            self.app.notify(t("flags.no_session"), severity="warning")
            return
        item = self.app.data.redflags.get(item_id)
        if item.screener:
            def answered(answers: dict | None) -> None:
                if answers is not None:
                    self._raise(pane, item_id, answers)
            self.app.push_screen(ScreenerModal(pane.session.alias, self.app.key_guard), answered)
        else:
            self._raise(pane, item_id, None)

    def _raise(self, pane: ChatPane, item_id: str, answers: dict | None) -> None:
        notes = self.query_one(NotesForm)
        notes.flush()  # typed note text first, so the flag's line is added to it, not overwritten by it
        loaded = self.app.workstation.raise_flag(pane.session.id, item_id, answers)
        pane.composer.load_script(loaded.text, loaded.script_id)
        pane.suggested = [i for i in pane.suggested if i != item_id]
        self.session_changed(self.app.workstation.store.session(pane.session.id))
        notes.reload_field("risk_screen")
        self.app.notify(self.app.t("flags.loaded", label=self.app.t.pick(self.app.data.redflags.get(item_id).label)))

    # ---- session lifecycle ------------------------------------------------------
    def action_end_session(self) -> None:
        pane = self.active_pane
        if pane is None:
            return
        if pane.session.status is not SessionStatus.ACTIVE:
            self._wrapup(pane.session)
            return

        async def confirmed(yes: bool | None) -> None:
            if yes:
                self.query_one(NotesForm).flush()
                session = await self.app.workstation.end(pane.session.id)
                pane.set_session(session)
                self._wrapup(session)
        self.app.push_screen(ConfirmModal(self.app.t("end.confirm", alias=pane.session.alias)), confirmed)

    def _wrapup(self, session: Session) -> None:
        async def done(closed: bool | None) -> None:
            if closed:
                await self.close_pane(session.id)
            else:
                await self.query_one(NotesForm).load(None)
                await self._active_changed()
        self.query_one(NotesForm).flush()
        self.app.push_screen(WrapUpScreen(session, blink=self.app.blink), done)

    def action_extend(self) -> None:
        pane = self.active_pane
        if pane is None or pane.session.status is not SessionStatus.ACTIVE:
            return

        def reason_given(reason: str | None) -> None:
            if reason:
                session = self.app.workstation.extend(pane.session.id, reason)
                pane.set_session(session)
                self.app.notify(self.app.t("extend.done", alias=session.alias))
        self.app.push_screen(ExtendModal(pane.session.alias), reason_given)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "transfer" and self.app.workstation.channel.simulated:
            return False  # handover is for real clients: not offered in practice
        if action == "practice_setup" and not self.app.workstation.channel.simulated:
            return False  # choosing a simulated client: practice only
        return True

    def action_transfer(self) -> None:
        pane = self.active_pane
        if pane is None or pane.session.status is not SessionStatus.ACTIVE:
            return
        if self.app.workstation.channel.simulated:
            self.app.notify(self.app.t("transfer.practice"), severity="warning")
            return

        async def chosen(answer: tuple[str, str] | None) -> None:
            if not answer:
                return
            note, to = answer
            self.query_one(NotesForm).flush()
            try:
                session = await self.app.workstation.transfer(pane.session.id, note, to)
            except Exception as exc:  # noqa: BLE001 - the session stays as it was; say why
                self.app.notify(self.app.t("transfer.failed", error=str(exc)), severity="error")
                return
            pane.set_session(session)
            self.app.notify(self.app.t("transfer.done", alias=session.alias))
            self._wrapup(session)
        self.app.push_screen(TransferModal(pane.session.alias), chosen)

    def action_history(self) -> None:
        pane = self.active_pane
        if pane is not None:
            self.app.push_screen(HistoryModal(pane.session.id, pane.session.alias))

    def action_toggle_queue(self) -> None:
        self._manual_layout = True
        self.toggle_class("-hide-queue")

    def action_toggle_side(self) -> None:
        self._manual_layout = True
        self.toggle_class("-hide-side")

    def action_help(self) -> None:
        self.app.push_screen(HelpModal())

    def action_practice_setup(self) -> None:
        open_practice_setup(self)

    def action_client_rights(self) -> None:
        pane = self.active_pane
        self.app.push_screen(ClientRightsScreen(pane.session.alias if pane else ""))

    def action_export(self) -> None:
        self.query_one(NotesForm).flush()  # the note as typed so far is what gets exported
        pane = self.active_pane
        self.app.push_screen(ExportModal(pane.session if pane else None))
