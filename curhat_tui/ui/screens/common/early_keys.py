"""Keys that reach a dialog before it is drawn.

A dialog's priority keys (Enter, Ctrl+S, the arrows) are the app's to run as soon as the dialog is on the stack, and
keys typed in a burst (a fast typist, a key repeat, a paste, an SSH connection that delivers several at once) can
arrive before the dialog's compose has run. Its actions then find none of its widgets. `too_early` runs such an
action again once the dialog is mounted (its own queue is processed only after its compose and mount), so the key is
neither lost nor a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def too_early(screen: Screen[Any], action: Callable[..., object], *args: object) -> bool:
    """True when `screen` is not mounted yet; `action(*args)` then runs once it is. Call at the top of an action that
    reads the dialog's widgets: `if too_early(self, self.action_insert): return`."""
    if screen.is_mounted:
        return False
    screen.call_later(action, *args)
    return True
