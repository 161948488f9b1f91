"""How train_risk.py chooses each head's threshold from out-of-fold scores (scripts/train_risk.py, step 3).

Since the thirty-second round each head may flag a fixed share of the ordinary (benign) lines it is shown:
PER_10K says how many in 10,000, and the threshold is read off the head's out-of-fold scores on the benign lines
(choose()). The shares are what the greedy choice, used until then, gave on the thirty-first round's corpus
(one false-alarm budget of 4.0% spent on whichever head caught the most risk per false alarm; its code is in git
history at e154955): on that corpus the two choices give the same thresholds, and leaving each of the 23 trained
hand-written sets out they found 0.932 against 0.934 of risk lines, flagged 0.975 against 0.972 of imminent ones, at
2.7% against 2.6% false alarms. The greedy choice swung from round to round (the imminence threshold 0.59, 0.74 and
0.54 in three rounds), because a head got the budget left over by the others; a share does not depend on the other
heads. Since the thirty-third round every share is taken SCALE (1.25) times: more risk found on sets left out, for
more false alarms. A service that wants fewer or more suggestions from one head changes its share here and retrains;
from all heads, SCALE.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from risk_corpus import labels_of

from curhat_tui.domain.risk_model import is_short as short_message

if TYPE_CHECKING:  # only its .lines are read
    from train_risk import Featurised

# Benign lines in 10,000 each head's threshold lets through, out of fold, before SCALE. Together with the rules' own
# they flag about 4% of benign lines out of fold (5% at SCALE 1.25): the heads overlap, so the shares add up to more.
PER_10K = {
    "suicide": 33.07,
    "self_harm": 5.67,
    "harm_others": 5.67,
    "abuse": 9.45,
    "psychosis": 24.56,  # 12.28 until the thirty-eighth round, whose leave-one-out fits (scripts/risk_shares.py) found
    "severe_depression": 9.45,
    "panic_trauma": 7.56,  # 3.78 until then; doubling both found 13 more risk lines for 4 more false alarms (docs page)
    "substance": 11.34,
    "imminent": 182.35,  # the imminence head is judged on suicide lines: a wider share calls more of them imminent
    "any": 203.14,  # 162.51 until the forty-first round, whose imminence support (risk.IMMINENCE_SUPPORT) freed 9 false
    # alarms on the leave-one-out fits; a quarter wider here found 14 more risk lines of 2913 for 5 of them (docs page)
}
SCALE = 1.25  # every share above is taken this many times (the thirty-third round; 1.0 before). Leaving each of the
# 23 trained sets out with the thirty-second round's lines (each model's thresholds read from its own out-of-fold scores):
# 0.8 found 0.924 of risk lines, flagged 0.965 of imminent ones, at 2.3% false alarms; 1.0 0.938, 0.971, 2.7%; 1.25
# 0.947, 0.984, 3.4%; 1.5 0.955, 0.985, 4.1%. On the corpus's own folds (5-fold CV) 1.25 spends 5.0% and 1.5 5.9%.
FLOOR = 0.02  # no threshold goes below this probability
SHORT_WORDS = 12  # a message of at most this many words (split on spaces) is judged against the short thresholds,
SHORT_SCALE = 1.0  # read with every share taken this many times more again. Short lines score lower, benign and risk
# alike: leaving each trained set out (the forty-third round's fits), lines of at most 12 words are found 0.940
# (575/612) at 2.3% false alarms, longer ones 0.969 at 3.4%. 1.5 gives the short ones 0.954 at 2.8%, 2.0 0.964 at 4.2%
# and meets the goal on held-out 41's short lines (0.983, 30/30, 4.2%), for more false alarms on ordinary talk (the
# practice personas' lines 10 to 17 of 367) and on the corpus's test split (6.2% to 7.8%). Which is for the service to
# choose: docs/RISK_DETECTION.md, Session 37, has the figures. 1.0 keeps the thresholds of every length the same.


def is_short(text: str) -> bool:
    """Whether `text` is judged against the short thresholds (the app reads SHORT_WORDS from the model file)."""
    return short_message(text, SHORT_WORDS)


def choose(heads: list[str], rows: list[int], probs: np.ndarray, feats: Featurised,
           scale: float = SCALE) -> dict[str, float]:
    """Each head's threshold: just above the score of its (n+1)th highest-scoring benign line among `rows`, where
    n is PER_10K (times `scale`, SCALE unless a trade-off is being measured) of the benign lines there, so that n of
    them reach it (fewer on ties)."""
    benign = np.array([not labels_of(feats.lines[r]) for r in rows], dtype=bool)
    return from_benign(heads, probs[benign], scale)


def from_benign(heads: list[str], benign: np.ndarray, scale: float = SCALE,
                shares: Mapping[str, float] = PER_10K) -> dict[str, float]:
    """choose() on the benign lines' scores alone (a row per line, a column per head); `shares` in place of PER_10K
    when another share is being measured (scripts/risk_shares.py)."""
    chosen = {}
    for k, head in enumerate(heads):
        scores = np.sort(benign[:, k])[::-1]
        n = round(shares[head] * scale * len(scores) / 10_000)
        t = float(scores[n]) + 1e-4 if n < len(scores) else FLOOR
        chosen[head] = float(min(0.999, round(max(FLOOR, t), 4)))
    return chosen
