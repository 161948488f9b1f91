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
