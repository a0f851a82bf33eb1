"""Any OpenAI-compatible Chat Completions endpoint, through `openai.AsyncOpenAI`.

GitHub Models (the default), OpenAI, Azure OpenAI, Ollama and vLLM all speak
this protocol. The client is created on first use, so importing the app never
touches the network and a missing package or bad URL shows up as an answer
error, not a crash at start-up.

Calculators as tools: every request offers the finance calculators
(services/ai/tools.py). When the model calls them, the calls are run here, the
result's card goes into the answer's text (services/calculation_blocks.py)
and the conversation goes back to the model with the results, for at most
`tools.MAX_ROUNDS` rounds. An endpoint that refuses `tools` (a model without
function calling) is remembered and asked again without them; a question the
offline reader understands then still gets the offline calculator's card, and
the model is given its figures.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from finucity.config import Settings
from finucity.finance.dates import india_now
from finucity.services import calculation_blocks
from finucity.services.ai import retry, tools
from finucity.services.ai.offline import worked
from finucity.services.ai.provider import ProviderError, Usage

log = logging.getLogger(__name__)


def _describe(exc: BaseException) -> str:
    """Type and status only: SDK messages can echo the request's API key."""
    status = getattr(exc, "status_code", None)
    return f"{type(exc).__name__}" + (f" (HTTP {status})" if status else "")


def _refuses_tools(exc: BaseException) -> bool:
    """A 400 or 422 that complains about tools or functions: the model cannot call them."""
    if not isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        return False
    said = f"{getattr(exc, 'message', '')} {getattr(exc, 'body', '')}".lower()
    return "tool" in said or "function" in said


def _user_safe(exc: BaseException) -> ProviderError:
    """Map SDK errors to messages a user can act on; the details stay in the log."""
    if _refuses_tools(exc):
        return ProviderError("The AI model cannot use the calculators.", code="tools_unsupported")
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
        #: Until the endpoint refuses them once: then never offered again by this process.
        self.tools_supported = True

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
        return self._answer(messages, max_tokens=max_tokens, temperature=temperature, usage=usage)

    async def _answer(
        self, messages: list[dict], *, max_tokens: int, temperature: float, usage: Usage
    ) -> AsyncIterator[str]:
        """The answer's text, with a card for each calculator the model (or the fallback) ran."""
        policy = retry.RetryPolicy.from_settings(self._settings)
        conversation = _with_instruction(messages) if self.tools_supported else None
        if conversation is None:
            conversation, card = _without_tools(messages)
            if card:
                yield card
        rounds = 0
        while True:
            offered = self.tools_supported and rounds <= tools.MAX_ROUNDS
            calls = ToolCalls()
            spent = Usage()
            # The last round may only answer: the calls so far are all it gets.
            choice = None if not offered else ("none" if rounds == tools.MAX_ROUNDS else "auto")
            stream = retry.with_retries(
                functools.partial(
                    self._attempt,
                    conversation,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    usage=spent,
                    calls=calls,
                    tool_choice=choice,
                ),
                policy,
                model=self.model,
                base_url=self._settings.ai_base_url,
            )
            text = ""
            try:
                async for piece in stream:
                    text += piece
                    yield piece
            except ProviderError as exc:
                if not offered or exc.code != "tools_unsupported":
                    raise
                log.warning("The AI model %s refuses tools: answering without the calculators", self.model)
                self.tools_supported = False
                conversation, card = _without_tools(messages)
                if card:
                    yield card
                continue
            finally:
                await stream.aclose()
                _add(usage, spent)
            asked = calls.finished()
            if not asked or not offered or rounds == tools.MAX_ROUNDS:
                return
            rounds += 1
            results = [tools.run(c) for c in asked[: tools.MAX_CALLS_PER_ROUND]] + [
                tools.refused(c, "Too many calculations at once: ask for fewer.")
                for c in asked[tools.MAX_CALLS_PER_ROUND :]
            ]
            for result in results:
                if result.calculation is not None:
                    yield calculation_blocks.encode(result.calculation)
            conversation = [
                *conversation,
                tools.assistant_message(text, asked),
                *(tools.tool_message(r) for r in results),
            ]

    async def _open(
        self, messages: list[dict], *, max_tokens: int, temperature: float, tool_choice: str | None = None
    ) -> httpx.Response:
        """Send the request; the answer's body is left unread.

        Through the SDK's own `post` (its base URL, auth headers, timeout and status
        errors), with the body as the plain JSON it already is: `completions.create`
        first walks every parameter against its typed schema, the messages and the
        calculators' schemas included, 2 to 5 ms of CPU before every question."""
        body = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if tool_choice:
            body |= {"tools": tools.TOOLS, "tool_choice": tool_choice}
        stream = await self.client.post(
            "/chat/completions",
            body=body,
            cast_to=ChatCompletion,
            stream=True,
            stream_cls=openai.AsyncStream[ChatCompletionChunk],
        )
        return stream.response

    async def _attempt(
        self,
        messages: list[dict],
        *,
        max_tokens: int,
        temperature: float,
        usage: Usage,
        calls: ToolCalls | None = None,
        tool_choice: str | None = None,
    ) -> AsyncIterator[str]:
        # The SDK makes the request (auth, base URL, retries, status errors);
        # the body is read raw: one json.loads per event instead of the SDK's
        # pydantic object per chunk, most of a worker's CPU under load.
        calls = ToolCalls() if calls is None else calls
        calls.clear()  # a retried attempt starts its calls afresh
        try:
            response = await self._open(
                messages, max_tokens=max_tokens, temperature=temperature, tool_choice=tool_choice
            )
        except openai.OpenAIError as exc:
            log.warning("AI request failed before streaming: %s", _describe(exc))
            raise _user_safe(exc) from exc
        try:
            async for data in sse_data(response.aiter_bytes()):
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
                    delta = choice.get("delta") or {}
                    text = delta.get("content")
                    if text:
                        yield text
                    for piece in delta.get("tool_calls") or ():
                        calls.add(piece)
        except ProviderError:
            raise
        except Exception as exc:  # a broken SSE body, a dropped connection, a stall
            log.warning("AI stream broke mid-answer: %s", _describe(exc))
            if _is_timeout(exc):
                raise _user_safe(openai.APITimeoutError(request=response.request)) from exc
            raise ProviderError(
                "The connection to the AI service broke off. Please try again.", code="connection"
            ) from exc
        finally:
            # Closing the response ends the upstream HTTP request at once
            # (Stop, a client that went away, or an error).
            await response.aclose()


class ToolCalls:
    """The tool calls of one streamed response, put together from their deltas.

    Each delta names the call's `index`; the first brings its id and name,
    the rest pieces of the `arguments` JSON, to be joined in order.
    """

    def __init__(self) -> None:
        self._calls: list[tuple[int, tools.ToolCall]] = []

    def clear(self) -> None:
        self._calls.clear()

    def add(self, delta: object) -> None:
        if not isinstance(delta, dict):
            return
        index = delta.get("index", 0)
        call_id = delta.get("id") or ""
        function = delta.get("function") if isinstance(delta.get("function"), dict) else {}
        name = function.get("name") if isinstance(function.get("name"), str) else ""
        current = next((c for i, c in reversed(self._calls) if i == index), None)
        # A new id or a second name at a known index is another call: some
        # servers number every call 0. Only a call's first delta names it.
        if current is None or (call_id and current.id and call_id != current.id) or (name and current.name):
            current = tools.ToolCall(id=call_id, name="")
            self._calls.append((index, current))
        if call_id and not current.id:
            current.id = call_id
        if name and not current.name:
            current.name = name
        arguments = function.get("arguments")
        if isinstance(arguments, str):
            current.arguments += arguments

    def finished(self) -> list[tools.ToolCall]:
        """The calls in the order they began; a call the server sent no id for gets one."""
        for number, (_, call) in enumerate(self._calls):
            call.id = call.id or f"call_{number}"
        return [call for _, call in self._calls]


def _with_instruction(messages: list[dict]) -> list[dict]:
    """The conversation with the calculators' instruction added to its system prompt."""
    if messages and messages[0].get("role") == "system":
        first = messages[0]
        return [{**first, "content": f"{first.get('content') or ''}\n\n{tools.INSTRUCTION}"}, *messages[1:]]
    return [{"role": "system", "content": tools.INSTRUCTION}, *messages]


def _without_tools(messages: list[dict], now: datetime | None = None) -> tuple[list[dict], str]:
    """For a model without tools: the offline reader's calculation of the question, if it
    reads one, as a card and as figures the model is told to use."""
    question = next((str(m.get("content") or "") for m in reversed(messages) if m.get("role") == "user"), "")
    try:
        calculation = worked.calculation_for(question, india_now(now).date())
    except Exception:  # the fallback must never cost the answer
        log.exception("The offline reader failed on a question")
        calculation = None
    if calculation is None:
        return messages, ""
    note = (
        "Finucity's calculator has worked out this question; the user sees its full working as a card above "
        "your answer. Use exactly these figures and do not repeat the table: "
        + json.dumps(tools.compact(calculation), ensure_ascii=False)
    )
    return [*messages[:-1], {"role": "system", "content": note}, messages[-1]], calculation_blocks.encode(calculation)


def _add(total: Usage, spent: Usage) -> None:
    """Tokens of one more request of the same answer."""
    if spent.tokens_in is not None:
        total.tokens_in = (total.tokens_in or 0) + spent.tokens_in
    if spent.tokens_out is not None:
        total.tokens_out = (total.tokens_out or 0) + spent.tokens_out


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
