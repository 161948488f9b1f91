"""The look of a risk suggestion made from a burst of short bubbles, pinned with a frozen clock at 80x24: four bubbles,
none of which says it alone, the pane's imminent suggestion above them and the words that carried it highlighted in
the bubbles they sit in. And of one made from an answer: "iya kak" after the counselor's screening question, the
pane saying that the answer to the question carries risk and "iya" highlighted.

Update after an intended change with `pytest tests/ui/test_snapshots_risk.py --snapshot-update` and look at the SVG
in tests/ui/__snapshots__/ before committing it.
"""

from __future__ import annotations

from curhat_tui.bootstrap import build_practice
from curhat_tui.channels.base import ClientArrived, MessageReceived
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.ui.app import build_app
from tests.support.personas import classic
from tests.ui.test_snapshots_panes import START, accept, settle

BURST = ["kak", "udah kebeli tadi sore", "yg cair buat nyamuk itu", "aku yg minum"]


async def a_burst(pilot) -> None:
    app = pilot.app
    await pilot.pause()
    await accept(pilot)
    sid = app.main.active_pane.session.id
    for n, text in enumerate(BURST):
        app.clock.advance(4)
        app.workstation.desk.on_channel_event(MessageReceived(sid, text, app.clock.now(), remote_id=f"$burst{n}"))
        await pilot.pause()
    await settle(pilot)


def test_a_burst_read_together_at_80x24(snap_compare, tmp_path):
    parts = build_practice(tmp_path / "snap", data=classic(), clock=FakeClock(START), seed=7, speed=0, name="Ani")
    assert snap_compare(build_app(parts), terminal_size=(80, 24), run_before=a_burst)


async def an_answer(pilot) -> None:
    app = pilot.app
    channel = app.workstation.channel
    await pilot.pause()
    channel.inject(ClientArrived(Visit("a", "client-a", "Melati", Tier.PEER, 30, 25000, "tidur", "tidak", Risk.NONE,
                                       app.clock.now())))
    await pilot.press("ctrl+n")
    await pilot.pause()
    sid = app.main.active_pane.session.id
    app.clock.advance(4)
    await pilot.press(*"belakangan ini kamu ada kepikiran buat bunuh diri?", "enter")
    await pilot.pause()
    app.clock.advance(8)
    channel.inject(MessageReceived(sid, "iya kak", app.clock.now(), remote_id="$answer"))
    await pilot.pause()
    await settle(pilot)


def test_an_answer_read_with_the_question_at_80x24(snap_compare, fake_parts):
    """Over a channel the test speaks for (a practice persona would answer the question itself)."""
    parts, _ = fake_parts
    assert snap_compare(build_app(parts), terminal_size=(80, 24), run_before=an_answer)
