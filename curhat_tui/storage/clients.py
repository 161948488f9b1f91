"""Clients (table `clients`): one row per person, under the key their channel gives them."""

from __future__ import annotations

from curhat_tui.domain.models import Tier
from curhat_tui.storage.database import Database


class Clients:
    def __init__(self, database: Database) -> None:
        self.database = database

    def ensure(self, key: str, alias: str, tier: Tier, now: float) -> None:
        """Add the client unless already known (a known client keeps their first alias and template)."""
        if self.database.one("select 1 from clients where key = ?", [key]) is None:
            self.database.insert("clients", {"key": key, "alias": alias, "tier": str(tier), "template": "",
                                             "created_at": now})

    def get(self, key: str) -> tuple[str, str] | None:
        """(key, alias) of the client with this key."""
        row = self.database.one("select key, alias from clients where key = ?", [key])
        return (row[0], row[1]) if row else None

    def with_alias(self, alias: str) -> list[tuple[str, str]]:
        """(key, alias) of every client with this alias, case and surrounding spaces ignored, by key."""
        rows = self.database.execute("select key, alias from clients where lower(trim(alias)) = lower(?) "
                                     "order by key", [alias]).fetchall()
        return [(r[0], r[1]) for r in rows]
