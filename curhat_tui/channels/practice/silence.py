"""Time inside a practice session: a client the counselor leaves without an answer nudges ("kak?") and,
after a long silence, says its `leave` line and leaves the chat (the desk then ends the session, as for a
real client who left: SessionGone "left"). Difficulty sets how long (domain/persona_model.py: nudges after
120/90/60 s, leaves after 6/4/3 min on easy/normal/hard).

Mixed into `PracticeChannel`. Silence is counted only while the workstation runs: time between two ticks
further apart than MAX_TICK_GAP (10 s; the app ticks twice a second) does not count (a suspended laptop, the
app closed or blocked), so nobody leaves a chat because the machine slept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curhat_tui.domain.models import SessionStatus
from curhat_tui.domain.persona_model import difficulty

if TYPE_CHECKING:
    from curhat_tui.domain.persona_model import Persona
    from curhat_tui.storage.store import Store

MAX_TICK_GAP = 10.0  # seconds between two ticks (the app ticks every 0.5 s) beyond which the gap is not silence
MAX_NUDGES = 2  # then the client waits quietly until it leaves


class Silence:
    """Nudges and leaving for `PracticeChannel` (which provides the store, the personas and `_queue_reply`)."""

    if TYPE_CHECKING:
        store: Store
        personas: dict[str, Persona]
        pending: list

        def _queue_reply(self, session_id: str, text: str, now: float, turn: int, txn_ids: tuple[str, ...] = (),
                         held: bool = False, kind: str = "reply"): ...

    _quiet: dict[str, float]
    _last_tick: float | None

    def _init_silence(self) -> None:
        self._quiet = {}  # session id -> seconds the counselor has left the client's last line unanswered
        self._last_tick = None

    def _watch(self, session_id: str) -> None:
        """This workstation talks in `session_id`: its silences count from now (the counselor wrote, or the
        session opened)."""
        self._quiet[session_id] = 0.0
        state = self.store.sessions.channel_state(session_id)
        if state and state.get("nudges"):
            state["nudges"] = 0
            self.store.sessions.update(session_id, channel_state=state)

    def _client_spoke(self, session_id: str, kind: str) -> None:
        """A client line was delivered: a real reply restarts the silence, a nudge does not."""
        if kind == "reply" and session_id in self._quiet:
            self._quiet[session_id] = 0.0

    def _silences(self, now: float) -> None:
        """Count the silence since the last tick in each watched session; nudge or leave when it is due."""
        step = 0.0 if self._last_tick is None else now - self._last_tick
        self._last_tick = now
        if step <= 0 or step > MAX_TICK_GAP:
            return
        typing = {p.session_id for p in self.pending}
        for session_id in list(self._quiet):
            session = self.store.sessions.get(session_id)
            if session is None or session.status is not SessionStatus.ACTIVE:
                del self._quiet[session_id]
                continue
            if session_id in typing:
                continue  # the client is still typing: it is not waiting yet
            state = self.store.sessions.channel_state(session_id)
            persona = self.personas.get(state.get("persona", ""))
            if persona is None or state.get("left"):
                continue
            self._quiet[session_id] += step
            quiet, level = self._quiet[session_id], difficulty(state.get("difficulty"))
            nudges = int(state.get("nudges", 0))
            if quiet >= level.leave_seconds:
                from curhat_tui.domain.persona import leave_line  # the engine loads once a line is due

                state["left"] = True
                self.store.sessions.update(session_id, channel_state=state)
                self._queue_reply(session_id, leave_line(persona), now, 10_000, kind="leave")
            elif nudges < MAX_NUDGES and quiet >= level.nudge_seconds * (nudges + 1):
                from curhat_tui.domain.persona import nudge_line

                state["nudges"] = nudges + 1
                self.store.sessions.update(session_id, channel_state=state)
                self._queue_reply(session_id, nudge_line(persona, nudges), now, 20_000 + nudges, kind="nudge")
