"""What a client wrote before this workstation had their room: read back through /messages when a session
opens (the waiting period, or a colleague's part before a handover), and encrypted lines filled in once
their keys arrive."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx

from curhat_tui.channels.base import Emit, MessageEdited
from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.channels.matrix.client_room import ClientRoomReader
from curhat_tui.channels.matrix.entries import client_text
from curhat_tui.channels.matrix.protocol import obj, seconds
from curhat_tui.channels.matrix.sync import SyncLoop
from curhat_tui.domain.i18n import Catalogue

log = logging.getLogger("curhat.matrix")


async def read_earlier(api: MatrixAPI, sync: SyncLoop, reader: ClientRoomReader, room_id: str, session_id: str,
                       since: float, *, handed_over: bool) -> None:
    """Page back through the room to `since`; the sync after the join may carry only the newest words
    (the store keeps each event once whichever way it came)."""
    history: list[dict] = []
    token: str | None = None
    try:
        for _ in range(20):  # at most 2,000 events back: a long wait, not a history dump
            page = await api.messages(room_id, token, "b", 100)
            events = [e for e in page.get("chunk") or [] if isinstance(e, dict)]
            history += events
            end = page.get("end")
            if not events or not isinstance(end, str) or min(seconds(e.get("origin_server_ts")) for e in events) < since:
                break
            token = end
    except (MatrixError, httpx.HTTPError) as exc:
        log.warning("could not read a client's earlier words: %s", type(exc).__name__)
        return
    history = [sync._decrypted(room_id, e) for e in reversed(history)]
    reader.earlier(session_id, history, since, handed_over=handed_over)


def fill_in_decrypted(crypto, reader: ClientRoomReader, room_of: Callable[[str], str],  # noqa: ANN001
                      catalogue: Callable[[str], Catalogue], emit: Emit) -> None:
    """Encrypted lines whose keys have come since they were shown as placeholders: their words replace it."""
    for event_id, (session_id, event) in list(reader.undecrypted.items()):
        plain = crypto.decrypt_raw(room_of(session_id), event)
        if plain is None:
            continue
        del reader.undecrypted[event_id]
        content = obj(plain.get("content"))
        relation, new = obj(content.get("m.relates_to")), content.get("m.new_content")
        target = relation.get("event_id")
        if relation.get("rel_type") == "m.replace" and isinstance(target, str) and isinstance(new, dict):
            # an edit of an earlier line: that line gets the new words; the placeholder says what it was
            text = client_text(str(plain.get("type")), new, catalogue(session_id))
            if text is not None:
                emit(MessageEdited(session_id, target, text, 0.0))
            emit(MessageEdited(session_id, event_id, catalogue(session_id)("media.edit_of_earlier"), 0.0, decrypted=True))
            continue
        text = client_text(str(plain.get("type")), content, catalogue(session_id))
        if text is not None:
            emit(MessageEdited(session_id, event_id, text, 0.0, decrypted=True))
