"""A language model phrasing a practice client's line while the client shows as typing (mixed into
`PracticeChannel`): the scripted line is kept meanwhile, the model's words replace it only if they pass
`check_voiced` (in `LLMVoice.phrase`), and a session that falls back too often stops asking the model."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from curhat_tui.domain.persona_model import typing_seconds

if TYPE_CHECKING:
    import random

    from curhat_tui.domain.clock import Clock
    from curhat_tui.domain.persona_model import Persona, PersonaState
    from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.practice")

VOICE_OFF_AFTER = 2  # consecutive replies that fell back to the script before a session stops asking the model


class Voicing:
    """The model's part of `PracticeChannel` (which provides the store, the clock, the voice and the pending lines)."""

    if TYPE_CHECKING:
        store: Store
        clock: Clock
        voice: Any  # an LLMVoice or None
        speed: float
        pending: list

        def _speed(self, session_id: str) -> float: ...

        def _rng(self, session_id: str, turn: int) -> random.Random: ...

        def _persist_pending(self, session_id: str) -> None: ...

        def pump(self, now: float) -> None: ...

    async def _voice(self, item, previous: asyncio.Task | None, persona: Persona, engine: PersonaState,
                     line: str, lang: str, history: list[tuple[str, str]]) -> None:
        """Ask the model for this line (after the session's earlier line), then release it."""
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        try:
            result = await self.voice.phrase(persona, engine, line, lang, history)
        finally:
            item.held = False
        if item not in self.pending:
            return  # the session ended meanwhile
        state = self.store.sessions.channel_state(item.session_id)
        if not state:
            return
        stats = state.setdefault("voice", {})
        stats["voiced" if result.voiced else "scripted"] = stats.get("voiced" if result.voiced else "scripted", 0) + 1
        stats["tokens"] = stats.get("tokens", 0) + result.tokens
        stats["streak"] = 0 if result.voiced else stats.get("streak", 0) + 1
        if stats["streak"] >= VOICE_OFF_AFTER:
            stats["off"] = True
            log.info("practice voice off for session %s after %s fallbacks", item.session_id, stats["streak"])
        self.store.sessions.update(item.session_id, channel_state=state)
        if result.voiced and result.text != item.text:
            speed = self._speed(item.session_id)
            rng = self._rng(item.session_id, item.turn)
            if speed > 0:
                rng.uniform(1.0, 4.0)  # the read delay, drawn as when it was queued
            item.text = result.text
            item.due = item.typing_at + typing_seconds(item.text, rng, speed)
        self._persist_pending(item.session_id)
        if self.speed <= 0:
            self.pump(self.clock.now())

