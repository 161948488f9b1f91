"""Plain data records shared by the store, the channels and the UI."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Risk(IntEnum):
    """Risk level of a client or session; higher sorts first in the queue."""

    NONE = 0
    LOW = 1
    MODERATE = 2
    HIGH = 3

    @classmethod
    def parse(cls, name: str) -> "Risk":
        return cls[name.upper()]

    @property
    def key(self) -> str:
        return self.name.lower()


class Tier(StrEnum):
    PEER = "peer"
    PROFESSIONAL = "professional"


class VisitStatus(StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    TAKEN = "taken"  # accepted by another counselor
    LEFT = "left"


class SessionStatus(StrEnum):
    ACTIVE = "active"
    WRAPUP = "wrapup"
    CLOSED = "closed"


class Sender(StrEnum):
    CLIENT = "client"
    COUNSELOR = "counselor"
    SYSTEM = "system"


class Delivery(StrEnum):
    """Outgoing message state: in the outbox, accepted by the channel, seen by the client."""

    PENDING = "pending"
    SENT = "sent"
    READ = "read"
    UNSENT = "unsent"  # given up: the session was no longer this counselor's before the channel took it
    LOCKED = "locked"  # a client's line whose words have not come yet (its keys): shown as such, not yet read


@dataclass(frozen=True)
class Visit:
    """One client waiting in (or taken from) the queue."""

    id: str
    client_key: str
    alias: str
    tier: Tier
    minutes: int
    price: int
    topic: str
    intake_risk_answer: str
    risk: Risk
    arrived_at: float
    status: VisitStatus = VisitStatus.WAITING
    persona: str = ""
    imminent: bool = False  # the risk detector called what they wrote while waiting imminent: top of the queue
    appointment_at: float | None = None  # a booked client's appointment time (domain/appointments.py); None: walk-in

    def waiting_seconds(self, now: float) -> float:
        return max(0.0, now - self.arrived_at)


@dataclass
class Session:
    """A paid chat session between one counselor and one client."""

    id: str
    visit_id: str
    client_key: str
    alias: str
    tier: Tier
    minutes: int
    price: int
    counselor: str
    started_at: float
    deadline: float
    status: SessionStatus = SessionStatus.ACTIVE
    risk: Risk = Risk.NONE
    notified: list[int] = field(default_factory=list)
    end_reason: str = ""
    ended_at: float | None = None
    lang: str = "id"


@dataclass(frozen=True)
class Message:
    id: int
    session_id: str
    sender: Sender
    text: str
    ts: float
    txn_id: str = ""
    delivery: Delivery = Delivery.SENT
    flags: tuple[str, ...] = ()
    edited_at: float | None = None  # the client replaced the text (it holds the newest version)
    redacted_at: float | None = None  # the client deleted it: the text is gone, the row marks where it was

    @property
    def redacted(self) -> bool:
        return self.redacted_at is not None


@dataclass(frozen=True)
class FlagEvent:
    session_id: str
    item: str
    ts: float
    detail: str = ""


def rupiah(amount: int) -> str:
    """Format an amount in Rupiah the Indonesian way: Rp150.000."""
    return "Rp" + f"{amount:,}".replace(",", ".")


def fill(instance, data: dict | None, *, strict: bool = False):
    """Set the attributes of a state object from a stored dict, ignoring keys it does not know.

    `strict` (for state someone else could have written): a value whose type is not the field's
    declared type is ignored too, and the field keeps its default."""
    hints = typing.get_type_hints(type(instance)) if strict else {}
    for key, value in (data if isinstance(data, dict) else {}).items():
        if hasattr(instance, key) and (not strict or (key in hints and _fits(value, hints[key]))):
            setattr(instance, key, value)
    return instance


def _fits(value: object, hint: object) -> bool:
    """Whether a JSON value has the declared type (bool is not taken for a number, nor a number for a bool)."""
    if hint is type(None):
        return value is None
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    target = typing.get_origin(hint) or hint
    if target is bool:
        return isinstance(value, bool)
    if target is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if target is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(target, type) and isinstance(value, target)
