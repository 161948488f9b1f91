"""The embedded practice channel: scripted clients, reproducible from a seed, no server."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..domain.clock import Clock
from ..domain.models import Delivery, Message, Session, Visit, VisitStatus
from ..domain.persona import Persona, PersonaState, arrival_schedule, respond, typing_seconds
from ..store import Store
from .base import Channel, ClaimFailed, ClientArrived, ClientLeft, Delivered, Emit, MessageReceived, TypingChanged


@dataclass
class _Pending:
    session_id: str
    typing_at: float
    due: float
    text: str
    txn_ids: tuple[str, ...] = ()
    typing_shown: bool = False
    persisted: bool = False

    def to_dict(self) -> dict:
        return {"typing_at": self.typing_at, "due": self.due, "text": self.text, "txn_ids": list(self.txn_ids)}


class PracticeChannel(Channel):
    """Simulated clients arrive over time, type with believable delays and react to the counselor.

    `speed` scales typing delays (0 = instant, for tests). State that must survive a
    restart (the arrival cursor, each persona's openness) lives in the store.
    """

    simulated = True
    name = "practice"

    def __init__(self, store: Store, personas: dict[str, Persona], prices: dict[tuple[str, int], int],
                 clock: Clock, seed: int = 1, speed: float = 1.0, arrivals: int = 60, mean_gap: float = 75.0) -> None:
        self.store = store
        self.clock = clock
        self.personas = personas
        self.prices = prices
        self.seed = seed
        self.speed = speed
        self.schedule = arrival_schedule(sorted(personas), seed, arrivals, mean_gap)
        self.emit: Emit = lambda event: None
        self.pending: list[_Pending] = []
        self.epoch: float | None = None

    async def start(self, emit: Emit) -> None:
        self.emit = emit
        # replies a client was still "typing" when the workstation stopped come back
        for session in self.store.open_sessions():
            for item in self.store.channel_state(session.id).get("pending", []):
                self.pending.append(_Pending(session.id, item["typing_at"], item["due"], item["text"],
                                             tuple(item.get("txn_ids", ())), persisted=True))

    def _ensure_epoch(self, now: float) -> float:
        if self.epoch is None:
            stored = self.store.get_meta(f"practice.epoch.{self.seed}")
            if stored is None:
                stored = repr(now)
                self.store.set_meta(f"practice.epoch.{self.seed}", stored)
            self.epoch = float(stored)
        day_length = self.schedule[-1].offset_seconds + max(p.patience_minutes for p in self.personas.values()) * 60
        if now - self.epoch > day_length:
            # the simulated day is over (or the app was closed past it): a new day starts now
            self.epoch = now
            self.store.set_meta(f"practice.epoch.{self.seed}", repr(now))
            self.store.set_meta(f"practice.next.{self.seed}", "0")
            self.store.set_meta(f"practice.day.{self.seed}", str(self._day() + 1))
        return self.epoch

    def _day(self) -> int:
        return int(self.store.get_meta(f"practice.day.{self.seed}", "0") or 0)

    def _patience(self, visit: Visit) -> float:
        persona = self.personas.get(visit.persona)
        return (persona.patience_minutes if persona else 10) * 60.0

    def pump(self, now: float) -> None:
        epoch = self._ensure_epoch(now)
        cursor_key = f"practice.next.{self.seed}"
        cursor = int(self.store.get_meta(cursor_key, "0") or 0)
        while cursor < len(self.schedule) and epoch + self.schedule[cursor].offset_seconds <= now:
            arrival = self.schedule[cursor]
            cursor += 1
            self.store.set_meta(cursor_key, str(cursor))
            persona = self.personas[arrival.persona_id]
            arrived_at = epoch + arrival.offset_seconds
            if now - arrived_at > persona.patience_minutes * 60:
                continue  # arrived and left while the workstation was closed
            self.emit(ClientArrived(Visit(
                id=f"p{self.seed}-{arrival.index}" + (f"-d{self._day()}" if self._day() else ""), client_key=f"practice:{persona.id}", alias=persona.alias,
                tier=persona.tier, minutes=persona.minutes,
                price=self.prices.get((persona.tier.value, persona.minutes), 0), topic=persona.topic,
                intake_risk_answer=persona.intake_risk, risk=persona.intake_risk_level, arrived_at=arrived_at,
                status=VisitStatus.WAITING, persona=persona.id,
            )))
        for visit in self.store.waiting_visits():
            if visit.persona and now - visit.arrived_at > self._patience(visit):
                self.emit(ClientLeft(visit.id))
        for item in sorted(self.pending, key=lambda p: p.due):
            if not item.typing_shown and item.typing_at <= now:
                item.typing_shown = True
                for txn in item.txn_ids:
                    self.emit(Delivered(txn, Delivery.READ))
                self.emit(TypingChanged(item.session_id, True))
            if item.due <= now:
                self.pending.remove(item)
                self.emit(TypingChanged(item.session_id, False))
                self.emit(MessageReceived(item.session_id, item.text, now))
                self._persist_pending(item.session_id)

    def _rng(self, session_id: str, turn: int) -> random.Random:
        return random.Random(f"{self.seed}:{session_id}:{turn}")

    def _queue_reply(self, session_id: str, text: str, now: float, turn: int, txn_ids: tuple[str, ...] = ()) -> None:
        rng = self._rng(session_id, turn)
        read_delay = 0.0 if self.speed <= 0 else rng.uniform(1.0, 4.0) / self.speed
        start = max([now] + [p.due for p in self.pending if p.session_id == session_id])
        typing_at = start + read_delay
        self.pending.append(_Pending(session_id, typing_at, typing_at + typing_seconds(text, rng, self.speed),
                                     text, txn_ids))
        self._persist_pending(session_id)
        if self.speed <= 0:
            self.pump(now)

    def _persist_pending(self, session_id: str) -> None:
        """Keep what the client is about to say in the store, so a restart does not silence them."""
        state = self.store.channel_state(session_id)
        if not state:
            return
        state["pending"] = [p.to_dict() for p in self.pending if p.session_id == session_id]
        self.store.update_session(session_id, channel_state=state)

    def _persona(self, session: Session) -> Persona:
        state = self.store.channel_state(session.id)
        return self.personas[state["persona"]]

    async def claim(self, visit: Visit, session: Session) -> dict:
        current = self.store.visit(visit.id)
        if current is None or current.status is VisitStatus.LEFT or (
                visit.persona and session.started_at - visit.arrived_at > self._patience(visit)):
            raise ClaimFailed("left")
        if current.status is VisitStatus.ACCEPTED:
            raise ClaimFailed("taken")
        return {"persona": visit.persona, "engine": PersonaState().to_dict(), "greeted": False}

    def opened(self, session: Session) -> None:
        """The session row exists: the client says hello."""
        state = self.store.channel_state(session.id)
        if not state.get("greeted"):
            state["greeted"] = True
            self.store.update_session(session.id, channel_state=state)
            self._queue_reply(session.id, self._persona(session).opening, self.clock.now(), 0)

    async def send(self, session: Session, message: Message) -> None:
        self.emit(Delivered(message.txn_id, Delivery.SENT))
        state = self.store.channel_state(session.id)
        if state.get("done_txn") and message.txn_id in state["done_txn"]:
            return  # a retry of a message already answered
        persona = self.personas[state["persona"]]
        engine = PersonaState.from_dict(state.get("engine"))
        reply = respond(persona, engine, message.text)
        state["engine"] = engine.to_dict()
        state.setdefault("done_txn", []).append(message.txn_id)
        state["done_txn"] = state["done_txn"][-20:]
        self.store.update_session(session.id, channel_state=state)
        self._queue_reply(session.id, reply.text, self.clock.now(), engine.turns, (message.txn_id,))

    async def end(self, session: Session) -> None:
        self.pending = [p for p in self.pending if p.session_id != session.id]
        self._persist_pending(session.id)
        state = self.store.channel_state(session.id)
        persona = self.personas.get(state.get("persona", ""))
        if persona:
            self._queue_reply(session.id, persona.thanks, self.clock.now(), 9999)
