"""An imminent suggestion on a waiting client moves them to the top of the queue: the order, how a report
from the intake raises a waiting visit, and the risk a waiting client's words carry."""

from __future__ import annotations

from dataclasses import replace

from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.domain.queue import order_queue, raised, waiting_risk

START = 1_790_000_000.0


def visit(vid: str, risk: Risk = Risk.NONE, arrived: float = START, imminent: bool = False) -> Visit:
    return Visit(vid, f"client-{vid}", vid, Tier.PEER, 30, 25000, "", "", risk, arrived, imminent=imminent)


def test_an_imminent_client_comes_before_every_other_one():
    queue = [visit("old-high", Risk.HIGH, START), visit("low-imminent", Risk.LOW, START + 500, imminent=True),
             visit("moderate", Risk.MODERATE, START + 10), visit("none", Risk.NONE, START - 100)]
    assert [v.id for v in order_queue(queue)] == ["low-imminent", "old-high", "moderate", "none"]


def test_two_imminent_clients_keep_risk_then_wait_order():
    queue = [visit("b", Risk.HIGH, START + 5, imminent=True), visit("a", Risk.HIGH, START, imminent=True),
             visit("c", Risk.MODERATE, START - 5, imminent=True)]
    assert [v.id for v in order_queue(queue)] == ["a", "b", "c"]


def test_a_report_raises_a_waiting_visit_and_never_lowers_it():
    known = visit("a", Risk.MODERATE)
    assert raised(known, replace(known, risk=Risk.LOW)) is None
    assert raised(known, replace(known, risk=Risk.MODERATE)) is None
    higher = raised(known, replace(known, risk=Risk.HIGH))
    assert higher is not None and higher.risk is Risk.HIGH and not higher.imminent
    urgent = raised(known, replace(known, risk=Risk.NONE, imminent=True))
    assert urgent is not None and urgent.imminent and urgent.risk is Risk.MODERATE
    assert raised(urgent, replace(known, imminent=False)) is None  # imminence is not taken back by a later report


def test_what_a_waiting_client_writes_carries_its_items_risk(data):
    detect, book = data.phrases.detect, data.redflags
    assert waiting_risk(detect("aku udah beli racun buat malam ini"), book) == (Risk.HIGH, True)
    assert waiting_risk(detect("semalem aku dipukul suami sampai memar"), book) == (Risk.HIGH, False)
    assert waiting_risk(detect("aku pengen mati aja"), book) == (Risk.MODERATE, False)
    assert waiting_risk(detect("mati lampu dari sore"), book) == (Risk.NONE, False)


def test_an_imminent_risk_answer_at_intake_queues_the_client_as_urgent():
    from curhat_tui.domain.intake import IntakeState, advance

    state = IntakeState(step="risk")
    assert advance(state, "aku udah siapin talinya", 0, ["suicide"], imminent=True)[0] == "intake.queued_urgent"
    assert state.imminent and state.risk == int(Risk.HIGH)
    plain = IntakeState(step="risk")
    advance(plain, "nggak", 0, [])
    assert not plain.imminent and plain.risk == int(Risk.NONE)
    assert IntakeState.from_dict({"imminent": "yes"}).imminent is False  # a client-written state keeps its type
