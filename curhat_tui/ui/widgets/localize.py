"""Binding descriptions come from the catalogue, looked up by binding id (`key.<id>`)."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from curhat_tui.ui.base import curhat_app
from curhat_tui.ui.compat import bindings_by_key


def localize_bindings(node: DOMNode) -> None:
    t = curhat_app(node).t
    bindings = bindings_by_key(node)
    for key, items in list(bindings.items()):
        bindings[key] = [
            replace(b, description=t(f"key.{b.id}")) if b.id and f"key.{b.id}" in t.strings else b for b in items
        ]
