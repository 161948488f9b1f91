"""The one composition root: the CLI, the tests and the benchmarks assemble a workstation here.

No Textual (ui.app.build_app turns `Parts` into the app) and no fake defaults: the caller always
passes the clock, a SystemClock in production and a FakeClock in tests. Every object leaves here
finished: the retention policy, the supervision link and the practice store go into constructors,
nothing is set on them afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from curhat_tui.channels.base import Channel, SupervisionLink
from curhat_tui.channels.practice.channel import PracticeChannel
from curhat_tui.config.datafiles import ServiceData, load_all
from curhat_tui.config.settings import DEFAULT_CALL_LINK
from curhat_tui.domain.clock import Clock
from curhat_tui.domain.hours import ServiceHours
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.paths import crypto_dir, practice_db, real_db
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store


@dataclass
class Parts:
    store: Store
    channel: Channel
    workstation: Workstation
    data: ServiceData
    clock: Clock
    practice_store: Store | None = None  # a supervisor's: trainees' sessions, opened beside the real store

    @classmethod
    def of(cls, workstation: Workstation) -> Parts:
        """The parts of a workstation assembled by hand (tests and benchmarks over a Matrix channel)."""
        return cls(workstation.store, workstation.channel, workstation, workstation.data, workstation.clock)

    def close(self) -> None:
        """Close the databases: the store, and a supervisor's separate practice store (maybe opened after the start)."""
        self.store.close()
        practice = self.workstation.practice.practice_store
        if practice is not None and practice is not self.store:
            practice.close()


def build_practice(data_dir: Path, *, clock: Clock, data: ServiceData | None = None, seed: int = 1,
                   speed: float = 0.0, name: str = "Ani", lang: str = "id", key: str | None = None,
                   role: str = "counselor", difficulty: str = "normal", voice=None, persona: str | None = None,
                   retention: RetentionPolicy | None = None, first_purge_delay: float = 0.0,
                   max_load: int = 0, call_link: str = DEFAULT_CALL_LINK, hours: ServiceHours | None = None) -> Parts:
    """A practice workstation over the store in `data_dir` (speed 0: simulated clients type instantly).

    With `key` the store is encrypted (SQLCipher); the CLI always passes one. `difficulty` applies to
    scheduled arrivals; `voice` (channels.practice.llm_voice) lets a language model phrase the clients'
    lines; `persona` is a simulated client who joins the queue first. `first_purge_delay` is how many
    real seconds the start-up retention purge waits (the CLI lets the first frame come first). `max_load` is the
    load guard's cap (0: none; the CLI passes config.toml's [service] max_load). Outside the service `hours`
    ([service.hours]; None: always open) no simulated client walks in or is booked.
    """
    data = data or load_all()
    store = Store(practice_db(data_dir), key=key)
    channel = PracticeChannel(store, data.personas, data.prices, clock, seed=seed, speed=speed,
                              difficulty=difficulty, voice=voice, hours=hours)
    if persona:
        channel.requests_on_start.append((persona, difficulty))
    workstation = Workstation(store, channel, clock, data, counselor=name, lang=lang, role=role,
                              retention=retention, first_purge_delay=first_purge_delay, max_load=max_load,
                              call_link=call_link)
    return Parts(store, channel, workstation, data, clock)


def build_supervisor(data_dir: Path, *, clock: Clock, data: ServiceData | None = None, name: str = "Supervisor",
                     lang: str = "id", key: str | None = None, retention: RetentionPolicy | None = None,
                     link: Callable[[Store], SupervisionLink] | None = None, first_purge_delay: float = 0.0) -> Parts:
    """A supervisor's workstation: real sessions from `curhat.db` (and from counselors over the link),
    trainees' practice sessions from `practice.db` when there is one, read apart and never mixed.

    `link(store)` makes the supervision link over the real store (None: everyone on this machine)."""
    from curhat_tui.channels.idle import IdleChannel

    data = data or load_all()
    store = Store(real_db(data_dir), key=key)
    practice = practice_db(data_dir)
    practice_store = Store(practice, key=key) if practice.exists() else None
    channel = IdleChannel()
    workstation = Workstation(store, channel, clock, data, counselor=name, lang=lang, role="supervisor",
                              retention=retention, link=link(store) if link else None,
                              practice_store=practice_store, first_purge_delay=first_purge_delay,
                              practice_opener=lambda: Store(practice, key=key) if practice.exists() else None)
    return Parts(store, channel, workstation, data, clock, practice_store)


def build_matrix(data_dir: Path, homeserver: str, user: str, ask_password: Callable[[], str], *, clock: Clock,
                 data: ServiceData | None = None, name: str = "Konselor", lang: str = "id", key: str | None = None,
                 retention: RetentionPolicy | None = None, first_purge_delay: float = 0.0, intake: str = "",
                 max_load: int = 0, call_link: str = DEFAULT_CALL_LINK, hours: ServiceHours | None = None) -> Parts:
    """Log in (the keyring first, else `ask_password()`), learn the role from the intake's roster and
    assemble the workstation on real clients: a counselor's on the Matrix channel, a supervisor's
    reading counselors over the supervision link; one sync loop carries both. Raises
    channels.matrix.login.LoginError (also for an account not on the roster)."""
    import asyncio

    from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
    from curhat_tui.channels.matrix.channel import MatrixChannel
    from curhat_tui.channels.matrix.crypto import Crypto
    from curhat_tui.channels.matrix.login import LoginError, connect, database_tokens
    from curhat_tui.channels.matrix.staff import NotOnRoster, Staff
    from curhat_tui.channels.matrix.supervision import MatrixSupervisionLink, role_of
    from curhat_tui.channels.matrix.sync import SyncLoop

    if not intake and ":" in user:
        intake = f"@intake:{user.split(':', 1)[1]}"  # the usual name of the service's intake account
    staff = Staff(intake=intake)

    async def login() -> tuple[str, str, str, str]:
        # the login's HTTP pool belongs to this short-lived loop: close it here; the app gets a fresh one
        session = await connect(homeserver, user, ask_password, fallback=database_tokens(data_dir, key))
        try:
            role = await role_of(session, staff)  # the role comes from the intake's roster
            return session.access_token or "", session.user_id, session.device_id, role
        except NotOnRoster:
            raise LoginError(f"{session.user_id} is not on the roster of {intake}: ask your service's operator to "
                             f"add it (curhat intake ... --counselor {session.user_id}), or name your service's "
                             f"intake account with --intake") from None
        except MatrixError as exc:
            raise LoginError(f"could not read the service's staff rooms: {exc}") from None
        finally:
            await session.close()

    token, user_id, device, role = asyncio.run(login())
    api = MatrixAPI(homeserver, token)
    api.user_id, api.device_id = user_id, device
    if role == "supervisor":
        def supervisor_sync(store: Store) -> SyncLoop:
            sync = SyncLoop(api, store.state.matrix_since, store.state.set_matrix_since)
            # supervision rooms are end-to-end encrypted: a supervisor reads them with its own Olm machine
            sync.crypto = Crypto(homeserver, user_id, device, token, crypto_dir(data_dir), key or token)
            return sync

        return build_supervisor(data_dir, clock=clock, data=data, name=name, lang=lang, key=key, retention=retention,
                                link=lambda store: MatrixSupervisionLink(
                                    api, store, "supervisor", staff=staff, author=name, sync=supervisor_sync(store)),
                                first_purge_delay=first_purge_delay)
    data = data or load_all()
    store = Store(real_db(data_dir), key=key)
    sync = SyncLoop(api, store.state.matrix_since, store.state.set_matrix_since)
    # end-to-end encryption: nio's Olm machine, its store beside the database, its pickles under the database key
    sync.crypto = Crypto(homeserver, user_id, device, token, crypto_dir(data_dir), key or token)
    channel = MatrixChannel(api, store, clock, name, data.strings, staff=staff, sync=sync)
    workstation = Workstation(store, channel, clock, data, counselor=name, lang=lang, retention=retention,
                              link=MatrixSupervisionLink(api, store, "counselor", staff=staff, sync=sync, author=name),
                              first_purge_delay=first_purge_delay, max_load=max_load, call_link=call_link,
                              hours=hours)  # the queue header says when the service is closed
    return Parts(store, channel, workstation, data, clock)
