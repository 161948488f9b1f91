"""Binding descriptions come from the catalogue, looked up by binding id (`key.<id>`) or, for Textual's own, action;
the names of who else is in a client's room, as every notice and question about held lines shows them; and red-flag
items by their labels."""

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


def held_names(t, readers: tuple[tuple[str, str], ...]) -> str:
    """Who besides the client is in their room, by display name (never the account: a bridged one is a phone
    number); someone without one is "(tanpa nama)"."""
    return ", ".join(name or t("held.unnamed") for _, name in readers)


def notice_text(t, key: str, values: dict) -> str:
    """A service's notice in the user's language; held lines' `readers` become their names."""
    if "readers" in values:
        values = {**values, "names": held_names(t, values["readers"])}
    return t(key, **values)


def flag_labels(node: DOMNode, items: tuple[str, ...] | list[str]) -> str:
    """Red-flag items (ids) by their labels in the user's language, joined."""
    app = curhat_app(node)
    return ", ".join(app.t.pick(app.data.redflags.get(item).label) for item in items)
