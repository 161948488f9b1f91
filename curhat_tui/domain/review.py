"""Supervision rules: the note sign-off flow, the order of the review list, note diffs, the timeline.

draft -> submitted -> commented -> signed. A counselor submits (and resubmits after
a comment); a supervisor comments and signs. A signed note is final.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import StrEnum


class NoteStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    COMMENTED = "commented"
    SIGNED = "signed"


class ReviewAction(StrEnum):
    SUBMIT = "submit"
    COMMENT = "comment"
    SIGN = "sign"


class ReviewError(Exception):
    """An action the sign-off flow does not allow; `reason` is a catalogue key suffix."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_ALLOWED: dict[tuple[NoteStatus, ReviewAction], NoteStatus] = {
    (NoteStatus.DRAFT, ReviewAction.SUBMIT): NoteStatus.SUBMITTED,
    (NoteStatus.COMMENTED, ReviewAction.SUBMIT): NoteStatus.SUBMITTED,
    (NoteStatus.SUBMITTED, ReviewAction.SUBMIT): NoteStatus.SUBMITTED,
    (NoteStatus.SUBMITTED, ReviewAction.COMMENT): NoteStatus.COMMENTED,
    (NoteStatus.COMMENTED, ReviewAction.COMMENT): NoteStatus.COMMENTED,
    (NoteStatus.SUBMITTED, ReviewAction.SIGN): NoteStatus.SIGNED,
    (NoteStatus.COMMENTED, ReviewAction.SIGN): NoteStatus.SIGNED,
}
_WHO = {ReviewAction.SUBMIT: {"counselor", "trainee"}, ReviewAction.COMMENT: {"supervisor"},
        ReviewAction.SIGN: {"supervisor"}}


def advance(status: NoteStatus, action: ReviewAction, role: str) -> NoteStatus:
    """The status after `action` by someone in `role`, or ReviewError saying why not."""
    if role not in _WHO[action]:
        raise ReviewError("not_your_role")
    if status is NoteStatus.SIGNED:
        raise ReviewError("already_signed")
    after = _ALLOWED.get((status, action))
    if after is None:
        raise ReviewError("not_submitted")
    return after


@dataclass(frozen=True)
class ReviewItem:
    """One closed (or wrapping-up) session as the review list shows it."""

    session_id: str
    alias: str
    counselor: str
    ended_at: float
    status: NoteStatus
    flags: tuple[str, ...]
    risk: int
    practice: bool = False

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def awaiting(self) -> bool:
        return self.status in (NoteStatus.SUBMITTED, NoteStatus.COMMENTED)


SORTS = ("flagged", "awaiting", "counselor", "date")


def order_review(items: list[ReviewItem], sort: str = "flagged", *, counselor: str = "",
                 status: NoteStatus | None = None, since: float | None = None,
                 until: float | None = None) -> list[ReviewItem]:
    """Filter, then sort: flagged first (then awaiting, newest), awaiting first, by counselor, or newest first."""
    kept = [i for i in items
            if (not counselor or i.counselor == counselor)
            and (status is None or i.status is status)
            and (since is None or i.ended_at >= since)
            and (until is None or i.ended_at < until)]
    newest = sorted(kept, key=lambda i: (-i.ended_at, i.session_id))
    if sort == "flagged":
        return sorted(newest, key=lambda i: (not i.flagged, -i.risk, not i.awaiting))
    if sort == "awaiting":
        return sorted(newest, key=lambda i: (not i.awaiting, not i.flagged))
    if sort == "counselor":
        return sorted(newest, key=lambda i: i.counselor.casefold())
    if sort == "date":
        return newest
    raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")


@dataclass(frozen=True)
class FieldDiff:
    field: str
    lines: tuple[str, ...]  # each starts with "+ ", "- " or "  "


def note_diff(before: dict[str, str], after: dict[str, str]) -> list[FieldDiff]:
    """The fields that changed between two versions of a note, line by line."""
    diffs = []
    for name in list(dict.fromkeys([*before, *after])):
        old, new = before.get(name, ""), after.get(name, "")
        if old == new:
            continue
        lines = tuple(line for line in difflib.ndiff(old.splitlines(), new.splitlines())
                      if not line.startswith("? "))
        diffs.append(FieldDiff(name, lines))
    return diffs


@dataclass(frozen=True)
class TimelineEvent:
    """One moment of a session; `detail` is what a renderer adds to the label, left out of equality."""

    ts: float
    kind: str  # start, flag, script_loaded, script_sent, extend, end, note, submit, comment, sign, whisper
    label: str  # flag: item; script_*: item:variant; extend: minutes; end: reason; note: version; others: author
    detail: str = field(default="", compare=False)  # flag: screener result or "skipped"; script_*: item; extend: reason


def timeline(*event_lists: list[TimelineEvent]) -> list[TimelineEvent]:
    """All events of a session in time order (stable for equal times)."""
    merged = [e for events in event_lists for e in events]
    return sorted(merged, key=lambda e: e.ts)
