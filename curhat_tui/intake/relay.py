"""Client lines a counselor could not read back from the room, carried in the queue entry (`said`, sealed).

A workstation reads what a client wrote while waiting from the room's history, from their last intake answer on.
Two kinds of line never reach it that way:
- a line written during the intake that was not an answer and carries risk ("aku barusan minum obat banyak",
  typed when asked for a package): it is older than the last answer. It also raises the client's risk;
- anything written while waiting in a room whose history a new member cannot see (`history_visibility` joined
  or invited, a legal setting some apps choose).
The entry's `said` is a JSON text of [event id, server time in ms, words] oldest first, bounded so an entry
stays far below Matrix's 64 KiB event limit however it is encoded: the bounds count a line as JSON writes it
with every non-ASCII character escaped (an emoji is 12 bytes so), which is how the sealed words are encrypted
before base64. Risky lines are kept before others when it is full; a line longer than the bound is cut.
"""

from __future__ import annotations

import json

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.protocol import SEEN, TAKEN, content_of, events_in, obj, whole
from curhat_tui.channels.matrix.relay import MAX_LINES
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.queue import waiting_risk

MAX_CHARS, MAX_TOTAL = 2000, 12_000  # bytes of a line, and of all, JSON-escaped (lines: what a workstation takes)
HIDDEN = ("joined", "invited")  # a member who joins later does not see what was said before


def line_of(event: dict) -> list | None:
    """[event id, ms, words] of a client's message event; None when it lacks any of them."""
    event_id, ts, body = event.get("event_id"), event.get("origin_server_ts"), obj(event.get("content")).get("body")
    if not (isinstance(event_id, str) and event_id.startswith("$") and len(event_id) <= 255):
        return None
    if isinstance(ts, bool) or not isinstance(ts, int) or not isinstance(body, str) or not body.strip():
        return None
    return [event_id, ts, cut(body)]


def size(text: str) -> int:
    """The bytes `text` takes in JSON with every non-ASCII character escaped (its largest form)."""
    return len(json.dumps(text))


def cut(body: str) -> str:
    """`body` within MAX_CHARS escaped bytes, cut at a character, with an ellipsis where it was cut."""
    if size(body) <= MAX_CHARS:
        return body
    low, high = 0, len(body)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if size(body[:mid] + "…") <= MAX_CHARS:
            low = mid
        else:
            high = mid - 1
    return body[:low] + "…"


def kept(lines: list, line: list, risky: bool) -> list:
    """`lines` with `line` added (once), within the bounds: the oldest line that carries no risk goes first."""
    if any(old[0] == line[0] for old in lines):
        return lines
    lines = [*lines, [*line[:3], bool(risky)]]
    while len(lines) > MAX_LINES or sum(size(old[2]) for old in lines) > MAX_TOTAL:
        plain = [i for i, old in enumerate(lines) if not old[3]]
        lines.pop(plain[0] if plain else 0)
    return lines


def said_field(lines: list) -> str:
    """The entry's `said`: "" when there is nothing to carry."""
    return json.dumps([old[:3] for old in lines], ensure_ascii=False) if lines else ""


async def hides_history(api: MatrixAPI, room_id: str) -> bool:
    """Whether a counselor joining later would not see what the client wrote before (read once, when the client
    is queued; a change later arrives as a state event and is applied by the caller)."""
    try:
        state = await api.get_state(room_id, "m.room.history_visibility")
    except MatrixError:
        return True  # unknown: carry the lines, losing none
    return obj(state).get("history_visibility", "shared") in HIDDEN


def note_intake_line(known: dict, event: dict, data: ServiceData) -> bool:
    """A line written during the intake that carries risk: kept in the client's record (`known`, the intake's
    state for the room) to raise the risk they are queued with and to be carried to the counselor; it is older
    than the last answer, where a workstation reads from. True when it was kept."""
    risk, imminent = waiting_risk(data.phrases.detect(event["content"]["body"]), data.redflags)
    line = line_of(event)
    if not (risk or imminent) or line is None:
        return False
    known["said"] = kept(known.get("said") or [], line, True)
    was = known.get("said_risk") or [0, False]
    known["said_risk"] = [max(int(was[0]), int(risk)), bool(was[1] or imminent)]
    return True


def note_answered(known: dict, entry: dict, joined: dict) -> None:
    """What the counselor had read of the client's lines, kept as `answered_at`: the newest client line a line of
    theirs was written after (SEEN, put in by their workstation, never later than the line itself). A line with risk
    up to then needs no requeue when the session ends (requests.py). Only the counselor who has the client counts,
    and only lines that say what they were written after (not the workstation's closing line)."""
    counselor = entry.get("taken_by") if entry.get("status") == TAKEN else None
    for event in events_in(joined, "timeline") if counselor else ():
        ts, seen = whole(event.get("origin_server_ts")), whole(content_of(event).get(SEEN))
        if event.get("sender") == counselor and event.get("type") == "m.room.message" and ts is not None \
                and seen is not None:
            known["answered_at"] = max(min(seen, ts), int(known.get("answered_at") or 0))
