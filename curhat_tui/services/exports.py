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
kind the store records, and a session id not in this store refuses the whole export before anything is
written. No PDF: no well-kept PDF library is installed, and Markdown converts with any tool.

Each session is read by ``services.session_view`` and written by ``services.markdown`` (which also
holds ``md_escape`` and ``md_block``, re-exported here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.clock import WIB
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Session
from curhat_tui.paths import exports_dir
from curhat_tui.services.markdown import ExportMarkdown, md_block, md_escape
from curhat_tui.services.session_view import default_data, session_view
from curhat_tui.storage.files import free_name, private_folder, write_private
from curhat_tui.storage.store import Store

__all__ = ["day_range", "export_dir", "export_sessions", "md_block", "md_escape", "session_markdown",
           "sessions_ended_between"]


def export_dir(store: Store, practice: bool) -> Path:
    """Where exports of this store go: beside the database, practice ones apart."""
    return exports_dir(store.path.parent, practice)


def _check_kind(store: Store, practice: bool) -> None:
    kind = store.practice
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
    chosen = [s for s in store.sessions.all() if s.ended_at is not None and start <= s.ended_at < end
              and (counselor is None or s.counselor == counselor)]
    return sorted(chosen, key=lambda s: (s.ended_at, s.id))


def session_markdown(store: Store, session_id: str, *, lang: str = "id", mask: bool = True,
                     practice: bool | None = None, data: ServiceData | None = None,
                     tz: tzinfo | None = WIB) -> str:
    """One session as a standalone Markdown document (masked unless `mask=False`)."""
    session = store.sessions.get(session_id)
    if session is None:
        raise KeyError(session_id)
    practice = bool(store.practice) if practice is None else practice
    _check_kind(store, practice)
    data = data or default_data()
    writer = ExportMarkdown(Catalogue(data.strings, lang), mask, tz)
    title, *rest = writer.session(session_view(store, data, session_id, lang, practice=practice), 1)
    return "\n".join([title, ""] + writer.banner(practice) + rest) + "\n"


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
        session = store.sessions.get(session_id)
        if session is None:
            raise KeyError(f"session {session_id} is not in {store.path.name}: nothing was exported")
        sessions.append(session)
    data = data or default_data()
    writer = ExportMarkdown(Catalogue(data.strings, lang), mask, tz)
    t = writer.t
    moment = datetime.now(tz) if now is None else datetime.fromtimestamp(now, tz)
    title = t("export.doc_title")
    if practice:
        title = f"{t('export.practice_marker')} · {title}"
    lines = [f"# {md_escape(title)}", ""] + writer.banner(practice) + [
        "", f"- **{t('export.meta.exported_by')}:** {md_escape(actor)}",
        f"- **{t('export.meta.exported_at')}:** {writer.when(moment.timestamp())}",
        f"- **{t('export.meta.count')}:** {len(sessions)}", ""]
    for session in sessions:
        lines += ["---", ""] + writer.session(session_view(store, data, session.id, lang, practice=practice), 2) + [""]
    folder = private_folder(out_dir if out_dir is not None else export_dir(store, practice))
    stem = ("LATIHAN-PRACTICE-" if practice else "") + "sesi-" + moment.strftime("%Y%m%d-%H%M%S")
    stem += f"-{sessions[0].id}" if len(sessions) == 1 else f"-{len(sessions)}-sesi"
    target = free_name(folder, stem)
    write_private(target, "\n".join(lines))
    subject = f"session:{sessions[0].id}" if len(sessions) == 1 else f"sessions:{len(sessions)}"
    try:
        store.written.add(target, "session_export", [(s.id, s.client_key) for s in sessions], moment.timestamp())
        audit.record(actor, "export", subject, {"sessions": [s.id for s in sessions], "count": len(sessions),
                                                "masked": mask, "practice": practice})
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target
