"""Service hours: when the service answers clients, decided for a moment in UTC and described in id/en.

The hours are written per weekday in the service's own time zone (`[service.hours]` in config.toml, read by
config/settings.py, which also turns the zone's name into a tzinfo: the domain reads no zone files). A day is
"HH:MM-HH:MM" (several spans separated by commas) or "closed"; a span whose end is not after its start runs past
midnight into the next day ("20:00-02:00"), and "24:00" ends a span at midnight. No hours at all means always open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo

from curhat_tui.domain.i18n import Catalogue

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIMEZONE = "Asia/Jakarta"
CLOSED = "closed"
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Span:
    """Open from `start` to `end`, in minutes after the local midnight; `end <= start` runs past midnight."""

    start: int
    end: int

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class ServiceHours:
    """The weekly hours in one time zone; `week` None means always open."""

    week: dict[str, tuple[Span, ...]] | None = None
    tz: tzinfo = field(default=timezone(timedelta(hours=7), "WIB"))  # config passes ZoneInfo(timezone)
    tz_name: str = DEFAULT_TIMEZONE

    @property
    def always_open(self) -> bool:
        return self.week is None


def parse_day(text: str) -> tuple[Span, ...]:
    """One day's hours: "08:00-22:00", "08:00-12:00, 13:00-21:00", "20:00-02:00" or "closed" (no spans).

    Raises ValueError with what was wrong and the form that is right."""
    if text.strip().lower() == CLOSED:
        return ()
    spans = []
    for part in text.split(","):
        match = _SPAN.match(part)
        if not match:
            raise ValueError(f"{part.strip()!r} is not a time span; write \"08:00-22:00\" or \"closed\"")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise ValueError(f"{part.strip()!r} has a time that does not exist; hours run 00:00 to 24:00")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start == end:
            raise ValueError(f"{part.strip()!r} opens and closes at the same time; write \"00:00-24:00\" for all day")
        spans.append(Span(start, end % _DAY_MINUTES if end == _DAY_MINUTES and start == 0 else end))
    return tuple(spans)


def _local(hours: ServiceHours, at: float) -> datetime:
    return datetime.fromtimestamp(at, tz=timezone.utc).astimezone(hours.tz)


def _open_in(spans: tuple[Span, ...], minute: int, *, yesterday: bool) -> bool:
    for span in spans:
        if yesterday:
            if span.overnight and minute < span.end:
                return True
        elif span.start <= minute < (span.end if not span.overnight else _DAY_MINUTES):
            return True
    return False


def is_open(hours: ServiceHours, at: float) -> bool:
    """Whether the service is open at `at` (seconds since the epoch, UTC): today's spans, or last night's running
    past midnight."""
    if hours.week is None:
        return True
    local = _local(hours, at)
    minute = local.hour * 60 + local.minute
    today = DAYS[local.weekday()]
    yesterday = DAYS[(local.weekday() - 1) % 7]
    return (_open_in(hours.week.get(today, ()), minute, yesterday=False)
            or _open_in(hours.week.get(yesterday, ()), minute, yesterday=True))


def next_opening(hours: ServiceHours, at: float) -> float | None:
    """When the service next opens after `at` (UTC seconds), or None when it is open now or never opens."""
    if hours.week is None or is_open(hours, at):
        return None
    local = _local(hours, at)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for day in range(8):
        date = (midnight + timedelta(days=day)).date()
        for span in sorted(hours.week.get(DAYS[date.weekday()], ()), key=lambda s: s.start):
            start = datetime(date.year, date.month, date.day, span.start // 60, span.start % 60, tzinfo=hours.tz)
            if start.timestamp() > at:
                return start.timestamp()
    return None


def _hhmm(minutes: int, lang: str) -> str:
    sep = "." if lang == "id" else ":"
    return f"{minutes // 60:02d}{sep}{minutes % 60:02d}"


def _day_text(spans: tuple[Span, ...], t: Catalogue) -> str:
    if not spans:
        return t("hours.closed")
    return ", ".join(f"{_hhmm(s.start, t.lang)}–{_hhmm(s.end if s.end else _DAY_MINUTES, t.lang)}" for s in spans)


def zone_label(hours: ServiceHours, at: float) -> str:
    """The zone's short name at `at` (WIB, WITA, WIT, or the zone's own abbreviation)."""
    return _local(hours, at).tzname() or hours.tz_name


def describe(hours: ServiceHours, t: Catalogue, at: float) -> str:
    """The hours in the catalogue's language, days with the same hours grouped: "Senin–Jumat 08.00–22.00;
    Sabtu, Minggu tutup (WIB)"."""
    if hours.week is None:
        return t("hours.always")
    groups: list[tuple[list[str], str]] = []
    for day in DAYS:
        text = _day_text(hours.week.get(day, ()), t)
        if groups and groups[-1][1] == text:
            groups[-1][0].append(day)
        else:
            groups.append(([day], text))
    parts = []
    for days, text in groups:
        names = [t(f"hours.day.{d}") for d in days]
        label = names[0] if len(names) == 1 else (", ".join(names) if len(names) == 2 else f"{names[0]}–{names[-1]}")
        parts.append(f"{label} {text}")
    return "; ".join(parts) + f" ({zone_label(hours, at)})"


def moment(hours: ServiceHours, t: Catalogue, at: float, *, zone: bool = True) -> str:
    """A moment in the service's zone with its weekday: "Senin 08.00 WIB" / "Mon 08:00 WIB" (without the zone's
    name where space is short)."""
    local = _local(hours, at)
    text = f"{t(f'hours.day.{DAYS[local.weekday()]}')} {_hhmm(local.hour * 60 + local.minute, t.lang)}"
    return f"{text} {zone_label(hours, at)}" if zone else text
