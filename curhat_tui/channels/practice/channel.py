"""The embedded practice channel: scripted clients, reproducible from a seed, no server.

Clients arrive on a seeded schedule, or when the trainee asks for one (`request_client`:
a chosen persona, or one picked for them, at a chosen difficulty). With an `LLMVoice`
the engine's chosen line is rephrased by a language model in a background task while
the client shows as typing; the scripted line is kept in the store meanwhile, so a
restart or a failing model never silences a client. A client answers with one message or
several in a row (an upset client, a long reply), greets by the local time of day, nudges a
silent counselor and leaves a chat after a long silence (silence.py).
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import datetime

from curhat_tui.channels.base import (
    Channel,
    ClaimFailed,
    ClientArrived,
    ClientLeft,
    Delivered,
    Emit,
    MessageReceived,
    SessionGone,
    TypingChanged,
)
from curhat_tui.channels.practice.bookings import Bookings
from curhat_tui.channels.practice.silence import Silence
from curhat_tui.channels.practice.voicing import Voicing
from curhat_tui.domain.appointments import NO_SHOW_SECONDS, PRACTICE_OFFSETS_MINUTES
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.coding import Code
from curhat_tui.domain.hours import ServiceHours, is_open
from curhat_tui.domain.models import Delivery, Message, Sender, Session, Visit, VisitStatus
from curhat_tui.domain.persona_model import (
    Difficulty,
    Persona,
    PersonaState,
    Reply,
    arrival_schedule,
    difficulty,
    typing_seconds,
)
from curhat_tui.storage.sessions import ANSWERED, PENDING
from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.practice")

# the latest a booking can fall after the day starts: its offset, 3 minutes either way, rounded up to 5 minutes
LAST_BOOKING_SECONDS = (max(PRACTICE_OFFSETS_MINUTES) + 3) * 60 + 300
HISTORY_FOR_VOICE = 12  # transcript lines a model sees (all of them already said aloud)


@dataclass
class _Pending:
    session_id: str
    typing_at: float
    due: float
    text: str
    txn_ids: tuple[str, ...] = ()
    typing_shown: bool = False
    turn: int = 0
    held: bool = False  # a model is phrasing it: not delivered until it answers or gives up
    kind: str = "reply"  # reply | nudge | leave (after a leave line the client is gone)
    answers: str = ""  # the txn id of the counselor's line this one answers ("": none); kept as ANSWERED

    def to_dict(self) -> dict:
        return {"typing_at": self.typing_at, "due": self.due, "text": self.text, "txn_ids": list(self.txn_ids),
                "kind": self.kind, "answers": self.answers}


class PracticeChannel(Voicing, Silence, Bookings, Channel):
    """Simulated clients arrive over time, type with believable delays and react to the counselor.

    `speed` scales typing delays (0 = instant, for tests). State that must survive a
    restart (the arrival cursor, each persona's openness) lives in the store. A few clients a day come by
    appointment (domain/appointments.py); with service `hours`, nobody walks in or is booked while the service is
    closed (a client the trainee asks for still comes).
    """

    simulated = True
    name = "practice"

    def __init__(self, store: Store, personas: dict[str, Persona], prices: dict[tuple[str, int], int],
                 clock: Clock, seed: int = 1, speed: float = 1.0, arrivals: int = 60, mean_gap: float = 75.0,
                 difficulty: str = "normal", voice=None, hours: ServiceHours | None = None) -> None:
        self.store = store
        self.clock = clock
        self.personas = personas
        self.prices = prices
        self.seed = seed
        self.speed = speed
        self.difficulty = difficulty  # for scheduled arrivals; a requested client carries its own
        self.voice = voice  # an LLMVoice, or None for the scripted lines
        self.hours = hours or ServiceHours()  # outside them no simulated client walks in or is booked
        self.schedule = arrival_schedule(sorted(personas), seed, arrivals, mean_gap)
        self.emit: Emit = lambda event: None
        self.pending: list[_Pending] = []
        self.epoch: float | None = None
        self.requests_on_start: list[tuple[str | None, str]] = []
        self._voicing: dict[str, asyncio.Task] = {}
        self._init_silence()

    async def start(self, emit: Emit) -> None:
        self.emit = emit
        # replies a client was still "typing" when the workstation stopped come back
        for session in self.store.sessions.open():
            for item in self.store.sessions.channel_state(session.id).get(PENDING, []):
                self.pending.append(_Pending(session.id, item["typing_at"], item["due"], item["text"],
                                             tuple(item.get("txn_ids", ())), kind=item.get("kind", "reply"),
                                             answers=item.get("answers", "")))
                self._watch(session.id)
        for persona_id, level in self.requests_on_start:
            self.request_client(persona_id, level)
        self.requests_on_start = []

    async def stop(self) -> None:
        for task in list(self._voicing.values()):
            task.cancel()
        if self._voicing:
            await asyncio.gather(*self._voicing.values(), return_exceptions=True)
        self._voicing.clear()
        if self.voice is not None:
            await self.voice.aclose()

    def voice_off_in(self) -> list[str]:
        """Aliases of open sessions that stopped asking the model after repeated fallbacks."""
        return [s.alias for s in self.store.sessions.open()
                if self.store.sessions.channel_state(s.id).get("voice", {}).get("off")]

    async def settle(self) -> None:
        """Wait until no model is phrasing a reply (tests; the app never waits)."""
        while self._voicing:
            await asyncio.gather(*list(self._voicing.values()), return_exceptions=True)

    def _ensure_epoch(self, now: float) -> float:
        if self.epoch is None:
            stored = self.store.state.practice_epoch(self.seed)
            if stored is None:
                stored = now
                self.store.state.set_practice_epoch(self.seed, stored)
            self.epoch = stored
        day_length = max(self.schedule[-1].offset_seconds + max(p.patience_minutes for p in self.personas.values()) * 60,
                         LAST_BOOKING_SECONDS + NO_SHOW_SECONDS)  # never before the day's bookings are settled
        if now - self.epoch > day_length:
            # the simulated day is over (or the app was closed past it): a new day starts now
            self.epoch = now
            self.store.state.set_practice_epoch(self.seed, now)
            self.store.state.set_practice_next(self.seed, 0)
            self.store.state.set_practice_day(self.seed, self._day() + 1)
        return self.epoch

    def _day(self) -> int:
        return self.store.state.practice_day(self.seed)

    def _patience(self, visit: Visit) -> float:
        persona = self.personas.get(visit.persona)
        return (persona.patience_minutes if persona else 10) * 60.0 * self._visit_level(visit.id).patience

    def _visit_level(self, visit_id: str) -> Difficulty:
        return difficulty(self.store.state.practice_difficulty(visit_id) or self.difficulty)

    def _visit(self, persona: Persona, visit_id: str, arrived_at: float) -> Visit:
        return Visit(
            id=visit_id, client_key=f"practice:{persona.id}", alias=persona.alias,
            tier=persona.tier, minutes=persona.minutes,
            price=self.prices.get((persona.tier.value, persona.minutes), 0), topic=persona.topic,
            intake_risk_answer=persona.intake_risk, risk=persona.intake_risk_level, arrived_at=arrived_at,
            status=VisitStatus.WAITING, persona=persona.id,
        )

    # ---- the trainee's own choice -------------------------------------------------------
    def pick_persona(self, number: int) -> str:
        """The persona 'pick for me' chooses: one the trainee has practised least and is not already
        waiting or talking; ties broken by the seed, so the same seed and history give the same client."""
        busy = self._busy()
        ids = sorted(p for p in self.personas if p not in busy) or sorted(self.personas)
        done = {p: len(self.store.sessions.of_client(f"practice:{p}")) for p in ids}
        fewest = min(done.values())
        return random.Random(f"{self.seed}:pick:{number}").choice([p for p in ids if done[p] == fewest])

    def _busy(self) -> set[str | None]:
        """Personas waiting in the queue or talking in an open session: none of them arrives again."""
        busy: set[str | None] = {v.persona for v in self.store.visits.waiting()}
        busy |= {self.store.sessions.channel_state(s.id).get("persona") for s in self.store.sessions.open()}
        return busy

    def request_client(self, persona_id: str | None = None, level: str = "") -> Visit:
        """Bring one client into the queue now: `persona_id`, or one picked for the trainee, at `level`.

        A chosen persona already waiting is that same visit (at the new level), never a second entry; one
        already in an open session cannot queue again, so another is picked."""
        if persona_id is not None and persona_id not in self.personas:
            raise KeyError(persona_id)
        waiting = next((v for v in self.store.visits.waiting() if v.persona == persona_id), None)
        if persona_id is not None and waiting is not None:
            self.store.state.set_practice_difficulty(waiting.id, difficulty(level or self.difficulty).id)
            return waiting
        if persona_id in self._busy():
            persona_id = None
        number = self.store.state.practice_requests(self.seed)
        self.store.state.set_practice_requests(self.seed, number + 1)
        persona = self.personas[persona_id or self.pick_persona(number)]
        visit = self._visit(persona, f"p{self.seed}-c{number}", self.clock.now())
        self.store.state.set_practice_difficulty(visit.id, difficulty(level or self.difficulty).id)
        self.emit(ClientArrived(visit))
        return visit

    def pump(self, now: float) -> None:
        epoch = self._ensure_epoch(now)
        self._leave_if_tired(now)  # first: one who gave up may come back in the schedule
        cursor = self.store.state.practice_next(self.seed)
        while cursor < len(self.schedule) and epoch + self.schedule[cursor].offset_seconds <= now:
            arrival = self.schedule[cursor]
            cursor += 1
            self.store.state.set_practice_next(self.seed, cursor)
            persona = self.personas[arrival.persona_id]
            arrived_at = epoch + arrival.offset_seconds
            if now - arrived_at > persona.patience_minutes * 60:
                continue  # arrived and left while the workstation was closed
            if persona.id in self._busy():
                continue  # already waiting or talking: the same person does not queue twice
            if not is_open(self.hours, arrived_at) or self._held_for_appointment(persona.id, arrived_at):
                continue  # the service is closed, or this person comes by appointment soon
            visit_id = f"p{self.seed}-{arrival.index}" + (f"-d{self._day()}" if self._day() else "")
            self.emit(ClientArrived(self._visit(persona, visit_id, arrived_at)))
        self._appointments_due(now)
        self._silences(now)
        delivered = True
        while delivered:  # a reply held by the model may release the ones queued behind it
            delivered = False
            for item in sorted(self.pending, key=lambda p: p.due):
                if not item.typing_shown and item.typing_at <= now:
                    item.typing_shown = True
                    for txn in item.txn_ids:
                        self.emit(Delivered(txn, Delivery.READ))
                    self.emit(TypingChanged(item.session_id, True))
                if item.due <= now and not item.held and self._first_of_session(item):
                    self.pending.remove(item)
                    self.emit(TypingChanged(item.session_id, False))
                    self.emit(MessageReceived(item.session_id, item.text, now))
                    self._persist_pending(item.session_id, delivered=item)
                    self._client_spoke(item.session_id, item.kind)
                    if item.kind == "leave":  # the client's last line: it has left the chat
                        self._quiet.pop(item.session_id, None)
                        self.emit(SessionGone(item.session_id, "left"))
                    delivered = True

    def _leave_if_tired(self, now: float) -> None:
        for visit in self.store.visits.waiting():
            if visit.persona and now - self._waits_from(visit) > self._patience(visit):
                self.emit(ClientLeft(visit.id))

    def _first_of_session(self, item: _Pending) -> bool:
        """A client says their lines in the order they were chosen, however long a model took."""
        return next(p for p in self.pending if p.session_id == item.session_id) is item

    def _rng(self, session_id: str, turn: int) -> random.Random:
        return random.Random(f"{self.seed}:{session_id}:{turn}")

    def _speed(self, session_id: str) -> float:
        level = difficulty(self.store.sessions.channel_state(session_id).get("difficulty"))
        return self.speed * level.typing

    def _queue_reply(self, session_id: str, text: str, now: float, turn: int, txn_ids: tuple[str, ...] = (),
                     held: bool = False, kind: str = "reply", answers: str = "") -> _Pending:
        speed = self._speed(session_id)
        rng = self._rng(session_id, turn)
        read_delay = 0.0 if speed <= 0 else rng.uniform(1.0, 4.0) / speed
        start = max([now] + [p.due for p in self.pending if p.session_id == session_id])
        typing_at = start + read_delay
        item = _Pending(session_id, typing_at, typing_at + typing_seconds(text, rng, speed), text, txn_ids,
                        turn=turn, held=held, kind=kind, answers=answers)
        self.pending.append(item)
        self._persist_pending(session_id)
        if self.speed <= 0:
            self.pump(now)
        return item

    def _say(self, session: Session, reply: Reply, engine: PersonaState, turn: int,
             txn_ids: tuple[str, ...] = ()) -> None:
        """Queue what the client says next; with a voice, a model phrases it while the client types."""
        from curhat_tui.domain.persona import keep_verbatim  # the engine loads when a client first speaks
        state = self.store.sessions.channel_state(session.id)
        voice_state = state.get("voice", {})
        persona = self.personas[state["persona"]]
        answers = txn_ids[0] if txn_ids else ""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a plain script): the scripted line
            loop = None
        if loop is None or self.voice is None or self.voice.disabled or voice_state.get("off") or keep_verbatim(reply):
            self._queue_reply(session.id, reply.text, self.clock.now(), turn, txn_ids, answers=answers)
            self._say_more(session.id, reply, turn, answers)
            return
        item = self._queue_reply(session.id, reply.text, self.clock.now(), turn, txn_ids, held=True, answers=answers)
        self._say_more(session.id, reply, turn, answers)
        history = [("client" if m.sender is Sender.CLIENT else "counselor", m.text)
                   for m in self.store.messages.for_session(session.id)[-HISTORY_FOR_VOICE:] if m.sender is not Sender.SYSTEM]
        previous = self._voicing.get(session.id)
        task = loop.create_task(  # in the client's own language
            self._voice(item, previous, persona, engine, reply.text, persona.lang or session.lang, history))
        self._voicing[session.id] = task

        def done(finished: asyncio.Task, session_id: str = session.id) -> None:
            if self._voicing.get(session_id) is finished:
                del self._voicing[session_id]
            if not finished.cancelled() and finished.exception() is not None:
                log.warning("voicing a practice reply failed: %s", finished.exception())
                item.held = False  # the scripted line goes out as it is
                if self.speed <= 0:
                    self.pump(self.clock.now())
        task.add_done_callback(done)

    def _say_more(self, session_id: str, reply: Reply, turn: int, answers: str = "") -> None:
        """The further messages of this turn, each typed after the one before (never rephrased)."""
        for number, text in enumerate(reply.more, 1):
            self._queue_reply(session_id, text, self.clock.now(), turn * 10 + number, answers=answers)

    def _persist_pending(self, session_id: str, delivered: _Pending | None = None) -> None:
        """Keep what the client is about to say in the store, so a restart does not silence them, and for a line just
        said, which of the counselor's lines it answered (the report pairs them: services.practice_report)."""
        state = self.store.sessions.channel_state(session_id)
        if not state:
            return
        state[PENDING] = [p.to_dict() for p in self.pending if p.session_id == session_id]
        if delivered is not None:
            kept = state.get(ANSWERED)
            state[ANSWERED] = [*(kept if isinstance(kept, list) else []), [delivered.text, delivered.answers]]
        self.store.sessions.update(session_id, channel_state=state)

    def _persona(self, session: Session) -> Persona:
        state = self.store.sessions.channel_state(session.id)
        return self.personas[state["persona"]]

    async def claim(self, visit: Visit, session: Session) -> dict:
        current = self.store.visits.get(visit.id)
        if current is None or current.status is VisitStatus.LEFT or (
                visit.persona and session.started_at - self._waits_from(visit) > self._patience(visit)):
            raise ClaimFailed("left")
        if current.status is VisitStatus.ACCEPTED:
            raise ClaimFailed("taken")
        persona = self.personas.get(visit.persona)
        if persona is not None and persona.lang:
            session.lang = persona.lang  # scripts and notes in the client's own language (tasha writes English)
        return {"persona": visit.persona, "engine": PersonaState().to_dict(), "greeted": False,
                "difficulty": self._visit_level(visit.id).id}

    def opened(self, session: Session) -> None:
        """The session row exists: the client says hello."""
        state = self.store.sessions.channel_state(session.id)
        if not state.get("greeted"):
            state["greeted"] = True
            self.store.sessions.update(session.id, channel_state=state)
            from curhat_tui.domain.persona import first_line

            persona = self._persona(session)
            hour = datetime.fromtimestamp(self.clock.now(), self.clock.tz).hour
            self._watch(session.id)
            self._say(session, Reply(first_line(persona, hour), Code.OTHER), PersonaState(), 0)

    async def send(self, session: Session, message: Message) -> None:
        self.emit(Delivered(message.txn_id, Delivery.SENT))
        state = self.store.sessions.channel_state(session.id)
        if state.get("done_txn") and message.txn_id in state["done_txn"]:
            return  # a retry of a message already answered
        from curhat_tui.domain.persona import respond

        self._watch(session.id)
        state = self.store.sessions.channel_state(session.id)
        persona = self.personas[state["persona"]]
        engine = PersonaState.from_dict(state.get("engine"))
        reply = respond(persona, engine, message.text, difficulty(state.get("difficulty")))
        state["engine"] = engine.to_dict()
        state.setdefault("done_txn", []).append(message.txn_id)
        state["done_txn"] = state["done_txn"][-20:]
        self.store.sessions.update(session.id, channel_state=state)
        self._say(session, reply, engine, engine.turns, (message.txn_id,))

    async def end(self, session: Session) -> None:
        task = self._voicing.pop(session.id, None)
        if task is not None:
            task.cancel()
        self.pending = [p for p in self.pending if p.session_id != session.id]
        self._quiet.pop(session.id, None)
        self._persist_pending(session.id)
        state = self.store.sessions.channel_state(session.id)
        persona = self.personas.get(state.get("persona", ""))
        if persona and not state.get("left"):  # a client who left the chat says nothing more
            engine = PersonaState.from_dict(state.get("engine"))
            self._say(session, Reply(persona.thanks, Code.OTHER), engine, 9999)
