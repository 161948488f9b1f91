"""The shipped risk model is what `python scripts/train_risk.py` builds from the corpus (seeded, so the same
corpus gives the same weights and thresholds). Needs scikit-learn, the training extra; about a minute."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

ROOT = Path(__file__).resolve().parents[2]


def test_retraining_reproduces_the_shipped_model(capsys):
    sys.path.insert(0, str(ROOT / "scripts"))
    import train_risk

    assert train_risk.main(["--check"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "matches what the corpus gives" in out and "| **overall** (any item) |" in out
