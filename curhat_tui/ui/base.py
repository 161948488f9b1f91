"""What the screens share: the main screens' event hook, and the app typed as the CurhatApp.

Screens and widgets declare `app = getters.app(CurhatApp)` under TYPE_CHECKING (Textual's
own way to type `self.app`), so that `self.app.workstation...` is checked and nothing
changes at run time; `curhat_app(node)` does the same for a function given a plain node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events, getters
from textual.dom import DOMNode
from textual.screen import Screen

from curhat_tui.services.events import Event
from curhat_tui.ui.compat import skip_first_resume_restyle

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


def curhat_app(node: DOMNode) -> CurhatApp:
    """The app of any node, as the CurhatApp."""
    return cast("CurhatApp", node.app)


class EventScreen(Screen):
    """A main screen: the app hands it every workstation event and a tick twice a second."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    async def handle(self, event: Event) -> None:
        """Show what the event changed (the app has already turned notices into notifications)."""

    def tick(self) -> None:
        """Redraw what moves with the clock."""

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        skip_first_resume_restyle(self, event)  # styled as it mounted: not all over again

    def refresh_highlights(self) -> None:
        """The risk detector is ready (read just after the first frame): mark the risk words already shown."""
