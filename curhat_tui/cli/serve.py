"""`curhat serve`: the supervisor's screen in a browser, through textual-serve.

textual-serve runs one command per browser connection and relays its screen over a websocket; it asks nobody
who they are. So:

- It listens on 127.0.0.1 unless told otherwise; any other address is refused unless the flag that says what it
  gives up (args.PUBLIC_FLAG) is given, and then a warning is printed. The way in from another computer is an
  SSH tunnel (`ssh -L 8000:127.0.0.1:8000 supervisor-host`), which authenticates and encrypts.
- On 127.0.0.1 every account of this computer can connect too (a shared machine): the page and its websocket are
  served only to a browser that opened the address printed at start, with its random token (`?token=`, kept
  then as an HttpOnly, SameSite=Strict cookie); the token changes at every start.
- Even on 127.0.0.1 a web page in the supervisor's own browser could reach the server: a page on another site
  may open a websocket to 127.0.0.1 (browsers allow it; the Origin header tells), and a DNS-rebinding name may
  point at 127.0.0.1 (the Host header tells). `GuardedServer` refuses both: the page and its websocket are
  served only under a loopback Host (unless exposed on purpose), and the websocket only to a page of its own
  origin.

The database key, with no terminal in a served session: `curhat serve` gets it once, at start, the way `curhat`
does (cli.passphrase.database_key), opens the database with it to check it, and hands it to each served
`curhat --role supervisor` without putting the key in argv or the environment:
- from the OS keyring: the served process reads the keyring itself (same account);
- from --key-file: the served process is given the same file's path;
- a passphrase typed at the terminal (no keyring): written to a file in a new private folder (0700, the file
  0600; on tmpfs where there is one: $XDG_RUNTIME_DIR or /dev/shm) whose path is given as --key-file, and
  deleted when `curhat serve` stops. Only this account (and root) can read it, as with the database itself.
- no keyring and no terminal: refused, saying to run it in a terminal or give --key-file.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from curhat_tui.cli.args import PUBLIC_FLAG, serve_parser

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
COOKIE = "curhat_serve"  # the start's token, kept by the browser that opened the printed address


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address, IPv6 with or without brackets) means this machine only."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_main(argv: list[str]) -> int:
    from curhat_tui.cli.passphrase import configured_catalogue
    from curhat_tui.paths import resolve_data_dir

    args = serve_parser().parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir).resolve()
    t = configured_catalogue(data_dir, args.lang)
    exposed = not is_loopback(args.host)
    if exposed and not args.expose_unauthenticated:
        print(t("serve.refuse_remote", host=args.host, port=args.port, flag=PUBLIC_FLAG), file=sys.stderr)
        return 2
    handed = _key_for_sessions(data_dir, args.key_file, t)
    if handed is None:
        return 1
    key_file, private = handed
    try:
        command = served_command(data_dir, lang=args.lang, name=args.name, key_file=key_file)
        if exposed:
            print(t("serve.warn_remote", host=args.host, port=args.port), file=sys.stderr)
        if private is not None:
            print(t("serve.handover", path=private), file=sys.stderr)
        token = secrets.token_urlsafe(24)
        server = GuardedServer(command, host=args.host, port=args.port, guard_host=not exposed, token=token,
                               refusal=t("serve.forbidden"), no_token=t("serve.no_token"),
                               ready=t("serve.serving", host=args.host, port=args.port, token=token))
        try:
            server.serve()
        except OSError as exc:
            print(t("serve.bind_failed", host=args.host, port=args.port, error=exc.strerror or exc), file=sys.stderr)
            return 1
        return 0
    finally:
        if private is not None:
            _remove(private)


def _key_for_sessions(data_dir: Path, key_file: str | None, t) -> tuple[str, Path | None] | None:
    """(the --key-file path to give each served session or "" for the keyring, the private folder to delete at
    the end); None when refused, with the reason printed."""
    from curhat_tui.cli.passphrase import database_key
    from curhat_tui.paths import real_db
    from curhat_tui.storage.database_key import KeyUnavailable
    from curhat_tui.storage.store import Store, StoreError

    try:
        key = database_key(data_dir, key_file, t)
    except (KeyUnavailable, KeyboardInterrupt, EOFError) as exc:
        print(t("serve.no_key", error=exc), file=sys.stderr)
        return None
    try:  # the served sessions would each fail on a wrong key: say it once, here
        Store(real_db(data_dir), key=key).close()
    except StoreError as exc:
        print(f"curhat serve: {exc}", file=sys.stderr)
        return None
    source = getattr(key, "source", "")
    if source == "key_file" and key_file:
        return str(Path(key_file).expanduser().resolve()), None
    if source == "keyring":
        return "", None
    private = _private_folder()
    path = private / "key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(str(key))
    return str(path), private


def _private_folder() -> Path:
    """A new folder only this account can enter, in memory (tmpfs) where the platform offers one."""
    for base in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if base and os.path.isdir(base) and os.access(base, os.W_OK):
            return Path(tempfile.mkdtemp(prefix="curhat-serve-", dir=base))
    return Path(tempfile.mkdtemp(prefix="curhat-serve-"))  # the user's own temp folder (0700 from mkdtemp)


def _remove(folder: Path) -> None:
    for path in folder.glob("*"):
        path.unlink(missing_ok=True)
    folder.rmdir()


def served_command(data_dir: Path, *, lang: str | None, name: str | None, key_file: str) -> str:
    """The shell command textual-serve runs for each browser connection: this Python's curhat as a supervisor
    on the same data dir (key_file "" = the keyring)."""
    argv = [sys.executable, "-m", "curhat_tui", "--role", "supervisor", "--data-dir", str(data_dir)]
    if lang:
        argv += ["--lang", lang]
    if name:
        argv += ["--name", name]
    if key_file:
        argv += ["--key-file", key_file]
    return subprocess.list2cmdline(argv) if sys.platform == "win32" else shlex.join(argv)


def _server_class():
    import asyncio
    import signal

    from aiohttp import web
    from textual_serve.server import Server

    class Guarded(Server):
        """textual-serve's server, refusing requests from other sites and DNS-rebinding names (module docstring)."""

        def __init__(self, command: str, *, host: str, port: int, guard_host: bool, token: str, refusal: str,
                     no_token: str, ready: str) -> None:
            super().__init__(command, host=host, port=port, title="curhat")
            self.guard_host = guard_host
            self.token = token
            self.refusal = refusal
            self.no_token = no_token
            self.ready = ready

        def _holds_token(self, request: web.Request, *, in_query: bool) -> bool:
            given = [request.cookies.get(COOKIE, "")] + ([request.query.get("token", "")] if in_query else [])
            return any(hmac.compare_digest(value.encode(), self.token.encode()) for value in given if value)

        def serve(self, debug: bool = False) -> None:
            """As textual-serve's, but says `ready` once the address is bound (OSError when it cannot be)."""
            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            hangup = [signal.SIGHUP] if hasattr(signal, "SIGHUP") else []  # the terminal closed: clean up as well
            for signum in (signal.SIGINT, signal.SIGTERM, *hangup):
                try:
                    loop.add_signal_handler(signum, self.request_exit)
                except (NotImplementedError, AttributeError):  # Windows: Ctrl+C raises KeyboardInterrupt
                    pass
            try:
                web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop,
                            print=lambda _banner: print(self.ready, flush=True))
            except KeyboardInterrupt:
                pass

        def _refused(self, request: web.Request, *, websocket: bool) -> web.Response | None:
            if self.guard_host and not is_loopback(urlsplit(f"//{request.host}").hostname or ""):
                return web.Response(status=403, text=self.refusal)
            origin = request.headers.get("Origin")
            if websocket and origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
                return web.Response(status=403, text=self.refusal)
            return None

        async def handle_index(self, request: web.Request):
            refused = self._refused(request, websocket=False)
            if refused is not None:
                return refused
            if not self._holds_token(request, in_query=True):
                return web.Response(status=403, text=self.no_token)
            # the page's own address, so a tunnel to another local port (ssh -L 9000:...:8000) works too
            self.public_url = f"{request.scheme}://{request.host}"
            page = await super().handle_index(request)
            page.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict", path="/")
            return page

        async def handle_websocket(self, request: web.Request):
            refused = self._refused(request, websocket=True)
            if refused is not None:
                return refused
            if not self._holds_token(request, in_query=False):
                return web.Response(status=403, text=self.no_token)
            return await super().handle_websocket(request)

        async def on_startup(self, app: web.Application) -> None:
            """textual-serve prints a banner naming the command; curhat serve has said where it listens."""

    return Guarded


def GuardedServer(command: str, **options):  # noqa: N802 (builds the class on first use: aiohttp loads late)
    return _server_class()(command, **options)
