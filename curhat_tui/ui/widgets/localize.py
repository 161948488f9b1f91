"""Binding descriptions come from the catalogue, looked up by binding id (`key.<id>`)."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode


def localize_bindings(node: DOMNode) -> None:
    t = node.app.t
    bindings = node._bindings.key_to_bindings
    for key, items in list(bindings.items()):
        bindings[key] = [
            replace(b, description=t(f"key.{b.id}")) if b.id and f"key.{b.id}" in t.strings else b for b in items
        ]
