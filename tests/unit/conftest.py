"""Fixtures the unit tests share."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from curhat_tui.config.datafiles import load_directory, load_redflags
from curhat_tui.config.risk_data import load_rules, read_slang
from curhat_tui.domain.risk import RiskDetector

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from risk_corpus import ANSWERS, EXCHANGES, judged_files, read_tsv, training_lines  # noqa: E402


@pytest.fixture(scope="session")
def slang():
    """The risk detector's slang dictionary as shipped (data/risk_slang.tsv)."""
    return read_slang(ROOT / "data" / "risk_slang.tsv")


@pytest.fixture(scope="session")
def rules_only(slang):
    """The shipped lexicon rules and slang with no model: what a rule promises holds whatever a retrain does."""
    data = ROOT / "data"
    items = [item.id for item in load_redflags(data / "redflags.toml", load_directory(data / "directory.toml")).items]
    return RiskDetector(load_rules(data / "phrases.toml", set(items)), slang, None, tuple(items))


@pytest.fixture(scope="session")
def corpus_texts() -> frozenset[str]:
    """Every line the risk model learns from or is judged on (the expanded templates, written.tsv and every held-out
    set), lowercased: a test's own sentences must be none of them, or the test would judge what was trained."""
    known = {line.text.strip().lower() for line in training_lines(ROOT / "corpus")}
    for path in judged_files(ROOT / "corpus"):
        known |= {line.text.strip().lower() for line in read_tsv(path)}
    return frozenset(known)


@pytest.fixture(scope="session")
def corpus_exchanges() -> frozenset[tuple[str, str]]:
    """Every (counselor's message, client's reply) of the answers and exchanges sets, lowercased: a test's own exchanges
    must be none of them."""
    return frozenset((line.asked.lower(), line.text.lower()) for pattern in (ANSWERS, EXCHANGES)
                     for path in (ROOT / "corpus").glob(pattern + "*.tsv") for line in read_tsv(path))
