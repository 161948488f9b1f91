"""The Textual application: wires the workstation's events to the screens. No business rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from curhat_tui.bootstrap import Parts
from curhat_tui.config.data_file import DataError
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.bursts import read_burst
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.services.events import Event, Notice, PurgeProgress, ReviewChanged, WhisperArrived
from curhat_tui.services.lock import Unlocker
from curhat_tui.services.workstation import Workstation
from curhat_tui.ui import startup_gc
from curhat_tui.ui.base import EventScreen
from curhat_tui.ui.compat import (
    bindings_by_key,
    frame_reached_terminal,
    keymap_of,
    read_alt_keys_in_bursts,
    release_removed_widgets,
    report_crash_without_locals,
)
from curhat_tui.ui.screens.common.help import offered
from curhat_tui.ui.screens.counselor.main import MainScreen
from curhat_tui.ui.widgets.composer import ALT_DIGIT_KEYS, MAC_OPTION_KEYS
from curhat_tui.ui.widgets.localize import localize_bindings, notice_text
from curhat_tui.ui.widgets.notes_form import NotesForm

if TYPE_CHECKING:
    from curhat_tui.ui.screens.common.lock import LockScreen
    from curhat_tui.ui.screens.counselor.client_rights import PurgeNotifier

TICK_SECONDS = 0.5


class CurhatApp(App):
    TITLE = "curhat-tui"
    CSS = """
    Screen { background: $background; }
    /* toasts at the top right, under the top bar: never over the reply box while the counselor types */
    ToastRack { dock: top; align: right top; margin: 1 0 0 0; max-height: 60%; }
    """
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+p", "command_palette", "Commands", id="app.palette", priority=True, show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
        Binding("ctrl+k", "lock", "Lock", id="app.lock", priority=True, show=False),
        Binding("alt+a", "audit_log", "Audit log", id="app.audit", priority=True, show=False),
    ]

    main: EventScreen  # the counselor's MainScreen or the SupervisorScreen, set on mount

    @dataclass
    class WsEvent(Message):
        """A workstation event, carried onto the app's message queue."""

        event: Event

    def __init__(self, workstation: Workstation, data: ServiceData, clock: Clock, lang: str = "id",
                 keymap: dict[str, str] | None = None, blink: bool = True, tick: bool = True,
                 key_guard: float = 0.6, unlocker: Unlocker | None = None, lock_after: float = 0.0) -> None:
        super().__init__()
        read_alt_keys_in_bursts()  # Alt+R then Down in one read: Alt+R, never "^r" in the reply box (compat.py)
        self.workstation = workstation
        self.data = data
        self.clock = clock
        self.t = Catalogue(data.strings, lang)
        self.blink = blink
        self.ticking = tick
        self.key_guard = key_guard  # seconds after F2 in which the screener ignores typed-through keys
        self.keymap_overrides = {f"flag.{item.id}": item.key for item in data.redflags.items}
        self.keymap_overrides.update(keymap or {})
        self.unlocker = unlocker or Unlocker.in_memory()
        self.lock_after = lock_after  # seconds without key or mouse input before the screen locks; 0 = never
        self.last_input = clock.now()
        self.lock_screen: LockScreen | None = None
        self._held_notices: list[tuple[str, dict]] = []
        workstation.listen(self._post_event)
        self._purge_notifier: PurgeNotifier | None = None  # made at the first purge: its screen loads on demand
        self.frame_shown = False  # the first frame with the desk in the screen stack has gone to the terminal
        self._after_frame: list[Callable] = []
        self._held_keys: list[events.Event] = []  # typed before the desk was there: replayed on it
        self._held_events: list[Event] = []  # told before the desk was there: it reads the store, then these
        self._quitting = False

    @property
    def purge_notifier(self) -> PurgeNotifier:
        if self._purge_notifier is None:
            from curhat_tui.ui.screens.counselor.client_rights import PurgeNotifier

            self._purge_notifier = PurgeNotifier()
        return self._purge_notifier

    def run(self, *args, **kwargs):
        """The real start (tests use run_test): the garbage collector waits until the first frame is on screen."""
        startup_gc.hold()
        try:
            return super().run(*args, **kwargs)
        finally:
            startup_gc.release()

    def after_first_frame(self, callback: Callable) -> None:
        """Run `callback` on the app's queue once the first frame has gone to the terminal (at once if it has):
        start-up work that can wait for the counselor to see the desk."""
        if self.frame_shown:
            self.call_later(callback)
        else:
            self._after_frame.append(callback)

    def _display(self, screen: Screen, renderable) -> None:
        """Textual's (compat.frame_reached_terminal), then the start-up work once the desk's first frame is out."""
        super()._display(screen, renderable)
        main = getattr(self, "main", None)
        if not self.frame_shown and main is not None and main in self.screen_stack \
                and frame_reached_terminal(self, renderable):
            self.frame_shown = True
            for callback in [*self._after_frame, self._replay_held_keys]:
                self.call_later(callback)
            self._after_frame.clear()

    def _replay_held_keys(self) -> None:
        """What the workstation told and the keys typed while the app started reach the desk, after the start-up
        work, in order (an event the desk already shows from the store changes nothing when told again)."""
        told, self._held_events = self._held_events, []
        for event in told:
            self.post_message(self.WsEvent(event))
        held, self._held_keys = self._held_keys, []
        for key in held:
            self.post_message(key)

    def _post_event(self, event: Event) -> None:
        """The workstation tells on its own call stack: the app handles the event on its message queue."""
        self.post_message(self.WsEvent(event))

    def _fatal_error(self) -> None:
        """A crash shows where and why, never the frames' variables (they may hold a token or a client's words)."""
        report_crash_without_locals(self)

    def notify(self, message: str, *, markup: bool = False, **kwargs):
        """Notifications carry client aliases and error text: never read them as markup.

        While the screen is locked they are held and shown after unlocking."""
        if self.lock_screen is not None:
            self._held_notices.append((message, kwargs))
            return None
        return super().notify(message, markup=markup, **kwargs)

    def highlight_spans(self, texts: list[str], asked: str = "", raised: frozenset[str] = frozenset()
                        ) -> list[list[tuple[int, int]]]:
        """The words a risk suggestion rests on, per bubble of a client's burst (the newest last, read as the desk
        read it, with the counselor's message `asked` before it and what was raised before that: `bursts.read_burst`);
        none until the detector is read (a moment after the first frame)."""
        if not self.data.phrases.ready:
            return [[] for _ in texts]
        read = read_burst(self.data.phrases, texts, asked, raised)
        return [[(hit.start, hit.end) for hit in spans] for spans in read.evidence]

    async def on_mount(self) -> None:
        localize_bindings(self)
        self.set_keymap(self.keymap_overrides)
        if self.workstation.role == "supervisor":
            from curhat_tui.ui.screens.supervisor.review import SupervisorScreen

            self.main = SupervisorScreen()
        else:
            self.main = MainScreen(restoring=bool(self.workstation.desk.open_sessions()))
        # pushed once Textual's start-up batch is over (on_mount runs inside it, where every frame is dropped and a
        # screen laid out there is laid out again for the first frame that is shown)
        self.call_later(self.push_screen, self.main)
        self.after_first_frame(self._start_after_first_frame)

    async def _start_after_first_frame(self) -> None:
        """The workstation starts (channel, supervision, outbox) once the desk is on screen, then the clock ticks.
        The risk detector is read first: the transcripts on screen get their highlights. Not after a quit."""
        startup_gc.release()
        if self._quitting:
            return
        if not self.data.warmed:
            try:
                self.data.warm()
            except DataError as exc:  # as a broken data file stops `curhat` before the app (cli.run)
                self.exit(return_code=2, message=Text(f"curhat: cannot start, a data file is broken:\n  {exc}"))
                return
            self.main.refresh_highlights()
        await self.workstation.start()
        if self.ticking:
            self.set_interval(TICK_SECONDS, self.tick)
        if self.lock_after and self.unlocker.needs_setup:
            self.notify(self.t("lock.nudge", hotkey=self.get_key_display(self._binding("app.lock")),
                               minutes=self.t.number(self.lock_after / 60)), severity="warning", timeout=20)

    def push_screen(self, screen, *args, **kwargs):
        """Every screen's key descriptions come from the catalogue."""
        if not isinstance(screen, str):
            localize_bindings(screen)
        return super().push_screen(screen, *args, **kwargs)

    def tick(self) -> None:
        """Advance the workstation (arrivals, replies, warnings) and redraw the clocks.

        Nothing once the app is shutting down: the interval can still fire while the screens are taken apart."""
        if not self.is_running:
            return
        self.workstation.tick()
        self.main.tick()
        release_removed_widgets(self)
        if (self.lock_after and self.lock_screen is None and not self.unlocker.needs_setup
                and self.clock.now() - self.last_input >= self.lock_after):
            self.lock(idle=True)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.last_input = self.clock.now()  # any key or mouse input postpones the idle lock
        if isinstance(event, (events.Key, events.Paste)) and not self.frame_shown:
            self._held_keys.append(event)  # the desk is not there yet: nothing may act on Textual's blank screen
            return
        if isinstance(event, events.MouseEvent) and not self.frame_shown:
            return
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
        binding = next(b for items in bindings_by_key(self).values() for b in items if b.id == binding_id)
        remapped = keymap_of(self).get(binding_id)
        return replace(binding, key=remapped) if remapped else binding

    def lock(self, idle: bool = False) -> None:
        """Cover every screen with the lock screen; the workstation keeps running underneath."""
        if self.lock_screen is not None:
            return
        from curhat_tui.ui.screens.common.lock import LockScreen

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
        """One path for every workstation event: told as a notification if it is one, then shown by the main screen."""
        if not self.frame_shown:
            self._held_events.append(message.event)
            return
        if not self._running or not self.main.is_attached:
            # the app is closing and the desk is being taken down (its widgets may already be gone while the screen
            # is still attached): the store keeps it all
            return
        self.announce(message.event)
        await self.main.handle(message.event)

    def announce(self, event: Event) -> None:
        """The events that become notifications, whichever screen is up (supervisors get notices only)."""
        counselor = self.workstation.role != "supervisor"
        match event:
            case Notice(key=key, values=values, severity=severity):
                self.notify(notice_text(self.t, key, values), severity=severity, timeout=8)
                if severity == "error" and counselor:
                    self.bell()
            case PurgeProgress() if counselor:
                text = self.purge_notifier.message(self.t, event, self.workstation.rights.policy)
                if text:
                    self.notify(text, timeout=8)
            case WhisperArrived(author=author, text=text) if counselor:
                self.notify(self.t("whisper.notice", author=author, text=text), timeout=20)
            case ReviewChanged(session_id=sid, action=action, author=author, alias=alias) if counselor:
                self.notify(self.t(f"review.notice.{action}", author=author, alias=alias or sid), timeout=12)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed background job is shown, never fatal."""
        if event.state is WorkerState.ERROR:
            self.notify(self.t("error.background", error=str(event.worker.error)), severity="error", timeout=15)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=self.t("palette.placeholder")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers what the current screen can do, in the session language."""
        seen = set()
        for bindings in bindings_by_key(screen).values():
            for binding in bindings:
                if binding.id in seen or not binding.id or binding.id.startswith("main.pane") \
                        or binding.id == "main.next_pane_page" or not offered(screen, binding):
                    continue
                seen.add(binding.id)
                yield SystemCommand(binding.description, self.get_key_display(binding),
                                    lambda action=binding.action: screen.run_action(action))
        if self.workstation.role == "supervisor" and not any(
                b.action == "app.audit_log" for items in bindings_by_key(screen).values() for b in items):
            yield SystemCommand(self.t("key.app.audit"), self.get_key_display(self._binding("app.audit")),
                                self.action_audit_log)
        yield SystemCommand(self.t("key.app.lock"), self.get_key_display(self._binding("app.lock")), self.action_lock)
        yield SystemCommand(self.t("key.quit"), "ctrl+q", self.action_quit)

    def key_help(self) -> list[tuple[str, str]]:
        """(key, what it does) for every binding of the main screen (counselor's or supervisor's), in its language;
        the red flags' keys (each loads its referral script) first, then the others in the screen's order."""
        rows, flags = [], []
        for key, bindings in bindings_by_key(self.main).items():
            if key in ALT_DIGIT_KEYS or key in MAC_OPTION_KEYS.values():  # other keys for Alt+N/letter: once
                continue
            for binding in bindings:
                if binding.id and f"key.{binding.id}" in self.t.strings and offered(self.main, binding):  # ours, acting
                    (flags if binding.id.startswith("flag.") else rows).append(
                        (self.get_key_display(binding), binding.description))
        rows[:0] = flags
        rows.append(("tab / shift+tab", self.t("key.focus")))
        if self.workstation.role == "supervisor":  # no reply box or wrap-up here: the audit log instead
            rows.append((self.get_key_display(self._binding("app.audit")), self.t("key.app.audit")))
        else:
            rows += [(self.t("key.enter"), self.t("key.enter_desc")), ("ctrl+j", self.t("key.newline")),
                     ("ctrl+z", self.t("key.reply_undo")),
                     ("ctrl+s", self.t("key.wrapup_close_help"))]
        return rows + [(self.get_key_display(self._binding("app.lock")), self.t("key.app.lock")),
                       ("ctrl+q", self.t("key.quit"))]

    async def action_quit(self) -> None:
        self._quitting = True  # the start-up work not yet done never runs: the workstation stops here
        self._after_frame.clear()
        for form in self.main.query(NotesForm):
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
