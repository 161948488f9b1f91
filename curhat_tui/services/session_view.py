"""One session as plain data: what every rendering of a session (Markdown export, client-rights export,
the supervisor's review) shows, read from the store once and formatted by none of it.

- ``session_view(store, data, session_id, lang=None, *, practice=None) -> SessionView``: the session's
  header facts (its ``Session``), the transcript, one timeline, the note with its fields labelled in
  its template's order, every saved note version, review events, whispers and the retention mark.
- ``ReviewDetail``: a session view with the changes between note versions and the sign-off status, for a
  supervisor's review (``Supervision.detail``).
- ``session_timeline(session, flags, scripts, extensions, versions, events, whispers)``: the one
  timeline of a session from its stored records, oldest first (``domain.review.TimelineEvent``).

Text stays as stored: masking and escaping belong to the renderers (``services.markdown``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from curhat_tui.config.datafiles import ServiceData, load_all
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import FlagEvent, Message, Session
from curhat_tui.domain.review import FieldDiff, NoteStatus, TimelineEvent, timeline
from curhat_tui.storage.privacy import PurgeMark
from curhat_tui.storage.store import Store

__all__ = ["NoteField", "NoteView", "ReviewDetail", "SessionView", "default_data", "session_timeline", "session_view"]


@lru_cache(maxsize=1)
def default_data() -> ServiceData:
    """The shipped data files, loaded once: for callers that were not handed the app's."""
    return load_all()


@dataclass(frozen=True)
class NoteField:
    """One field of a note: its key, its label in the view's language, and its text exactly as stored."""

    key: str
    label: str
    text: str
    extra: bool = False  # stored, but not a section of the note's template (one no longer offered, say)


@dataclass(frozen=True)
class NoteView:
    """A session's current note: the template's sections in its order, then the stored fields it lacks."""

    template: str  # the template's id
    name: str  # the template's name in the view's language; its id when the template is no longer shipped
    version: int
    saved_versions: int
    fields: tuple[NoteField, ...]  # every section ("" when unwritten), then extra stored fields in stored order
    stored: tuple[str, ...]  # the stored keys in the order the note holds them (the client-rights export's order)

    def field(self, key: str) -> NoteField:
        """The field with this key (KeyError when the note has no such field)."""
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)


@dataclass(frozen=True)
class SessionView:
    """Everything shown of one session, as data; built by ``session_view``, rendered by the renderers."""

    session: Session  # the header facts: id, alias, package, counselor, start, end, risk, status
    lang: str  # the language of the labels below
    practice: bool
    messages: tuple[Message, ...]
    timeline: tuple[TimelineEvent, ...]  # from ``session_timeline``, oldest first
    note: NoteView | None
    versions: tuple[dict, ...]  # every saved note version, oldest first, `fields` decoded
    review_events: tuple[dict, ...]  # submit, comment and sign rows, oldest first
    whispers: tuple[dict, ...]
    retention: PurgeMark | None  # when the transcript or the note was deleted under the retention policy
    item_labels: Mapping[str, str]  # red-flag item id -> its label, for the items the timeline names

    @property
    def duration_minutes(self) -> int | None:
        """Whole minutes from start to end; None while the session has not ended."""
        session = self.session
        return None if session.ended_at is None else round((session.ended_at - session.started_at) / 60)


@dataclass(frozen=True)
class ReviewDetail:
    """One session for review: the session view, the changes between note versions, and the sign-off status."""

    view: SessionView  # labelled when `Supervision.detail` was given data
    diffs: list[tuple[int, list[FieldDiff]]]  # (version, changes from the version before)
    status: NoteStatus

    @property
    def session(self) -> Session:
        return self.view.session

    @property
    def messages(self) -> list[Message]:
        return list(self.view.messages)

    @property
    def timeline(self) -> list[TimelineEvent]:
        return list(self.view.timeline)

    @property
    def versions(self) -> list[dict]:
        return list(self.view.versions)

    @property
    def events(self) -> list[dict]:
        return list(self.view.review_events)

    @property
    def whispers(self) -> list[dict]:
        return list(self.view.whispers)


def _flag_detail(flag: FlagEvent) -> str:
    """What a flag's record adds: the screener's result (a risk key), "skipped", or nothing."""
    detail = json.loads(flag.detail or "{}")
    if detail.get("result"):
        return str(detail["result"])
    return "skipped" if detail.get("screener") == "skipped" else ""


def session_timeline(session: Session, flags: Sequence[FlagEvent], scripts: Sequence[dict],
                     extensions: Sequence[dict], versions: Sequence[dict], events: Sequence[dict],
                     whispers: Sequence[dict]) -> list[TimelineEvent]:
    """The session's one timeline, oldest first; at equal times: start, flags, scripts loaded, scripts sent,
    extensions, end, note versions, review events, whispers (each in stored order)."""
    marks = [TimelineEvent(session.started_at, "start", "")]
    marks += [TimelineEvent(f.ts, "flag", f.item, _flag_detail(f)) for f in flags]
    marks += [TimelineEvent(s["loaded_at"], "script_loaded", f"{s['item']}:{s['variant']}", s["item"])
              for s in scripts]
    marks += [TimelineEvent(s["sent_at"], "script_sent", f"{s['item']}:{s['variant']}", s["item"])
              for s in scripts if s["sent_at"] is not None]
    marks += [TimelineEvent(e["ts"], "extend", str(e["minutes"]), e["reason"]) for e in extensions]
    if session.ended_at:
        marks.append(TimelineEvent(session.ended_at, "end", session.end_reason))
    marks += [TimelineEvent(v["ts"], "note", str(v["version"])) for v in versions]
    marks += [TimelineEvent(e["ts"], e["action"], e["author"]) for e in events]
    marks += [TimelineEvent(w["ts"], "whisper", w["author"]) for w in whispers]
    return timeline(marks)


def _note(note: dict | None, versions: int, data: ServiceData | None, t: Catalogue | None) -> NoteView | None:
    """The stored note labelled by its template (when `data` still ships it), or None without a note."""
    if note is None:
        return None
    stored = {key: str(value) for key, value in note["fields"].items()}
    template = note["template"]
    name, fields = template, []
    if data is not None and t is not None and template in data.templates.ids():
        name = t.pick(data.templates.get(template).name)
        fields = [NoteField(s.key, t.pick(s.label), stored.get(s.key, "")) for s in data.templates.sections(template)]
    own = {f.key for f in fields}
    elsewhere = {} if data is None or t is None else {
        s.key: t.pick(s.label) for tpl in data.templates.ids() for s in data.templates.sections(tpl)}
    fields += [NoteField(key, elsewhere.get(key, key), text, extra=True) for key, text in stored.items()
               if key not in own]
    return NoteView(template, name, note["version"], versions, tuple(fields), tuple(stored))


def session_view(store: Store, data: ServiceData | None, session_id: str, lang: str | None = None, *,
                 practice: bool | None = None) -> SessionView:
    """Read one session into a SessionView (KeyError when the store has no such session).

    Labels (template name and sections, red-flag items) come from `data` in `lang` (the session's own
    language when None); without `data` the ids stand for themselves. `practice` defaults to the store's kind.
    """
    session = store.sessions.get(session_id)
    if session is None:
        raise KeyError(session_id)
    lang = lang or session.lang
    t = Catalogue(data.strings, lang) if data is not None else None  # no labels wanted: no language needed
    flags = store.flags.for_session(session_id)
    scripts = store.flags.scripts(session_id)
    versions = store.notes.versions(session_id)
    events = store.review.events(session_id)
    whispers = store.review.whispers(session_id)
    marks = session_timeline(session, flags, scripts, store.sessions.extensions(session_id), versions, events,
                             whispers)
    shipped = {i.id: t.pick(i.label) for i in data.redflags.items} if data is not None and t is not None else {}
    named: list[str] = [f.item for f in flags] + [s["item"] for s in scripts]
    items = {item: shipped.get(item, item) for item in named}
    return SessionView(
        session=session, lang=lang, practice=bool(store.practice) if practice is None else practice,
        messages=tuple(store.messages.for_session(session_id)), timeline=tuple(marks),
        note=_note(store.notes.get(session_id), len(versions), data, t), versions=tuple(versions),
        review_events=tuple(events), whispers=tuple(whispers), retention=store.privacy.mark(session_id),
        item_labels=items)
