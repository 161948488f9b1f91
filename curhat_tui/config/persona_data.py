"""Load the practice personas: data/personas.toml, then every data/personas/*.toml in sorted order (schema v2,
see the header of data/personas.toml). A wrong key stops start-up naming the file, the line, the persona and
the key; ids are unique across all the files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from curhat_tui.config.data_file import DataError
from curhat_tui.config.data_file import DataFile as _File
from curhat_tui.domain.models import Risk, Tier
from curhat_tui.domain.patterns import LazyPattern
from curhat_tui.domain.persona_model import ANSWER_KEYS, REFERRALS, SCREENER_KEYS, TOPICS, Fact, HiddenRisk, Persona, Truth

_LANGS = ("id", "en")


def persona_files(path: Path) -> list[Path]:
    """data/personas.toml and then the files of data/personas/, sorted by name."""
    folder = path.parent / "personas"
    extra = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    return [path, *extra]


def load_personas(path: Path, item_ids: set[str], checks: list[Callable[[], None]] | None = None
                  ) -> dict[str, Persona]:
    """Every persona of personas.toml and of the personas/ folder next to it.

    The probe patterns are compiled here, and a broken one stops the load, unless `checks` is given: then they
    compile on first use and a check that compiles them (raising the same DataError) is appended to `checks`,
    for the app to run once its first frame is out (about 200 patterns: tens of milliseconds)."""
    personas: dict[str, Persona] = {}
    for file_path in persona_files(path):
        f = _File(file_path)
        for i, entry in enumerate(f.entries("persona")):
            persona = _persona(f, i, entry, item_ids, checks)
            if persona.id in personas:
                raise f.fail("persona", i, f"persona id {persona.id!r} is already used in {personas[persona.id].source}",
                             "give each persona its own id", "id")
            personas[persona.id] = persona
    return personas


def _risk(f: _File, i: int, e: dict, key: str) -> Risk:
    value = f.need(e, "persona", i, key)
    try:
        return Risk.parse(value)
    except KeyError:
        raise f.fail("persona", i, f"'{key}' is {value!r}", "use none, low, moderate or high", key) from None


def _strings(f: _File, i: int, e: dict, key: str) -> tuple[str, ...]:
    value = e.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise f.fail("persona", i, f"persona {e.get('id')!r}: '{key}' must be a list of non-empty texts",
                     f'write {key} = ["...", "..."]', key)
    return tuple(value)


def _text(f: _File, i: int, e: dict, key: str) -> str:
    value = e.get(key, "")
    if not isinstance(value, str):
        raise f.fail("persona", i, f"persona {e.get('id')!r}: '{key}' must be a text", f'write {key} = "..."', key)
    return value


def _persona(f: _File, i: int, e: dict, item_ids: set[str], checks: list[Callable[[], None]] | None) -> Persona:
    pid = f.need(e, "persona", i, "id")
    tier = f.need(e, "persona", i, "tier")
    if tier not in {t.value for t in Tier}:
        raise f.fail("persona", i, f"tier {tier!r} is unknown", "use peer or professional", "tier")
    minutes = f.need(e, "persona", i, "minutes", int)
    if minutes not in (30, 60):
        raise f.fail("persona", i, f"minutes is {minutes}", "use 30 or 60", "minutes")
    hidden = e.get("hidden_flag", "")
    if hidden and hidden not in item_ids:
        raise f.fail("persona", i, f"hidden_flag {hidden!r} is not a red-flag item", "use an id from redflags.toml",
                     "hidden_flag")
    risk = None
    if hidden:
        r = f.need(e, "persona", i, "risk", dict)
        probes = _probes(f, i, r.get("probe", []))
        if checks is None:
            _compile(f, i, probes)
        else:
            checks.append(lambda: _compile(f, i, probes))
        if not probes or "reveal" not in r or "openness" not in r:
            raise f.fail("persona", i, f"persona {pid!r} hides {hidden!r} but [persona.risk] lacks probe, "
                         "openness or reveal", "add all three")
        risk = HiddenRisk(probes, int(r["openness"]), r["reveal"])
    variant = _text(f, i, e, "variant_of")
    if variant and variant not in item_ids:
        raise f.fail("persona", i, f"persona {pid!r}: variant_of {variant!r} is not a red-flag item",
                     "use an id from redflags.toml", "variant_of")
    lang = _text(f, i, e, "lang") or "id"
    if lang not in _LANGS:
        raise f.fail("persona", i, f"persona {pid!r}: lang {lang!r} is unknown", "use id or en", "lang")
    age = e.get("age", 0)
    if not isinstance(age, int) or isinstance(age, bool) or not 0 <= age < 120:
        raise f.fail("persona", i, f"persona {pid!r}: age {age!r} is not a number of years", "write age = 17", "age")
    return Persona(
        id=pid, alias=f.need(e, "persona", i, "alias"), tier=Tier(tier), minutes=minutes,
        topic=f.need(e, "persona", i, "topic"), intake_risk=f.need(e, "persona", i, "intake_risk"),
        intake_risk_level=_risk(f, i, e, "intake_risk_level"),
        patience_minutes=f.need(e, "persona", i, "patience_minutes", int), hidden_flag=hidden,
        opening=f.need(e, "persona", i, "opening"), neutral=tuple(f.need(e, "persona", i, "neutral", list)),
        closed=tuple(f.need(e, "persona", i, "closed", list)), thanks=f.need(e, "persona", i, "thanks"),
        risk_no=f.need(e, "persona", i, "risk_no"), facts=_facts(f, i, e), risk=risk,
        region=_text(f, i, e, "region"), age=age, lang=lang, variant_of=variant, greeting=_text(f, i, e, "greeting"),
        nudge=_strings(f, i, e, "nudge"), leave=_text(f, i, e, "leave"), deny=_strings(f, i, e, "deny"),
        upset=_strings(f, i, e, "upset"), truth=_truth(f, i, e), answers=_answers(f, i, e), source=f.path.name,
    )


def _probes(f: _File, i: int, sources: object) -> tuple[LazyPattern, ...]:
    if not isinstance(sources, list) or not all(isinstance(p, str) for p in sources):
        raise f.fail("persona", i, "risk.probe must be a list of patterns", 'write probe = ["..."]', "probe")
    return tuple(LazyPattern(p, re.IGNORECASE) for p in sources)


def _compile(f: _File, i: int, probes: tuple[LazyPattern, ...]) -> None:
    try:
        for probe in probes:
            probe.compile()
    except re.error as exc:
        raise f.fail("persona", i, f"a risk.probe pattern is invalid: {exc}", "fix the regex", "probe") from None


def _facts(f: _File, i: int, e: dict) -> tuple[Fact, ...]:
    facts = []
    for n, x in enumerate(f.need(e, "persona", i, "fact", list), 1):
        if not isinstance(x, dict) or not isinstance(x.get("text"), str) or not isinstance(x.get("openness"), int):
            raise f.fail("persona", i, f"persona {e.get('id')!r}: fact {n} needs openness (a number) and text",
                         "write openness = 3 and text = \"...\" under [[persona.fact]]", "fact")
        topic = x.get("topic", "")
        if topic not in ("", *TOPICS):
            raise f.fail("persona", i, f"persona {e.get('id')!r}: fact {n} has topic {topic!r}",
                         f"use one of: {', '.join(TOPICS)}", "topic")
        facts.append(Fact(x["openness"], x["text"], x.get("hint", ""), topic))
    return tuple(facts)


def _truth(f: _File, i: int, e: dict) -> Truth:
    value = e.get("truth", {})
    if not isinstance(value, dict):
        raise f.fail("persona", i, f"persona {e.get('id')!r}: 'truth' must be a table", "write [persona.truth]", "truth")
    unknown = set(value) - {*SCREENER_KEYS, "referral"}
    if unknown:
        raise f.fail("persona", i, f"persona {e.get('id')!r}: [persona.truth] has unknown key(s) {sorted(unknown)}",
                     f"use only {', '.join(SCREENER_KEYS)} and referral", "truth")
    for key in SCREENER_KEYS:
        if key in value and not isinstance(value[key], bool):
            raise f.fail("persona", i, f"persona {e.get('id')!r}: truth.{key} is {value[key]!r}",
                         "write true or false", key)
    referral = value.get("referral", "")
    if value and referral not in REFERRALS:
        raise f.fail("persona", i, f"persona {e.get('id')!r}: truth.referral is {referral!r}",
                     f"use one of: {', '.join(REFERRALS)}", "referral")
    return Truth(**{key: value[key] for key in SCREENER_KEYS if key in value}, referral=referral)


def _answers(f: _File, i: int, e: dict) -> dict[str, str]:
    value = e.get("answers", {})
    if not isinstance(value, dict):
        raise f.fail("persona", i, f"persona {e.get('id')!r}: 'answers' must be a table", "write [persona.answers]",
                     "answers")
    unknown = set(value) - set(ANSWER_KEYS)
    if unknown:
        raise f.fail("persona", i, f"persona {e.get('id')!r}: [persona.answers] has unknown key(s) {sorted(unknown)}",
                     f"use only {', '.join(ANSWER_KEYS)}", "answers")
    for key, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise f.fail("persona", i, f"persona {e.get('id')!r}: answers.{key} is empty or not a text",
                         f'write {key} = "..."', key)
    return dict(value)


__all__ = ["DataError", "load_personas", "persona_files"]
