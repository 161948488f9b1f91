"""The channel interface: events come in through one callback, sends go out as coroutines.

A channel never touches the UI. The workstation persists every event before it is
shown, and keeps every outgoing message in the store's outbox until the channel
acknowledges it with `Delivered`, so a channel may fail and retry freely.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from curhat_tui.domain.models import Delivery, Message, Session, Visit


class SendHeld(Exception):
    """A message the channel will not send now, for a reason the counselor is told (`notice`, a catalogue key with
    the session's alias); it stays in the outbox and is tried again. `readers`: who besides the client would read
    it, as (account, display name) pairs, when that is the reason (the counselor may let them read)."""

    def __init__(self, notice: str, readers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(notice)
        self.notice = notice
        self.readers = readers


class SentButSeen(Exception):
    """A message that went (it is delivered), but someone besides the client came into the room as it went, where
    nothing but the member check kept them from it (no encryption): the counselor is told they may have read it,
    and who (`readers`, as SendHeld's); the next line is held for them as usual. Or (`notice`
    "notice.client_new_device") the client's account has a device it did not have at the session's last line, and
    the room key went to it: the counselor is told, once."""

    def __init__(self, readers: tuple[tuple[str, str], ...], notice: str = "notice.sent_seen") -> None:
        super().__init__(notice)
        self.notice = notice
        self.readers = readers


@dataclass(frozen=True)
class ClientArrived:
    visit: Visit


@dataclass(frozen=True)
class ClientLeft:
    visit_id: str


@dataclass(frozen=True)
class MessageReceived:
    session_id: str
    text: str
    ts: float
    remote_id: str = ""
    locked: bool = False  # a placeholder: the words have not come yet (an encrypted line without its keys)


@dataclass(frozen=True)
class TypingChanged:
    session_id: str
    typing: bool


@dataclass(frozen=True)
class Delivered:
    txn_id: str
    delivery: Delivery


@dataclass(frozen=True)
class ConnectionChanged:
    state: str  # connected | reconnecting | offline


@dataclass(frozen=True)
class ClientTaken:
    """Another counselor took this waiting client."""

    visit_id: str
    by: str


@dataclass(frozen=True)
class ClientRead:
    """The client has read everything sent so far in this session."""

    session_id: str


@dataclass(frozen=True)
class SessionAssigned:
    """A session was handed to this counselor (a transfer): open it without a claim.

    `channel_state` may carry the previous counselor's handover note under the key "handover"."""

    visit: Visit
    started_at: float
    deadline: float
    channel_state: dict


@dataclass(frozen=True)
class MessageEdited:
    """The client replaced the text of their message whose remote event id is `remote_id` (or, `decrypted`,
    an encrypted line's words arrived to replace its placeholder: not an edit, so not marked as one)."""

    session_id: str
    remote_id: str
    text: str
    ts: float
    decrypted: bool = False


@dataclass(frozen=True)
class MessageRedacted:
    """The client deleted their message whose remote event id is `remote_id`."""

    session_id: str
    remote_id: str
    ts: float


@dataclass(frozen=True)
class EarlierLine:
    """A line a colleague wrote to this client earlier in the session, before it was handed here: context,
    kept in the transcript as the colleague's (`author`), never as this counselor's."""

    session_id: str
    author: str
    text: str
    ts: float
    remote_id: str


@dataclass(frozen=True)
class SessionGone:
    """The session is no longer this counselor's, on the service's word: `handed_away` (a transfer took it
    elsewhere), `left` (the client left), `closed` or `returned` (it went back to the queue)."""

    session_id: str
    reason: str


ChannelEvent = (ClientArrived | ClientLeft | MessageReceived | TypingChanged | Delivered | ConnectionChanged
                | ClientTaken | ClientRead | SessionAssigned | MessageEdited | MessageRedacted | SessionGone
                | EarlierLine)
Emit = Callable[[ChannelEvent], None]


class ClaimFailed(Exception):
    """Accepting a client did not work: `reason` is 'left' or 'taken'."""

    def __init__(self, reason: str, by: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.by = by


class Channel(ABC):
    """A source of clients. `simulated` channels make the header say PRACTICE."""

    simulated: bool = False
    name: str = "channel"

    def may_hold(self) -> bool:
        """Whether this channel may hold a line (SendHeld) and so whether Alt+K is offered: real clients' rooms may
        have others in them; simulated clients' never do."""
        return not self.simulated

    @abstractmethod
    async def start(self, emit: Emit) -> None:
        """Begin delivering events through `emit`; returns once started."""

    async def stop(self) -> None:
        """Stop delivering events."""

    def pump(self, now: float) -> None:
        """Called on every tick with the current time; time-driven channels act here."""

    @abstractmethod
    async def claim(self, visit: Visit, session: Session) -> dict:
        """Take a waiting client; returns the channel's state for the new session.

        A client the previous counselor sent back to the queue may come with their handover note under
        the key "handover" of that state: it is kept with the session and shown in its pane.

        Raises ClaimFailed if the client left or someone else took them.
        """

    @abstractmethod
    async def send(self, session: Session, message: Message) -> None:
        """Deliver one outgoing message; acknowledge with a `Delivered` event.

        Called again with the same message (same txn_id) on retry: must not duplicate.
        """

    def opened(self, session: Session) -> None:
        """The claimed session is stored and on screen."""

    async def typing(self, session: Session, typing: bool) -> None:
        """Tell the client whether the counselor is typing."""

    @abstractmethod
    async def end(self, session: Session) -> None:
        """The counselor ended the session."""

    async def transfer(self, session: Session, handover: str, to: str = "") -> None:
        """Hand the session to another counselor (`to`) or back to the queue."""
        raise NotImplementedError("this channel cannot transfer sessions")

    async def alert(self, session: Session, item_label: str, risk: str) -> None:
        """Tell supervisors that a red flag was raised."""

    async def forget(self, client_key: str) -> None:
        """The client asked to be deleted: ask the service to delete what the server holds of them too."""


class SupervisionLink(Protocol):
    """Carries supervision records between a counselor's and a supervisor's machines (Matrix: a private room
    per counselor). Everything it brings is stored by services.supervision before anything is shown."""

    async def start(self, emit: Callable[[dict], None]) -> None: ...

    async def stop(self) -> None: ...

    async def submit(self, snapshot: dict) -> None: ...

    async def live(self, session_id: str, info: dict) -> None: ...

    async def review(self, counselor: str, session_id: str, action: str, text: str) -> None: ...

    async def whisper(self, counselor: str, session_id: str, text: str) -> None: ...

    async def withdraw(self, session_id: str) -> int:
        """Take back what was submitted about a session (its transcript's retention is over); how many went."""
        ...
