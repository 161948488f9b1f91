"""How the risk model's training chooses its thresholds. That the shipped model is what `python
scripts/train_risk.py` builds from the corpus (seeded: the same corpus gives the same weights and thresholds) is
checked by `scripts/train_risk.py --check`, a step of `.ci/run` of its own: it fits sixty logistic heads, three
to four minutes of one core, which the suite's fifteen minutes cannot carry. Needs scikit-learn (the test extra)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

ROOT = Path(__file__).resolve().parents[2]


def test_thresholds_are_chosen_jointly_within_one_false_alarm_budget():
    """The budget goes to the head that catches the most risk per false alarm, and never beyond it."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "scripts"))
    import risk_thresholds
    from risk_corpus import Line

    heads = ["suicide", "abuse", "imminent", "any"]
    lines = [Line(("none",), "k", f"b{i}", "x") for i in range(100)]
    lines += [Line(("abuse",), "k", f"a{i}", "x") for i in range(20)]
    benign_scores = np.linspace(0.0, 0.9, 100)
    probs = np.zeros((120, 4))
    probs[:100, 0] = benign_scores  # suicide head: benign lines score high, risk lines never do
    probs[:100, 1] = benign_scores[::-1] * 0.5  # abuse head: benign lines score at most 0.45 ...
    probs[100:, 1] = 0.8  # ... and every abuse line 0.8
    feats = type("F", (), {"lines": lines})()
    ruled = [(frozenset(), False)] * 120
    chosen = risk_thresholds.choose(heads, list(range(120)), probs, feats, ruled)
    assert chosen["abuse"] <= 0.8 and chosen["suicide"] > 0.9  # the useful head was lowered, the useless one not
    flagged = (probs >= np.array([chosen[h] for h in heads])).any(axis=1)
    assert flagged[100:].all()
    assert flagged[:100].sum() <= int(risk_thresholds.TOTAL_BUDGET * 100)
