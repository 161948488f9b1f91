"""`curhat serve` on a machine without an OS keyring: the passphrase is asked once, at the terminal, and each
browser session gets it through a private file (folder 0700, file 0600) named by --key-file, never in argv
or the environment; the session opens the database with it, and the file is gone when serve stops (Ctrl+C
or its terminal closing)."""

from __future__ import annotations

import asyncio
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.test_serve_browser import REPO, WAIT, free_port

PASSPHRASE = "kuda lari di padang 42"
ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def read_until(fd: int, out: bytearray, wanted: bytes, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT
    while wanted not in out:
        assert time.monotonic() < deadline and proc.poll() is None, out.decode("utf-8", "replace")
        if select.select([fd], [], [], 0.1)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:
                pass


def processes_naming(path: str) -> dict[int, tuple[bytes, bytes]]:
    """{pid: (argv, environment)} of this account's processes whose argv names `path`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes()
            if path.encode() in argv:
                found[int(entry.name)] = (argv, (entry / "environ").read_bytes())
        except OSError:
            continue
    return found


async def session_screen(port: int, token: str) -> bytes:
    """What one browser session's curhat draws, as a browser's websocket receives it, until its Review tab."""
    import aiohttp

    seen = b""
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"http://127.0.0.1:{port}/ws?width=120&height=40",
                                   headers={"Cookie": f"curhat_serve={token}"}) as ws:  # as the browser, its page opened
            deadline = time.monotonic() + WAIT
            while b"Review [1]" not in ANSI.sub(b"", seen) and time.monotonic() < deadline:
                try:  # short waits: the server's heartbeat pings would restart a long one
                    message = await ws.receive(timeout=1.0)
                except asyncio.TimeoutError:
                    continue
                if message.type == aiohttp.WSMsgType.BINARY:
                    seen += message.data
                elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
            return ANSI.sub(b"", seen)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGHUP], ids=["ctrl-c", "terminal-closed"])
def test_the_passphrase_is_asked_once_and_handed_to_sessions_through_a_private_file(tmp_path, stop):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
           "TERM": "xterm-256color"}
    env.pop("XDG_RUNTIME_DIR", None)
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "curhat_tui", "serve", "--port", str(port), "--lang", "en",
                             "--data-dir", str(tmp_path / "data")],
                            stdin=terminal, stdout=terminal, stderr=terminal, env=env, start_new_session=True)
    os.close(terminal)
    out = bytearray()
    try:
        read_until(controller, out, b"at least 12 characters): ", proc)  # a new database: chosen, then confirmed
        os.write(controller, PASSPHRASE.encode() + b"\n")
        read_until(controller, out, b"Again, to confirm: ", proc)
        os.write(controller, PASSPHRASE.encode() + b"\n")
        read_until(controller, out, b"Stop: Ctrl+C.", proc)
        deadline = time.monotonic() + WAIT
        text = out.decode("utf-8", "replace")
        assert PASSPHRASE not in text  # never echoed
        folder = Path(re.search(r"only this account can read \(([^)]+)\)", text.replace("\r\n", " ")).group(1))
        key_file = folder / "key"
        assert folder.stat().st_mode & 0o777 == 0o700 and key_file.stat().st_mode & 0o777 == 0o600
        assert key_file.read_text(encoding="utf-8") == PASSPHRASE

        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert proc.poll() is None and time.monotonic() < deadline, out.decode("utf-8", "replace")
            time.sleep(0.1)
        token = re.search(r"\?token=([A-Za-z0-9_-]{20,})", text).group(1)  # from the address it printed
        screen = asyncio.run(session_screen(port, token))  # a browser session: its curhat opens the database
        assert b"Review [1]" in screen and b"0 notes awaiting sign-off" in screen, screen[-3000:]
        sessions = processes_naming(str(key_file))
        assert sessions  # the served curhat named the file, not the key
        for argv, environment in [*sessions.values(), processes_naming(f"--port\0{port}").get(proc.pid, (b"", b""))]:
            assert PASSPHRASE.encode() not in argv and PASSPHRASE.encode() not in environment
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, stop)  # Ctrl+C, or the terminal closing
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(controller)
    assert proc.returncode == 0
    assert not folder.exists()  # the key's file went with serve
