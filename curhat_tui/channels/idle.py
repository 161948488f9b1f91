"""A channel with no clients: the supervisor's workstation, which reviews and watches but never takes clients."""

from __future__ import annotations

from curhat_tui.channels.base import Channel, ClaimFailed, ConnectionChanged, Emit
from curhat_tui.domain.models import Message, Session, Visit


class IdleChannel(Channel):
    simulated = False
    name = "idle"

    async def start(self, emit: Emit) -> None:
        emit(ConnectionChanged("connected"))

    async def claim(self, visit: Visit, session: Session) -> dict:
        raise ClaimFailed("left")

    async def send(self, session: Session, message: Message) -> None:
        raise RuntimeError("a supervisor's workstation sends no client messages")

    async def end(self, session: Session) -> None:
        return None
