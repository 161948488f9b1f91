"""On a real pseudo-terminal: whatever a client (or a note quoting one) writes reaches the counselor's
terminal as visible text, never as a command to it. No window title, no hyperlink, no blink, no screen clear
and no bell comes from a client's words, alias, intake answers, handover note or a notice built from them."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

CHILD = Path(__file__).resolve().parents[1] / "support" / "pty_child.py"
REPO = Path(__file__).resolve().parents[2]


def sgr_attributes(params: bytes) -> set[int]:
    """The attributes an SGR sequence sets, colour arguments skipped (38;5;n and 38;2;r;g;b are colours)."""
    values = [int(p) if p.isdigit() else 0 for p in params.replace(b":", b";").split(b";")]
    found, i = set(), 0
    while i < len(values):
        if values[i] in (38, 48, 58):
            i += 3 if i + 1 < len(values) and values[i + 1] == 5 else 5
            continue
        found.add(values[i])
        i += 1
    return found


def run_in_pty(data_dir: Path, done: Path, seconds: float = 40.0) -> bytes:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, with the pty as its terminal
        os.environ.update(TERM="xterm-256color", COLUMNS="120", LINES="40", PYTHONPATH=str(REPO))
        os.execv(sys.executable, [sys.executable, str(CHILD), str(data_dir), str(done)])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    out = bytearray()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            elif os.waitpid(pid, os.WNOHANG) != (0, 0):
                break
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
    return bytes(out)


def test_client_written_escapes_never_reach_the_terminal(tmp_path):
    done = tmp_path / "done"
    out = run_in_pty(tmp_path, done)
    assert done.exists(), out[-2000:].decode("utf-8", "replace")
    text = out.decode("utf-8", "replace")
    # the hostile words were on screen, as visible text
    assert "susah tidur" in text and "halo kak" in text and "PWNED-TITLE" in text and "catatan" in text
    assert "[b]tebal[/b]" in text  # markup shown literally too
    # and none of it ran: no OSC (title, hyperlink) carrying it, no blink, no C1 CSI, no bell, no clear from it
    osc = re.findall(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)", out)
    assert not [o for o in osc if b"PWNED" in o or b"evil.example" in o], osc[:5]
    assert not any(5 in sgr_attributes(params) or 6 in sgr_attributes(params)
                   for params in re.findall(rb"\x1b\[([0-9;:]*)m", out)), "blink from a client's words"
    assert b"\xc2\x9b" not in out  # the one-byte CSI, UTF-8 encoded
    assert b"\x07" not in re.sub(rb"\x1b\][^\x07\x1b]*\x07", b"", out)  # no bell outside the app's own OSC replies
    assert "␛" in text  # each ESC a client wrote is shown as a visible symbol
