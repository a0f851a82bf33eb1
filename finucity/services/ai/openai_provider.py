"""Any OpenAI-compatible Chat Completions endpoint, through `openai.AsyncOpenAI`.

GitHub Models (the default), OpenAI, Azure OpenAI, Ollama and vLLM all speak
this protocol. The client is created on first use, so importing the app never
touches the network and a missing package or bad URL shows up as an answer
error, not a crash at start-up.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import openai

from finucity.config import Settings
from finucity.services.ai import retry
from finucity.services.ai.provider import ProviderError, Usage

log = logging.getLogger(__name__)


def _describe(exc: BaseException) -> str:
    """Type and status only: SDK messages can echo the request's API key."""
    status = getattr(exc, "status_code", None)
    return f"{type(exc).__name__}" + (f" (HTTP {status})" if status else "")


def _user_safe(exc: BaseException) -> ProviderError:
    """Map SDK errors to messages a user can act on; the details stay in the log."""
    if isinstance(exc, openai.APITimeoutError):
        return ProviderError("The AI service took too long to answer. Please try again.", code="timeout")
    if isinstance(exc, openai.APIConnectionError):
        return ProviderError("Could not reach the AI service. Please try again in a moment.", code="connection")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ProviderError(
            "The assistant is unavailable right now: the AI service refused our credentials. "
            "An administrator needs to check the API key.",
            code="auth",
        )
    if isinstance(exc, openai.RateLimitError):
        return ProviderError("The AI service is busy right now. Please try again in a minute.", code="rate_limited")
    if isinstance(exc, openai.BadRequestError):
        return ProviderError(
            "The AI service could not process this question. Try rephrasing it or starting a new chat.",
            code="bad_request",
        )
    if isinstance(exc, openai.NotFoundError):
        return ProviderError(
            "The configured AI model is not available. An administrator needs to check it.", code="model"
        )
    return ProviderError("The AI service failed to answer. Please try again.", code="provider_error")


class OpenAIProvider:
    offline = False

    def __init__(self, settings: Settings):
        self._settings = settings
        self.model = settings.ai_model
        self._client: openai.AsyncOpenAI | None = None

    @property
    def client(self) -> openai.AsyncOpenAI:
        if self._client is None:
            self._client = openai.AsyncOpenAI(
                base_url=self._settings.ai_base_url,
                api_key=self._settings.effective_ai_key,
                timeout=self._settings.ai_timeout_s,
                # Retries are ours (services/ai/retry.py): only before any text.
                max_retries=0,
            )
        return self._client

    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float, usage: Usage) -> AsyncIterator[str]:
        return retry.with_retries(
            lambda: self._attempt(messages, max_tokens=max_tokens, temperature=temperature, usage=usage),
            retry.RetryPolicy.from_settings(self._settings),
            model=self.model,
            base_url=self._settings.ai_base_url,
        )

    async def _open(self, messages: list[dict], *, max_tokens: int, temperature: float):
        """Send the request; the answer's body is left unread (the SDK's raw response)."""
        return await self.client.chat.completions.with_streaming_response.create(
            model=self.model,
            messages=messages,
            max_tokens=max_tokens,
            temperature=temperature,
            stream=True,
            stream_options={"include_usage": True},
        ).__aenter__()

    async def _attempt(
        self, messages: list[dict], *, max_tokens: int, temperature: float, usage: Usage
    ) -> AsyncIterator[str]:
        # The SDK makes the request (auth, base URL, retries, status errors);
        # the body is read raw: one json.loads per event instead of the SDK's
        # pydantic object per chunk, most of a worker's CPU under load.
        try:
            response = await self._open(messages, max_tokens=max_tokens, temperature=temperature)
        except openai.OpenAIError as exc:
            log.warning("AI request failed before streaming: %s", _describe(exc))
            raise _user_safe(exc) from exc
        try:
            async for data in sse_data(response.http_response.aiter_bytes()):
                if data == "[DONE]":
                    continue  # read on to the end: the connection can then be reused
                chunk = json.loads(data)
                if chunk.get("error"):
                    log.warning("AI stream sent an error event mid-answer")
                    raise _user_safe(openai.OpenAIError())
                if chunk_usage := chunk.get("usage"):
                    usage.tokens_in = chunk_usage.get("prompt_tokens")
                    usage.tokens_out = chunk_usage.get("completion_tokens")
                for choice in chunk.get("choices") or ():
                    delta = choice.get("delta")
                    text = delta.get("content") if delta else None
                    if text:
                        yield text
        except ProviderError:
            raise
        except Exception as exc:  # a broken SSE body, a dropped connection, a stall
            log.warning("AI stream broke mid-answer: %s", _describe(exc))
            if _is_timeout(exc):
                raise _user_safe(openai.APITimeoutError(request=response.http_response.request)) from exc
            raise ProviderError(
                "The connection to the AI service broke off. Please try again.", code="connection"
            ) from exc
        finally:
            # Closing the response ends the upstream HTTP request at once
            # (Stop, a client that went away, or an error).
            await response.close()


def _is_timeout(exc: BaseException) -> bool:
    """A read timeout of the SDK's HTTP client (httpx or its fork), or asyncio's."""
    return isinstance(exc, TimeoutError | openai.APITimeoutError) or any(
        cls.__name__ == "TimeoutException" for cls in type(exc).__mro__
    )


async def sse_data(chunks: AsyncIterator[bytes]) -> AsyncIterator[str]:
    """The `data` of each Server-Sent Event in a byte stream.

    Lines may end in LF, CRLF or CR; an event ends at a blank line; several
    `data:` lines of one event are joined with LF; other fields (`event:`,
    `id:`, comments) are skipped. An event cut off by the end of the stream
    is dropped, as the SSE specification says.
    """
    buffer = b""
    data: list[bytes] = []
    async for chunk in chunks:
        buffer = buffer + chunk if buffer else chunk
        if b"\r" in buffer:
            if buffer.endswith(b"\r"):  # maybe half of a \r\n: wait for the next chunk
                continue
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            if not line:
                if data:
                    yield b"\n".join(data).decode()
                    data = []
            elif line.startswith(b"data:"):
                value = line[5:]
                data.append(value[1:] if value.startswith(b" ") else value)
