"""How train_risk.py chooses each head's threshold from out-of-fold scores (scripts/train_risk.py, step 3).

One budget of false alarms on benign lines (TOTAL_BUDGET, the rules' own false alarms first) is spent greedily on
whichever head's next step down flags the most risk per false alarm it adds (choose(), walked with each of
SCHEDULES). The twenty-fifth round tried each head's median of five choices made with one fold left out: steadier
thresholds, but more false alarms than the budget allows (docs/RISK_DETECTION.md); not kept.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from risk_corpus import labels_of

from curhat_tui.domain.risk import IMMINENT

if TYPE_CHECKING:  # only its .lines are read
    from train_risk import Featurised

TOTAL_BUDGET = 0.040  # out-of-fold false alarms on benign lines, all heads and rules together (the goal allows 0.05;
# 0.042 spent 5.4% judged fold by fold once the split went by group, 0.038 4.9%; with the clause features of the
# seventh round 0.038 spent 5.1%; with their gating (risk_clause.gated) 0.040 spends 4.9%, 0.042 5.2%)
IMMINENT_VALUE = 3.0  # choosing thresholds, an imminent line flagged counts this many risk lines
CALLED_VALUE = 2.0  # ... and one newly called imminent by the imminence head this much more (0.3 until the
# thirteenth round; leaving each of eleven sets out, 1.0 calls 0.914 of imminent lines imminent against 0.884, at 4.3%
# false alarms against 4.0%: a client with a plan goes to the top of the queue; 1.0 until the thirty-first round,
# whose benign household poisons and medicines pushed the imminence head's threshold from 0.59 to 0.74 and its 5-fold
# CV calls from 0.866 to 0.836; 2.0 brings it back to 0.54 and 0.877)
STEPS = (1, 2, 3, 5, 8)  # how many more benign lines one step down a head's threshold may flag
SCHEDULES = (STEPS, (1,), (2, 4, 8, 16), (3, 5, 8, 13))  # each walked; the thresholds that catch the most are kept
FLOOR = 0.02  # no threshold goes below this probability


def choose(heads: list[str], rows: list[int], probs: np.ndarray, feats: Featurised, ruled: list[tuple]):
    """Thresholds chosen jointly from out-of-fold scores: one budget of false alarms on benign lines (the
    rules' own count first) is spent greedily, a few benign lines at a time, on whichever head's next step
    down flags the most risk per false alarm it adds (an imminent line counts IMMINENT_VALUE times; a line the
    imminence head newly calls imminent adds CALLED_VALUE). A message is flagged when any head reaches its
    threshold, so a head is worth lowering only for the lines no other head already catches. The greedy path
    depends on how far one step may go, so it is walked with each of SCHEDULES and the thresholds that catch
    the most (by the same values) within the budget are kept."""
    walks = [_greedy(heads, rows, probs, feats, ruled, steps) for steps in SCHEDULES]
    return max(walks, key=lambda walk: walk[0])[1]  # the first of equals: STEPS, as before


def _greedy(heads: list[str], rows: list[int], probs: np.ndarray, feats: Featurised, ruled: list[tuple],
            steps: tuple[int, ...]) -> tuple[float, dict[str, float]]:
    labels = [labels_of(feats.lines[r]) for r in rows]
    benign = np.array([not lab for lab in labels])
    imminent = np.array([IMMINENT in lab for lab in labels])
    value = (~benign) * 1.0 + imminent * (IMMINENT_VALUE - 1.0)
    flagged = np.array([bool(ruled[r][0]) for r in rows])
    called = np.array([bool(ruled[r][1]) for r in rows])
    budget = math.floor(TOTAL_BUDGET * benign.sum())
    chosen = {head: 1.0 for head in heads}
    k_imm = heads.index(IMMINENT)
    while (left := budget - int((flagged & benign).sum())) > 0:
        best: tuple[float, int, float] | None = None
        for k, head in enumerate(heads):
            s = probs[:, k]
            quiet = np.sort(s[benign & ~flagged & (s < chosen[head])])[::-1]
            for step in steps:
                if step > left:
                    break
                t = max(FLOOR, float(quiet[step]) + 1e-4 if step < len(quiet) else FLOOR)
                newly = (s >= t) & ~flagged
                cost = int((newly & benign).sum())
                if t >= chosen[head] or not 0 < cost <= left:
                    continue
                gain = float(value[newly].sum())
                if k == k_imm:
                    gain += CALLED_VALUE * float((imminent & ~called & (s >= t)).sum())
                if best is None or gain / cost > best[0] + 1e-9:
                    best = (gain / cost, k, t)
        if best is None or best[0] <= 0:
            break
        _, k, t = best
        chosen[heads[k]] = t
        flagged |= probs[:, k] >= t
        if k == k_imm:
            called |= probs[:, k] >= t
    rounded = {head: float(min(0.999, round(t, 4))) for head, t in chosen.items()}
    worth = float(value[flagged].sum()) + CALLED_VALUE * float((imminent & called).sum())
    return worth, rounded
