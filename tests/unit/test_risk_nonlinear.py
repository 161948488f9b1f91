"""The eighth round's experiment script (scripts/risk_nonlinear.py): the columns its stacked trees read are the
clause-frame and class features the development lines share, the rules' verdict and the length, never a word of
one line alone. Needs scikit-learn (the training extra); the full experiment itself takes minutes and is run by hand."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("sklearn")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import numpy as np  # noqa: E402
import risk_nonlinear  # noqa: E402


def test_the_stack_reads_shared_frames_the_rules_and_the_length_not_single_words():
    words = [{"w:aku", "w:racun", "S:self>means", "K:means"}, {"w:aku", "w:tali", "S:self>means"},
             {"w:mati", "w:lampu", "M:joke+die"}]
    s = SimpleNamespace(dev=[0, 1, 2], feats=SimpleNamespace(blocks=[(w, set()) for w in words]),
                        ruled=[(frozenset({"suicide"}), True), (frozenset(), False), (frozenset(), False)])
    cols = risk_nonlinear.frame_columns(s, min_count=2)
    # one frame column (S:self>means, on two lines; K:means and M:joke+die are on one), then rules, imminent, length
    assert cols.tolist() == [[1, 1, 1, 2], [1, 0, 0, 2], [0, 0, 0, 2]]


def test_log_odds_stay_finite_at_certainty():
    odds = risk_nonlinear.log_odds(np.array([0.0, 0.5, 1.0]))
    assert np.isfinite(odds).all() and odds[1] == 0 and odds[0] < -10 < 10 < odds[2]
