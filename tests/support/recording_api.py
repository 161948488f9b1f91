"""An intake's Matrix API that records what it was asked to say and write, for unit tests of the intake."""

from __future__ import annotations


class RecordingAPI:
    user_id = "@intake:curhat.test"

    def __init__(self) -> None:
        self.said: list[str] = []
        self.entries: list[dict] = []

    async def send(self, room: str, event_type: str, content: dict, txn: str) -> str:
        self.said.append(content["body"].split("\n\n")[1])  # the English half
        return f"$e{len(self.said)}"

    async def put_state(self, room: str, event_type: str, content: dict, key: str) -> str:
        self.entries.append(dict(content))
        return f"$s{len(self.entries)}"

    async def get_state(self, room: str, event_type: str, key: str = "") -> dict:
        return {"history_visibility": "shared"}

    async def leave(self, room: str) -> None:
        pass
