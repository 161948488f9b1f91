"""The lock screen: covers every other screen until the passphrase is given.

It is an opaque full screen pushed on top of the stack, so nothing underneath (chats,
modals, the footer, notifications) is drawn; the workstation keeps running below it.
The first lock with no unlock passphrase yet asks for one to be chosen (twice).
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from curhat_tui.domain.clock import clock_time
from curhat_tui.services.lock import MIN_UNLOCK_LENGTH, Attempt, Unlocker

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class LockScreen(Screen[None]):
    """Dismissed only by the right passphrase (or, while choosing one, by Esc)."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    AUTO_FOCUS = "#secret"
    DEFAULT_CSS = """
    LockScreen { align: center middle; background: $background; }
    LockScreen ToastRack { display: none; }
    LockScreen > Vertical { width: 72; max-width: 95%; height: auto; border: thick $primary; background: $surface;
                            padding: 1 2; }
    LockScreen #lock-title { text-style: bold; margin-bottom: 1; }
    LockScreen #lock-since, LockScreen #lock-running, LockScreen #lock-hint { color: $text-muted; }
    LockScreen #lock-prompt { margin-top: 1; }
    LockScreen #lock-message { color: $error; height: auto; }
    LockScreen.-locked #again, LockScreen.-locked #lock-hint { display: none; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="lock.cancel", show=False)]

    def __init__(self, unlocker: Unlocker, *, since: float, idle_minutes: float = 0) -> None:
        super().__init__(classes="" if unlocker.needs_setup else "-locked")
        self.unlocker = unlocker
        self.since = since
        self.idle_minutes = idle_minutes

    @property
    def choosing(self) -> bool:
        return not self.has_class("-locked")

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(id="lock-title")
            yield Static(id="lock-since")
            yield Static(Text(t("lock.running")), id="lock-running")
            yield Static(id="lock-prompt")
            yield Input(password=True, id="secret")
            yield Input(password=True, placeholder=t("lock.setup.again"), id="again")
            yield Static(id="lock-message")
            yield Static(Text(t("lock.setup.hint")), id="lock-hint")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.app.blink
        self._show_mode()
        self.set_interval(1.0, self._refresh_wait)

    def _show_mode(self) -> None:
        t = self.app.t
        if self.choosing:
            title = t("lock.setup.title")
            prompt = t(f"lock.setup.{self.unlocker.where or 'memory'}", min=MIN_UNLOCK_LENGTH)
            placeholder = t("lock.setup.new")
        else:
            title = t("lock.title")
            prompt = t("lock.prompt.passphrase" if self.unlocker.kind == "passphrase" else "lock.prompt.unlock")
            placeholder = t("lock.placeholder")
        time = clock_time(self.app.clock, self.since)
        minutes = t.number(self.idle_minutes)
        since = (t("lock.since_idle", time=time, minutes=minutes, count=self.idle_minutes) if self.idle_minutes
                 else t("lock.since", time=time))
        self.query_one("#lock-title", Static).update(Text(title))
        self.query_one("#lock-since", Static).update(Text(since))
        self.query_one("#lock-prompt", Static).update(Text(prompt))
        self.query_one("#secret", Input).placeholder = placeholder

    def _say(self, text: str) -> None:
        self.query_one("#lock-message", Static).update(Text(text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.choosing  # a lock is left by the passphrase only
        return True

    def action_cancel(self) -> None:
        if self.choosing:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.choosing:
            self._choose(event.input)
        else:
            self._unlock(event.input)

    # ---- choosing an unlock passphrase -----------------------------------------------
    def _choose(self, field: Input) -> None:
        t = self.app.t
        first, again = self.query_one("#secret", Input), self.query_one("#again", Input)
        if field is first:
            if len(first.value) < MIN_UNLOCK_LENGTH:
                self._say(t("lock.setup.too_short", min=MIN_UNLOCK_LENGTH))
                return
            self._say("")
            again.focus()
            return
        if not hmac.compare_digest(first.value.encode(), again.value.encode()):
            first.value = again.value = ""
            first.focus()
            self._say(t("lock.setup.mismatch"))
            return
        try:
            self.unlocker.choose(first.value)
        except Exception as exc:  # noqa: BLE001 - the keyring or the store refused; say why, stay here
            self._say(t("lock.setup.failed", error=str(exc)))
            return
        first.value = again.value = ""
        self.add_class("-locked")
        self._say("")
        self._show_mode()
        first.focus()

    # ---- unlocking ------------------------------------------------------------------
    def _unlock(self, field: Input) -> None:
        typed, field.value = field.value, ""
        if not typed:
            return
        attempt = self.unlocker.attempt(typed, self.app.clock.now())
        if attempt.ok:
            self.dismiss(None)
            return
        self._say(self._refusal(attempt))

    def _refusal(self, attempt: Attempt) -> str:
        t = self.app.t
        seconds = int(attempt.wait + 0.999)
        if not attempt.checked:
            return t("lock.wait", seconds=seconds, count=seconds)
        if attempt.wait:
            return t("lock.wrong_wait", seconds=seconds, count=seconds)
        return t("lock.wrong", left=attempt.left, count=attempt.left)

    def _refresh_wait(self) -> None:
        """While a wait runs, count it down; when it is over, clear the message."""
        if self.choosing or not self.unlocker.wait_until:
            return
        wait = self.unlocker.wait_seconds(self.app.clock.now())
        seconds = int(wait + 0.999)
        self._say(self.app.t("lock.wait", seconds=seconds, count=seconds) if wait > 0 else "")
        if wait <= 0:
            self.unlocker.wait_until = 0.0
