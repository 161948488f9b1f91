"""`curhat`: start the workstation (on the embedded practice channel unless told otherwise)."""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime

from curhat_tui import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="curhat",
        description="Terminal workstation for online counseling and peer support. Without a homeserver it runs "
                    "the embedded PRACTICE mode with simulated clients.",
    )
    parser.add_argument("--version", action="version", version=f"curhat-tui {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="where the database lives (also $CURHAT_DATA_DIR)")
    parser.add_argument("--lang", choices=("id", "en"), help="interface and script language (default: id)")
    parser.add_argument("--name", metavar="NAME", help="the counselor's display name")
    parser.add_argument("--seed", type=int, metavar="N", help="seed of the practice simulation (reproducible days)")
    parser.add_argument("--typing-speed", type=float, default=1.0, metavar="X",
                        help="how fast simulated clients type; 0 = instantly (default: 1)")
    parser.add_argument("--role", choices=("counselor", "trainee", "supervisor"),
                        help="trainee: practice only, never real clients (default: counselor)")
    parser.add_argument("--key-file", metavar="PATH",
                        help="database key file, for machines without an OS keyring (never inside the data dir)")
    parser.add_argument("--homeserver", metavar="URL", help="Matrix homeserver: real clients instead of practice")
    parser.add_argument("--user", metavar="@NAME:SERVER", help="your Matrix user id (with --homeserver)")
    parser.add_argument("--persona", metavar="ID",
                        help="practice: this simulated client joins the queue first (ids in data/personas.toml)")
    parser.add_argument("--difficulty", choices=("easy", "normal", "hard"),
                        help="practice: how hard simulated clients are to reach (default: normal)")
    parser.add_argument("--llm-url", metavar="URL",
                        help="practice: an OpenAI-compatible server (llama.cpp, Ollama, vLLM) that voices the clients; "
                             "its key, if any, is stored with 'curhat llm-key'")
    parser.add_argument("--llm-model", metavar="NAME", help="practice: the model name for --llm-url")
    parser.epilog = ("Other commands: 'curhat intake --homeserver URL --user @intake:server' runs the organisation's "
                     "intake service; 'curhat logout --homeserver URL --user @name:server' removes the saved login; "
                     "'curhat client show|export|withdraw|delete ALIAS' serves a client's rights (UU PDP).")
    return parser


def _service_parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--homeserver", metavar="URL", required=True)
    parser.add_argument("--user", metavar="@NAME:SERVER", required=True)
    parser.add_argument("--data-dir", metavar="DIR", help="where local state lives (also $CURHAT_DATA_DIR)")
    return parser


def _ask_password(user: str):
    import getpass

    return lambda: getpass.getpass(f"Matrix password for {user}: ")


def intake_main(argv: list[str]) -> int:
    """`curhat intake`: consent, intake and claims for the organisation, until interrupted."""
    import asyncio
    import logging

    from curhat_tui.paths import intake_state, resolve_data_dir
    from curhat_tui.config.datafiles import DataError, load_all
    from curhat_tui.intake.service import IntakeService
    from curhat_tui.channels.matrix.login import LoginError, connect

    parser = _service_parser("curhat intake", "Run the organisation's intake account on Matrix.")
    parser.add_argument("--supervisor", action="append", default=[], metavar="@NAME:SERVER",
                        help="give this account the supervisor's role (repeat for each supervisor)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        data = load_all()
    except DataError as exc:
        print(f"curhat intake: a data file is broken:\n  {exc}", file=sys.stderr)
        return 2

    async def run() -> None:
        api = await connect(args.homeserver, args.user, _ask_password(args.user))
        service = IntakeService(api, data, state_file=intake_state(resolve_data_dir(args.data_dir)),
                                supervisors=args.supervisor)
        print(f"curhat intake: running as {api.user_id}; Ctrl+C stops", file=sys.stderr)
        try:
            await service.run()
        finally:
            await api.close()

    try:
        asyncio.run(run())
    except LoginError as exc:
        print(f"curhat intake: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def logout_main(argv: list[str]) -> int:
    import asyncio

    from curhat_tui.channels.matrix.login import LoginError, logout

    args = _service_parser("curhat logout", "Log out and remove the saved Matrix login.").parse_args(argv)
    try:
        removed = asyncio.run(logout(args.homeserver, args.user))
    except LoginError as exc:
        print(f"curhat logout: {exc}", file=sys.stderr)
        return 1
    print("curhat logout: " + ("logged out; token and device id removed from the keyring" if removed
                               else "no saved login for that user"))
    return 0


def client_main(argv: list[str]) -> int:
    """`curhat client ACTION ALIAS`: a client's rights without the screen (each action is audited)."""
    from curhat_tui.storage.audit import AuditLog
    from curhat_tui.config.settings import ConfigError, load_settings
    from curhat_tui.paths import resolve_data_dir
    from curhat_tui.config.datafiles import DataError, load_all
    from curhat_tui.domain.clock import SystemClock
    from curhat_tui.domain.i18n import Catalogue
    from curhat_tui.paths import PRACTICE_DB as DB_NAME, REAL_DB as REAL_DB_NAME
    from curhat_tui.storage.database_key import KeyUnavailable
    from curhat_tui.services.privacy import AmbiguousAlias, ClientNotFound, Privacy, SessionStillOpen
    from curhat_tui.storage.store import Store, StoreError

    parser = argparse.ArgumentParser(prog="curhat client", description="Serve a client's rights under UU PDP: see "
                                     "what is held, export it, record withdrawn consent, delete everything.")
    parser.add_argument("action", choices=("show", "export", "withdraw", "delete"))
    parser.add_argument("alias", help="the client's alias or key")
    parser.add_argument("--data-dir", metavar="DIR", help="where the database lives (also $CURHAT_DATA_DIR)")
    parser.add_argument("--key-file", metavar="PATH", help="database key file, for machines without an OS keyring")
    parser.add_argument("--practice", action="store_true", help="the practice database instead of the real one")
    parser.add_argument("--lang", choices=("id", "en"), help="language of the messages and the readable export")
    parser.add_argument("--yes", action="store_true", help="do not ask (delete: the alias need not be typed)")
    args = parser.parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    try:
        data, settings = load_all(), load_settings(data_dir)
    except (DataError, ConfigError) as exc:
        print(f"curhat client: {exc}", file=sys.stderr)
        return 2
    path = data_dir / (DB_NAME if args.practice else REAL_DB_NAME)
    if not path.exists():
        print(f"curhat client: no database at {path}" + ("" if args.practice else " (add --practice for practice "
                                                        "sessions)"), file=sys.stderr)
        return 1
    t = Catalogue(data.strings, args.lang or settings.lang or "id")
    try:
        store = Store(path, key=_database_key(data_dir, args.key_file))
    except (KeyUnavailable, StoreError, KeyboardInterrupt, EOFError) as exc:
        print(f"curhat client: {exc}", file=sys.stderr)
        return 1
    clock = SystemClock()
    privacy = Privacy(store, AuditLog(store, clock), clock, settings.retention)
    actor = f"{settings.name or 'Konselor'} (cli)"
    fmt = "%Y-%m-%d %H:%M"
    stamp = lambda epoch: datetime.fromtimestamp(epoch).strftime(fmt)  # noqa: E731
    try:
        client = privacy.find_client(args.alias)
        summary = privacy.summary(client)
        if args.action == "show":
            print(t("rights.client", alias=client.alias, client_key=client.key))
            w = summary.withdrawal
            print(t("rights.consent_given") if w is None else
                  t("rights.consent_withdrawn", date=stamp(w.withdrawn_at), due=stamp(w.due_at)))
            print(t("rights.counts", visits=summary.visits, sessions=len(summary.sessions),
                    open=len(summary.open_sessions)))
            for s in summary.sessions:
                mark = s.mark
                transcript = (t("rights.transcript_deleted", date=stamp(mark.transcript_at))
                              if mark and mark.transcript_at else t("rights.messages", count=s.messages))
                note = (t("rights.notes_deleted", date=stamp(mark.notes_at)) if mark and mark.notes_at
                        else t("rights.note_kept") if s.has_note else t("rights.no_note"))
                print("- " + t("rights.session", date=stamp(s.started_at), counselor=s.counselor,
                               status=t(f"rights.status.{s.status}"), transcript=transcript, note=note))
        elif args.action == "export":
            result = privacy.export(actor, client, t)
            print(t("rights.exported", json=str(result.json_path), text=str(result.text_path),
                    sessions=result.sessions, messages=result.messages))
        elif args.action == "withdraw":
            if not args.yes and input(t("rights.confirm_withdraw", alias=client.alias) + " [y/N] ").strip().lower() \
                    not in ("y", "ya", "yes"):
                return 1
            w = privacy.withdraw(actor, client)
            print(t("rights.withdrawn", alias=client.alias, date=stamp(w.withdrawn_at), due=stamp(w.due_at)))
        else:
            if not args.yes:
                print(t("rights.delete_title", alias=client.alias))
                if not sys.stdin.isatty() or input(t("rights.delete_prompt", alias=client.alias) + ": ").strip() \
                        != client.alias.strip():
                    print(t("rights.delete_mismatch"), file=sys.stderr)
                    return 1
            result = privacy.delete(actor, client)
            print(t("rights.deleted", alias=client.alias, sessions=result.counts.get("sessions", 0),
                    messages=result.counts.get("messages", 0), notes=result.counts.get("notes", 0),
                    exports=result.exports_removed))
            if result.plain_backups:
                print(t("rights.backups", paths=", ".join(map(str, result.plain_backups))), file=sys.stderr)
    except (ClientNotFound, AmbiguousAlias, SessionStillOpen) as exc:
        print(f"curhat client: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def llm_key_main(argv: list[str]) -> int:
    """`curhat llm-key`: keep the practice LLM server's API key in the OS keyring (asked for, never a flag)."""
    import getpass

    from keyring.errors import KeyringError

    from curhat_tui.channels.practice.llm_voice import chat_url, delete_key, save_key
    from curhat_tui.config.settings import ConfigError, load_settings
    from curhat_tui.paths import resolve_data_dir

    parser = argparse.ArgumentParser(prog="curhat llm-key",
                                     description="Store the API key of the LLM server that voices practice clients "
                                                 "in the OS keyring. Local servers usually need none.")
    parser.add_argument("--llm-url", metavar="URL", help="the server (default: url under [llm] in config.toml)")
    parser.add_argument("--data-dir", metavar="DIR", help="where config.toml lives (also $CURHAT_DATA_DIR)")
    parser.add_argument("--delete", action="store_true", help="remove the stored key")
    args = parser.parse_args(argv)
    try:
        url = args.llm_url or load_settings(resolve_data_dir(args.data_dir)).llm_url
    except ConfigError as exc:
        print(f"curhat llm-key: {exc}", file=sys.stderr)
        return 2
    if not url:
        print("curhat llm-key: which server? give --llm-url URL or url under [llm] in config.toml", file=sys.stderr)
        return 2
    try:
        if args.delete:
            removed = delete_key(url)
            print(f"curhat llm-key: {'key removed' if removed else 'no key stored'} for {chat_url(url)}")
            return 0
        key = getpass.getpass(f"API key for {chat_url(url)} (not shown): ").strip()
        if not key:
            print("curhat llm-key: no key given; nothing stored", file=sys.stderr)
            return 1
        save_key(url, key)
    except KeyringError as exc:
        print(f"curhat llm-key: no OS keyring is available ({exc}); set CURHAT_LLM_KEY in the environment "
              "instead", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        return 1
    print(f"curhat llm-key: key stored in the OS keyring for {chat_url(url)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["intake"]:
        return intake_main(argv[1:])
    if argv[:1] == ["logout"]:
        return logout_main(argv[1:])
    if argv[:1] == ["llm-key"]:
        return llm_key_main(argv[1:])
    if argv[:1] == ["client"]:
        return client_main(argv[1:])
    args = build_parser().parse_args(argv)
    from curhat_tui.config.settings import ConfigError, load_settings
    from curhat_tui.paths import resolve_data_dir
    from curhat_tui.config.datafiles import DataError, load_all
    from curhat_tui.storage.database_key import KeyUnavailable

    try:
        data = load_all()
    except DataError as exc:
        print(f"curhat: cannot start, a data file is broken:\n  {exc}", file=sys.stderr)
        return 2
    data_dir = resolve_data_dir(args.data_dir)
    try:
        settings = load_settings(data_dir)
    except ConfigError as exc:
        print(f"curhat: cannot start: {exc}", file=sys.stderr)
        return 2
    lang = args.lang or settings.lang or "id"
    name = args.name or settings.name or "Konselor"
    homeserver = args.homeserver or settings.homeserver
    user = args.user or settings.user
    role = args.role or settings.role or "counselor"
    if role == "trainee" and (homeserver or user):
        print("curhat: a trainee practises with simulated clients only; remove --homeserver/--user "
              "(or the role) to work with real clients", file=sys.stderr)
        return 2
    practice_only = [flag for flag, value in (("--persona", args.persona), ("--difficulty", args.difficulty),
                                              ("--llm-url", args.llm_url), ("--llm-model", args.llm_model)) if value]
    if practice_only and (homeserver or user):
        print(f"curhat: {practice_only[0]} is for practice with simulated clients; it cannot be used with a "
              "homeserver", file=sys.stderr)
        return 2
    if args.persona and args.persona not in data.personas:
        print(f"curhat: no persona {args.persona!r}; choose one of {', '.join(sorted(data.personas))}",
              file=sys.stderr)
        return 2
    llm_url = args.llm_url or settings.llm_url
    llm_model = args.llm_model or settings.llm_model
    if llm_url and not llm_model and not (homeserver or user):
        print("curhat: the LLM voice needs a model name: --llm-model NAME or model = \"...\" under [llm] in "
              "config.toml", file=sys.stderr)
        return 2
    try:
        key = _database_key(data_dir, args.key_file)
    except (KeyUnavailable, KeyboardInterrupt, EOFError) as exc:
        print(f"curhat: cannot open the encrypted store: {exc}", file=sys.stderr)
        return 1
    if homeserver or user:
        if not (homeserver and user):
            print("curhat: --homeserver and --user go together", file=sys.stderr)
            return 2
        return _run_matrix(data, data_dir, homeserver, user, name, lang, settings, key)

    from curhat_tui.domain.clock import SystemClock
    from curhat_tui.bootstrap import build_practice
    from curhat_tui.paths import PRACTICE_DB as DB_NAME
    from curhat_tui.ui.app import build_app
    from curhat_tui.storage.store import Store, StoreError

    if role == "supervisor":
        return _run_local_supervisor(data, data_dir, name, lang, settings, key)
    seed = args.seed
    if seed is None:
        try:
            store = Store(data_dir / DB_NAME, key=key)
        except StoreError as exc:
            print(f"curhat: {exc}", file=sys.stderr)
            return 1
        if store.migrated_backup:
            print(f"curhat: the database is now encrypted; the unencrypted original is kept at "
                  f"{store.migrated_backup} - delete it once you have checked your data", file=sys.stderr)
        stored = store.get_meta("practice.seed")
        seed = int(stored) if stored else random.SystemRandom().randrange(1, 1_000_000)
        store.set_meta("practice.seed", str(seed))
        store.close()
    voice = None
    if llm_url:
        from curhat_tui.channels.practice.llm_voice import practice_voice

        voice = practice_voice(llm_url, llm_model, data.phrases.items)
    parts = build_practice(data_dir, data=data, clock=SystemClock(), seed=seed, speed=args.typing_speed,
                           name=name, lang=lang, key=key, role=role, difficulty=args.difficulty or "normal",
                           voice=voice)
    if args.persona:
        parts.channel.requests_on_start.append((args.persona, args.difficulty or "normal"))
    parts.workstation.privacy.policy = settings.retention
    from curhat_tui.storage.database_key import unlocker_for

    app = build_app(parts, lang=lang, blink=True, tick=True, keymap=settings.keys, key_guard=0.6,
                    unlocker=unlocker_for(key, data_dir, parts.store), lock_after=settings.lock_after_minutes * 60)
    try:
        app.run()
    finally:
        parts.store.close()
    return 0


def _run_local_supervisor(data, data_dir, name: str, lang: str, settings, key: str) -> int:
    """A supervisor on this machine: the real sessions kept in this data dir, and trainees' practice apart."""
    from curhat_tui.domain.clock import SystemClock
    from curhat_tui.bootstrap import build_supervisor
    from curhat_tui.ui.app import build_app
    from curhat_tui.storage.database_key import unlocker_for
    from curhat_tui.storage.store import StoreError

    try:
        parts = build_supervisor(data_dir, data=data, clock=SystemClock(), name=name, lang=lang, key=key)
    except StoreError as exc:
        print(f"curhat: {exc}", file=sys.stderr)
        return 1
    app = build_app(parts, lang=lang, blink=True, tick=True, keymap=settings.keys,
                    unlocker=unlocker_for(key, data_dir, parts.store), lock_after=settings.lock_after_minutes * 60)
    try:
        app.run()
    finally:
        parts.store.close()
        if parts.workstation.practice_store is not None:
            parts.workstation.practice_store.close()
    return 0


def _database_key(data_dir, key_file: str | None) -> str:
    import getpass
    from pathlib import Path

    from curhat_tui.storage.database_key import KeyUnavailable, database_key

    def ask(new: bool) -> str:
        if not sys.stdin.isatty():
            raise KeyUnavailable("no OS keyring and no terminal to ask for a passphrase; use --key-file PATH")
        print("curhat: no OS keyring is available, so the database is protected by a passphrase.", file=sys.stderr)
        first = getpass.getpass("Passphrase for the curhat-tui database: ")
        if new and getpass.getpass("Again, to confirm: ") != first:
            raise KeyUnavailable("the passphrases differ")
        if len(first) < 12:
            raise KeyUnavailable("use a passphrase of at least 12 characters")
        return first

    return database_key(data_dir, key_file=Path(key_file) if key_file else None, ask_passphrase=ask)


def build_matrix(data, data_dir, homeserver: str, user: str, name: str, lang: str, keymap: dict, key: str,
                 ask_password, lock_after: float = 0.0):
    """Log in (keyring first) and assemble the workstation app on the Matrix channel."""
    import asyncio

    from curhat_tui.ui.app import CurhatApp
    from curhat_tui.channels.matrix.channel import MatrixChannel
    from curhat_tui.channels.matrix.api import MatrixAPI
    from curhat_tui.channels.matrix.supervision import MatrixSupervisionLink, is_supervisor
    from curhat_tui.domain.clock import SystemClock
    from curhat_tui.bootstrap import build_supervisor
    from curhat_tui.paths import REAL_DB as REAL_DB_NAME
    from curhat_tui.channels.matrix.login import connect
    from curhat_tui.storage.store import Store
    from curhat_tui.services.workstation import Workstation

    async def login() -> tuple[str, str, str, bool]:
        # the login's HTTP pool belongs to this short-lived loop: close it here; the app gets a fresh one
        session = await connect(homeserver, user, ask_password)
        try:
            supervisor = await is_supervisor(session)  # the role comes from the supervisors' room
            return session.access_token or "", session.user_id, session.device_id, supervisor
        finally:
            await session.close()

    token, user_id, device, supervisor = asyncio.run(login())
    api = MatrixAPI(homeserver, token)
    api.user_id, api.device_id = user_id, device
    clock = SystemClock()
    if supervisor:
        parts = build_supervisor(data_dir, data=data, clock=clock, name=name, lang=lang, key=key)
        store, workstation = parts.store, parts.workstation
    else:
        store = Store(data_dir / REAL_DB_NAME, key=key)
        channel = MatrixChannel(api, store, clock, name, data.strings)
        workstation = Workstation(store, channel, clock, data, counselor=name, lang=lang)
    link = MatrixSupervisionLink(api, store, workstation.role)
    link.author = name
    workstation.supervision.link = link
    from curhat_tui.storage.database_key import unlocker_for

    return CurhatApp(workstation, data, clock, lang=lang, keymap=keymap, key_guard=0.6,
                     unlocker=unlocker_for(key, data_dir, store), lock_after=lock_after), store


def _run_matrix(data, data_dir, homeserver: str, user: str, name: str, lang: str, settings, key: str) -> int:
    """The workstation on real clients: log in (keyring), then the same app as practice."""
    from curhat_tui.channels.matrix.login import LoginError
    from curhat_tui.storage.store import StoreError

    try:
        app, store = build_matrix(data, data_dir, homeserver, user, name, lang, settings.keys, key,
                                  _ask_password(user), lock_after=settings.lock_after_minutes * 60)
    except (LoginError, StoreError) as exc:
        print(f"curhat: {exc}", file=sys.stderr)
        return 1
    app.workstation.privacy.policy = settings.retention
    try:
        app.run()
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
