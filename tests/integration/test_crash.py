"""Kill -9 mid-session: every message and note change that was stored is there after restart."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from curhat_tui.ui.app import build_app
from curhat_tui.ui.widgets.notes_form import NotesForm

CHILD = Path(__file__).resolve().parents[1] / "support" / "crash_child.py"
KEY = "3c" * 32
ROUNDS = int(os.environ.get("CRASH_ROUNDS", "15"))  # 15 keeps CI within its 15 minutes; 50 for a soak


def run_until_killed(data_dir: Path, after_lines: int) -> tuple[list[str], float]:
    proc = subprocess.Popen([sys.executable, str(CHILD), str(data_dir)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
            if len(lines) >= after_lines:
                break
        os.kill(proc.pid, signal.SIGKILL)
        killed_at = time.monotonic()
    finally:
        proc.wait(timeout=30)
    assert "READY" in lines, proc.stderr.read()
    return lines, killed_at


async def test_sigkill_loses_nothing_and_duplicates_nothing(tmp_path, data):
    rng = random.Random(2026)
    data_dir = tmp_path / "crash"
    sent: list[str] = []
    received: list[int] = []
    last_note = 0
    for _ in range(ROUNDS):
        lines, killed_at = run_until_killed(data_dir, rng.randint(4, 60))
        sent += [line.split()[1] for line in lines if line.startswith("SENT ")]
        received += [int(line.split()[1]) for line in lines if line.startswith("RECV ")]
        # every note edit made more than a second before the kill must have been saved (edits are numbered on
        # across runs, so the stored number can only be at least the newest such edit's)
        edits = [(int(line.split()[1]), float(line.split()[2])) for line in lines if line.startswith("EDIT ")]
        settled = [n for n, at in edits if killed_at - at > 1.0]
        last_note = settled[-1] if settled else last_note

        parts = build_practice(data_dir, data=data, clock=FakeClock(), seed=11, key=KEY)
        (session,) = parts.store.sessions.open()
        messages = parts.store.messages.for_session(session.id)
        txns = [m.txn_id for m in messages]
        assert len(txns) == len(set(txns)), "duplicated message"
        assert set(sent) <= set(txns), "an acknowledged outgoing message is missing"
        assert set(received) <= {m.id for m in messages}, "a received client message is missing"
        note = parts.store.notes.get(session.id)
        if last_note:
            assert note is not None
            number = int(next(v for v in note["fields"].values() if v.startswith("versi")).split()[1])
            assert number >= last_note, "a saved note change is missing"
        parts.store.close()

    # and the app shows it all after the last restart
    parts = build_practice(data_dir, data=data, clock=FakeClock(), seed=11, key=KEY)
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = app.main.active_pane
        shown = pane.transcript.plain_text()
        for message in parts.store.messages.for_session(pane.session.id)[-20:]:
            assert message.text.splitlines()[0] in shown
        assert app.main.query_one(NotesForm).fields
    parts.store.close()
