"""Start-up builds only what the first screen shows (issue 14): after a restart with three open chats only the chat
in front is built, the others' tabs still tell who is waiting, and a chat is built with its transcript when it is
first shown. A chat of 10,000 messages opens at its newest message and every older one can be scrolled to."""

from __future__ import annotations

from textual import events
from textual.widgets import TabbedContent

from curhat_tui.bootstrap import Parts
from curhat_tui.channels.base import ClientArrived, MessageReceived
from curhat_tui.domain.models import Risk, Sender, Tier, Visit
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from curhat_tui.ui.app import build_app
from curhat_tui.ui.widgets.chat_pane import ChatPane
from tests.conftest import START
from tests.support.fake_channel import FakeChannel

SIZE = (120, 40)  # one chat at a time, under the tab strip
ALIASES = ("kupukupu_senja", "anakindie_bdg", "kopi_aren")


def visit(n: int) -> Visit:
    return Visit(f"v{n}", f"client-{n}", ALIASES[n], Tier.PROFESSIONAL, 60, 250000, "tidur", "tidak", Risk.NONE,
                 START)


def parts_over(path, clock, data) -> tuple[Parts, FakeChannel]:
    channel = FakeChannel(simulated=False)
    return Parts.of(Workstation(Store(path, kind="real"), channel, clock, data, counselor="Ani")), channel


async def settle(pilot, done, rounds: int = 30) -> None:
    for _ in range(rounds):
        await pilot.pause()
        if done():
            return


async def take_clients(pilot, channel: FakeChannel, count: int) -> list[str]:
    """`count` clients arrive one by one and the counselor takes each with Ctrl+N; their session ids, in order."""
    app = pilot.app
    await pilot.pause()
    for n in range(count):
        channel.inject(ClientArrived(visit(n)))
        await pilot.pause()
        before = len(app.main.panes)
        await pilot.press("ctrl+n")
        await settle(pilot, lambda b=before: len(app.main.panes) > b and app.main.active_pane.loaded)
    return list(app.main.panes)


def built(pane: ChatPane) -> bool:
    return pane.loaded and pane.is_mounted


async def test_after_a_restart_only_the_chat_in_front_is_built_and_the_next_is_built_when_shown(
        tmp_path, data, clock):
    first, channel = parts_over(tmp_path / "curhat.db", clock, data)
    app = build_app(first)
    async with app.run_test(size=SIZE) as pilot:
        sids = await take_clients(pilot, channel, 3)
        assert len(sids) == 3
        for n, sid in enumerate(sids):  # each client says something of their own, the last one waits for a reply
            channel.inject(MessageReceived(sid, f"pesan dari klien nomor {n}", clock.now()))
        await pilot.pause()
    first.store.close()

    clock.advance(30)
    second, _ = parts_over(tmp_path / "curhat.db", clock, data)
    app = build_app(second)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: app.main.active_pane is not None and app.main.active_pane.loaded)
        await pilot.pause()
        panes = app.main.panes
        assert list(panes) == sids
        front, *others = (panes[sid] for sid in sids)
        assert app.main.active_pane is front and built(front)
        assert "pesan dari klien nomor 0" in front.transcript.plain_text()
        assert app.focused is front.composer
        assert not any(pane.is_mounted for pane in others)  # not built: nothing of theirs was mounted
        assert len(app.main.query(ChatPane)) == 1
        # their tabs still tell the counselor that each of those clients waits for a reply
        labels = [str(tab.label) for tab in app.main.query_one(TabbedContent).query("ContentTab")]
        assert len(labels) == 3
        assert all(pane.waiting_seconds(clock.now()) is not None for pane in others)

        await pilot.press("ctrl+o")  # the next chat: built now, with its transcript, ready to type in
        second_pane = panes[sids[1]]
        await settle(pilot, lambda: built(second_pane) and app.focused is second_pane.composer)
        assert app.main.active_pane is second_pane and built(second_pane)
        assert "pesan dari klien nomor 1" in second_pane.transcript.plain_text()
        assert second_pane.transcript.region.height > 0 and not front.region.height
        assert app.focused is second_pane.composer
        assert not panes[sids[2]].is_mounted  # the third is still not built
        await pilot.press("h", "a", "i")
        await pilot.pause()
        assert second_pane.composer.text == "hai"
    second.store.close()


async def test_a_chat_of_10000_messages_opens_at_the_newest_and_scrolls_back_to_the_first(tmp_path, data, clock):
    parts, channel = parts_over(tmp_path / "curhat.db", clock, data)
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit(0)))
        await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: app.main.active_pane is not None and app.main.active_pane.loaded)
        sid = app.main.active_pane.session.id
    store = parts.store
    with store.database.transaction():
        for n in range(10_000):
            sender = Sender.CLIENT if n % 2 == 0 else Sender.COUNSELOR
            store.messages.add(sid, sender, f"pesan ke-{n} dari {'klien' if n % 2 == 0 else 'konselor'}",
                               START + n)
    assert store.messages.count(sid) >= 10_000
    store.close()

    again, _ = parts_over(tmp_path / "curhat.db", clock, data)
    app = build_app(again)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: app.main.active_pane is not None and app.main.active_pane.loaded)
        await pilot.pause()
        transcript = app.main.active_pane.transcript
        assert transcript.scroll_y >= transcript.max_scroll_y - 1  # at the newest message
        assert "pesan ke-9999 dari konselor" in transcript.plain_text()
        first_page = len(transcript.entries)
        assert first_page < 10_000  # only a page is built at first
        transcript.focus()
        await pilot.press("home")  # at the top the next older page loads
        await pilot.pause()
        assert len(transcript.entries) > first_page
        for _ in range(200):  # and again, page by page, to the very first message
            if transcript.entries[0].message.text == "pesan ke-0 dari klien":
                break
            transcript.scroll_home(animate=False, immediate=True)
            await pilot.pause()
        assert transcript.entries[0].message.text == "pesan ke-0 dari klien"
        assert len(transcript.entries) >= 10_000
        assert "pesan ke-0 dari klien" in transcript.plain_text()
        await pilot.press("end")
        await pilot.pause()
        assert transcript.scroll_y >= transcript.max_scroll_y - 1
    again.store.close()


async def test_a_flag_key_pressed_as_a_chat_is_first_built_keeps_both_its_draft_and_the_script(tmp_path, data, clock):
    """After a restart the second chat is built when first shown; F4 typed right after Ctrl+O, before the chat is
    built, loads the script into a reply box whose saved draft comes a moment later: the draft stays, and the script
    follows it (the draft used to replace the script, which was still recorded as loaded)."""
    first, channel = parts_over(tmp_path / "curhat.db", clock, data)
    app = build_app(first)
    async with app.run_test(size=SIZE) as pilot:
        sids = await take_clients(pilot, channel, 2)
        first.workstation.desk.save_draft(sids[1], "aku dengar kamu, terima kasih sudah cerita")
    first.store.close()

    second, _ = parts_over(tmp_path / "curhat.db", clock, data)
    app = build_app(second)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: app.main.active_pane is not None and app.main.active_pane.loaded)
        pane = app.main.panes[sids[1]]
        assert not pane.is_mounted
        for key in ("ctrl+o", "f4"):  # one burst: nothing is processed between the two keys
            event = events.Key(key, None)
            event.set_sender(app)
            app._driver.send_message(event)
        await settle(pilot, lambda: built(pane) and pane.composer.text)
        await pilot.pause()
        script = second.store.flags.scripts(sids[1])
        assert len(script) == 1
        text = pane.composer.text
        assert text.startswith("aku dengar kamu, terima kasih sudah cerita\n\n")
        assert text.endswith(script[0]["text"]) and pane.composer.script_ids == [script[0]["id"]]
    second.store.close()
