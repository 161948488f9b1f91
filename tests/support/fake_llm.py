"""A tiny OpenAI-compatible chat server on a real socket, scripted per request, for the LLM voice tests.

It speaks just enough HTTP/1.1: one request per connection, chunked server-sent events,
and it records every request body so tests can see exactly what a model was shown.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


def chunk(content: str | None = None, finish: str | None = None, usage: dict | None = None,
          choices: bool = True) -> str:
    """One `chat.completion.chunk` as JSON."""
    doc: dict = {"id": "c1", "object": "chat.completion.chunk", "model": "fake"}
    doc["choices"] = [{"index": 0, "delta": {"content": content} if content is not None else {},
                       "finish_reason": finish}] if choices else []
    if usage is not None:
        doc["usage"] = usage
    return json.dumps(doc)


USAGE = {"prompt_tokens": 50, "completion_tokens": 12, "total_tokens": 62}


def reply_events(text: str, *, usage: str = "last", done: bool = True, pieces: int = 3) -> list[str | float]:
    """The events a server streams for `text`: usage in the `last` content chunk, in its `own` chunk, or none."""
    size = max(1, -(-len(text) // pieces))
    parts = [text[i:i + size] for i in range(0, len(text), size)]
    events: list[str | float] = [chunk(part) for part in parts]
    events.append(chunk(finish="stop", usage=USAGE if usage == "last" else None))
    if usage == "own":
        events.append(chunk(usage=USAGE, choices=False))
    if done:
        events.append("[DONE]")
    return events


@dataclass
class Stream:
    """Answer with these SSE events (a float is a pause in seconds), then close."""

    events: list[str | float]
    status: int = 200
    raw_lines: bool = False  # events are written as given, without "data: " framing


@dataclass
class Error:
    status: int
    body: str = '{"error": {"message": "boom"}}'


Behaviour = Stream | Error | Callable[[dict], "Stream | Error"]


@dataclass
class FakeLLM:
    behaviours: deque = field(default_factory=deque)
    default: Behaviour | None = None
    requests: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    handlers: set = field(default_factory=set)

    async def start(self) -> "FakeLLM":
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        for task in list(self.handlers):
            task.cancel()  # a handler still pausing mid-stream (the stall test)
        self.server.close()
        await self.server.wait_closed()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def then(self, *behaviours: Behaviour) -> None:
        self.behaviours.extend(behaviours)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self.handlers.add(task)
        try:
            request_line = (await reader.readline()).decode()
            headers = {}
            while (line := (await reader.readline()).decode().strip()):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.paths.append(request_line.split()[1])
            self.headers.append(headers)
            doc = json.loads(body)
            self.requests.append(doc)
            behaviour = self.behaviours.popleft() if self.behaviours else self.default
            if callable(behaviour):
                behaviour = behaviour(doc)
            if isinstance(behaviour, Error):
                payload = behaviour.body.encode()
                writer.write(f"HTTP/1.1 {behaviour.status} Oops\r\nContent-Type: application/json\r\n"
                             f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode() + payload)
                await writer.drain()
                return
            writer.write(f"HTTP/1.1 {behaviour.status} OK\r\nContent-Type: text/event-stream\r\n"
                         "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode())
            for event in behaviour.events:
                if isinstance(event, float):
                    await writer.drain()
                    await asyncio.sleep(event)
                    continue
                data = (event if behaviour.raw_lines else f"data: {event}\n\n").encode()
                writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                await writer.drain()
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self.handlers.discard(task)
            writer.close()
