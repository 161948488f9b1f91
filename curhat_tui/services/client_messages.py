"""What a client writes: a new message, an edit of one, a deletion. Each is cleaned and scanned for risk
phrases the same way, stored first and then told on the bus. A message is read with the client's messages before it
since the counselor last wrote (a burst of bubbles, `domain.bursts`): its flags are what it suggests alone and
what that burst suggests read together.

Only a client's own message changes afterwards, found by its session and remote event id; an edit or a
deletion of a message not stored here is dropped (logged without its text), and one seen again (a re-sync)
changes nothing more. A deletion empties the stored text for good; the row stays, marked, so the
transcript shows where something was deleted.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from curhat_tui.channels.base import EarlierLine, MessageEdited, MessageReceived, MessageRedacted
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.bursts import BURST_BUBBLES, read_burst, readable, since_asked
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Delivery, Message, Sender
from curhat_tui.domain.sanitize import clean
from curhat_tui.services.events import EventBus, MessageAdded, MessageRevised
from curhat_tui.storage.store import DuplicateMessage, Store

log = logging.getLogger("curhat.client_messages")


class ClientMessages:
    def __init__(self, store: Store, clock: Clock, data: ServiceData, bus: EventBus) -> None:
        self.store = store
        self.clock = clock
        self.data = data
        self.bus = bus

    def _scanned(self, session_id: str, text: str, before_id: int | None = None) -> tuple[str, tuple[str, ...]]:
        """The text made safe for a terminal, and the red-flag items it suggests read with the client's unanswered
        messages before it (before message `before_id`, or before any new one)."""
        safe = clean(text)
        before, asked, raised = burst_before(self.store, session_id, before_id)
        return safe, read_burst(self.data.phrases, before + [safe], asked, raised).items

    def received(self, event: MessageReceived) -> Message | None:
        """Store and tell a new client message; None when this remote event is stored already."""
        safe, hits = self._scanned(event.session_id, event.text)
        try:
            message = self.store.messages.add(event.session_id, Sender.CLIENT, safe, event.ts or self.clock.now(),
                                              txn_id=event.remote_id or None, flags=hits,
                                              delivery=Delivery.LOCKED if event.locked else Delivery.SENT)
        except DuplicateMessage:
            return None  # the same remote event seen again (a re-sync): stored once
        self.bus.tell(MessageAdded(message))
        return message

    def earlier_line(self, event: EarlierLine) -> Message | None:
        """A colleague's line from before a handover, kept as context (a system line naming them), once."""
        session = self.store.sessions.get(event.session_id)
        if session is None:
            return None
        text = Catalogue(self.data.strings, session.lang)("transcript.colleague", name=clean(event.author),
                                                          text=clean(event.text))
        try:
            message = self.store.messages.add(event.session_id, Sender.SYSTEM, text, event.ts or self.clock.now(),
                                              txn_id=event.remote_id)
        except DuplicateMessage:
            return None
        self.bus.tell(MessageAdded(message))
        return message

    def revised(self, event: MessageEdited | MessageRedacted) -> Message | None:
        """Apply a client's edit or deletion to the stored message, then tell it; None when nothing changed."""
        ts = event.ts or self.clock.now()
        if isinstance(event, MessageEdited):
            known = self.store.messages.from_client(event.session_id, event.remote_id)
            # scanned again, with the messages before it: an edit can add (or take back) risk words
            safe, hits = self._scanned(event.session_id, event.text, known.id if known is not None else None)
            message = self.store.messages.edit(event.session_id, event.remote_id, safe, ts, hits,
                                               mark=not event.decrypted)
        else:
            message = self.store.messages.redact(event.session_id, event.remote_id, ts)
        if message is None:
            if self.store.messages.from_client(event.session_id, event.remote_id) is None:
                log.info("%s of a message not stored here dropped (session %s)", type(event).__name__,
                         event.session_id)
            return None
        self.bus.tell(MessageRevised(message))
        self._read_again_after(message)
        return message

    def _read_again_after(self, revised: Message) -> None:
        """The client's next messages were read with the words of `revised` as they were, or with what it was
        suggested for (an answer to a counselor's question after it: `bursts.since_asked`): every one among the next
        BURST_BUBBLES * 2 messages, the reach of both, is read again, stored, and told when its suggestion changed (a
        deletion leaves no suggestion resting on deleted words; an edit or words that came late are read with what
        follows)."""
        for message in self.store.messages.after(revised.session_id, revised.id, BURST_BUBBLES * 2):
            if not readable(message):
                continue
            flags = read_burst(self.data.phrases, *burst_of(self.store, message)).items
            if flags != message.flags:
                self.store.messages.set_flags(message.id, flags)
                self.bus.tell(MessageRevised(replace(message, flags=flags)))


def burst_before(store: Store, session_id: str, before_id: int | None = None
                 ) -> tuple[list[str], str, frozenset[str]]:
    """The texts of the client's messages since the counselor last wrote (before message `before_id`, or before any
    new one), oldest first: the ones a new message is read with; the counselor's message they answer ('' when none);
    and what the client's messages before that one, among the last BURST_BUBBLES * 2, were suggested for
    (`bursts.since_asked`)."""
    messages = store.messages.for_session(session_id, limit=BURST_BUBBLES * 2, before_id=before_id)
    found, asked, raised = since_asked(messages)
    return [messages[k].text for k in found], asked, raised


def burst_of(store: Store, message: Message) -> tuple[list[str], str, frozenset[str]]:
    """The texts a stored client message was read with for risk, its own last, the counselor's message before them
    ('' when none) and what the client's messages before that were suggested for (`burst_before`)."""
    before, asked, raised = burst_before(store, message.session_id, message.id)
    return before + [message.text], asked, raised
