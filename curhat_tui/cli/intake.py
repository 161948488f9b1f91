"""`curhat intake`: the organisation's intake account on Matrix (consent, intake, the roster, claims).

Run by hand it logs in through the OS keyring like a workstation. Run headless (a server, a systemd
unit) it takes its login from a credentials file instead and never touches the keyring:
`--credentials FILE`, or the credential `curhat-intake` in systemd's $CREDENTIALS_DIRECTORY
(LoadCredential=). The file is TOML with either an access token (`access_token`, `device_id`,
written by `--write-credentials FILE`) or a `password`, whose logins keep one stable device id in
the state folder. Everything the intake writes is readable by its own user only.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from curhat_tui.cli.args import service_parser
from curhat_tui.cli.passphrase import matrix_password, password_once

CREDENTIAL_KEYS = ("user", "access_token", "device_id", "password")
DEVICE_NAME = "curhat intake"


class CredentialsError(Exception):
    """A credentials file that cannot be used as it is; the message names the file and the fix."""


@dataclass(frozen=True)
class Credentials:
    """What a credentials file holds: an access token (with its device id) or a password."""

    source: str  # how the file is named in messages: "FILE" or "systemd credential FILE"
    path: Path
    user: str | None = None
    access_token: str | None = None
    device_id: str | None = None
    password: str | None = None


def read_credentials(path: Path, *, from_systemd: bool = False) -> Credentials:
    """The credentials in `path`, refused (CredentialsError) when other users could read it: wider than 0600,
    or, for systemd's credentials (0400, perhaps shared with the unit's user through an ACL), world-readable."""
    import tomllib

    from curhat_tui.storage.files import PrivateFileError, read_private

    source = f"systemd credential {path}" if from_systemd else str(path)
    try:
        text = read_private(path, open_bits=0o007 if from_systemd else 0o077)
    except PrivateFileError as exc:
        raise CredentialsError(str(exc)) from None
    except FileNotFoundError:
        raise CredentialsError(f"{path}: no such file; write one with 'curhat intake --homeserver URL --user "
                               f"@intake:SERVER --write-credentials {path}'") from None
    except OSError as exc:
        raise CredentialsError(f"{path}: cannot read it ({exc.strerror}); it must be readable by the intake's "
                               "user") from None
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CredentialsError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(values) - set(CREDENTIAL_KEYS))
    if unknown:
        raise CredentialsError(f"{path}: unknown key {unknown[0]!r}; a credentials file holds only "
                               f"{', '.join(CREDENTIAL_KEYS)}")
    for key, value in values.items():
        if not isinstance(value, str) or not value:
            raise CredentialsError(f"{path}: {key} must be a non-empty string in quotes")
    if ("access_token" in values) == ("password" in values):
        raise CredentialsError(f"{path}: give either access_token (written by --write-credentials) or password, "
                               "not both and not neither")
    return Credentials(source, path, **values)


def find_credentials(flag: str | None, user: str) -> Credentials | None:
    """The credentials of this run: --credentials FILE, else systemd's, else None (the OS keyring)."""
    from curhat_tui.paths import ENV_CREDENTIALS_DIRECTORY, INTAKE_CREDENTIAL, systemd_credential

    if flag:
        creds = read_credentials(Path(flag).expanduser())
    else:
        found = systemd_credential()
        if found is None:
            return None
        if not found.is_file():
            raise CredentialsError(f"${ENV_CREDENTIALS_DIRECTORY} ({found.parent}) holds no credential named "
                                   f"{INTAKE_CREDENTIAL}: add LoadCredential={INTAKE_CREDENTIAL}:/etc/curhat/"
                                   "intake.toml to the unit, or pass --credentials FILE")
        creds = read_credentials(found, from_systemd=True)
    if creds.user and creds.user != user:
        raise CredentialsError(f"{creds.source} is the login of {creds.user}, not of {user}")
    return creds


def stable_device(data_dir: Path, account: str) -> str | None:
    """The device id the intake logged in with before, kept in the state folder (None the first time)."""
    from curhat_tui.paths import intake_device

    try:
        saved = json.loads(intake_device(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(saved, dict) and saved.get("account") == account and isinstance(saved.get("device_id"), str):
        return saved["device_id"] or None
    return None


def keep_device(data_dir: Path, account: str, device_id: str) -> None:
    from curhat_tui.paths import intake_device
    from curhat_tui.storage.files import replace_private

    if device_id and stable_device(data_dir, account) != device_id:
        replace_private(intake_device(data_dir), json.dumps({"account": account, "device_id": device_id}))


async def login_with(creds: Credentials, homeserver: str, user: str, data_dir: Path):
    """The intake's API client from a credentials file: the token as it is (checked with whoami), or a
    password login on the state folder's stable device. Raises LoginError naming the file."""
    from curhat_tui.channels.matrix.login import LoginError, connect_with_password, connect_with_token

    account = f"{user}@{homeserver.rstrip('/')}"
    try:
        if creds.access_token:
            return await connect_with_token(homeserver, user, creds.access_token)
        assert creds.password is not None  # read_credentials saw to one of the two
        api = await connect_with_password(homeserver, user, creds.password,
                                          device_id=stable_device(data_dir, account), device_name=DEVICE_NAME)
    except LoginError as exc:
        fix = (f"write a new file with 'curhat intake --homeserver {homeserver} --user {user} --write-credentials "
               "FILE'" if creds.access_token else "check the password in it")
        raise LoginError(f"{creds.source}: {exc}; {fix}") from None
    keep_device(data_dir, account, api.device_id)
    return api


def credentials_toml(user: str, access_token: str, device_id: str) -> str:
    def quoted(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string

    return ("# curhat intake credentials (--credentials FILE or systemd LoadCredential=curhat-intake:FILE).\n"
            "# Keep it 0600 and owned by the intake's user: it is refused when others could read it.\n"
            f"user = {quoted(user)}\naccess_token = {quoted(access_token)}\ndevice_id = {quoted(device_id)}\n")


def write_credentials(target: Path, homeserver: str, user: str, data_dir: Path) -> int:
    """Ask the password once, log in, and write the token and device id to a new file at 0600."""
    import asyncio

    import httpx

    from curhat_tui.channels.matrix.login import LoginError, connect_with_password
    from curhat_tui.storage.files import write_secret

    if target.exists():
        print(f"curhat intake: {target} exists; a credentials file is never overwritten: remove it first (and "
              "'curhat logout' its token if it is no longer used) or choose another name", file=sys.stderr)
        return 2
    if not target.parent.is_dir():
        print(f"curhat intake: {target.parent} is not a folder; make it first", file=sys.stderr)
        return 2
    account = f"{user}@{homeserver.rstrip('/')}"
    try:
        password = password_once(user)
    except (EOFError, KeyboardInterrupt):
        print("curhat intake: no password given; nothing written", file=sys.stderr)
        return 1

    async def login() -> tuple[str, str]:
        api = await connect_with_password(homeserver, user, password, device_id=stable_device(data_dir, account),
                                          device_name=DEVICE_NAME)
        await api.close()
        return api.access_token or "", api.device_id

    try:
        token, device = asyncio.run(login())
        write_secret(target, credentials_toml(user, token, device))
    except LoginError as exc:
        print(f"curhat intake: {exc}", file=sys.stderr)
        return 1
    except httpx.TransportError as exc:
        print(f"curhat intake: cannot reach {homeserver} ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"curhat intake: cannot write {target} ({exc.strerror})", file=sys.stderr)
        return 1
    keep_device(data_dir, account, device)
    print(f"curhat intake: wrote {target} (mode 0600): an access token for {user} on device {device}; start the "
          f"intake with --credentials {target}, or give it to systemd with LoadCredential=curhat-intake:{target}",
          file=sys.stderr)
    return 0


def intake_crypto_engine(api, homeserver: str, data_dir: Path):  # noqa: ANN001, ANN201
    """End-to-end encryption for the intake: nio's Olm machine with its store beside the intake's state,
    its pickles encrypted with a random key kept in a 0600 file there (made once)."""
    import secrets

    from curhat_tui.channels.matrix.crypto import Crypto
    from curhat_tui.paths import intake_crypto
    from curhat_tui.storage.files import read_private, write_secret

    folder, key_file = intake_crypto(data_dir)
    if not key_file.exists():
        write_secret(key_file, secrets.token_hex(32))
    return Crypto(homeserver, api.user_id, api.device_id, api.access_token or "", folder,
                  read_private(key_file).strip())


STOP_SECONDS = 15.0  # a stop that takes longer than this prints every thread's stack and ends the process


class Stopper:
    """Ctrl+C or SIGTERM: the intake stops after the batch in hand, its state file whole.

    asyncio's cancellation is one request, which a library may absorb (a shielded close in the HTTP stack, say);
    so the stop is asked again each second until the service is done, and the sync loop is told to end after its
    batch too. A stop still not done after STOP_SECONDS prints where every thread is and ends the process (the
    state file is written whole at each batch, so nothing is lost): the operator sees why, and systemd can start
    it again. A second Ctrl+C ends it at once."""

    def __init__(self, task, service) -> None:
        self.task, self.service, self.asked = task, service, 0

    def stop(self) -> None:
        import asyncio
        import faulthandler
        import os
        import sys

        self.asked += 1
        if self.asked > 1:
            print("curhat intake: stopped at once (asked twice)", file=sys.stderr)
            os._exit(130)
        print("curhat intake: stopping", file=sys.stderr)
        faulthandler.dump_traceback_later(STOP_SECONDS, exit=True)
        self.service.stopped = True
        sync = getattr(self.service, "sync", None)
        if sync is not None:
            sync._stopping = True
        self._cancel(asyncio.get_running_loop())

    def _cancel(self, loop) -> None:
        if not self.task.done():
            self.task.cancel()
            loop.call_later(1.0, self._cancel, loop)


def intake_main(argv: list[str]) -> int:
    """Consent, intake and claims for the organisation, until interrupted (Ctrl+C, SIGTERM)."""
    import asyncio
    import faulthandler
    import logging
    import signal

    import httpx

    from curhat_tui.channels.matrix.login import LoginError, connect
    from curhat_tui.config.datafiles import DataError, load_all
    from curhat_tui.config.settings import ConfigError, load_roster, load_settings
    from curhat_tui.intake.hours import HoursIntake
    from curhat_tui.paths import INTAKE_STATE, intake_state, resolve_data_dir
    from curhat_tui.storage.files import PrivateFileError, keep_private

    parser = service_parser("curhat intake", "Run the organisation's intake account on Matrix. The roster (who may "
                                             "counsel and who supervises) is reconciled at every start: accounts "
                                             "left out lose their access.")
    parser.add_argument("--counselor", action="append", default=[], metavar="@NAME:SERVER",
                        help="a counselor on the roster (repeat for each; also [intake] counselors in config.toml)")
    parser.add_argument("--supervisor", action="append", default=[], metavar="@NAME:SERVER",
                        help="a supervisor on the roster (repeat for each; also [intake] supervisors in config.toml)")
    login_from = parser.add_mutually_exclusive_group()
    login_from.add_argument("--credentials", metavar="FILE",
                            help="log in from this file (TOML: access_token and device_id, or password; mode 0600) "
                                 "instead of the OS keyring; systemd's credential 'curhat-intake' "
                                 "($CREDENTIALS_DIRECTORY) is used when this is not given")
    login_from.add_argument("--write-credentials", metavar="FILE",
                            help="ask the password once (or read one line from standard input), log in and write "
                                 "the access token and device id to this new file at 0600, then exit")
    args = parser.parse_args(argv)
    os.umask(0o077)  # whatever the intake creates is its own user's only
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("httpx", "nio", "peewee"):  # a line per request or event drowns what the intake has to say
        logging.getLogger(noisy).setLevel(logging.WARNING)
    data_dir = resolve_data_dir(args.data_dir)
    try:
        names = sorted(p.name for p in data_dir.glob(f"{Path(INTAKE_STATE).stem}*")) if data_dir.is_dir() else []
        for notice in keep_private(data_dir, names):
            print(f"curhat intake: {notice}", file=sys.stderr)
    except PrivateFileError as exc:
        print(f"curhat intake: {exc}", file=sys.stderr)
        return 1
    if args.write_credentials:
        return write_credentials(Path(args.write_credentials).expanduser(), args.homeserver, args.user, data_dir)
    try:
        creds = find_credentials(args.credentials, args.user)
    except CredentialsError as exc:
        print(f"curhat intake: {exc}", file=sys.stderr)
        return 2
    try:
        data = load_all()
        counselors, supervisors = load_roster(data_dir)
        service = HoursIntake(None, data, state_file=intake_state(data_dir),  # type: ignore[arg-type]
                                counselors=counselors + args.counselor, supervisors=supervisors + args.supervisor,
                                retention=load_settings(data_dir).retention,
                                hours=load_settings(data_dir).service.hours)  # outside them: the hours and numbers
    except (DataError, ConfigError, ValueError) as exc:
        print(f"curhat intake: {exc}", file=sys.stderr)
        return 2
    if not service.roster.counselors:
        print("curhat intake: no counselor on the roster: add --counselor @name:server (or [intake] counselors in "
              "config.toml); nobody could take a client", file=sys.stderr)
        return 2

    async def run() -> None:
        task = asyncio.current_task()
        if task is not None:
            stopper = Stopper(task, service)
            for signum in (signal.SIGINT, signal.SIGTERM):  # systemd stops a unit with SIGTERM: like Ctrl+C
                try:
                    asyncio.get_running_loop().add_signal_handler(signum, stopper.stop)
                except (NotImplementedError, AttributeError, ValueError):  # not on this platform: Ctrl+C as before
                    pass
        if creds is not None:
            service.api = await login_with(creds, args.homeserver, args.user, data_dir)
            source = creds.source
        else:
            service.api = await connect(args.homeserver, args.user, matrix_password(args.user))
            source = "the OS keyring"
        service.crypto = intake_crypto_engine(service.api, args.homeserver, data_dir)
        print(f"curhat intake: running as {service.api.user_id} (device {service.api.device_id}, login from "
              f"{source}) with {len(service.roster.counselors)} counselor(s) and {len(service.roster.supervisors)} "
              "supervisor(s); Ctrl+C stops", file=sys.stderr)
        try:
            await service.run()
        finally:
            if service.crypto is not None:
                await service.crypto.close()  # its HTTP session ("Unclosed client session" otherwise); keys stay stored
            await service.api.close()

    try:
        asyncio.run(run())
    except LoginError as exc:
        print(f"curhat intake: {exc}", file=sys.stderr)
        return 1
    except PrivateFileError as exc:
        print(f"curhat intake: {exc}", file=sys.stderr)
        return 1
    except httpx.TransportError as exc:
        print(f"curhat intake: cannot reach {args.homeserver} ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    finally:
        faulthandler.cancel_dump_traceback_later()  # stopped in time: no stacks
    return 0
