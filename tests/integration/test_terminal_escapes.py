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


def in_pty(argv: list[str], env: dict[str, str], seconds: float, done=lambda out: False,
           on_wait=lambda fd: None) -> bytes:
    """Run `argv` with a pseudo-terminal as its terminal and return what it wrote, until `done(output)`, its exit or
    `seconds`; `on_wait(fd)` is called while waiting for output (to type into the terminal). Killed at the end."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the program, with the pty as its terminal
        os.environ.update(env)
        os.execv(sys.executable, argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    out = bytearray()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and not done(out):
            on_wait(fd)
            ready, _, _ = select.select([fd], [], [], 0.05)
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


def run_in_pty(data_dir: Path, done: Path, seconds: float = 40.0) -> bytes:
    return in_pty([sys.executable, str(CHILD), str(data_dir), str(done)],
                  {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40", "PYTHONPATH": str(REPO)}, seconds)


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


def test_a_passphrase_typed_before_its_prompt_is_never_shown(tmp_path):
    """Found trying the app: with no keyring the app loads for a few seconds before asking for the passphrase, and
    a counselor who types it ahead saw it echoed in clear. Once the command runs, echo is off until the prompt;
    the prompt itself (getpass) drops what was typed ahead, so it is asked for and never shown."""
    secret = b"rahasia-diketik-duluan-77"
    typed: list[bool] = []

    def type_ahead(fd: int) -> None:
        if not typed and not termios.tcgetattr(fd)[3] & termios.ECHO:  # the command holds echo: type ahead
            os.write(fd, secret + b"\n")
            typed.append(True)

    out = in_pty([sys.executable, "-m", "curhat_tui", "--data-dir", str(tmp_path / "data")],
                 {"TERM": "xterm-256color", "HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO),
                  "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}, 60,
                 done=lambda out: b"minimal 12 karakter):" in out, on_wait=type_ahead)
    assert typed, f"echo was never held before the prompt: {out[-300:]!r}"
    assert b"minimal 12 karakter):" in out and secret not in out
