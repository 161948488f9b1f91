"""A client who writes around a filter is read as a counselor reads them: the transcript shows the words exactly as
typed, the highlight covers the masked words, and the suggestion names the item and says imminent."""

from __future__ import annotations

from curhat_tui.channels.base import MessageReceived
from tests.conftest import accept_top

SIZE = (120, 40)


async def test_a_masked_plan_is_shown_as_typed_highlighted_and_called_imminent(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        text = "kak aku udah b*li r4cun, m*l*m ini aku mau m*ti"
        parts.channel.emit(MessageReceived(pane.session.id, text, parts.clock.now()))
        await pilot.pause()
        assert pane.suggested == ["suicide"] and pane.imminent
        entry = pane.transcript.entries[-1]
        marked = [entry.message.text[a:b] for a, b in entry.highlights]
        assert any("r4cun" in m for m in marked) and any("m*ti" in m for m in marked), marked
        assert text in pane.transcript.plain_text()  # literally, masks and digits as the client typed them
        assert parts.workstation.flags.flags(pane.session.id) == {}  # suggested, never ticked
