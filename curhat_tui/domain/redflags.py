"""Red-flag items, the referral directory, and the scripts they load into the composer."""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from curhat_tui.domain.i18n import pick
from curhat_tui.domain.models import Risk

PLACEHOLDERS = frozenset({"client", "counselor", "directory"})


def province_key(region: str) -> str:
    """A province as compared: 'DKI Jakarta', 'Jakarta' and 'jakarta ' are one; 'DI Yogyakarta' is 'yogyakarta'."""
    words = region.casefold().replace(".", " ").split()
    while words and words[0] in ("provinsi", "prov", "dki", "di", "daerah", "istimewa", "khusus", "ibukota"):
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class DirectoryEntry:
    """One referral service. What a client is given is `line`: name, contact, hours (and the province of a
    province-bound service), never the counselor's side: `note`, `checked`, `verified`, `source`."""

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
    verified: date | None = None  # the day the service confirmed this entry by contacting it; None: not verified
    province: str = ""  # the one province the service is for ("" = everyone: national, or a local office anywhere)
    note: dict[str, str] = field(default_factory=dict)  # for the counselor only, per language

    def text(self, name: str, lang: str) -> str:
        """`name`, `contact` or `region` in `lang`: its own words there, else the one text the directory gives."""
        return self.local.get(name, {}).get(lang) or getattr(self, name)

    def serves(self, region: str) -> bool:
        """Whether a client in `region` (a province) may use it: a national service, or one of that province."""
        return not self.province or province_key(self.province) == province_key(region)

    def line(self, lang: str) -> str:
        """What the client reads: '- Name: contact (hours)', with the province after the hours for a service of one
        province only; a name that is its own contact is said once, and hours that carry their own brackets follow
        a dash instead of nesting. Never a verification note or any other word for the counselor."""
        hours = pick(self.hours, lang)
        details = ", ".join(d for d in (hours, self.text("region", lang) if self.province else "") if d)
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
    short: dict[str, str] | None = None  # the checklist's label where the full one does not fit (`label` when None)

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

    def unverified(self, entry_ids: Sequence[str]) -> list[DirectoryEntry]:
        """Of these directory entries, the ones no one of the service has verified (the counselor is told)."""
        return [self.directory[i] for i in entry_ids if i in self.directory and self.directory[i].verified is None]

    def offered(self, item_id: str, region: str = "") -> list[DirectoryEntry]:
        """The item's services for a client in `region` (a province; "" when unknown): that province's own
        services first, then those for everyone (national), each in the item's order of preference. Another
        province's services are left out, and so is every province-bound one when the region is unknown."""
        entries = [self.directory[d] for d in self.get(item_id).directory if d in self.directory]
        own = [e for e in entries if e.province and region and e.serves(region)]
        return own + [e for e in entries if not e.province]

    def render_script(self, item_id: str, lang: str, client: str, counselor: str, variant: str = "default",
                      region: str = "") -> str:
        """The item's referral script with client alias, counselor name and the services for `region` filled in."""
        item = self.get(item_id)
        lines = [entry.line(lang) for entry in self.offered(item_id, region)]
        return item.script(lang, variant).strip().format(
            client=client, counselor=counselor, directory="\n".join(lines)
        )


def placeholders_in(template: str) -> set[str]:
    """Names used as {placeholders} in a script; raises ValueError on broken braces."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
