"""The eight classic practice personas (data/personas.toml) only: for screen snapshots, whose scenes are drawn
from the seeded arrival schedule and would change with every persona file added to data/personas/."""

from __future__ import annotations

import functools
from dataclasses import replace

from curhat_tui.config.datafiles import ServiceData, load_all


def classic(data: ServiceData | None = None) -> ServiceData:
    """`data` with the classic personas only; without `data`, the shipped files, read once per test run (the data
    is frozen and no test changes it: each snapshot test read every file again for the same scene)."""
    if data is None:
        return _shipped_classic()
    return replace(data, personas={pid: p for pid, p in data.personas.items() if p.source == "personas.toml"})


@functools.cache
def _shipped_classic() -> ServiceData:
    return classic(load_all())
