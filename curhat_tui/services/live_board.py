"""What the supervisor's Live tab shows beside the running sessions: each counselor's load and the debriefs
counselors send after a high-risk session.

A counselor's workstation tells its load ({open, weight, cap}) with every live status, and a debrief
({alias, text, at}) with the live status of the session it is about (`services.supervision`). Both are
checked here before they are kept: the link is another machine's word. On one machine (a shared data dir)
the load is counted from the open sessions themselves, weighed by `domain.load`.
"""

from __future__ import annotations

from dataclasses import dataclass

from curhat_tui.domain.load import load_of
from curhat_tui.domain.models import Risk
from curhat_tui.storage.store import Store

MAX_DEBRIEFS = 20  # the newest kept; the Live tab is about this shift
MAX_DEBRIEF_CHARS = 2000


@dataclass(frozen=True)
class CounselorLoad:
    counselor: str
    open: int  # open sessions (wrap-up included: the note is still to write)
    weight: int  # those sessions weighed by risk
    cap: int  # the service's cap; 0: none

    @property
    def full(self) -> bool:
        """At or past the cap: the next client may be refused."""
        return self.cap > 0 and self.weight >= self.cap


@dataclass(frozen=True)
class Debrief:
    session_id: str
    counselor: str
    alias: str
    text: str
    at: float


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10_000 else None


def keep_told(store: Store, session_id: str, info: dict, now: float) -> None:
    """Keep the load and the debrief a live status carries, if they are well formed (else leave them out)."""
    counselor = info.get("counselor")
    if not isinstance(counselor, str) or not counselor:
        return
    load = info.get("load")
    if isinstance(load, dict):
        figures = [_count(load.get(key)) for key in ("open", "weight", "cap")]
        if all(f is not None for f in figures):
            loads = store.state.supervision_loads()
            loads[counselor] = dict(zip(("open", "weight", "cap"), figures, strict=True), at=now)
            store.state.set_supervision_loads(loads)
    debrief = info.get("debrief")
    if isinstance(debrief, dict) and isinstance(debrief.get("text"), str) and debrief["text"].strip():
        alias = debrief.get("alias") if isinstance(debrief.get("alias"), str) else info.get("alias", "")
        at = debrief.get("at")
        at = float(at) if isinstance(at, (int, float)) and not isinstance(at, bool) else now
        keep_debrief(store, Debrief(session_id, counselor, str(alias), debrief["text"].strip()[:MAX_DEBRIEF_CHARS], at))


def keep_debrief(store: Store, debrief: Debrief) -> None:
    """Keep one debrief (the same one told twice is kept once); only the newest MAX_DEBRIEFS stay."""
    kept = [d for d in store.state.supervision_debriefs()
            if not (d.get("session_id") == debrief.session_id and d.get("text") == debrief.text)]
    kept.append({"session_id": debrief.session_id, "counselor": debrief.counselor, "alias": debrief.alias,
                 "text": debrief.text, "at": debrief.at})
    store.state.set_supervision_debriefs(kept[-MAX_DEBRIEFS:])


def debriefs(store: Store) -> list[Debrief]:
    """The kept debriefs, newest first."""
    out = []
    for d in store.state.supervision_debriefs():
        try:
            out.append(Debrief(str(d["session_id"]), str(d["counselor"]), str(d["alias"]), str(d["text"]),
                               float(d["at"])))
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(out, key=lambda d: -d.at)


def loads(store: Store, cap: int) -> list[CounselorLoad]:
    """Each counselor's load, by name: counted from this store's open sessions where it holds them (with this
    machine's `cap`), else as their workstation last told it; a counselor with nothing open is left out."""
    local: dict[str, list[Risk]] = {}
    for session in store.sessions.open():
        local.setdefault(session.counselor, []).append(session.risk)
    out = {name: CounselorLoad(name, len(risks), load_of(risks), cap) for name, risks in local.items()}
    for name, told in store.state.supervision_loads().items():
        if name not in out and told.get("open"):
            out[name] = CounselorLoad(name, int(told["open"]), int(told["weight"]), int(told["cap"]))
    return sorted(out.values(), key=lambda load: (-load.weight, load.counselor.casefold()))
