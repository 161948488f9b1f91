"""The load guard: a counselor's open sessions weighed by risk against the service's cap, and the debrief a
high-risk session asks for once it has closed.

The desk asks it before claiming a client and after closing a session; supervisors see its status."""

from __future__ import annotations

from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.load import fits, load_of, weight
from curhat_tui.domain.models import Risk, Session, Visit
from curhat_tui.storage.store import Store


class LoadRefused(Exception):
    """Accepting this client would take the load past the cap: the load now, the cap, the client's risk."""

    def __init__(self, load: int, cap: int, risk: Risk) -> None:
        super().__init__("load")
        self.load, self.cap, self.risk = load, cap, Risk(risk)
        self.weight = weight(self.risk)


class LoadGuard:
    def __init__(self, store: Store, data: ServiceData, max_load: int, counselor: str | None = None) -> None:
        self.store = store
        self.counselor = counselor  # whose sessions count (None: every open one in the store)
        self.data = data
        self.max_load = max_load  # weighted open sessions this counselor may hold (domain/load.py); 0 = no cap

    def load(self) -> tuple[int, int]:
        """The weighted load of the open sessions (wrap-up included: the note is still to write) and the cap."""
        return load_of(s.risk for s in self.store.sessions.open(self.counselor)), self.max_load

    def status(self) -> dict:
        """The load as supervisors see it: open sessions, their weight, the cap (0: none)."""
        sessions = self.store.sessions.open(self.counselor)  # one read for both figures
        return {"open": len(sessions), "weight": load_of(s.risk for s in sessions), "cap": self.max_load}

    def check(self, visit: Visit) -> None:
        """Raise LoadRefused when taking this client would pass the cap (an imminent one weighs as high risk)."""
        current, cap = self.load()
        incoming = max(visit.risk, Risk.HIGH if visit.imminent else Risk.NONE, key=int)
        if not fits(current, incoming, cap):
            raise LoadRefused(current, cap, incoming)

    def debrief_due(self, session: Session) -> bool:
        """Whether the session was at high risk, or a high-risk red flag was ticked in it."""
        if session.risk >= Risk.HIGH:
            return True
        levels = {item.id: item.risk for item in self.data.redflags.items}
        return any(levels.get(f.item, Risk.NONE) >= Risk.HIGH for f in self.store.flags.for_session(session.id))
