"""The key bar at the bottom of a screen: Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer recomposes (every key a new widget, each styled anew) whenever the screen's bindings may have
changed: every focus change, so twice each time the counselor moves between chats with Alt+1..9, although both
chats offer the same keys: twenty key widgets mounted and styled per switch, about half of its work (0.34-0.55 s
of CPU per Alt+N with three chats open on a slow machine, 0.26 s with this footer). This footer
compares what it would show with what it shows and recomposes only on a difference: another key, description,
language, enabled state, or a remapped key. Only what the bar shows counts: a key it does not show (Alt+3 acting
once a third chat is open) used to rebuild it on accepting a client, about a third of an accept's work.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """A Footer that keeps its keys while they stay the same (styled and queried as a Footer: a subclass)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None

    def _keys(self) -> tuple:
        """What compose would show now, as Footer.compose reads it: per action, the first of its shown bindings
        (key, how the key is displayed, description, enabled, tooltip, group), then the palette's key. A binding
        the bar does not show (F2-F9, Alt+N) changing its state changes nothing here."""
        app = self.app
        active = self.screen.active_bindings
        first: dict[str, tuple] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in first:
                group = (binding.group.description, binding.group.compact) if binding.group else None
                first[binding.action] = (binding.key, app.get_key_display(binding), binding.description, enabled,
                                         tooltip, group)
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = (binding.key, app.get_key_display(binding), binding.description, enabled, tooltip)
        return tuple(first.items()), palette

    async def recompose(self) -> None:
        """Textual's Footer recomposes when the screen's bindings may have changed: only if they did."""
        if not self.is_attached:
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await super().recompose()
