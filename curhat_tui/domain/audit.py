"""The audit chain: each entry's hash covers its own fields and the previous entry's hash.

Pure functions only; the store layer (`curhat_tui.storage.audit`) keeps the rows. Changing,
removing or inserting any row breaks the chain from that row on, and `verify`
names the first row that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    id: int
    ts: float
    actor: str
    action: str
    subject: str
    detail: str  # canonical JSON; never a client's or counselor's words, only ids and counts
    prev: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str  # "altered", "broken-link", "missing" (a gap in ids), "truncated" (head moved back)


def canonical(detail: dict | None) -> str:
    return json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(prev: str, entry_id: int, ts: float, actor: str, action: str, subject: str, detail: str) -> str:
    body = json.dumps([prev, entry_id, repr(float(ts)), actor, action, subject, detail],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def verify(entries: list[AuditEntry], head: tuple[int, str] | None = None) -> list[ChainBreak]:
    """Every break in the chain, in order; empty when the log is intact.

    `head` is the (last id, last hash) recorded alongside the log; it catches rows cut
    from the end, which a chain alone cannot see.
    """
    breaks: list[ChainBreak] = []
    prev_hash = GENESIS
    prev_id = 0
    for e in entries:
        if e.id != prev_id + 1:
            breaks.append(ChainBreak(e.id, "missing"))
        if e.prev != prev_hash:
            breaks.append(ChainBreak(e.id, "broken-link"))
        if entry_hash(e.prev, e.id, e.ts, e.actor, e.action, e.subject, e.detail) != e.hash:
            breaks.append(ChainBreak(e.id, "altered"))
        prev_hash, prev_id = e.hash, e.id
    if head is not None and head != (prev_id, prev_hash) and (head[0] > prev_id or not breaks):
        breaks.append(ChainBreak(head[0], "truncated" if head[0] > prev_id else "altered"))
    return breaks
