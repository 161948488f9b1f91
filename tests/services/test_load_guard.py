"""The load guard: a counselor's open sessions weighed by risk against the service's cap. Accepting past the cap
is refused with the reason (load, cap, the client's risk), the first session always fits, a closed session frees
its weight; a high-risk session's close asks for a debrief; supervisors hear the load and the debrief."""

from __future__ import annotations

import asyncio

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.channels.base import ClientArrived
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.services import events as ev
from curhat_tui.services.desk import AcceptError
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import START, TEST_KEY
from tests.services.test_link_boundary import FakeLink
from tests.support.fake_channel import FakeChannel


def visit(vid: str, risk: Risk = Risk.NONE, arrived: float = START, imminent: bool = False) -> Visit:
    return Visit(vid, f"client-{vid}", f"Klien {vid}", Tier.PEER, 30, 25000, "kerja", "tidak", risk, arrived,
                 imminent=imminent)


class RecordingLink(FakeLink):
    """A supervision link that keeps every live status it was asked to publish."""

    def __init__(self) -> None:
        super().__init__()
        self.lives: list[tuple[str, dict]] = []

    async def live(self, session_id: str, info: dict) -> None:
        self.lives.append((session_id, info))


async def settled(condition, rounds: int = 100) -> bool:
    """Let background tasks run until `condition()` holds (a bounded number of loop turns)."""
    for _ in range(rounds):
        if condition():
            return True
        await asyncio.sleep(0)
    return condition()


def workstation(tmp_path, data, max_load: int, link=None) -> tuple[Workstation, FakeChannel, list]:
    store = Store(tmp_path / "practice.db", kind="practice")
    channel = FakeChannel()
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani", max_load=max_load, link=link)
    heard: list = []
    ws.listen(heard.append)
    return ws, channel, heard


@pytest.fixture
async def capped(tmp_path, data):
    ws, channel, heard = workstation(tmp_path, data, max_load=4)
    await ws.start()
    yield ws, channel, heard
    await ws.stop()
    ws.store.close()


async def close(ws: Workstation, session_id: str) -> None:
    await ws.desk.end(session_id)
    ws.desk.close(session_id, skip_reason="latihan")


async def test_accept_past_the_cap_is_refused_with_the_reason_and_allowed_after_a_close(capped):
    ws, channel, _ = capped
    channel.inject(ClientArrived(visit("calm")))
    channel.inject(ClientArrived(visit("moderate", Risk.MODERATE, START + 1)))
    channel.inject(ClientArrived(visit("high", Risk.HIGH, START + 2)))
    first = await ws.desk.accept("high")  # weight 3 of 4
    assert ws.desk.load() == (3, 4)
    with pytest.raises(AcceptError) as refused:
        await ws.desk.accept("moderate")  # 3 + 2 > 4
    assert refused.value.reason == "load"
    assert (refused.value.load, refused.value.cap, refused.value.risk, refused.value.weight) == (3, 4, Risk.MODERATE, 2)
    assert [v.id for v in ws.desk.queue()] == ["moderate", "calm"]  # nobody left the queue
    assert channel.claimed == ["high"]  # and nothing was asked of the service
    await ws.desk.accept("calm")  # 3 + 1 fits
    assert ws.desk.load() == (4, 4)
    await ws.desk.end(first.id)
    with pytest.raises(AcceptError, match="load"):  # in wrap-up the note is still to write: it still counts
        await ws.desk.accept("moderate")
    ws.desk.close(first.id, skip_reason="latihan")
    assert ws.desk.load() == (1, 4)
    await ws.desk.accept("moderate")
    assert channel.claimed == ["high", "calm", "moderate"]


async def test_the_top_client_is_refused_rather_than_skipped(capped):
    ws, channel, _ = capped
    channel.inject(ClientArrived(visit("a", Risk.HIGH)))
    channel.inject(ClientArrived(visit("b", Risk.HIGH, START + 1)))
    channel.inject(ClientArrived(visit("c", Risk.LOW, START + 2)))
    await ws.desk.accept()
    with pytest.raises(AcceptError) as refused:
        await ws.desk.accept()  # the top one does not fit: the counselor is told, not handed someone lighter
    assert (refused.value.reason, refused.value.risk) == ("load", Risk.HIGH)
    assert [v.id for v in ws.desk.queue()] == ["b", "c"]


async def test_an_imminent_client_weighs_as_high_risk(capped):
    ws, channel, _ = capped
    channel.inject(ClientArrived(visit("calm")))
    channel.inject(ClientArrived(visit("calm2", arrived=START + 1)))
    channel.inject(ClientArrived(visit("urgent", Risk.LOW, START + 2, imminent=True)))
    await ws.desk.accept("calm")
    await ws.desk.accept("calm2")
    with pytest.raises(AcceptError) as refused:
        await ws.desk.accept("urgent")
    assert (refused.value.load, refused.value.risk, refused.value.weight) == (2, Risk.HIGH, 3)


async def test_the_first_session_is_always_accepted_whatever_its_weight(tmp_path, data):
    ws, channel, _ = workstation(tmp_path, data, max_load=1)
    await ws.start()
    channel.inject(ClientArrived(visit("high", Risk.HIGH)))
    channel.inject(ClientArrived(visit("calm", arrived=START + 1)))
    session = await ws.desk.accept()  # weight 3 against a cap of 1: nobody else could take them either
    assert session.visit_id == "high" and ws.desk.load() == (3, 1)
    with pytest.raises(AcceptError, match="load"):
        await ws.desk.accept("calm")
    await ws.stop()
    ws.store.close()


async def test_no_cap_means_no_refusal(tmp_path, data):
    ws, channel, _ = workstation(tmp_path, data, max_load=0)
    await ws.start()
    for i in range(4):
        channel.inject(ClientArrived(visit(f"h{i}", Risk.HIGH, START + i)))
        await ws.desk.accept(f"h{i}")
    assert ws.desk.load() == (12, 0)
    await ws.stop()
    ws.store.close()


async def test_a_high_risk_close_asks_for_a_debrief_and_a_calm_one_does_not(capped):
    ws, channel, heard = capped
    channel.inject(ClientArrived(visit("calm")))
    channel.inject(ClientArrived(visit("high", Risk.HIGH, START + 1)))
    calm = await ws.desk.accept("calm")
    high = await ws.desk.accept("high")
    await close(ws, calm.id)
    assert [e for e in heard if isinstance(e, ev.DebriefDue)] == []
    await close(ws, high.id)
    assert [e for e in heard if isinstance(e, ev.DebriefDue)] == [ev.DebriefDue(high.id, "Klien high")]
    closed_at = next(i for i, e in enumerate(heard) if isinstance(e, ev.SessionClosed) and e.session_id == high.id)
    assert isinstance(heard[closed_at + 1], ev.DebriefDue)  # after the close is told, so the note is already in


async def test_a_ticked_high_risk_flag_asks_for_a_debrief(capped):
    ws, channel, heard = capped
    channel.inject(ClientArrived(visit("calm")))
    session = await ws.desk.accept("calm")
    ws.flags.raise_flag(session.id, "abuse")  # a high-risk item, ticked by the counselor
    await close(ws, session.id)
    assert [e.session_id for e in heard if isinstance(e, ev.DebriefDue)] == [session.id]


async def test_supervisors_hear_the_load_and_the_debrief(tmp_path, data):
    link = RecordingLink()
    ws, channel, _ = workstation(tmp_path, data, max_load=4, link=link)
    await ws.start()
    channel.inject(ClientArrived(visit("high", Risk.HIGH)))
    session = await ws.desk.accept("high")
    assert await settled(lambda: link.lives)
    assert link.lives[-1][1]["load"] == {"open": 1, "weight": 3, "cap": 4}
    await close(ws, session.id)
    assert await settled(lambda: link.lives[-1][1]["status"] == "closed")
    assert link.lives[-1][1]["load"] == {"open": 0, "weight": 0, "cap": 4}
    ws.supervision.send_debrief(session.id, "  Berat, tapi klien sudah aman bersama kakaknya.  ")
    assert await settled(lambda: "debrief" in link.lives[-1][1])
    sid, info = link.lives[-1]
    assert sid == session.id and info["alias"] == "Klien high"
    assert info["debrief"] == {"alias": "Klien high", "text": "Berat, tapi klien sudah aman bersama kakaknya.",
                               "at": START}
    assert any(row["action"] == "debrief" for row in ws.store.database.rows("select action from audit"))
    await ws.stop()
    ws.store.close()


async def test_practice_mode_is_guarded_by_the_cap_it_is_built_with(tmp_path, data):
    parts = build_practice(tmp_path / "d", data=data, clock=FakeClock(START), seed=7, key=TEST_KEY, max_load=1)
    ws = parts.workstation
    await ws.start()
    assert len(ws.desk.queue()) >= 2  # the simulation's first clients
    await ws.desk.accept()
    with pytest.raises(AcceptError) as refused:
        await ws.desk.accept()
    assert refused.value.reason == "load" and refused.value.cap == 1 and ws.desk.load()[1] == 1
    await ws.stop()
    parts.close()


def test_the_cap_comes_from_config_toml_through_the_command_line(tmp_path, monkeypatch):
    from curhat_tui.cli import run
    from curhat_tui.cli.args import build_parser

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "config.toml").write_text("[service]\nmax_load = 2\n", encoding="utf-8")
    seen: dict = {}

    def launch(parts, data_dir, settings, common, *, key_guard):  # instead of the screen: what was built
        seen["load"] = parts.workstation.desk.load()
        parts.close()
        return 0

    monkeypatch.setattr(run, "_launch", launch)
    assert run.run_main(build_parser().parse_args(["--data-dir", str(data_dir), "--seed", "3"])) == 0
    assert seen["load"] == (0, 2)
