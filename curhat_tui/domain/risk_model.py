"""The risk detector's trained part: one logistic head per item (and for imminence and "any" risk) over the scaled
word and character feature blocks, its weights read lazily from data/risk_model.tsv (config/risk_data.py parses the
file; scripts/train_risk.py writes it)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from curhat_tui.domain.risk_text import block_scale


class Weights(Mapping[str, tuple[tuple[int, float], ...]]):
    """The model's weights by feature, read from their text only when a message first uses that feature:
    loading a model with tens of thousands of features then costs a dictionary of strings, not their parse. What is
    kept is only ever the model's own features, never a word of a message the model does not know."""

    def __init__(self, raw: dict[str, str], heads: int) -> None:
        self._raw = raw
        self._heads = heads
        self._rows: dict[str, tuple[float, ...]] = {}  # known feature -> its weight on every head, 0.0 where none

    def __getitem__(self, feature: str) -> tuple[tuple[int, float], ...]:
        if feature not in self._raw:
            raise KeyError(feature)
        return self.pairs(feature)

    def pairs(self, feature: str) -> tuple[tuple[int, float], ...]:
        """(head, weight) pairs of a feature; () for a feature the model does not know."""
        row = self._row(feature)
        return tuple((h, w) for h, w in enumerate(row) if w) if row else ()

    def _row(self, feature: str) -> tuple[float, ...]:
        """A feature's weight on every head (a dense row: most features weigh on most heads); () when unknown."""
        row = self._rows.get(feature)
        if row is None:
            text = self._raw.get(feature)
            if text is None:
                return ()
            dense = [0.0] * self._heads
            for pair in text.split():
                head, weight = pair.split(":")
                if int(head) < self._heads:
                    dense[int(head)] = float(weight)
            row = self._rows[feature] = tuple(dense)
        return row

    def add_into(self, out: list[float], block: set[str], scale: float) -> None:
        """Add each feature's weights times `scale` to the heads' logits in `out`: the scoring's hot loop, its sums
        taken column by column over the dense rows of the block's known features."""
        known = self._raw.keys() & block  # in C, over the block: a message's unknown words are never kept
        if not known:
            return
        got, row = self._rows.get, self._row
        rows = [got(feature) or row(feature) for feature in known]
        for head, total in enumerate(map(sum, zip(*rows))):
            out[head] += total * scale

    def weigher(self, head: int) -> Callable[[str], float]:
        """One head's weight of a feature (0.0 when it has none): evidence asks for every n-gram of a window."""
        if not 0 <= head < self._heads:
            raise IndexError(head)
        got, row = self._rows.get, self._row

        def weight(feature: str) -> float:
            found = got(feature) or row(feature)  # as add_into() reads a row; () for an unknown feature
            return found[head] if found else 0.0
        return weight

    def __iter__(self):
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, feature: object) -> bool:
        return feature in self._raw


@dataclass(frozen=True)
class LinearModel:
    """One logistic head per item (and one for imminence) over the two scaled feature blocks."""

    heads: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Weights  # feature -> (head index, weight) for nonzero weights
    thresholds: Mapping[str, float]  # head -> probability at which it is suggested
    meta: Mapping[str, str] = field(default_factory=dict)
    short_thresholds: Mapping[str, float] = field(default_factory=dict)  # the same, for a short message
    short_words: int = 0  # a message of at most this many words (split on spaces) is short; 0: none is

    def thresholds_for(self, text: str) -> Mapping[str, float]:
        """The thresholds `text` is judged against: a short message's are lower, because short lines score lower,
        benign and risk alike (scripts/risk_thresholds.py, SHORT_SCALE)."""
        if self.short_thresholds and is_short(text, self.short_words):
            return self.short_thresholds
        return self.thresholds

    def logits(self, words: set[str], chars: set[str]) -> list[float]:
        out = list(self.bias)
        self.weights.add_into(out, words, block_scale(len(words)))
        self.weights.add_into(out, chars, block_scale(len(chars)))
        return out


def is_short(text: str, words: int) -> bool:
    """Whether `text` has at most `words` words (split on spaces): a short message, for the thresholds it is judged
    against (LinearModel.thresholds_for; the training script's cross-validation judges the same way)."""
    return len(text.split()) <= words


def probability(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit)) if logit > -60 else 0.0
