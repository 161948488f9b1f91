"""The database key: made on first run and kept in the OS keyring, never next to the data.

Where no keyring backend exists (a headless server) the counselor gives a passphrase
at start, or names a key file explicitly with --key-file (outside the data dir).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import keyring
from keyring.errors import KeyringError, NoKeyringError

SERVICE = "curhat-tui"


class KeyUnavailable(Exception):
    pass


def _account(data_dir: Path) -> str:
    return f"db-key:{data_dir.resolve()}"


def read_key_file(key_file: Path, data_dir: Path) -> str:
    key_file = key_file.expanduser().resolve()
    if data_dir.resolve() in key_file.parents:
        raise KeyUnavailable(f"{key_file}: a key file must not live in the data dir it protects; move it elsewhere")
    try:
        key = key_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise KeyUnavailable(f"{key_file}: cannot read the key file ({exc.strerror})") from None
    if len(key) < 12:
        raise KeyUnavailable(f"{key_file}: the key is too short (use 64 hex digits or a long passphrase)")
    return key


def database_key(data_dir: Path, *, key_file: Path | None = None,
                 ask_passphrase: Callable[[bool], str] | None = None) -> str:
    """The key for the database in `data_dir`: key file, else keyring (made on first run), else passphrase.

    `ask_passphrase(new)` is called only when no keyring backend exists; `new` says the
    database does not exist yet (so the passphrase should be confirmed).
    """
    if key_file is not None:
        return read_key_file(key_file, data_dir)
    try:
        existing = keyring.get_password(SERVICE, _account(data_dir))
        if existing:
            return existing
        created = secrets.token_hex(32)
        keyring.set_password(SERVICE, _account(data_dir), created)
        if keyring.get_password(SERVICE, _account(data_dir)) != created:
            raise KeyringError("the keyring did not keep the key")
        return created
    except (NoKeyringError, KeyringError) as exc:
        if ask_passphrase is None:
            raise KeyUnavailable(
                f"no OS keyring is available ({exc}); start curhat in a terminal to give a passphrase, "
                "or pass --key-file PATH (a file outside the data dir)") from None
        new = not any(data_dir.glob("*.db"))
        return ask_passphrase(new)
