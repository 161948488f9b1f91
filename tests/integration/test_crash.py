"""Kill -9 mid-session: every message and note change that was stored is there after restart."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from curhat_tui.ui.app import build_app
from curhat_tui.ui.widgets.notes_form import NotesForm

CHILD = Path(__file__).resolve().parents[1] / "support" / "crash_child.py"
KEY = "3c" * 32
ROUNDS = int(os.environ.get("CRASH_ROUNDS", "15"))  # 15 keeps CI within its 15 minutes; 50 for a soak


@pytest.fixture
def rounds(tmp_path):
    """The crash child in --fork mode: it imports the app and reads the data files once, and forks one
    workstation process per round (the start-up every round shared took most of a round)."""
    errors = open(tmp_path / "child-stderr.txt", "w+")  # noqa: SIM115 - read on failure, closed below
    zygote = subprocess.Popen([sys.executable, str(CHILD), str(tmp_path / "crash"), "--fork"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=errors, text=True)
    yield zygote, errors
    zygote.stdin.close()
    try:
        zygote.wait(timeout=30)
    except subprocess.TimeoutExpired:
        zygote.kill()
        zygote.wait()
    errors.close()


def written(errors) -> str:
    errors.seek(0)
    return errors.read()


def run_until_killed(rounds, after_lines: int) -> tuple[list[str], float]:
    zygote, errors = rounds
    zygote.stdin.write("GO\n")
    zygote.stdin.flush()
    first = zygote.stdout.readline().split()
    assert first[:1] == ["PID"], (first, written(errors))
    pid = int(first[1])
    lines: list[str] = []
    ended = False  # the zygote said the round's process is gone
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = zygote.stdout.readline()
            if not line or "GONE " in line:
                ended = True
                break
            lines.append(line.strip())
            if len(lines) >= after_lines:
                break
        died = ended  # before our kill: an error, not a crash we made
    finally:
        if not ended:
            os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        while not ended:  # what it wrote after our last read, then the zygote's word that it is gone
            line = zygote.stdout.readline()
            ended = not line or f"GONE {pid}" in line  # not only at the start: a line cut by the kill may precede it
    assert "READY" in lines and not died, written(errors)
    return lines, killed_at


async def test_sigkill_loses_nothing_and_duplicates_nothing(tmp_path, data, rounds):
    rng = random.Random(2026)
    data_dir = tmp_path / "crash"
    sent: list[str] = []
    received: list[int] = []
    last_note = 0
    for _ in range(ROUNDS):
        lines, killed_at = run_until_killed(rounds, rng.randint(4, 60))
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
