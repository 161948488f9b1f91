"""A suicide screener's answers not finished yet are kept in the store as they are recorded (a restart finds them),
and go when the screener is finished or skipped, when the session is closed, and with the transcript (retention
purge, a client's deletion): clinical data never outlives the rest of the session's."""

from __future__ import annotations

from curhat_tui.bootstrap import build_practice
from curhat_tui.storage.store import Store
from tests.conftest import TEST_KEY

ANSWERS = {"q1": True, "q2": True, "q3": False}


def reopen(parts, data, clock, tmp_path):
    parts.store.close()
    return build_practice(tmp_path / "data", data=data, clock=clock, seed=7, name="Ani", key=TEST_KEY)


async def test_answers_kept_across_a_restart_until_the_screener_is_finished(parts, data, clock, tmp_path):
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    ws.flags.keep_screener_answers(session.id, ANSWERS)
    await ws.stop()
    again = reopen(parts, data, clock, tmp_path)
    try:
        flags = again.workstation.flags
        assert flags.screener_answers(session.id) == ANSWERS
        flags.raise_flag(session.id, "suicide", {**ANSWERS, "q4": False, "q5": False, "q6": False})
        assert flags.screener_answers(session.id) == {}  # finished: the flag's record keeps them now
    finally:
        again.store.close()


async def test_a_skip_and_a_screener_taken_back_to_nothing_keep_no_answers(parts):
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    ws.flags.keep_screener_answers(session.id, ANSWERS)
    ws.flags.keep_screener_answers(session.id, {})  # every answer taken back
    assert parts.store.state.screener_answers(session.id) == {}
    ws.flags.keep_screener_answers(session.id, ANSWERS)
    ws.flags.raise_flag(session.id, "suicide", {})  # skipped
    assert ws.flags.screener_answers(session.id) == {}
    ws.flags.keep_screener_answers(session.id, {"q1": False})
    ws.flags.raise_flag(session.id, "self_harm")  # another item leaves the screener as it was
    assert ws.flags.screener_answers(session.id) == {"q1": False}
    await ws.stop()


async def test_closing_the_session_takes_the_answers_and_a_closed_one_keeps_none(parts):
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    ws.flags.keep_screener_answers(session.id, ANSWERS)
    await ws.desk.end(session.id)
    assert ws.flags.screener_answers(session.id) == ANSWERS  # wrap-up still has them
    ws.desk.close(session.id, skip_reason="latihan")
    assert ws.flags.screener_answers(session.id) == {}
    ws.flags.keep_screener_answers(session.id, ANSWERS)  # a panel still holding them after the close
    assert ws.flags.screener_answers(session.id) == {}
    ws.flags.keep_screener_answers("no-such-session", ANSWERS)
    assert ws.flags.screener_answers("no-such-session") == {}
    await ws.stop()


async def test_a_purge_and_a_clients_deletion_take_answers_left_behind(parts, clock):
    ws = parts.workstation
    await ws.start()
    sessions = []
    for _ in range(2):
        session = await ws.desk.accept()
        await ws.desk.end(session.id)
        ws.desk.close(session.id, skip_reason="latihan")
        parts.store.state.set_screener_answers(session.id, ANSWERS)  # left by an older version, say
        sessions.append(session)
    purged, _ = parts.store.privacy.purge_transcripts([sessions[0].id], clock.now(), "retention")
    assert purged == [sessions[0].id] and parts.store.state.screener_answers(sessions[0].id) == {}
    assert parts.store.state.screener_answers(sessions[1].id) == ANSWERS  # only the purged session's
    parts.store.privacy.delete_client(sessions[1].client_key)
    assert parts.store.state.screener_answers(sessions[1].id) == {}
    await ws.stop()


def test_unreadable_answers_read_as_none(tmp_path):
    store = Store(tmp_path / "s.db", kind="practice")
    store.state._set("screener.s1", "not json")
    store.state._set("screener.s2", '["q1"]')
    store.state._set("screener.s3", '{"q1": true, "q2": "yes"}')
    assert store.state.screener_answers("s1") == {} and store.state.screener_answers("s2") == {}
    assert store.state.screener_answers("s3") == {"q1": True}
    store.close()
