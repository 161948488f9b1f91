"""Assemble a workstation from its parts: used by the CLI, the tests and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .channels.practice import PracticeChannel
from .datafiles import ServiceData, load_all
from .domain.clock import Clock, FakeClock
from .store import Store
from .workstation import Workstation

DB_NAME = "practice.db"  # practice sessions never share a database with real ones
REAL_DB_NAME = "curhat.db"


@dataclass
class Parts:
    store: Store
    channel: PracticeChannel
    workstation: Workstation
    data: ServiceData
    clock: Clock


def build_practice(data_dir: Path, *, data: ServiceData | None = None, clock: Clock | None = None, seed: int = 1,
                   speed: float = 0.0, name: str = "Ani", lang: str = "id", key: str | None = None,
                   role: str = "counselor", difficulty: str = "normal", voice=None) -> Parts:
    """A practice workstation over the store in `data_dir` (the defaults suit tests: instant typing).

    With `key` the store is encrypted (SQLCipher); the CLI always passes one. `difficulty` applies to
    scheduled arrivals; `voice` (channels.llm_voice.LLMVoice) lets a language model phrase the clients' lines.
    """
    data = data or load_all()
    clock = clock or FakeClock()
    store = Store(Path(data_dir) / DB_NAME, key=key)
    channel = PracticeChannel(store, data.personas, data.prices, clock, seed=seed, speed=speed,
                              difficulty=difficulty, voice=voice)
    workstation = Workstation(store, channel, clock, data, counselor=name, lang=lang, role=role)
    return Parts(store, channel, workstation, data, clock)


def build_supervisor(data_dir: Path, *, data: ServiceData | None = None, clock: Clock | None = None,
                     name: str = "Supervisor", lang: str = "id", key: str | None = None, link=None) -> Parts:
    """A supervisor's workstation: real sessions from `curhat.db` (and from counselors over `link`),
    trainees' practice sessions from `practice.db` when there is one, read apart and never mixed."""
    from .channels.idle import IdleChannel

    data = data or load_all()
    clock = clock or FakeClock()
    store = Store(Path(data_dir) / REAL_DB_NAME, key=key)
    workstation = Workstation(store, IdleChannel(), clock, data, counselor=name, lang=lang, role="supervisor")
    practice = Path(data_dir) / DB_NAME
    if practice.exists():
        workstation.practice_store = Store(practice, key=key)
    workstation.supervision.link = link
    return Parts(store, workstation.channel, workstation, data, clock)


def build_app(parts: Parts, *, lang: str = "id", blink: bool = False, tick: bool = False,
              keymap: dict[str, str] | None = None, key_guard: float = 0.0, unlocker=None, lock_after: float = 0.0):
    """The defaults suit tests (no blinking, no timer, no typed-through guard, no idle lock); the CLI passes its own.

    `unlocker` (keys.Unlocker) checks the lock screen's passphrase; without one the first lock asks for one."""
    from .app import CurhatApp

    return CurhatApp(parts.workstation, parts.data, parts.clock, lang=lang, keymap=keymap, blink=blink, tick=tick,
                     key_guard=key_guard, unlocker=unlocker, lock_after=lock_after)
