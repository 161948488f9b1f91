"""A session the service takes away (handed on elsewhere, the client gone) closes here, and what was still in
the outbox for it is marked unsent and told, never retried for ever; one session's failing sends hold up no
other session's."""

from __future__ import annotations

import pytest

from curhat_tui.channels.base import ClientArrived, SessionGone
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Delivery, SessionStatus
from curhat_tui.services import events as ev
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.conftest import START
from tests.services.test_desk_events import visit
from tests.support.fake_channel import FakeChannel


class RoomGoneChannel(FakeChannel):
    """Sends into the rooms in `gone` are refused, as a homeserver refuses a room we were taken out of."""

    def __init__(self) -> None:
        super().__init__(simulated=False)
        self.gone: set[str] = set()

    async def send(self, session, message) -> None:
        if session.visit_id in self.gone:
            raise PermissionError("403 M_FORBIDDEN")
        await super().send(session, message)


@pytest.fixture
async def parts(tmp_path, data):
    store = Store(tmp_path / "curhat.db", kind="real")
    channel = RoomGoneChannel()
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani")
    heard: list = []
    ws.listen(heard.append)
    await ws.start()
    yield ws, channel, store, heard
    await ws.stop()
    store.close()


async def test_a_session_handed_away_closes_here_and_its_pending_lines_are_told_unsent(parts):
    ws, channel, store, heard = parts
    channel.inject(ClientArrived(visit("a")))
    channel.inject(ClientArrived(visit("b")))
    first = await ws.desk.accept("a")
    second = await ws.desk.accept("b")
    channel.gone.add("a")  # a colleague has the client now; our sends to the room are refused
    stuck = await ws.desk.send(first.id, "Kamu masih di sana?")
    assert stuck.delivery is Delivery.PENDING
    channel.inject(SessionGone(first.id, "handed_away"))
    assert store.sessions.get(first.id).status is SessionStatus.WRAPUP
    assert store.messages.for_session(first.id)[-1].delivery is Delivery.UNSENT
    assert not store.messages.outbox()
    notices = [e for e in heard if isinstance(e, ev.Notice)]
    assert {"notice.gone_handed_away", "notice.unsent"} <= {n.key for n in notices}
    assert next(n for n in notices if n.key == "notice.unsent").values["count"] == 1
    _, fields, _ = ws.notes.note(first.id)
    assert "diserahkan" in fields["end_reason"]
    # the other session is untouched and still sends
    assert store.sessions.get(second.id).status is SessionStatus.ACTIVE
    await ws.desk.send(second.id, "Halo, aku di sini")
    assert store.messages.for_session(second.id)[-1].delivery is Delivery.SENT
    # a second word of the same, and one for a session already wrapped up, change nothing
    channel.inject(SessionGone(first.id, "left"))
    assert [e.key for e in heard if isinstance(e, ev.Notice)].count("notice.gone_left") == 0


async def test_one_sessions_failing_sends_hold_up_no_other_session(parts):
    ws, channel, store, heard = parts
    for vid in ("a", "b"):
        channel.inject(ClientArrived(visit(vid)))
    first, second = await ws.desk.accept("a"), await ws.desk.accept("b")
    channel.fail_sends = True  # offline: both sessions' lines wait in the outbox
    await ws.desk.send(first.id, "satu")
    await ws.desk.send(first.id, "dua")
    await ws.desk.send(second.id, "untuk b")
    channel.fail_sends = False
    channel.gone.add("a")  # back online, but room a now refuses
    await ws.desk.flush_outbox()
    assert store.messages.for_session(second.id)[-1].delivery is Delivery.SENT
    assert [m.delivery for m in store.messages.for_session(first.id)] == [Delivery.PENDING, Delivery.PENDING]


async def test_a_line_that_went_in_a_retry_as_a_new_device_got_it_is_still_told(tmp_path, data):
    """Found chasing a flaky test: a line queued while the connection was down goes in the outbox's flush, and a
    SentButSeen from that send (a stranger came in, a new device on the client's account) was swallowed as a failed
    retry: the counselor was never told."""
    from curhat_tui.channels.base import SentButSeen

    class SeenChannel(FakeChannel):
        seen = False

        async def send(self, session, message) -> None:
            await super().send(session, message)
            if self.seen:
                raise SentButSeen((), "notice.client_new_device")

    store = Store(tmp_path / "curhat.db", kind="real")
    channel = SeenChannel(simulated=False)
    ws = Workstation(store, channel, FakeClock(START), data, counselor="Ani")
    heard: list = []
    ws.listen(heard.append)
    await ws.start()
    try:
        channel.inject(ClientArrived(visit("a")))
        session = await ws.desk.accept("a")
        channel.fail_sends = True  # offline: the line waits in the outbox
        await ws.desk.send(session.id, "Aku masih di sini")
        channel.fail_sends, channel.seen = False, True  # back online; the client's account has a new phone
        await ws.desk.outbox.flush()
        assert not store.messages.outbox()
        assert [e.key for e in heard if isinstance(e, ev.Notice)].count("notice.client_new_device") == 1
    finally:
        await ws.stop()
        store.close()
