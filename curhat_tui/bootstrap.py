"""Assemble a workstation from its parts: used by the CLI, the tests and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from curhat_tui.channels.practice.channel import PracticeChannel
from curhat_tui.config.datafiles import ServiceData, load_all
from curhat_tui.domain.clock import Clock, FakeClock
from curhat_tui.paths import practice_db, real_db
from curhat_tui.storage.store import Store
from curhat_tui.services.workstation import Workstation



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
    store = Store(practice_db(data_dir), key=key)
    channel = PracticeChannel(store, data.personas, data.prices, clock, seed=seed, speed=speed,
                              difficulty=difficulty, voice=voice)
    workstation = Workstation(store, channel, clock, data, counselor=name, lang=lang, role=role)
    return Parts(store, channel, workstation, data, clock)


def build_supervisor(data_dir: Path, *, data: ServiceData | None = None, clock: Clock | None = None,
                     name: str = "Supervisor", lang: str = "id", key: str | None = None, link=None) -> Parts:
    """A supervisor's workstation: real sessions from `curhat.db` (and from counselors over `link`),
    trainees' practice sessions from `practice.db` when there is one, read apart and never mixed."""
    from curhat_tui.channels.idle import IdleChannel

    data = data or load_all()
    clock = clock or FakeClock()
    store = Store(real_db(data_dir), key=key)
    workstation = Workstation(store, IdleChannel(), clock, data, counselor=name, lang=lang, role="supervisor")
    practice = practice_db(data_dir)
    if practice.exists():
        workstation.practice_store = Store(practice, key=key)
    workstation.supervision.link = link
    return Parts(store, workstation.channel, workstation, data, clock)
