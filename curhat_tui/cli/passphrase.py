"""What the terminal asks for: the database passphrase (where no OS keyring exists) and the Matrix password."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path


def database_key(data_dir: Path, key_file: str | None) -> str:
    """The database key: from the OS keyring, the --key-file, or a passphrase asked for at the terminal.

    Raises storage.database_key.KeyUnavailable (and KeyboardInterrupt/EOFError from the prompt)."""
    from curhat_tui.storage.database_key import KeyUnavailable
    from curhat_tui.storage.database_key import database_key as stored_key

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

    return stored_key(data_dir, key_file=Path(key_file) if key_file else None, ask_passphrase=ask)


def matrix_password(user: str) -> Callable[[], str]:
    """Asks for the Matrix password, only if the keyring holds no login for `user`."""
    return lambda: getpass.getpass(f"Matrix password for {user}: ")


def password_once(user: str) -> str:
    """The Matrix password of `user`, asked once: at the terminal, or read as one line from standard
    input when that is not a terminal (a script). EOFError when there is nothing to read."""
    if sys.stdin.isatty():
        return getpass.getpass(f"Matrix password for {user}: ")
    line = sys.stdin.readline()
    if not line.strip():
        raise EOFError("no password on standard input")
    return line.rstrip("\r\n")


def login_fallback(data_dir: Path, key_file: str | None):
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
    return database_tokens(data_dir, database_key(data_dir, key_file))
