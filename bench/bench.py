#!/usr/bin/env python
"""curhat-tui performance report: each figure next to a baseline measured in the same run.

    python bench/bench.py [--quick] [--json PATH] [--strict]

Measures
  1. start to first frame with 1,000 stored sessions (subprocess, mirrors `curhat`), vs a Textual hello-world
  2. opening a session pane that holds 10,000 messages, vs one with 10 messages
  3. keystroke-to-screen in the composer, vs a plain TextArea in a hello-world app
  4. re-sorting a 1,000-client queue (domain) and redrawing it (QueuePanel.show)
  5. peak RSS of the start-up child, vs the hello-world child

It is a report, not a test: it exits 0 even when a target is missed, unless --strict is given.
Only the standard library, Textual and curhat_tui are used. See bench/README.md for the method.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import gc
import json
import os
import platform
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import Report, finish, log, median, ms, pct, save_results, set_start, started  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SIZE = (120, 40)
MARK = "BENCH-FIRST-FRAME "
BENCH_KEY = "5a" * 32  # the stores are encrypted, as the app keeps them; the child reads it from a key file
STARTUP_RATIO_TARGET = 1.5  # start to first frame / a Textual hello-world's
OPEN_RATIO_TARGET = 1.5  # opening a 10,000-message pane / a 10-message pane
QUEUE_RATIO_TARGET = 2.0  # redrawing a 1,000-client queue / a 10-client queue
OPEN_TARGET_MS = 100.0  # shown beside the ratio, as information: absolute times move with the machine's load
KEY_TARGET_MS = 16.0
QUEUE_TARGET_MS = 50.0
COUNSELOR = "Ani"  # the counselor of the stored sessions: the start-up child signs in as her, so hers reopen
STALL_WINDOW = 0.7  # seconds after open_pane() in which event-loop stalls are recorded
DB_NAME = "practice.db"  # checked against curhat_tui.paths.PRACTICE_DB at run time

# --------------------------------------------------------------------------------------------------
# Child programs for the start-up measurement. Each records perf_counter() stamps (CLOCK_MONOTONIC on
# Linux, so comparable with the parent's) and writes one marker line straight to fd 1 (Textual
# redirects sys.stdout while an app runs) as soon as its first frame has been rendered, then exits.
# --------------------------------------------------------------------------------------------------

HELLO_CHILD = r'''
import time
T0 = time.perf_counter()
import json, os, resource, sys
from textual.app import App, ComposeResult
from textual.widgets import Static
from textual._compositor import CompositorUpdate
T_IMPORTED = time.perf_counter()
W, H, MARK = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


def peak_rss_kb():
    """VmHWM: this process's own peak RSS. (ru_maxrss is not usable here: Linux carries the parent's peak
    over fork+exec into the child's ru_maxrss.)"""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class HelloApp(App):
    t_mount = None
    marked = False

    def compose(self) -> ComposeResult:
        yield Static("Hello, World!")

    def on_mount(self) -> None:
        self.t_mount = time.perf_counter()
        self.call_after_refresh(self._first_frame)

    def _display(self, screen, renderable) -> None:
        # a frame handed to the terminal: turned into escape sequences as a real driver would (headless skips it)
        emitted = renderable is not None and not self._batch_count and self._running
        if emitted and isinstance(renderable, CompositorUpdate):
            renderable.render_segments(self.console)
        super()._display(screen, renderable)
        if emitted and self.t_mount is not None:
            self._first_frame()

    def _first_frame(self) -> None:
        if self.marked:
            return
        self.marked = True
        now = time.perf_counter()
        info = {"t0": T0, "imported": T_IMPORTED, "built": T_BUILT, "mount": self.t_mount, "frame": now,
                "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "hwm_kb": peak_rss_kb()}
        os.write(1, (MARK + json.dumps(info) + "\n").encode())
        self.exit()


app = HelloApp()
T_BUILT = time.perf_counter()
app.run(headless=True, size=(W, H))
'''

# The same hello-world method, composing what the desk's first frame is made of in Textual terms and nothing of
# curhat's: a top bar; a queue column (title, duty line, a DataTable with 3 rows, a detail line); five chats in a
# TabbedContent, the front one with a header, 30 transcript lines, a TextArea and a status line; a side column of
# eight red-flag lines and a notes box. It tells how much of curhat's start-up is Textual's price for such a screen.
SHAPE_CHILD = HELLO_CHILD.replace('''from textual.widgets import Static
''', '''from textual.widgets import DataTable, Static, TabbedContent, TabPane, TextArea
from textual.containers import Horizontal, Vertical, VerticalScroll
''').replace('''    def compose(self) -> ComposeResult:
        yield Static("Hello, World!")
''', '''    CSS = '''
    + "'''" + r'''
    #top { height: 1; } #queue { width: 35; } #side { width: 40; } #transcript { height: 1fr; }
    TextArea { height: 4; } DataTable { height: 1fr; }
    ''' + "'''" + r'''

    def compose(self) -> ComposeResult:
        yield Static("Praktik · Ani · 09.00", id="top")
        with Horizontal():
            with Vertical(id="queue"):
                yield Static("Antrean (3)")
                yield Static("Bertugas")
                table = DataTable()
                table.add_columns("Klien", "Menit", "Topik", "Menunggu", "Risiko")
                for i in range(3):
                    table.add_row(f"klien{i}", "30", "tidur", f"{i + 1}m", "-")
                yield table
                yield Static("detail")
            with TabbedContent():
                for i in range(5):
                    with TabPane(f"chat {i}"):
                        if i == 0:
                            with Vertical():
                                yield Static("klien0 · 30 menit · 12.00 tersisa")
                                yield Static(chr(10).join(f"12.{j:02d} klien0: pesan nomor {j} " * 2
                                                        for j in range(30)), id="transcript")
                                yield TextArea()
                                yield Static("status")
            with Vertical(id="side"):
                for i in range(8):
                    yield Static(f"[ ] F{i + 2} tanda bahaya {i}")
                yield VerticalScroll(Static("catatan"))
''')

CURHAT_CHILD = r'''
import time
T0 = time.perf_counter()
import json, os, resource, sys
import curhat_tui.ui.app as app_module
import curhat_tui.cli as cli
from curhat_tui.ui.screens.counselor.main import MainScreen
from textual._compositor import CompositorUpdate
T_IMPORTED = time.perf_counter()
W, H, MARK, DATA_DIR, COUNSELOR = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
BENCH_KEY = "5a" * 32
import tempfile
STAMPS = {}


def peak_rss_kb():
    """VmHWM: this process's own peak RSS. (ru_maxrss is not usable here: Linux carries the parent's peak
    over fork+exec into the child's ru_maxrss.)"""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class BenchCurhatApp(app_module.CurhatApp):
    """The real app, run headless at a fixed size, announcing its first frame."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        STAMPS["built"] = time.perf_counter()

    def run(self, *args, **kwargs):
        kwargs.update(headless=True, size=(W, H))
        return super().run(*args, **kwargs)

    def on_mount(self) -> None:
        # Textual calls the handlers of every class in the MRO: this one first, then CurhatApp.on_mount,
        # so no super() call. The callback runs after the first refresh that follows mounting.
        STAMPS["mount"] = time.perf_counter()
        self.call_after_refresh(self._bench_first_frame)

    def _display(self, screen, renderable) -> None:
        # a frame handed to the terminal: turned into escape sequences as a real driver would (headless skips it);
        # the first one showing the desk is the first frame (the after-refresh callback below is the fallback)
        emitted = renderable is not None and not self._batch_count and self._running
        if emitted and isinstance(renderable, CompositorUpdate):
            renderable.render_segments(self.console)
        super()._display(screen, renderable)
        if emitted and "mount" in STAMPS and "marked" not in STAMPS and isinstance(screen, MainScreen) \
                and self._restored():
            self._bench_first_frame()

    def _bench_first_frame(self) -> None:
        # the first frame that shows the counselor's desk: the main screen and, when sessions were open, the
        # active one's transcript (a pane built later does not count as shown)
        if "marked" in STAMPS:
            return
        if not isinstance(self.screen, MainScreen) or not self._restored():
            self.call_after_refresh(self._bench_first_frame)
            return
        STAMPS["marked"] = 1
        now = time.perf_counter()
        info = {"t0": T0, "imported": T_IMPORTED, "frame": now, **STAMPS,
                "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "hwm_kb": peak_rss_kb(),
                "panes": len(self.main.panes), "queue": len(self.workstation.desk.queue()),
                "built_panes": sum(1 for p in self.main.panes.values() if p.is_mounted)}
        os.write(1, (MARK + json.dumps(info) + "\n").encode())
        self.exit()


    def _restored(self) -> bool:
        if "open" not in STAMPS:
            STAMPS["open"] = len(self.workstation.desk.open_sessions())
        if not STAMPS["open"]:
            return True
        pane = self.main.active_pane
        return bool(pane is not None and pane.loaded and pane.is_mounted and pane.transcript is not None
                    and pane.transcript.entries and pane.transcript.region.area > 0)


app_module.CurhatApp = BenchCurhatApp  # ui.app.build_app looks CurhatApp up at call time
KEY_FILE = os.path.join(tempfile.mkdtemp(), "key")  # outside the data dir, as the CLI requires
with open(KEY_FILE, "w") as handle:
    handle.write(BENCH_KEY)
sys.exit(cli.main(["--data-dir", DATA_DIR, "--key-file", KEY_FILE, "--name", COUNSELOR]))
'''


# ==================================================================================================
# small helpers
# ==================================================================================================

def maxrss_mb(value: int) -> float:
    """ru_maxrss is in KiB on Linux and bytes on macOS."""
    return value / (1024 * 1024) if sys.platform == "darwin" else value / 1024


# ==================================================================================================
# test data: stores built through curhat_tui.storage.store.Store (schema from store.py), rows bulk-inserted
# ==================================================================================================

WORDS = ("aku kamu dia kita mereka yang dan tapi jadi karena kalau sudah belum masih lagi banget sih kok deh "
         "ya nggak gak bisa mau pengen harus coba rasa rasanya capek sedih bingung takut marah kesal senang "
         "lega kerja kantor kuliah tugas skripsi dosen teman pacar keluarga ibu ayah kakak adik rumah kos "
         "malam pagi tidur makan pikiran cerita masalah hari minggu bulan tahun sering kadang selalu cuma "
         "sendiri bareng ngobrol bilang tanya jawab dengar paham boleh terima kasih maaf oke iya tidak "
         "sebenarnya mungkin kayaknya pokoknya akhirnya terus gimana kenapa kapan dimana siapa apa").split()
RISKY = ("capek hidup", "pengen mati aja", "nyakitin diri", "nggak pengen bangun lagi")
ALIASES = ("Rara", "Dimas", "Sinta", "Bayu", "Maya", "Putri", "Andi", "Wulan", "Fajar", "Nadia", "Rizky", "Tasya",
           "Bima", "Laras", "Yoga", "Citra", "Gilang", "Intan", "Reza", "Salsa")
TOPICS = ("tekanan kerja", "putus cinta", "skripsi", "konflik keluarga", "cemas", "sulit tidur", "kesepian",
          "keuangan", "pertemanan", "kehilangan")


def message_text(rng: random.Random, client: bool) -> str:
    """20-300 characters, skewed short like chat; now and then a risk phrase in client text."""
    target = int(min(300, max(20, rng.lognormvariate(4.3, 0.6))))
    words: list[str] = []
    length = 0
    while length < target:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    text = " ".join(words)[:target].rstrip()
    if client and rng.random() < 0.03:
        text = text[: max(0, target - 20)] + " " + rng.choice(RISKY)
    return text[0].upper() + text[1:]


class DataBuilder:
    """Writes realistic rows: clients, visits, sessions, messages, notes, note versions, flags, meta."""

    def __init__(self, path: Path, now: float, seed: int = 1234, prefix: str = "b") -> None:
        from curhat_tui.config.datafiles import load_all
        from curhat_tui.domain.persona import PersonaState
        from curhat_tui.storage.store import Store

        self.data = load_all()
        self.store = Store(path, key=BENCH_KEY)  # encrypted, as the app keeps it
        self.now = now
        self.rng = random.Random(seed)
        self.engine = PersonaState().to_dict()
        self.personas = sorted(self.data.personas)
        self.txn = 0
        self.prefix = prefix
        self.clients: list[tuple[str, str, str]] = []
        self.rows: dict[str, list[dict]] = {t: [] for t in
                                           ("clients", "visits", "sessions", "messages", "notes", "note_versions",
                                            "flags")}

    def _txn(self) -> str:
        self.txn += 1
        return f"{self.prefix}{self.txn:09d}"

    def add_clients(self, n: int) -> None:
        for i in range(n):
            tier = "professional" if self.rng.random() < 0.3 else "peer"
            key, alias = f"{self.prefix}c{i:05d}", f"{self.rng.choice(ALIASES)}{i}"
            self.clients.append((key, alias, tier))
            self.rows["clients"].append({"key": key, "alias": alias, "tier": tier,
                                         "template": self.data.templates.default_for(tier),
                                         "created_at": self.now - 200 * 86400})

    def add_session(self, sid: str, status: str, started_at: float, n_messages: int,
                    gap: tuple[float, float] = (20, 120)) -> None:
        rng = self.rng
        key, alias, tier = rng.choice(self.clients)
        minutes = rng.choice((30, 60))
        risk = rng.choices((0, 1, 2, 3), weights=(60, 25, 10, 5))[0]
        persona = rng.choice(self.personas)
        vid = f"v{sid}"
        self.rows["visits"].append({
            "id": vid, "client_key": key, "alias": alias, "tier": tier, "minutes": minutes,
            "price": self.data.prices.get((tier, minutes), 0), "topic": rng.choice(TOPICS),
            "intake_risk_answer": "tidak", "risk": risk, "arrived_at": started_at - rng.uniform(30, 900),
            "status": "accepted", "left_at": None, "persona": persona})
        ts = started_at
        for i in range(n_messages):
            ts += rng.uniform(*gap)
            client = i % 2 == 0
            text = message_text(rng, client)
            flags = [] if not client else [f for f, p in (("suicide", "mati aja"), ("suicide", "capek hidup"),
                                                          ("self_harm", "nyakitin diri")) if p in text]
            delivery = "sent" if client or i >= n_messages - 2 else "read"
            self.rows["messages"].append({"session_id": sid, "sender": "client" if client else "counselor",
                                          "text": text, "ts": ts, "txn_id": self._txn(), "delivery": delivery,
                                          "flags": json.dumps(flags)})
        closed = status == "closed"
        ended = ts + rng.uniform(10, 120) if closed else None
        self.rows["sessions"].append({
            "id": sid, "visit_id": vid, "client_key": key, "alias": alias, "tier": tier, "minutes": minutes,
            "price": self.data.prices.get((tier, minutes), 0), "counselor": COUNSELOR, "started_at": started_at,
            "deadline": started_at + minutes * 60, "status": status, "risk": risk,
            "notified": json.dumps([10, 5] if closed else []), "end_reason": "selesai" if closed else "",
            "skip_reason": "", "ended_at": ended, "lang": "id",
            "channel_state": json.dumps({"persona": persona, "engine": self.engine, "greeted": True}),
        })
        if closed:
            template = self.data.templates.default_for(tier)
            fields = {s.key: message_text(rng, False) for s in self.data.templates.sections(template)}
            versions = rng.randint(1, 3)
            self.rows["notes"].append({"session_id": sid, "client_key": key, "template": template,
                                       "fields": json.dumps(fields, ensure_ascii=False), "version": versions,
                                       "updated_at": ended})
            for v in range(1, versions + 1):
                self.rows["note_versions"].append({"session_id": sid, "version": v, "template": template,
                                                   "fields": json.dumps(fields, ensure_ascii=False),
                                                   "ts": ended - (versions - v) * 120})
            if risk >= 2:
                self.rows["flags"].append({"session_id": sid, "item": "severe_depression", "ts": started_at + 300,
                                           "detail": "{}"})

    def flush(self) -> None:
        db = self.store.db
        for table, rows in self.rows.items():
            if rows:
                db[table].insert_all(rows, batch_size=2000)
            self.rows[table] = []

    def finish(self) -> None:
        self.flush()
        self.store.state.set_practice_seed(1)
        self.store.state.set_practice_epoch(1, self.now - 600)
        self.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.store.close()


def build_startup_db(path: Path, now: float, sessions: int = 1000, open_sessions: int = 5) -> dict:
    """1,000 sessions: 995 closed over the last half year (10-60 messages, notes), 5 open ones just started."""
    b = DataBuilder(path, now)
    b.add_clients(400)
    closed = sessions - open_sessions
    for i in range(closed):
        b.add_session(f"s{i:05d}", "closed", now - 180 * 86400 + i * (180 * 86400 / closed), b.rng.randint(10, 60))
    for i in range(open_sessions):
        b.add_session(f"o{i:05d}", "active", now - b.rng.uniform(120, 1200), b.rng.randint(10, 40), gap=(5, 25))
    n_messages = len(b.rows["messages"])
    b.finish()
    return {"sessions": sessions, "open": open_sessions, "messages": n_messages}


def add_open_test_sessions(path: Path, now: float) -> dict[int, str]:
    """Two more sessions, stored closed (so start-up does not open them) and flipped to active per run.

    Both are one client's, so that they differ only in how many messages they hold: with two clients of different
    tiers the 10,000-message pane also brought a different note template, whose fields the notes form rebuilds
    (a cost of switching templates, paid by short sessions alike), and the ratio measured that too."""
    b = DataBuilder(path, now, seed=99, prefix="x")
    b.add_clients(1)
    ids = {}
    for n in (10_000, 10):
        sid = f"big{n}"
        b.add_session(sid, "closed", now - 3600, n, gap=(0.3, 0.4))
        b.rows["notes"] = [r for r in b.rows["notes"] if r["session_id"] != sid]
        b.rows["note_versions"] = [r for r in b.rows["note_versions"] if r["session_id"] != sid]
        for row in b.rows["sessions"]:
            if row["id"] == sid:
                row.update(deadline=now + 1800, ended_at=None, end_reason="", notified="[]")
        ids[n] = sid
    b.flush()
    b.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    b.store.close()
    return ids


def copy_db(template: Path, target_dir: Path, now: float) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / DB_NAME
    shutil.copyfile(template, target)
    from curhat_tui.storage.store import Store

    store = Store(target, key=BENCH_KEY)
    store.state.set_practice_epoch(1, now - 600)
    store.close()
    return target


# ==================================================================================================
# 1 + 5: start-up to first frame and peak RSS, as subprocesses
# ==================================================================================================

def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def launch(kind: str, data_dir: Path | None, timeout: float = 60.0) -> dict:
    """Start a child, return the time from just before Popen to its first-frame marker, its stamps and rusage."""
    code = {"hello": HELLO_CHILD, "shape": SHAPE_CHILD}.get(kind, CURHAT_CHILD)
    args = [sys.executable, "-c", code, str(SIZE[0]), str(SIZE[1]), MARK] + ([str(data_dir), COUNSELOR] if data_dir
                                                                             else [])
    env = child_env()
    with tempfile.TemporaryFile() as errors:
        t_launch = time.perf_counter()
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, cwd=REPO,
                                env=env)
        fd = proc.stdout.fileno()
        deadline = t_launch + timeout
        buf = b""
        t_seen = None
        info = None
        eof = False
        marker = MARK.encode()
        while not eof and time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.perf_counter()))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            now = time.perf_counter()
            if not chunk:
                eof = True
                break
            buf += chunk
            if t_seen is None and marker in buf:
                start = buf.index(marker)
                end = buf.find(b"\n", start)
                if end >= 0:
                    t_seen = now
                    info = json.loads(buf[start + len(marker):end])
        # reap with wait4 to get this child's own rusage (peak RSS)
        status = rusage = None
        while time.perf_counter() < deadline:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.005)
        else:
            proc.send_signal(signal.SIGKILL)
            _, status, rusage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    if t_seen is None or info is None:
        raise RuntimeError(f"{kind} child gave no first-frame marker (exit {proc.returncode}):\n{stderr[-3000:]}"
                           f"\nstdout: {buf[-1000:]!r}")
    # Peak RSS: the child's own VmHWM at its first frame; wait4's ru_maxrss only where /proc is missing (on
    # Linux it includes the parent's peak, inherited over fork+exec, so it is kept in the JSON for reference).
    hwm = info.get("hwm_kb")
    result = {"total": t_seen - t_launch, "info": info, "exit": proc.returncode,
              "rss_mb": hwm / 1024 if hwm else maxrss_mb(rusage.ru_maxrss), "rss_source": "VmHWM" if hwm else
              "ru_maxrss", "wait4_maxrss_mb": maxrss_mb(rusage.ru_maxrss)}
    # The child's stamps use the same monotonic clock on Linux; keep the breakdown only if they are consistent.
    if all(k in info for k in ("t0", "imported", "built", "mount", "frame")) and \
            0 <= info["t0"] - t_launch <= info["frame"] - t_launch <= result["total"] + 0.05:
        result["phases"] = {
            "interpreter": info["t0"] - t_launch,
            "imports": info["imported"] - info["t0"],
            "build": info["built"] - info["imported"],
            "to_mount": info["mount"] - info["built"],
            "to_frame": info["frame"] - info["mount"],
        }
    return result


def bench_startup(work: Path, template: Path, runs: int) -> dict:
    log(f"start-up: 1 warm-up + {runs} interleaved runs each of hello-world, Textual alone and curhat")
    # An installed copy has its bytecode compiled at install time (pip does it), like Textual's here; a source
    # checkout run with PYTHONDONTWRITEBYTECODE=1 would otherwise compile curhat_tui on every start.
    compileall.compile_dir(str(REPO / "curhat_tui"), quiet=1)
    launch("hello", None)
    launch("shape", None)
    launch("curhat", copy_db(template, work / "warm", time.time()).parent)
    runs_of: dict[str, list[dict]] = {"hello": [], "shape": [], "curhat": []}
    for i in range(runs):
        order = ("hello", "shape", "curhat") if i % 2 == 0 else ("curhat", "shape", "hello")
        for kind in order:
            data_dir = copy_db(template, work / f"run{i}", time.time()).parent if kind == "curhat" else None
            runs_of[kind].append(launch(kind, data_dir))
    return runs_of


# ==================================================================================================
# in-process helpers: watch frames as the app composes them
# ==================================================================================================

class FrameProbe:
    """Hooks App._display (called once per composed frame) to timestamp frames.

    Headless apps compose every frame (widgets render their lines) but skip turning it into terminal escape
    sequences; the probe does that part too, like a real terminal driver would, and throws the text away.
    """

    def __init__(self, app) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.frames = 0
        self.waiters: list[tuple[object, asyncio.Future]] = []
        original = app._display
        console = app.console

        def display(screen, renderable) -> None:
            emitted = renderable is not None and not app._batch_count and app._running
            if emitted and isinstance(renderable, CompositorUpdate):
                renderable.render_segments(console)
            original(screen, renderable)
            if emitted:
                now = time.perf_counter()
                self.frames += 1
                for waiter in list(self.waiters):
                    predicate, future = waiter
                    if future.done():
                        self.waiters.remove(waiter)
                    elif predicate():
                        future.set_result(now)
                        self.waiters.remove(waiter)

        app._display = display

    def expect(self, predicate=lambda: True) -> asyncio.Future:
        """A future resolved with the time of the first frame composed while `predicate()` holds."""
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((predicate, future))
        return future


def new_parts(template: Path, work: Path, tag: str, data):
    from curhat_tui.bootstrap import build_practice
    from curhat_tui.domain.clock import FakeClock

    now = time.time()
    data_dir = copy_db(template, work / tag, now).parent
    return build_practice(data_dir, data=data, clock=FakeClock(start=now), seed=1, speed=0, key=BENCH_KEY)


# ==================================================================================================
# 2: opening a session pane (10,000 vs 10 messages)
# ==================================================================================================

async def open_once(template: Path, work: Path, tag: str, data, session_id: str) -> dict:
    from curhat_tui.domain.models import SessionStatus
    from curhat_tui.ui.app import build_app

    parts = new_parts(template, work, tag, data)
    app = build_app(parts, tick=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            probe = FrameProbe(app)
            await pilot.pause()
            await pilot.pause(0.05)
            parts.store.sessions.update(session_id, status=SessionStatus.ACTIVE)
            session = parts.store.sessions.get(session_id)
            holder: dict = {}

            def shown() -> bool:
                pane = holder.get("pane") or app.main.panes.get(session_id)
                if pane is None or not pane.loaded or not pane.is_mounted:
                    return False
                return pane.transcript.region.area > 0

            stalls: list[tuple[float, float]] = []

            async def watch_loop() -> None:
                """Note every time the event loop could not run this task for longer than a frame."""
                last = time.perf_counter()
                while True:
                    await asyncio.sleep(0.004)
                    now = time.perf_counter()
                    if now - last - 0.004 > 1 / 60:
                        stalls.append((last - t0, now - last))
                    last = now

            gc.collect()
            first_visible = probe.expect(shown)
            t0 = time.perf_counter()
            monitor = asyncio.create_task(watch_loop())
            pane = await app.main.open_pane(session)
            t_call = time.perf_counter()
            holder["pane"] = pane
            after_call = probe.expect(shown)
            await pilot.pause()
            t_pause = time.perf_counter()
            t_frame = await asyncio.wait_for(after_call, 5.0)
            t_first = first_visible.result() if first_visible.done() else t_frame
            await asyncio.sleep(max(0.0, t0 + STALL_WINDOW - time.perf_counter()))
            monitor.cancel()
            transcript = pane.transcript
            result = {
                "call": t_call - t0, "frame": t_frame - t0, "first_visible": t_first - t0, "pilot_pause": t_pause - t0,
                "stalls": stalls, "longest_stall": max((d for _, d in stalls), default=0.0),
                "busy_until": max((a + d for a, d in stalls), default=0.0),
                "entries": len(transcript.entries), "stored": parts.store.messages.count(session_id),
                "scroll_y": transcript.scroll_y, "max_scroll_y": transcript.max_scroll_y,
                "at_bottom": transcript.scroll_y >= transcript.max_scroll_y - 1,
                "focused": app.focused is pane.composer,
                "focused_widget": (f"{type(app.focused).__name__}#{app.focused.id} in "
                                   f"{getattr(app.focused.parent, 'id', None)}") if app.focused else None,
            }
    finally:
        parts.store.close()
    return result


async def bench_open(template: Path, work: Path, ids: dict[int, str], runs: int, data) -> dict:
    log(f"open pane: {runs} runs each of 10,000 and 10 messages, a fresh app per run")
    out: dict[int, list[dict]] = {10_000: [], 10: []}
    await open_once(template, work, "open-warm", data, ids[10])  # warm imports and caches
    for i in range(runs):
        for n in ((10_000, 10) if i % 2 == 0 else (10, 10_000)):
            out[n].append(await open_once(template, work, f"open{i}-{n}", data, ids[n]))
    return out


# ==================================================================================================
# 3: keystroke to screen (composer vs plain TextArea), 4: queue sort and redraw
# ==================================================================================================

TYPED = ("halo makasih udah cerita ke aku ya aku dengar kamu lagi capek banget sama kerjaan "
         "boleh cerita pelan pelan bagian mana yang paling berat buat kamu hari ini ")


def key_events(count: int) -> list[tuple[str, str]]:
    text = (TYPED * (count // len(TYPED) + 1))[:count]
    return [("space", " ") if c == " " else (c, c) for c in text]


async def type_keys(app, textarea, probe: FrameProbe, count: int, seed: int, warmup: int = 5) -> dict:
    """Send key events the way the terminal driver does; time each until the frame that shows it."""
    from textual import events

    rng = random.Random(seed)
    driver = app._driver
    latencies: list[float] = []
    misses = 0
    keys = key_events(count + warmup)
    for index, (key, char) in enumerate(keys):
        expected = len(textarea.text) + 1
        done = probe.expect(lambda: len(textarea.text) >= expected)
        event = events.Key(key, char)
        event.set_sender(app)
        t0 = time.perf_counter()
        driver.send_message(event)
        try:
            t1 = await asyncio.wait_for(done, 2.0)
        except asyncio.TimeoutError:
            misses += 1
            continue
        if index >= warmup:
            latencies.append(t1 - t0)
        await asyncio.sleep(rng.uniform(0.025, 0.045))  # a fast typist: ~30 keys/s
    return {"latencies": latencies, "misses": misses, "typed": len(textarea.text)}


async def bench_baseline_keys(count: int) -> dict:
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    class HelloTextArea(App):
        def compose(self) -> ComposeResult:
            area = TextArea(id="ta", soft_wrap=True, show_line_numbers=False)
            area.cursor_blink = False
            yield area

        def on_mount(self) -> None:
            self.query_one(TextArea).focus()

    app = HelloTextArea()
    async with app.run_test(size=SIZE) as pilot:
        probe = FrameProbe(app)
        await pilot.pause()
        area = app.query_one(TextArea)
        assert app.focused is area, app.focused
        return await type_keys(app, area, probe, count, seed=7)


SWITCH_PANES = 5  # the start-up store's open sessions; the baseline has as many tabs


async def press_until(app, probe: FrameProbe, key: str, shown, timeout: float = 10.0) -> tuple[float, float] | None:
    """One key sent as the terminal driver does; wall and CPU time until the frame for which `shown()` holds."""
    from textual import events

    done = probe.expect(shown)
    event = events.Key(key, None)
    event.set_sender(app)
    t0, c0 = time.perf_counter(), time.process_time()
    app._driver.send_message(event)
    try:
        t1 = await asyncio.wait_for(done, timeout)
    except asyncio.TimeoutError:
        return None
    return t1 - t0, time.process_time() - c0


async def switch_panes(app, probe: FrameProbe, count: int, shown, warmup: int) -> dict:
    """Alt+N to the next pane in turn; each timed until the frame that shows the pane in front with its reply box
    focused. Wall time and this process's CPU time, per switch."""
    walls: list[float] = []
    cpus: list[float] = []
    misses = 0
    for index in range(count + warmup):
        number = 2 if index == 0 else index % SWITCH_PANES + 1  # the first pane is in front already
        took = await press_until(app, probe, f"alt+{number}", lambda n=number: shown(n), timeout=5.0)
        if took is None:
            misses += 1
            continue
        if index >= warmup:
            walls.append(took[0])
            cpus.append(took[1])
        await asyncio.sleep(0.05)
    return {"wall": walls, "cpu": cpus, "misses": misses}


async def bench_baseline_switch(count: int) -> dict:
    """Textual's own price for the same move: a TabbedContent of as many tabs, each a transcript-sized Static and a
    TextArea, a key bar, and Alt+N binding that sets the active tab and focuses its text area."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer, Static, TabbedContent, TabPane, TextArea

    lines = "\n".join(f"{i:02d} " + " ".join(WORDS[i % 7:i % 7 + 9]) for i in range(30))

    class HelloTabs(App):
        BINDINGS = [*(Binding(f"alt+{n}", f"go({n})", f"Pane {n}") for n in range(1, SWITCH_PANES + 1)),
                    Binding("ctrl+n", "add", "New tab")]

        def compose(self) -> ComposeResult:
            with TabbedContent(id="tabs"):
                for n in range(1, SWITCH_PANES + 1):
                    with TabPane(f"{n} chat", id=f"p{n}"):
                        yield Static(lines)
                        area = TextArea(id=f"ta{n}", soft_wrap=True, show_line_numbers=False)
                        area.cursor_blink = False
                        yield area
            yield Footer()

        def action_go(self, n: int) -> None:
            self.query_one(TabbedContent).active = f"p{n}"
            self.query_one(f"#ta{n}", TextArea).focus()

        async def action_add(self) -> None:
            """The accept's counterpart: a new tab with a transcript-sized Static and a text area, in front."""
            tabs = self.query_one(TabbedContent)
            n = tabs.tab_count + 1
            area = TextArea(id=f"ta{n}", soft_wrap=True, show_line_numbers=False)
            area.cursor_blink = False
            await tabs.add_pane(TabPane(f"{n} chat", Static(lines), area, id=f"p{n}"))
            tabs.active = f"p{n}"
            area.focus()

    app = HelloTabs()
    async with app.run_test(size=SIZE) as pilot:
        probe = FrameProbe(app)
        await pilot.pause()
        tabs = app.query_one(TabbedContent)

        def shown(n: int) -> bool:
            area = app.query_one(f"#ta{n}", TextArea)
            return tabs.active == f"p{n}" and app.focused is area and area.region.area > 0

        result = await switch_panes(app, probe, count, shown, warmup=SWITCH_PANES)
        added: dict[str, list[float]] = {"wall": [], "cpu": []}
        for _ in range(ACCEPTS * 3):
            n = tabs.tab_count + 1
            took = await press_until(app, probe, "ctrl+n", lambda n=n: shown(n) if tabs.tab_count == n else False)
            if took is not None:
                added["wall"].append(took[0])
                added["cpu"].append(took[1])
            await asyncio.sleep(0.1)
        result["add"] = added
        return result


ACCEPTS = 3  # a fresh practice desk's waiting clients, taken one after another with Ctrl+N


async def bench_accept(work: Path, data, runs: int) -> dict:
    """Ctrl+N on a fresh practice desk, three times: each until the frame with the client's chat in front, its
    first line in the transcript and the reply box focused. A fresh app (and store) per run."""
    from curhat_tui.bootstrap import build_practice
    from curhat_tui.domain.clock import FakeClock
    from curhat_tui.ui.app import build_app

    walls: list[float] = []
    cpus: list[float] = []
    misses = 0
    for run in range(runs):
        parts = build_practice(work / f"accept-{run}", data=data, clock=FakeClock(start=time.time()), seed=7, speed=0,
                              name=COUNSELOR, key=BENCH_KEY)
        app = build_app(parts, tick=False)
        try:
            async with app.run_test(size=SIZE) as pilot:
                probe = FrameProbe(app)
                await pilot.pause()
                await asyncio.sleep(0.3)  # what the first frame deferred (the note form, the key bar)
                for n in range(1, ACCEPTS + 1):
                    main = app.main

                    def shown(n: int = n) -> bool:
                        pane = main.active_pane
                        return (len(main.panes) == n and pane is not None and pane.loaded
                                and pane.transcript is not None and bool(pane.transcript.entries)
                                and app.focused is pane.composer and pane.composer.region.area > 0)

                    took = await press_until(app, probe, "ctrl+n", shown)
                    if took is None:
                        misses += 1
                        break
                    walls.append(took[0])
                    cpus.append(took[1])
                    await asyncio.sleep(0.3)
        finally:
            parts.store.close()
    return {"wall": walls, "cpu": cpus, "misses": misses}


def random_visits(n: int, now: float, rng: random.Random) -> list:
    from curhat_tui.domain.models import Risk, Tier, Visit, VisitStatus

    visits = []
    for i in range(n):
        tier = Tier.PROFESSIONAL if rng.random() < 0.3 else Tier.PEER
        visits.append(Visit(
            id=f"q{i:05d}-{rng.randrange(1 << 30):x}", client_key=f"k{i}", alias=f"{rng.choice(ALIASES)}{i}",
            tier=tier, minutes=rng.choice((30, 60)), price=45000, topic=rng.choice(TOPICS),
            intake_risk_answer="tidak", risk=Risk(rng.choices((0, 1, 2, 3), weights=(60, 25, 10, 5))[0]),
            arrived_at=now - rng.uniform(0, 3600), status=VisitStatus.WAITING))
    return visits


def bench_sort(runs: int) -> dict:
    from curhat_tui.domain.queue import order_queue

    log(f"queue sort: {runs} runs over 1,000 visits")
    rng = random.Random(5)
    now = time.time()
    sets = [random_visits(1000, now, rng) for _ in range(10)]  # different risks and arrival times
    times = []
    gc.collect()
    for i in range(runs):
        visits = sets[i % len(sets)][:]
        rng.shuffle(visits)
        t0 = time.perf_counter()
        ordered = order_queue(visits)
        times.append(time.perf_counter() - t0)
        assert len(ordered) == 1000
    return {"times": times}


async def bench_curhat_ui(template: Path, work: Path, data, keys: int, redraws: int, switches: int) -> dict:
    """One app with the 1,000-session store: composer keystrokes, then the 1,000-row queue."""
    from curhat_tui.domain.queue import order_queue
    from curhat_tui.ui.app import build_app
    from curhat_tui.ui.widgets.queue_panel import QueuePanel, QueueTable

    parts = new_parts(template, work, "ui", data)
    app = build_app(parts, tick=False)
    result: dict = {}
    try:
        async with app.run_test(size=SIZE) as pilot:
            probe = FrameProbe(app)
            await pilot.pause()
            main = app.main
            if not main.panes:
                raise RuntimeError("no open session pane after start-up")
            main.action_switch(1)
            await pilot.pause()
            composer = main.active_pane.composer
            if app.focused is not composer:
                raise RuntimeError(f"composer not focused: {app.focused!r}")
            log(f"keystrokes: {keys} into the curhat composer")
            result["keys"] = await type_keys(app, composer, probe, keys, seed=7)
            composer.text = ""
            await pilot.pause()

            log(f"pane switch: Alt+N over {len(main.panes)} chats")
            ids = list(main.panes)

            def shown(n: int) -> bool:
                pane = main.active_pane
                return (pane is not None and pane.session.id == ids[n - 1] and pane.loaded
                        and app.focused is pane.composer and pane.composer.region.area > 0)

            # the first round builds the panes start-up left unbuilt: it is the warm-up
            result["switch"] = await switch_panes(app, probe, switches, shown, warmup=SWITCH_PANES)
            main.action_switch(1)
            await pilot.pause()

            # what the app does twice a second (clocks, countdowns, practice arrivals), with the panes open
            ticks_app, tick_app_frames = [], []
            gc.collect()
            for _ in range(max(5, redraws * 2)):
                parts.clock.advance(0.5)
                t0 = time.perf_counter()
                app.tick()
                t1 = time.perf_counter()
                done = probe.expect()
                try:
                    t2 = await asyncio.wait_for(done, 1.0)
                except asyncio.TimeoutError:
                    t2 = t1
                ticks_app.append(t1 - t0)
                tick_app_frames.append(t2 - t0)
                await asyncio.sleep(0.03)
            result["app_tick"] = {"call": ticks_app, "frame": tick_app_frames, "panes": len(main.panes),
                                  "queue": len(app.workstation.desk.queue())}

            log(f"queue redraw: {redraws} x QueuePanel.show() of 1,000 and of 10 visits, interleaved")
            from curhat_tui.ui.widgets.queue_panel import MAX_ROWS

            panel = main.query_one(QueuePanel)
            table = panel.query_one(QueueTable)
            rng = random.Random(11)
            out: dict[int, dict[str, list[float]]] = {n: {"show": [], "frame": []} for n in (1000, 10)}
            ticks, tick_frames = [], []
            gc.collect()
            for i in range(redraws):
                for n in ((1000, 10) if i % 2 == 0 else (10, 1000)):
                    visits = order_queue(random_visits(n, parts.clock.now(), rng))

                    def settled() -> bool:
                        shown = min(len(visits), MAX_ROWS)  # the panel lists the top of the queue
                        return table.row_count == shown and not getattr(table, "_require_update_dimensions", False)

                    done = probe.expect(settled)
                    t0 = time.perf_counter()
                    panel.show(visits, parts.clock.now())
                    t1 = time.perf_counter()
                    t2 = await asyncio.wait_for(done, 10.0)
                    out[n]["show"].append(t1 - t0)
                    out[n]["frame"].append(t2 - t0)
                    await pilot.pause()
                    if n != 1000:
                        continue
                    # the twice-a-second tick rewrites every waiting time in the table
                    parts.clock.advance(1)
                    done = probe.expect(lambda: not getattr(table, "_updated_cells", None))
                    t0 = time.perf_counter()
                    panel.tick(parts.clock.now())
                    t1 = time.perf_counter()
                    t2 = await asyncio.wait_for(done, 10.0)
                    ticks.append(t1 - t0)
                    tick_frames.append(t2 - t0)
                    await pilot.pause()
            result["queue"] = {"show": out[1000]["show"], "frame": out[1000]["frame"], "show_10": out[10]["show"],
                               "frame_10": out[10]["frame"], "tick": ticks, "tick_frame": tick_frames,
                               "rows": table.row_count}
    finally:
        parts.store.close()
    return result


# ==================================================================================================
# workers: each in-process measurement runs in its own fresh interpreter, so that one measurement's
# leftovers (objects for the garbage collector to walk, warmed caches) do not colour the next
# ==================================================================================================

def _worker_open(p: dict) -> dict:
    from curhat_tui.config.datafiles import load_all

    ids = {int(k): v for k, v in p["ids"].items()}
    out = asyncio.run(bench_open(Path(p["template"]), Path(p["work"]), ids, p["runs"], load_all()))
    return {str(k): v for k, v in out.items()}


def _worker_keys_baseline(p: dict) -> dict:
    log(f"keystrokes: {p['keys']} into a plain TextArea (baseline)")
    return asyncio.run(bench_baseline_keys(p["keys"]))


def _worker_ui(p: dict) -> dict:
    from curhat_tui.config.datafiles import load_all

    return asyncio.run(bench_curhat_ui(Path(p["template"]), Path(p["work"]), load_all(), p["keys"], p["redraws"],
                                       p["switches"]))


def _worker_switch_baseline(p: dict) -> dict:
    log(f"pane switch: Alt+N over {SWITCH_PANES} tabs of a plain TabbedContent (baseline)")
    return asyncio.run(bench_baseline_switch(p["switches"]))


def _worker_accept(p: dict) -> dict:
    from curhat_tui.config.datafiles import load_all

    log(f"accept: Ctrl+N {ACCEPTS} times on a fresh practice desk, {p['runs']} runs")
    return asyncio.run(bench_accept(Path(p["work"]), load_all(), p["runs"]))


def _worker_sort(p: dict) -> dict:
    return bench_sort(p["runs"])


WORKERS = {"open": _worker_open, "keys-baseline": _worker_keys_baseline, "ui": _worker_ui, "sort": _worker_sort,
           "switch-baseline": _worker_switch_baseline, "accept": _worker_accept}


def run_worker(name: str, params: dict, work: Path, timeout: float = 600.0) -> dict:
    out = work / f"result-{name}.json"
    params = dict(params, t_start=started())
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--params", json.dumps(params),
           "--out", str(out)]
    proc = subprocess.run(cmd, env=child_env(), cwd=REPO, timeout=timeout, stdout=subprocess.DEVNULL)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"bench worker {name!r} failed (exit {proc.returncode}); its error is printed above")
    return json.loads(out.read_text(encoding="utf-8"))


def worker_main(name: str, params: str, out: str) -> int:
    p = json.loads(params)
    if sys.platform.startswith("linux"):
        set_start(p.get("t_start", started()))  # perf_counter is system-wide monotonic on Linux
    result = WORKERS[name](p)
    Path(out).write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0


# ==================================================================================================
# report
# ==================================================================================================

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (about 40 s on 2 cores)")
    parser.add_argument("--json", metavar="PATH", help="also write every raw figure to this JSON file")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args.worker, args.params, args.out)

    import textual

    import curhat_tui
    from curhat_tui import paths

    if paths.PRACTICE_DB != DB_NAME:
        raise SystemExit(f"bench: paths.PRACTICE_DB is {paths.PRACTICE_DB!r}, expected {DB_NAME!r}")

    q = args.quick
    startup_runs, open_runs, keys, sort_runs, redraws = (3, 2, 50, 50, 8) if q else (5, 5, 200, 300, 8)
    switches, accept_runs = (20, 2) if q else (60, 4)
    began = time.perf_counter()
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    print("curhat-tui benchmark" + (" (quick)" if q else ""))
    print(f"python   {platform.python_version()} ({platform.python_implementation()}) {sys.executable}")
    print(f"textual  {textual.__version__}   curhat-tui {getattr(curhat_tui, '__version__', '?')}")
    print(f"machine  {os.cpu_count()} cores ({affinity} usable), {platform.system()} {platform.release()} "
          f"{platform.machine()}")
    print(f"screen   {SIZE[0]}x{SIZE[1]} headless; times are medians (ms) unless noted")
    print(flush=True)

    work = Path(tempfile.mkdtemp(prefix="curhat-bench-"))
    results: dict = {"env": {"python": platform.python_version(), "textual": textual.__version__,
                             "cores": os.cpu_count(), "usable_cores": affinity, "quick": q}}
    report = Report()
    try:
        now = time.time()
        log("building test stores")
        startup_db = work / "template-startup" / DB_NAME
        startup_db.parent.mkdir()
        shape = build_startup_db(startup_db, now)
        open_db = work / "template-open" / DB_NAME
        open_db.parent.mkdir()
        shutil.copyfile(startup_db, open_db)
        ids = add_open_test_sessions(open_db, now)
        results["data"] = {**shape, "db_mb": round(startup_db.stat().st_size / 1e6, 1)}

        # 1 + 5 ---------------------------------------------------------------------------------------
        start = bench_startup(work, startup_db, startup_runs)
        results["startup"] = start
        hello_t = median([r["total"] for r in start["hello"]])
        curhat_t = median([r["total"] for r in start["curhat"]])
        ratio = curhat_t / hello_t
        report.row("1 start to first frame, 1,000 sessions", f"{ratio:.2f}x",
                   f"{ms(curhat_t):.0f} ms vs hello-world {ms(hello_t):.0f} ms (target <= {STARTUP_RATIO_TARGET}x)",
                   ratio <= STARTUP_RATIO_TARGET)
        shape_t = median([r["total"] for r in start["shape"]])
        report.row("  Textual alone, the desk's widgets", f"{shape_t / hello_t:.2f}x",
                   f"{ms(shape_t):.0f} ms vs hello-world; curhat is {curhat_t / shape_t:.2f}x of it", None)
        panes = {r["info"].get("panes") for r in start["curhat"]}
        built = {r["info"].get("built_panes") for r in start["curhat"]}
        phases_c = [r["phases"] for r in start["curhat"] if "phases" in r]
        phases_h = [r["phases"] for r in start["hello"] if "phases" in r]
        if phases_c and phases_h:
            def phase(phases: list[dict], *names: str) -> float:
                return median([sum(p[n] for n in names) for p in phases])

            for label, names in (("imports", ("imports",)), ("imports to first frame", ("build", "to_mount",
                                                                                        "to_frame"))):
                c, h = phase(phases_c, *names), phase(phases_h, *names)
                report.row(f"  same, {label}", f"{c / h:.2f}x", f"{ms(c):.0f} ms vs hello-world {ms(h):.0f} ms",
                           None)

        # 2 -------------------------------------------------------------------------------------------
        raw = run_worker("open", {"template": str(open_db), "work": str(work), "ids": ids, "runs": open_runs}, work)
        results["open"] = raw
        opened = {int(k): v for k, v in raw.items()}
        big = median([r["frame"] for r in opened[10_000]])
        small = median([r["frame"] for r in opened[10]])
        report.row("2 open session pane, 10,000 messages", f"{big / small:.2f}x",
                   f"{ms(big):.0f} ms vs 10 messages {ms(small):.0f} ms (target <= {OPEN_RATIO_TARGET}x)",
                   big / small <= OPEN_RATIO_TARGET)
        report.row("  same, absolute", f"{ms(big):.0f} ms", f"earlier target < {OPEN_TARGET_MS:.0f} ms "
                   "(moves with the machine's load)", None)
        big_p = median([r["pilot_pause"] for r in opened[10_000]])
        small_p = median([r["pilot_pause"] for r in opened[10]])
        report.row("  same, ended by await pilot.pause()", f"{ms(big_p):.0f} ms",
                   f"10 messages {ms(small_p):.0f} ms (waits for idle CPU)", None)
        busy_b = median([r["busy_until"] for r in opened[10_000]])
        busy_s = median([r["busy_until"] for r in opened[10]])
        report.row("  same, event loop busy until (stalls > 1 frame)", f"{ms(busy_b):.0f} ms",
                   f"10 messages {ms(busy_s):.0f} ms", None)

        # 3 + 4 ---------------------------------------------------------------------------------------
        base_keys = run_worker("keys-baseline", {"keys": keys}, work)
        base_switch = run_worker("switch-baseline", {"switches": switches}, work)
        ui = run_worker("ui", {"template": str(startup_db), "work": str(work), "keys": keys, "redraws": redraws,
                               "switches": switches}, work)
        results["keys"] = {"baseline": base_keys, "curhat": ui["keys"]}
        k_c = median(ui["keys"]["latencies"])
        k_b = median(base_keys["latencies"])
        report.row("3 keystroke to screen, composer", f"{ms(k_c):.1f} ms",
                   f"plain TextArea {ms(k_b):.1f} ms; target < {KEY_TARGET_MS:.0f} ms", ms(k_c) < KEY_TARGET_MS)
        report.row("  same, 95th percentile", f"{ms(pct(ui['keys']['latencies'], 0.95)):.1f} ms",
                   f"plain TextArea {ms(pct(base_keys['latencies'], 0.95)):.1f} ms", None)

        results["switch"] = {"baseline": base_switch, "curhat": ui["switch"]}
        sw_c, sw_b = median(ui["switch"]["wall"]), median(base_switch["wall"])
        report.row(f"  pane switch, Alt+N over {SWITCH_PANES} chats, to frame", f"{sw_c / sw_b:.2f}x",
                   f"{ms(sw_c):.0f} ms vs plain TabbedContent {ms(sw_b):.0f} ms (no target)", None)
        report.row("  same, CPU time per switch", f"{ms(median(ui['switch']['cpu'])):.0f} ms",
                   f"plain TabbedContent {ms(median(base_switch['cpu'])):.0f} ms", None)

        accepted = run_worker("accept", {"work": str(work), "runs": accept_runs}, work)
        results["accept"] = {"baseline": base_switch["add"], "curhat": accepted}
        ac_c, ac_b = median(accepted["wall"]), median(base_switch["add"]["wall"])
        report.row("  accept (Ctrl+N) to the chat in front", f"{ac_c / ac_b:.2f}x",
                   f"{ms(ac_c):.0f} ms vs a new plain tab {ms(ac_b):.0f} ms (no target)", None)
        report.row("  same, CPU time per accept", f"{ms(median(accepted['cpu'])):.0f} ms",
                   f"a new plain tab {ms(median(base_switch['add']['cpu'])):.0f} ms", None)

        sort = run_worker("sort", {"runs": sort_runs}, work)
        results["sort"] = sort
        results["queue_ui"] = ui["queue"]
        s = median(sort["times"])
        report.row("4 queue re-sort, 1,000 visits (order_queue)", f"{ms(s):.2f} ms",
                   f"target < {QUEUE_TARGET_MS:.0f} ms", ms(s) < QUEUE_TARGET_MS)
        qu = ui["queue"]
        redraw = median(qu["frame"])
        redraw_10 = median(qu["frame_10"])
        report.row("  queue redraw, QueuePanel.show(1,000) to frame", f"{redraw / redraw_10:.2f}x",
                   f"{ms(redraw):.0f} ms vs 10 clients {ms(redraw_10):.0f} ms (target <= {QUEUE_RATIO_TARGET}x)",
                   redraw / redraw_10 <= QUEUE_RATIO_TARGET)
        report.row("  same, absolute", f"{ms(redraw):.0f} ms", f"show() call alone {ms(median(qu['show'])):.0f} ms "
                   f"(10 clients {ms(median(qu['show_10'])):.0f} ms); earlier target < {QUEUE_TARGET_MS:.0f} ms", None)
        tick = median(qu["tick_frame"])
        report.row("  queue tick (wait times), 1,000 rows to frame", f"{ms(tick):.0f} ms",
                   f"tick() call alone {ms(median(qu['tick'])):.0f} ms; runs every 0.5 s", None)

        at = ui["app_tick"]
        report.row(f"  app.tick() with {at['panes']} panes, {at['queue']} waiting, to frame",
                   f"{ms(median(at['frame'])):.1f} ms", f"call alone {ms(median(at['call'])):.1f} ms; runs every 0.5 s",
                   None)

        # 5 -------------------------------------------------------------------------------------------
        rss_c = median([r["rss_mb"] for r in start["curhat"]])
        rss_h = median([r["rss_mb"] for r in start["hello"]])
        source = start["curhat"][0]["rss_source"]
        report.row("5 peak RSS at first frame, start-up child", f"{rss_c / rss_h:.2f}x",
                   f"{rss_c:.1f} MB vs hello-world {rss_h:.1f} MB ({source}; no target)", None)

        # ---------------------------------------------------------------------------------------------
        report.print()
        print()
        print("details")
        print(f"  store: {shape['sessions']} sessions ({shape['open']} open), {shape['messages']} messages, "
              f"{results['data']['db_mb']} MB; sessions restored at first frame: {sorted(panes)}, their panes "
              f"built by then: {sorted(built, key=str)}")
        if phases_c and phases_h:
            def phase_line(name: str, phases: list[dict]) -> str:
                keys_ = ("interpreter", "imports", "build", "to_mount", "to_frame")
                return f"  {name:<8}" + "  ".join(f"{k} {ms(median([p[k] for p in phases])):.0f}" for k in keys_)
            print("  start-up phases (ms): interpreter = Popen to first line of the child; build = data files, "
                  "store, app; to_mount = run() until on_mount; to_frame = on_mount until first frame")
            print(phase_line("hello", phases_h))
            print(phase_line("curhat", phases_c))
        bad_exits = sorted({r["exit"] for rs in start.values() for r in rs} - {0})
        if bad_exits:
            print(f"    WARNING: a start-up child exited with status {bad_exits}")
        print("  start-up runs (ms): " + " | ".join(kind + " " + " ".join(f"{ms(r['total']):.0f}" for r in rs)
                                                     for kind, rs in start.items()))
        for n in (10_000, 10):
            rs = opened[n]
            print(f"  open {n:>6} msgs: open_pane() returns {ms(median([r['call'] for r in rs])):.0f} ms, first "
                  f"frame with pane {ms(median([r['first_visible'] for r in rs])):.0f} ms, first frame after return "
                  f"{ms(median([r['frame'] for r in rs])):.0f} ms, longest loop stall "
                  f"{ms(median([r['longest_stall'] for r in rs])):.0f} ms; transcript holds "
                  f"{sorted({r['entries'] for r in rs})} of {rs[0]['stored']} stored")
            if not all(r["at_bottom"] for r in rs):
                r = next(r for r in rs if not r["at_bottom"])
                print(f"    WARNING: transcript not scrolled to the newest message after opening in "
                      f"{sum(not r['at_bottom'] for r in rs)} of {len(rs)} runs "
                      f"(e.g. scroll_y {r['scroll_y']:.0f} of max {r['max_scroll_y']:.0f})")
            lost = [r["focused_widget"] for r in rs if not r["focused"]]
            if lost:
                print(f"    WARNING: {STALL_WINDOW:.1f} s after opening, the new pane's composer did not have focus in "
                      f"{len(lost)} of {len(rs)} runs (focused: {', '.join(sorted(set(map(str, lost))))})")
        for name, res in (("TextArea", base_keys), ("composer", ui["keys"])):
            lat = res["latencies"]
            print(f"  keys {name:<9} n={len(lat)} min {ms(min(lat)):.1f} median {ms(median(lat)):.1f} "
                  f"p95 {ms(pct(lat, 0.95)):.1f} max {ms(max(lat)):.1f} ms; missed {res['misses']}")
        for name, res in (("TabbedContent", base_switch), ("curhat", ui["switch"])):
            wall = res["wall"]
            print(f"  switch {name:<13} n={len(wall)} median {ms(median(wall)):.1f} p95 {ms(pct(wall, 0.95)):.1f} "
                  f"max {ms(max(wall)):.1f} ms; CPU median {ms(median(res['cpu'])):.1f} ms; missed {res['misses']}")
        for name, res in (("new plain tab", base_switch["add"]), ("curhat accept", accepted)):
            wall = res["wall"]
            print(f"  {name:<20} n={len(wall)} median {ms(median(wall)):.1f} max {ms(max(wall)):.1f} ms; "
                  f"CPU median {ms(median(res['cpu'])):.1f} ms" + (f"; missed {res['misses']}" if "misses" in res else ""))
        print(f"  queue sort: n={len(sort['times'])} median {ms(median(sort['times'])):.3f} ms, "
              f"max {ms(max(sort['times'])):.3f} ms; redraw n={len(qu['frame'])}: "
              + " ".join(f"{ms(v):.0f}" for v in qu["frame"]) + " ms; 10 clients: "
              + " ".join(f"{ms(v):.0f}" for v in qu["frame_10"]) + " ms")
        save_results(report, results, began, args.json)
    finally:
        status = finish(report, work, args.keep, args.strict)
    return status


if __name__ == "__main__":
    sys.exit(main())
