"""Ask why a session is extended by 15 minutes; returns the reason or None."""

from __future__ import annotations

from curhat_tui.ui.screens.common.ask_text import AskTextModal


class ExtendModal(AskTextModal):
    def __init__(self, alias: str) -> None:
        super().__init__("extend.title", "extend.reason", "extend.need_reason", {"alias": alias})
        self.alias = alias
