"""A client's burst: the messages they sent one after another since the counselor last wrote, read together.

Clients often send one thought as several short bubbles ("udh kebeli" / "obat nyamuk cair 2 botol" / "buat aku
malem ini"), and no bubble alone says it. The detector reads the newest bubble alone, as it always has, and also the
newest bubbles of the burst joined, one bubble to a line (a line ends a sentence: no word n-gram reaches across
two bubbles). What either reading suggests stands; the evidence of the joined reading is pointed back at the words
in whichever bubble they sit. A suggestion never ticks a flag: the counselor decides.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from curhat_tui.domain.models import Delivery, Message, Sender
from curhat_tui.domain.phrases import PhraseHit

if TYPE_CHECKING:  # the detector itself is read after the first frame: importing this module must not load it
    from curhat_tui.domain.risk import Detection

BURST_BUBBLES = 6  # at most this many of the newest bubbles are read together
BURST_CHARS = 2_000  # and only while they hold no more text than this: a long message is read on its own
JOIN = "\n"


@dataclass(frozen=True)
class Burst:
    """What a burst suggests: items (the newest bubble's own first), imminence, and per bubble (one entry for each
    text read, the newest last) the spans of evidence in that bubble's own text."""

    items: tuple[str, ...]
    imminent: bool
    evidence: tuple[tuple[PhraseHit, ...], ...]


def readable(message: Message) -> bool:
    """Whether a message is a bubble of the client's burst: the client's, not deleted, its words come (not still
    locked) and not blank. System lines are passed over; the counselor's end the burst."""
    return (message.sender is Sender.CLIENT and not message.redacted and message.delivery is not Delivery.LOCKED
            and bool(message.text.strip()))


def unanswered(messages: Sequence[Message]) -> list[int]:
    """Where in `messages` (in order) the client's bubbles since the counselor last wrote are (`readable`): the ones a
    new client message is read with, at most BURST_BUBBLES - 1 of them, oldest first."""
    found: list[int] = []
    for k in range(len(messages) - 1, -1, -1):
        message = messages[k]
        if message.sender is Sender.COUNSELOR or len(found) >= BURST_BUBBLES - 1:
            break
        if readable(message):
            found.append(k)
    return found[::-1]


def read_burst(detect: Callable[[str], Detection], texts: Sequence[str]) -> Burst:
    """Read the newest of `texts` (a client's bubbles since the counselor last wrote, oldest first) alone and joined
    with the ones before it: at most BURST_BUBBLES bubbles and BURST_CHARS of text (the oldest are left out first;
    their evidence entries stay empty)."""
    if not texts:
        return Burst((), False, ())
    alone = detect(texts[-1])
    size, first = len(texts[-1]), len(texts) - 1
    while first > 0 and len(texts) - first < BURST_BUBBLES and size + len(JOIN) + len(texts[first - 1]) <= BURST_CHARS:
        first -= 1
        size += len(JOIN) + len(texts[first])
    spans: list[list[PhraseHit]] = [[] for _ in texts]
    spans[-1] = list(alone.evidence)
    if first == len(texts) - 1:
        return Burst(alone.items, alone.imminent, tuple(tuple(s) for s in spans))
    read = detect(JOIN.join(texts[first:]))
    starts: list[int] = []
    at = 0
    for text in texts[first:]:
        starts.append(at)
        at += len(text) + len(JOIN)
    for hit in read.evidence:  # a span that runs on into the next bubble is cut at each bubble's end
        k = bisect.bisect_right(starts, hit.start) - 1
        while k < len(starts) and starts[k] < hit.end:
            text = texts[first + k]
            start, end = max(hit.start, starts[k]) - starts[k], min(hit.end, starts[k] + len(text)) - starts[k]
            if end > start:
                spans[first + k].append(PhraseHit(hit.item, start, end))
            k += 1
    spans[-1] = sorted(set(spans[-1]), key=lambda h: (h.start, h.end, h.item))
    items = alone.items + tuple(item for item in read.items if item not in alone.items)
    return Burst(items, alone.imminent or read.imminent, tuple(tuple(s) for s in spans))
