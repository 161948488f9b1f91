"""Matrix credentials: the access token and a stable device id live in the OS keyring only."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from curhat_tui.channels.matrix.api import MatrixAPI, MatrixError
from curhat_tui.paths import KEYRING_SERVICE as SERVICE


class LoginError(Exception):
    pass


def _account(homeserver: str, user: str) -> str:
    return f"{user}@{homeserver.rstrip('/')}"


def saved(homeserver: str, user: str) -> dict:
    try:
        raw = keyring.get_password(SERVICE, _account(homeserver, user))
    except (NoKeyringError, KeyringError) as exc:
        raise LoginError(f"no usable OS keyring ({exc}); curhat-tui keeps Matrix tokens only there") from None
    return json.loads(raw) if raw else {}


def _save(homeserver: str, user: str, value: dict) -> None:
    try:
        keyring.set_password(SERVICE, _account(homeserver, user), json.dumps(value))
    except (NoKeyringError, KeyringError) as exc:
        raise LoginError(f"no usable OS keyring ({exc}); curhat-tui keeps Matrix tokens only there") from None


async def connect(homeserver: str, user: str, ask_password: Callable[[], str | Awaitable[str]]) -> MatrixAPI:
    """An authenticated API client: the keyring's token if it still works, else a password login."""
    creds = saved(homeserver, user)
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
    _save(homeserver, user, {"access_token": api.access_token, "device_id": api.device_id})
    return api


async def logout(homeserver: str, user: str) -> bool:
    """End the session on the server and remove the token and device id from the keyring."""
    creds = saved(homeserver, user)
    if creds.get("access_token"):
        api = MatrixAPI(homeserver, creds["access_token"])
        try:
            await api.logout()
        except (MatrixError, OSError):
            pass
        finally:
            await api.close()
    try:
        keyring.delete_password(SERVICE, _account(homeserver, user))
    except PasswordDeleteError:
        return False
    return True
