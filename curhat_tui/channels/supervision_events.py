"""What a supervision link may bring, as typed events, and the one parser from the link's raw records.

A link carries records written on another machine, over a network any account can write
to: every field is checked for its type here, and a record that fails is dropped with a
log line (None), so one malformed record never stops the records after it.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from curhat_tui.domain.sanitize import cleaned

log = logging.getLogger("curhat.link")


@dataclass(frozen=True)
class Submitted:
    """A counselor's closed session (supervisor side): the snapshot the counselor's machine sent."""

    snapshot: dict
    counselor: str
    ts: float | None
    remote_id: str | None


@dataclass(frozen=True)
class Reviewed:
    """A supervisor's comment or sign-off on one of this counselor's notes."""

    action: str  # comment or sign
    session_id: str
    author: str
    text: str
    ts: float | None
    remote_id: str | None


@dataclass(frozen=True)
class Whispered:
    session_id: str
    author: str
    text: str
    ts: float | None
    remote_id: str | None


@dataclass(frozen=True)
class LiveStatus:
    session_id: str
    info: dict


@dataclass(frozen=True)
class Alerted:
    session_id: str
    item: str
    counselor: str
    alias: str
    ts: float | None


LinkEvent = Submitted | Reviewed | Whispered | LiveStatus | Alerted


class Malformed(ValueError):
    pass


def _text(raw: dict, key: str, *, required: bool = True) -> str:
    value = raw.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value):
        raise Malformed(f"{key} must be a non-empty string" if required else f"{key} must be a string")
    return value


def _ts(raw: dict) -> float | None:
    value = raw.get("ts")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Malformed("ts must be a number")
    return float(value)


def _remote_id(raw: dict) -> str | None:
    value = raw.get("remote_id")
    if value is not None and not isinstance(value, str):
        raise Malformed("remote_id must be a string")
    return value


def _parse(raw: dict) -> LinkEvent:
    kind = raw.get("kind")
    if kind == "submit":
        snapshot = raw.get("snapshot")
        if not isinstance(snapshot, dict) or not isinstance(session := snapshot.get("session"), dict):
            raise Malformed("snapshot.session must be an object")
        _text(session, "id")
        return Submitted(snapshot, _text(session, "counselor"), _ts(raw), _remote_id(raw))
    if kind in ("comment", "sign"):
        return Reviewed(kind, _text(raw, "session_id"), _text(raw, "author"), _text(raw, "text", required=False),
                        _ts(raw), _remote_id(raw))
    if kind == "whisper":
        return Whispered(_text(raw, "session_id"), _text(raw, "author"), _text(raw, "text"), _ts(raw),
                         _remote_id(raw))
    if kind == "live":
        info = raw.get("info")
        if not isinstance(info, dict):
            raise Malformed("info must be an object")
        return LiveStatus(_text(raw, "session_id"), info)
    if kind == "alert":
        # a crisis alert is never dropped for a missing name: the supervisor still hears it
        try:
            when = _ts(raw)
        except Malformed:
            when = None  # heard now rather than not at all
        return Alerted(_text(raw, "session_id", required=False), _text(raw, "item", required=False),
                       _text(raw, "counselor", required=False), _text(raw, "alias", required=False), when)
    raise Malformed(f"unknown kind {kind!r}")


def parse_link_event(raw: object) -> LinkEvent | None:
    """The typed event a raw link record stands for, or None (logged) when it is malformed."""
    if not isinstance(raw, dict):
        log.warning("dropped a supervision record that is not an object")
        return None
    try:  # written on another machine: every text cleaned of terminal controls before anything reads it
        return _parse(cleaned(raw))  # type: ignore[arg-type]
    except Malformed as exc:
        log.warning("dropped a malformed supervision record %r: %s", str(raw.get("kind"))[:40], exc)
        return None
