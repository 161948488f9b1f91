"""Matrix credentials: an access token and a stable device id, kept in the OS keyring.

Where the keyring is unusable (a machine without a desktop keyring, one that drops what it is given, or
one that is only a file in the home folder, such as keyrings.alt's, which would also ask for a password of
its own in English), a workstation keeps them in a fallback `TokenStore` instead: `database_tokens` backs one
with the encrypted database's `meta` table, so the token is protected by the database key. The
intake service, run headless, logs in from a credentials file and never touches the keyring
(`connect_with_token`, `connect_with_password`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import httpx
import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.paths import KEYRING_SERVICE as SERVICE
from curhat_tui.paths import real_db
from curhat_tui.storage.database_key import keyring_for_new_key

if TYPE_CHECKING:
    from curhat_tui.storage.store import Store


class LoginError(Exception):
    pass


class TokenStore(Protocol):
    """Where one machine keeps saved Matrix logins, one JSON text per account ("user@homeserver")."""

    def get(self, account: str) -> str | None: ...

    def set(self, account: str, value: str) -> None: ...

    def delete(self, account: str) -> bool: ...


class KeyringUnusable(Exception):
    """The OS keyring cannot be read, written, or does not keep what it is given."""


class KeyringTokens:
    """The OS keyring, as a TokenStore; every failure of the keyring itself is KeyringUnusable."""

    def get(self, account: str) -> str | None:
        try:
            return keyring.get_password(SERVICE, account)
        except (NoKeyringError, KeyringError) as exc:
            raise KeyringUnusable(str(exc) or type(exc).__name__) from None

    def set(self, account: str, value: str) -> None:
        try:
            keyring_for_new_key()  # never a file in the home folder (NoKeyringError): the login would lie beside it
            keyring.set_password(SERVICE, account, value)
            kept = keyring.get_password(SERVICE, account)
        except (NoKeyringError, KeyringError) as exc:
            raise KeyringUnusable(str(exc) or type(exc).__name__) from None
        if kept != value:
            raise KeyringUnusable("the keyring did not keep the login")

    def delete(self, account: str) -> bool:
        try:
            keyring.delete_password(SERVICE, account)
        except PasswordDeleteError:
            return False
        except (NoKeyringError, KeyringError) as exc:
            raise KeyringUnusable(str(exc) or type(exc).__name__) from None
        return True


class DatabaseTokens:
    """Saved logins in the encrypted real-sessions database (`meta` table), opened only for each read
    or write, so it works before and beside the workstation's own connection."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = Path(path)
        self.key = key

    def _open(self) -> Store:
        from curhat_tui.storage.store import REAL, Store

        return Store(self.path, key=self.key, kind=REAL)

    def get(self, account: str) -> str | None:
        if not self.path.exists():
            return None
        store = self._open()
        try:
            return store.state.matrix_login(account)
        finally:
            store.close()

    def set(self, account: str, value: str) -> None:
        store = self._open()
        try:
            store.state.set_matrix_login(account, value)
        finally:
            store.close()

    def delete(self, account: str) -> bool:
        if not self.path.exists():
            return False
        store = self._open()
        try:
            return store.state.drop_matrix_login(account)
        finally:
            store.close()


def database_tokens(data_dir: Path, key: str | None) -> DatabaseTokens | None:
    """The fallback for a workstation whose OS keyring is unusable: its real-sessions database, encrypted
    under `key`. None without a key: a token is never kept in an unencrypted database."""
    return DatabaseTokens(real_db(data_dir), key) if key else None


def _account(homeserver: str, user: str) -> str:
    return f"{user}@{homeserver.rstrip('/')}"


def _parsed(raw: str | None) -> dict:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _no_keyring(exc: KeyringUnusable) -> LoginError:
    return LoginError(f"no usable OS keyring ({exc}), and no encrypted database to keep the Matrix login in "
                      "instead")


def _where(account: str, fallback: TokenStore | None) -> tuple[TokenStore, dict]:
    """The store that holds this account's login (the keyring first, then the fallback) and the login."""
    system = KeyringTokens()
    try:
        raw = system.get(account)
    except KeyringUnusable as exc:
        if fallback is None:
            raise _no_keyring(exc) from None
        return fallback, _parsed(fallback.get(account))
    if not raw and fallback is not None:
        kept = fallback.get(account)
        if kept:
            return fallback, _parsed(kept)
    return system, _parsed(raw)


def saved(homeserver: str, user: str, fallback: TokenStore | None = None) -> dict:
    """The saved login of `user` ({} when there is none): access_token and device_id."""
    return _where(_account(homeserver, user), fallback)[1]


def _save(account: str, value: dict, where: TokenStore, fallback: TokenStore | None) -> None:
    text = json.dumps(value)
    try:
        where.set(account, text)
    except KeyringUnusable as exc:
        if fallback is None:
            raise _no_keyring(exc) from None
        fallback.set(account, text)


async def connect(homeserver: str, user: str, ask_password: Callable[[], str | Awaitable[str]], *,
                  fallback: TokenStore | None = None) -> MatrixAPI:
    """An authenticated API client: the saved token if it still works, else a password login.

    The login is kept in the OS keyring; where that is unusable, in `fallback` (without one, that
    is a LoginError)."""
    account = _account(homeserver, user)
    where, creds = _where(account, fallback)
    api = MatrixAPI(homeserver, creds.get("access_token"))
    if creds.get("access_token"):
        try:
            await api.whoami()
            return api
        except MatrixError as exc:
            if exc.errcode != "M_UNKNOWN_TOKEN":
                await api.close()
                raise LoginError(f"the homeserver refused the saved login: {exc}") from None
    password = ask_password()
    if not isinstance(password, str):
        password = await password
    try:
        await api.login(user, password, device_id=creds.get("device_id"))
    except MatrixError as exc:
        await api.close()
        raise LoginError(f"login failed: {exc}") from None
    _save(account, {"access_token": api.access_token, "device_id": api.device_id}, where, fallback)
    return api


async def connect_with_token(homeserver: str, user: str, token: str) -> MatrixAPI:
    """An API client on an access token given outright (a credentials file), checked with whoami."""
    api = MatrixAPI(homeserver, token)
    try:
        await api.whoami()
    except MatrixError as exc:
        await api.close()
        if exc.errcode == "M_UNKNOWN_TOKEN":
            raise LoginError("the homeserver no longer accepts this access token") from None
        raise LoginError(f"the homeserver refused the access token: {exc}") from None
    if api.user_id != user:
        await api.close()
        raise LoginError(f"this access token is {api.user_id}'s, not {user}'s")
    return api


async def connect_with_password(homeserver: str, user: str, password: str, *, device_id: str | None = None,
                                device_name: str = "curhat-tui") -> MatrixAPI:
    """A password login on `device_id` (a new device when None); nothing is saved anywhere."""
    api = MatrixAPI(homeserver)
    try:
        await api.login(user, password, device_id=device_id, device_name=device_name)
    except MatrixError as exc:
        await api.close()
        raise LoginError(f"login failed: {exc}") from None
    return api


async def logout(homeserver: str, user: str, fallback: TokenStore | None = None) -> bool:
    """End the session on the server and forget the token and device id wherever they are kept
    (the keyring and `fallback`); whether any was kept."""
    account = _account(homeserver, user)
    creds = saved(homeserver, user, fallback)
    if creds.get("access_token"):
        api = MatrixAPI(homeserver, creds["access_token"])
        try:
            await api.logout()
        except (MatrixError, OSError, httpx.TransportError):
            pass  # the login is forgotten here all the same
        finally:
            await api.close()
    removed = False
    try:
        removed = KeyringTokens().delete(account)
    except KeyringUnusable as exc:
        if fallback is None:
            raise _no_keyring(exc) from None
    if fallback is not None:
        removed = fallback.delete(account) or removed
    return removed
