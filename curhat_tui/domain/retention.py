"""Retention policy and client-rights deadlines: what is due for deletion, and when. Pure: no I/O.

An organisation keeps transcripts `transcript_days` after a session ends (or none at
all past wrap-up with `zero_transcript`) and notes `note_years` after it ends. Only
closed sessions are ever due: a running session or one in wrap-up is never purged.
UU PDP No. 27/2022: processing stops within 3x24 hours after consent is withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

DAY_SECONDS = 86_400.0
WITHDRAWAL_GRACE_SECONDS = 3 * DAY_SECONDS  # UU PDP: 3x24 hours after consent is withdrawn

DEFAULT_TRANSCRIPT_DAYS = 30
DEFAULT_NOTE_YEARS = 5
MAX_DAYS = 36_500
MAX_YEARS = 100


@dataclass(frozen=True)
class RetentionPolicy:
    """How long an organisation keeps what a session leaves behind."""

    transcript_days: int = DEFAULT_TRANSCRIPT_DAYS
    note_years: int = DEFAULT_NOTE_YEARS
    zero_transcript: bool = False  # the transcript goes as soon as the session is closed

    def __post_init__(self) -> None:
        problem = policy_problem(self.transcript_days, self.note_years, self.zero_transcript)
        if problem:
            raise ValueError(problem)

    def as_detail(self) -> dict:
        """The policy as it is written into the audit log."""
        return asdict(self)


def policy_problem(transcript_days: object, note_years: object, zero_transcript: object) -> str:
    """What is wrong with these settings, as a sentence naming the setting and its fix; '' when fine."""
    if not isinstance(transcript_days, int) or isinstance(transcript_days, bool) \
            or not 1 <= transcript_days <= MAX_DAYS:
        return (f"transcript_days must be a whole number of days from 1 to {MAX_DAYS}, e.g. transcript_days = 30 "
                "(to keep no transcripts at all, set zero_transcript = true)")
    if not isinstance(note_years, int) or isinstance(note_years, bool) or not 1 <= note_years <= MAX_YEARS:
        return f"note_years must be a whole number of years from 1 to {MAX_YEARS}, e.g. note_years = 5"
    if not isinstance(zero_transcript, bool):
        return "zero_transcript must be true or false, e.g. zero_transcript = false"
    return ""


@dataclass(frozen=True)
class SessionRecord:
    """What the policy needs to know about one stored session."""

    id: str
    closed: bool
    ended_at: float | None
    transcript_purged: bool = False
    notes_purged: bool = False


@dataclass(frozen=True)
class PurgePlan:
    """Session ids whose transcript, and whose notes, are due for deletion now."""

    transcripts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.transcripts) + len(self.notes)


def add_years(epoch: float, years: int) -> float:
    """The same calendar day `years` later (29 February becomes 28 February), in UTC."""
    moment = datetime.fromtimestamp(epoch, timezone.utc)
    try:
        later = moment.replace(year=moment.year + years)
    except ValueError:
        later = moment.replace(year=moment.year + years, day=28)
    return later.timestamp()


def transcript_due_at(policy: RetentionPolicy, ended_at: float) -> float:
    return ended_at if policy.zero_transcript else ended_at + policy.transcript_days * DAY_SECONDS


def notes_due_at(policy: RetentionPolicy, ended_at: float) -> float:
    return add_years(ended_at, policy.note_years)


def plan_purge(policy: RetentionPolicy, sessions: Iterable[SessionRecord], now: float) -> PurgePlan:
    """Which closed sessions lose their transcript, and which their notes, at `now`."""
    plan = PurgePlan()
    for record in sessions:
        if not record.closed or record.ended_at is None:
            continue  # open or in wrap-up: never purged
        if not record.transcript_purged and now >= transcript_due_at(policy, record.ended_at):
            plan.transcripts.append(record.id)
        if not record.notes_purged and now >= notes_due_at(policy, record.ended_at):
            plan.notes.append(record.id)
    return plan


def batches(ids: list[str], size: int) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), max(1, size))]


def deletion_due_at(withdrawn_at: float) -> float:
    """When a client's data must be gone after they withdrew consent (3x24 hours)."""
    return withdrawn_at + WITHDRAWAL_GRACE_SECONDS
