"""Markdown of sessions, rendered from ``SessionView``: the counselor's export and the client-rights export.

- ``md_escape`` / ``md_block``: untrusted text as literal Markdown, so a client's ``# heading`` or
  ``[link](x)`` can never restructure the document.
- ``ExportMarkdown(t, mask, tz)``: the export's pieces: ``session(view, level)`` (header, transcript,
  red-flag and referral timeline, note), ``banner(practice)`` and ``when(epoch)``.
- ``client_markdown(data, views, t, tz)``: the Markdown a client reads of everything held about
  them; client words go in indented blocks, shown literally.

Formatting only: what is shown comes from ``services.session_view``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, tzinfo

from curhat_tui.domain import masking
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Message, Sender
from curhat_tui.domain.review import TimelineEvent
from curhat_tui.services.session_view import NoteView, SessionView

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d{1,9}(?=[.)]))")
_LEADING_SPACE = re.compile(r"^[ \t]+")
_EXPORT_TIMELINE = ("flag", "script_loaded", "script_sent", "extend")  # what the export's timeline lists


def md_escape(text: str) -> str:
    """One line of untrusted text as literal Markdown: no emphasis, links, HTML, headings or lists."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2).isdigit() else "\\" + m.group(2)),
                           text)  # "- x", "+ x", "1. x" and "===" lines would become lists or headings
    # leading spaces would make an indented code block: keep them visible as no-break spaces
    return _LEADING_SPACE.sub(lambda m: "\u00a0" * len(m.group(0).expandtabs(4)), text)


def said(message: Message, t: Catalogue, text: str | None = None) -> str:
    """What a message says in an export: a placeholder for one the client deleted, else its text (or `text`,
    its masked form) with a mark when the client edited it."""
    if message.redacted:
        return t("transcript.redacted")
    words = message.text if text is None else text
    return words + (" " + t("transcript.edited") if message.edited_at is not None else "")


def md_block(text: str, indent: str = "") -> str:
    """Untrusted multi-line text as literal Markdown; lines after the first get `indent`."""
    lines = [md_escape(line) for line in text.split("\n")]
    out = []
    for i, line in enumerate(lines):
        follows = i + 1 < len(lines) and lines[i + 1].strip()
        # a backslash at a line's end is a hard break, so the client's own line breaks survive
        out.append(("" if i == 0 else indent) + line + ("\\" if line.strip() and follows else ""))
    return "\n".join(out)


class ExportMarkdown:
    """The counselor's export of sessions in one language, masked or not, with times in one zone."""

    def __init__(self, t: Catalogue, mask: bool, tz: tzinfo | None) -> None:
        self.t = t
        self.mask = mask
        self.tz = tz
        self.labels = {kind: t(f"mask.{kind}") for kind in masking.KINDS}

    def text(self, value: str) -> str:
        """Client or counselor text, masked when the export is."""
        return masking.mask(value, self.labels) if self.mask else value

    def when(self, epoch: float, fmt: str = "%Y-%m-%d %H:%M", zone: bool = True) -> str:
        """A time in the export's zone; the zone's name is given where the header states times."""
        moment = datetime.fromtimestamp(epoch, self.tz)
        name = (moment.tzname() or "") if zone and self.tz is not None else ""
        return moment.strftime(fmt) + (f" {name}" if name else "")

    def banner(self, practice: bool) -> list[str]:
        """The quoted notice under the title: confidential, practice (when so), masked or not."""
        t = self.t
        lines = [f"> {t('export.confidential')}"]
        if practice:
            lines += [">", f"> **{t('export.practice_marker')}**: {t('export.practice_note')}"]
        lines += [">", f"> {t('export.masked') if self.mask else '**' + t('export.unmasked') + '**'}"]
        return lines

    def session(self, view: SessionView, level: int) -> list[str]:
        """The session under a heading of `level`: header facts, transcript, timeline, note."""
        t = self.t
        session = view.session
        h = "#" * level
        title = t("export.session_title", alias=session.alias)
        if view.practice:
            title = f"{t('export.practice_marker')} · {title}"
        minutes = view.duration_minutes
        fields = [
            ("export.field.session_id", session.id),
            ("export.field.alias", session.alias),
            ("export.field.tier", t("export.package", tier=t(f"tier.{session.tier.value}"), minutes=session.minutes)),
            ("export.field.counselor", session.counselor),
            ("export.field.start", self.when(session.started_at)),
            ("export.field.end", self.when(session.ended_at) if session.ended_at is not None
             else t("export.not_ended")),
            ("export.field.duration", t("export.minutes", minutes=minutes) if minutes is not None else "–"),
            ("export.field.kind", t("export.kind.practice") if view.practice else t("export.kind.real")),
            ("export.field.risk", t(f"risk.{session.risk.key}")),
            ("export.field.status", t(f"export.status.{session.status.value}")),
        ]
        lines = [f"{h} {md_escape(title)}", ""]
        lines += [f"- **{md_escape(t(key))}:** {md_escape(value)}" for key, value in fields]
        lines += ["", f"{h}# {t('export.transcript')}", ""]
        lines += self.transcript(view)
        lines += ["", f"{h}# {t('export.timeline')}", ""]
        lines += self.timeline(view)
        lines += [""] + self.note(view.note, level + 1)
        return lines

    def transcript(self, view: SessionView) -> list[str]:
        """The messages as a list: time, sender, escaped text (a client's line breaks kept)."""
        t = self.t
        session = view.session
        if not view.messages:
            return [f"_{t('export.no_messages')}_"]
        names = {Sender.CLIENT: t("export.sender.client") + f" ({session.alias})", Sender.COUNSELOR: session.counselor,
                 Sender.SYSTEM: t("export.sender.system")}
        lines = []
        for message in view.messages:
            head = f"{self.when(message.ts, '%H:%M:%S', zone=False)} · {names[message.sender]}"
            lines.append(f"- **{md_escape(head)}:** {md_block(said(message, t, self.text(message.text)), indent='  ')}")
        return lines

    def event(self, view: SessionView, event: TimelineEvent) -> str:
        """One red-flag or referral mark as Markdown (escaped)."""
        t = self.t
        if event.kind == "flag":
            line = t("export.flag", label=view.item_labels.get(event.label, event.label))
            if event.detail == "skipped":
                line += " (" + t("export.flag_skipped") + ")"
            elif event.detail:
                line += " (" + t("export.flag_screener", result=t(f"risk.{event.detail}")) + ")"
            return md_escape(line)
        if event.kind == "extend":
            return md_block(t("export.extended", minutes=event.label, reason=self.text(event.detail)), indent="  ")
        label = view.item_labels.get(event.detail, event.detail)
        return md_escape(t(f"export.{event.kind}", label=label))  # script_loaded, script_sent

    def timeline(self, view: SessionView) -> list[str]:
        """The red-flag and referral marks of the session's timeline (flags, scripts, extensions)."""
        events = [e for e in view.timeline if e.kind in _EXPORT_TIMELINE]
        if not events:
            return [f"_{self.t('export.no_flags')}_"]
        return [f"- {md_escape(self.when(e.ts, '%H:%M:%S', zone=False))} · {self.event(view, e)}" for e in events]

    def note(self, note: NoteView | None, level: int) -> list[str]:
        """The note by its template's sections ("–" when empty), then the non-empty fields it no longer has."""
        t = self.t
        h = "#" * level
        if note is None:
            return [f"{h} {t('export.note', template='–', version=0)}", "", f"_{t('export.no_note')}_"]
        lines = [f"{h} {md_escape(t('export.note', template=note.name, version=note.version))}", "",
                 f"_{t('export.note_versions', count=note.saved_versions)}_"]
        for field in note.fields:
            value = field.text.strip()
            if field.extra and not value:  # an empty field of a template no longer offered is left out
                continue
            lines += ["", f"{h}# {md_escape(field.label)}", "", md_block(self.text(value)) if value else "–"]
        return lines


def _indented(text: str) -> str:
    """Client words as an indented block: shown literally, never read as Markdown."""
    return "\n".join("    " + line for line in (text or "").splitlines() or [""])


def client_markdown(data: dict, views: Sequence[SessionView], t: Catalogue, tz: tzinfo | None = None) -> str:
    """What is held about a client as Markdown they can read, in the catalogue's language.

    `data` is the client-rights export (``Privacy.collect``): the client, consent and visits come from
    it; `views` are its sessions in the same order, labelled in the catalogue's language.
    """

    def iso(ts: float) -> str:
        return datetime.fromtimestamp(ts, tz).isoformat()

    client = data["client"]
    lines = [f"# {t('rights.doc.title', alias=client.get('alias', ''))}", "",
             t("rights.doc.intro", date=data["exported_at"]), "",
             f"- {t('rights.doc.client_key')}: {client.get('key', '')}"]
    if data["consent"]:
        consent = data["consent"]
        withdrawn = t("rights.doc.consent_withdrawn", date=consent["withdrawn_at"], due=consent["deletion_due_at"])
        lines.append(f"- {withdrawn}")
    lines += [f"- {t('rights.doc.visits', count=len(data['visits']))}",
              f"- {t('rights.doc.sessions', count=len(data['sessions']))}", ""]
    for visit in data["visits"]:
        if visit.get("topic"):
            lines += [f"## {t('rights.doc.visit', date=visit['arrived_at_iso'])}", "", _indented(visit["topic"]), ""]
    for view in views:
        session, mark = view.session, view.retention
        heading = t("rights.doc.session", date=iso(session.started_at), counselor=session.counselor,
                    status=session.status.value)
        lines += [f"## {heading}", ""]
        if mark is not None and mark.transcript_at is not None:
            lines += [t("rights.doc.transcript_deleted", date=iso(mark.transcript_at)), ""]
        elif view.messages:
            lines += [f"### {t('rights.doc.transcript')}", ""]
            for message in view.messages:
                who = {Sender.CLIENT: client.get("alias", ""), Sender.COUNSELOR: session.counselor}.get(
                    message.sender, "•")
                lines += [f"**{iso(message.ts)} {who}:**", "", _indented(said(message, t)), ""]
        if mark is not None and mark.notes_at is not None:
            lines += [t("rights.doc.notes_deleted", date=iso(mark.notes_at)), ""]
        elif view.note is not None:
            note = view.note
            lines += [f"### {t('rights.doc.note', version=note.version)}", ""]
            for key in note.stored:
                text = note.field(key).text
                if text.strip():
                    lines += [f"**{note.field(key).label}:**", "", _indented(text), ""]
        flags = [e for e in view.timeline if e.kind == "flag"]
        if flags:
            lines += [f"### {t('rights.doc.flags')}", ""]
            lines += [f"- {iso(e.ts)} {e.label}" for e in flags] + [""]
    return "\n".join(lines).rstrip() + "\n"
