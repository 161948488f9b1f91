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


def test_each_head_lets_through_its_own_share_of_benign_lines_whatever_the_others_do():
    """A head's threshold is read off its own benign scores: its share of 10,000 benign lines reaches it, and
    neither the risk lines' scores nor another head's scores move it."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "scripts"))
    import risk_thresholds
    from risk_corpus import Line

    heads = ["suicide", "abuse", "imminent", "any"]
    n_benign = 800  # scores 0.00125 apart: well clear of the threshold's rounding to 4 places
    lines = [Line(("none",), "k", f"b{i}", "x") for i in range(n_benign)]
    lines += [Line(("abuse",), "k", f"a{i}", "x") for i in range(50)]
    rng = np.random.default_rng(7)
    probs = np.stack([rng.permutation(np.linspace(0.0, 0.999, len(lines))) for _ in heads], axis=1)
    feats = type("F", (), {"lines": lines})()
    chosen = risk_thresholds.choose(heads, list(range(len(lines))), probs, feats)
    for k, head in enumerate(heads):
        let_through = int((probs[:n_benign, k] >= chosen[head]).sum())
        assert let_through == round(risk_thresholds.PER_10K[head] * risk_thresholds.SCALE * n_benign / 10_000), head

    moved = probs.copy()
    moved[n_benign:, :] = 1.0  # every risk line now scores 1.0 on every head ...
    moved[:n_benign, 0] = 0.0  # ... and the suicide head scores every benign line 0
    again = risk_thresholds.choose(heads, list(range(len(lines))), moved, feats)
    assert again["suicide"] == risk_thresholds.FLOOR
    assert {h: again[h] for h in heads[1:]} == {h: chosen[h] for h in heads[1:]}
