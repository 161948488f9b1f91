"""The one typed event union the UI receives, and the bus every service tells it on.

A service persists a change first and then tells the bus; the UI applies events only
(it never applies a service call's return value as well), so that a change made on
this machine, by a channel or by a supervisor elsewhere reaches the screen one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from curhat_tui.domain.models import Message, Session
from curhat_tui.domain.review import NoteStatus


@dataclass(frozen=True)
class QueueChanged:
    """Someone joined or left the queue, or a waiting client's standing changed."""


@dataclass(frozen=True)
class SessionOpened:
    session: Session
    focus: bool = True  # accepted here: in front; handed over by a colleague: beside the chat in front


@dataclass(frozen=True)
class SessionChanged:
    """Status, risk, deadline or consent of an open session changed."""

    session: Session


@dataclass(frozen=True)
class SessionClosed:
    session_id: str


@dataclass(frozen=True)
class MessageAdded:
    message: Message


@dataclass(frozen=True)
class MessageUpdated:
    """A message's delivery changed (sent, read)."""

    message: Message


@dataclass(frozen=True)
class MessageRevised:
    """The client edited or deleted one of their messages: `message` as stored now (its `edited_at` or
    `redacted_at` set; a deleted one has no text left)."""

    message: Message


@dataclass(frozen=True)
class ClientTyping:
    session_id: str
    typing: bool


@dataclass(frozen=True)
class NoteChanged:
    """A service wrote to a session's note (a red-flag line, a transfer reason): the form shows it."""

    session_id: str
    fields: tuple[str, ...]  # the field keys that changed


@dataclass(frozen=True)
class Notice:
    """Something to tell the user: `key` is a catalogue key, `values` fill it."""

    key: str
    values: dict = field(default_factory=dict)
    severity: str = "information"
    session_id: str = ""


@dataclass(frozen=True)
class PurgeProgress:
    """How far a retention purge has got; `finished` on the last report."""

    done: int
    total: int
    transcripts: int = 0
    notes: int = 0
    messages: int = 0
    finished: bool = False


@dataclass(frozen=True)
class Connection:
    state: str  # connected, reconnecting or offline


@dataclass(frozen=True)
class WhisperArrived:
    session_id: str
    author: str
    text: str


@dataclass(frozen=True)
class ReviewChanged:
    session_id: str
    action: str
    author: str
    status: NoteStatus
    alias: str = ""


@dataclass(frozen=True)
class CrisisAlert:
    session_id: str
    counselor: str
    alias: str
    item: str
    practice: bool = False  # ticked by a trainee for a simulated client: told to the supervisor quietly


@dataclass(frozen=True)
class DebriefDue:
    """A session at high risk (or with a high-risk red flag ticked) has closed: time for a short debrief."""

    session_id: str
    alias: str


@dataclass(frozen=True)
class LiveChanged:
    """The live status of a counselor's running session changed (supervisor side)."""


Event = (QueueChanged | SessionOpened | SessionChanged | SessionClosed | MessageAdded | MessageUpdated | MessageRevised
         | ClientTyping | NoteChanged | Notice | Connection | PurgeProgress | WhisperArrived | ReviewChanged | CrisisAlert
         | LiveChanged | DebriefDue)
Listener = Callable[[Event], None]


class EventBus:
    """Tells each event to every listener, in the order they subscribed."""

    def __init__(self) -> None:
        self.listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def tell(self, event: Event) -> None:
        for listener in list(self.listeners):
            listener(event)
