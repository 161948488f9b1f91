"""Read the risk detector's data files: the slang dictionary (risk_slang.tsv), the corpus's known words
(risk_words.tsv) and the trained model's weights and thresholds (risk_model.tsv), both written by
scripts/train_risk.py, and the lexicon rules (phrases.toml); the detector built from them (`load_phrases`).
Problems are raised as a DataError naming the file and the line. `datafiles` imports this module only when the
detector is built, just after the first frame (`config/deferred.py`), so the detector's modules cost the start
nothing."""

from __future__ import annotations

import re
from pathlib import Path

from curhat_tui.config.data_file import DataError
from curhat_tui.config.data_file import DataFile as _File
from curhat_tui.domain.risk import EXTRA_HEADS, IMMINENT, RiskDetector, RiskRule
from curhat_tui.domain.risk_model import LinearModel, Weights
from curhat_tui.domain.risk_spell import parse_words
from curhat_tui.domain.risk_text import parse_slang
from curhat_tui.domain.risk_unmask import Slang

SLANG_FILE = "risk_slang.tsv"
WORDS_FILE = "risk_words.tsv"
MODEL_FILE = "risk_model.tsv"


class RiskDataError(Exception):
    def __init__(self, line: int | None, problem: str, fix: str = "") -> None:
        self.line, self.problem, self.fix = line, problem, fix
        super().__init__(problem)


def read_words(path: Path) -> dict[str, int]:
    """The known words a word typed with a slip is read against (risk_words.tsv: "word<TAB>count")."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RiskDataError(None, "the list of known words is missing",
                            "restore data/risk_words.tsv, or rebuild it: scripts/train_risk.py") from None
    for n, line in enumerate(lines, 1):
        body = line.split("#", 1)[0].strip()
        word, tab, count = body.partition("\t")
        if body and (not tab or not word or not count.isdigit() or "\t" in count):
            raise RiskDataError(n, "a known-words line needs a word, one tab and a count",
                                "write: word<TAB>number of corpus groups it occurs in")
    return parse_words(lines)


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
    """The model file's lines as a LinearModel: '@meta key value', '@head name bias threshold [short_threshold]'
    (the second for a message of at most '@meta short_words' words), then 'feature<TAB>head:weight head:weight ...'
    lines (checked here, read into numbers when first used)."""
    heads: list[str] = []
    bias: list[float] = []
    thresholds: dict[str, float] = {}
    short: dict[str, float] = {}
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
                if len(parts) > 4:
                    short[name] = float(parts[4])
            elif len(parts) == 2 and _PAIRS.fullmatch(parts[1]):
                raw[parts[0]] = parts[1]
            else:
                raise ValueError(line)
        except (IndexError, ValueError):
            raise RiskDataError(n, "this line of the model file is malformed", "retrain the model") from None
    if not heads:
        raise RiskDataError(None, "the model file declares no heads", "retrain: python scripts/train_risk.py")
    try:
        short_words = int(meta.get("short_words", "0"))
    except ValueError:
        raise RiskDataError(None, f"short_words is {meta['short_words']!r}, not a number of words", "retrain the model") from None
    if short_words and set(short) != set(heads):
        raise RiskDataError(None, "short_words is set but not every head has a short threshold", "retrain the model")
    return LinearModel(tuple(heads), tuple(bias), Weights(raw, len(heads)), thresholds, meta, short, short_words)


def read_model(path: Path, item_ids: set[str]) -> LinearModel:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RiskDataError(None, "the risk model is missing", "retrain: python scripts/train_risk.py") from None
    return parse_model(lines, item_ids)


def load_rules(path: Path, item_ids: set[str]) -> list[RiskRule]:
    """phrases.toml: [[phrase]] rules that suggest an item on their own, [[cue]] lexicon cues the model weighs;
    both regexes over normalised text."""
    f = _File(path)
    rules = []
    for table in ("phrase", "cue"):
        for i, e in enumerate(f.entries(table)):
            item = f.need(e, table, i, "item")
            if item not in item_ids and not (table == "cue" and item == IMMINENT):
                raise f.fail(table, i, f"item {item!r} is not a red-flag item", "use an id from redflags.toml", "item")
            imminent = e.get("imminent", False)
            if not isinstance(imminent, bool):
                raise f.fail(table, i, "imminent must be true or false", "write imminent = true", "imminent")
            try:
                unless = tuple(re.compile(u) for u in e.get("unless", []))
                patterns = [re.compile(p) for p in f.need(e, table, i, "patterns", list)]
                # one pass per block: its patterns as one alternation
                either = re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
                rules.append(RiskRule(item, either, imminent, cue=table == "cue", unless=unless))
            except re.error as exc:
                raise f.fail(table, i, f"a pattern is not a valid regex: {exc}",
                             "escape special characters with a backslash", "patterns") from None
    return rules


def load_phrases(path: Path, item_ids: set[str], order: tuple[str, ...] = (), read_answers: bool = True) -> RiskDetector:
    """The risk detector: phrases.toml's rules, with the slang dictionary and the model beside it (`read_answers`:
    service.toml's [risk] setting)."""
    rules = load_rules(path, item_ids)
    slang_path, model_path, words_path = path.parent / SLANG_FILE, path.parent / MODEL_FILE, path.parent / WORDS_FILE
    try:
        slang = read_slang(slang_path)
    except RiskDataError as exc:
        raise DataError(slang_path, exc.line, exc.problem, exc.fix) from None
    try:
        slang = slang.with_words(read_words(words_path))
    except RiskDataError as exc:
        raise DataError(words_path, exc.line, exc.problem, exc.fix) from None
    try:
        model = read_model(model_path, item_ids)
    except RiskDataError as exc:
        raise DataError(model_path, exc.line, exc.problem, exc.fix) from None
    return RiskDetector(rules, slang, model, order, read_answers)
