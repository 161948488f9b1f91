"""The Workstation hub: builds the services over one store and one channel, runs them, and carries their events.

Screens reach the services through it (`ws.desk`, `ws.notes`, `ws.flags`, `ws.rights`,
`ws.records`, `ws.practice`, `ws.supervision`) and hear every change on one bus
(`ws.listen`). It owns no rules: each service does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from curhat_tui.channels.base import Channel, SupervisionLink
from curhat_tui.config.datafiles import ServiceData
from curhat_tui.config.settings import DEFAULT_CALL_LINK
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.hours import ServiceHours
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.services.background import Background
from curhat_tui.services.calls import Calls
from curhat_tui.services.desk import Desk
from curhat_tui.services.events import EventBus, Listener, LiveChanged, Notice
from curhat_tui.services.flags import Flags
from curhat_tui.services.notes import Notes
from curhat_tui.services.practice import Practice
from curhat_tui.services.privacy import Privacy
from curhat_tui.services.records import Records
from curhat_tui.services.rights import Rights
from curhat_tui.services.schedule import Schedule
from curhat_tui.services.supervision import Supervision
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.store import Store

log = logging.getLogger("curhat.workstation")


def default_name(data: ServiceData, role: str) -> str:
    """The name when neither --name nor config.toml gives one: the role's word in the catalogue's Indonesian, in
    every language. It is who the open sessions belong to: a name that followed --lang made a counselor who
    started once in English and once in Indonesian find none of their open sessions (they were "Counselor"'s)."""
    known = ("counselor", "trainee", "supervisor")
    return Catalogue(data.strings, "id")(f"role_name.{role if role in known else 'counselor'}")


PRACTICE_LOOK_SECONDS = 5.0  # how often a supervisor without practice.db looks whether a trainee has made one


class Workstation:
    def __init__(self, store: Store, channel: Channel, clock: Clock, data: ServiceData, *,
                 counselor: str = "Konselor", lang: str = "id", role: str = "counselor",
                 retention: RetentionPolicy | None = None, link: SupervisionLink | None = None,
                 practice_store: Store | None = None, first_purge_delay: float = 0.0,
                 max_load: int = 0, call_link: str = DEFAULT_CALL_LINK, hours: ServiceHours | None = None,
                 practice_opener: Callable[[], Store | None] | None = None) -> None:
        """`role` is counselor, supervisor or trainee (a trainee's channel is always simulated); `link` carries
        supervision between machines (None: one machine); `practice_store` holds trainees' sessions for a
        supervisor to read; `first_purge_delay` is how many real seconds the start-up retention purge waits; `max_load` is
        the cap on a counselor's open sessions weighed by risk (0: none; the CLI passes config.toml's, default 4);
        `call_link` is [service] call_link, the https template of a session's voice/video room; `practice_opener`
        opens trainees' practice store once there is one (a supervisor started before any practice)."""
        self.store = store
        self.channel = channel
        self.clock = clock
        self.data = data
        self.counselor = counselor
        self.lang = lang
        self.role = role
        self.bus = EventBus()
        self.background = Background(self._background_failed)
        self.audit = AuditLog(store, clock)
        self.privacy = Privacy(store, self.audit, clock, retention)
        self.notes = Notes(store, clock, data, self.bus, self.audit, counselor=counselor)
        self.notes.recover()  # note typing a crash left unsaved becomes the next version of its note
        self.desk = Desk(store, channel, clock, data, self.bus, self.audit, self.privacy, self.notes, self.background,
                         counselor=counselor, lang=lang, max_load=max_load)
        self.flags = Flags(store, channel, clock, data, self.bus, self.notes, self.background, counselor=counselor,
                           lang=lang)
        self.rights = Rights(self.privacy, self.desk, self.bus, counselor=counselor,
                             first_purge_delay=first_purge_delay)
        practice_store = practice_store or (store if channel.simulated else None)
        self.records = Records(store, clock, data, self.audit, counselor=counselor, role=role, lang=lang,
                               simulated=channel.simulated, practice_store=practice_store)
        self.practice = Practice(store, channel, data, self.audit, counselor=counselor,
                                 practice_store=practice_store, clock=clock)
        self.supervision = Supervision(store, clock, self.audit, self.bus, counselor, role, link, self.notes,
                                       load=self.desk.guard.status)
        self.privacy.transcripts_gone.append(self.supervision.transcripts_gone)
        self.calls = Calls(store, self.desk, self.notes, self.audit, clock, data, counselor=counselor,
                           template=call_link)
        self.bus.listen(self.practice.on_event)  # a practice report is kept before a closing can take the transcript
        self.schedule = Schedule(store, channel, clock, self.desk, counselor=counselor, hours=hours)  # and on duty
        self.bus.listen(self.schedule.on_event)
        self._practice_opener = practice_opener if practice_store is None else None
        self._practice_look_at = 0.0

    @property
    def simulated(self) -> bool:
        """Whether the clients here are simulated (practice)."""
        return self.channel.simulated

    def listen(self, listener: Listener) -> None:
        self.bus.listen(listener)

    async def start(self) -> None:
        await self.channel.start(self.desk.on_channel_event)
        await self.supervision.start()
        self.background.run(self.desk.flush_outbox())  # beside the desk: a slow or dead server never freezes it
        try:
            self.tick()
        except Exception as exc:  # noqa: BLE001 - a bad tick must not stop the workstation starting
            log.warning("first tick failed: %s", exc)

    async def stop(self) -> None:
        await self.supervision.stop()
        await self.channel.stop()

    def tick(self) -> None:
        """Advance time-driven parts: the channel's clock, supervision, outbox retries, countdowns, the purge."""
        now = self.clock.now()
        self.channel.pump(now)
        self.supervision.poll()
        if self.rights.due(now):
            self.background.run(self.rights.purge_retention())
        self.desk.tick(now)
        if self._practice_opener is not None and now >= self._practice_look_at:
            self._look_for_practice(now)
        if self.role == "supervisor" and self.practice.practice_store is not None:
            for alert in self.practice.trainer.new_alerts():  # a trainee ticked a red flag in a practice session
                self.bus.tell(alert)

    def _look_for_practice(self, now: float) -> None:
        """A trainee has practised here since this supervisor started: their sessions are read from now on."""
        self._practice_look_at = now + PRACTICE_LOOK_SECONDS
        assert self._practice_opener is not None
        store = self._practice_opener()
        if store is None:
            return
        self._practice_opener = None
        self.records.practice_store = store
        self.practice.attach(store)
        self.bus.tell(LiveChanged())  # Live lists running practice sessions; the trainees' tab reads them on its tick

    def _background_failed(self, exc: BaseException) -> None:
        """Channel work run in the background failed: logged and told."""
        log.warning("background channel work failed: %s", exc)
        self.bus.tell(Notice("notice.channel_failed", {"error": str(exc)}, "warning"))
