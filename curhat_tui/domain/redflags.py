"""Red-flag items, the referral directory, and the scripts they load into the composer."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date

from curhat_tui.domain.models import Risk

PLACEHOLDERS = frozenset({"client", "counselor", "directory"})


@dataclass(frozen=True)
class DirectoryEntry:
    id: str
    name: str
    contact: str
    operator: str
    hours: dict[str, str]
    scope: dict[str, str]
    region: str
    checked: date
    source: str
    local: dict[str, dict[str, str]] = field(default_factory=dict)  # name, contact, region per language, if given

    def text(self, name: str, lang: str) -> str:
        """`name`, `contact` or `region` in `lang`: its own words there, else the one text the directory gives."""
        return self.local.get(name, {}).get(lang) or getattr(self, name)

    def line(self, lang: str) -> str:
        """'- Name: contact (hours, region)'; a name that is its own contact is said once, and hours that carry
        their own brackets follow a dash instead of nesting ('- healing119.id — Website (hours not verified)')."""
        hours = self.hours.get(lang) or self.hours.get("id", "")
        region = self.text("region", lang)
        details = ", ".join(d for d in (hours, region if self.region and self.region.lower() not in (
            "nasional", "national") else "") if d)
        name, contact = self.text("name", lang), self.text("contact", lang)
        head = contact if name.strip().casefold() == contact.strip().casefold() else f"{name}: {contact}"
        if not details:
            return f"- {head}"
        return f"- {head} — {details}" if "(" in details or ")" in details else f"- {head} ({details})"


@dataclass(frozen=True)
class RedFlagItem:
    id: str
    key: str
    risk: Risk
    label: dict[str, str]
    scripts: dict[str, dict[str, str]]
    directory: tuple[str, ...] = ()
    screener: bool = False

    def script(self, lang: str, variant: str = "default") -> str:
        by_variant = self.scripts.get(lang) or self.scripts["id"]
        return by_variant.get(variant) or by_variant["default"]


@dataclass(frozen=True)
class RedFlagBook:
    """All items in their display order, plus the directory their scripts draw on."""

    items: tuple[RedFlagItem, ...]
    directory: dict[str, DirectoryEntry] = field(default_factory=dict)

    def get(self, item_id: str) -> RedFlagItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def oldest_check(self) -> date | None:
        return min((e.checked for e in self.directory.values()), default=None)

    def render_script(self, item_id: str, lang: str, client: str, counselor: str, variant: str = "default") -> str:
        """The item's referral script with client alias, counselor name and directory filled in."""
        item = self.get(item_id)
        lines = [self.directory[d].line(lang) for d in item.directory if d in self.directory]
        return item.script(lang, variant).strip().format(
            client=client, counselor=counselor, directory="\n".join(lines)
        )


def placeholders_in(template: str) -> set[str]:
    """Names used as {placeholders} in a script; raises ValueError on broken braces."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
