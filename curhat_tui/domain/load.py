"""A counselor's load: open sessions weighed by risk, against the service's cap.

A session at moderate or high risk asks more of a counselor than a calm one, so it counts more. The
workstation refuses to accept a client whose weight would take the load past the cap, and supervisors see
each counselor's load beside the cap."""

from __future__ import annotations

from collections.abc import Iterable

from curhat_tui.domain.models import Risk

DEFAULT_MAX_LOAD = 4  # e.g. four calm sessions, or one high-risk session and one calm one

WEIGHTS = {Risk.NONE: 1, Risk.LOW: 1, Risk.MODERATE: 2, Risk.HIGH: 3}


def weight(risk: Risk) -> int:
    """What one session at this risk counts towards the cap."""
    return WEIGHTS[Risk(risk)]


def load_of(risks: Iterable[Risk]) -> int:
    """The weighted load of open sessions with these risks."""
    return sum(weight(r) for r in risks)


def fits(current: int, incoming: Risk, cap: int) -> bool:
    """Whether a client at `incoming` risk may be accepted on top of `current` load; 0 means no cap.

    A counselor with no session may always accept one, whatever its weight: a cap below a high-risk
    session's weight must never leave a high-risk client with nobody able to take them."""
    if cap <= 0 or current == 0:
        return True
    return current + weight(incoming) <= cap
