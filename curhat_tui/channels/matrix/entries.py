"""What others wrote, read into the app's terms: a queue entry (as the intake service writes it into the
queue room's state) into a Visit, and a client's event into the text the transcript keeps.

It is content someone else wrote: every field is checked for its type, and a queue entry with one
that is wrong raises TypeError or ValueError (the channel drops that entry and goes on).
"""

from __future__ import annotations

import re

from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Risk, Tier, Visit, VisitStatus
from curhat_tui.storage.sessions import DEVICE_MARKS, HANDOVER, HANDOVER_FLAGS

MEDIA = {"m.image": "image", "m.video": "video", "m.audio": "audio", "m.file": "file", "m.location": "location",
         "m.sticker": "sticker"}  # what a client may send that is not words: shown as a placeholder naming it


def visit_of(room_id: str, entry: dict) -> Visit:
    """The queue entry as a visit; TypeError or ValueError when a field has the wrong type."""
    tier = str(entry.get("tier")) if entry.get("tier") in {t.value for t in Tier} else Tier.PEER.value
    return Visit(
        id=room_id, client_key=_text(entry.get("client")) or room_id, alias=_text(entry.get("alias")) or "klien",
        tier=Tier(tier), minutes=_whole(entry.get("minutes"), 30), price=_whole(entry.get("price"), 0),
        topic=_said(entry.get("topic")), intake_risk_answer=_said(entry.get("intake_risk_answer")),
        risk=Risk(max(0, min(3, _whole(entry.get("risk"), 0)))), arrived_at=_whole(entry.get("arrived_at"), 0) / 1000,
        status=VisitStatus.WAITING, imminent=_flag(entry.get("imminent")),
        appointment_at=_whole(entry.get("appointment_at"), 0) / 1000 or None,  # ms, when the intake booked them
    )


def _flag(value: object) -> bool:
    """A yes/no field (the intake's `imminent`): absent is no; TypeError for anything but true or false."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise TypeError("a yes/no field is not a boolean")
    return value


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError("a text field is not a string")
    return value


def _said(value: object) -> str:
    """A client's answer the intake kept: a reply's fallback (a quote naming their Matrix id) taken off."""
    text = _text(value)
    return without_fallback(text) if quotes_an_id(text) else text


def _whole(value: object, default: int) -> int:
    """A whole number from an event's content (Matrix content holds integers); TypeError for anything else."""
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("a number field is not an integer")
    return value


def is_reply(content: dict) -> bool:
    """Whether the content is a rich reply (`m.relates_to.m.in_reply_to`), whose body may start with a fallback."""
    relation = content.get("m.relates_to")
    return isinstance(relation, dict) and isinstance(relation.get("m.in_reply_to"), dict)


def without_fallback(body: str) -> str:
    """A reply's body without the spec's reply fallback: the leading run of lines starting with ">" (the quoted
    line, with the quoted sender's Matrix id: a bridge puppet's is a phone number) and the blank line after it."""
    lines = body.split("\n")
    quoted = 0
    while quoted < len(lines) and lines[quoted].startswith(">"):
        quoted += 1
    if quoted and quoted < len(lines) and not lines[quoted].strip():
        quoted += 1
    return "\n".join(lines[quoted:])


def quotes_an_id(body: str) -> bool:
    """Whether a body starts as a reply fallback does, a quote naming a Matrix id ("> <@who:server> ..."), with
    or without the relation beside it: an edit of a reply carries no `m.in_reply_to` (the spec keeps relations out
    of `m.new_content`), an encrypted reply's relation may travel only outside the ciphertext, and an intake
    answer or a relayed line keeps the body alone."""
    return re.match(r"> <@[^<>\s]+:[^<>\s]+>", body) is not None


def reply_body(content: dict) -> str | None:
    """The body of a message as its author wrote it: a reply's fallback taken off; None when there is no body."""
    body = content.get("body")
    if not isinstance(body, str):
        return None
    return without_fallback(body) if is_reply(content) or quotes_an_id(body) else body


def client_text(kind: str, content: dict, t: Catalogue) -> str | None:
    """What a client's event says as text: the words, or for a picture, a file, a voice note or a place a
    clear placeholder naming what came, in `t`'s language (nothing is downloaded or shown). None: no text.
    A reply (or a body that starts with a reply's fallback: an edit of one) loses the fallback, the quote naming a
    Matrix id; a reply that was only the quote says so."""
    body = content.get("body")
    if not isinstance(body, str):
        return None
    if is_reply(content) or quotes_an_id(body):
        body = without_fallback(body)
        if not body.strip():
            return t("media.reply")
    media = MEDIA.get("m.sticker" if kind == "m.sticker" else str(content.get("msgtype")))
    if media is None:
        return body
    where = content.get("geo_uri") if isinstance(content.get("geo_uri"), str) else ""
    return t(f"media.{media}", name=body, where=where)


def handover_items(entry: dict) -> list[str]:
    """The red-flag items a session was handed over with (ids, as the intake kept them; at most 30)."""
    flags = entry.get("flags")
    return [f for f in flags if isinstance(f, str)][:30] if isinstance(flags, list) else []


def handover_state(entry: dict) -> dict:
    """What a session's channel state takes from the entry it was handed over (or sent back to the queue) with: the
    note, the red flags raised before, and marks of the client's devices the previous counselor's lines reached
    (members.device_mark; at most 64), so a device that came in between is told to the next counselor."""
    marks = entry.get("devices")
    state = {HANDOVER: str(entry.get("handover") or ""), HANDOVER_FLAGS: handover_items(entry)}
    if isinstance(marks, list):
        state[DEVICE_MARKS] = [m for m in marks if isinstance(m, str) and 0 < len(m) <= 64][:64]
    return state
