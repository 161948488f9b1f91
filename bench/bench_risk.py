#!/usr/bin/env python
"""The risk detector's cost per message, as a ratio to the regex matcher it replaced, both measured here.

    python bench/bench_risk.py [--quick] [--json PATH] [--strict]

Measures, over the hand-written chat lines in corpus/ (written.tsv and heldout.tsv: short and long
messages, risk and benign, Indonesian, English and mixed):
  1. the old regex matcher (corpus/baseline_phrases.toml through domain.phrases.PhraseMatcher): items(text)
  2. the detector (data/: rules, slang, model): detect(text) with its cache cleared, so every call scores
  3. a short bubble (ten words or fewer) read as the app reads a client's message: alone and joined with the five
     short bubbles before it (domain.bursts.read_burst), against the same bubble alone; and the same bubble begun
     with a yes, read as the answer to a screening question (domain.risk_answer: alone, and the question as the
     client's statement with it)
  4. the same for a 5,000-character paste (the detector reads long text in windows)
  5. a hostile 64 KiB message (the largest a Matrix event carries) in six shapes: chat, spaced emoji, spaced
     letters, random printable characters, one long word, acts beside sin words; the worst shape's median against
     the 5,000-character paste (the detector reads a long message's first and last words only: risk_text.read_parts)
  6. loading the data files: the detector's (phrases.toml, risk_slang.tsv, risk_model.tsv) vs the old list
The targets are the project's: under 1 ms a message on average; a hostile message within 2x the paste. A bubble
read with its burst is two readings, one of them of six bubbles' text, and an answer two: reported, with no target.
It is a report, not a test: it exits 0 even when a target is missed, unless --strict is given.
Only the standard library and curhat_tui are used.
"""

from __future__ import annotations

import argparse
import random
import re
import string
import sys
import time
import tomllib
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import Report, log, median, ms, pct, save_results, set_start  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from curhat_tui.config.datafiles import data_dir, load_directory, load_redflags  # noqa: E402
from curhat_tui.config.risk_data import load_phrases  # noqa: E402
from curhat_tui.domain.bursts import BURST_BUBBLES, read_burst  # noqa: E402
from curhat_tui.domain.phrases import PhraseMatcher, PhraseRule  # noqa: E402

TARGET_MS = 1.0
HOSTILE_RATIO = 2.0
ASKED = "Boleh aku tahu, belakangan ini apakah kamu pernah kepikiran buat mengakhiri hidup?"  # the answers' question
HUGE = 64 * 1024


def hostile() -> dict[str, str]:
    rng = random.Random(7)
    walls = {"chat": "hari ini aku kerja seperti biasa lalu makan siang bareng teman kantor. ",
             "spaced emoji": "💊 🔪 🪢 ", "spaced letters": "m a t i a j a ",
             "random characters": "".join(rng.choice(string.printable) for _ in range(HUGE)), "one word": "a",
             "acts and sins": "mati dosa itu "}  # the moral reading (risk_moral) reads every act beside a sin word
    return {name: (wall * (HUGE // len(wall) + 1))[:HUGE] for name, wall in walls.items()}


def messages() -> list[str]:
    lines = []
    for name in ("written.tsv", "heldout.tsv"):
        for raw in (REPO / "corpus" / name).read_text(encoding="utf-8").splitlines():
            if raw and not raw.startswith("#"):
                lines.append(raw.split("\t")[2])
    return lines


def old_matcher() -> PhraseMatcher:
    doc = tomllib.loads((REPO / "corpus" / "baseline_phrases.toml").read_text(encoding="utf-8"))
    return PhraseMatcher([PhraseRule(e["item"], e["lang"], re.compile(p, re.IGNORECASE))
                          for e in doc["phrase"] for p in e["patterns"]])


def new_detector():
    root = data_dir()
    book = load_redflags(root / "redflags.toml", load_directory(root / "directory.toml"))
    return load_phrases(root / "phrases.toml", {i.id for i in book.items}, tuple(i.id for i in book.items))


def per_call(fn, texts: list[str], rounds: int) -> list[float]:
    """Seconds per call, one sample per text per round."""
    samples = []
    for _ in range(rounds):
        for text in texts:
            t = time.perf_counter()
            fn(text)
            samples.append(time.perf_counter() - t)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--json", metavar="PATH", help="also write every figure to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    began = time.perf_counter()
    set_start(began)
    rounds = 2 if args.quick else 6
    texts = messages()
    log(f"{len(texts)} messages, {rounds} rounds")

    t = time.perf_counter()
    old = old_matcher()
    old_load = time.perf_counter() - t
    t = time.perf_counter()
    new = new_detector()
    new_load = time.perf_counter() - t

    def detect(text: str):
        new._cache.clear()  # every call scores: the app's cache only spares a repeat of the same text
        return new.detect(text)

    reader = SimpleNamespace(detect=detect, answer=new.answer)  # read_burst's reader, scoring every call as detect()
    for text in texts[:50]:  # warm up: the first evidence builds a head's weight table
        detect(text)
    log("old matcher")
    old_s = per_call(old.items, texts, rounds)
    log("detector")
    new_s = per_call(detect, texts, rounds)
    paste = " ".join(texts)[:5000]
    log("5,000-character paste")
    old_paste = per_call(old.items, [paste], rounds * 5)
    new_paste = per_call(detect, [paste], rounds * 5)
    short = [text for text in texts if len(text.split()) <= 10]
    bursts = [short[max(0, i - BURST_BUBBLES + 1):i + 1] for i in range(len(short))]  # a short bubble and 5 before
    log("short bubbles, alone and read with their burst")
    short_s = per_call(detect, short, rounds)
    burst_s = per_call(lambda burst: read_burst(reader, burst), bursts, rounds)
    log("short answers beginning with a yes, after a yes-or-no question")

    def answered(text: str):
        new._answered.clear()  # as detect() above: every call reads the answer
        return read_burst(reader, [text], ASKED)

    answer_s = per_call(answered, [f"iya kak, {text}" for text in short], rounds)
    log("hostile 64 KiB messages")
    walls = {name: median(per_call(detect, [text], rounds * 2)) for name, text in hostile().items()}
    worst = max(walls, key=walls.__getitem__)

    report = Report()
    mean_old, mean_new = sum(old_s) / len(old_s), sum(new_s) / len(new_s)
    report.row("old regex matcher, per message (mean)", f"{ms(mean_old):.3f} ms", "baseline", None)
    report.row("detector, per message (mean)", f"{ms(mean_new):.3f} ms",
               f"{mean_new / mean_old:.1f}x the old matcher; target < {TARGET_MS:g} ms", ms(mean_new) < TARGET_MS)
    report.row("detector, per message (p50 / p95 / max)",
               f"{ms(median(new_s)):.3f} / {ms(pct(new_s, 0.95)):.3f} / {ms(max(new_s)):.3f} ms",
               f"old: {ms(median(old_s)):.3f} / {ms(pct(old_s, 0.95)):.3f} / {ms(max(old_s)):.3f} ms", None)
    mean_short, mean_burst = sum(short_s) / len(short_s), sum(burst_s) / len(burst_s)
    report.row(f"a short bubble read with the {BURST_BUBBLES - 1} before it (mean)", f"{ms(mean_burst):.3f} ms",
               f"{mean_burst / mean_short:.1f}x the same bubble alone ({ms(mean_short):.3f} ms): two readings, one of six",
               None)
    mean_answer = sum(answer_s) / len(answer_s)
    report.row("a short answer after a yes-or-no question (mean)", f"{ms(mean_answer):.3f} ms",
               f"{mean_answer / mean_short:.1f}x a short bubble alone: the bubble, then the question as the client's "
               "statement with it", None)
    report.row("5,000-character paste (median)", f"{ms(median(new_paste)):.2f} ms",
               f"{median(new_paste) / median(old_paste):.1f}x the old matcher ({ms(median(old_paste)):.2f} ms)", None)
    report.row(f"hostile 64 KiB message, worst of {len(walls)} shapes ({worst})", f"{ms(walls[worst]):.2f} ms",
               f"{walls[worst] / median(new_paste):.1f}x the paste; target <= {HOSTILE_RATIO:g}x",
               walls[worst] <= HOSTILE_RATIO * median(new_paste))
    report.row("loading the data files", f"{ms(new_load):.0f} ms",
               f"old phrase list: {ms(old_load):.0f} ms (once, at start-up)", None)
    print(f"Python {sys.version.split()[0]}, {len(texts)} messages x {rounds} rounds")
    report.print()
    results = {"old_ms": [ms(s) for s in old_s], "new_ms": [ms(s) for s in new_s],
               "short_ms": [ms(s) for s in short_s], "burst_ms": [ms(s) for s in burst_s],
               "answer_ms": [ms(s) for s in answer_s],
               "paste_old_ms": [ms(s) for s in old_paste], "paste_new_ms": [ms(s) for s in new_paste],
               "hostile_ms": {name: ms(s) for name, s in walls.items()}, "load_old_ms": ms(old_load), "load_new_ms": ms(new_load)}
    save_results(report, results, began, args.json)
    if report.misses:
        print(f"{report.misses} target(s) missed" + (" (--strict: exit 1)" if args.strict else ""))
    return 1 if (args.strict and report.misses) else 0


if __name__ == "__main__":
    sys.exit(main())
