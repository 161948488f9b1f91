"""Smoke test against a real Synapse: private room, delivery to a /sync long-poll,
idempotent sends by transaction id, and persistence across a kill -9 and restart."""

from __future__ import annotations

import os
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import httpx
import pytest

from tests.support.synapse import Synapse, find_synapse

SESSION_STATE = "org.curhat.session"


@pytest.fixture(scope="module")
def synapse():
    python = find_synapse()
    if python is None:
        message = (
            "Synapse is not installed: run .ci/install-synapse.sh "
            "(or point CURHAT_SYNAPSE_PYTHON at a Python that has matrix-synapse)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with Synapse(python) as server:
        yield server


class Client:
    """The few client-server API calls this test needs, for one logged-in device."""

    def __init__(self, base_url: str, account: dict) -> None:
        self.user_id = account["user_id"]
        self.device_id = account["device_id"]
        self.http = httpx.Client(
            base_url=f"{base_url}/_matrix/client/v3",
            headers={"Authorization": f"Bearer {account['access_token']}"},
            timeout=60.0,
        )

    def call(self, method: str, path: str, **kwargs) -> dict:
        response = self.http.request(method, path, **kwargs)
        assert response.status_code == 200, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()

    def send_text(self, room_id: str, body: str, txn_id: str) -> str:
        path = f"/rooms/{quote(room_id)}/send/m.room.message/{quote(txn_id)}"
        return self.call("PUT", path, json={"msgtype": "m.text", "body": body})["event_id"]

    def sync(self, since: str | None = None, timeout_ms: int = 0) -> dict:
        params = {"timeout": str(timeout_ms)}
        if since:
            params["since"] = since
        return self.call("GET", "/sync", params=params, timeout=timeout_ms / 1000 + 30)

    def wait_for_message(self, room_id: str, since: str, body: str, within: float = 20.0):
        """Long-poll /sync, always advancing ``since``, until ``body`` arrives in ``room_id``."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            answer = self.sync(since, timeout_ms=10_000)
            since = answer["next_batch"]
            room = answer.get("rooms", {}).get("join", {}).get(room_id, {})
            for event in room.get("timeline", {}).get("events", []):
                if event["type"] == "m.room.message" and event["content"].get("body") == body:
                    return event, time.monotonic()
        raise AssertionError(f"{body!r} did not arrive within {within} s")

    def texts(self, room_id: str) -> list[dict]:
        """The room's m.room.message events, newest first (one page is plenty here)."""
        answer = self.call("GET", f"/rooms/{quote(room_id)}/messages", params={"dir": "b", "limit": "100"})
        return [event for event in answer["chunk"] if event["type"] == "m.room.message"]


@pytest.fixture(scope="module")
def room(synapse):
    """A private room created by a counselor with the client invited, joined and at power 50."""
    suffix = secrets.token_hex(3)
    counselor = Client(synapse.base_url, synapse.register(f"counselor{suffix}", "pw-counselor"))
    client = Client(synapse.base_url, synapse.register(f"client{suffix}", "pw-client"))
    room_id = counselor.call("POST", "/createRoom", json={
        "preset": "private_chat",
        "name": "curhat",
        "invite": [client.user_id],
        # Room version 12 (Synapse's default) gives creators unlimited power and rejects
        # them in "users", so only the invited client is listed.
        "power_level_content_override": {"users": {client.user_id: 50}},
    })["room_id"]
    client.call("POST", f"/join/{quote(room_id)}", json={})
    yield counselor, client, room_id
    counselor.http.close()
    client.http.close()


def test_invited_user_can_send_state(room):
    counselor, client, room_id = room
    path = f"/rooms/{quote(room_id)}/state/{SESSION_STATE}/"
    client.call("PUT", path, json={"status": "open"})
    assert counselor.call("GET", path) == {"status": "open"}


def test_message_reaches_waiting_long_poll(room):
    counselor, client, room_id = room
    since = client.sync()["next_batch"]
    body = f"halo {uuid.uuid4()}"
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(client.wait_for_message, room_id, since, body)
        time.sleep(0.3)  # let the long-poll reach the server first
        sent_at = time.monotonic()
        event_id = counselor.send_text(room_id, body, txn_id=str(uuid.uuid4()))
        event, seen_at = waiting.result(timeout=30)
    assert event["event_id"] == event_id
    assert event["sender"] == counselor.user_id
    assert seen_at - sent_at < 5.0


def test_resending_same_txn_id_does_not_duplicate(room):
    counselor, client, room_id = room
    body = f"sekali saja {uuid.uuid4()}"
    txn_id = str(uuid.uuid4())
    first = counselor.send_text(room_id, body, txn_id)
    again = counselor.send_text(room_id, body, txn_id)
    assert again == first
    assert [e["event_id"] for e in client.texts(room_id) if e["content"]["body"] == body] == [first]


def test_message_survives_kill_and_restart(synapse, room):
    counselor, client, room_id = room
    body = f"tetap ada {uuid.uuid4()}"
    txn_id = str(uuid.uuid4())
    event_id = counselor.send_text(room_id, body, txn_id)

    synapse.kill()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{synapse.base_url}/_matrix/client/versions", timeout=2)
    synapse.start()

    assert [e["event_id"] for e in client.texts(room_id) if e["content"]["body"] == body] == [event_id]
    # The transaction id still maps to the same event after the crash: a retry is safe.
    assert counselor.send_text(room_id, body, txn_id) == event_id
    assert [e["event_id"] for e in client.texts(room_id) if e["content"]["body"] == body] == [event_id]
