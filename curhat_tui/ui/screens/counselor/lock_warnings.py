"""The 10- and 5-minute warnings through a screen lock (issue 13, defect 11).

A warning that falls due while the screen is locked is held by the app and shown on unlocking
(`CurhatApp.notify`). One that fell due just before the lock was on screen as a toast when the lock
covered it, and its few seconds ran out underneath: this tells it again once the screen is unlocked.
The tab strip shows a warning's state all the while, toast or not (`widgets/tab_strip.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curhat_tui.services.events import Notice

WARNING_KEYS = ("notice.minutes_left_10", "notice.minutes_left_5")
TOAST_SECONDS = 8.0  # how long CurhatApp.announce shows a notice


@dataclass
class LockWarnings:
    """Watches the session warnings and the lock; `unlocked` says which warnings to tell again."""

    seen: list[tuple[float, Notice]] = field(default_factory=list)  # (when, warning), the recent ones
    locked_at: float | None = None

    def notice(self, event: Notice, now: float, locked: bool) -> None:
        """A notice was told: keep it if it is a session warning shown while the screen was unlocked (one told
        while locked is held and shown by the app)."""
        if locked:
            self.tick(True, now)
        elif event.key in WARNING_KEYS:
            self.seen = [(ts, n) for ts, n in self.seen if now - ts <= TOAST_SECONDS] + [(now, event)]

    def tick(self, locked: bool, now: float) -> list[Notice]:
        """Called with the lock's state now; on the first call after an unlock, the warnings whose toasts the
        lock covered (told less than TOAST_SECONDS before it came), oldest first."""
        if locked:
            if self.locked_at is None:
                self.locked_at = now
            return []
        if self.locked_at is None:
            return []
        covered = [n for ts, n in self.seen if self.locked_at - ts < TOAST_SECONDS]
        self.seen, self.locked_at = [], None
        return covered
