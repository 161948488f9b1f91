#!/usr/bin/env python
"""curhat-tui over Matrix: a client's message from send to the counselor's screen, against a real Synapse.

    python bench/bench_matrix.py [--quick] [--json PATH] [--strict] [--keep]

Measures, with Synapse started by tests/support/synapse.py on 127.0.0.1
  1. a client's message from its PUT /send to the first frame of the real CurhatApp (headless, 120x40) that
     shows it, vs Synapse's own send-to-sync time: a second user's raw /sync long-poll in the same room,
     timed on the same messages
  2. capacity: send-to-screen per step of 1, 5, 10, 20, 40 concurrent sessions on one workstation (one
     MatrixChannel) and one intake service, clients sending at a steady rate; and how long the intake
     service takes to publish a client to the queue after the last intake answer, with N clients doing
     intake at once
  3. a burst: 300 messages sent 20 at a time by one client into its live session; first send to the last
     stored and the last shown at the workstation, vs the observer seeing the last; each stored exactly once
  4. 50 clients doing their intake at once: start to the last of them in the counselor's queue, vs one
     client alone just before; each in the queue exactly once

Five processes: Synapse, the intake service, the counselor's workstation + app, a raw /sync observer and
this one (the scripted clients). Times are perf_counter stamps taken in whichever process sees the event
(CLOCK_MONOTONIC on Linux, one clock for all processes). It is a report, not a test: it exits 0 even when a
target is missed, unless --strict is given; it skips (exit 0) if Synapse is not installed.
See bench/README.md for the method.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import Report, log, median, ms, pct, save_results, set_start, started  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SIZE = (120, 40)
OVER_TARGET_MS = 15.0  # curhat's send-to-screen median may be at most this much above Synapse's send-to-sync
KNEE_RATIO, KNEE_MS = 2.0, 100.0  # a capacity step is "over" once its median exceeds 2x the 1-session one or this
PROBE_PERIOD = 0.5  # the client whose pane is on screen sends this often (so each step has enough screen samples)
CLIENT_PERIOD = 2.0  # every other client sends this often
PASSWORD = "bench-rahasia-123"
BURST_WAVES, BURST_WIDTH = 15, 20  # part 3: 300 messages, 20 sends at a time (asyncio.gather), wave after wave
ARRIVALS = 50  # part 4: clients doing their intake at once
TOKEN_RE = re.compile(r"q\d{5}z")
# stamped in the counselor's process, in this order (see app_worker)
STAGES = ("sync", "stored", "handling", "handled", "framestart", "nextframe", "frame")
SENTENCES = (
    "aku lagi bingung soal kerjaan di kantor, atasan minta laporan terus",
    "tadi pagi ribut sama kakak soal uang kos bulan ini",
    "skripsiku belum maju juga, dosen pembimbing susah ditemui",
    "sebenarnya aku cuma pengen ada yang dengerin aja sih kak",
    "minggu ini tidurku berantakan, jam dua pagi masih kebangun",
    "teman-teman kantor kayaknya ngejauhin aku sejak rapat kemarin",
    "ibu nelpon terus nanya kapan pulang, aku belum siap cerita",
    "oke kak, aku coba ceritain pelan-pelan ya dari awal",
)

def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


# ==================================================================================================
# workers: each runs in its own process and talks JSON lines (commands on stdin, events on a dup of fd 1)
# ==================================================================================================

OUT_FD = 1
IN_FD = 0


def emit(obj: dict) -> None:
    os.write(OUT_FD, (json.dumps(obj) + "\n").encode())


def _worker_fds() -> None:
    """Keep private copies of stdin/stdout for the protocol; anything else printed goes to stderr."""
    global OUT_FD, IN_FD
    OUT_FD, IN_FD = os.dup(1), os.dup(0)
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)


async def _commands():
    """Yield commands from the parent until 'stop' or end of input."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(IN_FD, "rb", 0))
    while True:
        line = await reader.readline()
        if not line:
            return
        cmd = json.loads(line)
        if cmd.get("cmd") == "stop":
            return
        yield cmd


def _tokens_in_sync(data: dict):
    for room in data.get("rooms", {}).get("join", {}).values():
        for event in room.get("timeline", {}).get("events", []):
            if event.get("type") == "m.room.message":
                body = (event.get("content") or {}).get("body")
                if isinstance(body, str):
                    match = TOKEN_RE.match(body)
                    if match:
                        yield match.group(0)


# ---- the raw /sync observer: httpx only, no curhat code ---------------------------------------------

def observer_worker(p: dict) -> int:
    """A second user's plain /sync long-poll: stamps each token the moment a response carrying it arrives."""
    import httpx

    headers = {"Authorization": f"Bearer {p['token']}"}
    deadline = time.perf_counter() + p["max_seconds"]
    with httpx.Client(base_url=p["base_url"], headers=headers, timeout=60.0) as client:
        since = client.get("/_matrix/client/v3/sync", params={"timeout": 0}).json()["next_batch"]
        emit({"ev": "ready"})
        while time.perf_counter() < deadline:
            response = client.get("/_matrix/client/v3/sync", params={"since": since, "timeout": 20_000})
            t = time.perf_counter()
            data = response.json()
            since = data.get("next_batch", since)
            for tok in _tokens_in_sync(data):
                emit({"ev": "tok", "stage": "sync", "tok": tok, "t": t})
    return 0


# ---- the intake service, as `curhat intake` runs it ---------------------------------------------------

async def intake_worker(p: dict) -> int:
    from curhat_tui.channels.matrix.api import MatrixAPI
    from curhat_tui.channels.matrix.protocol import QUEUE_ENTRY, WAITING
    from curhat_tui.config.datafiles import load_all
    from curhat_tui.intake.service import IntakeService

    api = MatrixAPI(p["base_url"], p["token"])
    api.user_id = p["user_id"]
    service = IntakeService(api, load_all(), state_file=Path(p["state_file"]), counselors=p["counselors"],
                            supervisors=[])
    counts: Counter = Counter()
    request, put_state = api.request, api.put_state

    async def counted_request(method: str, path: str, **kwargs):
        parts = path.split("/")
        kind = f"{method} {parts[3] if len(parts) > 3 and parts[1] == 'rooms' else parts[1]}"
        counts[kind] += 1
        return await request(method, path, **kwargs)

    async def stamped_put_state(room_id: str, event_type: str, content: dict, state_key: str = ""):
        result = await put_state(room_id, event_type, content, state_key)
        if event_type == QUEUE_ENTRY and content.get("status") == WAITING:
            emit({"ev": "room", "stage": "published", "room": state_key, "t": time.perf_counter()})
        return result

    api.request, api.put_state = counted_request, stamped_put_state
    task = asyncio.create_task(service.run())
    deadline = time.perf_counter() + 60
    while not (service.queue_room and service.supervisors_room) and time.perf_counter() < deadline:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    emit({"ev": "ready", "ok": bool(service.queue_room)})
    async for cmd in _commands():
        if cmd["cmd"] == "stats":
            emit({"ev": "reply", "id": cmd["id"], "counts": dict(counts)})
    service.stopped = True
    task.cancel()
    try:
        await task
    except (asyncio.CancelledError, Exception):  # noqa: BLE001
        pass
    await api.close()
    return 0


# ---- the counselor: Workstation + MatrixChannel + the real CurhatApp, headless ------------------------

async def app_worker(p: dict) -> int:
    from textual._compositor import CompositorUpdate
    from textual.screen import Screen

    from curhat_tui.bootstrap import Parts
    from curhat_tui.channels.base import ClientArrived, MessageReceived
    from curhat_tui.channels.matrix.api import MatrixAPI
    from curhat_tui.channels.matrix.channel import MatrixChannel
    from curhat_tui.channels.matrix.staff import Staff
    from curhat_tui.config.datafiles import load_all
    from curhat_tui.domain.clock import SystemClock
    from curhat_tui.services.workstation import Workstation
    from curhat_tui.storage.store import Store
    from curhat_tui.ui.app import build_app

    data = load_all()
    api = MatrixAPI(p["base_url"], p["token"])
    api.user_id = p["user_id"]
    store, store_kind = _open_store(Store, Path(p["data_dir"]) / "curhat.db")
    clock = SystemClock()
    # as `curhat --homeserver` builds it (bootstrap.build_matrix, cli/run.py), told only the intake's account:
    # default 20 s long-poll, ticking, blinking cursor, the start-up purge after 2 s (without the supervision
    # link: the roster has no supervisor)
    channel = MatrixChannel(api, store, clock, "Ani", data.strings, staff=Staff(intake=p["intake"]))
    ws = Workstation(store, channel, clock, data, counselor="Ani", first_purge_delay=2.0)
    seen: dict[str, set] = defaultdict(set)
    received: Counter = Counter()  # MessageReceived events per token, every one (not only the first)

    def stamp(stage: str, tok: str, t: float) -> None:
        if tok not in seen[stage]:
            seen[stage].add(tok)
            emit({"ev": "tok", "stage": stage, "tok": tok, "t": t})

    # (a) the channel's /sync response has arrived and been parsed
    sync = api.sync

    async def stamped_sync(since, timeout_ms=30_000, filter_json=None):
        result = await sync(since, timeout_ms, filter_json)
        t = time.perf_counter()
        for tok in _tokens_in_sync(result):
            stamp("sync", tok, t)
        return result
    api.sync = stamped_sync

    # (b) the workstation has stored the message and posted it to the app
    on_event = ws.desk.on_channel_event  # bound before Workstation.start hands it to the channel

    def stamped_event(event) -> None:
        on_event(event)
        t = time.perf_counter()
        if isinstance(event, MessageReceived):
            match = TOKEN_RE.match(event.text)
            if match:
                received[match.group(0)] += 1
                stamp("stored", match.group(0), t)
        elif isinstance(event, ClientArrived):
            emit({"ev": "room", "stage": "arrived", "room": event.visit.id, "t": t})
    ws.desk.on_channel_event = stamped_event

    frame_began = [0.0]
    on_timer_update = Screen._on_timer_update

    def timed_on_timer_update(self) -> None:
        frame_began[0] = time.perf_counter()
        on_timer_update(self)
    Screen._on_timer_update = timed_on_timer_update  # instrumentation in this worker process only

    app = build_app(Parts.of(ws), blink=True, tick=True, key_guard=0.6)
    frames = 0
    stalls: list[float] = []
    ticks: list[float] = []
    gc_pauses: list[tuple[int, float]] = []
    after_handled: set[str] = set()  # tokens in a pane, waiting for the next composed frame
    tick = app.tick  # CurhatApp.on_mount hands `self.tick` to set_interval: this instance attribute

    def timed_tick() -> None:
        t0 = time.perf_counter()
        tick()
        ticks.append(time.perf_counter() - t0)
    app.tick = timed_tick
    gc_started = [0.0]

    def gc_watch(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            gc_pauses.append((info.get("generation", -1), time.perf_counter() - gc_started[0]))
    gc.callbacks.append(gc_watch)
    try:
        async with app.run_test(size=SIZE) as pilot:
            # (d) frames: what a terminal driver would write, scanned for tokens (App._display is called once per
            # composed frame; headless apps skip the escape-sequence step, so do it here as a driver would)
            display = app._display
            console = app.console

            def probed_display(screen, renderable) -> None:
                nonlocal frames
                emitted = renderable is not None and not app._batch_count and app._running
                text = renderable.render_segments(console) if emitted and isinstance(renderable, CompositorUpdate) \
                    else ""
                display(screen, renderable)
                if emitted:
                    t = time.perf_counter()
                    frames += 1
                    for match in TOKEN_RE.finditer(text):
                        stamp("frame", match.group(0), t)
                    for tok in after_handled:
                        stamp("framestart", tok, frame_began[0])
                        stamp("nextframe", tok, t)
                    after_handled.clear()
            app._display = probed_display

            deadline = time.perf_counter() + 60
            while (getattr(app, "main", None) is None or channel.state != "connected") \
                    and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
            main = app.main
            # (c) the app has handled the WsEvent: the message is in its pane's transcript
            message_added = main.message_added

            def stamped_message_added(message) -> None:
                t_in = time.perf_counter()
                message_added(message)
                t = time.perf_counter()
                match = TOKEN_RE.match(message.text)
                if match:
                    stamp("handling", match.group(0), t_in)
                    stamp("handled", match.group(0), t)
                    after_handled.add(match.group(0))
            main.message_added = stamped_message_added

            async def watch_loop() -> None:
                """Event-loop stalls longer than one frame (1/60 s): any event arriving then waits."""
                last = time.perf_counter()
                while True:
                    await asyncio.sleep(0.01)
                    now = time.perf_counter()
                    if now - last - 0.01 > 1 / 60:
                        stalls.append(now - last - 0.01)
                    last = now
            monitor = asyncio.create_task(watch_loop())
            emit({"ev": "ready", "ok": channel.state == "connected", "state": channel.state, "store": store_kind})

            async for cmd in _commands():
                if cmd["cmd"] == "accept":
                    reply = await _accept(app, ws, pilot, cmd["rooms"], cmd.get("show"))
                    emit({"ev": "reply", "id": cmd["id"], **reply})
                elif cmd["cmd"] == "stats":
                    emit({"ev": "reply", "id": cmd["id"], "frames": frames, "stalls": stalls[:], "ticks": ticks[:],
                          "gc": gc_pauses[:], "panes": len(main.panes), "queue": len(ws.desk.queue()),
                          "connection": ws.desk.connection, "pane1": _pane_state(main),
                          "objects": len(gc.get_objects()), "rss_mb": _rss_mb(), "gaps": channel.sync.gaps_filled})
                    stalls.clear()
                    ticks.clear()
                    gc_pauses.clear()
                elif cmd["cmd"] == "counts":
                    emit({"ev": "reply", "id": cmd["id"], **_counts(ws, received, cmd["tokens"], cmd["rooms"])})
            monitor.cancel()
            await ws.stop()
    finally:
        store.close()
    return 0


def _open_store(Store, path: Path):
    """Encrypted as `curhat` opens it (a raw 256-bit key, as the OS keyring gives), if SQLCipher is there."""
    try:
        import sqlcipher3  # noqa: F401

        return Store(path, key=secrets.token_hex(32)), "SQLCipher, raw 256-bit key (as `curhat` with a keyring)"
    except (ImportError, TypeError):
        return Store(path), "plain SQLite (no SQLCipher here)"


def _counts(ws, received: Counter, tokens: list[str], rooms: list[str]) -> dict:
    """How often each token is in the stored transcripts (client messages) and was received as an event, and how
    often each room is in the counselor's queue."""
    wanted, places = set(tokens), set(rooms)
    stored: Counter = Counter()
    for session in ws.desk.open_sessions():
        for message in ws.desk.transcript(session.id):
            match = TOKEN_RE.match(message.text)
            if match and match.group(0) in wanted and message.sender.value == "client":
                stored[match.group(0)] += 1
    queued = Counter(v.id for v in ws.desk.queue() if v.id in places)
    return {"stored": {t: stored[t] for t in tokens}, "received": {t: received[t] for t in tokens},
            "queued": {r: queued[r] for r in rooms}}


def _rss_mb() -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _pane_state(main) -> dict:
    """Where pane 1's transcript is scrolled: is the newest message in view?"""
    pane = next(iter(main.panes.values()), None)
    if pane is None or pane.transcript is None:
        return {}
    tr = pane.transcript
    return {"active": main.active_pane is pane, "entries": len(tr.entries), "scroll_y": tr.scroll_y,
            "max_scroll_y": tr.max_scroll_y, "virtual_height": tr.virtual_size.height, "height": tr.size.height,
            "width": tr.size.width, "laid_width": tr._laid_width}


async def _accept(app, ws, pilot, rooms: list[str], show: int | None) -> dict:
    """Accept these waiting clients (four claims at a time), then show pane `show`. An exception other than
    AcceptError out of `desk.accept` (the queue's Enter handler catches only AcceptError) is recorded in `raised`
    and the claim is tried once more, so that the run can go on; the report shows it as a FAIL."""
    from curhat_tui.services.desk import AcceptError

    deadline = time.perf_counter() + 60
    while not set(rooms) <= {v.id for v in ws.desk.queue()} and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    gate = asyncio.Semaphore(4)
    failed: dict[str, str] = {}
    raised: list[str] = []
    sessions = {}

    async def one(room: str) -> None:
        async with gate:
            for attempt in (1, 2):
                try:
                    sessions[room] = await ws.desk.accept(room)  # SessionOpened opens the pane, as after Enter
                    return
                except AcceptError as exc:
                    failed[room] = exc.reason
                    return
                except Exception as exc:  # noqa: BLE001 - a finding, reported; the run goes on
                    raised.append(f"{type(exc).__name__}: {exc}"[:200])
                    if attempt == 2:
                        failed[room] = raised[-1]
                    await asyncio.sleep(0.5)
    await asyncio.gather(*(one(room) for room in rooms))
    main = app.main
    while time.perf_counter() < deadline and not all(
            s.id in main.panes and main.panes[s.id].loaded for s in sessions.values()):
        await asyncio.sleep(0.05)
    await pilot.pause()
    if show:  # each new pane took the screen as it opened (as after Enter in the queue); go back to pane `show`
        wanted = list(main.panes.values())[show - 1]
        steady = 0
        while steady < 3 and time.perf_counter() < deadline:
            if main.active_pane is wanted:
                steady += 1
            else:
                steady = 0
                main.action_switch(show)
            await pilot.pause()
    first = {}
    for room, session in sessions.items():
        messages = ws.desk.transcript(session.id)
        first[room] = [(m.sender.value, m.text[:40], list(m.flags)) for m in messages]
    return {"accepted": sorted(sessions), "failed": failed, "raised": raised, "panes": len(main.panes),
            "transcripts": first,
            "active": main.active_pane.session.visit_id if main.active_pane else None, "pane1": _pane_state(main)}


def worker_main(kind: str, params_path: str) -> int:
    _worker_fds()
    p = json.loads(Path(params_path).read_text(encoding="utf-8"))
    set_start(p.get("t_start", started()))
    try:
        if kind == "observer":
            return observer_worker(p)
        if kind == "intake":
            return asyncio.run(intake_worker(p))
        if kind == "app":
            return asyncio.run(app_worker(p))
    except Exception as exc:
        emit({"ev": "error", "msg": f"{type(exc).__name__}: {exc}"})
        raise
    raise SystemExit(f"unknown worker {kind!r}")


# ==================================================================================================
# the parent: scripted clients, and the processes above
# ==================================================================================================

class Hub:
    """Wakes whoever waits on any worker when a line arrives."""

    def __init__(self) -> None:
        self.changed = asyncio.Event()

    async def until(self, predicate, timeout: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.5))
            except asyncio.TimeoutError:
                pass
        return True


class Worker:
    def __init__(self, kind: str, proc, hub: Hub, stderr_path: Path) -> None:
        self.kind = kind
        self.proc = proc
        self.hub = hub
        self.stderr_path = stderr_path
        self.tok: dict[str, dict[str, float]] = defaultdict(dict)
        self.rooms: dict[str, dict[str, float]] = defaultdict(dict)
        self.room_events: Counter = Counter()  # (room, stage) -> how many times it was reported
        self.replies: dict[int, dict] = {}
        self.ready: dict | None = None
        self.errors: list[str] = []
        self.dead = False
        self._next_id = 0
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                break
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            ev = msg.get("ev")
            if ev == "tok":
                self.tok[msg["tok"]].setdefault(msg["stage"], msg["t"])
            elif ev == "room":
                self.rooms[msg["room"]].setdefault(msg["stage"], msg["t"])
                self.room_events[msg["room"], msg["stage"]] += 1
            elif ev == "reply":
                self.replies[msg["id"]] = msg
            elif ev == "ready":
                self.ready = msg
            elif ev == "error":
                self.errors.append(msg["msg"])
            self.hub.changed.set()
        self.dead = True
        self.hub.changed.set()

    def stderr_tail(self, lines: int = 15) -> str:
        try:
            text = self.stderr_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])

    def fail(self, what: str) -> RuntimeError:
        return RuntimeError(f"{self.kind} worker: {what} (exit {self.proc.returncode}; errors {self.errors})\n"
                            f"--- its stderr ---\n{self.stderr_tail()}")

    async def command(self, cmd: dict, timeout: float) -> dict:
        if self.dead:
            raise self.fail(f"gone before {cmd['cmd']!r}")
        self._next_id += 1
        ident = self._next_id
        self.proc.stdin.write((json.dumps(dict(cmd, id=ident)) + "\n").encode())
        await self.proc.stdin.drain()
        if not await self.hub.until(lambda: ident in self.replies or self.dead, timeout) or ident not in self.replies:
            raise self.fail(f"no answer to {cmd['cmd']!r} within {timeout:.0f} s")
        return self.replies.pop(ident)

    async def stop(self, graceful: bool = True) -> None:
        proc = self.proc
        if proc.returncode is None and graceful and not self.dead and proc.stdin and not proc.stdin.is_closing():
            try:
                proc.stdin.write(b'{"cmd": "stop"}\n')
                await proc.stdin.drain()
                await asyncio.wait_for(proc.wait(), 10)
            except (asyncio.TimeoutError, OSError, ConnectionError):
                pass
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 5)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()
        self.reader.cancel()


async def start_worker(kind: str, params: dict, work: Path, hub: Hub, timeout: float = 90.0) -> Worker:
    path = work / f"{kind}.params.json"
    path.write_text(json.dumps(dict(params, t_start=started())), encoding="utf-8")
    stderr_path = work / f"{kind}.stderr"
    with open(stderr_path, "wb") as err:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--params", str(path),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=err, env=child_env(), cwd=str(REPO))
    worker = Worker(kind, proc, hub, stderr_path)
    if not await hub.until(lambda: worker.ready is not None or worker.dead, timeout) or worker.ready is None:
        await worker.stop(graceful=False)
        raise worker.fail("did not start")
    if worker.ready.get("ok") is False:
        await worker.stop(graceful=False)
        raise worker.fail(f"started but not ready: {worker.ready}")
    return worker


class Client:
    """A client on any Matrix app (MatrixAPI over httpx): opens a room with the intake account and chats."""

    def __init__(self, base_url: str, account: dict) -> None:
        from curhat_tui.channels.matrix.api import MatrixAPI

        self.api = MatrixAPI(base_url, account["access_token"])
        self.api.user_id = account["user_id"]
        self.name = account["user_id"].split(":")[0].lstrip("@")
        self.room = ""
        self.since: str | None = None
        self.bodies: list[str] = []
        self.cursor = 0
        self.txn = 0

    async def open(self, invite: list[str]) -> None:
        self.room = await self.api.create_room(preset="trusted_private_chat", is_direct=True, invite=invite)

    async def wait_for(self, prefix: str, timeout: float = 60.0) -> float:
        """Long-poll this room until a message from someone else starts with `prefix`; returns when seen."""
        flt = json.dumps({"room": {"rooms": [self.room], "timeline": {"limit": 30, "types": ["m.room.message"]},
                                   "state": {"types": []}, "ephemeral": {"types": []},
                                   "account_data": {"types": []}},
                          "presence": {"types": []}, "account_data": {"types": []}})
        deadline = time.perf_counter() + timeout
        while True:
            for index in range(self.cursor, len(self.bodies)):
                if self.bodies[index].startswith(prefix):
                    self.cursor = index + 1
                    return time.perf_counter()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise RuntimeError(f"{self.name}: no intake message starting {prefix[:30]!r} within {timeout:.0f} s")
            data = await self.api.sync(self.since, timeout_ms=int(min(5.0, remaining) * 1000), filter_json=flt)
            self.since = data.get("next_batch", self.since)
            room = data.get("rooms", {}).get("join", {}).get(self.room, {})
            for event in room.get("timeline", {}).get("events", []):
                body = (event.get("content") or {}).get("body")
                if event.get("sender") != self.api.user_id and isinstance(body, str):
                    self.bodies.append(body)

    async def say(self, text: str) -> None:
        self.txn += 1
        await self.api.send(self.room, "m.room.message", {"msgtype": "m.text", "body": text},
                            f"bench-{self.name}-{self.txn}")


class Run:
    """Everything the parent does against one Synapse."""

    def __init__(self, hs, work: Path, cfg: dict, data) -> None:
        from curhat_tui.domain.i18n import Catalogue

        self.hs = hs
        self.work = work
        self.cfg = cfg
        self.data = data
        self.hub = Hub()
        self.workers: dict[str, Worker] = {}
        self.rng = random.Random(20240611)
        self.sends: dict[str, dict] = {}
        self.count = 0
        self.accepted = 0
        self.accept_raised: list[str] = []  # exceptions other than AcceptError out of desk.accept
        cat = Catalogue(data.strings, "id")
        self.prompt = {key: cat(f"intake.{key}") for key in ("consent", "package", "topic", "risk", "queued")}
        self.sentences = [s for s in SENTENCES if not list(data.phrases.items(s))] or list(SENTENCES)

    def token(self) -> str:
        self.count += 1
        return f"q{self.count:05d}z"

    async def send(self, client: Client, step: str, probe: bool) -> str:
        tok = self.token()
        text = f"{tok} {self.rng.choice(self.sentences)}"
        t0 = time.perf_counter()
        await client.say(text)
        self.sends[tok] = {"t0": t0, "put": time.perf_counter() - t0, "step": step, "probe": probe,
                           "client": client.name}
        return tok

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each process, and by the whole machine (Linux /proc)."""
        tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        out: dict[str, float] = {"wall": time.perf_counter()}
        pids = {"synapse": self.hs.pid, **{k: w.proc.pid for k, w in self.workers.items()}}
        for name, pid in pids.items():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                out[name] = (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                pass
        times = os.times()
        out["clients"] = times.user + times.system
        try:
            with open("/proc/stat") as f:
                values = [int(v) for v in f.readline().split()[1:]]
            out["machine"] = (sum(values[:7]) - values[3] - values[4]) / tick  # user..softirq, busy
            out["steal"] = values[7] / tick  # the hypervisor ran someone else
        except (OSError, ValueError, IndexError):
            pass
        return out

    @staticmethod
    def cpu_share(before: dict, after: dict) -> dict[str, float]:
        wall = after["wall"] - before["wall"]
        share = {k: 100 * (after[k] - before[k]) / wall for k in after if k != "wall" and k in before}
        if "machine" in share:  # everything else on the box (another user's build, say) competes too
            share["other"] = max(0.0, share["machine"] - sum(v for k, v in share.items()
                                                             if k not in ("machine", "steal")))
        return share

    # ---- set-up -------------------------------------------------------------------------------------------
    async def setup(self, n_clients: int) -> None:
        hs = self.hs
        t = time.perf_counter()
        loop = asyncio.get_running_loop()
        crowd = [f"m{i:02d}" for i in range(ARRIVALS + 1)]  # part 4: one alone, then 50 at once
        names = ["intake", "ani", "observer"] + [f"k{i:02d}" for i in range(1, n_clients + 1)] + crowd
        accounts = {}
        for name in names:  # Synapse's shared-secret admin API; blocking httpx, so off the loop
            accounts[name] = await loop.run_in_executor(None, hs.register, name, PASSWORD)
        self.accounts = accounts
        log(f"registered {len(names)} users in {time.perf_counter() - t:.1f} s")
        base = {"base_url": hs.base_url}
        self.workers["observer"] = await start_worker("observer", {
            **base, "token": accounts["observer"]["access_token"], "max_seconds": 900}, self.work, self.hub)
        # the intake holds the roster (the counselor 'ani'); the workstation is told only the intake's account
        self.workers["intake"] = await start_worker("intake", {
            **base, "token": accounts["intake"]["access_token"], "user_id": accounts["intake"]["user_id"],
            "state_file": str(self.work / "intake.json"), "counselors": [accounts["ani"]["user_id"]]},
            self.work, self.hub)
        (self.work / "ws").mkdir()
        self.workers["app"] = await start_worker("app", {
            **base, "token": accounts["ani"]["access_token"], "user_id": accounts["ani"]["user_id"],
            "intake": accounts["intake"]["user_id"], "data_dir": str(self.work / "ws")}, self.work, self.hub)
        self.clients = [Client(hs.base_url, accounts[f"k{i:02d}"]) for i in range(1, n_clients + 1)]
        self.crowd = [Client(hs.base_url, accounts[name]) for name in crowd]
        from curhat_tui.channels.matrix.api import MatrixAPI

        self.observer_api = MatrixAPI(hs.base_url, accounts["observer"]["access_token"])
        log("intake service, observer and workstation are up")

    async def close(self) -> None:
        for client in getattr(self, "clients", []) + getattr(self, "crowd", []):
            await client.api.close()
        if hasattr(self, "observer_api"):
            await self.observer_api.close()
        for worker in reversed(list(self.workers.values())):
            await worker.stop(graceful=worker.kind != "observer")

    async def intake(self, client: Client, extra_invite: tuple[str, ...] = ()) -> dict:
        """One client's whole intake; `t_last` is taken just before the PUT of the last answer."""
        intake_user = self.accounts["intake"]["user_id"]
        t_open = time.perf_counter()
        await client.open([intake_user, *extra_invite])
        t_consent = await client.wait_for(self.prompt["consent"])
        await client.say("ya")
        await client.wait_for(self.prompt["package"])
        await client.say("1")
        await client.wait_for(self.prompt["topic"])
        await client.say("akhir-akhir ini susah fokus kerja")
        await client.wait_for(self.prompt["risk"])
        t_last = time.perf_counter()
        await client.say("tidak")
        t_put = time.perf_counter()
        t_told = await client.wait_for(self.prompt["queued"])
        return {"room": client.room, "client": client.name, "t_open": t_open, "t_last": t_last, "put": t_put - t_last,
                "told": t_told - t_last, "consent": t_consent - t_open}

    async def accept(self, clients: list[Client]) -> dict:
        reply = await self.workers["app"].command({"cmd": "accept", "rooms": [c.room for c in clients], "show": 1},
                                                  timeout=60 + 3 * len(clients))
        self.accepted += len(clients)
        if reply["raised"]:
            self.accept_raised += reply["raised"]
            log(f"WARNING: desk.accept raised {len(reply['raised'])} time(s): {reply['raised'][0]}")
        if reply["failed"] or len(reply["accepted"]) != len(clients):
            raise RuntimeError(f"workstation could not accept every client: {reply['failed']}")
        return reply

    # ---- 1: send to screen, vs Synapse's own send to sync -------------------------------------------------
    async def part1(self) -> dict:
        cfg = self.cfg
        probe = self.clients[0]
        app, obs = self.workers["app"], self.workers["observer"]
        observer = self.accounts["observer"]["user_id"]
        await self.intake(probe, (observer,))
        await self.observer_api.join(probe.room)
        reply = await self.accept([probe])
        first_transcript = reply["transcripts"].get(probe.room, [])
        await asyncio.sleep(1.0)  # the observer's and the workstation's long-polls settle on the joined room
        log(f"part 1: {cfg['warm']} warm-up + {cfg['messages']} messages, one at a time")
        toks = []
        await app.command({"cmd": "stats"}, 10)
        for i in range(cfg["warm"] + cfg["messages"]):
            tok = await self.send(probe, "p1", True)
            await self.hub.until(lambda: "frame" in app.tok[tok] and "sync" in obs.tok[tok], 5.0)
            if i >= cfg["warm"]:
                toks.append(tok)
            # a random gap: sends land at random phases of the 60 fps frame clock and the 0.5 s tick and blink
            await asyncio.sleep(self.rng.uniform(0.15, 0.35))
        stats = await app.command({"cmd": "stats"}, 10)
        rows = []
        for tok in toks:
            s, a, o = self.sends[tok], app.tok.get(tok, {}), obs.tok.get(tok, {})
            t0 = s["t0"]
            rows.append({"tok": tok, "put": s["put"],
                         **{k: a[k] - t0 for k in STAGES if k in a},
                         **({"observer": o["sync"] - t0} if "sync" in o else {})})
        return {"rows": rows, "stats": stats, "first_transcript": first_transcript}

    # ---- 2b: intake publish time with N clients at once ---------------------------------------------------
    async def intake_batches(self, start: int) -> tuple[dict, int]:
        out = {}
        index = start
        intake, app = self.workers["intake"], self.workers["app"]
        for n in self.cfg["intake_ns"]:
            batch = self.clients[index:index + n]
            index += n
            log(f"intake: {n} client(s) at once")
            t = time.perf_counter()
            done = await asyncio.gather(*(self.intake(c) for c in batch))
            await self.hub.until(lambda: all("published" in intake.rooms[d["room"]] and
                                             "arrived" in app.rooms[d["room"]] for d in done), 10.0)
            for d in done:
                d["published"] = intake.rooms[d["room"]].get("published", float("nan")) - d["t_last"]
                d["arrived"] = app.rooms[d["room"]].get("arrived", float("nan")) - d["t_last"]
            out[n] = {"clients": done, "batch": time.perf_counter() - t}
        return out, index

    async def fill_queue(self, start: int, end: int) -> None:
        batch = self.clients[start:end]
        if batch:
            log(f"intake: {len(batch)} more client(s) to have {self.cfg['steps'][-1]} sessions (not timed)")
            await asyncio.gather(*(self.intake(c) for c in batch))

    # ---- 2a: capacity steps ---------------------------------------------------------------------------------
    async def steps(self) -> dict:
        cfg = self.cfg
        app, obs, intake = self.workers["app"], self.workers["observer"], self.workers["intake"]
        opened = 1  # the probe (client 0), from part 1
        out = {}
        for n in cfg["steps"]:
            reply = None
            if n > opened:
                t = time.perf_counter()
                reply = await self.accept(self.clients[opened:n])
                log(f"capacity: accepted {n - opened} more session(s) in {time.perf_counter() - t:.1f} s; "
                    f"{n} open, pane 1 on screen")
                opened = n
            await asyncio.sleep(1.0)
            before = await app.command({"cmd": "stats"}, 10)
            counts0 = (await intake.command({"cmd": "stats"}, 10))["counts"]
            cpu0 = self.cpu()
            step = f"s{n}"
            t_start = time.perf_counter() + 0.05
            t_end = t_start + cfg["step_seconds"]

            async def sender(client: Client, period: float, phase: float, probe: bool) -> None:
                k = 0
                while True:
                    at = t_start + phase + k * period
                    if at >= t_end:
                        return
                    await asyncio.sleep(max(0.0, at - time.perf_counter()))
                    await self.send(client, step, probe)
                    k += 1
            log(f"capacity: {n} session(s) for {cfg['step_seconds']:.0f} s")
            await asyncio.gather(sender(self.clients[0], PROBE_PERIOD, 0.0, True),
                                 *(sender(c, CLIENT_PERIOD, self.rng.uniform(0, CLIENT_PERIOD), False)
                                   for c in self.clients[1:n]))
            cpu1 = self.cpu()
            mine = [t for t, s in self.sends.items() if s["step"] == step]
            await self.hub.until(lambda: all("handled" in app.tok[t] for t in mine) and all(
                "frame" in app.tok[t] for t in mine if self.sends[t]["probe"]), 5.0)
            stats = await app.command({"cmd": "stats"}, 10)
            counts1 = (await intake.command({"cmd": "stats"}, 10))["counts"]
            rows = []
            for tok in mine:
                s, a, o = self.sends[tok], app.tok.get(tok, {}), obs.tok.get(tok, {})
                rows.append({"tok": tok, "probe": s["probe"], "put": s["put"],
                             **{k: a[k] - s["t0"] for k in STAGES if k in a},
                             **({"observer": o["sync"] - s["t0"]} if "sync" in o else {})})
            out[n] = {"rows": rows, "cpu": self.cpu_share(cpu0, cpu1), "seconds": cpu1["wall"] - cpu0["wall"],
                      "objects": stats["objects"], "rss_mb": stats["rss_mb"],
                      "stalls": stats["stalls"], "frames": stats["frames"], "ticks": stats["ticks"], "gc": stats["gc"],
                      "pane1": {"after_accept": reply and reply.get("pane1"), "start": before["pane1"],
                                "end": stats["pane1"]},
                      "intake_requests": {k: counts1.get(k, 0) - counts0.get(k, 0) for k in counts1
                                          if counts1.get(k, 0) != counts0.get(k, 0)}}
        return out

    # ---- 3: a burst into a live session -----------------------------------------------------------------------
    async def burst(self) -> dict:
        """Pane 1's client (on screen, the observer in its room) sends 300 messages, 20 at a time."""
        app, obs = self.workers["app"], self.workers["observer"]
        client = self.clients[0]
        n = BURST_WAVES * BURST_WIDTH
        await asyncio.sleep(1.0)
        before = await app.command({"cmd": "stats"}, 10)
        log(f"burst: {n} messages, {BURST_WIDTH} at a time")
        toks: list[str] = []
        wave_put: list[float] = []
        for _ in range(BURST_WAVES):
            t = time.perf_counter()
            toks += await asyncio.gather(*(self.send(client, "burst", True) for _ in range(BURST_WIDTH)))
            wave_put.append(time.perf_counter() - t)
        t_sent = time.perf_counter()
        complete = await self.hub.until(lambda: all("stored" in app.tok[t] for t in toks), 60.0)
        stored_at = {t: app.tok[t]["stored"] for t in toks if "stored" in app.tok[t]}
        last = max(stored_at, key=stored_at.get) if stored_at else ""  # the room's newest message
        if last:
            # the observer's plain /sync (Synapse's default 10-event timeline, no paging back) skips some of a burst
            # but always gets the newest events, so it sees the last one
            await self.hub.until(lambda: "frame" in app.tok[last] and "sync" in obs.tok[last], 10.0)
        await asyncio.sleep(1.5)  # a late duplicate would show now
        counts = await app.command({"cmd": "counts", "tokens": toks, "rooms": []}, 30)
        stats = await app.command({"cmd": "stats"}, 10)
        t0 = min(self.sends[t]["t0"] for t in toks)
        rows = []
        for tok in toks:
            s, a, o = self.sends[tok], app.tok.get(tok, {}), obs.tok.get(tok, {})
            rows.append({"tok": tok, "put": s["put"], **{k: a[k] - s["t0"] for k in STAGES if k in a},
                         **({"observer": o["sync"] - s["t0"]} if "sync" in o else {})})

        def latest(stage: str, stamps: dict) -> float:
            found = [stamps[t][stage] for t in toks if stage in stamps.get(t, {})]
            return max(found) - t0 if found else float("nan")
        return {"n": n, "complete": complete, "sending": t_sent - t0, "wave_put": wave_put, "rows": rows,
                "last_stored": latest("stored", app.tok), "last_observer": latest("sync", obs.tok),
                "last_tok": last, "last_shown": app.tok[last]["frame"] - t0 if "frame" in app.tok.get(last, {})
                else float("nan"),
                "stored": counts["stored"], "received": counts["received"],
                "on_screen": sum(1 for t in toks if "frame" in app.tok.get(t, {})),
                "observed": sum(1 for t in toks if "sync" in obs.tok.get(t, {})),
                "observer_saw_last": "sync" in obs.tok.get(last, {}),
                "gaps": stats["gaps"] - before["gaps"], "stats": stats}

    # ---- 4: 50 clients at once --------------------------------------------------------------------------------
    async def arrivals(self) -> dict:
        """One client's intake alone (the baseline), then 50 at once: start to each one in the counselor's queue."""
        intake, app = self.workers["intake"], self.workers["app"]

        async def batch(clients: list[Client]) -> dict:
            gaps = (await app.command({"cmd": "stats"}, 10))["gaps"]
            t = time.perf_counter()
            done = await asyncio.gather(*(self.intake(c) for c in clients))
            rooms = [d["room"] for d in done]
            arrived = await self.hub.until(lambda: all("arrived" in app.rooms[r] for r in rooms), 60.0)
            await asyncio.sleep(1.5)  # a late duplicate would show now
            counts = await app.command({"cmd": "counts", "tokens": [], "rooms": rooms}, 30)
            gaps = (await app.command({"cmd": "stats"}, 10))["gaps"] - gaps
            for d in done:
                d["published"] = intake.rooms[d["room"]].get("published", float("nan")) - d["t_last"]
                d["arrived"] = app.rooms[d["room"]].get("arrived", float("nan")) - d["t_last"]
                d["from_start"] = app.rooms[d["room"]].get("arrived", float("nan")) - t
                d["last_answer"] = d["t_last"] - t
            return {"clients": done, "start": t, "all_arrived": arrived, "queued": counts["queued"], "gaps": gaps,
                    "arrived_events": {r: app.room_events[r, "arrived"] for r in rooms},
                    "published_events": {r: intake.room_events[r, "published"] for r in rooms},
                    "last": max((app.rooms[r]["arrived"] for r in rooms if "arrived" in app.rooms[r]),
                                default=float("nan")) - t}
        log("arrivals: one client alone (baseline)")
        one = await batch(self.crowd[:1])
        log(f"arrivals: {ARRIVALS} clients at once")
        many = await batch(self.crowd[1:ARRIVALS + 1])
        return {"one": one, "many": many}


# ==================================================================================================
# report
# ==================================================================================================

def col(rows: list[dict], key: str) -> list[float]:
    return [r[key] for r in rows if key in r]


def loop_line(stats: dict) -> str:
    """The app's event loop: stalls longer than a frame, app.tick() cost, garbage-collector pauses."""
    stalls, ticks, gcs = stats["stalls"], stats["ticks"], stats["gc"]
    full = [d for g, d in gcs if g == 2]
    return (f"loop stalls > 1 frame {len(stalls)}" + (f" (max {ms(max(stalls)):.0f} ms)" if stalls else "")
            + (f"; app.tick() {ms(median(ticks)):.1f} ms median, {ms(max(ticks)):.1f} max (n={len(ticks)})"
               if ticks else "")
            + f"; gc {len(gcs)} runs, max {ms(max((d for _, d in gcs), default=0)):.1f} ms"
            + (f", {len(full)} full (max {ms(max(full)):.0f} ms)" if full else "")
            + (f"; {stats['objects'] / 1000:.0f}k objects, RSS {stats['rss_mb']:.0f} MB"
               if stats.get("rss_mb") else ""))


def check(report: Report, metric: str, ok: bool, value: str, reference: str) -> None:
    """A correctness row: PASS, or FAIL (counted as a miss, so --strict exits 1)."""
    report.rows.append((metric, value, reference, "PASS" if ok else "FAIL"))
    if not ok:
        report.misses += 1


def once(counts: dict[str, int]) -> tuple[int, int, int]:
    """(exactly once, missing, more than once) over a dict of counts."""
    values = list(counts.values())
    return sum(1 for v in values if v == 1), sum(1 for v in values if v == 0), sum(1 for v in values if v > 1)


def build_report(res: dict, cfg: dict) -> tuple[Report, list[str]]:
    report = Report()
    details: list[str] = []

    # 1 ---------------------------------------------------------------------------------------------
    rows = res["part1"]["rows"]
    screen, base = col(rows, "frame"), col(rows, "observer")
    over = ms(median(screen)) - ms(median(base))
    report.row("1 client message, send to counselor's screen", f"{ms(median(screen)):.1f} ms",
               f"Synapse send-to-sync {ms(median(base)):.1f} ms; +{over:.1f} ms (target <= +{OVER_TARGET_MS:.0f} ms)",
               bool(screen and base) and over <= OVER_TARGET_MS)
    report.row("  same, 95th percentile", f"{ms(pct(screen, 0.95)):.1f} ms",
               f"Synapse send-to-sync {ms(pct(base, 0.95)):.1f} ms", None)
    paired = [r["frame"] - r["observer"] for r in rows if "frame" in r and "observer" in r]
    report.row("  paired per message: screen minus Synapse's sync", f"{ms(median(paired)):.1f} ms",
               f"p95 {ms(pct(paired, 0.95)):.1f} ms, n={len(paired)}", None)

    # 2a --------------------------------------------------------------------------------------------
    steps = res["steps"]
    one = None
    knee = None
    carried = 0
    for n, step in steps.items():
        probe = [r for r in step["rows"] if r["probe"]]
        scr = col(probe, "frame")
        med = ms(median(scr))
        if one is None:
            one = med
        limit = min(KNEE_RATIO * one, KNEE_MS)
        is_over = not scr or med > limit
        if is_over and knee is None:
            knee = n
        if knee is None:
            carried = n
        rate = len(step["rows"]) / max(1e-9, step["seconds"])
        alone = ms(median(col(probe, "observer")))
        report.row(f"2 capacity: {n} session(s), {rate:.1f} msg/s", f"{med:.1f} ms",
                   f"p95 {ms(pct(scr, 0.95)):.0f}; Synapse alone {alone:.1f} (+{med - alone:.1f}); "
                   f"limit {limit:.0f} ms: {'OVER' if is_over else 'within'}", None)
    report.row("  sessions carried before the median grows", f"{carried}",
               (f"first over at {knee} (> {KNEE_RATIO:.0f}x the 1-session median or > {KNEE_MS:.0f} ms)" if knee
                else f"no step over (up to {list(steps)[-1]})"), None)

    # 2b --------------------------------------------------------------------------------------------
    for n, batch in res["intake"].items():
        pub = [c["published"] for c in batch["clients"]]
        report.row(f"2 intake: last answer to queue, {n} at once", f"{ms(median(pub)):.0f} ms",
                   f"p95 {ms(pct(pub, 0.95)):.0f}, max {ms(max(pub)):.0f} ms", None)

    # 3 ---------------------------------------------------------------------------------------------
    burst = res["burst"]
    n = burst["n"]
    obs_last = burst["last_observer"]
    report.row(f"3 burst: {n} msgs {BURST_WIDTH} at a time, first send to last stored",
               f"{burst['last_stored']:.2f} s",
               f"Synapse's observer saw the last at {obs_last:.2f} s; {burst['last_stored'] / obs_last:.2f}x", None)
    report.row("  same, to the last one shown on screen", f"{burst['last_shown']:.2f} s",
               f"{burst['last_shown'] / obs_last:.2f}x the observer's", None)
    good, missing, doubled = once(burst["stored"])
    check(report, f"  all {n} stored at the workstation exactly once", good == n,
          f"{good} of {n}", "" if good == n else f"FAIL: {missing} missing, {doubled} more than once")

    # 4 ---------------------------------------------------------------------------------------------
    one, many = res["arrivals"]["one"], res["arrivals"]["many"]
    report.row(f"4 {ARRIVALS} clients' intake at once: start to last queued", f"{many['last']:.1f} s",
               f"one client alone {one['last']:.1f} s; {many['last'] / one['last']:.1f}x", None)
    first = sorted(c["from_start"] for c in many["clients"])
    report.row("  same, median client", f"{median(first):.1f} s", f"p95 {pct(first, 0.95):.1f} s", None)
    good, missing, doubled = once(many["arrived_events"])
    q_good, q_missing, q_doubled = once(many["queued"])
    check(report, f"  all {ARRIVALS} in the counselor's queue exactly once", q_good == ARRIVALS and not missing,
          f"{q_good} of {ARRIVALS}", "" if q_good == ARRIVALS and not missing else
          f"FAIL: {q_missing} missing from the queue, {q_doubled} more than once; {missing} never arrived")
    report.row("  the channel's ClientArrived events", f"{good} once",
               f"{doubled} more than once ({sum(v for v in many['arrived_events'].values() if v > 1)} events), "
               f"{missing} never; the desk keeps one per client", None)

    # every accept (parts 1 and 2) ---------------------------------------------------------------------
    raised = res["accepts"]["raised"]
    check(report, "accepts: desk.accept raised nothing but AcceptError", not raised,
          f"{len(raised)} of {res['accepts']['clients']}",
          "" if not raised else f"FAIL: {Counter(raised).most_common(1)[0][0][:70]} (tried again)")

    # details ---------------------------------------------------------------------------------------
    def stat(values: list[float]) -> str:
        return f"{ms(median(values)):.1f} / {ms(pct(values, 0.95)):.1f}" if values else "-"

    details.append(f"  counselor's store: {res.get('store', '?')}")
    details.append(f"  1: n={len(rows)} messages (after {cfg['warm']} warm-up), one at a time, 0.15-0.35 s apart; "
                   f"median / p95 in ms, from the client's PUT")
    details.append(f"     client PUT /send returns               {stat(col(rows, 'put'))}")
    details.append(f"     observer's raw /sync returns (baseline) {stat(base)}")
    details.append(f"     workstation's /sync returns (parsed)    {stat(col(rows, 'sync'))}")
    details.append(f"     stored and posted to the app            {stat(col(rows, 'stored'))}")
    details.append(f"     in the pane (WsEvent handled)           {stat(col(rows, 'handled'))}")
    details.append(f"     first frame showing it (the result)     {stat(screen)}")
    steps_ = [("sync", "stored", "channel + workstation (parse, store, post)"),
              ("stored", "handling", "wait in the app's message queue"),
              ("handling", "handled", "MainScreen.message_added (pane update)"),
              ("handled", "framestart", "wait for the screen's update timer"),
              ("framestart", "nextframe", "layout + compose that frame"),
              ("nextframe", "frame", "further frames until shown")]
    for a, b, label in steps_:
        d = [r[b] - r[a] for r in rows if a in r and b in r]
        details.append(f"     stage: {label:<44} {stat(d)}")
    first_sync = sum(1 for r in rows if "sync" in r and "observer" in r and r["sync"] < r["observer"])
    details.append(f"     Synapse answered the workstation's /sync before the observer's in {first_sync} of "
                   f"{len(rows)}")
    details.append("     app during part 1: " + loop_line(res["part1"]["stats"]))
    missing = [r["tok"] for r in rows if "frame" not in r or "observer" not in r]
    if missing:
        details.append(f"     WARNING: {len(missing)} message(s) not seen on screen or by the observer within 5 s")
    first = res["part1"].get("first_transcript") or []
    if first:
        details.append(f"     WARNING: a freshly accepted session's transcript already held {len(first)} message(s) "
                       f"from before the claim, all stored as the client's:")
        for sender, text, flags in first[:8]:
            details.append(f"       {sender}: {text!r}" + (f" -> red flags {flags}" if flags else ""))

    details.append(f"  2 capacity: {cfg['step_seconds']:.0f} s per step; pane 1's client sends every {PROBE_PERIOD} s, "
                   f"the others every {CLIENT_PERIOD:.0f} s (random phase); screen = pane 1's messages only")
    for n, step in steps.items():
        probe = [r for r in step["rows"] if r["probe"]]
        allr = step["rows"]
        cpu = step["cpu"]
        lost = sum(1 for r in allr if "handled" not in r) + sum(1 for r in probe if "frame" not in r)
        per_msg = {k: v / max(1, len(allr)) for k, v in step["intake_requests"].items() if not k.endswith("sync")}
        details.append(
            f"   {n:>2} sessions: n={len(allr)} msgs ({len(probe)} on screen); in pane (all sessions) "
            f"{stat(col(allr, 'handled'))}; screen {stat(col(probe, 'frame'))}; Synapse alone "
            f"{stat(col(probe, 'observer'))}; PUT {stat(col(allr, 'put'))}"
            + (f"; NOT SEEN {lost}" if lost else ""))
        details.append("      cpu % " + " ".join(f"{k} {v:.0f}" for k, v in cpu.items())
                       + "; intake requests per client message: "
                       + (", ".join(f"{k} {v:.2f}" for k, v in sorted(per_msg.items())) or "none"))
        details.append("      app: " + loop_line(step))
        p1 = step["pane1"]["end"] or {}
        if lost and p1:
            details.append(f"      WARNING: pane 1 at the end of the step: active {p1.get('active')}, "
                           f"{p1.get('entries')} messages, scroll_y {p1.get('scroll_y')} of max "
                           f"{p1.get('max_scroll_y')} (virtual height {p1.get('virtual_height')}, view "
                           f"{p1.get('width')}x{p1.get('height')}, laid out at width {p1.get('laid_width')}); "
                           f"after the accept: {step['pane1']['after_accept']}")

    details.append("  2 intake: median / p95 / max in ms from the PUT of the last answer ('tidak')")
    for n, batch in res["intake"].items():
        cs = batch["clients"]

        def line(key: str) -> str:
            v = [c[key] for c in cs if c[key] == c[key]]
            return f"{ms(median(v)):.0f} / {ms(pct(v, 0.95)):.0f} / {ms(max(v)):.0f}" if v else "-"
        details.append(f"   {n:>2} at once: published to the queue room {line('published')}; in the counselor's "
                       f"queue {line('arrived')}; client told 'queued' {line('told')}; whole batch "
                       f"{batch['batch']:.1f} s")

    rows = burst["rows"]
    puts = burst["wave_put"]
    details.append(f"  3 burst: pane 1's client (on screen) sends {BURST_WAVES} waves of {BURST_WIDTH} concurrent "
                   f"PUTs, each wave after the last returned; {cfg['steps'][-1]} sessions open")
    details.append(f"     sending took {burst['sending']:.2f} s (a wave {ms(median(puts)):.0f} ms median, "
                   f"{ms(max(puts)):.0f} max); per message, median / p95 in ms from its own PUT:")
    details.append(f"     PUT {stat(col(rows, 'put'))}; observer's /sync {stat(col(rows, 'observer'))}; workstation's "
                   f"/sync {stat(col(rows, 'sync'))}; stored {stat(col(rows, 'stored'))}; in the pane "
                   f"{stat(col(rows, 'handled'))}")
    details.append(f"     {burst['on_screen']} of {burst['n']} were ever in a composed frame (the pane scrolls past "
                   f"the rest within a frame); the last stored ({burst['last_tok']}) "
                   + ("was shown" if burst["last_shown"] == burst["last_shown"] else "was NOT shown within 10 s")
                   + f"; the observer's plain /sync (Synapse's default 10-event timeline) carried {burst['observed']}"
                   + (" and the last" if burst["observer_saw_last"] else ", NOT the last"))
    r_good, r_missing, r_doubled = once(burst["received"])
    details.append(f"     channel events: {r_good} once, {r_missing} never, {r_doubled} more than once; "
                   f"{burst['gaps']} event(s) paged back through /messages (gaps in limited timelines)"
                   + ("" if burst["complete"] else "; WARNING: not all stored within 60 s"))
    details.append("     app during the burst: " + loop_line(burst["stats"]))

    details.append(f"  4 arrivals: from just before the clients open their rooms; {cfg['steps'][-1]} sessions open")
    for label, batch in (("1 alone", one), (f"{ARRIVALS} at once", many)):
        cs = batch["clients"]

        def spread(key: str, unit: float = 1.0) -> str:
            v = [c[key] * unit for c in cs if c[key] == c[key]]
            return f"{median(v):.1f} / {pct(v, 0.95):.1f} / {max(v):.1f}" if v else "-"
        details.append(f"   {label:>10}: from the start, s: consent question seen {spread('consent')}, last answer sent "
                       f"{spread('last_answer')}, in the counselor's queue {spread('from_start')}; after the last answer, "
                       f"ms: published {spread('published', 1000)}, queued {spread('arrived', 1000)}, client told "
                       f"{spread('told', 1000)} (median / p95 / max)")
    p_good, p_missing, p_doubled = once(many["published_events"])
    details.append(f"     intake's queue entries for the {ARRIVALS}: {p_good} published once, {p_missing} never, "
                   f"{p_doubled} more than once; the workstation paged back {many['gaps']} event(s) through /messages"
                   + ("" if many["all_arrived"] else "; WARNING: not all arrived within 60 s"))
    return report, details


# ==================================================================================================
# main
# ==================================================================================================

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer messages and steps (about 2 minutes)")
    parser.add_argument("--json", metavar="PATH", help="also write every raw figure to this JSON file")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (Synapse data, logs)")
    parser.add_argument("--worker", choices=("observer", "intake", "app"), help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args.worker, args.params)

    from tests.support.synapse import Synapse, SynapseError, find_synapse, synapse_version

    python = find_synapse()
    if python is None:
        print("bench_matrix: SKIPPED: Synapse is not installed. Run .ci/install-synapse.sh (it makes "
              f"{REPO / '.synapse-venv'}) or point $CURHAT_SYNAPSE_PYTHON at an interpreter that has matrix-synapse.")
        return 0

    import textual

    import curhat_tui
    from curhat_tui.config.datafiles import load_all

    q = args.quick
    cfg = {"messages": 20, "warm": 3, "intake_ns": (1, 5, 10), "steps": (1, 5, 10, 20), "step_seconds": 6.0} if q \
        else {"messages": 50, "warm": 5, "intake_ns": (1, 5, 10, 20), "steps": (1, 5, 10, 20, 40), "step_seconds": 12.0}
    n_clients = 1 + max(sum(cfg["intake_ns"]), cfg["steps"][-1] - 1)
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    print("curhat-tui Matrix benchmark" + (" (quick)" if q else ""))
    print(f"python   {platform.python_version()} ({platform.python_implementation()}) {sys.executable}")
    print(f"textual  {textual.__version__}   curhat-tui {getattr(curhat_tui, '__version__', '?')}   "
          f"synapse {synapse_version(python)} (SQLite, 127.0.0.1)")
    print(f"machine  {os.cpu_count()} cores ({affinity} usable), {platform.system()} {platform.release()} "
          f"{platform.machine()}")
    print(f"screen   {SIZE[0]}x{SIZE[1]} headless; times in ms")
    print(flush=True)

    # SIGTERM unwinds like Ctrl+C, so Synapse and the workers are stopped either way
    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupted)
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="curhat-bench-matrix-"))
    hs = None
    results: dict = {"env": {"python": platform.python_version(), "textual": textual.__version__,
                             "synapse": synapse_version(python), "cores": os.cpu_count(), "usable_cores": affinity,
                             "quick": q}, "config": cfg}
    report = None
    try:
        hs = Synapse(python, work / "synapse")
        hs.start()
        log(f"Synapse up in {hs.startup_seconds:.1f} s at {hs.base_url}")
        data = load_all()

        async def run_all() -> None:
            run = Run(hs, work, cfg, data)
            try:
                await run.setup(n_clients)
                results["store"] = run.workers["app"].ready.get("store")
                results["part1"] = await run.part1()
                results["intake"], used = await run.intake_batches(1)
                await run.fill_queue(used, max(used, cfg["steps"][-1]))
                order = [run.clients[0]] + [c for c in run.clients[1:] if c.room]
                run.clients = order  # clients with a room, in intake order: the queue the steps accept from
                results["steps"] = await run.steps()
                results["burst"] = await run.burst()
                results["arrivals"] = await run.arrivals()
                results["accepts"] = {"clients": run.accepted, "raised": run.accept_raised}
            finally:
                await run.close()
                results["worker_stderr"] = {k: w.stderr_tail(20) for k, w in run.workers.items()}
        asyncio.run(run_all())

        report, details = build_report(results, cfg)
        report.print()
        print()
        print("details")
        for line in details:
            print(line)
        noisy = {k: v for k, v in results["worker_stderr"].items() if v.strip()}
        for kind, tail in noisy.items():
            print(f"  {kind} worker wrote to stderr (last lines):")
            for line in tail.splitlines()[-8:]:
                print(f"    | {line}")
        synapse_log = hs.log_path.read_text(encoding="utf-8", errors="replace").splitlines() \
            if hs.log_path.exists() else []
        problems = [line for line in synapse_log if " ERROR " in line or " CRITICAL " in line]
        if problems:
            print(f"  Synapse logged {len(problems)} error(s); last: {problems[-1][:200]}")
        save_results(report, results, began, args.json, f" (Synapse start {hs.startup_seconds:.1f} s)")
    except SynapseError as exc:
        print(f"bench_matrix: Synapse failed: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print(f"bench_matrix: interrupted ({exc or 'Ctrl+C'}); stopping the workers and Synapse", file=sys.stderr)
        return 130
    except RuntimeError as exc:
        print(f"bench_matrix: failed: {exc}", file=sys.stderr)
        return 2
    finally:
        if hs is not None:
            hs.stop()
        if args.keep:
            print(f"  data kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if report is not None and report.misses:
        print(f"{report.misses} target(s) missed" + (" (--strict: exit 1)" if args.strict else ""))
    return 1 if (args.strict and report is not None and report.misses) else 0


if __name__ == "__main__":
    sys.exit(main())
