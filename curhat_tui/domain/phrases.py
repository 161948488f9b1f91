"""Risk-phrase matcher: flags client text that suggests a red-flag item, never ticks it."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RUNS = re.compile(r"([a-z])\1{2,}")
SCAN_CHARS = 20_000  # risk words are looked for in the first part of a message; a huge paste stays cheap


def normalise(text: str) -> str:
    """Lowercase and collapse runs of three or more identical letters ("capeeek" -> "capek").

    Keeps string length identical up to the collapsed runs so spans can be mapped back:
    use `match_spans` rather than indexing the normalised text directly.
    """
    return _RUNS.sub(r"\1", text.lower())


@dataclass(frozen=True)
class PhraseRule:
    item: str
    lang: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class PhraseHit:
    item: str
    start: int
    end: int


class PhraseMatcher:
    def __init__(self, rules: list[PhraseRule]) -> None:
        self.rules = rules

    def scan(self, text: str) -> list[PhraseHit]:
        """Hits with spans in the ORIGINAL text, sorted by position (within the first SCAN_CHARS)."""
        text = text[:SCAN_CHARS]
        # lowercase one character at a time: str.lower() can change the length ("İ")
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
        # Map each normalised index back to an original index.
        norm_chars: list[str] = []
        index_map: list[int] = []
        i = 0
        while i < len(lowered):
            ch = lowered[i]
            j = i
            while j < len(lowered) and lowered[j] == ch:
                j += 1
            run = j - i
            keep = 1 if (run >= 3 and ch.isalpha() and ch.isascii()) else run
            for k in range(keep):
                norm_chars.append(ch)
                index_map.append(i + k)
            i = j
        index_map.append(len(lowered))
        norm = "".join(norm_chars)
        hits: list[PhraseHit] = []
        for rule in self.rules:
            for m in rule.pattern.finditer(norm):
                if m.end() > m.start():
                    end = index_map[m.end() - 1] + 1
                    # extend to the end of a collapsed run
                    while end < len(lowered) and lowered[end] == lowered[end - 1] and lowered[end].isalpha():
                        end += 1
                    hits.append(PhraseHit(rule.item, index_map[m.start()], end))
        hits.sort(key=lambda h: (h.start, h.end))
        return hits

    def items(self, text: str) -> list[str]:
        """Distinct suggested items in order of first appearance."""
        seen: list[str] = []
        for hit in self.scan(text):
            if hit.item not in seen:
                seen.append(hit.item)
        return seen
