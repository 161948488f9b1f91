"""A client's burst over a fake channel: each new message is read with the client's messages before it since the
counselor last wrote, so risk that no single bubble carries is suggested (stored with the newest bubble, and what ending
the session would leave unanswered); the counselor's reply ends the burst, and a deleted bubble is no longer read."""

from __future__ import annotations

import pytest

from curhat_tui.channels.base import ClientArrived, MessageEdited, MessageReceived, MessageRedacted
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Risk, Sender, Tier, Visit
from curhat_tui.services import events as ev
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import START
from tests.support.fake_channel import FakeChannel

BURST = ["halo", "udah kebeli tadi sore", "yg cair buat nyamuk itu", "aku yg minum"]  # no bubble alone says it


@pytest.fixture
async def desk(tmp_path, data):
    store = Store(tmp_path / "practice.db", kind="practice")
    channel = FakeChannel()
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani")
    await ws.start()
    channel.inject(ClientArrived(Visit("a", "client-a", "Klien a", Tier.PEER, 30, 25000, "kerja", "tidak", Risk.NONE,
                                       START)))
    session = await ws.desk.accept()
    yield ws, channel, session.id
    await ws.stop()
    store.close()


def _say(channel, sid: str, texts: list[str], at: float, tag: str) -> None:
    for n, text in enumerate(texts):
        channel.inject(MessageReceived(sid, text, at + n, remote_id=f"${tag}{n}"))


def _client_flags(ws, sid: str) -> list[tuple[str, ...]]:
    return [m.flags for m in ws.desk.transcript(sid) if m.sender is Sender.CLIENT]


async def test_risk_spread_over_bubbles_is_suggested_on_the_bubble_that_completes_it(desk, data):
    ws, channel, sid = desk
    assert all(data.phrases.items(text) == [] for text in BURST)
    _say(channel, sid, BURST, START + 10, "b")
    assert _client_flags(ws, sid) == [(), (), ("suicide",), ("suicide",)]  # from the means after the purchase
    assert ws.desk.unanswered_risk(sid) == ("suicide",)
    assert ws.flags.flags(sid) == {}  # a suggestion never ticks a flag


async def test_the_counselors_reply_ends_the_burst(desk):
    ws, channel, sid = desk
    _say(channel, sid, BURST[:3], START + 10, "b")
    await ws.desk.send(sid, "oke, aku dengerin kok.")
    _say(channel, sid, BURST[3:], START + 30, "c")
    assert _client_flags(ws, sid)[-1] == ()  # read after the reply, on its own
    assert ws.desk.unanswered_risk(sid) == ()


async def test_a_reply_after_the_counselors_question_is_read_as_its_answer_and_stored_so(desk):
    """The bubbles before the question are not read with the answer; the question is: "iya kak" after "yang cair itu
    mau kamu minum?" says what the liquid is for, and its flags say so (and what ending the session leaves unanswered).
    A question that asks where, answered with a place, is not read so."""
    ws, channel, sid = desk
    _say(channel, sid, BURST[:3], START + 10, "b")
    await ws.desk.send(sid, "yang cair itu mau kamu minum sendiri?")
    _say(channel, sid, ["iya kak"], START + 30, "c")
    assert _client_flags(ws, sid)[-1] == ("suicide",)
    assert ws.desk.unanswered_risk(sid) == ("suicide",)
    await ws.desk.send(sid, "makasih udah jujur. kamu lagi di mana sekarang?")
    _say(channel, sid, ["di kamar kos"], START + 50, "d")
    assert _client_flags(ws, sid)[-1] == ()


async def test_a_no_to_whether_the_danger_has_passed_is_stored_as_the_danger_going_on(desk):
    """"belum" to "udah hilang?" says the thought goes on: the desk stores it and counts it unanswered; "nggak muncul
    lagi" to the same question says it is gone, and nothing is stored."""
    ws, channel, sid = desk
    await ws.desk.send(sid, "Pikiran pengen mati itu udah hilang?")
    _say(channel, sid, ["belum kak, makin sering"], START + 30, "n")
    assert _client_flags(ws, sid)[-1] == ("suicide",)
    assert ws.desk.unanswered_risk(sid) == ("suicide",)
    await ws.desk.send(sid, "Makasih udah cerita. Kalau yang tadi, pikiran buat nyakitin diri itu udah hilang?")
    _say(channel, sid, ["nggak muncul lagi kak"], START + 50, "m")
    assert _client_flags(ws, sid)[-1] == ()


async def test_an_answer_to_a_question_pointing_back_at_a_disclosure_is_read_with_it(desk, data):
    """"udah kak" to "... gara-gara itu?" suggests nothing in a session where nothing was raised, and suicide once the
    client's words before the question were suggested for it (bursts.since_asked carries their flags)."""
    ws, channel, sid = desk
    asked = "Barang kesayanganmu udah kamu bagiin ke temen-temen gara-gara itu?"
    await ws.desk.send(sid, asked)
    _say(channel, sid, ["udah kak"], START + 10, "a")
    assert _client_flags(ws, sid)[-1] == ()
    await ws.desk.send(sid, "Oke. Boleh cerita lagi kenapa?")
    _say(channel, sid, ["aku pengen mati aja kak, capek bgt"], START + 30, "b")
    assert _client_flags(ws, sid)[-1] == ("suicide",)
    await ws.desk.send(sid, asked)
    _say(channel, sid, ["udah kak"], START + 50, "c")
    assert _client_flags(ws, sid)[-1] == ("suicide",)
    channel.inject(MessageRedacted(sid, "$b0", START + 70))  # the client deletes what they had said
    assert _client_flags(ws, sid)[-1] == ()  # and the answer no longer rests on it


async def test_a_deleted_bubble_is_not_read_with_the_next(desk):
    ws, channel, sid = desk
    _say(channel, sid, BURST[:3], START + 10, "b")
    channel.inject(MessageRedacted(sid, "$b2", START + 20))
    _say(channel, sid, BURST[3:], START + 30, "c")
    assert _client_flags(ws, sid)[-1] == ()


async def test_deleting_a_bubble_takes_back_what_the_later_ones_suggested_with_it(desk):
    """No suggestion rests on deleted words: the bubbles read with a deleted one are read again without it."""
    ws, channel, sid = desk
    heard: list = []
    ws.listen(heard.append)
    _say(channel, sid, BURST, START + 10, "b")
    assert _client_flags(ws, sid)[-1] == ("suicide",)
    channel.inject(MessageRedacted(sid, "$b2", START + 20))  # "yg cair buat nyamuk itu"
    assert _client_flags(ws, sid) == [(), (), (), ()]
    assert ws.desk.unanswered_risk(sid) == ()
    revised = [e.message for e in heard if isinstance(e, ev.MessageRevised)]
    assert [m.txn_id for m in revised] == ["$b2", "$b3"] and revised[-1].flags == ()  # the pane is told


async def test_an_edit_is_read_with_the_bubbles_after_it(desk):
    ws, channel, sid = desk
    _say(channel, sid, ["halo", "udah kebeli tadi sore", "sabun cuci piring", "aku yg minum"], START + 10, "b")
    before = _client_flags(ws, sid)[-1]
    channel.inject(MessageEdited(sid, "$b2", "yg cair buat nyamuk itu", START + 20))
    assert _client_flags(ws, sid)[-1] == ("suicide",) and before == ()


async def test_deleting_the_first_bubble_after_a_question_brings_the_answer_into_reach(desk, data):
    """Six bubbles after the counselor's question, the first one deleted: the yes that now opens the answer is read
    as the answer to the question, in its own bubble and in the one six places after the deleted one (which was read
    without the question before, its burst running back past it)."""
    ws, channel, sid = desk
    await ws.desk.send(sid, "kamu masih kepikiran buat mengakhiri hidup?")
    bubbles = ["halo kak maaf", "iya kak", "tadi abis pulang kerja", "capek aja", "hari ini hujan terus", "udah makan kok",
               "tapi ya gitu"]
    assert all(data.phrases.items(text) == [] for text in bubbles)
    _say(channel, sid, bubbles, START + 30, "q")
    assert _client_flags(ws, sid) == [()] * 7  # "halo kak maaf" opens the burst: no answer to read
    channel.inject(MessageRedacted(sid, "$q0", START + 60))
    flags = _client_flags(ws, sid)
    assert flags[1] == ("suicide",) and flags[-1] == ("suicide",)
