"""Quick replies: short lines a counselor puts in the reply box with one key, per language, never sent by
themselves. Placeholders are filled from the session: {client} (the alias), {counselor} (the counselor's
name) and {minutes_left} (whole minutes left of the session)."""

from __future__ import annotations

import string
from dataclasses import dataclass

PLACEHOLDERS = frozenset({"client", "counselor", "minutes_left"})
GROUPS = ("greeting", "reflection", "silence", "ending")  # the order the picker lists them in


@dataclass(frozen=True)
class QuickReply:
    id: str
    group: str  # one of GROUPS
    text: dict[str, str]  # language -> the line, with placeholders


@dataclass(frozen=True)
class QuickReplyBook:
    replies: tuple[QuickReply, ...] = ()

    def in_order(self) -> list[QuickReply]:
        """Every reply, grouped in GROUPS order, each group in file order."""
        return sorted(self.replies, key=lambda r: GROUPS.index(r.group))


def placeholders_in(template: str) -> set[str]:
    """Names used as {placeholders} in a line; raises ValueError on broken braces."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def fill(template: str, *, client: str, counselor: str, minutes_left: int) -> str:
    """The line with its placeholders filled; the values are inserted as they are (never re-read as a template)."""
    return template.format(client=client, counselor=counselor, minutes_left=max(0, minutes_left))


def matches(words: str, *texts: str) -> bool:
    """Whether every word typed in the filter appears in one of `texts` (case-insensitive)."""
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in words.casefold().split())
