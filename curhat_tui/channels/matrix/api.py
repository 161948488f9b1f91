"""A small Matrix client-server API client over httpx: just what curhat-tui needs, no SDK.

Every call is async. Errors come back as `MatrixError` with the HTTP status and the
Matrix errcode; rate limits (429) are retried here (`rate_limit_wait`): never sooner than the
server's `retry_after_ms`, backing off, with jitter, for about two minutes in all before a
request fails.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any
from urllib.parse import quote

import httpx

PREFIX = "/_matrix/client/v3"
RATE_LIMIT_RETRIES = 30  # backing off to 5 s a try: about two minutes of 429s before a request fails


def rate_limit_wait(error: dict, attempt: int) -> float:
    """Seconds to wait before retry `attempt` (0 first) of a rate-limited request. Synapse asks for a few
    milliseconds when its bucket refills at 20 a second; many requests that waited exactly that long would all come
    back at once and lose together (fifty clients arriving at once ran five retries dry in CI). So: the server's
    `retry_after_ms`, but at least a backoff that doubles from 0.1 s to 5 s, at most 10 s, jittered by a quarter."""
    asked = error.get("retry_after_ms")
    asked_s = asked / 1000 if isinstance(asked, int) and not isinstance(asked, bool) and asked >= 0 else 1.0
    return min(max(asked_s, min(0.1 * 2 ** attempt, 5.0)), 10.0) * random.uniform(0.75, 1.25)


class MatrixError(Exception):
    def __init__(self, status: int, errcode: str, message: str) -> None:
        super().__init__(f"{status} {errcode}: {message}")
        self.status = status
        self.errcode = errcode


def _q(value: str) -> str:
    return quote(value, safe="")


class MatrixAPI:
    def __init__(self, base_url: str, access_token: str | None = None, *, timeout: float = 30.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token
        self.user_id = ""
        self.device_id = ""
        self.rate_limited = 0  # 429s this client has been answered with (each retried): the operator's gauge
        self.http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)

    async def close(self) -> None:
        await self.http.aclose()

    async def request(self, method: str, path: str, *, body: Any = None, params: dict | None = None,
                      timeout: float | None = None, retries: int = RATE_LIMIT_RETRIES) -> dict:
        data = await self.request_json(method, path, body=body, params=params, timeout=timeout, retries=retries)
        if not isinstance(data, dict):
            raise MatrixError(200, "M_BAD_JSON", "expected a JSON object")
        return data

    async def request_json(self, method: str, path: str, *, body: Any = None, params: dict | None = None,
                           timeout: float | None = None, retries: int = RATE_LIMIT_RETRIES) -> Any:
        headers = {"Authorization": f"Bearer {self.access_token}"} if self.access_token else {}
        for _attempt in range(retries + 1):
            response = await self.http.request(
                method, PREFIX + path if not path.startswith("/_") else path, headers=headers,
                content=None if body is None else json.dumps(body).encode(), params=params,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
            try:
                data = response.json() if response.content else {}
            except ValueError:
                raise MatrixError(response.status_code, "M_BAD_JSON", "the server sent malformed JSON") from None
            error = data if isinstance(data, dict) else {}
            if response.status_code == 429:
                self.rate_limited += 1
                if _attempt < retries:
                    await asyncio.sleep(rate_limit_wait(error, _attempt))
                    continue
            if response.status_code >= 400:
                raise MatrixError(response.status_code, str(error.get("errcode", "M_UNKNOWN")),
                                  str(error.get("error", "")))
            return data
        raise MatrixError(429, "M_LIMIT_EXCEEDED", "rate limited")

    # ---- session --------------------------------------------------------------
    async def login(self, user: str, password: str, device_id: str | None = None,
                    device_name: str = "curhat-tui") -> dict:
        body: dict[str, Any] = {"type": "m.login.password", "password": password,
                                "identifier": {"type": "m.id.user", "user": user},
                                "initial_device_display_name": device_name}
        if device_id:
            body["device_id"] = device_id
        data = await self.request("POST", "/login", body=body)
        self.access_token, self.user_id, self.device_id = data["access_token"], data["user_id"], data["device_id"]
        return data

    async def logout(self) -> None:
        await self.request("POST", "/logout", body={})
        self.access_token = None

    async def whoami(self) -> dict:
        data = await self.request("GET", "/account/whoami")
        self.user_id = data["user_id"]
        self.device_id = data.get("device_id", self.device_id)
        return data

    # ---- sync -----------------------------------------------------------------
    async def sync(self, since: str | None, timeout_ms: int = 30_000, filter_json: str | None = None) -> dict:
        params: dict[str, Any] = {"timeout": timeout_ms}
        if since:
            params["since"] = since
        if filter_json:
            params["filter"] = filter_json
        return await self.request("GET", "/sync", params=params, timeout=timeout_ms / 1000 + 15)

    # ---- rooms ----------------------------------------------------------------
    async def create_room(self, **body: Any) -> str:
        return (await self.request("POST", "/createRoom", body=body))["room_id"]

    async def join(self, room: str) -> str:
        return (await self.request("POST", f"/join/{_q(room)}", body={}))["room_id"]

    async def leave(self, room_id: str) -> None:
        await self.request("POST", f"/rooms/{_q(room_id)}/leave", body={})

    async def invite(self, room_id: str, user_id: str) -> None:
        await self.request("POST", f"/rooms/{_q(room_id)}/invite", body={"user_id": user_id})

    async def kick(self, room_id: str, user_id: str, reason: str = "") -> None:
        await self.request("POST", f"/rooms/{_q(room_id)}/kick", body={"user_id": user_id, "reason": reason})

    async def resolve_alias(self, alias: str) -> str:
        return (await self.request("GET", f"/directory/room/{_q(alias)}"))["room_id"]

    async def send(self, room_id: str, event_type: str, content: dict, txn_id: str) -> str:
        """Send an event; the same txn_id from the same device never makes a second event."""
        path = f"/rooms/{_q(room_id)}/send/{_q(event_type)}/{_q(txn_id)}"
        return (await self.request("PUT", path, body=content))["event_id"]

    async def redact(self, room_id: str, event_id: str, txn_id: str, reason: str = "") -> str:
        """Redact an event (its content is stripped; the server prunes the original after its retention)."""
        path = f"/rooms/{_q(room_id)}/redact/{_q(event_id)}/{_q(txn_id)}"
        return (await self.request("PUT", path, body={"reason": reason} if reason else {})).get("event_id", "")

    async def put_state(self, room_id: str, event_type: str, content: dict, state_key: str = "") -> str:
        path = f"/rooms/{_q(room_id)}/state/{_q(event_type)}/{_q(state_key)}"
        return (await self.request("PUT", path, body=content))["event_id"]

    async def get_state(self, room_id: str, event_type: str, state_key: str = "") -> dict | None:
        try:
            return await self.request("GET", f"/rooms/{_q(room_id)}/state/{_q(event_type)}/{_q(state_key)}")
        except MatrixError as exc:
            if exc.status == 404:
                return None
            raise

    async def room_state(self, room_id: str) -> list[dict]:
        data = await self.request_json("GET", f"/rooms/{_q(room_id)}/state")
        return [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []

    async def joined_rooms(self) -> list[str]:
        rooms = (await self.request("GET", "/joined_rooms")).get("joined_rooms")
        return [r for r in rooms if isinstance(r, str)] if isinstance(rooms, list) else []

    async def members(self, room_id: str) -> dict[str, str]:
        """Every member's user id and membership (join, invite, leave, ban)."""
        chunk = (await self.request("GET", f"/rooms/{_q(room_id)}/members")).get("chunk")
        found: dict[str, str] = {}
        for event in chunk if isinstance(chunk, list) else []:
            if isinstance(event, dict) and isinstance(event.get("state_key"), str):
                membership = (event.get("content") or {}).get("membership")
                found[event["state_key"]] = membership if isinstance(membership, str) else ""
        return found

    async def forget(self, room_id: str) -> None:
        await self.request("POST", f"/rooms/{_q(room_id)}/forget", body={})

    async def messages(self, room_id: str, start: str | None = None, direction: str = "b", limit: int = 100,
                       to: str | None = None) -> dict:
        params: dict[str, Any] = {"dir": direction, "limit": limit}
        if start:
            params["from"] = start
        if to:
            params["to"] = to
        return await self.request("GET", f"/rooms/{_q(room_id)}/messages", params=params)

    async def typing(self, room_id: str, typing: bool, timeout_ms: int = 10_000) -> None:
        body: dict[str, Any] = {"typing": typing}
        if typing:
            body["timeout"] = timeout_ms
        await self.request("PUT", f"/rooms/{_q(room_id)}/typing/{_q(self.user_id)}", body=body)
