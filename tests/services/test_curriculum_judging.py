"""A practice session is judged against the curriculum on the report's real figures: the scripted skilled trainee
(scripts/practice_examples.py: reflections, a direct question, the screener, the flag, a safety plan, a referral
with willingness checked) passes the hidden suicide-risk step; the leading, shaming one does not, and the miss is
kept with the figures it was judged on."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from tests.services.test_review import COMPLETE

ROOT = Path(__file__).resolve().parents[2]
START = 1_790_000_000.0


def examples():
    spec = importlib.util.spec_from_file_location("practice_examples", ROOT / "scripts" / "practice_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", ["skilled", "poor"])
async def test_the_suicide_step_is_passed_by_the_skilled_session_only(tmp_path, data, script):
    ex = examples()
    parts = build_practice(tmp_path / "d", data=data, clock=FakeClock(START), seed=ex.SEED, name="Tari",
                           role="trainee", key="5a" * 32)
    ws = parts.workstation
    await ws.start()
    visit = ws.practice.request_client("bayu", "normal")
    session = await ws.desk.accept(visit.id)
    trainee = ex.Trainee(parts, session.id)
    await trainee.wait(20)
    await getattr(ex, script)(trainee, data)
    if parts.store.sessions.get(session.id).status.value == "active":
        await ws.desk.end(session.id)
    template, fields, _ = ws.notes.note(session.id)
    ws.notes.save(session.id, template, {**COMPLETE, **{k: v for k, v in fields.items() if v}})
    ws.desk.close(session.id)
    progress = ws.practice.curriculum
    (attempt,) = [a for a in parts.store.training.attempts("Tari") if a["step"] == "suicide"]
    assert attempt["session_id"] == session.id
    figures = attempt["detail"]["figures"]
    if script == "skilled":
        assert attempt["passed"] and "suicide" in progress.passed("Tari")
        assert figures == {"flagged": True, "screener_correct": True, "critical_miss": False, "referral_made": True}
    else:
        assert not attempt["passed"] and "suicide" not in progress.passed("Tari")
        assert figures["critical_miss"] is True and "critical_miss == false" in attempt["detail"]["failed"]
    assert progress.next_step("Tari").id == "listening"  # the curriculum's order is kept: step 1 is still to do
    await ws.stop()
    parts.close()
