"""The database key: made on first run and kept in the OS keyring, never next to the data.

Where no keyring backend exists (a headless server) the counselor gives a passphrase
at start, or names a key file explicitly with --key-file (outside the data dir).

The keyring is whatever `keyring` picks for the platform: Windows Credential Locker, the macOS Keychain,
the Secret Service (GNOME Keyring, KWallet) on a Linux desktop; nothing here names a backend. A new key is
never put in a keyring that is only a file in the home folder (keyrings.alt's PlaintextKeyring and
EncryptedKeyring, which Debian and Ubuntu often install): that would keep the key beside the data, so
there the passphrase is asked for instead. A key already kept in one is still read.

The keyring also keeps the screen lock's unlock verifier for a keyring-held key
(services.lock decides what unlocks the screen).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

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


FILE_KEYRINGS = ("keyrings.alt",)  # "keyrings" that are a file in the home folder, not the OS's secret store


def _account(data_dir: Path) -> str:
    """The keyring entry of this data dir's key: its absolute path (case-folded on Windows, where C:\\Users\\Ani and
    c:\\users\\ani are the same folder; unchanged elsewhere, so existing entries keep their names)."""
    return f"db-key:{os.path.normcase(data_dir.resolve())}"


def keyring_for_new_key() -> object:
    """The backend a new key would be written to; NoKeyringError when that is none, or only a file."""
    import keyring
    from keyring.errors import NoKeyringError

    backend = keyring.get_keyring()
    chain = getattr(backend, "backends", None)
    writer = chain[0] if chain else backend  # a chain writes to its first backend
    module = type(writer).__module__
    if module.startswith(FILE_KEYRINGS):
        raise NoKeyringError(f"the only keyring is a file in the home folder ({module}), not the OS's secret store")
    return writer


def _inside(path: Path, folder: Path) -> bool:
    """`path` lies in `folder` (the same folder however its name is spelt: case, links, 8.3 names)."""
    for parent in path.parents:
        if parent == folder:
            return True
        try:
            if folder.exists() and os.path.samefile(parent, folder):
                return True
        except OSError:
            continue
    return False


def read_key_file(key_file: Path, data_dir: Path) -> str:
    key_file = key_file.expanduser().resolve()
    if _inside(key_file, data_dir.resolve()):
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
    import keyring  # here, not at start-up: a key file never needs it (and loading it scans entry points)
    from keyring.errors import KeyringError, NoKeyringError

    try:
        existing = keyring.get_password(SERVICE, _account(data_dir))
        if existing:
            return DatabaseKey(existing, "keyring")
        keyring_for_new_key()
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
    import keyring

    return keyring.get_password(SERVICE, _unlock_account(data_dir))


def save_keyring_unlock_verifier(data_dir: Path, verifier: str) -> None:
    import keyring

    keyring.set_password(SERVICE, _unlock_account(data_dir), verifier)
