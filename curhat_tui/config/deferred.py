"""The part of the service data that is read on first use, or when `warm()` says so, instead of before the first frame.

The risk detector (a 1.7 MB model and the lexicon's regexes) takes about a tenth of a second to read on a
counselor's laptop, and the desk can be drawn without it. `load_all(defer=True)` (the app's start) hands it
out unread; the app warms it as soon as its first frame is on the screen, so a broken file still stops the app
with its name, line and fix, a moment later. The practice personas' probe patterns (about 200 regexes) are
compiled on first use the same way, and checked by the same warm-up (`DeferredChecks`).
Everything else (`risk-scan`, the intake, tests) reads it at once, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the detector's modules are imported when it is built (datafiles._detector), after the first frame
    from curhat_tui.domain.risk import Detection, PhraseHit, RiskDetector


class DeferredDetector:
    """The risk detector, built by `build()` on first use; its interface is the detector's."""

    def __init__(self, build: Callable[[], RiskDetector]) -> None:
        self._build: Callable[[], RiskDetector] | None = build
        self._detector: RiskDetector | None = None

    @property
    def ready(self) -> bool:
        return self._detector is not None

    def warm(self) -> RiskDetector:
        """Build the detector now if it is not built (raises the loader's DataError for a broken file)."""
        if self._detector is None:
            assert self._build is not None
            self._detector = self._build()
            self._build = None
        return self._detector

    def items(self, text: str) -> list[str]:
        return self.warm().items(text)

    def scan(self, text: str) -> list[PhraseHit]:
        return self.warm().scan(text)

    def detect(self, text: str) -> Detection:
        return self.warm().detect(text)

    def answer(self, asked: str, reply: str, raised: frozenset[str] = frozenset()) -> Detection:
        return self.warm().answer(asked, reply, raised)


@dataclass
class DeferredChecks:
    """Checks of the data files left for after the first frame (the persona patterns: `config.persona_data`); each
    raises the loader's DataError. `run()` runs those not yet passed, in order."""

    pending: list[Callable[[], None]] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return not self.pending

    def run(self) -> None:
        while self.pending:
            self.pending[0]()
            self.pending.pop(0)
