"""Reading a client's room: the client's words (and edits, deletions, typing, read receipts) as channel
events, and nothing else. The room is the client's own, so only *who* sent an event is trusted (the
server vouches for that): staff and the intake are never the client, and no state is believed. When the
intake named the client (the scrypt hash of their Matrix id, relay.py), only that account is the client in
that session's room: anyone else who got in is dropped, logged without their words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from curhat_tui.channels.base import (
    ClientRead,
    Delivered,
    EarlierLine,
    Emit,
    MessageEdited,
    MessageReceived,
    MessageRedacted,
    TypingChanged,
)
from curhat_tui.channels.matrix.entries import client_text, reply_body
from curhat_tui.channels.matrix.protocol import content_of, obj, seconds
from curhat_tui.channels.matrix.relay import user_hash
from curhat_tui.channels.matrix.staff import Staff
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Delivery

log = logging.getLogger("curhat.matrix")
SAID = ("m.room.message", "m.sticker")
OWN_LINES, OWN_CHARS, REACTION_CHARS = 200, 60, 500  # our lines remembered, how much of each; a reaction's key


def _event_id(value: object) -> str:
    return value if isinstance(value, str) and value.startswith("$") and len(value) <= 255 else ""


class ClientRoomReader:
    def __init__(self, me: Callable[[], str], staff: Staff, emit: Callable[[], Emit],
                 catalogue: Callable[[str], Catalogue], colleague: Callable[[str, str], str] | None = None,
                 client_of: Callable[[str], tuple[str, str]] | None = None) -> None:
        self.me = me
        self.client_of = client_of or (lambda session_id: ("", ""))  # session id -> the client's hash and room
        self.colleague = colleague or (lambda session_id, user: user.lstrip("@").split(":", 1)[0])
        self.undecrypted: dict[str, tuple[str, dict]] = {}  # event id -> (session id, the encrypted event)
        self.own: dict[str, str] = {}  # event id -> the start of our own line (what a client's reaction is to)
        self.staff = staff
        self.emit = emit
        self.catalogue = catalogue  # session id -> the catalogue in that session's language

    def is_client(self, sender: object, session_id: str = "") -> bool:
        """Whether `sender` is the client of this session: never us or staff; when the intake named the client,
        only that account (otherwise, for a session from an older intake, anyone else)."""
        if not isinstance(sender, str) or sender == self.me() or self.staff.is_staff(sender):
            return False
        known, room = self.client_of(session_id) if session_id else ("", "")
        return not known or user_hash(sender, room) == known

    def events(self, session_id: str, events: list, since: float) -> None:
        """Each event on its own: one that is malformed is dropped and logged, the rest still count."""
        for event in events:
            if not isinstance(event, dict):
                continue
            try:
                self.event(session_id, event, since)
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                log.warning("dropped a malformed %s event: %s", str(event.get("type"))[:60], type(exc).__name__)

    def event(self, session_id: str, event: dict, since: float) -> None:
        kind, sender = event.get("type"), event.get("sender")
        content = content_of(event)
        if sender == self.me() and kind in SAID:
            txn = (event.get("unsigned") or {}).get("transaction_id")
            if isinstance(txn, str) and txn:
                self.emit()(Delivered(txn, Delivery.SENT))
            if (event_id := _event_id(event.get("event_id"))) and isinstance(body := content.get("body"), str):
                self.own[event_id] = " ".join(body.split())[:OWN_CHARS]
                while len(self.own) > OWN_LINES:  # the newest lines: a reaction is to something recent
                    self.own.pop(next(iter(self.own)))
            return
        if not self.is_client(sender, session_id):
            if isinstance(sender, str) and sender != self.me() and not self.staff.is_staff(sender):
                log.warning("dropped a %s event of someone who is not the client (session %s)", str(kind)[:60],
                            session_id)
            return  # the intake's questions, a colleague's lines, a stranger in the room: not the client's words
        ts = seconds(event.get("origin_server_ts"))
        if kind == "m.room.encrypted" and event.get("curhat_undecrypted"):
            event_id = _event_id(event.get("event_id"))
            if event_id and not (ts and ts <= since):  # shown as waiting for its keys, filled in when they come
                self.undecrypted[event_id] = (session_id, event)
                self.emit()(MessageReceived(session_id, self.catalogue(session_id)("media.encrypted"), ts, event_id,
                                            locked=True))
            return
        if kind == "m.room.redaction":
            target = _event_id(event.get("redacts") or content.get("redacts"))
            if target:
                self.emit()(MessageRedacted(session_id, target, ts))
            return
        if kind == "m.reaction":
            self._reaction(session_id, event, ts, since)
            return
        if kind not in SAID:
            return
        relation = obj(content.get("m.relates_to"))
        if relation.get("rel_type") == "m.replace":
            new = content.get("m.new_content")
            target = _event_id(relation.get("event_id"))
            text = client_text(str(kind), new, self.catalogue(session_id)) if isinstance(new, dict) else None
            if target and isinstance(text, str):
                self.emit()(MessageEdited(session_id, target, text, ts))
            return
        if ts and ts <= since:
            return  # the intake conversation, already summarised in the queue entry
        text = client_text(str(kind), content, self.catalogue(session_id))
        event_id = _event_id(event.get("event_id"))
        if isinstance(text, str) and event_id:
            self.emit()(MessageReceived(session_id, text, ts, event_id))

    def _reaction(self, session_id: str, event: dict, ts: float, since: float) -> None:
        """A client's reaction (an emoji on a line, m.annotation) is an answer too ("aman malam ini?" 👎): it is a
        line of the transcript, naming the line of ours it is on when this workstation sent it. Removing it (a
        redaction of the reaction) empties that line as any deletion does."""
        relation = obj(content_of(event).get("m.relates_to"))
        key, event_id = relation.get("key"), _event_id(event.get("event_id"))
        if relation.get("rel_type") != "m.annotation" or not isinstance(key, str) or not key.strip() or not event_id \
                or (ts and ts <= since):
            return
        key, line = " ".join(key.split())[:REACTION_CHARS], self.own.get(_event_id(relation.get("event_id")) or "")
        t = self.catalogue(session_id)
        text = t("media.reaction", emoji=key, line=line) if line else t("media.reaction_earlier", emoji=key)
        self.emit()(MessageReceived(session_id, text, ts, event_id))

    def ephemeral(self, session_id: str, events: list) -> None:
        for event in events:
            if not isinstance(event, dict) or not isinstance(event.get("content"), dict):
                continue
            if event.get("type") == "m.typing":
                users = event["content"].get("user_ids")
                typing = [u for u in users if self.is_client(u, session_id)] if isinstance(users, list) else []
                self.emit()(TypingChanged(session_id, bool(typing)))
            elif event.get("type") == "m.receipt":
                readers = {user for receipts in event["content"].values() if isinstance(receipts, dict)
                           for users in receipts.values() if isinstance(users, dict) for user in users}
                if any(self.is_client(u, session_id) for u in readers):
                    self.emit()(ClientRead(session_id))

    def earlier(self, session_id: str, history: list[dict], since: float, *, handed_over: bool) -> None:
        """What the client wrote before this workstation had the room, oldest first: for a claimed client, the
        words after their last intake answer (`since`, the server's time of it) and after the intake's last line,
        written while queued; for a session handed over, everything they wrote since the session began."""
        said = [e for e in history if e.get("type") in SAID]
        if not handed_over:
            others = [i for i, e in enumerate(said) if e.get("sender") == self.staff.intake]
            said = said[others[-1] + 1 if others else 0:]
        self.events(session_id, said, since)
        if handed_over:  # what the colleague(s) before us said to the client in this session
            for event in said:
                sender, content = event.get("sender"), content_of(event)
                ts = seconds(event.get("origin_server_ts"))
                event_id, body = _event_id(event.get("event_id")), reply_body(content)
                if sender in self.staff.counselors and sender != self.me() and ts > since and event_id and body:
                    self.emit()(EarlierLine(session_id, self.colleague(session_id, str(sender)), body, ts, event_id))
        for event in history:  # deleted before we came: a copy the intake relayed (relay.py) is emptied too
            if isinstance(event, dict):
                self.withdrawn(session_id, event)

    def withdrawn(self, session_id: str, event: dict) -> None:
        """A line of the client's that the room's history shows deleted by the client (the redacted event, or the
        redaction itself): told as a deletion, which empties the line if it is stored here (nothing otherwise)."""
        kind, because = event.get("type"), obj(obj(event.get("unsigned")).get("redacted_because"))
        if kind in SAID and because and self.is_client(because.get("sender"), session_id):
            target, ts = _event_id(event.get("event_id")), because.get("origin_server_ts")
        elif kind == "m.room.redaction" and self.is_client(event.get("sender"), session_id):
            target, ts = _event_id(event.get("redacts") or content_of(event).get("redacts")), event.get("origin_server_ts")
        else:
            return
        if target:
            self.emit()(MessageRedacted(session_id, target, ts / 1000 if isinstance(ts, int) and not isinstance(
                ts, bool) else 0.0))
