"""What the benchmark scripts share: progress lines, percentiles and the result table."""

from __future__ import annotations

import statistics
import sys
import time

_start = [time.perf_counter()]


def started() -> float:
    """When the run began (workers take the parent's moment so their progress lines line up)."""
    return _start[0]


def set_start(moment: float) -> None:
    _start[0] = moment


def log(msg: str) -> None:
    print(f"  .. {time.perf_counter() - _start[0]:5.1f}s {msg}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def ms(seconds: float) -> float:
    return seconds * 1000.0


class Report:
    """Rows of metric, value, baseline or target, and PASS / MISS / INFO."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.misses = 0

    def row(self, metric: str, value: str, reference: str, ok: bool | None) -> None:
        status = "INFO" if ok is None else ("PASS" if ok else "MISS")
        if ok is False:
            self.misses += 1
        self.rows.append((metric, value, reference, status))

    def print(self) -> None:
        head = ("metric", "value", "baseline / target", "result")
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(4)]
        line = "  ".join("-" * w for w in widths)
        print(line)
        print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
        print(line)
        for r in self.rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
        print(line)


def save_results(report: "Report", results: dict, began: float, json_path: str | None, suffix: str = "") -> None:
    """Print the run's wall time and, when asked, write every raw figure to a JSON file."""
    import json
    from pathlib import Path

    elapsed = time.perf_counter() - began
    print(f"  whole run: {elapsed:.1f} s{suffix}")
    results["table"] = report.rows
    results["elapsed"] = elapsed
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
        print(f"  raw figures written to {json_path}")


def finish(report: "Report", work, keep: bool, strict: bool) -> int:
    """Remove (or keep) the work dir, say how many targets were missed, and give the exit status."""
    import shutil

    if keep:
        print(f"  data kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if report.misses:
        print(f"{report.misses} target(s) missed" + (" (--strict: exit 1)" if strict else ""))
    return 1 if (strict and report.misses) else 0
