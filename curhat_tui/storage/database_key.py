"""The database key: made on first run and kept in the OS keyring, never next to the data.

Where no keyring backend exists (a headless server) the counselor gives a passphrase
at start, or names a key file explicitly with --key-file (outside the data dir).

The keyring also keeps the screen lock's unlock verifier for a keyring-held key
(services.lock decides what unlocks the screen).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import keyring
from keyring.errors import KeyringError, NoKeyringError

from curhat_tui.paths import KEYRING_SERVICE as SERVICE


class KeyUnavailable(Exception):
    pass


class DatabaseKey(str):
    """The key itself, remembering where it came from: "keyring", "passphrase" or "key_file"."""

    source: str

    def __new__(cls, value: str, source: str) -> "DatabaseKey":
        key = super().__new__(cls, value)
        key.source = source
        return key


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
        return DatabaseKey(read_key_file(key_file, data_dir), "key_file")
    try:
        existing = keyring.get_password(SERVICE, _account(data_dir))
        if existing:
            return DatabaseKey(existing, "keyring")
        created = secrets.token_hex(32)
        keyring.set_password(SERVICE, _account(data_dir), created)
        if keyring.get_password(SERVICE, _account(data_dir)) != created:
            raise KeyringError("the keyring did not keep the key")
        return DatabaseKey(created, "keyring")
    except (NoKeyringError, KeyringError) as exc:
        if ask_passphrase is None:
            raise KeyUnavailable(
                f"no OS keyring is available ({exc}); start curhat in a terminal to give a passphrase, "
                "or pass --key-file PATH (a file outside the data dir)") from None
        new = not any(data_dir.glob("*.db"))
        return DatabaseKey(ask_passphrase(new), "passphrase")


def _unlock_account(data_dir: Path) -> str:
    return f"unlock:{Path(data_dir).resolve()}"


def keyring_unlock_verifier(data_dir: Path) -> str | None:
    """The screen lock's verifier kept in the keyring beside a keyring-held key (KeyringError if unreachable)."""
    return keyring.get_password(SERVICE, _unlock_account(data_dir))


def save_keyring_unlock_verifier(data_dir: Path, verifier: str) -> None:
    keyring.set_password(SERVICE, _unlock_account(data_dir), verifier)
