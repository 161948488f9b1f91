"""Where data lives and what the counselor configured; computed lazily, nothing at import time."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curhat_tui.domain.hours import DAYS, DEFAULT_TIMEZONE, ServiceHours, parse_day
from curhat_tui.domain.load import DEFAULT_MAX_LOAD
from curhat_tui.domain.retention import DEFAULT_NOTE_YEARS, DEFAULT_TRANSCRIPT_DAYS, RetentionPolicy, policy_problem
from curhat_tui.paths import config_file

DEFAULT_LOCK_AFTER_MINUTES = 10.0
DEFAULT_CALL_LINK = "https://meet.jit.si/curhat-{session}"


@dataclass(frozen=True)
class ServiceSettings:
    """[service]: how the organisation runs its desk."""

    max_load: int = DEFAULT_MAX_LOAD  # weighted open sessions a counselor may hold (domain/load.py); 0 = no cap
    call_link: str = DEFAULT_CALL_LINK  # a voice/video room per session; {session} is an unguessable token
    hours: ServiceHours = field(default_factory=ServiceHours)  # [service.hours]: see _hours; none = always open


@dataclass
class Settings:
    """Optional `config.toml` in the data dir: name, lang, role, homeserver, user, intake, [keys] (binding id = key),
    [retention] (how long transcripts and notes are kept)."""

    name: str = ""
    lang: str = ""
    homeserver: str = ""
    user: str = ""
    intake: str = ""  # the organisation's intake account: the only one believed about the roster and sessions
    role: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    llm_url: str = ""  # [llm] url: an OpenAI-compatible server that voices practice clients (practice only)
    llm_model: str = ""  # [llm] model: the model name that server expects
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)  # [retention]: see _retention
    lock_after_minutes: float = DEFAULT_LOCK_AFTER_MINUTES  # idle minutes before the screen locks; 0 = never
    service: ServiceSettings = field(default_factory=lambda: ServiceSettings())  # [service]: see _service


class ConfigError(Exception):
    """config.toml is wrong: the English text names the file, the setting and the fix; `key` and `params` say the
    same through the catalogue (`text(t)`, in the language the command line speaks)."""

    def __init__(self, english: str, key: str = "", **params: object) -> None:
        super().__init__(english)
        self.key, self.params = key, params

    def text(self, t) -> str:  # noqa: ANN001 - a domain.i18n.Catalogue
        return t(f"config.{self.key}", **self.params) if self.key else str(self)


def _lock_after(path: Path, value: object) -> float:
    """lock_after_minutes: a number of minutes >= 0 (0 = never lock by itself)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{path}: lock_after_minutes must be a number of minutes, 0 or more "
                          f"(0 = never lock by itself), e.g. lock_after_minutes = 10", "lock_after", path=path)
    return float(value)


def _llm(path: Path, table: object) -> tuple[str, str]:
    """[llm] url and model; the API key is never read from a file (`curhat llm-key` keeps it in the keyring)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: llm must be a table: [llm] followed by url = \"http://127.0.0.1:8080\" "
                          "and model = \"...\"", "not_table", path=path, table="llm")
    unknown = [k for k in table if k not in ("url", "model")]
    if unknown:
        secret = "key" in unknown or "api_key" in unknown
        hint = " (store the key with 'curhat llm-key', never in a file)" if secret else ""
        raise ConfigError(f"{path}: [llm] has no setting {unknown[0]!r}; use url and model{hint}",
                          "llm_secret" if secret else "unknown", path=path, table="llm", setting=unknown[0],
                          allowed="url, model")
    return str(table.get("url", "")), str(table.get("model", ""))


def _service(path: Path, table: object) -> ServiceSettings:
    """[service] max_load (default 4, 0 = no cap) and call_link (a URL template with {session})."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: service must be a table: [service] followed by max_load = 4 ...", "not_table",
                          path=path, table="service")
    allowed = ("max_load", "call_link", "hours")
    unknown = [k for k in table if k not in allowed]
    if unknown:
        raise ConfigError(f"{path}: [service] has no setting {unknown[0]!r}; use {', '.join(allowed)}", "unknown",
                          path=path, table="service", setting=unknown[0], allowed=", ".join(allowed))
    max_load = table.get("max_load", DEFAULT_MAX_LOAD)
    if isinstance(max_load, bool) or not isinstance(max_load, int) or max_load < 0:
        raise ConfigError(f"{path}: [service] max_load must be a whole number, 0 or more (0 = no cap), "
                          "e.g. max_load = 4", "max_load", path=path)
    call_link = table.get("call_link", DEFAULT_CALL_LINK)
    if not isinstance(call_link, str) or "{session}" not in call_link or not call_link.startswith("https://"):
        raise ConfigError(f"{path}: [service] call_link must be an https:// address with {{session}} where the "
                          "room name goes, e.g. call_link = \"https://meet.jit.si/layanan-{session}\"", "call_link",
                          path=path)
    return ServiceSettings(max_load=max_load, call_link=call_link, hours=_hours(path, table.get("hours", {})))


def _hours(path: Path, table: object) -> ServiceHours:
    """[service.hours]: mon..sun = "08:00-22:00" (or "closed", or spans separated by commas), timezone (default
    Asia/Jakarta). No table, or one with only a timezone, means always open; a day left out of a table that names
    some days is closed."""
    example = 'e.g. [service.hours] mon = "08:00-22:00", sat = "closed", timezone = "Asia/Jakarta"'
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [service] hours must be a table of days, {example}", "hours_table", path=path)
    unknown = [k for k in table if k not in (*DAYS, "timezone")]
    if unknown:
        raise ConfigError(f"{path}: [service.hours] has no setting {unknown[0]!r}; use the days "
                          f"{', '.join(DAYS)} and timezone ({example})", "unknown", path=path, table="service.hours",
                          setting=unknown[0], allowed=", ".join((*DAYS, "timezone")))
    name = table.get("timezone", DEFAULT_TIMEZONE)
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        if not isinstance(name, str) or not name:
            raise ValueError(name)
        tz = ZoneInfo(name)
    except (ValueError, OSError, ZoneInfoNotFoundError):
        raise ConfigError(f"{path}: [service.hours] timezone {name!r} is not a time zone name; use one such as "
                          "\"Asia/Jakarta\" (WIB), \"Asia/Makassar\" (WITA) or \"Asia/Jayapura\" (WIT)", "timezone",
                          path=path, name=name) from None
    week: dict = {}
    for day in DAYS:
        if day not in table:
            continue
        value = table[day]
        if not isinstance(value, str):
            raise ConfigError(f"{path}: [service.hours] {day} must be text in quotes, e.g. {day} = \"08:00-22:00\" "
                              f"or {day} = \"closed\"", "day", path=path, day=day)
        try:
            week[day] = parse_day(value)
        except ValueError as exc:
            raise ConfigError(f"{path}: [service.hours] {day}: {exc}", "day_value", path=path, day=day,
                              problem=exc) from None
    return ServiceHours(week=week or None, tz=tz, tz_name=name)


def load_settings(data_dir: Path) -> Settings:
    path = config_file(data_dir)
    if not path.exists():
        return Settings()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc} (fix the TOML syntax on that line)", "syntax", path=path,
                          problem=exc) from None
    keys = doc.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ConfigError(f"{path}: [keys] must map binding ids to key names, e.g. \"main.end\" = \"ctrl+t\"",
                          "keys", path=path)
    llm_url, llm_model = _llm(path, doc.get("llm", {}))
    return Settings(llm_url=llm_url, llm_model=llm_model,
                    name=str(doc.get("name", "")), lang=str(doc.get("lang", "")),
                    homeserver=str(doc.get("homeserver", "")), user=str(doc.get("user", "")),
                    intake=str(doc.get("intake", "")), role=str(doc.get("role", "")), keys=keys,
                    retention=_retention(path, doc.get("retention", {})),
                    lock_after_minutes=_lock_after(path, doc.get("lock_after_minutes", DEFAULT_LOCK_AFTER_MINUTES)),
                    service=_service(path, doc.get("service", {})))


def _retention(path: Path, table: object) -> RetentionPolicy:
    """[retention] transcript_days (default 30), note_years (default 5), zero_transcript (default false)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: retention must be a table: [retention] followed by transcript_days = 30 ...",
                          "not_table", path=path, table="retention")
    allowed = ("transcript_days", "note_years", "zero_transcript")
    unknown = [k for k in table if k not in allowed]
    if unknown:
        raise ConfigError(f"{path}: [retention] has no setting {unknown[0]!r}; use {', '.join(allowed)}", "unknown",
                          path=path, table="retention", setting=unknown[0], allowed=", ".join(allowed))
    values: dict[str, Any] = {"transcript_days": DEFAULT_TRANSCRIPT_DAYS, "note_years": DEFAULT_NOTE_YEARS,
                              "zero_transcript": False}
    values.update(table)
    problem = policy_problem(values["transcript_days"], values["note_years"], values["zero_transcript"])
    if problem:
        raise ConfigError(f"{path}: [retention] {problem}", "retention", path=path, problem=problem)
    return RetentionPolicy(**values)


def load_roster(data_dir: Path) -> tuple[list[str], list[str]]:
    """The intake's staff roster from `config.toml`: [intake] counselors = ["@ani:server"], supervisors = [...]."""
    path = config_file(data_dir)
    if not path.exists():
        return [], []
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc} (fix the TOML syntax on that line)", "syntax", path=path,
                          problem=exc) from None
    table = doc.get("intake", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: intake must be a table: [intake] followed by counselors = [\"@ani:server\"]",
                          "not_table", path=path, table="intake")
    lists = []
    for name in ("counselors", "supervisors"):
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.startswith("@") and ":" in v
                                                  for v in value):
            raise ConfigError(f"{path}: [intake] {name} must be a list of Matrix user ids, "
                              f"e.g. {name} = [\"@ani:example.org\"]", "roster", path=path, name=name)
        lists.append(list(value))
    return lists[0], lists[1]
