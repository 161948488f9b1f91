"""The practice simulation's arrivals: a persona stands in the queue once, and never while talking."""

from __future__ import annotations

from collections import Counter

from tests.conftest import START


def _busy(parts) -> Counter:
    """How often each persona is waiting or in an open session right now."""
    store = parts.store
    seen = Counter(v.persona for v in store.visits.waiting())
    seen.update(store.sessions.channel_state(s.id).get("persona") for s in store.sessions.open())
    return seen


async def test_a_simulated_shift_never_queues_a_persona_twice(parts, clock):
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept(ws.desk.queue()[0].id)  # one client is talked to all shift long
    talking = parts.store.sessions.channel_state(session.id)["persona"]
    arrivals = set()
    for _ in range(20 * 60 // 5):  # twenty simulated minutes, a tick every five seconds
        clock.advance(5)
        ws.tick()
        arrivals |= {v.id for v in parts.store.visits.waiting()}
        twice = {p: n for p, n in _busy(parts).items() if n > 1}
        assert not twice, f"queued again after {clock.now() - START:.0f}s: {twice}"
        assert parts.store.sessions.get(session.id).status.value != "closed"
    assert len(arrivals) > 8  # the schedule kept bringing others in
    assert talking not in {v.persona for v in parts.store.visits.waiting()}


async def test_asking_for_a_persona_already_waiting_gives_that_same_entry(parts):
    ws, channel = parts.workstation, parts.channel
    await ws.start()
    first = channel.request_client("kevin", "easy")
    again = channel.request_client("kevin", "hard")
    assert again.id == first.id
    assert [v.persona for v in ws.desk.queue()].count("kevin") == 1
    assert parts.store.state.practice_difficulty(first.id) == "hard"
    session = await ws.desk.accept(first.id)
    assert session is not None
    other = channel.request_client("kevin")
    assert other.persona != "kevin"
