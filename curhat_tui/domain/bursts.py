"""A client's burst: the messages they sent one after another since the counselor last wrote, read together.

Clients often send one thought as several short bubbles ("udh kebeli" / "obat nyamuk cair 2 botol" / "buat aku
malem ini"), and no bubble alone says it. The detector reads the newest bubble alone, as it always has, and also the
newest bubbles of the burst joined, one bubble to a line (a line ends a sentence: no word n-gram reaches across
two bubbles). When the burst starts right after a counselor's message, its bubbles are read a third way: joined, as
the answer to that message ("iya kak" after "kamu pernah kepikiran bunuh diri?": `risk_answer`). What any reading
suggests stands; the evidence of the joined readings is pointed back at the words in whichever bubble they sit. A
suggestion never ticks a flag: the counselor decides.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from curhat_tui.domain.models import Delivery, Message, Sender
from curhat_tui.domain.phrases import PhraseHit

if TYPE_CHECKING:  # the detector itself is read after the first frame: importing this module must not load it
    from curhat_tui.domain.risk import Detection

BURST_BUBBLES = 6  # at most this many of the newest bubbles are read together
BURST_CHARS = 2_000  # and only while they hold no more text than this: a long message is read on its own
JOIN = "\n"


class Reader(Protocol):
    """The risk detector as a burst is read by it (domain/risk.py, or the app's deferred one)."""

    def detect(self, text: str) -> Detection: ...

    def answer(self, asked: str, reply: str, raised: frozenset[str] = frozenset()) -> Detection: ...


@dataclass(frozen=True)
class Burst:
    """What a burst suggests: items (the newest bubble's own first), imminence, and per bubble (one entry for each
    text read, the newest last) the spans of evidence in that bubble's own text; `answered`, the items only its
    reading as the answer to the counselor's question suggests (the pane says so)."""

    items: tuple[str, ...]
    imminent: bool
    evidence: tuple[tuple[PhraseHit, ...], ...]
    answered: tuple[str, ...] = ()


def readable(message: Message) -> bool:
    """Whether a message is a bubble of the client's burst: the client's, not deleted, its words come (not still
    locked) and not blank. System lines are passed over; the counselor's end the burst."""
    return (message.sender is Sender.CLIENT and not message.redacted and message.delivery is not Delivery.LOCKED
            and bool(message.text.strip()))


def unanswered(messages: Sequence[Message]) -> list[int]:
    """Where in `messages` (in order) the client's bubbles since the counselor last wrote are (`readable`): the ones a
    new client message is read with, at most BURST_BUBBLES - 1 of them, oldest first."""
    return since_asked(messages)[0]


def since_asked(messages: Sequence[Message]) -> tuple[list[int], str, frozenset[str]]:
    """`unanswered(messages)`, the text of the counselor's message just before those bubbles: what a new client
    message answers with them ('' when more than BURST_BUBBLES - 1 of the client's bubbles stand between, when no
    counselor wrote before them, or when that message was deleted or never reached the client: UNSENT); and what the
    client's messages before that one (in `messages`) were suggested for, their stored flags: a question that points
    back at what the client said ("talinya udah kamu siapin?") asks about it."""
    found: list[int] = []
    for k in range(len(messages) - 1, -1, -1):
        message = messages[k]
        if message.sender is Sender.COUNSELOR:
            if message.redacted or message.delivery is Delivery.UNSENT:
                return found[::-1], "", frozenset()
            return found[::-1], message.text, frozenset(flag for m in messages[:k] if readable(m) for flag in m.flags)
        if readable(message):
            if len(found) >= BURST_BUBBLES - 1:
                break
            found.append(k)
    return found[::-1], "", frozenset()


def read_burst(reader: Reader, texts: Sequence[str], asked: str = "", raised: frozenset[str] = frozenset()) -> Burst:
    """Read the newest of `texts` (a client's bubbles since the counselor last wrote, oldest first) alone and joined
    with the ones before it: at most BURST_BUBBLES bubbles and BURST_CHARS of text (the oldest are left out first;
    their evidence entries stay empty); and, when `asked` is the counselor's message just before the first of them and
    none is left out, all of them joined as the answer to it (`raised`: what the client's messages before it were
    suggested for, `since_asked`)."""
    if not texts:
        return Burst((), False, ())
    alone = reader.detect(texts[-1])
    size, first = len(texts[-1]), len(texts) - 1
    while first > 0 and len(texts) - first < BURST_BUBBLES and size + len(JOIN) + len(texts[first - 1]) <= BURST_CHARS:
        first -= 1
        size += len(JOIN) + len(texts[first])
    spans: list[list[PhraseHit]] = [[] for _ in texts]
    spans[-1] = list(alone.evidence)
    items, imminent = alone.items, alone.imminent
    reads = [reader.detect(JOIN.join(texts[first:]))] if first < len(texts) - 1 else []
    answer = reader.answer(asked, JOIN.join(texts), raised) if asked.strip() and first == 0 else None
    answered: tuple[str, ...] = ()
    for read in reads + ([answer] if answer is not None else []):
        _point_back(read, texts, first, spans)
        added = tuple(item for item in read.items if item not in items)
        items += added
        imminent = imminent or read.imminent
        if read is answer:
            answered = added
    return Burst(items, imminent, tuple(tuple(sorted(set(s), key=lambda h: (h.start, h.end, h.item))) for s in spans),
                 answered)


def _point_back(read: Detection, texts: Sequence[str], first: int, spans: list[list[PhraseHit]]) -> None:
    """Add the evidence of a reading of texts[first:] joined to the spans of the bubbles it sits in (a span that runs
    on into the next bubble is cut at each bubble's end)."""
    starts: list[int] = []
    at = 0
    for text in texts[first:]:
        starts.append(at)
        at += len(text) + len(JOIN)
    for hit in read.evidence:
        k = bisect.bisect_right(starts, hit.start) - 1
        while k < len(starts) and starts[k] < hit.end:
            text = texts[first + k]
            start, end = max(hit.start, starts[k]) - starts[k], min(hit.end, starts[k] + len(text)) - starts[k]
            if end > start:
                spans[first + k].append(PhraseHit(hit.item, start, end))
            k += 1
