"""Read the risk detector's data files: the slang dictionary (risk_slang.tsv) and the trained model's
weights and thresholds (risk_model.tsv, written by scripts/train_risk.py). Problems are raised with the
line they are on; `datafiles` turns them into a DataError naming the file."""

from __future__ import annotations

import re
from pathlib import Path

from curhat_tui.domain.risk import EXTRA_HEADS, LinearModel, Weights
from curhat_tui.domain.risk_text import parse_slang
from curhat_tui.domain.risk_unmask import Slang

SLANG_FILE = "risk_slang.tsv"
MODEL_FILE = "risk_model.tsv"


class RiskDataError(Exception):
    def __init__(self, line: int | None, problem: str, fix: str = "") -> None:
        self.line, self.problem, self.fix = line, problem, fix
        super().__init__(problem)


def read_slang(path: Path) -> Slang:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RiskDataError(None, "the slang dictionary is missing", "restore data/risk_slang.tsv") from None
    for n, line in enumerate(lines, 1):
        body = line.split("#", 1)[0]
        if body.strip() and (body.count("\t") != 1 or not body.split("\t")[1].strip()):
            raise RiskDataError(n, "a slang line needs a variant, one tab and the canonical words",
                                "write: variant<TAB>canonical words")
    return parse_slang(lines)


_PAIRS = re.compile(r"\d+:-?\d+(?:\.\d+)?(?: \d+:-?\d+(?:\.\d+)?)*")


def parse_model(lines: list[str], item_ids: set[str]) -> LinearModel:
    """The model file's lines as a LinearModel: '@meta key value', '@head name bias threshold', then
    'feature<TAB>head:weight head:weight ...' lines (checked here, read into numbers when first used)."""
    heads: list[str] = []
    bias: list[float] = []
    thresholds: dict[str, float] = {}
    meta: dict[str, str] = {}
    raw: dict[str, str] = {}
    for n, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        try:
            if parts[0] == "@meta":
                meta[parts[1]] = parts[2]
            elif parts[0] == "@head":
                name = parts[1]
                if name not in EXTRA_HEADS and name not in item_ids:
                    raise RiskDataError(n, f"head {name!r} is not a red-flag item", "retrain the model")
                heads.append(name)
                bias.append(float(parts[2]))
                thresholds[name] = float(parts[3])
            elif len(parts) == 2 and _PAIRS.fullmatch(parts[1]):
                raw[parts[0]] = parts[1]
            else:
                raise ValueError(line)
        except (IndexError, ValueError):
            raise RiskDataError(n, "this line of the model file is malformed", "retrain the model") from None
    if not heads:
        raise RiskDataError(None, "the model file declares no heads", "retrain: python scripts/train_risk.py")
    return LinearModel(tuple(heads), tuple(bias), Weights(raw, len(heads)), thresholds, meta)


def read_model(path: Path, item_ids: set[str]) -> LinearModel:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RiskDataError(None, "the risk model is missing", "retrain: python scripts/train_risk.py") from None
    return parse_model(lines, item_ids)
