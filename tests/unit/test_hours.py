"""Service hours: [service.hours] read with clear errors, open or closed for a UTC moment (across midnight and in
other time zones), and described in both languages."""

from datetime import datetime, timezone

import pytest

from curhat_tui.config.datafiles import load_all
from curhat_tui.config.settings import ConfigError, load_settings
from curhat_tui.domain.hours import ServiceHours, Span, describe, is_open, moment, next_opening, parse_day
from curhat_tui.domain.i18n import Catalogue


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=timezone.utc).timestamp()


def hours_from(tmp_path, text: str):
    (tmp_path / "config.toml").write_text(text)
    return load_settings(tmp_path).service.hours


def test_no_hours_means_always_open(tmp_path):
    hours = load_settings(tmp_path).service.hours
    assert hours.always_open and is_open(hours, utc(2026, 12, 6, 3, 0)) and next_opening(hours, 0) is None
    assert hours_from(tmp_path, '[service.hours]\ntimezone = "Asia/Makassar"\n').always_open


def test_open_and_closed_in_jakarta_time(tmp_path):
    hours = hours_from(tmp_path, '[service.hours]\nmon = "08:00-22:00"\nsun = "closed"\n')
    # Monday 2026-12-07: 08:00 WIB is 01:00 UTC, 22:00 WIB is 15:00 UTC
    assert not is_open(hours, utc(2026, 12, 7, 0, 59))
    assert is_open(hours, utc(2026, 12, 7, 1, 0))
    assert is_open(hours, utc(2026, 12, 7, 14, 59))
    assert not is_open(hours, utc(2026, 12, 7, 15, 0))
    assert not is_open(hours, utc(2026, 12, 8, 5, 0))  # Tuesday is not listed: closed
    assert not is_open(hours, utc(2026, 12, 6, 5, 0))  # Sunday closed


def test_a_span_past_midnight_belongs_to_the_day_it_starts(tmp_path):
    hours = hours_from(tmp_path, '[service.hours]\nfri = "20:00-02:00"\n')
    # Friday 2026-12-04 20:00 WIB = 13:00 UTC; Saturday 01:59 WIB = Friday 18:59 UTC
    assert not is_open(hours, utc(2026, 12, 4, 12, 59))
    assert is_open(hours, utc(2026, 12, 4, 13, 0))
    assert is_open(hours, utc(2026, 12, 4, 18, 59))  # Saturday 01:59 local, still Friday's night
    assert not is_open(hours, utc(2026, 12, 4, 19, 0))  # Saturday 02:00
    assert not is_open(hours, utc(2026, 12, 3, 18, 0))  # Friday 01:00: Thursday had no night
    assert next_opening(hours, utc(2026, 12, 4, 19, 0)) == utc(2026, 12, 11, 13, 0)  # next Friday 20:00


def test_all_day_and_the_time_zone_decide(tmp_path):
    all_day = hours_from(tmp_path, '[service.hours]\nsat = "00:00-24:00"\n')
    assert is_open(all_day, utc(2026, 12, 4, 17, 0)) and is_open(all_day, utc(2026, 12, 5, 16, 59))
    assert not is_open(all_day, utc(2026, 12, 5, 17, 0))
    # the same hours in Jayapura (WIT, UTC+9) open two hours earlier in UTC than in Jakarta
    wit = hours_from(tmp_path, '[service.hours]\nmon = "08:00-22:00"\ntimezone = "Asia/Jayapura"\n')
    assert is_open(wit, utc(2026, 12, 6, 23, 0)) and not is_open(wit, utc(2026, 12, 7, 13, 0))
    assert next_opening(wit, utc(2026, 12, 6, 22, 0)) == utc(2026, 12, 6, 23, 0)


def test_several_spans_a_day():
    assert parse_day("08:00-12:00, 13:00-21:30") == (Span(480, 720), Span(780, 1290))
    assert parse_day("Closed") == ()


@pytest.mark.parametrize("bad, says", [
    ('mon = "8-22"', "not a time span"),
    ('mon = "08:00-25:00"', "does not exist"),
    ('mon = "09:00-09:00"', "same time"),
    ("mon = 8", "must be text"),
    ('monday = "08:00-22:00"', "no setting 'monday'"),
    ('timezone = "Mars/Base"', "not a time zone"),
    ('timezone = "Asia"', "not a time zone"),
])
def test_bad_hours_name_the_file_and_the_fix(tmp_path, bad, says):
    with pytest.raises(ConfigError, match=r"config\.toml: \[service") as caught:
        hours_from(tmp_path, f"[service.hours]\n{bad}\n")
    assert says in str(caught.value)


def test_hours_described_in_both_languages(tmp_path):
    strings = load_all().strings
    hours = hours_from(tmp_path, '[service.hours]\nmon = "08:00-22:00"\ntue = "08:00-22:00"\nwed = "08:00-22:00"\n'
                                 'thu = "08:00-22:00"\nfri = "08:00-22:00"\nsat = "09:00-15:00"\nsun = "closed"\n')
    at = utc(2026, 12, 7, 0, 0)
    assert describe(hours, Catalogue(strings, "id"), at) == "Senin–Jumat 08.00–22.00; Sabtu 09.00–15.00; Minggu tutup (WIB)"
    assert describe(hours, Catalogue(strings, "en"), at) == "Mon–Fri 08:00–22:00; Sat 09:00–15:00; Sun closed (WIB)"
    assert moment(hours, Catalogue(strings, "id"), utc(2026, 12, 7, 1, 0)) == "Senin 08.00 WIB"
    assert describe(load_settings(tmp_path / "none").service.hours, Catalogue(strings, "en"), at) == "every day, 24 hours"


def test_the_closed_message_gives_the_hours_the_next_opening_and_the_24_hour_numbers(tmp_path):
    from curhat_tui.intake.hours import closed_message, emergency_entries

    data = load_all()
    hours = hours_from(tmp_path, '[service.hours]\nmon = "08:00-22:00"\nsat = "09:00-15:00"\n')
    text = closed_message(data, hours, utc(2026, 12, 7, 16, 0))  # Monday 23:00 WIB
    assert "Jam layanan: Senin 08.00–22.00" in text and "Buka lagi: Sabtu 09.00 WIB." in text
    assert "Opens again: Sat 09:00 WIB." in text
    assert text.index("Saat ini layanan") < text.index("Our service is closed")  # Indonesian first
    numbers = emergency_entries(data.redflags.directory)
    assert {e.id for e in numbers} >= {"sejiwa119", "darurat112"} and "119 ext. 8" in text and "112" in text
    never = ServiceHours(week={"mon": ()}, tz=hours.tz)
    assert "Buka lagi: belum dijadwalkan." in closed_message(data, never, 0.0)
