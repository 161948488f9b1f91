"""Hostile client input: markup, ANSI/OSC escapes, bidi overrides, zero-width characters,
huge messages and invalid UTF-8 go through the channel into the chat pane and come out
literally, with nothing crashing and no render taking over a second.

Issue 5 asks for 10,000 generated messages; HOSTILE_EXAMPLES sets how many (CI runs 10,000).
"""

from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curhat_tui.channels.base import MessageReceived
from curhat_tui.domain.sanitize import clean

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "10000"))
SIZE = (100, 30)

PIECES = st.sampled_from([
    "[bold red]", "[/]", "[link=http://evil.example]klik[/link]", "[@click=app.quit]x[/]", "\x1b[2J", "\x1b[31m",
    "\x1b]0;judul\x07", "\x1b]8;;http://x\x1b\\", "\x1bP+q\x1b\\", "\x9b31m", "\u202e", "\u2066", "\u200b", "\u200d",
    "\ufeff", "\x00", "\x07", "\r", "\t", "\n", "🙂", "👨‍👩‍👧", "ä", "İ", "ﷺ", "مرحبا", "\U0010ffff", "\ud800"[:0],
    "aku pengen mati", "{client}", "%s", "\\", "'", '"',
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=40)), max_size=12).map("".join)


def undecodable(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")  # what the HTTP layer makes of invalid UTF-8


async def test_hostile_messages_are_shown_literally_and_nothing_breaks(make_app, parts):
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        pane = app.main.active_pane
        transcript = pane.transcript
        seen = [0]

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(text=st.one_of(TEXT, st.binary(max_size=64).map(undecodable)))
        def feed(text: str) -> None:
            seen[0] += 1
            parts.channel.emit(MessageReceived(pane.session.id, text, parts.clock.now()))
            message = ws.store.messages.for_session(pane.session.id, limit=1)[0]
            assert message.text == clean(text)
            assert "\x1b" not in message.text and "\u202e" not in message.text
            if seen[0] % 200 == 0:  # keep the pane a realistic size: a fresh page every 200 messages
                transcript.set_messages(ws.desk.transcript(pane.session.id, limit=50), True)
            transcript.append(message)
            painted = transcript.entries[-1].strips  # the cells the message is painted as, wrapped to the pane
            if seen[0] % 50 == 0:  # and now and then the whole pane as the terminal gets it, line by line
                painted = [*painted, *(transcript.render_line(y) for y in range(transcript.size.height))]
            shown = "".join(segment.text for line in painted for segment in line)
            assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown

        feed()
        assert seen[0] >= min(EXAMPLES, 100)  # (how fast a render is belongs to bench/, not to a test)
        await pilot.pause()  # let the app catch up on the events the synchronous loop above queued
        # a megabyte from one client: stored whole, shown without stalling, the session goes on
        huge = "[b]" + "x" * 1_000_000
        started = time.process_time()  # the app's own work: other programs on a loaded machine do not count
        parts.channel.emit(MessageReceived(pane.session.id, huge, parts.clock.now()))
        await pilot.pause()
        assert time.process_time() - started < 1.0
        assert len(ws.store.messages.for_session(pane.session.id, limit=1)[0].text) == len(huge)
        assert "1000003 karakter" in transcript.plain_text()
        await ws.desk.send(pane.session.id, "Aku masih di sini.")
        await pilot.pause()
        assert "Aku masih di sini." in transcript.plain_text()
        assert app.is_running
