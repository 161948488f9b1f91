"""The call hand-off's service: one unguessable room per session, kept across a restart, sent through the outbox
only while the session runs and the client consents, recorded in the audit log and the note."""

from __future__ import annotations

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.services.privacy import ClientRef, ConsentWithdrawn

TEMPLATE = "https://call.example.org/{session}"


async def test_the_link_is_unguessable_per_session_and_survives_a_restart(tmp_path, data, clock):
    parts = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, call_link=TEMPLATE)
    ws = parts.workstation
    await ws.start()
    first, second = await ws.desk.accept(), await ws.desk.accept()
    link = ws.calls.link(first.id)
    token = link.removeprefix("https://call.example.org/")
    assert len(token) >= 20 and token not in (first.id, first.visit_id, first.alias)
    assert ws.calls.link(first.id) == link and ws.calls.link(second.id) != link
    parts.store.close()
    again = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, call_link=TEMPLATE)
    assert again.workstation.calls.link(first.id) == link
    again.store.close()


async def test_sending_goes_through_the_outbox_and_is_recorded(parts):
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    message = await ws.calls.send(session.id)
    assert message is not None and ws.calls.link(session.id) in message.text
    assert message.text in [m.text for m in ws.desk.transcript(session.id)]  # the client answers at once
    entries = [(e.action, e.subject) for e in ws.audit.entries()]
    assert ("call_link", f"session:{session.id}") in entries
    assert ws.calls.link(session.id) in ws.notes.note(session.id)[1]["referral"]


async def test_nothing_is_sent_after_consent_is_withdrawn_or_once_the_session_ended(parts):
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    count = ws.desk.message_count(session.id)
    ws.rights.withdraw_consent(ClientRef(session.client_key, session.alias))
    with pytest.raises(ConsentWithdrawn):
        await ws.calls.send(session.id)
    assert ws.desk.message_count(session.id) == count
    assert "call_link" not in [e.action for e in ws.audit.entries()]
    other = await ws.desk.accept()
    await ws.desk.end(other.id)
    assert await ws.calls.send(other.id) is None
