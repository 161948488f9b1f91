"""The screen lock (Ctrl+K, or after idle minutes): what unlocks it, and how wrong tries are slowed down.

It opens with something the counselor knows: the database passphrase when there is one, otherwise an
unlock passphrase chosen at the first lock and kept only as a salted scrypt hash (in the keyring beside
the key, or, with a key file, inside the encrypted database).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from curhat_tui.storage.database_key import keyring_unlock_verifier, save_keyring_unlock_verifier

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1  # about 16 MB and a few tens of ms per check
MIN_UNLOCK_LENGTH = 6
FREE_ATTEMPTS = 3  # wrong tries before the lock screen makes the counselor wait
FIRST_WAIT_SECONDS = 30.0
MAX_WAIT_SECONDS = 300.0


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def make_verifier(secret: str) -> str:
    """A salted scrypt hash of `secret` that can check it again but not give it back."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _parse_verifier(verifier: str | None) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        name, n, r, p, salt, digest = (verifier or "").split("$")
        if name != "scrypt":
            return None
        return int(n), int(r), int(p), base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True)
    except (ValueError, TypeError):
        return None


def check_verifier(verifier: str, typed: str) -> bool:
    """Derive again from what was typed and compare in constant time."""
    parsed = _parse_verifier(verifier)
    if parsed is None:
        return False
    n, r, p, salt, digest = parsed
    again = hashlib.scrypt(typed.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(digest))
    return hmac.compare_digest(again, digest)


@dataclass(frozen=True)
class Attempt:
    """What one try at the lock screen gave: `ok`, or the seconds to `wait` before the next try."""

    ok: bool
    wait: float = 0.0
    checked: bool = True  # False: refused unread because the counselor must still wait
    left: int = 0  # wrong tries left before a wait


class Unlocker:
    """Checks what is typed on the lock screen and rate-limits wrong tries.

    `kind` is "passphrase" (the database passphrase unlocks) or "unlock" (a separate unlock
    passphrase, needed when the key sits in the keyring or a key file: nobody knows that key).
    `where` says where the unlock passphrase's hash is kept: "keyring", "database" or "memory"
    (this run only), or "" for the database passphrase, which is never stored.
    """

    def __init__(self, kind: str, verifier: str | None, save: Callable[[str], None] | None = None,
                 where: str = "memory") -> None:
        self.kind = kind
        self.where = where
        self._verifier = verifier if _parse_verifier(verifier) else None
        self._save = save
        self.failures = 0
        self.wait_until = 0.0

    @classmethod
    def in_memory(cls) -> "Unlocker":
        """An unlock passphrase chosen at the first lock and forgotten when the app quits."""
        return cls("unlock", None)

    @property
    def needs_setup(self) -> bool:
        """True until an unlock passphrase has been chosen (never for the database passphrase)."""
        return self._verifier is None

    def choose(self, secret: str) -> None:
        """Set the unlock passphrase (at least MIN_UNLOCK_LENGTH characters); kept only as a salted hash."""
        if len(secret) < MIN_UNLOCK_LENGTH:
            raise ValueError(f"at least {MIN_UNLOCK_LENGTH} characters")
        verifier = make_verifier(secret)
        if self._save is not None:
            self._save(verifier)
        self._verifier = verifier

    def wait_seconds(self, now: float) -> float:
        return max(0.0, self.wait_until - now)

    def attempt(self, typed: str, now: float) -> Attempt:
        """One try: right, wrong, or refused unread while a wait after wrong tries runs."""
        if self._verifier is None:
            raise RuntimeError("no unlock passphrase has been chosen yet")
        wait = self.wait_seconds(now)
        if wait > 0:
            return Attempt(False, wait, checked=False)
        if check_verifier(self._verifier, typed):
            self.failures = 0
            self.wait_until = 0.0
            return Attempt(True)
        self.failures += 1
        if self.failures < FREE_ATTEMPTS:
            return Attempt(False, left=FREE_ATTEMPTS - self.failures)
        wait = min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** (self.failures - FREE_ATTEMPTS))
        self.wait_until = now + wait
        return Attempt(False, wait)


def unlocker_for(key: str, data_dir: Path, store=None) -> Unlocker:
    """The lock screen's check for a key from `database_key`.

    A passphrase unlocks with itself (only its hash is kept, in memory). A key from the keyring
    gets an unlock passphrase whose hash lives in the keyring too; a key file, one whose hash lives
    in the encrypted database (`store`, through `store.state`). Anything else: this run only.
    """
    source = getattr(key, "source", "")
    if source == "passphrase":
        return Unlocker("passphrase", make_verifier(str(key)), where="")
    if source == "keyring":
        from keyring.errors import KeyringError  # only a key from the keyring needs it (a slow import)

        try:
            verifier = keyring_unlock_verifier(data_dir)
        except KeyringError:
            return Unlocker.in_memory()
        return Unlocker("unlock", verifier, lambda value: save_keyring_unlock_verifier(data_dir, value), "keyring")
    if source == "key_file" and store is not None:
        return Unlocker("unlock", store.state.unlock_verifier(), store.state.set_unlock_verifier, "database")
    return Unlocker.in_memory()
