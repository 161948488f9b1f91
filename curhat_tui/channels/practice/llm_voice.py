"""An optional language-model voice for practice clients, over an OpenAI-compatible chat endpoint.

Any server that speaks `POST /v1/chat/completions` with server-sent events works: a
llama.cpp server, Ollama, vLLM. The persona engine still decides what a client says
and what it may reveal; the model only phrases that line. Each answer is checked
(`domain.persona.check_voiced`); after two failed attempts the scripted line is used.
The API key lives in the OS keyring (`curhat llm-key`), or in $CURHAT_LLM_KEY.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import httpx

from curhat_tui.domain.persona import Persona, PersonaState, check_voiced, tidy_voiced, voice_prompt
from curhat_tui.paths import KEYRING_SERVICE

log = logging.getLogger("curhat.llm_voice")

SERVICE = KEYRING_SERVICE
ENV_KEY = "CURHAT_LLM_KEY"
ATTEMPTS = 2  # tries per reply before the scripted line is sent instead


class LLMError(Exception):
    """One request failed; `kind` is connect, auth, http, timeout, malformed, truncated or server."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str
    key: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 15.0  # the longest silence allowed between two streamed chunks
    total_timeout: float = 45.0  # the longest one attempt may take, start to end
    max_tokens: int = 200
    temperature: float = 0.7


def chat_url(url: str) -> str:
    """The completions endpoint for a server URL given with or without `/v1` or the full path."""
    base = url.strip().rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return base + "/chat/completions"
    return base + "/v1/chat/completions"


# ---- the key, in the OS keyring ---------------------------------------------------------
def _account(url: str) -> str:
    return f"llm-key:{chat_url(url)}"


def load_key(url: str) -> str:
    """The API key for this server: the keyring first, then $CURHAT_LLM_KEY, else '' (local servers need none)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        stored = keyring.get_password(SERVICE, _account(url))
    except KeyringError:
        stored = None
    return stored or os.environ.get(ENV_KEY, "")


def save_key(url: str, key: str) -> None:
    import keyring

    keyring.set_password(SERVICE, _account(url), key)


def delete_key(url: str) -> bool:
    """Remove the stored key; False if there was none."""
    import keyring
    from keyring.errors import PasswordDeleteError

    if keyring.get_password(SERVICE, _account(url)) is None:
        return False
    try:
        keyring.delete_password(SERVICE, _account(url))
    except PasswordDeleteError:
        return False
    return True


# ---- streaming ----------------------------------------------------------------------------
async def sse_data(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    """The `data` payload of each server-sent event: multi-line data joined, comments and other fields skipped."""
    data: list[str] = []
    async for line in lines:
        line = line.rstrip("\r")
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(":"):
            continue  # a comment or keep-alive
        name, _, value = line.partition(":")
        if name == "data":
            data.append(value[1:] if value.startswith(" ") else value)
    if data:
        yield "\n".join(data)  # the last event, when the server closed without a blank line


@dataclass
class Completion:
    text: str
    finish_reason: str = ""
    usage: dict = field(default_factory=dict)


class ChatClient:
    """Streams one chat completion at a time from an OpenAI-compatible server."""

    def __init__(self, config: LLMConfig, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self.url = chat_url(config.url)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            c = self.config
            self._client = httpx.AsyncClient(
                transport=self._transport,
                timeout=httpx.Timeout(connect=c.connect_timeout, read=c.read_timeout, write=c.read_timeout,
                                      pool=c.connect_timeout))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def complete(self, messages: list[dict[str, str]],
                       on_text: Callable[[str], None] | None = None) -> Completion:
        """The model's whole answer, read as a stream; `on_text` sees each piece as it arrives."""
        try:
            async with asyncio.timeout(self.config.total_timeout):
                return await self._complete(messages, on_text)
        except TimeoutError:
            raise LLMError("timeout", f"no complete answer within {self.config.total_timeout:g} s") from None
        except httpx.TimeoutException as exc:
            raise LLMError("timeout", type(exc).__name__) from None
        except httpx.RemoteProtocolError as exc:
            raise LLMError("truncated", str(exc)) from None
        except httpx.HTTPError as exc:
            raise LLMError("connect", f"{type(exc).__name__}: {exc}") from None

    async def _complete(self, messages, on_text) -> Completion:
        c = self.config
        body = {"model": c.model, "messages": messages, "stream": True, "max_tokens": c.max_tokens,
                "temperature": c.temperature, "stream_options": {"include_usage": True}}
        headers = {"Accept": "text/event-stream"}
        if c.key:
            headers["Authorization"] = f"Bearer {c.key}"
        async with self._http().stream("POST", self.url, json=body, headers=headers) as response:
            if response.status_code >= 400:
                detail = (await response.aread())[:300].decode("utf-8", "replace")
                kind = "auth" if response.status_code in (401, 403) else "http"
                raise LLMError(kind, f"HTTP {response.status_code}: {detail}")
            if "application/json" in response.headers.get("content-type", ""):
                return self._whole(await response.aread())  # a server that ignored stream=true
            parts: list[str] = []
            finish, usage, done = "", {}, False
            async for data in sse_data(response.aiter_lines()):
                if data.strip() == "[DONE]":
                    done = True
                    break
                if not data.strip():
                    continue
                try:
                    chunk = json.loads(data)
                except ValueError:
                    raise LLMError("malformed", data[:80]) from None
                if not isinstance(chunk, dict):
                    raise LLMError("malformed", data[:80])
                if chunk.get("error"):
                    error = chunk["error"]
                    raise LLMError("server", str(error.get("message", error) if isinstance(error, dict) else error))
                if isinstance(chunk.get("usage"), dict):
                    usage = chunk["usage"]
                for choice in chunk.get("choices") or []:
                    content = (choice.get("delta") or {}).get("content")
                    if isinstance(content, str) and content:
                        parts.append(content)
                        if on_text:
                            on_text(content)
                    finish = choice.get("finish_reason") or finish
            if not done and not finish:
                raise LLMError("truncated", "the stream ended before the answer was finished")
            return Completion("".join(parts), finish, usage)

    @staticmethod
    def _whole(raw: bytes) -> Completion:
        try:
            doc = json.loads(raw)
            choice = doc["choices"][0]
            return Completion(choice["message"]["content"] or "", choice.get("finish_reason") or "stop",
                              doc.get("usage") or {})
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMError("malformed", raw[:80].decode("utf-8", "replace")) from None


# ---- the voice: ask, check, fall back -------------------------------------------------------
@dataclass
class Voiced:
    """What the client will say: the model's line if one passed the checks, else the scripted line."""

    text: str
    voiced: bool
    failures: list[str] = field(default_factory=list)
    tokens: int = 0


class LLMVoice:
    """Phrases a persona's scripted line through a model; the engine has already chosen the line.

    A wrong key (HTTP 401/403) switches the voice off for the rest of the run (`disabled`):
    every further request would fail the same way.
    """

    def __init__(self, config: LLMConfig, client: ChatClient | None = None,
                 risk_items: Callable[[str], list[str]] | None = None) -> None:
        self.config = config
        self.client = client or ChatClient(config)
        self.risk_items = risk_items
        self.disabled = ""

    @property
    def label(self) -> str:
        return f"{self.config.model} · {chat_url(self.config.url)}"

    async def phrase(self, persona: Persona, state: PersonaState, line: str, lang: str,
                     history: list[tuple[str, str]]) -> Voiced:
        """Up to two attempts at a checked rephrasing of `line`; the scripted line after two failures."""
        failures: list[str] = []
        tokens = 0
        for _ in range(ATTEMPTS):
            if self.disabled:
                failures.append("off")
                break
            try:
                completion = await self.client.complete(voice_prompt(persona, state, line, lang, history))
            except LLMError as exc:
                log.info("voice attempt failed: %s", exc)
                failures.append(exc.kind)
                if exc.kind == "auth":
                    self.disabled = "auth"
                continue
            tokens += int(completion.usage.get("total_tokens") or 0)
            if completion.finish_reason == "length":
                failures.append("too_long")
                continue
            text = tidy_voiced(completion.text)
            reason = check_voiced(persona, state, text, line, lang, history, self.risk_items)
            if reason:
                log.info("voice answer rejected: %s", reason)
                failures.append(reason)
                continue
            return Voiced(text, True, failures, tokens)
        return Voiced(line, False, failures, tokens)

    async def aclose(self) -> None:
        await self.client.aclose()


def practice_voice(url: str, model: str, risk_items: Callable[[str], list[str]] | None = None) -> LLMVoice:
    """The voice the CLI gives the practice channel: the key from the keyring (or $CURHAT_LLM_KEY)."""
    return LLMVoice(LLMConfig(url, model, key=load_key(url)), risk_items=risk_items)
