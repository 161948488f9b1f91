"""`curhat serve` in a real headless browser: Debian's Chromium, driven by Playwright, opens the page that
`curhat serve` gives on 127.0.0.1 and sees the supervisor's review list: the Review tab's title and the note a
counselor submitted, with her name and its status.

How the page is read: textual-serve draws the terminal with xterm.js onto a canvas (WebGL, else 2D), so the
DOM holds no text. An init script, run before the page's own script, keeps the xterm.js Terminal the page
creates (its `terminal` property is set once, through a setter the script puts in place); the test then reads
the Terminal's active buffer row by row, the same cells the canvas paints. A screenshot is saved beside the
test's files to look at when it fails.

Chromium comes from Debian's `chromium` package (.ci/install-browser.sh installs it in CI).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from curhat_tui.bootstrap import build_supervisor
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.i18n import Catalogue
from tests.conftest import TEST_KEY
from tests.ui.test_supervisor_ui import counselor_snapshot

CHROMIUM = os.environ.get("CURHAT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]
WAIT = 45.0  # seconds, at most, for the server to listen and for the review list to be drawn (on a loaded machine)

KEEP_TERMINAL = """
window.__curhatTerminals = [];
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && value.buffer.active) window.__curhatTerminals.push(value);
  },
});
"""
SCREEN_TEXT = """
() => {
  const term = (window.__curhatTerminals || [])[0];
  if (!term) return "";
  const buffer = term.buffer.active, rows = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def supervisor_with_a_submitted_note(root: Path, data) -> Path:
    """A supervisor's data dir whose review list holds one note Ani submitted (as the supervision link brings
    it), dated now so that no retention purge at start takes it away."""
    clock = FakeClock(time.time())
    snap = await counselor_snapshot(root, data, clock)
    data_dir = root / "sup"
    parts = build_supervisor(data_dir, data=data, clock=clock, name="Sari", key=TEST_KEY)
    parts.workstation.supervision.on_link_event({"kind": "submit", "snapshot": snap, "remote_id": "$ev1"})
    assert len(parts.workstation.supervision.review_list("flagged")) == 1
    parts.close()
    return data_dir


def token_of(log: Path) -> str:
    """The start's token, from the address curhat serve printed."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = re.search(r"\?token=([A-Za-z0-9_-]{20,})", log.read_text(errors="replace"))
        if found:
            return found.group(1)
        time.sleep(0.1)
    pytest.fail(f"curhat serve printed no address with a token:\n{log.read_text(errors='replace')}")


def wait_listening(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"curhat serve exited ({proc.returncode}):\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"curhat serve did not listen within {WAIT:.0f} s:\n{log.read_text(errors='replace')}")


@contextmanager
def serving(tmp_path: Path, data_dir: Path, *options: str):
    """`curhat serve` on a free port over `data_dir` with the test key in a key file; yields (port, its log)."""
    key_file = tmp_path / "db.key"
    key_file.write_text(TEST_KEY, encoding="utf-8")
    key_file.chmod(0o600)
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "curhat_tui", "serve", "--port", str(port), *options,
                                 "--data-dir", str(data_dir), "--key-file", str(key_file)],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    try:
        wait_listening(proc, port, log)
        yield port, log, token_of(log)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # as Ctrl+C: the served sessions are told to quit
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def served(tmp_path, data):
    """`curhat serve` on 127.0.0.1 over a supervisor's data dir holding Ani's submitted note."""
    data_dir = asyncio.run(supervisor_with_a_submitted_note(tmp_path, data))
    with serving(tmp_path, data_dir, "--lang", "id", "--name", "Sari") as served:
        yield served


async def test_a_headless_browser_sees_the_supervisors_review_list(served, tmp_path, data):
    from playwright.async_api import async_playwright

    t = Catalogue(data.strings, "id")  # the words the supervisor reads, as the catalogue has them
    tab, submitted, waiting = t("sv.tab.review"), t("sv.status.submitted"), t("sv.waiting", count=1)
    columns = [t(f"sv.col.{column}") for column in ("flags", "alias", "status", "counselor", "ended")]

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run .ci/install-browser.sh (Debian's chromium)"
    port, log, token = served
    started = time.monotonic()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 900})
            await page.add_init_script(KEEP_TERMINAL)
            await page.goto(f"http://127.0.0.1:{port}/?token={token}", wait_until="load")
            try:
                await page.wait_for_function(
                    f"() => {{ const t = ({SCREEN_TEXT})(); return {json.dumps([tab, 'Ani', submitted])}"
                    ".every(w => t.includes(w)); }",
                    timeout=WAIT * 1000)
            except Exception:
                await page.screenshot(path=str(tmp_path / "serve.png"))
                pytest.fail(f"the review list was not drawn in {WAIT:.0f} s; the terminal held:\n"
                            f"{await page.evaluate(SCREEN_TEXT)}\nserver log:\n{log.read_text(errors='replace')}")
            text = await page.evaluate(SCREEN_TEXT)
            await page.screenshot(path=str(tmp_path / "serve.png"))
        finally:
            await browser.close()
    seconds = time.monotonic() - started
    lines = text.splitlines()
    assert tab in text, text  # "Tinjauan [1]": the Review tab
    assert [line for line in lines if "Sari" in line and waiting in line], text  # the top bar: --name reached it
    review_list = [line.split("▕")[0].split() for line in lines]  # left of the detail pane's border
    assert [row for row in review_list if all(column in row for column in columns)], text  # the list's header
    assert [row for row in review_list if "Ani" in row and submitted in row], text  # Ani's note, submitted
    print(f"browser to review list: {seconds:.1f} s")


def test_other_sites_rebound_names_and_other_local_accounts_are_refused(served):
    """A page of another site in the supervisor's own browser may open ws://127.0.0.1; a DNS-rebinding name
    may point at 127.0.0.1; another account on the same computer may connect to 127.0.0.1. None gets the page or
    the websocket; the browser that opened the printed address, with its token, does."""
    port, _, token = served
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}

    def status(path: str, headers: dict[str, str]) -> int:
        return get(port, path, headers)[0]

    own = f"127.0.0.1:{port}"
    cookie = {"Cookie": f"curhat_serve={token}"}
    assert status("/", {"Host": own}) == 403  # another local account, or a guess: no token, no page
    wrong = token[:-1] + ("y" if token.endswith("x") else "x")  # one character off (a token may end in x itself)
    assert status(f"/?token={wrong}", {"Host": own}) == 403
    assert status("/ws", {"Host": own, "Origin": f"http://{own}", **upgrade}) == 403
    page = get_response(port, f"/?token={token}", {"Host": own})
    assert page.status == 200 and f"curhat_serve={token}" in page.getheader("Set-Cookie", "")
    assert "HttpOnly" in page.getheader("Set-Cookie", "") and "SameSite=Strict" in page.getheader("Set-Cookie", "")
    assert status(f"/?token={token}", {"Host": f"curhat.attacker.example:{port}"}) == 403
    assert status("/ws", {"Host": f"curhat.attacker.example:{port}", **cookie, **upgrade}) == 403
    assert status("/ws", {"Host": own, "Origin": "https://attacker.example", **cookie, **upgrade}) == 403
    assert status("/ws", {"Host": own, "Origin": f"http://{own}", **cookie, **upgrade}) == 101


def get_response(port: int, path: str, headers: dict[str, str]):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_exposed_on_purpose_it_warns_and_serves_any_name(tmp_path):
    """With --expose-unauthenticated a non-loopback address is used, after a warning that says why it is unsafe;
    the page then answers under the name it was reached by (the websocket address follows it)."""
    with serving(tmp_path, tmp_path / "data", "--host", "0.0.0.0", "--expose-unauthenticated", "--lang", "en") as (
            port, log, token):
        said = log.read_text(errors="replace")
        assert "WARNING: curhat serve is open on 0.0.0.0" in said and "WITHOUT authentication" in said, said
        assert get(port, "/", {"Host": f"supervisor.lan:{port}"})[0] == 403  # the token still guards the page
        status, page = get(port, f"/?token={token}", {"Host": f"supervisor.lan:{port}"})
        assert status == 200 and f'data-session-websocket-url="ws://supervisor.lan:{port}/ws"' in page
