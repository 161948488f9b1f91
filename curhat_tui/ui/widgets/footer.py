"""The key bar at the bottom of a screen: Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer recomposes (every key a new widget, each styled anew) whenever the screen's bindings may have
changed: every focus change, so twice each time the counselor moves between chats with Alt+1..9, although both
chats offer the same keys: twenty key widgets mounted and styled per switch, about half of its work (0.34-0.55 s
of CPU per Alt+N with three chats open on a slow machine, 0.26 s with this footer). This footer
compares what it would show with what it shows and recomposes only on a difference: another key, description,
language, enabled state, or a remapped key.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """A Footer that keeps its keys while they stay the same (styled and queried as a Footer: a subclass)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None

    def _keys(self) -> tuple:
        """What compose would show now: every active binding as the bar reads it."""
        app = self.app
        return (self.show_command_palette, tuple(
            (binding.key, binding.action, binding.description, binding.show, enabled, tooltip,
             app.get_key_display(binding), binding.group.description if binding.group else None)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()))

    async def recompose(self) -> None:
        """Textual's Footer recomposes when the screen's bindings may have changed: only if they did."""
        if not self.is_attached:
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await super().recompose()
