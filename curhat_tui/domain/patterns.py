"""Regular expressions compiled the first time they are used, not when their module is imported.

The keyword heuristics (the utterance coder, the practice clients' question classifiers, the report's safety
lines, masking) hold a few hundred large patterns. Compiled at import they cost tens of milliseconds of every
start-up, before the first frame, though most are needed only once a counselor writes or a report is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any


class LazyPattern:
    """`re.compile(source, flags)`, done once, on the first search, match or substitution."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        return self._compiled or self.compile()

    def compile(self) -> re.Pattern[str]:
        """Compile now if not yet (raises re.error for a broken pattern)."""
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    @property
    def pattern(self) -> str:
        return self._source

    def search(self, string: str, *span: int) -> re.Match[str] | None:
        return self.compiled.search(string, *span)

    def match(self, string: str, *span: int) -> re.Match[str] | None:
        return self.compiled.match(string, *span)

    def fullmatch(self, string: str, *span: int) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, *span)

    def finditer(self, string: str, *span: int) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, *span)

    def findall(self, string: str, *span: int) -> list[Any]:
        return self.compiled.findall(string, *span)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source!r}, {self._flags!r})"


def lazy(source: str, flags: int = 0) -> LazyPattern:
    """A pattern compiled on first use."""
    return LazyPattern(source, flags)


def rx(*words: str) -> LazyPattern:
    """Any of `words` (regular expressions), case-insensitive, compiled on first use."""
    return LazyPattern("|".join(words), re.IGNORECASE)
