"""Opening a chat (issue 14): the new chat comes to the front and stays there while it is built, with the newest
message in view and the reply box focused; the chat it replaced never comes back to the front in between, even
when the note beside it has to be rebuilt for another template (which takes more than a frame)."""

from __future__ import annotations

from textual.widgets import TabbedContent

from curhat_tui.bootstrap import Parts
from curhat_tui.channels.base import ClientArrived
from curhat_tui.domain.models import Risk, Sender, Tier, Visit
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from curhat_tui.ui.app import build_app
from curhat_tui.ui.widgets.chat_pane import first_page
from tests.conftest import START
from tests.support.fake_channel import FakeChannel

SIZE = (120, 40)


def visit(n: int, tier: Tier) -> Visit:
    return Visit(f"v{n}", f"client-{n}", f"klien{n}", tier, 60, 250000, "tidur", "tidak", Risk.NONE, START + n)


async def settle(pilot, done, rounds: int = 40) -> None:
    for _ in range(rounds):
        await pilot.pause()
        if done():
            return


async def test_an_opened_chat_stays_in_front_while_it_is_built(tmp_path, data, clock):
    channel = FakeChannel(simulated=False)
    parts = Parts.of(Workstation(Store(tmp_path / "curhat.db", kind="real"), channel, clock, data, counselor="Ani"))
    # two clients whose notes use different templates, so that the note beside the chat is rebuilt on the switch
    assert data.templates.default_for(Tier.PEER) != data.templates.default_for(Tier.PROFESSIONAL)
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit(0, Tier.PEER)))
        await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: app.main.active_pane is not None and app.main.active_pane.loaded)
        first = app.main.active_pane
        await settle(pilot, lambda: app.main.drawn and app.focused is first.composer)
        assert app.focused is first.composer

        tabs = app.main.query_one(TabbedContent)
        fronts: list[str] = []

        def front_changed(active: str) -> None:
            fronts.append(active)

        app.main.watch(tabs, "active", front_changed, init=False)
        channel.inject(ClientArrived(visit(1, Tier.PROFESSIONAL)))
        await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: len(app.main.panes) == 2 and app.main.active_pane.loaded
                     and app.focused is app.main.active_pane.composer)
        for _ in range(5):
            await pilot.pause()
        second = app.main.active_pane
        assert second is not first and second.session.tier is Tier.PROFESSIONAL
        assert fronts == [f"tab-{second.session.id}"]  # straight to the new chat, never back to the first one
        assert app.focused is second.composer
        assert second.transcript.region.height > 0 and not first.region.height
        await pilot.press("h", "a", "i")
        await pilot.pause()
        assert second.composer.text == "hai" and first.composer.text == ""
    parts.store.close()


async def test_a_chat_opens_at_one_page_and_offers_older_messages_only_when_there_are_some(tmp_path, data, clock):
    """Whether older messages exist is told by the page itself (one more read than shown), not by counting them all:
    a session of exactly one page has nothing above it; with one message more the top offers the older ones."""
    channel = FakeChannel(simulated=False)
    first = Parts.of(Workstation(Store(tmp_path / "curhat.db", kind="real"), channel, clock, data, counselor="Ani"))
    app = build_app(first)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in range(2):
            channel.inject(ClientArrived(visit(n, Tier.PEER)))
            await pilot.pause()
            await pilot.press("ctrl+n")
            await settle(pilot, lambda n=n: len(app.main.panes) == n + 1 and app.main.active_pane.loaded)
        exact, longer = list(app.main.panes)
    page = first_page(SIZE[1])
    store = first.store
    for sid, count in ((exact, page), (longer, page + 1)):
        for n in range(count - store.messages.count(sid)):
            store.messages.add(sid, Sender.CLIENT, f"baris {n} dari {sid}", START + 100 + n)
        assert store.messages.count(sid) == count
    newest = {sid: store.messages.for_session(sid)[-1].text for sid in (exact, longer)}
    oldest = {sid: store.messages.for_session(sid)[0].text for sid in (exact, longer)}
    store.close()

    again = Parts.of(Workstation(Store(tmp_path / "curhat.db", kind="real"), FakeChannel(simulated=False), clock, data,
                                 counselor="Ani"))
    app = build_app(again)
    async with app.run_test(size=SIZE) as pilot:
        shown = {}
        for number, sid in enumerate((exact, longer), 1):
            app.main.action_switch(number)
            await settle(pilot, lambda sid=sid: app.main.panes[sid].loaded
                         and app.focused is app.main.panes[sid].composer)
            await pilot.pause()
            transcript = app.main.panes[sid].transcript
            shown[sid] = (len(transcript.entries), transcript.has_older)
            assert transcript.entries[-1].message.text == newest[sid]
            assert transcript.scroll_y >= transcript.max_scroll_y - 1  # the newest message in view
        assert shown == {exact: (page, False), longer: (page, True)}
        transcript = app.main.panes[longer].transcript
        assert oldest[longer] not in transcript.plain_text()
        transcript.focus()
        await pilot.press("home")  # at the top the one older message loads
        await settle(pilot, lambda: len(transcript.entries) == page + 1)
        assert transcript.entries[0].message.text == oldest[longer]
        assert oldest[exact] in app.main.panes[exact].transcript.plain_text()
    again.store.close()
