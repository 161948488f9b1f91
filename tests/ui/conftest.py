"""Fixtures the UI tests share."""

from __future__ import annotations

import pytest

from curhat_tui.bootstrap import Parts
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from tests.support.fake_channel import FakeChannel


@pytest.fixture
def fake_parts(tmp_path, data, clock):
    """A real (not simulated) workstation, counselor Ani, over a channel the test speaks for: `channel.inject(event)`
    is the network. Yields (parts, channel)."""
    store = Store(tmp_path / "curhat.db", kind="real")
    channel = FakeChannel(simulated=False)
    parts = Parts.of(Workstation(store, channel, clock, data, counselor="Ani"))
    yield parts, channel
    store.close()
