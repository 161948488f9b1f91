"""Binding descriptions come from the catalogue, looked up by binding id (`key.<id>`) or, for Textual's own, action."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from curhat_tui.ui.base import curhat_app
from curhat_tui.ui.compat import bindings_by_key


def localize_bindings(node: DOMNode) -> None:
    """Our bindings by id (`key.<id>`); a Textual widget's own, which have no id, by action (`key.textual.<action>`,
    e.g. the open template list's "Dismiss menu")."""
    t = curhat_app(node).t
    bindings = bindings_by_key(node)
    for key, items in list(bindings.items()):
        bindings[key] = [_localized(binding, t) for binding in items]


def _localized(binding: Binding, t) -> Binding:
    key = f"key.{binding.id}" if binding.id else f"key.textual.{binding.action}"
    return replace(binding, description=t(key)) if key in t.strings else binding
