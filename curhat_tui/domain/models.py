"""Plain data records shared by the store, the channels and the UI."""

from __future__ import annotations

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


@dataclass(frozen=True)
class FlagEvent:
    session_id: str
    item: str
    ts: float
    detail: str = ""


def rupiah(amount: int) -> str:
    """Format an amount in Rupiah the Indonesian way: Rp150.000."""
    return "Rp" + f"{amount:,}".replace(",", ".")


def fill(instance, data: dict | None):
    """Set the attributes of a state object from a stored dict, ignoring keys it does not know."""
    for key, value in (data or {}).items():
        if hasattr(instance, key):
            setattr(instance, key, value)
    return instance
