"""Supervision below the screen: the sign-off flow, review order, diffs, whispers and alerts."""

from __future__ import annotations

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.review import (
    NoteStatus,
    ReviewAction,
    ReviewError,
    ReviewItem,
    advance,
    note_diff,
    order_review,
)
from curhat_tui.services.events import CrisisAlert, ReviewChanged, WhisperArrived
from tests.conftest import START, TEST_KEY


def test_flow_draft_submitted_commented_signed():
    s = advance(NoteStatus.DRAFT, ReviewAction.SUBMIT, "counselor")
    assert s is NoteStatus.SUBMITTED
    s = advance(s, ReviewAction.COMMENT, "supervisor")
    assert s is NoteStatus.COMMENTED
    assert advance(s, ReviewAction.SUBMIT, "counselor") is NoteStatus.SUBMITTED
    s = advance(s, ReviewAction.SIGN, "supervisor")
    assert s is NoteStatus.SIGNED
    with pytest.raises(ReviewError, match="already_signed"):
        advance(s, ReviewAction.COMMENT, "supervisor")
    with pytest.raises(ReviewError, match="not_your_role"):
        advance(NoteStatus.SUBMITTED, ReviewAction.SIGN, "counselor")
    with pytest.raises(ReviewError, match="not_submitted"):
        advance(NoteStatus.DRAFT, ReviewAction.SIGN, "supervisor")


def test_review_order_and_filters():
    def item(sid, counselor, ended, status, flags=(), risk=0):
        return ReviewItem(sid, sid.upper(), counselor, ended, status, flags, risk)

    items = [item("a", "Budi", 10, NoteStatus.SIGNED), item("b", "ani", 20, NoteStatus.SUBMITTED),
             item("c", "Citra", 30, NoteStatus.SIGNED, ("suicide",), 3), item("d", "ani", 40, NoteStatus.DRAFT)]
    assert [i.session_id for i in order_review(items, "flagged")] == ["c", "b", "d", "a"]
    assert [i.session_id for i in order_review(items, "awaiting")] == ["b", "c", "d", "a"]
    assert [i.session_id for i in order_review(items, "counselor")] == ["d", "b", "a", "c"]
    assert [i.session_id for i in order_review(items, "date")] == ["d", "c", "b", "a"]
    assert [i.session_id for i in order_review(items, "date", counselor="ani")] == ["d", "b"]
    assert [i.session_id for i in order_review(items, "date", since=15, until=35)] == ["c", "b"]
    assert [i.session_id for i in order_review(items, "date", status=NoteStatus.SIGNED)] == ["c", "a"]


def test_note_diff_shows_only_changed_lines():
    diffs = note_diff({"s": "sedih\nsusah tidur", "p": "rujuk"}, {"s": "sedih\ntidak bisa tidur", "p": "rujuk"})
    assert [d.field for d in diffs] == ["s"]
    assert "- susah tidur" in diffs[0].lines and "+ tidak bisa tidur" in diffs[0].lines


COMPLETE = {"risk_screen": "rendah", "referral": "tidak perlu", "consent": "dibahas", "end_reason": "waktu habis",
            "topic": "kerja", "feelings": "lelah", "what_helped": "didengar"}


async def closed_session(ws, clock):
    session = await ws.desk.accept()
    clock.advance(30)
    await ws.desk.send(session.id, "Halo, apa yang ingin kamu ceritakan?")
    ws.flags.raise_flag(session.id, "self_harm")
    template, _, _ = ws.notes.note(session.id)
    ws.notes.save(session.id, template, {**COMPLETE, "referral": "belum"})
    clock.advance(120)
    ws.notes.save(session.id, template, COMPLETE)
    await ws.desk.end(session.id)
    ws.desk.close(session.id)
    return session


async def test_counselor_and_supervisor_sharing_a_data_dir(tmp_path, data):
    """One machine: the supervisor's app finds the counselor's notes, and its replies reach the counselor."""
    clock = FakeClock(START)
    counselor = build_practice(tmp_path, data=data, clock=clock, seed=3, name="Ani", key=TEST_KEY)
    supervisor = build_practice(tmp_path, data=data, clock=clock, seed=3, name="Sari", key=TEST_KEY,
                                role="supervisor")
    ws, sv = counselor.workstation, supervisor.workstation.supervision
    heard: list = []
    ws.listen(heard.append)
    alerts: list = []
    supervisor.workstation.listen(alerts.append)
    await ws.start()

    session = await closed_session(ws, clock)
    assert ws.supervision.status(session.id) is NoteStatus.SUBMITTED
    (first,) = sv.review_list("flagged")
    assert first.session_id == session.id and first.flagged and first.awaiting
    assert sv.awaiting_count() == 1

    detail = sv.detail(session.id)
    kinds = [e.kind for e in detail.timeline]
    assert kinds[0] == "start" and "flag" in kinds and "script_loaded" in kinds and "end" in kinds
    assert [t for t in kinds if t == "submit"]
    assert detail.diffs and any(d.field == "referral" for d in detail.diffs[-1][1])
    assert sv.audit.entries()[-1].action == "view"

    sv.comment(session.id, "Rencana rujukan perlu lebih jelas.")
    ws.supervision.poll()
    assert any(isinstance(e, ReviewChanged) and e.action == "comment" for e in heard)
    assert ws.supervision.status(session.id) is NoteStatus.COMMENTED
    ws.supervision.submit(session.id)
    assert sv.sign(session.id) is NoteStatus.SIGNED
    assert sv.awaiting_count() == 0
    (signed,) = [e for e in ws.supervision.review_events(session.id) if e["action"] == "sign"]
    assert signed["author"] == "Sari" and signed["ts"] == clock.now()

    # live: a new running session, a flag raised in it reaches the supervisor as an alert
    live_session = await ws.desk.accept()
    assert [r.session_id for r in sv.live()] == [live_session.id]
    ws.flags.raise_flag(live_session.id, "harm_others")
    sv.poll()
    assert any(isinstance(a, CrisisAlert) and a.session_id == live_session.id for a in alerts)
    assert sv.live()[0].alert == "harm_others"

    sv.whisper(live_session.id, "Tanyakan apakah dia aman malam ini.")
    ws.supervision.poll()
    assert [e.text for e in heard if isinstance(e, WhisperArrived)] == ["Tanyakan apakah dia aman malam ini."]
    with pytest.raises(ReviewError):
        ws.supervision.whisper(live_session.id, "counselors cannot whisper")
    assert sv.audit.verify() == []
    counselor.store.close()
    supervisor.store.close()
