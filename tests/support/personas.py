"""The eight classic practice personas (data/personas.toml) only: for screen snapshots, whose scenes are drawn
from the seeded arrival schedule and would change with every persona file added to data/personas/."""

from __future__ import annotations

from dataclasses import replace

from curhat_tui.config.datafiles import ServiceData, load_all


def classic(data: ServiceData | None = None) -> ServiceData:
    data = data or load_all()
    return replace(data, personas={pid: p for pid, p in data.personas.items() if p.source == "personas.toml"})
