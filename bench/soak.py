#!/usr/bin/env python
"""curhat-tui soak test: a simulated shift with 20 sessions open at once, looking for leaks and clock drift.

    python bench/soak.py [--quick] [--json PATH] [--strict] [--hours H] [--sessions N]

The real Textual app runs headless (App.run_test) on the practice channel with a fast FakeClock:
eight simulated hours in 30 s steps (--quick: 1.5 hours in 60 s steps); each step is one app.tick(). The bench keeps
N sessions (default 20) open the way a counselor would: Ctrl+N accepts the top client, replies go
through the reply box (Composer.Submitted, the same path as Enter), simulated clients answer with
believable typing delays, and each session is ended, given a complete note and closed when its
time is up, after which the next client is accepted.

Measures
  1. memory growth from the end of the warm-up to the end: RSS, live Python objects (gc), live
     Textual widgets; next to an idle app (nobody accepted) over the same simulated time, in its
     own process. Target: RSS growth < 10 %.
  2. countdown drift: at checkpoints, every open session's countdown as shown in its tab on the
     screen against deadline - clock.now() recomputed from the stored session row. Target: no
     difference above 1 s.

It is a report, not a test: it exits 0 even when a target is missed, unless --strict is given.
Each run happens in a child process so that the memory figures are its own.
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
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import Report, finish, log, save_results, set_start, started  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SIZE = (120, 40)
START = 1_790_000_000.0
SOAK_KEY = "6b" * 32  # the store is encrypted, as the app keeps it
RSS_GROWTH_TARGET = 0.10
DRIFT_TARGET_SECONDS = 1.0
ARRIVALS_PER_DAY = 200  # enough clients that N sessions stay open all shift
ARRIVAL_GAP = 45.0
STEP_SECONDS = 30.0  # simulated seconds per step: each step is one app.tick() and one frame
WARMUP_HOURS = 2.0  # every one of the N slots has turned over at least twice; bounded caches are warm
REPLIES = (
    "Kedengarannya berat sekali buat kamu. Boleh cerita lebih banyak?",
    "Jadi kamu merasa capek karena semuanya harus kamu tanggung sendiri.",
    "Aku dengar kamu sudah berusaha keras. Apa yang paling bikin kamu khawatir sekarang?",
    "Kamu tetap bertahan walau sedang sulit, itu tidak mudah.",
    "Kalau boleh tahu, apa yang biasanya membantu kamu saat merasa begini?",
    "Sepertinya kamu ingin dimengerti, bukan dihakimi.",
)
COUNTDOWN = re.compile(r"(\+?)(?:(\d+):)?(\d+):(\d\d)\s*$")


# ==================================================================================================
# measuring inside the child
# ==================================================================================================

def rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_snapshot(app) -> dict:
    """RSS after a full collection, live objects by type, live widgets and DOM nodes known to the app."""
    from textual.widget import Widget

    gc.collect()
    objects = gc.get_objects()
    types = Counter(type(o).__name__ for o in objects)
    widgets = [o for o in objects if isinstance(o, Widget)]
    detached = Counter(type(o).__name__ for o in widgets if not o.is_attached)
    snap = {"rss_kb": rss_kb(), "objects": len(objects), "widgets": len(widgets), "types": dict(types),
            "detached": dict(detached)}
    del widgets
    del objects
    snap["dom"] = len(getattr(app, "_registry", ()))
    return snap


def shown_seconds(label: str) -> float | None:
    """The countdown at the end of a tab label: "mm:ss" or "h:mm:ss" left, "+mm:ss" over time."""
    match = COUNTDOWN.search(label)
    if not match:
        return None
    sign, hours, minutes, seconds = match.groups()
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return -value if sign else value


def check_drift(app, store, now: float) -> list[dict]:
    """Each open session's countdown on screen against the stored deadline minus now."""
    from textual.widgets import TabbedContent

    rows = []
    tabs = app.main.query_one(TabbedContent)
    for sid in list(app.main.panes):
        row = store.sessions.get(sid)
        if row is None:
            continue
        try:
            label = tabs.get_tab(f"tab-{sid}").label
        except Exception:  # noqa: BLE001 - the tab is still being mounted
            continue
        shown = shown_seconds(str(getattr(label, "plain", label)))
        if shown is None:
            continue
        expected = row.deadline - now
        # mm:ss drops the fraction (int of what is left); over time counts up the same way
        expected_shown = int(max(0.0, expected)) if expected >= 0 else -int(-expected)
        rows.append({"session": sid, "shown": shown, "expected": expected, "drift": abs(shown - expected_shown),
                     "deadline_ok": abs(row.deadline - (row.started_at + row.minutes * 60)) < 1e-6})  # never extended
    return rows


async def close_session(ws, sid: str) -> None:
    """End, write a complete note (every required field), close: the pane goes away with SessionClosed."""
    await ws.desk.end(sid)
    template, fields, _ = ws.notes.note(sid)
    for key in ws.notes.missing_fields(sid):
        fields[key] = "soak: ringkasan sesi"
    ws.notes.save(sid, template, fields)
    ws.desk.close(sid)


async def run_shift(p: dict) -> dict:
    """One simulated shift in the real app; `sessions` = 0 is the idle baseline (nobody accepted)."""
    from curhat_tui.bootstrap import build_practice
    from curhat_tui.config.datafiles import load_all
    from curhat_tui.domain.clock import FakeClock
    from curhat_tui.domain.models import Sender, SessionStatus
    from curhat_tui.domain.persona import arrival_schedule
    from curhat_tui.ui.app import build_app
    from curhat_tui.ui.widgets.composer import Composer

    data = load_all()
    clock = FakeClock(START)
    parts = build_practice(Path(p["work"]) / f"shift-{p['name']}", data=data, clock=clock, seed=p["seed"], speed=1.0,
                           name="Ani", key=SOAK_KEY)
    parts.channel.schedule = arrival_schedule(sorted(data.personas), p["seed"], ARRIVALS_PER_DAY, ARRIVAL_GAP)
    ws = parts.workstation
    app = build_app(parts)
    target, step = p["sessions"], p["step"]
    end_at = START + p["hours"] * 3600
    warm_at = START + p["warmup_hours"] * 3600
    checkpoint_every = p["checkpoint_minutes"] * 60
    rng = random.Random(p["seed"])
    reply_due: dict[str, float] = {}
    out: dict = {"name": p["name"], "rss_series": [], "drift": [], "accepted": 0, "closed": 0, "sent": 0,
                 "received": 0, "open_min": None, "open_samples": [], "accept_errors": 0}
    walls = {"begin": time.perf_counter()}
    next_checkpoint = START + checkpoint_every
    next_series = START
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        while clock.now() < end_at:
            clock.advance(step)
            now = clock.now()
            app.tick()
            await pilot.pause()
            main = app.main
            # ---- the counselor: close what is over, answer who waits, take the next client ----
            for sid, pane in list(main.panes.items()):
                session = pane.session
                if session.status is SessionStatus.ACTIVE and now >= session.deadline:
                    await close_session(ws, sid)
                    out["closed"] += 1
                    reply_due.pop(sid, None)
                    continue
                last = pane.last_message
                if session.status is not SessionStatus.ACTIVE or last is None or last.sender is not Sender.CLIENT:
                    reply_due.pop(sid, None)
                    continue
                due = reply_due.setdefault(sid, last.ts + rng.uniform(20.0, 90.0))
                if now >= due:
                    text = rng.choice(REPLIES)
                    pane.composer.text = text
                    pane.composer.post_message(Composer.Submitted(pane.composer, text, []))
                    reply_due.pop(sid, None)
                    out["sent"] += 1
            attempts = 0
            while len(main.panes) < target and ws.desk.queue() and attempts < 3:
                attempts += 1
                before = len(main.panes)
                await pilot.press("ctrl+n")
                await pilot.pause()
                if len(main.panes) > before:
                    out["accepted"] += 1
                else:
                    out["accept_errors"] += 1
            if now >= warm_at:
                out["open_samples"].append(len(main.panes))
            # ---- measurements --------------------------------------------------------------------
            if now >= next_checkpoint:
                next_checkpoint += checkpoint_every
                app.tick()  # what the screen shows right now
                await pilot.pause()
                out["drift"].extend({**row, "at_hours": (now - START) / 3600}
                                    for row in check_drift(app, ws.store, clock.now()))
            if "warm" not in out and now >= warm_at:
                app.clear_notifications()
                app.tick()  # as the running app does twice a second, so a pane closed just now is let go
                await pilot.pause()
                out["warm"] = memory_snapshot(app)
                walls["warm"] = time.perf_counter()
                log(f"{p['name']}: warm-up over at {p['warmup_hours']:g} h simulated, "
                    f"{len(main.panes)} open, RSS {out['warm']['rss_kb'] / 1024:.1f} MB")
            if now >= next_series:
                next_series += 1800
                out["rss_series"].append(((now - START) / 3600, rss_kb()))
        app.clear_notifications()
        app.tick()
        await pilot.pause()
        out["end"] = memory_snapshot(app)
        out["open_at_end"] = len(app.main.panes)
        walls["end"] = time.perf_counter()
        out["received"] = ws.store.db.execute("select count(*) from messages where sender = ?",
                                              [Sender.CLIENT.value]).fetchone()[0]
        out["messages"] = ws.store.db.execute("select count(*) from messages").fetchone()[0]
        out["sessions_total"] = ws.store.db.execute("select count(*) from sessions").fetchone()[0]
        out["db_mb"] = sum(f.stat().st_size for f in (Path(p["work"]) / f"shift-{p['name']}").glob("*.db*")) / 1e6
        await ws.stop()
    parts.store.close()
    out["wall"] = {"total": walls["end"] - walls["begin"], "warmup": walls.get("warm", walls["end"]) - walls["begin"]}
    return out


# ==================================================================================================
# child processes
# ==================================================================================================

def worker_main(params: str, out: str) -> int:
    p = json.loads(params)
    if sys.platform.startswith("linux"):
        set_start(p.get("t_start", started()))
    result = asyncio.run(run_shift(p))
    Path(out).write_text(json.dumps(result), encoding="utf-8")
    return 0


def run_child(params: dict, work: Path, timeout: float = 1800.0) -> dict:
    out = work / f"result-{params['name']}.json"
    params = dict(params, t_start=started(), work=str(work))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--params", json.dumps(params), "--out", str(out)]
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(cmd, env=env, cwd=REPO, timeout=timeout, stdout=subprocess.DEVNULL)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"soak child {params['name']!r} failed (exit {proc.returncode}); its error is above")
    return json.loads(out.read_text(encoding="utf-8"))


# ==================================================================================================
# report
# ==================================================================================================

def growth(run: dict, key: str) -> float:
    return (run["end"][key] - run["warm"][key]) / run["warm"][key]


def top_growth(run: dict, n: int = 8) -> list[tuple[str, int]]:
    warm, end = Counter(run["warm"]["types"]), Counter(run["end"]["types"])
    delta = {name: end[name] - warm[name] for name in set(warm) | set(end)}
    return sorted(((k, v) for k, v in delta.items() if v), key=lambda kv: -kv[1])[:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="1.5 simulated hours in 60 s steps instead of 8 in 30 s steps (under a minute)")
    parser.add_argument("--hours", type=float, help="simulated hours (default 8, or 1.5 with --quick)")
    parser.add_argument("--sessions", type=int, default=20, help="sessions kept open at once (default 20)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", metavar="PATH", help="also write every raw figure to this JSON file")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args.params, args.out)

    import textual

    q = args.quick
    hours = args.hours or (1.5 if q else 8.0)
    shape = {"hours": hours, "warmup_hours": min(WARMUP_HOURS, hours / 3), "step": STEP_SECONDS * (2 if q else 1),
             "checkpoint_minutes": 10.0, "seed": args.seed}
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    print("curhat-tui soak" + (" (quick)" if q else ""))
    print(f"python   {platform.python_version()} ({platform.python_implementation()}) {sys.executable}")
    print(f"textual  {textual.__version__}")
    print(f"machine  {os.cpu_count()} cores ({affinity} usable), {platform.system()} {platform.release()}")
    print(f"shift    {hours:g} simulated hours in {shape['step']:g} s steps, {args.sessions} sessions at once, "
          f"warm-up {shape['warmup_hours']:g} h; screen {SIZE[0]}x{SIZE[1]} headless; FakeClock")
    print(flush=True)

    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="curhat-soak-"))
    report = Report()
    results: dict = {"env": {"python": platform.python_version(), "textual": textual.__version__,
                             "cores": os.cpu_count(), "usable_cores": affinity, "quick": q, **shape}}
    try:
        log(f"soak: {args.sessions} sessions at once, and the idle baseline (the same app, nobody accepted) "
            f"beside it, {hours:g} simulated hours each, in two child processes")
        with ThreadPoolExecutor(2) as pool:
            idle_run = pool.submit(run_child, {**shape, "name": "idle", "sessions": 0}, work)
            soak_run = pool.submit(run_child, {**shape, "name": "soak", "sessions": args.sessions}, work)
            idle, soak = idle_run.result(), soak_run.result()
        results["idle"], results["soak"] = idle, soak

        g_soak, g_idle = growth(soak, "rss_kb"), growth(idle, "rss_kb")
        steady = not q and hours >= 2 * WARMUP_HOURS
        report.row("1 RSS growth, warm-up to end", f"{g_soak * 100:+.1f} %",
                   f"idle app {g_idle * 100:+.1f} %; target < {RSS_GROWTH_TARGET * 100:.0f} %"
                   + ("" if steady else " (full run only: too short to settle)"),
                   g_soak < RSS_GROWTH_TARGET if steady else None)
        half = [kb for h, kb in soak["rss_series"] if h >= hours / 2]
        if len(half) >= 2:
            report.row("  RSS growth over the second half of the shift", f"{(half[-1] / half[0] - 1) * 100:+.1f} %",
                       f"{half[0] / 1024:.0f} -> {half[-1] / 1024:.0f} MB (a leak keeps climbing; caches level off)",
                       None)
        leaked = sum(soak["end"]["detached"].values())
        report.row("  removed widgets still in memory at the end", f"{leaked}",
                   ", ".join(f"{k} {v}" for k, v in soak["end"]["detached"].items()) or "target 0", leaked == 0)
        report.row("  RSS at warm-up / at end", f"{soak['warm']['rss_kb'] / 1024:.1f} / "
                   f"{soak['end']['rss_kb'] / 1024:.1f} MB",
                   f"idle {idle['warm']['rss_kb'] / 1024:.1f} / {idle['end']['rss_kb'] / 1024:.1f} MB", None)
        report.row("  live Python objects (gc), growth", f"{growth(soak, 'objects') * 100:+.1f} %",
                   f"{soak['warm']['objects']:,} -> {soak['end']['objects']:,}; idle "
                   f"{growth(idle, 'objects') * 100:+.1f} %", None)
        report.row("  live widgets / DOM nodes at warm-up -> end",
                   f"{soak['warm']['widgets']} -> {soak['end']['widgets']}",
                   f"DOM {soak['warm']['dom']} -> {soak['end']['dom']}; idle widgets "
                   f"{idle['warm']['widgets']} -> {idle['end']['widgets']}", None)
        drifts = [row["drift"] for row in soak["drift"]]
        worst = max(drifts, default=float("nan"))
        report.row("2 countdown drift, screen vs deadline - now", f"max {worst:.0f} s",
                   f"{len(drifts)} readings at {len({r['at_hours'] for r in soak['drift']})} checkpoints; "
                   f"target <= {DRIFT_TARGET_SECONDS:.0f} s", bool(drifts) and worst <= DRIFT_TARGET_SECONDS)
        bad_deadlines = sum(1 for row in soak["drift"] if not row["deadline_ok"])
        report.row("  stored deadline = start + package minutes", f"{len(drifts) - bad_deadlines}/{len(drifts)}",
                   "every reading", bad_deadlines == 0)
        samples = soak["open_samples"]
        report.row("  sessions open after warm-up", f"min {min(samples, default=0)}, mean "
                   f"{sum(samples) / max(1, len(samples)):.1f}", f"wanted {args.sessions}", None)

        report.print()
        print()
        print("details")
        print(f"  soak: {soak['sessions_total']} sessions opened with Ctrl+N "
              f"({soak['accepted'] + soak['accept_errors']} presses), {soak['closed']} ended and closed, "
              f"{soak['sent']} counselor replies, {soak['received']} client messages, {soak['messages']} messages "
              f"stored ({soak['db_mb']:.1f} MB); {soak['open_at_end']} open at the end")
        print(f"  wall time: soak {soak['wall']['total']:.0f} s (warm-up {soak['wall']['warmup']:.0f} s), "
              f"idle {idle['wall']['total']:.0f} s")
        for name, run in (("soak", soak), ("idle", idle)):
            series = " ".join(f"{h:g}h:{kb / 1024:.0f}" for h, kb in run["rss_series"])
            print(f"  RSS MB every 30 simulated minutes, {name}: {series}")
        print("  object types that grew most (soak, warm-up -> end): "
              + ", ".join(f"{k} {v:+d}" for k, v in top_growth(soak)))
        save_results(report, results, began, args.json)
    finally:
        status = finish(report, work, args.keep, args.strict)
    return status


if __name__ == "__main__":
    sys.exit(main())
