"""`curhat` itself: check the options and settings, then start the workstation on one of three footings:
practice with simulated clients (the default), a supervisor on this machine, or real clients over Matrix.

Textual is loaded only when the screen starts (ui.app.build_app, the one way to build the app).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from curhat_tui.cli.passphrase import database_key, matrix_password

FIRST_PURGE_DELAY = 2.0  # seconds: the start-up retention purge waits until the screen is up


def run_main(args: argparse.Namespace) -> int:
    from curhat_tui.cli import echo
    from curhat_tui.ui import startup_gc

    echo.hold()  # a passphrase typed while the app loads is not shown; the prompt gives echo back
    startup_gc.hold()  # no garbage collector passes over start-up's objects; the app releases it at its first frame
    try:
        return _run_main(args)
    finally:
        startup_gc.release()
        echo.release()


def _run_main(args: argparse.Namespace) -> int:
    from curhat_tui.config.curriculum import load_curriculum
    from curhat_tui.config.datafiles import DataError, load_all
    from curhat_tui.config.settings import ConfigError, load_settings
    from curhat_tui.domain.i18n import Catalogue
    from curhat_tui.paths import resolve_data_dir
    from curhat_tui.services.workstation import default_name
    from curhat_tui.storage.database_key import KeyUnavailable

    try:
        data = load_all(defer=True)  # the risk detector is read once the first frame is out (ui.app)
        # the trainer's curriculum, before the app: a supervisor's first frame reads it (an unknown figure stops here)
        load_curriculum(data)
    except DataError as exc:
        print(f"curhat: cannot start, a data file is broken:\n  {exc}", file=sys.stderr)
        return 2
    data_dir = resolve_data_dir(args.data_dir)
    try:
        settings = load_settings(data_dir)
    except ConfigError as exc:
        said = Catalogue(data.strings, args.lang or "id")
        print(said("cli.error.config", error=exc.text(said)), file=sys.stderr)
        return 2
    lang = args.lang or settings.lang or "id"
    t = Catalogue(data.strings, lang)  # what the command line says, in the language the screen will speak
    name = args.name or settings.name or default_name(data, args.role or settings.role or "counselor")
    homeserver = args.homeserver or settings.homeserver
    user = args.user or settings.user
    role = args.role or settings.role or "counselor"
    if role == "trainee" and (homeserver or user):
        print(t("cli.error.trainee_real"), file=sys.stderr)
        return 2
    practice_only = [flag for flag, value in (("--persona", args.persona), ("--difficulty", args.difficulty),
                                              ("--llm-url", args.llm_url), ("--llm-model", args.llm_model)) if value]
    if practice_only and (homeserver or user):
        print(t("cli.error.practice_only", flag=practice_only[0]), file=sys.stderr)
        return 2
    if args.persona and args.persona not in data.personas:
        print(t("cli.error.persona", persona=args.persona, personas=", ".join(sorted(data.personas))),
              file=sys.stderr)
        return 2
    llm_url = args.llm_url or settings.llm_url
    llm_model = args.llm_model or settings.llm_model
    if llm_url and not llm_model and not (homeserver or user):
        print(t("cli.error.llm_model"), file=sys.stderr)
        return 2
    try:
        key = database_key(data_dir, args.key_file, t)
    except (KeyUnavailable, KeyboardInterrupt, EOFError) as exc:
        print(t("cli.error.key", error=exc), file=sys.stderr)
        return 1
    common = {"data": data, "name": name, "lang": lang, "key": key, "retention": settings.retention,
              "first_purge_delay": FIRST_PURGE_DELAY}  # what every footing's builder takes alike
    if homeserver or user:
        if not (homeserver and user):
            print(t("cli.error.homeserver_user"), file=sys.stderr)
            return 2
        return _run_matrix(data_dir, homeserver, user, args.intake or settings.intake, settings, common)
    if role == "supervisor":
        return _run_local_supervisor(data_dir, settings, common)
    return _run_practice(args, data_dir, role, settings, common, llm_url, llm_model)


def _run_practice(args: argparse.Namespace, data_dir: Path, role: str, settings, common: dict,
                  llm_url: str | None, llm_model: str | None) -> int:
    """Practice with simulated clients, in their own database."""
    from curhat_tui.bootstrap import build_practice
    from curhat_tui.domain.clock import SystemClock

    seed = args.seed
    if seed is None:
        seed = _practice_seed(data_dir, common["key"], _say(common))
        if seed is None:
            return 1
    voice = None
    if llm_url and llm_model:  # run_main refused a url without a model
        from curhat_tui.channels.practice.llm_voice import practice_voice

        voice = practice_voice(llm_url, llm_model, common["data"].phrases.items)
    parts = build_practice(data_dir, clock=SystemClock(), seed=seed, speed=args.typing_speed, role=role,
                           difficulty=args.difficulty or "normal", voice=voice, persona=args.persona,
                           max_load=settings.service.max_load, call_link=settings.service.call_link,
                           hours=settings.service.hours, **common)
    return _launch(parts, data_dir, settings, common, key_guard=0.6)


def _say(common: dict):
    """The catalogue in the language the workstation was started in."""
    from curhat_tui.domain.i18n import Catalogue

    return Catalogue(common["data"].strings, common["lang"])


def _practice_seed(data_dir: Path, key: str, t) -> int | None:
    """The seed kept in the practice database (a fresh one the first time): each start continues the same days."""
    from curhat_tui.paths import practice_db
    from curhat_tui.storage.store import Store, StoreError

    try:
        store = Store(practice_db(data_dir), key=key)
    except StoreError as exc:
        print(f"curhat: {exc}", file=sys.stderr)
        return None
    if store.migrated_backup:
        print(t("cli.migrated", path=store.migrated_backup), file=sys.stderr)
    seed = store.state.practice_seed() or random.SystemRandom().randrange(1, 1_000_000)
    store.state.set_practice_seed(seed)
    store.close()
    return seed


def _run_local_supervisor(data_dir: Path, settings, common: dict) -> int:
    """A supervisor on this machine: the real sessions kept in this data dir, and trainees' practice apart."""
    from curhat_tui.bootstrap import build_supervisor
    from curhat_tui.domain.clock import SystemClock
    from curhat_tui.storage.store import StoreError

    try:
        parts = build_supervisor(data_dir, clock=SystemClock(), **common)
    except StoreError as exc:
        print(f"curhat: {exc}", file=sys.stderr)
        return 1
    return _launch(parts, data_dir, settings, common, key_guard=0.0)


def _run_matrix(data_dir: Path, homeserver: str, user: str, intake: str, settings, common: dict) -> int:
    """The workstation on real clients: log in (keyring), then the same app as practice."""
    from curhat_tui.bootstrap import build_matrix
    from curhat_tui.channels.matrix.login import LoginError
    from curhat_tui.domain.clock import SystemClock
    from curhat_tui.storage.store import StoreError

    try:
        parts = build_matrix(data_dir, homeserver, user, matrix_password(user, _say(common)), clock=SystemClock(), intake=intake,
                             max_load=settings.service.max_load, call_link=settings.service.call_link,
                             hours=settings.service.hours, **common)
    except (LoginError, StoreError) as exc:
        print(f"curhat: {exc}", file=sys.stderr)
        return 1
    return _launch(parts, data_dir, settings, common, key_guard=0.6)


def _launch(parts, data_dir: Path, settings, common: dict, *, key_guard: float) -> int:
    """Run the app over `parts` until the counselor quits; the databases are closed however it ends."""
    from curhat_tui.services.lock import unlocker_for
    from curhat_tui.ui.app import build_app

    try:
        app = build_app(parts, lang=common["lang"], blink=True, tick=True, keymap=settings.keys, key_guard=key_guard,
                        unlocker=unlocker_for(common["key"], data_dir, parts.store),
                        lock_after=settings.lock_after_minutes * 60)
        app.run()
    finally:
        parts.close()
    return app.return_code or 0  # 2: a data file read after the first frame was broken (ui.app)
