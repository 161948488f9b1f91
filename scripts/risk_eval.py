"""Figures for the risk detector: recall per item, false alarms on benign look-alikes, imminence; and the
Markdown table the training script prints and docs/RISK_DETECTION.md carries."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from curhat_tui.domain.risk_model import is_short

IMMINENT = "imminent"
FLAGGED = "imminent_flagged"  # imminent lines given any suggestion at all


@dataclass(frozen=True)
class Prediction:
    items: frozenset[str]
    imminent: bool


@dataclass
class Figures:
    """Counts for one evaluation; `recall`/`fa` per row name ("suicide", ..., "imminent", "overall")."""

    rows: dict[str, tuple[int, float, float]]  # name -> (positives, recall, false-alarm rate on benign lines)
    benign: int
    item_recall: float  # positives with at least one of their own items suggested
    imminent_fa_all: float  # lines not marked imminent that were called imminent (benign and other risk)


def evaluate(labels: Sequence[frozenset[str]], preds: Sequence[Prediction], items: Sequence[str]) -> Figures:
    benign = [p for lab, p in zip(labels, preds) if not lab]
    rows: dict[str, tuple[int, float, float]] = {}
    for item in items:
        pos = [p for lab, p in zip(labels, preds) if item in lab]
        rows[item] = (len(pos), _share(pos, lambda p, i=item: i in p.items), _share(benign, lambda p, i=item: i in p.items))
    imm = [p for lab, p in zip(labels, preds) if IMMINENT in lab]
    rows[FLAGGED] = (len(imm), _share(imm, lambda p: bool(p.items)), _share(benign, lambda p: bool(p.items)))
    rows[IMMINENT] = (len(imm), _share(imm, lambda p: p.imminent), _share(benign, lambda p: p.imminent))
    risky = [(lab, p) for lab, p in zip(labels, preds) if lab]
    rows["overall"] = (len(risky), _share([p for _, p in risky], lambda p: bool(p.items)),
                       _share(benign, lambda p: bool(p.items)))
    item_recall = _share(risky, lambda lp: bool(lp[1].items & (lp[0] - {IMMINENT})))
    not_imm = [p for lab, p in zip(labels, preds) if IMMINENT not in lab]
    return Figures(rows, len(benign), item_recall, _share(not_imm, lambda p: p.imminent))


def _share(things: Sequence, test: Callable) -> float:
    return sum(1 for t in things if test(t)) / len(things) if things else float("nan")


def by_length(texts: Sequence[str], labels: Sequence[frozenset[str]], preds: Sequence[Prediction], n: int) -> str:
    """Risk lines found, imminent lines flagged and benign lines flagged among the lines of at most n words (split on
    spaces) and the longer ones (risk_judge.py and risk_shares.py --by-length)."""
    counts = {True: [0, 0, 0, 0, 0, 0], False: [0, 0, 0, 0, 0, 0]}
    for text, lab, pred in zip(texts, labels, preds):
        c, flagged = counts[is_short(text, n)], bool(pred.items)
        if lab:
            c[0] += flagged
            c[1] += 1
            c[2] += flagged and IMMINENT in lab
            c[3] += IMMINENT in lab
        else:
            c[4] += flagged
            c[5] += 1
    return "; ".join(f"{name}: found {c[0]}/{c[1]}, imminent flagged {c[2]}/{c[3]}, false alarms {c[4]}/{c[5]}"
                     for name, c in ((f"<= {n} words", counts[True]), (f"> {n} words", counts[False])))


def table(columns: dict[str, Figures | list[Figures]], order: Sequence[str]) -> str:
    """Markdown: one row per item, then imminent and overall; per column recall / false alarms (n).
    A list of Figures (cross-validation folds) shows mean ± standard deviation."""
    head = "| item | " + " | ".join(f"{name}: recall | {name}: false alarms" for name in columns) + " |"
    rule = "|---|" + "---:|---:|" * len(columns)
    lines = [head, rule]
    for row in [*order, FLAGGED, IMMINENT, "overall"]:
        cells = []
        for figs in columns.values():
            if isinstance(figs, list):
                rec = [f.rows[row][1] for f in figs if f.rows[row][0]]
                fa = [f.rows[row][2] for f in figs]
                n = sum(f.rows[row][0] for f in figs)
                cells += [f"{_mean(rec)} (n={n})", _mean(fa)]
            else:
                n, rec_, fa_ = figs.rows[row]
                cells += [f"{rec_:.3f} (n={n})" if n else "–", f"{fa_:.3f}"]
        name = {"overall": "**overall** (any item)", IMMINENT: "imminent: called imminent",
                FLAGGED: "imminent: flagged (any item)"}.get(row, row)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _mean(values: list[float]) -> str:
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def summary(name: str, figs: Figures) -> str:
    n, rec, fa = figs.rows["overall"]
    return (f"{name}: {n} risk lines, {figs.benign} benign; any-item recall {rec:.3f}, right-item recall "
            f"{figs.item_recall:.3f}, imminent lines flagged {figs.rows[FLAGGED][1]:.3f} and called imminent "
            f"{figs.rows[IMMINENT][1]:.3f}, false alarms on benign {fa:.3f}, "
            f"imminent called on non-imminent lines {figs.imminent_fa_all:.3f}")
