"""How cheap can the desk's first frame be in Textual? Start-up to first frame of Textual apps that compose less and
less of the desk's shape, each as a ratio to a Textual hello-world measured in the same run, beside curhat itself.

    python bench/startup_floor.py            # 7 interleaved runs of each (about 25 s on 2 cores)
    python bench/startup_floor.py --runs 15

Issue 14 asks for start-up within 1.5x the hello-world. The rows tell what Textual alone costs for a screen of this
shape: the full shape (bench.py's "Textual alone"), then without the tabbed chats, the text area, the table, and
none of the three (only Statics in the desk's containers). What is left between the last row and 1.5x is the budget
for all of curhat's own imports, its store, its data files and its widgets. Uses bench.py's children and store.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

SHAPE = bench.SHAPE_CHILD
ONE_CHAT = SHAPE.replace("with TabbedContent():", "with Vertical():").replace(
    'with TabPane(f"chat {i}"):', "if True:").replace("for i in range(5):\n                    if True:",
                                                     "for i in range(1):\n                    if True:")
NO_TEXTAREA = 'yield Static("composer")'
VARIANTS = {
    "Textual alone, the desk's widgets": SHAPE,
    "  without the tabbed chats (one plain column)": ONE_CHAT,
    "  without the text area": SHAPE.replace("yield TextArea()", NO_TEXTAREA),
    "  without the table": SHAPE.replace("yield table", 'yield Static("rows")'),
    "  none of the three: Statics in the desk's containers": ONE_CHAT.replace("yield TextArea()", NO_TEXTAREA)
    .replace("yield table", 'yield Static("rows")'),
}
for name, code in VARIANTS.items():
    if name != "Textual alone, the desk's widgets" and code == SHAPE:
        raise SystemExit(f"bench.py's SHAPE_CHILD changed: the variant {name.strip()!r} no longer applies")


def run(kind: str, code: str | None = None, data_dir: Path | None = None) -> float:
    if code is not None:
        bench.SHAPE_CHILD = code  # launch() looks the child's code up at call time
    return bench.launch(kind, data_dir)["total"] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {name: [] for name in ("hello", *VARIANTS, "curhat")}
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        template = work / "template.db"
        bench.build_startup_db(template, time.time())
        compileall.compile_dir(str(bench.REPO / "curhat_tui"), quiet=1)  # as bench.py does (pip install compiles)
        run("hello")  # warm the file cache
        for i in range(args.runs):
            times["hello"].append(run("hello"))
            for name, code in VARIANTS.items():
                times[name].append(run("shape", code))
            data_dir = bench.copy_db(template, work / f"run{i}", time.time()).parent
            times["curhat"].append(run("curhat", data_dir=data_dir))
    bench.SHAPE_CHILD = SHAPE
    hello = statistics.median(times["hello"])
    print(f"start to first frame, median of {args.runs} interleaved runs; hello-world {hello:.0f} ms")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  {name:<56} {median:6.0f} ms  {median / hello:5.2f}x")
    print(f"  {'issue 14 target':<56} {1.5 * hello:6.0f} ms  {1.5:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
