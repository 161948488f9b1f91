"""Judge other threshold shares on the fits risk_loso.py --keep kept, without refitting (seconds, not an hour).

    .venv/bin/python scripts/risk_loso.py --before M --keep /tmp/loso-fits   # once (about an hour)
    .venv/bin/python scripts/risk_shares.py /tmp/loso-fits                     # the shipped shares, as risk_loso printed
    .venv/bin/python scripts/risk_shares.py /tmp/loso-fits --share harm_others=8 substance=15
    .venv/bin/python scripts/risk_shares.py /tmp/loso-fits --grid harm_others 5.67 8 11 15
    .venv/bin/python scripts/risk_shares.py /tmp/loso-fits --benign-from hand-written --scale 1.5
    .venv/bin/python scripts/risk_shares.py /tmp/loso-fits --by-length 10

Each kept fit holds the model trained without one hand-written set, that model's out-of-fold scores on its own
benign development lines, and the left-out set's lines. A share (benign lines in 10,000 that a head lets through,
risk_thresholds.PER_10K, times SCALE) gives each head's threshold on those scores exactly as train_risk.py chooses
it; the left-out set is then judged through the app's own detector with those thresholds. The figures are pooled
over the kept sets, as risk_loso.py pools them. Tuning shares here tunes on the trained sets (each one left out in
turn): judge the result on the never-trained sets (risk_corpus.TRAINED_SETS lists the trained ones) before it ships.
The fits read the dictionary and the rules of this tree: keep them again after either changes, or after a retraining.
--benign-from reads the thresholds off part of the benign lines only (the trained hand-written sets, those and
written.tsv, or the templates' lines), found again by the split train_risk.py makes; --by-length N also counts the
left-out lines of at most N words and the longer ones apart.
"""

from __future__ import annotations

import argparse
import gzip
import pickle
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import train_risk as tr  # noqa: E402
from risk_eval import Figures, by_length, evaluate  # noqa: E402
from risk_loso import judged_by, loso_lines, row, training_rows  # noqa: E402
from risk_thresholds import PER_10K, SCALE, SHORT_SCALE, from_benign  # noqa: E402

from curhat_tui.config.datafiles import load_directory, load_redflags  # noqa: E402
from curhat_tui.config.risk_data import SLANG_FILE, load_rules, parse_model, read_slang  # noqa: E402


def share_pair(text: str) -> tuple[str, float]:
    head, _, value = text.partition("=")
    if head not in PER_10K or not value:
        raise argparse.ArgumentTypeError(f"{text!r}: write head=share with a head of {', '.join(PER_10K)}")
    return head, float(value)


# which benign development lines --benign-from keeps, by the group the corpus gives each line (risk_corpus.read_tsv)
SOURCES = {
    "all": lambda group: True,
    "hand-written": lambda group: group.startswith(("heldout", "written")),
    "sets": lambda group: group.startswith("heldout"),
    "templates": lambda group: not group.startswith(("heldout", "written")),
}


def benign_kept(k: int, lines: list, start_of: list[int], source: str, n_benign: int) -> np.ndarray:
    """Which of set k's kept benign scores (train_risk.build()'s development rows, benign ones, in order) come from
    `source`: the split is a function of the lines, so it is made again rather than kept."""
    rows = training_rows(k, start_of)
    dev = [r for r, side in zip(rows, tr.split([lines[r] for r in rows])) if side != tr.TEST]
    groups = [lines[r].group for r in dev if not tr.labels_of(lines[r])]
    if len(groups) != n_benign:
        raise SystemExit(f"set {k}: the fit kept {n_benign} benign scores, this tree's split gives {len(groups)}; "
                         "keep the fits again with this tree's corpus")
    return np.array([SOURCES[source](group) for group in groups], dtype=bool)


def per_item(figs: list[Figures], items: list[str]) -> str:
    """Each item's recall pooled over the sets (found/lines)."""
    out = []
    for item in items:
        n = sum(f.rows[item][0] for f in figs)
        found = sum(round(f.rows[item][0] * f.rows[item][1]) for f in figs)
        out.append(f"{item} {found / max(n, 1):.3f} ({found}/{n})")
    return ", ".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fits", type=Path, help="the directory risk_loso.py --keep wrote")
    parser.add_argument("--scale", type=float, default=SCALE, help=f"every share taken this many times ({SCALE})")
    parser.add_argument("--short-scale", type=float, default=SHORT_SCALE,
                        help=f"for messages of at most risk_thresholds.SHORT_WORDS words, that many times more ({SHORT_SCALE})")
    parser.add_argument("--share", nargs="*", type=share_pair, default=[], metavar="HEAD=SHARE",
                        help="a head's share in place of risk_thresholds.PER_10K's")
    parser.add_argument("--grid", nargs="+", metavar=("HEAD", "SHARE"),
                        help="judge each of these shares for one head in turn (the others as set)")
    parser.add_argument("--benign-from", choices=sorted(SOURCES), default="all",
                        help="read the thresholds off these benign development lines only (all)")
    parser.add_argument("--by-length", type=int, metavar="N",
                        help="also count the left-out lines of at most N words and the longer ones apart")
    args = parser.parse_args(argv)
    paths = sorted(args.fits.glob("set*.pkl.gz"), key=lambda p: int(p.name[3:].split(".")[0]))
    if not paths:
        parser.error(f"{args.fits}: no set<k>.pkl.gz here; run risk_loso.py --keep {args.fits} first")
    book = load_redflags(tr.DATA / "redflags.toml", load_directory(tr.DATA / "directory.toml"))
    items = [item.id for item in book.items]
    rules = load_rules(tr.DATA / "phrases.toml", set(items))
    slang = read_slang(tr.DATA / SLANG_FILE)
    fits = []
    for path in paths:
        with gzip.open(path, "rb") as kept:
            fit = pickle.load(kept)
        fits.append((fit, parse_model(fit["model"].splitlines(), set(items)), slang.with_words(fit["known"])))
    if args.benign_from != "all":
        lines, start_of = loso_lines()
        for fit, _, _ in fits:
            fit["benign"] = fit["benign"][benign_kept(fit["set"], lines, start_of, args.benign_from, len(fit["benign"]))]
    base = dict(PER_10K) | dict(args.share)
    tries = [base]
    if args.grid:
        head = args.grid[0]
        if head not in PER_10K or len(args.grid) < 2:
            parser.error(f"--grid HEAD SHARE...: a head of {', '.join(PER_10K)} and at least one share")
        tries = [base | {head: float(value)} for value in args.grid[1:]]
    for shares in tries:
        pooled, texts, labels, guesses = [], [], [], []
        for fit, model, known in fits:
            thresholds = from_benign(fit["heads"], fit["benign"], args.scale, shares)
            short = from_benign(fit["heads"], fit["benign"], args.scale * args.short_scale, shares)
            detector = judged_by(model, thresholds, rules, known, items, short)
            held = fit["lines"]
            predicted, held_labels = tr.detector_predictions(detector, held), [tr.labels_of(line) for line in held]
            pooled.append(evaluate(held_labels, predicted, items))
            texts += [line.text for line in held]
            labels += held_labels
            guesses += predicted
        changed = {h: v for h, v in shares.items() if v != PER_10K[h]}
        source = "" if args.benign_from == "all" else f", read off {args.benign_from} benign lines"
        shipped = "(as shipped)" if not changed and (args.scale, args.short_scale) == (SCALE, SHORT_SCALE) else changed or ""
        if args.short_scale != SHORT_SCALE:
            shipped = f"{shipped} short x{args.short_scale}".strip()
        print(f"shares x{args.scale} {shipped}{source}, {len(pooled)} sets: " + row("every line", pooled))
        print("  " + per_item(pooled, items), flush=True)
        if args.by_length is not None:
            print("  " + by_length(texts, labels, guesses, args.by_length), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
