"""The Textual application: wires the workstation's events to the screens. No business rules."""

from __future__ import annotations

from dataclasses import dataclass

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.message import Message
from textual.worker import Worker, WorkerState

from .datafiles import ServiceData
from .domain.clock import Clock
from .domain.i18n import Catalogue
from .screens.main import MainScreen
from .widgets.localize import localize_bindings
from .workstation import (
    ClientTyping, Connection, MessageAdded, MessageUpdated, Notice, QueueChanged, SessionChanged, SessionClosed,
    SessionOpened, Workstation, WorkstationEvent,
)

TICK_SECONDS = 0.5


class CurhatApp(App):
    TITLE = "curhat-tui"
    CSS = """
    Screen { background: $background; }
    """
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+p", "command_palette", "Commands", id="app.palette", priority=True, show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
    ]

    @dataclass
    class WsEvent(Message):
        event: WorkstationEvent

    def __init__(self, workstation: Workstation, data: ServiceData, clock: Clock, lang: str = "id",
                 keymap: dict[str, str] | None = None, blink: bool = True, tick: bool = True,
                 key_guard: float = 0.6) -> None:
        super().__init__()
        self.workstation = workstation
        self.data = data
        self.clock = clock
        self.t = Catalogue(data.strings, lang)
        self.blink = blink
        self.ticking = tick
        self.key_guard = key_guard  # seconds after F2 in which the screener ignores typed-through keys
        self.keymap_overrides = {f"flag.{item.id}": item.key for item in data.redflags.items}
        self.keymap_overrides.update(keymap or {})
        workstation.listen(lambda event: self.post_message(self.WsEvent(event)))

    def notify(self, message: str, *, markup: bool = False, **kwargs):
        """Notifications carry client aliases and error text: never read them as markup."""
        return super().notify(message, markup=markup, **kwargs)

    def highlight_spans(self, text: str) -> list[tuple[int, int]]:
        return [(hit.start, hit.end) for hit in self.data.phrases.scan(text)]

    async def on_mount(self) -> None:
        localize_bindings(self)
        self.set_keymap(self.keymap_overrides)
        self.main = MainScreen(restoring=bool(self.workstation.open_sessions()))
        await self.push_screen(self.main)
        await self.workstation.start()
        if self.ticking:
            self.set_interval(TICK_SECONDS, self.tick)

    def push_screen(self, screen, *args, **kwargs):
        """Every screen's key descriptions come from the catalogue."""
        if not isinstance(screen, str):
            localize_bindings(screen)
        return super().push_screen(screen, *args, **kwargs)

    def tick(self) -> None:
        """Advance the workstation (arrivals, replies, warnings) and redraw the clocks."""
        self.workstation.tick()
        self.main.tick()

    async def on_curhat_app_ws_event(self, message: "CurhatApp.WsEvent") -> None:
        event = message.event
        main = self.main
        match event:
            case QueueChanged():
                main.refresh_queue()
            case SessionOpened(session=session):
                await main.open_pane(session)
            case MessageAdded(message=msg):
                main.message_added(msg)
            case MessageUpdated(message=msg):
                main.message_updated(msg)
            case ClientTyping(session_id=sid, typing=typing):
                main.typing(sid, typing)
            case SessionChanged(session=session):
                main.session_changed(session)
            case SessionClosed(session_id=sid):
                await main.close_pane(sid)
            case Notice(key=key, values=values, severity=severity):
                self.notify(self.t(key, **values), severity=severity, timeout=8)
                if severity == "error":
                    self.bell()
            case Connection():
                main.tick()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed background job is shown, never fatal."""
        if event.state is WorkerState.ERROR:
            self.notify(self.t("error.background", error=str(event.worker.error)), severity="error", timeout=15)

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=self.t("palette.placeholder")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers what the current screen can do, in the session language."""
        seen = set()
        for bindings in screen._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.id in seen or not binding.id or binding.id.startswith("main.pane") \
                        or binding.id == "main.next_pane_page":
                    continue
                seen.add(binding.id)
                yield SystemCommand(binding.description, self.get_key_display(binding),
                                    lambda action=binding.action: screen.run_action(action))
        yield SystemCommand(self.t("key.quit"), "ctrl+q", self.action_quit)

    def key_help(self) -> list[tuple[str, str]]:
        """(key, what it does) for every binding of the main screen, in the session language."""
        rows = []
        for key, bindings in self.main._bindings.key_to_bindings.items():
            for binding in bindings:
                if binding.id and f"key.{binding.id}" in self.t.strings:  # ours, described in the catalogue
                    rows.append((self.get_key_display(binding), binding.description))
        rows += [("tab / shift+tab", self.t("key.focus")), (self.t("key.enter"), self.t("key.enter_desc")), ("ctrl+j", self.t("key.newline")),
                 ("ctrl+s", self.t("key.wrapup.close")), ("ctrl+q", self.t("key.quit"))]
        return rows

    async def action_quit(self) -> None:
        notes = self.main.query("NotesForm")
        for form in notes:
            form.flush()
        await self.workstation.stop()
        self.exit()
