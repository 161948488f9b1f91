"""Integration fixtures: the intake services the tests run in-process answer at the tests' pace."""

from __future__ import annotations

import pytest

from curhat_tui.intake import service

QUICK_REPLY_GAP = 0.2  # seconds


@pytest.fixture(autouse=True)
def quick_intake_replies(monkeypatch):
    """The intake answers one client at most once a second (`INTAKE_REPLY_GAP`). A scripted client answers within
    a few tenths, so every step of every walk through the intake waited out most of that second; here the gap is
    0.2 s (still a gap: a quick answer still waits for it). The flood test, which is about that pace, sets the
    service's own value back."""
    monkeypatch.setattr(service, "INTAKE_REPLY_GAP", QUICK_REPLY_GAP)
