"""Fixtures the unit tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from curhat_tui.config.risk_data import read_slang

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def slang():
    """The risk detector's slang dictionary as shipped (data/risk_slang.tsv)."""
    return read_slang(ROOT / "data" / "risk_slang.tsv")
