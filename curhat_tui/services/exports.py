"""Sessions as Markdown: one session, or every session that ended in a date range, written to a file.

The API, for the counselor's export dialog and the supervisor's review screen alike:

- ``session_markdown(store, session_id, *, lang, mask=True, practice=None, data=None, tz=WIB) -> str``:
  one session as a standalone Markdown document: a header (alias, package, counselor, start, end,
  duration, practice or real), the transcript with times and senders, the red-flag and referral
  timeline (flag ticked, script loaded, script sent, extensions), and the note by fields with its
  number of saved versions.
- ``sessions_ended_between(store, start, end, counselor=None) -> list[Session]``: sessions whose end
  lies in ``[start, end)`` (epoch seconds), oldest first; ``day_range`` turns two dates into that.
- ``export_sessions(store, session_ids, out_dir=None, *, lang, mask, actor, audit, practice, ...) -> Path``:
  writes one file (mode 0600, folder 0700) holding every listed session, records the export in the
  audit log (who, which sessions, masked or not) and returns the file's path. Without ``out_dir`` it
  goes to ``DATA_DIR/exports/`` or, for practice, ``DATA_DIR/practice-exports/`` (``export_dir``).

Masked by default: phone numbers, NIK, e-mail and street addresses in messages and notes are
replaced by a label (``domain.masking``). Client and counselor text is written literally: Markdown
control characters are escaped, so a client's ``# heading`` or ``[link](x)`` stays text. Practice
and real sessions never share a file: a store holds one kind only, ``practice`` must agree with the
store's file name, and a session id not in this store refuses the whole export before anything is
written. No PDF: no well-kept PDF library is installed, and Markdown converts with any tool.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path

from curhat_tui.config.datafiles import ServiceData, load_all
from curhat_tui.domain import masking
from curhat_tui.domain.clock import WIB
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Sender, Session
from curhat_tui.storage.store import Store
from curhat_tui.paths import PRACTICE_DB, REAL_DB, exports_dir


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d{1,9}(?=[.)]))")
_LEADING_SPACE = re.compile(r"^[ \t]+")


@lru_cache(maxsize=1)
def _default_data() -> ServiceData:
    return load_all()


def md_escape(text: str) -> str:
    """One line of untrusted text as literal Markdown: no emphasis, links, HTML, headings or lists."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2).isdigit() else "\\" + m.group(2)),
                           text)  # "- x", "+ x", "1. x" and "===" lines would become lists or headings
    # leading spaces would make an indented code block: keep them visible as no-break spaces
    return _LEADING_SPACE.sub(lambda m: "\u00a0" * len(m.group(0).expandtabs(4)), text)


def md_block(text: str, indent: str = "") -> str:
    """Untrusted multi-line text as literal Markdown; lines after the first get `indent`."""
    lines = [md_escape(line) for line in text.split("\n")]
    out = []
    for i, line in enumerate(lines):
        follows = i + 1 < len(lines) and lines[i + 1].strip()
        # a backslash at a line's end is a hard break, so the client's own line breaks survive
        out.append(("" if i == 0 else indent) + line + ("\\" if line.strip() and follows else ""))
    return "\n".join(out)


def export_dir(store: Store, practice: bool) -> Path:
    """Where exports of this store go: beside the database, practice ones apart."""
    return exports_dir(store.path.parent, practice)


def store_is_practice(store: Store) -> bool | None:
    """True for practice.db, False for curhat.db, None for any other name (a test's own file)."""
    return {PRACTICE_DB: True, REAL_DB: False}.get(store.path.name)


def _check_kind(store: Store, practice: bool) -> None:
    kind = store_is_practice(store)
    if kind is not None and kind != practice:
        raise ValueError(f"{store.path.name} holds {'practice' if kind else 'real'} sessions; practice and real "
                         "sessions are never exported together or under the other's name")


def day_range(first: date, last: date, tz: tzinfo | None = WIB) -> tuple[float, float]:
    """Epoch seconds from the start of `first` to the end of `last` (inclusive) in `tz`."""
    if last < first:
        raise ValueError("the range ends before it starts")
    start = datetime.combine(first, time(0), tz).timestamp()
    end = datetime.combine(last + timedelta(days=1), time(0), tz).timestamp()
    return start, end


def sessions_ended_between(store: Store, start: float, end: float, counselor: str | None = None) -> list[Session]:
    """Sessions that ended in [start, end), oldest end first; only `counselor`'s when given."""
    chosen = [s for s in store.all_sessions() if s.ended_at is not None and start <= s.ended_at < end
              and (counselor is None or s.counselor == counselor)]
    return sorted(chosen, key=lambda s: (s.ended_at, s.id))


class _Writer:
    """Renders sessions in one language, masked or not, with times in one zone."""

    def __init__(self, store: Store, data: ServiceData, lang: str, mask: bool, practice: bool,
                 tz: tzinfo | None) -> None:
        self.store = store
        self.data = data
        self.t = Catalogue(data.strings, lang)
        self.mask = mask
        self.practice = practice
        self.tz = tz
        self.labels = {kind: self.t(f"mask.{kind}") for kind in masking.KINDS}

    def text(self, value: str) -> str:
        return masking.mask(value, self.labels) if self.mask else value

    def when(self, epoch: float, fmt: str = "%Y-%m-%d %H:%M", zone: bool = True) -> str:
        """A time in the export's zone; the zone's name is given where the header states times."""
        moment = datetime.fromtimestamp(epoch, self.tz)
        zone = (moment.tzname() or "") if zone and self.tz is not None else ""
        return moment.strftime(fmt) + (f" {zone}" if zone else "")

    def flag_label(self, item_id: str) -> str:
        try:
            return self.t.pick(self.data.redflags.get(item_id).label)
        except KeyError:
            return item_id

    def session(self, session: Session, level: int) -> list[str]:
        t = self.t
        h = "#" * level
        title = t("export.session_title", alias=session.alias)
        if self.practice:
            title = f"{t('export.practice_marker')} · {title}"
        duration = ""
        if session.ended_at is not None:
            duration = t("export.minutes", minutes=round((session.ended_at - session.started_at) / 60))
        fields = [
            ("export.field.session_id", session.id),
            ("export.field.alias", session.alias),
            ("export.field.tier", t("export.package", tier=t(f"tier.{session.tier.value}"), minutes=session.minutes)),
            ("export.field.counselor", session.counselor),
            ("export.field.start", self.when(session.started_at)),
            ("export.field.end", self.when(session.ended_at) if session.ended_at is not None
             else t("export.not_ended")),
            ("export.field.duration", duration or "–"),
            ("export.field.kind", t("export.kind.practice") if self.practice else t("export.kind.real")),
            ("export.field.risk", t(f"risk.{session.risk.key}")),
            ("export.field.status", t(f"export.status.{session.status.value}")),
        ]
        lines = [f"{h} {md_escape(title)}", ""]
        lines += [f"- **{md_escape(t(key))}:** {md_escape(value)}" for key, value in fields]
        lines += ["", f"{h}# {t('export.transcript')}", ""]
        lines += self.transcript(session)
        lines += ["", f"{h}# {t('export.timeline')}", ""]
        lines += self.timeline(session)
        lines += [""] + self.note(session, level + 1)
        return lines

    def transcript(self, session: Session) -> list[str]:
        t = self.t
        messages = self.store.messages(session.id)
        if not messages:
            return [f"_{t('export.no_messages')}_"]
        names = {Sender.CLIENT: t("export.sender.client") + f" ({session.alias})", Sender.COUNSELOR: session.counselor,
                 Sender.SYSTEM: t("export.sender.system")}
        lines = []
        for message in messages:
            head = f"{self.when(message.ts, '%H:%M:%S', zone=False)} · {names[message.sender]}"
            lines.append(f"- **{md_escape(head)}:** {md_block(self.text(message.text), indent='  ')}")
        return lines

    def timeline(self, session: Session) -> list[str]:
        t = self.t
        events: list[tuple[float, int, str]] = []
        for order, flag in enumerate(self.store.flags(session.id)):
            line = t("export.flag", label=self.flag_label(flag.item))
            detail = json.loads(flag.detail or "{}")
            if detail.get("result"):
                line += " (" + t("export.flag_screener", result=t(f"risk.{detail['result']}")) + ")"
            elif detail.get("screener") == "skipped":
                line += " (" + t("export.flag_skipped") + ")"
            events.append((flag.ts, order, md_escape(line)))
        for order, script in enumerate(self.store.scripts(session.id)):
            label = self.flag_label(script["item"])
            events.append((script["loaded_at"], 1000 + order, md_escape(t("export.script_loaded", label=label))))
            if script["sent_at"] is not None:
                events.append((script["sent_at"], 2000 + order, md_escape(t("export.script_sent", label=label))))
        for order, extension in enumerate(self.store.extensions(session.id)):
            line = t("export.extended", minutes=extension["minutes"], reason=self.text(extension["reason"]))
            events.append((extension["ts"], 3000 + order, md_block(line, indent="  ")))
        if not events:
            return [f"_{t('export.no_flags')}_"]
        return [f"- {md_escape(self.when(ts, '%H:%M:%S', zone=False))} · {line}" for ts, _, line in sorted(events)]

    def note(self, session: Session, level: int) -> list[str]:
        t = self.t
        h = "#" * level
        note = self.store.note(session.id)
        if note is None:
            return [f"{h} {t('export.note', template='–', version=0)}", "", f"_{t('export.no_note')}_"]
        templates = self.data.templates
        try:
            sections = templates.sections(note["template"])
            name = t.pick(templates.get(note["template"]).name)
        except KeyError:
            sections, name = (), note["template"]
        lines = [f"{h} {md_escape(t('export.note', template=name, version=note['version']))}", "",
                 f"_{t('export.note_versions', count=len(self.store.note_versions(session.id)))}_"]
        shown = set()
        for section in sections:
            shown.add(section.key)
            value = note["fields"].get(section.key, "").strip()
            lines += ["", f"{h}# {md_escape(t.pick(section.label))}", "", md_block(self.text(value)) if value else "–"]
        for key, value in note["fields"].items():  # fields of a template no longer offered
            if key not in shown and value.strip():
                lines += ["", f"{h}# {md_escape(key)}", "", md_block(self.text(value.strip()))]
        return lines

    def banner(self) -> list[str]:
        t = self.t
        lines = [f"> {t('export.confidential')}"]
        if self.practice:
            lines += [">", f"> **{t('export.practice_marker')}**: {t('export.practice_note')}"]
        lines += [">", f"> {t('export.masked') if self.mask else '**' + t('export.unmasked') + '**'}"]
        return lines


def session_markdown(store: Store, session_id: str, *, lang: str = "id", mask: bool = True,
                     practice: bool | None = None, data: ServiceData | None = None,
                     tz: tzinfo | None = WIB) -> str:
    """One session as a standalone Markdown document (masked unless `mask=False`)."""
    session = store.session(session_id)
    if session is None:
        raise KeyError(session_id)
    practice = bool(store_is_practice(store)) if practice is None else practice
    _check_kind(store, practice)
    writer = _Writer(store, data or _default_data(), lang, mask, practice, tz)
    title, *rest = writer.session(session, 1)
    return "\n".join([title, ""] + writer.banner() + rest) + "\n"


def _target(folder: Path, stem: str) -> Path:
    candidate = folder / f"{stem}.md"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}.md"
        number += 1
    return candidate


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def export_sessions(store: Store, session_ids: Sequence[str] | Iterable[str], out_dir: Path | None = None, *,
                    lang: str = "id", mask: bool = True, actor: str, audit, practice: bool,
                    data: ServiceData | None = None, tz: tzinfo | None = WIB, now: float | None = None) -> Path:
    """Write the sessions to one Markdown file, record the export in `audit`, return the file's path.

    Refuses (ValueError or KeyError, nothing written) an empty list, an id not in this store, or
    a `practice` flag that contradicts the store. An export the audit log could not record is
    removed again: no export exists without its audit entry.
    """
    ids = list(dict.fromkeys(session_ids))
    if not ids:
        raise ValueError("nothing to export")
    _check_kind(store, practice)
    sessions = []
    for session_id in ids:
        session = store.session(session_id)
        if session is None:
            raise KeyError(f"session {session_id} is not in {store.path.name}: nothing was exported")
        sessions.append(session)
    writer = _Writer(store, data or _default_data(), lang, mask, practice, tz)
    t = writer.t
    moment = datetime.now(tz) if now is None else datetime.fromtimestamp(now, tz)
    title = t("export.doc_title")
    if practice:
        title = f"{t('export.practice_marker')} · {title}"
    lines = [f"# {md_escape(title)}", ""] + writer.banner() + [
        "", f"- **{t('export.meta.exported_by')}:** {md_escape(actor)}",
        f"- **{t('export.meta.exported_at')}:** {writer.when(moment.timestamp())}",
        f"- **{t('export.meta.count')}:** {len(sessions)}", ""]
    for session in sessions:
        lines += ["---", ""] + writer.session(session, 2) + [""]
    folder = out_dir if out_dir is not None else export_dir(store, practice)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    stem = ("LATIHAN-PRACTICE-" if practice else "") + "sesi-" + moment.strftime("%Y%m%d-%H%M%S")
    stem += f"-{sessions[0].id}" if len(sessions) == 1 else f"-{len(sessions)}-sesi"
    target = _target(folder, stem)
    _write_private(target, "\n".join(lines))
    subject = f"session:{sessions[0].id}" if len(sessions) == 1 else f"sessions:{len(sessions)}"
    try:
        audit.record(actor, "export", subject, {"sessions": [s.id for s in sessions], "count": len(sessions),
                                                "masked": mask, "practice": practice})
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target
