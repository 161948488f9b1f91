"""The outbox: every counselor message is stored (delivery 'pending', with a transaction id) before a channel
sees it, and sent again with the same id until the channel takes it. One session whose sends fail (a room we
were taken out of, say) holds up no other session's messages; a session that is no longer ours gives its
pending messages up as 'unsent', told to the counselor, instead of retrying for ever."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from curhat_tui.channels.base import Channel, SendHeld, SentButSeen
from curhat_tui.domain.models import Delivery, Message, Session
from curhat_tui.services.events import EventBus, MessageUpdated, Notice
from curhat_tui.storage.sessions import READERS_ALLOWED
from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.outbox")


class Outbox:
    def __init__(self, store: Store, channel: Channel, bus: EventBus,
                 background: Callable[[Coroutine[Any, Any, Any]], object]) -> None:
        self.store = store
        self.channel = channel
        self.bus = bus
        self._background = background
        self._retry_delay = 2.0
        self._next_retry = 0.0
        self.held: dict[str, tuple[tuple[str, str], ...]] = {}  # session id: who else would read its held lines

    async def deliver(self, message: Message) -> None:
        """Hand an outbox message to the channel; on failure it stays in the outbox for a retry."""
        session = self.store.sessions.get(message.session_id)
        if session is None:
            return
        try:
            await self.channel.send(session, message)
            self.held.pop(session.id, None)
        except SentButSeen as seen:
            self._seen(session, seen)
        except SendHeld as held:  # not sent on purpose (someone else is in the client's room): said why
            self._hold(session.id, held)
            # who is there: the screen names them (ui/widgets/localize.py held_names), in the counselor's language
            self.bus.tell(Notice(held.notice, {"alias": session.alias, "readers": held.readers}, "warning", session.id))
        except Exception:  # noqa: BLE001 - the outbox keeps it; flush retries with the same txn id
            self.bus.tell(Notice("notice.send_failed", {"alias": session.alias}, "warning", session.id))

    def _seen(self, session: Session, seen: SentButSeen) -> None:
        """Sent, as someone came in where nothing kept them from it, or to a device of the client's account that is
        new: said who (first try or retry alike: a line queued offline goes in a flush)."""
        self.held.pop(session.id, None)
        self.bus.tell(Notice(seen.notice, {"alias": session.alias, "readers": seen.readers}, "warning", session.id))

    def _hold(self, session_id: str, held: SendHeld) -> None:
        if held.readers:
            self.held[session_id] = held.readers
        else:
            self.held.pop(session_id, None)

    def let_read(self, session_id: str, asked: Iterable[str]) -> int:
        """The counselor chose to send although others are in the client's room: exactly the accounts they were asked
        about (`asked`, named in the question) and that still hold the lines back may read them (and what follows);
        anyone who came while the question was open, or comes later, holds them again. How many accounts; the lines
        go at the next flush, which starts now."""
        names = set(asked)
        readers = [reader for reader in self.held.pop(session_id, ()) if reader[0] in names]
        if not readers:
            return 0
        state = self.store.sessions.channel_state(session_id)
        before = state.get(READERS_ALLOWED)
        allowed = {user for user in before if isinstance(user, str)} if isinstance(before, list) else set()
        allowed |= {user for user, _ in readers}
        self.store.sessions.update(session_id, channel_state={**state, READERS_ALLOWED: sorted(allowed)})
        self._background(self.flush())
        return len(readers)

    async def flush(self) -> None:
        """Send (again) every message still pending, oldest first within each session; channels deduplicate
        by txn_id. A session whose send fails keeps the rest of its messages for the next round (their order
        matters); the other sessions go on."""
        failed: set[str] = set()
        for message in self.store.messages.outbox():
            if message.session_id in failed:
                continue
            session = self.store.sessions.get(message.session_id)
            if session is None:
                continue
            try:
                await self.channel.send(session, message)
                self.held.pop(session.id, None)
            except SentButSeen as seen:  # it went: the rest of the session goes on
                self._seen(session, seen)
            except SendHeld as held:  # still held (told at the first try): who is there now
                self._hold(session.id, held)
                failed.add(message.session_id)
            except Exception as exc:  # noqa: BLE001 - stays in the outbox; the next tick retries
                log.info("outbox retry failed: %s", type(exc).__name__)
                failed.add(message.session_id)
        if not failed:
            self._retry_delay = 2.0

    def tick(self, now: float) -> None:
        """Retries with a growing delay (2 s doubling to a minute) while anything is pending."""
        if now >= self._next_retry and self.store.messages.outbox():
            self._retry_delay = min(self._retry_delay * 2, 60.0)
            self._next_retry = now + self._retry_delay
            self._background(self.flush())

    def give_up(self, session_id: str, alias: str) -> int:
        """The session is no longer ours: its pending messages never reach the client. Marked unsent, told."""
        unsent = 0
        for message in self.store.messages.outbox():
            if message.session_id == session_id and message.txn_id:
                updated = self.store.messages.set_delivery(message.txn_id, Delivery.UNSENT)
                if updated:
                    unsent += 1
                    self.bus.tell(MessageUpdated(updated))
        if unsent:
            self.bus.tell(Notice("notice.unsent", {"alias": alias, "count": unsent}, "error", session_id))
        return unsent
