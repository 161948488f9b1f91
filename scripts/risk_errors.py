"""Error analysis on the training side only: out-of-fold misses on the development folds, grouped by kind.

    .venv/bin/python scripts/risk_errors.py            # counts per kind, and up to --show misses of each
    .venv/bin/python scripts/risk_errors.py --show 8

Each development fold is scored by a model trained on the other four and judged with thresholds chosen on the
other folds' scores (as the 5-fold CV figures are). The test split and the held-out sets are never read here.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import numpy as np  # noqa: E402
import train_risk as tr  # noqa: E402

from curhat_tui.config.datafiles import load_directory, load_redflags  # noqa: E402
from curhat_tui.config.risk_data import load_rules, read_slang  # noqa: E402
from curhat_tui.domain.risk import ANY, IMMINENT, RiskDetector  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=4, help="misses to print per kind")
    args = parser.parse_args(argv)
    book = load_redflags(tr.DATA / "redflags.toml", load_directory(tr.DATA / "directory.toml"))
    items = [item.id for item in book.items]
    heads = items + [IMMINENT, ANY]
    rules = load_rules(tr.DATA / "phrases.toml", set(items))
    lines = tr.training_lines(tr.CORPUS)
    rule_only = RiskDetector(rules, read_slang(tr.DATA / tr.SLANG_FILE), None, tuple(items))
    feats = tr.Featurised(lines, rule_only)
    ruled = [rule_only.ruled(line.text) for line in lines]
    sides = tr.split(lines)
    dev = [r for r, side in enumerate(sides) if side != tr.TEST]
    fold_of = [sides[r] for r in dev]
    oof = np.zeros((len(dev), len(heads)))
    for f in range(tr.FOLDS):
        train_at = [i for i, g in enumerate(fold_of) if g != f]
        score_at = [i for i, g in enumerate(fold_of) if g == f]
        oof[score_at] = tr.probabilities(feats, [dev[i] for i in score_at],
                                         tr.fit(feats, feats.augmented([dev[i] for i in train_at]), heads))
    total: dict[str, int] = defaultdict(int)
    missed: dict[str, list[str]] = defaultdict(list)
    for f in range(tr.FOLDS):
        t_f = tr.cv_thresholds(heads, dev, fold_of, f, oof, feats)
        for i in (i for i, g in enumerate(fold_of) if g == f):
            line = lines[dev[i]]
            labels = tr.labels_of(line)
            pred = tr.predict(heads, oof[i], t_f, ruled[dev[i]])
            key = ("imminent " if IMMINENT in labels else "") + (",".join(sorted(labels - {IMMINENT})) or "none") \
                + " / " + line.kind
            total[key] += 1
            wrong = bool(labels) != bool(pred.items) or (IMMINENT in labels and not pred.imminent)
            if wrong:
                got = ",".join(sorted(pred.items)) + (" imminent" if pred.imminent else "") or "-"
                missed[key].append(f"got {got}: {line.text}")
    for key in sorted(missed, key=lambda k: -len(missed[k])):
        print(f"{len(missed[key]):4d}/{total[key]:<4d} {key}")
        for text in missed[key][:args.show]:
            print(f"        {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
