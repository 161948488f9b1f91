"""What the terminal asks for: the database passphrase (where no OS keyring exists) and the Matrix password."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from curhat_tui.domain.i18n import LANGS, Catalogue

MIN_PASSPHRASE = 12  # characters: a database passphrase shorter than this is refused
PASSPHRASE_TRIES = 3  # a mistyped or too-short passphrase is asked again, this many times in all


def database_key(data_dir: Path, key_file: str | None, t: Catalogue | None = None) -> str:
    """The database key: from the OS keyring, the --key-file, or a passphrase asked for at the terminal in `t`'s
    language (Indonesian when none is given).

    Raises storage.database_key.KeyUnavailable (and KeyboardInterrupt/EOFError from the prompt)."""
    from curhat_tui.storage.database_key import KeyUnavailable
    from curhat_tui.storage.database_key import database_key as stored_key

    say = t or cli_catalogue(None)
    from curhat_tui.cli import echo

    echo.release()  # the terminal's echo back before any prompt (getpass hides the passphrase itself)

    def ask(new: bool) -> str:
        if not sys.stdin.isatty():
            raise KeyUnavailable(say("cli.passphrase.no_terminal"))
        print(say("cli.passphrase.no_keyring"), file=sys.stderr)
        for _ in range(PASSPHRASE_TRIES):
            first = getpass.getpass(say("cli.passphrase.new" if new else "cli.passphrase.ask", min=MIN_PASSPHRASE))
            if len(first) < MIN_PASSPHRASE:  # said at once, before any confirmation is typed
                print(say("cli.passphrase.too_short", min=MIN_PASSPHRASE, length=len(first)), file=sys.stderr)
                continue
            if new and getpass.getpass(say("cli.passphrase.again")) != first:
                print(say("cli.passphrase.differ"), file=sys.stderr)
                continue
            return first
        raise KeyUnavailable(say("cli.passphrase.gave_up", tries=PASSPHRASE_TRIES))

    return stored_key(data_dir, key_file=Path(key_file) if key_file else None, ask_passphrase=ask)


def configured_catalogue(data_dir: Path, lang: str | None = None) -> Catalogue:
    """The catalogue in `lang`, else the `lang` of the data dir's config.toml, else Indonesian (a broken
    config.toml is the command's to report)."""
    from curhat_tui.config.settings import ConfigError, load_settings

    if lang is None:
        try:
            lang = load_settings(data_dir).lang
        except ConfigError:
            lang = None
    return cli_catalogue(lang)


def cli_catalogue(lang: str | None) -> Catalogue:
    """The string catalogue for what the command line says, in `lang` (Indonesian by default)."""
    from curhat_tui.config.datafiles import data_dir, load_catalogue

    return Catalogue(load_catalogue(data_dir()), lang if lang in LANGS else "id")


def matrix_password(user: str, t: Catalogue | None = None) -> Callable[[], str]:
    """Asks for the Matrix password, only if the keyring holds no login for `user`."""
    return lambda: getpass.getpass((t or cli_catalogue(None))("cli.matrix_password", user=user))


def password_once(user: str, t: Catalogue | None = None) -> str:
    """The Matrix password of `user`, asked once: at the terminal, or read as one line from standard
    input when that is not a terminal (a script). EOFError when there is nothing to read."""
    if sys.stdin.isatty():
        return getpass.getpass((t or cli_catalogue(None))("cli.matrix_password", user=user))
    line = sys.stdin.readline()
    if not line.strip():
        raise EOFError("no password on standard input")
    return line.rstrip("\r\n")


def login_fallback(data_dir: Path, key_file: str | None, t: Catalogue | None = None):
    """Where `curhat logout` also looks for a saved Matrix login: the encrypted real-sessions database,
    opened with its key (the --key-file, or the passphrase asked here). None when there is no such
    database, or when the OS keyring works and no key file was named (the login is in the keyring).

    Raises storage.database_key.KeyUnavailable (and KeyboardInterrupt/EOFError from the prompt)."""
    from curhat_tui.channels.matrix.login import KeyringTokens, KeyringUnusable, database_tokens
    from curhat_tui.paths import real_db

    if not real_db(data_dir).exists():
        return None
    if key_file is None:
        try:
            KeyringTokens().get("curhat-logout-probe")
            return None
        except KeyringUnusable:
            pass
    return database_tokens(data_dir, database_key(data_dir, key_file, t))
