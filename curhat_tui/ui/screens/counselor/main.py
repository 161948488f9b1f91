"""The counselor's main screen: queue, chat panes, red-flag checklist and notes, redrawn from workstation events.

Below 160 columns one chat shows at a time under the tab strip; from 160 columns the two (from 200 the three) most
recently focused chats stand side by side, the focused one marked, and the red-flag panel and the notes are always
the focused chat's. The tab strip shows every session's state (`widgets/tab_strip.py`). The actions (accept, send,
flag, end, transfer, the dialogs) live in `session_actions`, moving between chats and panels in `pane_moves`."""

from __future__ import annotations

from collections.abc import Iterator

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import ContentSwitcher, Static, TabbedContent, TabPane

from curhat_tui.config.datafiles import REQUIRED_ITEMS
from curhat_tui.domain.clock import clock_time
from curhat_tui.domain.models import Message, Session
from curhat_tui.services.events import (
    ClientTyping,
    Connection,
    Event,
    MessageAdded,
    MessageRevised,
    MessageUpdated,
    NoteChanged,
    Notice,
    QueueChanged,
    SessionChanged,
    SessionClosed,
    SessionOpened,
    WhisperArrived,
)
from curhat_tui.ui.screens.counselor.lock_warnings import TOAST_SECONDS, LockWarnings
from curhat_tui.ui.screens.counselor.pane_moves import PaneMoves
from curhat_tui.ui.screens.counselor.widths import NARROW_WIDTH, SIDE_PANEL_WIDTH, THREE_PANES_WIDTH, WIDE_WIDTH
from curhat_tui.ui.widgets.chat_pane import ChatPane
from curhat_tui.ui.widgets.chat_tabs import ChatTabs
from curhat_tui.ui.widgets.composer import ALT_DIGIT_KEYS
from curhat_tui.ui.widgets.footer import KeysFooter
from curhat_tui.ui.widgets.notes_form import NotesForm
from curhat_tui.ui.widgets.queue_panel import QueuePanel
from curhat_tui.ui.widgets.redflag_panel import RedFlagPanel
from curhat_tui.ui.widgets.tab_strip import fit_labels

FLAG_KEYS = ("f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9")


class MainScreen(PaneMoves):
    DEFAULT_CSS = """
    MainScreen #topbar { height: 1; background: $primary 30%; padding: 0 1; }
    MainScreen #topbar.-practice { background: $warning 45%; }
    MainScreen #body { height: 1fr; }
    MainScreen #center { width: 1fr; }
    MainScreen #side { width: 40; border-left: vkey $panel; }
    MainScreen #empty { height: 1fr; content-align: center middle; color: $text-muted; display: none; }
    MainScreen TabbedContent { height: 1fr; }
    MainScreen TabPane { padding: 0; height: 1fr; }
    MainScreen.-hide-queue QueuePanel { display: none; }
    MainScreen.-hide-side #side { display: none; }
    MainScreen.-narrow QueuePanel { width: 33; }
    MainScreen.-narrow #side { width: 36; }
    MainScreen.-empty TabbedContent { display: none; }
    MainScreen.-empty NotesForm { display: none; }
    MainScreen.-empty #empty { display: block; }
    MainScreen.-wide #chats ContentSwitcher { layout: horizontal; }
    MainScreen.-wide #chats TabPane { width: 1fr; }
    MainScreen.-wide ChatPane { border: round $panel-lighten-2; border-title-color: $text-muted; }
    MainScreen.-wide ChatPane.-focused { border: heavy $accent; border-title-color: $accent;
        border-title-style: bold; }
    """

    BINDINGS = [
        Binding("ctrl+n", "accept_top", "Accept next", id="main.accept_top", priority=True),
        *[Binding(key, f"flag('{item}')", item, id=f"flag.{item}", priority=True, show=False)
          for key, item in zip(FLAG_KEYS, REQUIRED_ITEMS)],
        *[Binding(f"alt+{n},{ALT_DIGIT_KEYS[n - 1]}", f"switch({n})", f"Pane {n}", id=f"main.pane{n}", priority=True,
                  show=False) for n in range(1, 10)],
        Binding("ctrl+o", "next_pane", "Next pane", id="main.next_pane", priority=True),
        Binding("ctrl+pagedown", "next_pane", "Next pane", id="main.next_pane_page", priority=True, show=False),
        Binding("ctrl+pageup", "next_pane(-1)", "Previous pane", id="main.previous_pane", priority=True, show=False),
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
        self._recent: list[str] = []  # session ids, the most recently focused first
        self._labels: dict[str, tuple] = {}  # what each tab shows now, so an unchanged label is not set again
        self.lock_warnings = LockWarnings()  # a warning whose toast the lock covered is told again after it
        self.drawn = False  # the first frame is on screen: the footer and the note's fields come after it

    @staticmethod
    def _width_classes(width: int) -> list[str]:
        return ((["-narrow"] if width < NARROW_WIDTH else []) + (["-hide-side"] if width < SIDE_PANEL_WIDTH else [])
                + (["-wide"] if width >= WIDE_WIDTH else []))

    @property
    def side_by_side(self) -> int:
        """How many chats stand side by side: 1 (tabs only), 2 or 3."""
        width = self.app.size.width
        return 1 if width < WIDE_WIDTH else 2 if width < THREE_PANES_WIDTH else 3

    # ---- layout ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        with Horizontal(id="body"):
            yield QueuePanel()
            with Vertical(id="center"):
                yield Static(Text(self.app.t("main.no_sessions")), id="empty")
                with ChatTabs(id="chats"):
                    yield from self._restored_tabs()
            with Vertical(id="side"):
                yield RedFlagPanel(id="flags")
                yield NotesForm(blink=self.app.blink, id="notes")

    def _restored_tabs(self) -> Iterator[TabPane]:
        """The sessions open at the last stop, composed with the screen (laid out once, not once per tab). The
        first one's chat is built now, the others' when first shown (`ChatPane.prime` tells their tabs meanwhile)."""
        for index, session in enumerate(self.app.workstation.desk.open_sessions()):
            pane = self.panes[session.id] = ChatPane(session, blink=self.app.blink)
            self._recent.append(session.id)
            yield TabPane(Content(f"{index + 1} {session.alias}"), *([] if index else [pane]), id=f"tab-{session.id}")

    async def on_mount(self) -> None:
        self.refresh_queue()
        for pane in list(self.panes.values())[1:]:
            pane.prime()
        if self.panes:
            self.action_switch(1)
        await self._active_changed()
        self.tick()
        self.app.after_first_frame(self._after_first_frame)

    async def _after_first_frame(self) -> None:
        """Built once the desk is on screen: the key bar and the note's fields; until then a note waits in the store."""
        if not self.is_attached:  # the app quit before its first frame was out
            return
        self.drawn = True
        await self.mount(KeysFooter())
        self.refresh_bindings()  # a footer mounted late missed the screen's first "bindings updated": draw its keys
        await self._active_changed()

    def on_resize(self, event) -> None:
        wanted = self._width_classes(event.size.width)
        names = ("-narrow", "-hide-side", "-wide") if not self._manual_layout else ("-wide",)
        for name in names:
            if self.has_class(name) != (name in wanted):
                self.set_class(name in wanted, name)
        self._show_panes()
        self.call_after_refresh(self.relabel)  # the strip's width changed

    # ---- what the workstation tells us -------------------------------------------
    async def handle(self, event: Event) -> None:
        """Every workstation event reaches the screen here and goes to the part it changes."""
        match event:
            case QueueChanged():
                self.refresh_queue()
            case SessionOpened(session=session, focus=focus):  # a handover opens beside, unless it's the only chat
                await self.open_pane(session, focus=focus or not self.panes)
            case MessageAdded(message=message):
                self.message_added(message)
            case MessageUpdated(message=message):
                self.message_updated(message)
            case MessageRevised(message=message):
                self.message_revised(message)
            case ClientTyping(session_id=session_id, typing=typing):
                self.typing(session_id, typing)
            case SessionChanged(session=session):
                self.session_changed(session)
            case SessionClosed(session_id=session_id):
                await self.close_pane(session_id)
            case NoteChanged(session_id=session_id, fields=fields):
                self.query_one(NotesForm).note_changed(session_id, fields)
            case WhisperArrived(session_id=session_id, author=author, text=text):
                self.whisper(session_id, author, text)
            case Connection():
                self.tick()
            case Notice():
                self.lock_warnings.notice(event, self.app.clock.now(), self.app.lock_screen is not None)
            case _:
                self.other_event(event)  # session_actions: the debrief after a high-risk session

    def refresh_queue(self) -> None:
        self.query_one(QueuePanel).show(self.app.workstation.desk.queue(), self.app.clock.now())

    async def open_pane(self, session: Session, focus: bool = True) -> ChatPane:
        """Add a session's pane (the ones open at start-up come with the screen: `_restored_tabs`)."""
        if session.id in self.panes:
            return self.panes[session.id]
        pane = self.panes[session.id] = ChatPane(session, blink=self.app.blink)
        tabs = self.query_one(TabbedContent)
        await tabs.add_pane(TabPane(Content(f"{len(self.panes)} {session.alias}"), pane, id=f"tab-{session.id}"))
        self._recent.append(session.id)
        if self.has_class("-empty"):
            self.remove_class("-empty")
        if focus:
            tabs.active = f"tab-{session.id}"
            await self._active_changed()
            pane.focus_composer()
        else:
            self._show_panes()
        self.relabel()
        return pane

    async def close_pane(self, session_id: str) -> None:
        pane = self.panes.pop(session_id, None)
        if pane is None:
            return
        was_active = pane is self.active_pane
        self._recent = [sid for sid in self._recent if sid != session_id]
        self._labels.clear()  # the panes after it are numbered anew
        await self.query_one(TabbedContent).remove_pane(f"tab-{session_id}")
        if self.has_class("-empty") != (not self.panes):
            self.set_class(not self.panes, "-empty")
        await self._active_changed()
        self.relabel()
        self.settle_focus(move=was_active)  # typing goes on in the chat now in front (or the queue)

    def message_added(self, message: Message) -> None:
        if pane := self.panes.get(message.session_id):
            pane.add_message(message)
            if pane is self.active_pane:
                self._show_flags()
            self.relabel()

    def message_updated(self, message: Message) -> None:
        if pane := self.panes.get(message.session_id):
            pane.update_message(message)

    def message_revised(self, message: Message) -> None:
        if pane := self.panes.get(message.session_id):
            pane.revise_message(message)
            if pane is self.active_pane:
                self._show_flags()
            self.relabel()

    def whisper(self, session_id: str, author: str, text: str) -> None:
        if (pane := self.panes.get(session_id)) and pane.loaded:
            pane.set_whisper(author, text)

    def typing(self, session_id: str, typing: bool) -> None:
        if pane := self.panes.get(session_id):
            pane.set_typing(typing)
            self.relabel()

    def session_changed(self, session: Session) -> None:
        if pane := self.panes.get(session.id):
            pane.set_session(session)
            if pane is self.active_pane:
                self._show_flags()
            self.relabel()
        self.ended(session)

    def relabel(self) -> None:
        """Every tab's label from its session's state, fitted to the strip's width so that none is cut.

        A running session counts down (or, when space is short, shows a glyph from the warning on); one ended
        or handed over shows its state instead, never a countdown."""
        if not self.panes:
            return
        tabs = self.query_one(TabbedContent)
        labels = fit_labels([pane.tab_state() for pane in self.panes.values()], self.app.t, tabs.size.width)
        for session_id, label in zip(self.panes, labels):
            shown = (label.plain, tuple(label.spans))
            if self._labels.get(session_id) == shown:
                continue
            try:
                tabs.get_tab(f"tab-{session_id}").label = label
            except Exception:  # noqa: BLE001 - tab not mounted yet
                continue
            self._labels[session_id] = shown

    def refresh_highlights(self) -> None:
        for pane in self.panes.values():
            pane.refresh_risk()
        self.relabel()

    def tick(self) -> None:
        """Once a second: clocks, countdowns, waiting times, the tab strip, the top bar."""
        app = self.app
        now = app.clock.now()
        for notice in self.lock_warnings.tick(app.lock_screen is not None, now):
            app.notify(app.t(notice.key, **notice.values), severity=notice.severity, timeout=TOAST_SECONDS)
        self.query_one(QueuePanel).tick(now)
        for pane in self.panes.values():
            pane.refresh_clock()
        self.relabel()
        parts = [app.t("top.practice")] if app.workstation.simulated else []
        who = "top.trainee" if app.workstation.role == "trainee" else "top.counselor"
        parts += [app.t(who, name=app.workstation.counselor), app.t(f"conn.{app.workstation.desk.connection}"),
                  clock_time(app.clock, now), "curhat-tui"]
        bar = self.query_one("#topbar", Static)
        bar.set_class(app.workstation.simulated, "-practice")
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
        if pane is not None and self._recent[:1] != [pane.session.id]:
            self._recent = [pane.session.id, *(sid for sid in self._recent if sid != pane.session.id)]
        self._show_panes()
        notes = self.query_one(NotesForm)
        if self.drawn and notes.session_id != (pane.session.id if pane else None):
            await notes.load(pane.session.id if pane else None)
        self._show_flags()

    def _show_panes(self) -> None:
        """Side by side: the focused chat and the most recently focused others, in tab order, the focused one
        marked; in tabs, the focused chat alone (the tab strip's own way)."""
        active = self.active_pane
        count = self.side_by_side if self.has_class("-wide") else 1
        first = [active.session.id] if active is not None else []
        shown = set((first + [sid for sid in self._recent if sid not in first])[:count])
        switcher = self.query_one(TabbedContent).query_one(ContentSwitcher)
        with self.app.batch_update():
            for index, (session_id, pane) in enumerate(self.panes.items(), 1):
                visible = session_id in shown if count > 1 else pane is active
                try:
                    tab_pane = switcher.get_child_by_id(f"tab-{session_id}")
                except Exception:  # noqa: BLE001 - not mounted yet
                    continue
                if tab_pane.display != visible:
                    tab_pane.display = visible
                if visible and pane.parent is None:
                    tab_pane.mount(pane)  # shown for the first time: built now
                focused = pane is active and count > 1
                if pane.has_class("-focused") != focused:
                    pane.set_class(focused, "-focused")
                key = "pane.title_focused" if focused else "pane.title"
                pane.border_title = self.app.t(key, index=index, alias=pane.session.alias) if count > 1 else None

    def _show_flags(self) -> None:
        pane, panel = self.active_pane, self.query_one(RedFlagPanel)
        if pane is not None:
            panel.show(self.app.workstation.flags.flags(pane.session.id), pane.suggested,
                       lambda ts: clock_time(self.app.clock, ts))
        elif panel.ticked or panel.suggested:
            panel.show({}, [], lambda ts: "")
