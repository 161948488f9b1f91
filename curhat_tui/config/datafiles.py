"""Load and validate the TOML files in data/: a broken file stops start-up with its name,
line and the fix, so the app never runs half-configured."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from curhat_tui.config.data_file import DataError
from curhat_tui.config.data_file import DataFile as _File
from curhat_tui.config.deferred import DeferredChecks, DeferredDetector
from curhat_tui.config.persona_data import load_personas  # personas.toml, then personas/*.toml
from curhat_tui.domain.i18n import LANGS
from curhat_tui.domain.models import Risk, Tier
from curhat_tui.domain.persona_model import Persona
from curhat_tui.domain.quick_replies import GROUPS, QuickReply, QuickReplyBook
from curhat_tui.domain.quick_replies import PLACEHOLDERS as REPLY_PLACEHOLDERS
from curhat_tui.domain.quick_replies import placeholders_in as reply_placeholders_in
from curhat_tui.domain.redflags import PLACEHOLDERS, DirectoryEntry, RedFlagBook, RedFlagItem, placeholders_in
from curhat_tui.domain.templates import NoteTemplate, Section, TemplateBook

if TYPE_CHECKING:
    from curhat_tui.domain.risk import RiskDetector

REQUIRED_ITEMS = (
    "suicide", "self_harm", "harm_others", "abuse", "psychosis", "severe_depression", "panic_trauma", "substance",
)


def data_dir() -> Path:
    """The data folder: inside the installed wheel, or data/ of a source checkout."""
    packaged = resources.files("curhat_tui").joinpath("data")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "data"


@dataclass(frozen=True)
class ServiceData:
    redflags: RedFlagBook
    templates: TemplateBook
    phrases: DeferredDetector  # the risk detector, where the phrase matcher stood: items(text), scan(text), detect(text)
    personas: dict[str, Persona]
    strings: dict[str, dict[str, str]]
    prices: dict[tuple[str, int], int]
    quick_replies: QuickReplyBook = QuickReplyBook()  # data/quick_replies.toml: the reply box's snippets
    checks: DeferredChecks = field(default_factory=DeferredChecks)  # what load_all(defer=True) left for warm()

    @property
    def warmed(self) -> bool:
        return self.phrases.ready and self.checks.done

    def warm(self) -> None:
        """Read what `load_all(defer=True)` left unread: the risk detector, then the deferred checks (the persona
        patterns). Raises the loader's DataError (file, line, fix) for a broken file."""
        self.phrases.warm()
        self.checks.run()


def _risk(file: _File, table: str, index: int, entry: dict, key: str) -> Risk:
    value = file.need(entry, table, index, key)
    try:
        return Risk.parse(value)
    except KeyError:
        raise file.fail(table, index, f"'{key}' is {value!r}", "use none, low, moderate or high", key) from None


def load_directory(path: Path) -> dict[str, DirectoryEntry]:
    f = _File(path)
    result: dict[str, DirectoryEntry] = {}
    for i, e in enumerate(f.entries("entry")):
        checked = f.need(e, "entry", i, "checked", date)
        # name, contact and region: one text for every language, or name.id / name.en when they differ
        local = {key: f.langs(e, "entry", i, key) for key in ("name", "contact", "region") if isinstance(e.get(key), dict)}
        entry = DirectoryEntry(
            id=f.need(e, "entry", i, "id"), name=local["name"]["id"] if "name" in local else f.need(e, "entry", i, "name"),
            contact=local["contact"]["id"] if "contact" in local else f.need(e, "entry", i, "contact"),
            operator=f.need(e, "entry", i, "operator"),
            hours=f.langs(e, "entry", i, "hours"), scope=f.langs(e, "entry", i, "scope"),
            region=local["region"]["id"] if "region" in local else f.need(e, "entry", i, "region"), checked=checked,
            source=f.need(e, "entry", i, "source"), local=local,
            verified=f.need(e, "entry", i, "verified", date) if "verified" in e else None,
            province=f.need(e, "entry", i, "province") if "province" in e else "",
            note=f.langs(e, "entry", i, "note") if "note" in e else {},
        )
        if entry.id in result:
            raise f.fail("entry", i, f"duplicate id {entry.id!r}", "give each entry its own id", "id")
        result[entry.id] = entry
    return result


def load_redflags(path: Path, directory: dict[str, DirectoryEntry]) -> RedFlagBook:
    f = _File(path)
    items: list[RedFlagItem] = []
    keys: set[str] = set()
    for i, e in enumerate(f.entries("item")):
        item_id = f.need(e, "item", i, "id")
        key = f.need(e, "item", i, "key").lower()
        if key in keys:
            raise f.fail("item", i, f"key {key!r} is used twice", "give each item its own key", "key")
        keys.add(key)
        refs = tuple(f.need(e, "item", i, "directory", list))
        for ref in refs:
            if ref not in directory:
                raise f.fail("item", i, f"directory id {ref!r} is not in directory.toml",
                             f"use one of: {', '.join(directory)}", "directory")
        scripts = f.need(e, "item", i, "script", dict)
        for lang in LANGS:
            variants = scripts.get(lang)
            if not isinstance(variants, dict) or not isinstance(variants.get("default"), str):
                raise f.fail("item", i, f"item {item_id!r} has no script.{lang}.default",
                             f"add [item.script.{lang}] with default = \"\"\"...\"\"\"")
            for variant, text in variants.items():
                try:
                    unknown = placeholders_in(text) - PLACEHOLDERS
                except ValueError as exc:
                    raise f.fail("item", i, f"script {lang}.{variant} of {item_id!r}: {exc}",
                                 "write a literal brace as {{ or }}", variant) from None
                if unknown:
                    raise f.fail("item", i, f"script {lang}.{variant} of {item_id!r} uses unknown "
                                 f"placeholder(s) {sorted(unknown)}",
                                 "use only {client}, {counselor} and {directory}", variant)
        screener = bool(e.get("screener", False))
        if screener:
            for lang in LANGS:
                for variant in ("negative", "low", "moderate", "high"):
                    if variant not in scripts[lang]:
                        raise f.fail("item", i, f"screener item {item_id!r} lacks script {lang}.{variant}",
                                     f"add {variant} = \"\"\"...\"\"\" under [item.script.{lang}]")
        items.append(RedFlagItem(id=item_id, key=key, risk=_risk(f, "item", i, e, "risk"),
                                 label=f.langs(e, "item", i, "label"), scripts=scripts,
                                 directory=refs, screener=screener,
                                 short=f.langs(e, "item", i, "short") if "short" in e else None))
    missing = [r for r in REQUIRED_ITEMS if r not in {it.id for it in items}]
    if missing:
        raise DataError(path, None, f"missing red-flag item(s): {', '.join(missing)}",
                        "add an [[item]] for each")
    return RedFlagBook(tuple(items), directory)


def _sections(f: _File, table: str, index: int, raw: list) -> tuple[Section, ...]:
    sections = []
    for s in raw:
        if not isinstance(s, dict) or "key" not in s or "label" not in s:
            raise f.fail(table, index, "a section lacks key or label", "give every section key and label.id/en")
        label = s["label"]
        if not all(isinstance(label.get(lang), str) for lang in LANGS):
            raise f.fail(table, index, f"section {s['key']!r} lacks label.id or label.en", "add both labels")
        sections.append(Section(s["key"], label, s.get("hint", {}), bool(s.get("required", True))))
    return tuple(sections)


def load_templates(path: Path) -> TemplateBook:
    f = _File(path)
    templates = []
    for i, e in enumerate(f.entries("template")):
        sections = _sections(f, "template", i, f.need(e, "template", i, "section", list))
        tier = e.get("tier", "")
        if tier and tier not in {t.value for t in Tier}:
            raise f.fail("template", i, f"tier {tier!r} is unknown", "use peer or professional", "tier")
        templates.append(NoteTemplate(f.need(e, "template", i, "id"), f.langs(e, "template", i, "name"), sections, tier))
    common_raw = f.doc.get("common", {}).get("section", [])
    common = _sections(f, "template", 0, common_raw)
    keys = {s.key for s in common}
    for needed in ("risk_screen", "referral", "consent", "end_reason"):
        if needed not in keys:
            raise DataError(path, None, f"[common] lacks the section {needed!r}", "add it under [[common.section]]")
    return TemplateBook(tuple(templates), common)


def load_strings(path: Path) -> dict[str, dict[str, str]]:
    f = _File(path)
    strings: dict[str, dict[str, str]] = {}

    def walk(prefix: str, table: dict) -> None:
        for key, value in table.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and set(value) <= set(LANGS) and value:
                missing = [lang for lang in LANGS if not isinstance(value.get(lang), str)]
                if missing:
                    line = next((n for n, t in enumerate(f.lines, 1) if t.strip().startswith(f"{key} ")
                                 or t.strip().startswith(f"{key}.")), None)
                    raise DataError(path, line, f"string {name!r} lacks {', '.join(missing)}",
                                    f"add {key}.{missing[0]} = \"...\"")
                strings[name] = value
            elif isinstance(value, dict):
                if any(lang in value for lang in LANGS):  # a string with forms beside it: key.id, key.one.id...
                    walk(prefix, {key: {lang: value.get(lang) for lang in LANGS}})
                walk(name, {k: v for k, v in value.items() if k not in LANGS})

    walk("", f.doc)
    return strings


def load_catalogue(root: Path) -> dict[str, dict[str, str]]:
    """`strings.toml` plus every `strings_<area>.toml` beside it, one catalogue; a key may live in one file only."""
    strings: dict[str, dict[str, str]] = {}
    where: dict[str, Path] = {}
    for path in [root / "strings.toml", *sorted(root.glob("strings_*.toml"))]:
        for name, value in load_strings(path).items():
            if name in strings:
                line = next((n for n, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                             if t.strip().startswith(name.rsplit(".", 1)[-1])), None)
                raise DataError(path, line, f"string {name!r} is also defined in {where[name].name}",
                                "keep one of the two definitions")
            strings[name] = value
            where[name] = path
    return strings


def load_read_answers(path: Path) -> bool:
    """service.toml's optional `[risk]` table: `read_answers` (true unless set false) says whether the risk detector
    reads a client's yes as the answer to the counselor's yes-or-no question (domain/risk_answer.py)."""
    f = _File(path)
    table = f.doc.get("risk", {})
    line = next((n for n, text in enumerate(f.lines, 1) if text.strip() == "[risk]"), None)
    if not isinstance(table, dict):
        raise DataError(path, line, "'risk' must be a table", "write it as [risk] on a line of its own")
    unknown = sorted(set(table) - {"read_answers"})
    if unknown:
        raise DataError(path, line, f"[risk] has unknown keys {unknown}", "the only key is read_answers = true|false")
    value = table.get("read_answers", True)
    if not isinstance(value, bool):
        at = next((n for n, text in enumerate(f.lines, 1) if text.strip().startswith("read_answers")), line)
        raise DataError(path, at, "read_answers must be true or false", "write read_answers = true (or false)")
    return value


def load_prices(path: Path) -> dict[tuple[str, int], int]:
    f = _File(path)
    prices = {}
    for i, e in enumerate(f.entries("package")):
        tier = f.need(e, "package", i, "tier")
        minutes = f.need(e, "package", i, "minutes", int)
        prices[(tier, minutes)] = f.need(e, "package", i, "price", int)
    return prices


def load_quick_replies(path: Path) -> QuickReplyBook:
    """quick_replies.toml: [[reply]] id, group and text.id/text.en, with only the known placeholders."""
    f = _File(path)
    replies: list[QuickReply] = []
    for i, e in enumerate(f.entries("reply")):
        reply_id = f.need(e, "reply", i, "id")
        if reply_id in {r.id for r in replies}:
            raise f.fail("reply", i, f"duplicate id {reply_id!r}", "give each reply its own id", "id")
        group = f.need(e, "reply", i, "group")
        if group not in GROUPS:
            raise f.fail("reply", i, f"reply {reply_id!r} has group {group!r}", f"use one of: {', '.join(GROUPS)}",
                         "group")
        text = f.langs(e, "reply", i, "text")
        for lang in LANGS:
            try:
                unknown = reply_placeholders_in(text[lang]) - REPLY_PLACEHOLDERS
            except ValueError as exc:
                raise f.fail("reply", i, f"text.{lang} of {reply_id!r}: {exc}", "write a literal brace as {{ or }}",
                             "text") from None
            if unknown:
                raise f.fail("reply", i, f"text.{lang} of {reply_id!r} uses unknown placeholder(s) {sorted(unknown)}",
                             "use only {client}, {counselor} and {minutes_left}", "text")
        replies.append(QuickReply(reply_id, group, {lang: text[lang] for lang in LANGS}))
    return QuickReplyBook(tuple(replies))


def _detector(path: Path, item_ids: set[str], order: tuple[str, ...], read_answers: bool) -> RiskDetector:
    """The risk detector; its modules are imported here, when it is built, not before the first frame."""
    from curhat_tui.config.risk_data import load_phrases

    return load_phrases(path, item_ids, order, read_answers)


def load_all(root: Path | None = None, *, defer: bool = False) -> ServiceData:
    """Load every data file, validating each; raises DataError on the first problem.

    With `defer` the risk detector is read on first use or `warm()`, and the persona patterns are compiled on first
    use and checked by `warm()` (`config.deferred`: the app's start)."""
    root = root or data_dir()
    directory = load_directory(root / "directory.toml")
    redflags = load_redflags(root / "redflags.toml", directory)
    item_ids = {item.id for item in redflags.items}
    read_answers = load_read_answers(root / "service.toml")
    detector = DeferredDetector(lambda: _detector(root / "phrases.toml", item_ids, tuple(i.id for i in redflags.items),
                                                  read_answers))
    if not defer:
        detector.warm()
    checks = DeferredChecks() if defer else None
    personas = load_personas(root / "personas.toml", item_ids, checks.pending if checks else None)
    return ServiceData(
        redflags=redflags,
        templates=load_templates(root / "templates.toml"),
        phrases=detector,
        personas=personas,
        strings=load_catalogue(root),
        prices=load_prices(root / "service.toml"),
        quick_replies=load_quick_replies(root / "quick_replies.toml"),
        checks=checks or DeferredChecks(),
    )
