"""Practice: asking for a simulated client, which voice speaks, and the trainee's feedback reports."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from curhat_tui.channels.base import Channel
from curhat_tui.channels.practice.channel import PracticeChannel
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.models import Session, SessionStatus, Visit
from curhat_tui.paths import practice_reports_dir
from curhat_tui.services.events import Event, MessageAdded, MessageRevised, SessionChanged, SessionClosed
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.files import free_name, private_folder, write_private
from curhat_tui.storage.store import Store

if TYPE_CHECKING:
    from curhat_tui.services.curriculum import CurriculumProgress
    from curhat_tui.services.trainer import Trainer

# The reports (feedback, rubric, alternatives, safety lines), the curriculum and the trainer's view are imported
# where they are first used: a report is built at wrap-up or on request, never before the first screen.


@dataclass(frozen=True)
class VoiceStatus:
    """Who phrases the simulated clients' lines: `kind` is scripted, off or llm."""

    kind: str
    label: str = ""
    scripted_aliases: tuple[str, ...] = ()  # sessions that went back to the script after failures


class Practice:
    def __init__(self, store: Store, channel: Channel, data: ServiceData, audit: AuditLog, *, counselor: str,
                 practice_store: Store | None, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.channel = channel if isinstance(channel, PracticeChannel) else None
        self.data = data
        self.audit = audit
        self.counselor = counselor
        self.practice_store = practice_store  # trainees' sessions (a supervisor reads them), never mixed with real
        self.blind = True  # F12 never says which clients carry a hidden risk; only a non-trainee may turn it off

    @property
    def available(self) -> bool:
        """Whether a simulated client can be asked for here."""
        return self.channel is not None

    @property
    def difficulty(self) -> str:
        return self.channel.difficulty if self.channel is not None else "normal"

    def request_client(self, persona_id: str | None, level: str) -> Visit:
        """Bring one simulated client into the queue now (`persona_id`, or one picked), at `level`."""
        if self.channel is None:
            raise RuntimeError("no simulated clients here")
        return self.channel.request_client(persona_id, level)

    def voice(self) -> VoiceStatus:
        voice = self.channel.voice if self.channel is not None else None
        if voice is None:
            return VoiceStatus("scripted")
        if voice.disabled:
            return VoiceStatus("off")
        assert self.channel is not None
        return VoiceStatus("llm", voice.label, tuple(self.channel.voice_off_in()))

    # ---- feedback reports -------------------------------------------------------------
    def feedback(self, session_id: str, lang: str | None = None) -> str:
        """The trainee's feedback report for a practice session, as Markdown in `lang`: the trainee's interface
        language (the screen passes it; without it, the session's language)."""
        from curhat_tui.services.practice_report import feedback_markdown

        return feedback_markdown(self.store, self.data, session_id, difficulty=self.difficulty_of(session_id),
                                 tz=self.clock.tz, lang=lang)

    def difficulty_of(self, session_id: str) -> str:
        """The level the session's simulated client played at."""
        session = self.store.sessions.get(session_id)
        level = self.store.state.practice_difficulty(session.visit_id) if session is not None else None
        return level or self.difficulty

    def on_event(self, event: Event) -> None:
        """Keep a practice session's report while it is in wrap-up, before a closing may take its transcript
        (zero transcript retention): what a supervisor reads later is what the trainee could save then."""
        if self.channel is None:
            return
        match event:
            case SessionChanged(session=session) if session.status is SessionStatus.WRAPUP:
                self._keep_report(session.id)
            case MessageAdded(message=message) | MessageRevised(message=message):
                current = self.store.sessions.get(message.session_id)
                if current is not None and current.status is SessionStatus.WRAPUP:
                    self._keep_report(current.id)
            case SessionClosed(session_id=session_id):
                self.curriculum.judge_session(session_id)  # a step passed or not, kept with the trainee's progress

    def _keep_report(self, session_id: str) -> None:
        from curhat_tui.services.practice_report import keep_report

        keep_report(self.store, self.data, session_id, self.difficulty_of(session_id))

    def export_feedback(self, session_id: str, lang: str | None = None) -> Path:
        """Write the report next to the database, readable by this user only (practice reports live apart from real
        records); exporting again writes a new file beside the earlier one."""
        session = self.store.sessions.get(session_id)
        if session is None:
            raise KeyError(session_id)
        folder = private_folder(practice_reports_dir(self.store.path.parent))
        path = write_private(free_name(folder, f"{session.alias}-{session_id}"), self.feedback(session_id, lang))
        self.store.written.add(path, "practice_report", [(session.id, session.client_key)],
                               self.clock.now())
        return path

    def attach(self, practice_store: Store) -> None:
        """Trainees' practice store, opened after the start: read from now on (the views built on it are rebuilt)."""
        self.practice_store = practice_store
        for view in ("curriculum", "trainer"):
            self.__dict__.pop(view, None)

    def trainee_sessions(self) -> list[Session]:
        """Practice sessions past their end, newest first: what a supervisor reviews of the trainees' work."""
        if self.practice_store is None:
            return []
        done = [s for s in self.practice_store.sessions.all() if s.status is not SessionStatus.ACTIVE]
        return sorted(done, key=lambda s: -(s.ended_at or s.started_at))

    def trainee_report(self, session_id: str, lang: str | None = None) -> str:
        """A trainee's feedback report, read by a supervisor in `lang` (recorded in the audit log): the one kept at
        wrap-up, else one computed from the transcript."""
        if self.practice_store is None:
            raise KeyError(session_id)
        from curhat_tui.services.practice_report import feedback_markdown, kept_markdown

        self.audit.record(self.counselor, "view", f"practice-session:{session_id}", {"report": True})
        kept = kept_markdown(self.practice_store, self.data, session_id, tz=self.clock.tz, lang=lang)
        if kept is not None:
            return kept
        session = self.practice_store.sessions.get(session_id)
        level = self.practice_store.state.practice_difficulty(session.visit_id) if session is not None else None
        return feedback_markdown(self.practice_store, self.data, session_id, difficulty=level or "normal",
                                 tz=self.clock.tz, lang=lang)

    # ---- the trainer's loop: curriculum, supervisors' view of practice (services.curriculum, services.trainer) ----
    @cached_property
    def curriculum(self) -> CurriculumProgress:
        """The curriculum (data/curriculum.toml, checked when first read) and each trainee's progress."""
        from curhat_tui.config.curriculum import load_curriculum
        from curhat_tui.services.curriculum import CurriculumProgress

        return CurriculumProgress(self.practice_store or self.store, self.data, self.clock, load_curriculum(self.data))

    @cached_property
    def trainer(self) -> Trainer:
        """Practice sessions for a supervisor: live rows, whispers, transcripts and line comments."""
        from curhat_tui.services.trainer import Trainer

        return Trainer(self.practice_store, self.audit, self.clock, user=self.counselor)
