"""How the detector holds up against typos, on the development folds only.

    .venv/bin/python scripts/risk_typos.py              # training as train_risk.py does it (AUGMENT copies)
    .venv/bin/python scripts/risk_typos.py --augment 0  # ... as before the nineteenth round: no typo'd copies
    .venv/bin/python scripts/risk_typos.py --no-spelling  # ... slips read as written (before the twentieth round)

5-fold cross-validation over the development folds (train_risk.build()'s split): each fold is scored by a model
trained on the other four, and judged twice, as written and with the slips a hurried thumb makes
(risk_corpus.typos(), seeded by each line's text: the same slips in every run), with thresholds chosen on the other
folds' clean out-of-fold scores, as train_risk.py chooses them. The training folds also hold --augment N typo'd
copies of each of their lines (train_risk.AUGMENT by default; Featurised.augmented(): other seeds than the judged
slips, at train_risk.TYPO_RATE; a copy keeps its line's group, so it never crosses a fold); --rate sets the judged
slips' rate only. Prints overall recall, imminent lines flagged and called imminent, and false alarms, for the clean
and the typo'd folds. Reads no test line and no held-out set that is not trained on. Needs scikit-learn.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import numpy as np  # noqa: E402
import train_risk as tr  # noqa: E402
from risk_corpus import typos  # noqa: E402
from risk_eval import Figures, evaluate  # noqa: E402

from curhat_tui.config.datafiles import load_directory, load_redflags  # noqa: E402
from curhat_tui.config.risk_data import SLANG_FILE, load_rules, read_slang  # noqa: E402
from curhat_tui.domain.risk import ANY, IMMINENT, RiskDetector  # noqa: E402

JUDGED_SEED = "judged"  # the slips the folds are judged with; a training copy n uses f"train{n}"


def slipped(line, seed: str, rate: float):
    return replace(line, text=typos(line.text, random.Random(f"{seed}|{line.text}"), rate))


def pooled(figs: list[Figures]) -> str:
    def total(key: str, k: int) -> tuple[float, int]:
        n = sum(f.rows[key][0] for f in figs)
        return sum(f.rows[key][k] * f.rows[key][0] for f in figs) / n, n

    rec, n = total("overall", 1)
    flagged, n_imm = total("imminent_flagged", 1)
    called, _ = total("imminent", 1)
    benign = sum(f.benign for f in figs)
    fa = sum(f.rows["overall"][2] * f.benign for f in figs) / benign
    return (f"overall {rec:.3f} (n={n}), imminent flagged {flagged:.3f} and called imminent {called:.3f} (n={n_imm}), "
            f"false alarms {fa:.3f} (n={benign})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-spelling", action="store_true", help="read slips as written (before the twentieth round)")
    parser.add_argument("--augment", type=int, default=tr.AUGMENT, help="typo'd copies of each training line")
    parser.add_argument("--rate", type=float, default=tr.TYPO_RATE, help="share of words given a slip")
    args = parser.parse_args(argv)
    tr.AUGMENT = args.augment
    started = time.monotonic()
    book = load_redflags(tr.DATA / "redflags.toml", load_directory(tr.DATA / "directory.toml"))
    items = [item.id for item in book.items]
    heads = items + [IMMINENT, ANY]
    rules = load_rules(tr.DATA / "phrases.toml", set(items))
    lines, _ = tr.load_corpus(write=False)
    sides = tr.split(lines)
    dev = [r for r, side in enumerate(sides) if side != tr.TEST]
    # the spelling step (risk_spell) reads slips against the development lines' words (all folds: a clean line's
    # words are known and read as written; most slips are new words to it)
    slang = tr.reading_slang([lines[r] for r in dev]) if not args.no_spelling else read_slang(tr.DATA / SLANG_FILE)
    rule_only = RiskDetector(rules, slang, None, tuple(items))
    fold_of = {r: sides[r] for r in dev}
    judged = [slipped(lines[r], JUDGED_SEED, args.rate) for r in dev]
    everything = lines + judged
    feats = tr.Featurised(everything, rule_only)
    ruled = [rule_only.ruled(line.text) for line in everything]
    judged_at = {r: len(lines) + i for i, r in enumerate(dev)}
    oof, oof_slipped = np.zeros((len(dev), len(heads))), np.zeros((len(dev), len(heads)))
    for f in range(tr.FOLDS):
        train = feats.augmented([r for r in dev if fold_of[r] != f])
        mine = [i for i, r in enumerate(dev) if fold_of[r] == f]
        fitted = tr.fit(feats, train, heads)
        oof[mine] = tr.probabilities(feats, [dev[i] for i in mine], fitted)
        oof_slipped[mine] = tr.probabilities(feats, [judged_at[dev[i]] for i in mine], fitted)
        print(f"fold {f + 1} of {tr.FOLDS} ({time.monotonic() - started:.0f} s)", flush=True)
    clean: list[Figures] = []
    slips: list[Figures] = []
    for f in range(tr.FOLDS):
        mine = [i for i, r in enumerate(dev) if fold_of[r] == f]
        t_f = tr.cv_thresholds(heads, dev, [fold_of[r] for r in dev], f, oof, feats)
        want = [tr.labels_of(lines[dev[i]]) for i in mine]
        clean.append(evaluate(want, [tr.predict(heads, oof[i], t_f, ruled[dev[i]]) for i in mine], items))
        slips.append(evaluate(want, [tr.predict(heads, oof_slipped[i], t_f, ruled[judged_at[dev[i]]])
                                     for i in mine], items))
    print(f"augment {args.augment}, slips at rate {args.rate}; {len(dev)} development lines, "
          f"{time.monotonic() - started:.0f} s")
    print(f"  as written: {pooled(clean)}")
    print(f"  with slips: {pooled(slips)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
