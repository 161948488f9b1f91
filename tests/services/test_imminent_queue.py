"""A waiting client whose words the intake's risk detector called imminent heads the queue, stays marked, and
stays there after a restart; a later report never lowers their risk or takes the mark back."""

from __future__ import annotations

from dataclasses import replace

import pytest

from curhat_tui.channels.base import ClientArrived
from curhat_tui.channels.matrix.entries import visit_of
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.intake.risk_words import answer_verdict, raised_entry
from curhat_tui.services import events as ev
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import START
from tests.support.fake_channel import FakeChannel


def visit(vid: str, risk: Risk = Risk.NONE, arrived: float = START) -> Visit:
    return Visit(vid, f"client-{vid}", f"Klien {vid}", Tier.PEER, 30, 25000, "kerja", "tidak", risk, arrived)


async def desk_over(path, data) -> tuple[Workstation, FakeChannel, list]:
    store = Store(path, kind="real")
    channel = FakeChannel(simulated=False)
    ws = Workstation(store, channel, FakeClock(START + 600), data, counselor="Ani")
    heard: list = []
    ws.listen(heard.append)
    await ws.start()
    return ws, channel, heard


async def test_an_imminent_waiting_client_heads_the_queue_and_stays_there_after_a_restart(tmp_path, data):
    path = tmp_path / "curhat.db"
    ws, channel, heard = await desk_over(path, data)
    channel.inject(ClientArrived(visit("high", Risk.HIGH, START)))
    channel.inject(ClientArrived(visit("moderate", Risk.MODERATE, START + 10)))
    channel.inject(ClientArrived(visit("calm", Risk.NONE, START + 20)))
    assert [v.id for v in ws.desk.queue()] == ["high", "moderate", "calm"]
    heard.clear()
    # the intake's entry for "calm" now says imminent (and high): what they wrote while waiting
    channel.inject(ClientArrived(replace(visit("calm", Risk.HIGH, START + 20), imminent=True)))
    assert [(v.id, v.imminent, v.risk) for v in ws.desk.queue()] == [
        ("calm", True, Risk.HIGH), ("high", False, Risk.HIGH), ("moderate", False, Risk.MODERATE)]
    assert heard == [ev.QueueChanged()]
    assert ws.store.visits.get("calm").imminent  # kept before it was told
    # a later entry that says less (the same words seen again, an older copy) lowers nothing
    heard.clear()
    channel.inject(ClientArrived(visit("calm", Risk.LOW, START + 20)))
    assert ws.desk.queue()[0].id == "calm" and ws.desk.queue()[0].imminent and ws.desk.queue()[0].risk is Risk.HIGH
    assert heard == []
    await ws.stop()
    ws.store.close()

    again, _, _ = await desk_over(path, data)
    assert [(v.id, v.imminent) for v in again.desk.queue()] == [("calm", True), ("high", False), ("moderate", False)]
    await again.stop()
    again.store.close()


async def test_imminence_alone_moves_a_client_up_without_a_higher_risk(tmp_path, data):
    ws, channel, _ = await desk_over(tmp_path / "curhat.db", data)
    channel.inject(ClientArrived(visit("high", Risk.HIGH, START)))
    channel.inject(ClientArrived(visit("late", Risk.HIGH, START + 30)))
    channel.inject(ClientArrived(replace(visit("late", Risk.HIGH, START + 30), imminent=True)))
    assert [(v.id, v.imminent) for v in ws.desk.queue()] == [("late", True), ("high", False)]
    await ws.stop()
    ws.store.close()


async def test_a_client_accepted_after_being_called_imminent_opens_at_their_raised_risk(tmp_path, data):
    ws, channel, _ = await desk_over(tmp_path / "curhat.db", data)
    channel.inject(ClientArrived(visit("calm")))
    channel.inject(ClientArrived(replace(visit("calm", Risk.HIGH), imminent=True)))
    session = await ws.desk.accept()
    assert session.visit_id == "calm" and session.risk is Risk.HIGH
    assert ws.store.visits.get("calm").imminent  # the visit keeps its mark in the record
    await ws.stop()
    ws.store.close()


# ---- the intake's side: what one line does to a waiting entry, and the entry read back by a workstation ----------

ENTRY = {"status": "waiting", "alias": "Klien Biru", "tier": "peer", "minutes": 30, "price": 25000, "topic": "kerja",
         "intake_risk_answer": "tidak", "risk": 0, "arrived_at": int(START * 1000)}


def test_an_imminent_line_marks_the_entry_and_raises_its_risk(data):
    raised = raised_entry(data, ENTRY, ["kak aku udah beli racun tikus, malam ini aku minum semuanya"])
    assert raised is not None and raised["imminent"] is True and raised["risk"] == int(Risk.HIGH)
    assert {k: v for k, v in raised.items() if k not in ("imminent", "risk")} == \
        {k: v for k, v in ENTRY.items() if k != "risk"}
    assert visit_of("!r:hs", raised).imminent and visit_of("!r:hs", raised).risk is Risk.HIGH


def test_a_line_never_lowers_an_entry_nor_takes_the_mark_back(data):
    marked = dict(ENTRY, risk=int(Risk.HIGH), imminent=True)
    assert raised_entry(data, marked, ["udah gapapa kok kak, bercanda"]) is None
    assert raised_entry(data, marked, ["kak aku udah beli racun tikus, malam ini aku minum semuanya"]) is None
    assert raised_entry(data, ENTRY, ["halo kak, aku nunggu ya"]) is None


def test_lines_written_while_waiting_are_read_together(data):
    """A burst of bubbles no one of which says it: the line that completes it marks the entry imminent."""
    burst = ["halo", "udah kebeli tadi sore", "yg cair buat nyamuk itu", "aku yg minum"]
    assert all(raised_entry(data, ENTRY, [line]) is None for line in burst)
    raised = raised_entry(data, ENTRY, burst)
    assert raised is not None and raised["imminent"] is True and raised["risk"] == int(Risk.HIGH)


def test_a_risk_line_that_is_not_imminent_raises_the_risk_only(data):
    raised = raised_entry(data, ENTRY, ["suami aku sering mukul aku"])
    assert raised is not None and raised["risk"] == int(Risk.HIGH) and "imminent" not in raised


def test_the_risk_answer_verdict_carries_imminence(data):
    items, imminent = answer_verdict(data, "ya pernah, aku udah siapin tali di kamar")
    assert "suicide" in items and imminent
    assert answer_verdict(data, "tidak") == ([], False)


@pytest.mark.parametrize("junk", ["true", 1, [True], {"yes": True}])
def test_a_queue_entry_whose_imminent_is_not_a_boolean_is_dropped(junk):
    with pytest.raises(TypeError):
        visit_of("!r:hs", dict(ENTRY, imminent=junk))
    assert visit_of("!r:hs", dict(ENTRY, imminent=None)).imminent is False
