"""Start-up order: the desk is drawn first; the workstation, the risk detector and the footer come right after.

`curhat` reads the risk detector after the first frame (`load_all(defer=True)`): the restored transcript shows
its risk words marked a moment later, and a broken phrase file still stops the app with the file, line and fix.
"""

from __future__ import annotations

import shutil

import pytest
from textual import events

from curhat_tui.bootstrap import Parts
from curhat_tui.channels.base import ClientArrived, MessageReceived
from curhat_tui.config.datafiles import data_dir, load_all
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from curhat_tui.ui.app import build_app
from tests.conftest import START, screen_text
from tests.support.fake_channel import FakeChannel

SIZE = (120, 40)
RISKY = "aku pengen mati aja malam ini"
IMMINENT = "obatnya udah aku kumpulin, malam ini aku minum semua"


def visit(vid: str, alias: str) -> Visit:
    return Visit(vid, f"client-{vid}", alias, Tier.PEER, 30, 25000, "tidur", "tidak", Risk.NONE, START)


class CountingChannel(FakeChannel):
    def __init__(self) -> None:
        super().__init__(simulated=False)
        self.started_at_frame: list[bool] = []
        self.app = None

    async def start(self, emit) -> None:
        self.started_at_frame.append(bool(self.app and self.app.frame_shown))
        await super().start(emit)


async def chat_in_store(store: Store, data, clock, *lines: str) -> None:
    """A session with Melati left open in `store`, holding `lines` from her."""
    channel = FakeChannel(simulated=False)
    app = build_app(Parts.of(Workstation(store, channel, clock, data, counselor="Ani")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit("a", "Melati")))
        await pilot.press("ctrl+n")
        await pilot.pause()
        sid = app.main.active_pane.session.id
        for n, line in enumerate(lines):
            channel.inject(MessageReceived(sid, line, START + 10 * (n + 1), remote_id=f"$e{n}"))
        await pilot.pause()


@pytest.mark.parametrize("newest", ["aku capek sama kerjaan", IMMINENT])
async def test_the_desk_is_drawn_first_and_the_risk_words_are_marked_right_after(tmp_path, data, clock, newest):
    store = Store(tmp_path / "curhat.db", kind="real")
    await chat_in_store(store, data, clock, RISKY, newest)
    deferred = load_all(defer=True)  # as `curhat` loads it
    assert not deferred.phrases.ready
    channel = CountingChannel()
    app = build_app(Parts.of(Workstation(store, channel, clock, deferred, counselor="Ani")))
    channel.app = app
    at_first_frame: dict[str, object] = {}

    def first_frame() -> None:  # registered before the app's own start-up work, so it runs first
        pane = app.main.active_pane
        at_first_frame.update(transcript=pane.transcript.plain_text(), detector=deferred.phrases.ready,
                              footer=bool(app.main.query("Footer")))

    app.after_first_frame(first_frame)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await pilot.pause()
        assert RISKY in at_first_frame["transcript"]  # the restored chat is on the first frame
        assert at_first_frame["detector"] is False and at_first_frame["footer"] is False
        assert channel.started_at_frame == [True]  # the channel started once the desk was on screen
        assert deferred.phrases.ready
        pane = app.main.active_pane
        [risky] = [entry for entry in pane.transcript.entries if entry.message.text == RISKY]
        marked = RISKY[risky.highlights[0][0]:risky.highlights[0][1]] if risky.highlights else ""
        assert "mati" in marked
        assert app.main.query("Footer")
        assert pane.imminent is (newest == IMMINENT)  # judged once the detector was read, not before the frame
    store.close()


async def test_keys_typed_while_the_app_starts_reach_the_desk_not_the_blank_screen_before_it(tmp_path, data, clock):
    from curhat_tui.ui.app import CurhatApp
    from curhat_tui.ui.screens.common.lock import LockScreen

    class EarlyKeys(CurhatApp):
        def on_mount(self) -> None:  # before CurhatApp.on_mount: as keys already waiting when the app starts
            self.post_message(events.Key("ctrl+k", None))

    store = Store(tmp_path / "curhat.db", kind="real")
    app = EarlyKeys(Workstation(store, FakeChannel(simulated=False), clock, data, counselor="Ani"), data, clock,
                    blink=False, tick=False)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await pilot.pause()
        assert [type(screen) for screen in app.screen_stack][-2:] == [type(app.main), LockScreen]
        assert app.screen is app.lock_screen  # locked, and the lock is what is on screen
    store.close()


async def test_what_the_workstation_tells_before_the_desk_exists_reaches_it_once_it_does(tmp_path, data, clock):
    """A Matrix workstation is built (and talking) before the app: an event told before the desk is pushed waits."""
    from curhat_tui.services.events import QueueChanged
    from curhat_tui.ui.app import CurhatApp

    store = Store(tmp_path / "curhat.db", kind="real")
    channel = FakeChannel(simulated=False)
    workstation = Workstation(store, channel, clock, data, counselor="Ani")

    class EarlyNews(CurhatApp):
        def on_mount(self) -> None:  # before CurhatApp.on_mount pushes the desk
            self.workstation.desk.on_channel_event(ClientArrived(visit("b", "Kenanga")))  # stored; QueueChanged told
            self.workstation.bus.tell(QueueChanged())

    app = EarlyNews(workstation, data, clock, blink=False, tick=False)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await pilot.pause()
        assert app.main.is_mounted and "Kenanga" in screen_text(app)
    store.close()


async def test_what_the_workstation_tells_while_the_app_closes_is_let_go_not_shown_on_a_desk_taken_down(
        tmp_path, data, clock):
    """A Matrix channel keeps talking while the app quits: an event that arrives as the desk is taken down is dropped
    (the store has it), never a crash on the way out."""
    from curhat_tui.services.events import QueueChanged

    store = Store(tmp_path / "curhat.db", kind="real")
    app = build_app(Parts.of(Workstation(store, FakeChannel(simulated=False), clock, data, counselor="Ani")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.frame_shown and app.main.query("QueuePanel")
    assert not app.main.query("QueuePanel")  # taken down with the app
    await app.on_curhat_app_ws_event(app.WsEvent(QueueChanged()))  # told just then: nothing to show it on
    store.close()


# the phrase file's lexicon and a practice persona's probe patterns (compiled on first use) are checked after the
# first frame: (where the break goes, what it writes, what the message says, the fix)
BROKEN = {"phrases.toml": ("patterns = [", '"(unclosed", ', "not a valid regex", "escape special characters"),
          "personas.toml": ("probe = [", '"(unclosed", ', "a risk.probe pattern is invalid", "fix the regex")}


@pytest.mark.parametrize("name", sorted(BROKEN))
async def test_a_broken_pattern_file_still_stops_the_app_naming_file_line_and_fix(tmp_path, clock, capsys, name):
    anchor, written, problem, fix = BROKEN[name]
    root = tmp_path / "data"
    shutil.copytree(data_dir(), root)
    broken = root / name
    text = broken.read_text(encoding="utf-8")
    start = text.index(anchor) + len(anchor)
    broken.write_text(text[:start] + written + text[start:], encoding="utf-8")
    deferred = load_all(root, defer=True)  # the broken part is not read yet (as `curhat` loads it)
    assert not deferred.warmed
    store = Store(tmp_path / "curhat.db", kind="real")
    await chat_in_store(store, load_all(), clock, IMMINENT)  # restored with a flagged newest message
    app = build_app(Parts.of(Workstation(store, FakeChannel(simulated=False), clock, deferred, counselor="Ani")))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await pilot.pause()
    assert app.return_code == 2
    told = capsys.readouterr().err.replace("\n", "")  # printed as the app closes, wrapped to the terminal
    line = text[:start].count("\n") + 1
    assert name in told and f"line {line}" in told and problem in told and fix in told  # file, line, what, fix
    store.close()
