"""A channel the test drives: `inject(event)` hands the workstation a channel event through the same
callback a real channel uses, and every send, claim, end and alert is recorded for assertions."""

from __future__ import annotations

from collections.abc import Callable

from curhat_tui.channels.base import Channel, ChannelEvent, ClaimFailed, Delivered, Emit, SendHeld
from curhat_tui.domain.models import Delivery, Message, Session, Visit


class FakeChannel(Channel):
    name = "fake"

    def may_hold(self) -> bool:
        return True  # its `others` hold a line as a Matrix room's members do (tests/ui/test_held_sends.py)

    def __init__(self, *, simulated: bool = True, fail_sends: bool = False) -> None:
        self.simulated = simulated
        self.fail_sends = fail_sends  # a dropped connection: sends raise, the outbox keeps the message
        self.emit: Emit | None = None
        self.sent: list[Message] = []
        self.claimed: list[str] = []
        self.ended: list[str] = []
        self.alerts: list[tuple[str, str, str]] = []
        self.refuse: dict[str, ClaimFailed] = {}  # visit id -> how a claim of it fails
        self.claim_state: dict = {}  # what a claim returns as the session's channel state (a handover note, say)
        self.others: tuple[tuple[str, str], ...] = ()  # who besides the client is in the room: (account, name)
        self.let_read: Callable[[str], object] = lambda session_id: ()  # the session's READERS_ALLOWED, as read

    async def start(self, emit: Emit) -> None:
        self.emit = emit

    def inject(self, event: ChannelEvent) -> None:
        """Deliver one event as the network would."""
        assert self.emit is not None, "start the workstation before injecting events"
        self.emit(event)

    async def claim(self, visit: Visit, session: Session) -> dict:
        if visit.id in self.refuse:
            raise self.refuse[visit.id]
        self.claimed.append(visit.id)
        return dict(self.claim_state)

    async def send(self, session: Session, message: Message) -> None:
        if self.fail_sends:
            raise ConnectionError("offline")
        allowed = self.let_read(session.id)
        held = tuple(r for r in self.others if not isinstance(allowed, list) or r[0] not in allowed)
        if held:  # as the Matrix channel does (channels/matrix/members.py)
            raise SendHeld("notice.send_held", held)
        self.sent.append(message)
        self.inject(Delivered(message.txn_id or "", Delivery.SENT))

    async def end(self, session: Session) -> None:
        self.ended.append(session.id)

    async def alert(self, session: Session, item_label: str, risk: str) -> None:
        self.alerts.append((session.id, item_label, risk))
