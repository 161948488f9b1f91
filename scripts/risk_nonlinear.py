"""The eighth round's experiment: non-linear models judged on the development folds' 5-fold CV only.

    .venv/bin/python scripts/risk_nonlinear.py                     # all candidates, about 15 minutes on 2 cores
    .venv/bin/python scripts/risk_nonlinear.py --only mlp --hidden 32 --seeds 7 11

Candidates, each scored out of fold exactly as train_risk.py scores the linear model (the same group split, the
same folds, the same joint threshold choice, rules counted), so their CV rows compare with its row:

* mlp: a one-hidden-layer network (scikit-learn MLPClassifier, ReLU, one output per head) over the linear model's
  own sparse features (the same vocabulary rule, the same block scaling), every head trained at once;
* mean: the mean of the linear model's and the network's log-odds per head;
* stack: gradient-boosted trees (one per head) over the ten linear heads' log-odds plus the clause-frame and class
  features of risk_clause.py / risk_text.py (S:, M:, K:, L: seen on at least --min-count development lines) and the
  rules' verdict; trained on NESTED out-of-fold linear scores (for the fold judged, the linear scores of the other
  four folds come from models trained on three of them), so the trees never see a linear score of a line the
  linear model was trained on.

Prints each candidate's CV figures and, per fold, its difference from the linear model (the folds are the same, so
the paired difference is less noisy than the folds' spread). Nothing here writes a model: the shipped detector
stays what train_risk.py builds unless a candidate beats it beyond the folds' spread (docs/RISK_DETECTION.md).
Never reads the test split or a held-out set.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import numpy as np  # noqa: E402
import train_risk as tr  # noqa: E402
from risk_eval import Figures, evaluate  # noqa: E402

from curhat_tui.config.datafiles import load_directory, load_redflags  # noqa: E402
from curhat_tui.config.risk_data import load_rules, read_slang  # noqa: E402
from curhat_tui.domain.risk import ANY, IMMINENT, RiskDetector  # noqa: E402

FRAME_PREFIXES = ("S:", "M:", "K:", "L:", "Ln:")


class Setup:
    def __init__(self) -> None:
        book = load_redflags(tr.DATA / "redflags.toml", load_directory(tr.DATA / "directory.toml"))
        self.items = [item.id for item in book.items]
        self.heads = self.items + [IMMINENT, ANY]
        rules = load_rules(tr.DATA / "phrases.toml", set(self.items))
        self.lines = tr.training_lines(tr.CORPUS)
        rule_only = RiskDetector(rules, read_slang(tr.DATA / tr.SLANG_FILE), None, tuple(self.items))
        self.feats = tr.Featurised(self.lines, rule_only)
        self.ruled = [rule_only.ruled(line.text) for line in self.lines]
        sides = tr.split(self.lines)
        self.dev = [r for r, side in enumerate(sides) if side != tr.TEST]
        self.fold_of = np.array([sides[r] for r in self.dev])
        self.y = np.array([[h in tr.targets_of(self.lines[r]) for h in self.heads] for r in self.dev], dtype=int)
        self.weight = np.array([tr.IMMINENT_WEIGHT if IMMINENT in self.lines[r].labels else 1.0 for r in self.dev])

    def rows(self, at: np.ndarray) -> list[int]:
        return [self.dev[i] for i in at]

    def linear(self, train_at: np.ndarray, score_at: np.ndarray) -> np.ndarray:
        fitted = tr.fit(self.feats, self.rows(train_at), self.heads)
        return tr.probabilities(self.feats, self.rows(score_at), fitted)

    def cv(self, oof: np.ndarray) -> list[Figures]:
        """Each fold judged with thresholds chosen on the other folds' out-of-fold scores (train_risk's CV)."""
        figs = []
        for f in range(tr.FOLDS):
            mine = np.where(self.fold_of == f)[0]
            t_f = tr.cv_thresholds(self.heads, self.dev, list(self.fold_of), f, oof, self.feats)
            preds = [tr.predict(self.heads, oof[i], t_f, self.ruled[self.dev[i]]) for i in mine]
            figs.append(evaluate([tr.labels_of(self.lines[self.dev[i]]) for i in mine], preds, self.items))
        return figs


def log_odds(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def out_of_fold_linear(s: Setup) -> np.ndarray:
    oof = np.zeros((len(s.dev), len(s.heads)))
    for f in range(tr.FOLDS):
        oof[s.fold_of == f] = s.linear(np.where(s.fold_of != f)[0], np.where(s.fold_of == f)[0])
    return oof


def out_of_fold_mlp(s: Setup, hidden: int, alpha: float, epochs: int, seed: int) -> np.ndarray:
    from sklearn.neural_network import MLPClassifier

    oof = np.zeros((len(s.dev), len(s.heads)))
    for f in range(tr.FOLDS):
        train_at, score_at = np.where(s.fold_of != f)[0], np.where(s.fold_of == f)[0]
        vocab = s.feats.vocabulary(s.rows(train_at))
        net = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=alpha, batch_size=128, max_iter=epochs,
                            learning_rate_init=1e-3, random_state=seed, n_iter_no_change=epochs + 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "not converged": the epochs are a choice, not an accident
            net.fit(s.feats.matrix(s.rows(train_at), vocab), s.y[train_at], sample_weight=s.weight[train_at])
        oof[score_at] = net.predict_proba(s.feats.matrix(s.rows(score_at), vocab))
    return oof


def frame_columns(s: Setup, min_count: int) -> np.ndarray:
    """Dense columns for the stack: clause-frame and class features seen on >= min_count development lines,
    the rules' verdict (any item, imminent), and the number of distinct words."""
    counts = Counter(f for r in s.dev for f in s.feats.blocks[r][0] if f.startswith(FRAME_PREFIXES))
    names = sorted(f for f, c in counts.items() if c >= min_count)
    col = {f: j for j, f in enumerate(names)}
    out = np.zeros((len(s.dev), len(names) + 3))
    for i, r in enumerate(s.dev):
        words = s.feats.blocks[r][0]
        for f in words:
            if f in col:
                out[i, col[f]] = 1.0
        out[i, -3:] = (bool(s.ruled[r][0]), bool(s.ruled[r][1]), sum(1 for f in words if f.startswith("w:")))
    return out


def out_of_fold_stack(s: Setup, oof: np.ndarray, min_count: int, trees: int, depth: int, heads: list[int],
                      frames_too: bool = True) -> np.ndarray:
    """Out-of-fold scores with the heads in `heads` replaced by trees over nested linear scores (and frames)."""
    from sklearn.ensemble import GradientBoostingClassifier

    frames = frame_columns(s, min_count if frames_too else 10**9)
    out = oof.copy()
    for f in range(tr.FOLDS):
        inner = np.zeros_like(oof)  # linear scores of the other folds, each from a model that never saw it or f
        for g in range(tr.FOLDS):
            if g != f:
                inner[s.fold_of == g] = s.linear(np.where((s.fold_of != f) & (s.fold_of != g))[0],
                                                 np.where(s.fold_of == g)[0])
        train_at, score_at = np.where(s.fold_of != f)[0], np.where(s.fold_of == f)[0]
        x_train = np.hstack([log_odds(inner[train_at]), frames[train_at]])
        x_score = np.hstack([log_odds(oof[score_at]), frames[score_at]])
        for k in heads:
            trees_k = GradientBoostingClassifier(n_estimators=trees, max_depth=depth, subsample=0.8, random_state=tr.SEED)
            trees_k.fit(x_train, s.y[train_at, k], sample_weight=s.weight[train_at])
            out[score_at, k] = trees_k.predict_proba(x_score)[:, 1]
    return out


def report(name: str, figs: list[Figures], base: list[Figures] | None) -> None:
    def ms(row: str, k: int) -> str:
        values = [fig.rows[row][k] * (100 if k == 2 else 1) for fig in figs]
        return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}" if k < 2 else \
            f"{statistics.mean(values):.1f}% ± {statistics.stdev(values):.1f}"
    print(f"{name}: overall {ms('overall', 1)}, imminent flagged {ms('imminent_flagged', 1)}, "
          f"called imminent {ms('imminent', 1)}, false alarms {ms('overall', 2)}", flush=True)
    if base is not None:
        for row in ("overall", "imminent_flagged", "imminent"):
            diff = [a.rows[row][1] - b.rows[row][1] for a, b in zip(figs, base)]
            print(f"    {row} per fold vs linear: {' '.join(f'{d:+.3f}' for d in diff)} "
                  f"(mean {statistics.mean(diff):+.3f})", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("mlp", "stack"), help="run one candidate family (default: both)")
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--alpha", type=float, default=1e-4)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7])
    parser.add_argument("--min-count", type=int, default=40)
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--stack-extra-only", action="store_true", help="stack only the imminence and any-risk heads")
    parser.add_argument("--no-frames", action="store_true", help="stack on the linear scores, rules and length only")
    args = parser.parse_args(argv)
    s = Setup()
    oof = out_of_fold_linear(s)
    base = s.cv(oof)
    report("linear (round seven)", base, None)
    if args.only in (None, "mlp"):
        for seed in args.seeds:
            mlp = out_of_fold_mlp(s, args.hidden, args.alpha, args.epochs, seed)
            tag = f"hidden {args.hidden}, alpha {args.alpha}, {args.epochs} epochs, seed {seed}"
            report(f"mlp ({tag})", s.cv(mlp), base)
            report(f"mean of linear and mlp log-odds ({tag})",
                   s.cv(1 / (1 + np.exp(-(log_odds(mlp) + log_odds(oof)) / 2))), base)
    if args.only in (None, "stack"):
        heads = [s.heads.index(IMMINENT), s.heads.index(ANY)] if args.stack_extra_only else list(range(len(s.heads)))
        stack = out_of_fold_stack(s, oof, args.min_count, args.trees, args.depth, heads, not args.no_frames)
        frames = "no frames" if args.no_frames else f"frames seen >= {args.min_count}"
        tag = f"trees {args.trees}, depth {args.depth}, {frames}"
        report(f"stack ({tag}{', imminence and any-risk heads only' if args.stack_extra_only else ''})", s.cv(stack), base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
