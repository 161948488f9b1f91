"""Red flags: ticking an item records it, raises the session's risk, notes it and loads its referral script.

The script is loaded into the reply box, never sent by itself; the alert travels to
supervisors through the channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from curhat_tui.channels.base import Channel
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain import screener
from curhat_tui.domain.clock import Clock, clock_time
from curhat_tui.domain.i18n import Catalogue, pick
from curhat_tui.domain.models import Risk, SessionStatus
from curhat_tui.services.background import Background
from curhat_tui.services.events import EventBus, SessionChanged
from curhat_tui.services.notes import Notes
from curhat_tui.storage.sessions import REGION
from curhat_tui.storage.store import Store


@dataclass(frozen=True)
class LoadedScript:
    script_id: int
    item: str
    variant: str
    text: str  # what goes to the client: never a verification note
    entries: tuple[str, ...] = ()  # the directory ids the script offers, in its order (the counselor's side)


class Flags:
    def __init__(self, store: Store, channel: Channel, clock: Clock, data: ServiceData, bus: EventBus, notes: Notes,
                 background: Background, *, counselor: str, lang: str = "id") -> None:
        self.store = store
        self.lang = lang  # the counselor's interface language: the note's lines are theirs, the script the client's
        self.channel = channel
        self.clock = clock
        self.data = data
        self.bus = bus
        self.notes = notes
        self._background = background.run
        self.counselor = counselor

    def raise_flag(self, session_id: str, item_id: str, answers: dict[str, bool] | None = None) -> LoadedScript:
        """Tick a red-flag item: record it, raise the risk, note it, and return its script."""
        session = self.store.sessions.get(session_id)
        if session is None:
            raise KeyError(session_id)
        if session.status is not SessionStatus.ACTIVE:
            raise ValueError("red flags are raised in an active session")
        item = self.data.redflags.get(item_id)
        now = self.clock.now()
        variant, risk, detail = "default", item.risk, {}
        if item.screener and answers:
            risk = screener.result(answers)
            variant = screener.script_variant(risk)
            detail = {"screener": answers, "result": risk.key}
        elif item.screener and answers is not None:
            detail = {"screener": "skipped"}
        if item.screener and answers is not None:
            self.store.state.drop_screener_answers(session_id)  # finished or skipped: kept with the flag from now
        self.store.flags.add(session_id, item_id, now, detail)
        if risk > session.risk:
            session.risk = risk
            self.store.sessions.update(session_id, risk=risk)
        label = pick(item.label, session.lang)  # the alert goes out in the session's language
        noted = Catalogue(self.data.strings, self.lang)
        line = f"[{clock_time(self.clock, now)}] {noted.pick(item.label)}"
        if detail.get("result") == Risk.NONE.key:
            line += " — " + noted("note.cssrs_negative")
        elif "result" in detail:
            line += " — " + noted("note.cssrs", level=noted(f"risk.{detail['result']}"))
        elif detail:
            line += " — " + noted("note.cssrs_skipped")
        self.notes.append_field(session, "risk_screen", line)
        region = self.region(session_id)
        text = self.data.redflags.render_script(item_id, session.lang, session.alias, self.counselor, variant, region)
        script_id = self.store.flags.add_script(session_id, item_id, variant, text, now)
        self.bus.tell(SessionChanged(session))
        self._background(self.channel.alert(session, label, risk.key))
        entries = tuple(entry.id for entry in self.data.redflags.offered(item_id, region))
        return LoadedScript(script_id, item_id, variant, text, entries)

    # ---- the screener not finished yet ---------------------------------------------------
    def screener_answers(self, session_id: str) -> dict[str, bool]:
        """The answers recorded so far in the session's screener, kept across a restart until it is finished or
        skipped, the session closed or its transcript purged ({} when none)."""
        return self.store.state.screener_answers(session_id)

    def keep_screener_answers(self, session_id: str, answers: dict[str, bool]) -> None:
        """Keep the answers so far (no event: only the panel shows them). A closed or unknown session keeps none:
        what a client answered never outlives the rest of the session's data."""
        session = self.store.sessions.get(session_id)
        if session is None or session.status is SessionStatus.CLOSED or not answers:
            self.store.state.drop_screener_answers(session_id)
        else:
            self.store.state.set_screener_answers(session_id, answers)

    def region(self, session_id: str) -> str:
        """The client's province as far as the session knows it: a practice client's persona `region`, or a
        `region` the channel put in the session's state; "" when unknown. It only orders the referral list."""
        state = self.store.sessions.channel_state(session_id)
        region = state.get(REGION)
        if isinstance(region, str) and region.strip():
            return region.strip()
        persona_id = state.get("persona")
        persona = self.data.personas.get(persona_id) if isinstance(persona_id, str) else None
        return persona.region if persona is not None else ""

    def flags(self, session_id: str) -> dict[str, float]:
        """Ticked items of a session with the time each was first ticked."""
        ticked: dict[str, float] = {}
        for flag in self.store.flags.for_session(session_id):
            ticked.setdefault(flag.item, flag.ts)
        return ticked
