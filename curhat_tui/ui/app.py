"""The Textual application: wires the workstation's events to the screens. No business rules."""

from __future__ import annotations

from dataclasses import dataclass, replace

from collections.abc import Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.signal import Signal
from textual.message import Message
from textual.worker import Worker, WorkerState

from curhat_tui.config.datafiles import ServiceData
from curhat_tui.bootstrap import Parts
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.storage.database_key import Unlocker
from curhat_tui.ui.screens.common.lock import LockScreen
from curhat_tui.services.privacy import PurgeProgress
from curhat_tui.ui.screens.counselor.client_rights import PurgeNotifier
from curhat_tui.ui.screens.counselor.main import MainScreen
from curhat_tui.services.supervision import ReviewChanged, WhisperArrived
from curhat_tui.ui.widgets.composer import ALT_DIGIT_KEYS
from curhat_tui.ui.widgets.localize import localize_bindings
from curhat_tui.services.workstation import (
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
        Binding("ctrl+k", "lock", "Lock", id="app.lock", priority=True, show=False),
        Binding("alt+a", "audit_log", "Audit log", id="app.audit", priority=True, show=False),
    ]

    @dataclass
    class WsEvent(Message):
        event: WorkstationEvent

    def __init__(self, workstation: Workstation, data: ServiceData, clock: Clock, lang: str = "id",
                 keymap: dict[str, str] | None = None, blink: bool = True, tick: bool = True,
                 key_guard: float = 0.6, unlocker: Unlocker | None = None, lock_after: float = 0.0) -> None:
        super().__init__()
        self.workstation = workstation
        self.data = data
        self.clock = clock
        self.t = Catalogue(data.strings, lang)
        self.blink = blink
        self.ticking = tick
        if tick:
            workstation.first_purge_delay = 2.0  # the start-up retention purge runs once the screen is up
        self.key_guard = key_guard  # seconds after F2 in which the screener ignores typed-through keys
        self.keymap_overrides = {f"flag.{item.id}": item.key for item in data.redflags.items}
        self.keymap_overrides.update(keymap or {})
        self.unlocker = unlocker or Unlocker.in_memory()
        self.lock_after = lock_after  # seconds without key or mouse input before the screen locks; 0 = never
        self.last_input = clock.now()
        self.lock_screen: LockScreen | None = None
        self._held_notices: list[tuple[str, dict]] = []
        workstation.listen(lambda event: self.post_message(self.WsEvent(event)))
        self.purge_notifier = PurgeNotifier()

    def notify(self, message: str, *, markup: bool = False, **kwargs):
        """Notifications carry client aliases and error text: never read them as markup.

        While the screen is locked they are held and shown after unlocking."""
        if self.lock_screen is not None:
            self._held_notices.append((message, kwargs))
            return None
        return super().notify(message, markup=markup, **kwargs)

    def highlight_spans(self, text: str) -> list[tuple[int, int]]:
        return [(hit.start, hit.end) for hit in self.data.phrases.scan(text)]

    async def on_mount(self) -> None:
        localize_bindings(self)
        self.set_keymap(self.keymap_overrides)
        if self.workstation.role == "supervisor":
            from curhat_tui.ui.screens.supervisor.review import SupervisorScreen

            self.main = SupervisorScreen()
        else:
            self.main = MainScreen(restoring=bool(self.workstation.open_sessions()))
        await self.push_screen(self.main)
        await self.workstation.start()
        if self.ticking:
            self.set_interval(TICK_SECONDS, self.tick)
        if self.lock_after and self.unlocker.needs_setup:
            self.notify(self.t("lock.nudge", hotkey=self.get_key_display(self._binding("app.lock")),
                               minutes=f"{self.lock_after / 60:g}"), severity="warning", timeout=20)

    def push_screen(self, screen, *args, **kwargs):
        """Every screen's key descriptions come from the catalogue."""
        if not isinstance(screen, str):
            localize_bindings(screen)
        return super().push_screen(screen, *args, **kwargs)

    def tick(self) -> None:
        """Advance the workstation (arrivals, replies, warnings) and redraw the clocks."""
        self.workstation.tick()
        self.main.tick()
        self.release_removed_widgets()
        if (self.lock_after and self.lock_screen is None and not self.unlocker.needs_setup
                and self.clock.now() - self.last_input >= self.lock_after):
            self.lock(idle=True)

    def release_removed_widgets(self) -> None:
        """Drop what removed widgets still hold on live nodes, so that they can be freed.

        Textual forgets a watch only when the watched value next changes, and a signal subscription
        only when the signal is next published: every reply box and note field (a TextArea watches
        `app.theme` and subscribes to its screen's text-selection signal) and every footer key
        (`data_bind` on its Footer, which recomposes on each focus change) ever mounted would
        otherwise stay in memory for the whole shift (bench/soak.py found it). Likewise a node's
        query_one cache keeps answers from before its children changed, which can never be asked
        again (the key holds the change count) but pin removed tabs until 1,024 newer ones push them out."""
        nodes = [self, *(node for screen in self.screen_stack for node in screen.walk_children(with_self=True))]
        for node in nodes:
            for watchers in getattr(node, "__watchers", {}).values():
                if any(watcher._closing for watcher, _ in watchers):
                    watchers[:] = [(watcher, callback) for watcher, callback in watchers if not watcher._closing]
            cache = node._query_one_cache
            if cache and any(key[0] != node._nodes._updates for key in cache.keys()):
                cache.clear()
        for owner in (self, *self.screen_stack):
            for signal in list(vars(owner).values()):
                if isinstance(signal, Signal):
                    for subscriber in [node for node in list(signal._subscriptions) if node._closing]:
                        signal.unsubscribe(subscriber)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.last_input = self.clock.now()  # any key or mouse input postpones the idle lock
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.lock_screen is not None and action in ("lock", "command_palette", "quit", "audit_log"):
            return False  # while locked only the lock screen's passphrase field acts
        return True

    def action_lock(self) -> None:
        self.lock()

    def action_audit_log(self) -> None:
        """The audit log viewer, for supervisors; anyone else is told politely that it is not theirs."""
        from curhat_tui.ui.screens.supervisor.audit_view import AuditViewModal

        if self.workstation.role != "supervisor":
            self.notify(self.t("audit.refused"), severity="warning")
        elif not isinstance(self.screen, AuditViewModal):
            self.push_screen(AuditViewModal())

    def _binding(self, binding_id: str) -> Binding:
        """An app binding with the key it has after `[keys]` in config.toml."""
        binding = next(b for items in self._bindings.key_to_bindings.values() for b in items if b.id == binding_id)
        remapped = self._keymap.get(binding_id)
        return replace(binding, key=remapped) if remapped else binding

    def lock(self, idle: bool = False) -> None:
        """Cover every screen with the lock screen; the workstation keeps running underneath."""
        if self.lock_screen is not None:
            return
        self.lock_screen = LockScreen(self.unlocker, since=self.clock.now(),
                                      idle_minutes=self.lock_after / 60 if idle else 0)
        self.push_screen(self.lock_screen, self._unlocked)

    def _unlocked(self, _: None = None) -> None:
        self.lock_screen = None
        self.last_input = self.clock.now()
        held, self._held_notices = self._held_notices, []
        for message, kwargs in held:
            self.notify(message, **kwargs)

    async def on_curhat_app_ws_event(self, message: "CurhatApp.WsEvent") -> None:
        event = message.event
        main = self.main
        if self.workstation.role == "supervisor":
            if isinstance(event, Notice):
                self.notify(self.t(event.key, **event.values), severity=event.severity, timeout=8)
            else:
                main.handle(event)
            return
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
            case PurgeProgress():
                text = self.purge_notifier.message(self.t, event, self.workstation.privacy.policy)
                if text:
                    self.notify(text, timeout=8)
            case WhisperArrived(session_id=sid, author=author, text=text):
                main.whisper(sid, author, text)
                self.notify(self.t("whisper.notice", author=author, text=text), timeout=20)
            case ReviewChanged(session_id=sid, action=action, author=author):
                session = self.workstation.store.session(sid)
                self.notify(self.t(f"review.notice.{action}", author=author, alias=session.alias if session else sid),
                            timeout=12)

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
        if self.workstation.role == "supervisor" and not any(
                b.action == "app.audit_log" for items in screen._bindings.key_to_bindings.values() for b in items):
            yield SystemCommand(self.t("key.app.audit"), self.get_key_display(self._binding("app.audit")),
                                self.action_audit_log)
        yield SystemCommand(self.t("key.app.lock"), self.get_key_display(self._binding("app.lock")), self.action_lock)
        yield SystemCommand(self.t("key.quit"), "ctrl+q", self.action_quit)

    def key_help(self) -> list[tuple[str, str]]:
        """(key, what it does) for every binding of the main screen, in the session language."""
        rows = []
        for key, bindings in self.main._bindings.key_to_bindings.items():
            if key in ALT_DIGIT_KEYS:  # what some terminals send for Alt+1..9: listed once, as alt+N
                continue
            for binding in bindings:
                if binding.id and f"key.{binding.id}" in self.t.strings:  # ours, described in the catalogue
                    rows.append((self.get_key_display(binding), binding.description))
        rows += [("tab / shift+tab", self.t("key.focus")), (self.t("key.enter"), self.t("key.enter_desc")), ("ctrl+j", self.t("key.newline")),
                 ("ctrl+s", self.t("key.wrapup.close")), (self.get_key_display(self._binding("app.lock")), self.t("key.app.lock")),
                 ("ctrl+q", self.t("key.quit"))]
        if self.workstation.role == "supervisor":
            rows.insert(-2, (self.get_key_display(self._binding("app.audit")), self.t("key.app.audit")))
        return rows

    async def action_quit(self) -> None:
        notes = self.main.query("NotesForm")
        for form in notes:
            form.flush()
        await self.workstation.stop()
        self.exit()


def build_app(parts: Parts, *, lang: str = "id", blink: bool = False, tick: bool = False,
              keymap: dict[str, str] | None = None, key_guard: float = 0.0, unlocker: Unlocker | None = None,
              lock_after: float = 0.0) -> CurhatApp:
    """The app over bootstrapped parts. The defaults suit tests (no blinking, no timer, no typed-through guard,
    no idle lock); the CLI passes its own. Without an `unlocker` the first lock asks for a passphrase."""
    return CurhatApp(parts.workstation, parts.data, parts.clock, lang=lang, keymap=keymap, blink=blink, tick=tick,
                     key_guard=key_guard, unlocker=unlocker, lock_after=lock_after)
