"""`OpenAIProvider` against a real HTTP server speaking the OpenAI protocol.

The fake server (tests/fakes/fake_openai.py) runs in a background thread, so
these tests exercise the real SDK, its HTTP client, SSE parsing, retries and
connection handling. Blocking waits on the fake run in a worker thread
(`asyncio.to_thread`) so the test's event loop keeps serving the client.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, cast

import pytest
import pytest_asyncio

from finucity.config import Settings
from finucity.services.ai.openai_provider import OpenAIProvider
from finucity.services.ai.provider import ProviderError, Usage
from tests.fakes.fake_openai import FakeOpenAI, Script, default_answer

# Distinctive, so a leak anywhere in a message is unmistakable.
API_KEY = "sk-test-DO-NOT-SHOW-7f3a9c"
QUESTION = "Should I prepay my home loan or invest the difference?"
MODEL = "openai/gpt-4o-mini"


def make_settings(base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "ai_base_url": base_url,
        "ai_api_key": API_KEY,
        "ai_model": MODEL,
        "ai_timeout_s": 5,
    }
    values.update(overrides)
    # _env_file=None: a developer's local .env must not change the test.
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest_asyncio.fixture
async def provider(fake_openai: FakeOpenAI) -> AsyncIterator[OpenAIProvider]:
    provider = OpenAIProvider(make_settings(fake_openai.base_url))
    yield provider
    # The SDK client's connection pool belongs to this test's event loop.
    await provider.client.close()


def chat(question: str = QUESTION) -> list[dict]:
    return [
        {"role": "system", "content": "You are Finucity, a finance assistant."},
        {"role": "user", "content": question},
    ]


def open_stream(provider: OpenAIProvider, usage: Usage | None = None) -> AsyncGenerator[str, None]:
    stream = provider.stream(chat(), max_tokens=256, temperature=0.2, usage=usage or Usage())
    return cast(AsyncGenerator[str, None], stream)


async def collect(provider: OpenAIProvider, usage: Usage | None = None) -> tuple[list[str], ProviderError | None]:
    """The pieces streamed, and the ProviderError that ended the stream, if any."""
    pieces: list[str] = []
    try:
        async for piece in open_stream(provider, usage):
            pieces.append(piece)
    except ProviderError as exc:
        return pieces, exc
    return pieces, None


def assert_user_safe(error: ProviderError | None, fake: FakeOpenAI) -> ProviderError:
    """A message fit for the screen: no key, no URL, no upstream/exception text."""
    assert error is not None, "expected a ProviderError"
    message = error.user_message
    assert str(error) == message
    leaks = [
        API_KEY,
        "http",
        "127.0.0.1",
        str(fake.port),
        "/v1",
        "Error code",  # openai.APIStatusError's text
        "Incorrect API key",  # upstream messages
        "Rate limit reached",
        "server had an error",
        "platform.openai.com",
        "Traceback",
        "Exception",
        "Error(",
    ]
    for leak in leaks:
        assert leak not in message, f"{leak!r} leaked into the user message {message!r}"
    return error


async def wait_closed_early(fake: FakeOpenAI, n: int = 1) -> None:
    await asyncio.to_thread(fake.wait_closed_early, n, 10)


# -- answers ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_streams_the_answer_in_pieces(provider: OpenAIProvider, fake_openai: FakeOpenAI) -> None:
    usage = Usage()
    pieces, error = await collect(provider, usage)

    assert error is None
    assert len(pieces) > 1
    assert "".join(pieces) == "".join(default_answer(QUESTION))
    assert (usage.tokens_in, usage.tokens_out) == (12, 34)

    (request,) = fake_openai.requests
    assert request["model"] == MODEL
    # The system prompt gains the calculators' instruction, and the calculators are offered.
    system, *rest = request["messages"]
    assert system["content"].startswith(chat()[0]["content"]) and "calculator tools" in system["content"]
    assert rest == chat()[1:]
    assert {t["function"]["name"] for t in request["tools"]} >= {"emi", "income_tax", "gst"}
    assert request["stream"] is True
    assert request["stream_options"] == {"include_usage": True}
    assert request["max_tokens"] == 256
    assert request["temperature"] == 0.2


@pytest.mark.asyncio
async def test_usage_comes_from_the_final_usage_chunk(provider: OpenAIProvider, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(chunks=["Prepay", " first."], usage=(321, 7)))
    usage = Usage()
    pieces, error = await collect(provider, usage)

    assert (pieces, error) == (["Prepay", " first."], None)
    assert (usage.tokens_in, usage.tokens_out) == (321, 7)


@pytest.mark.asyncio
async def test_usage_stays_empty_when_the_service_reports_none(
    provider: OpenAIProvider, fake_openai: FakeOpenAI
) -> None:
    fake_openai.enqueue(Script(chunks=["ok"], usage=None))
    usage = Usage()
    pieces, error = await collect(provider, usage)

    assert (pieces, error) == (["ok"], None)
    assert (usage.tokens_in, usage.tokens_out) == (None, None)


@pytest.mark.asyncio
async def test_an_empty_stream_yields_nothing_and_no_error(provider: OpenAIProvider, fake_openai: FakeOpenAI) -> None:
    # Deciding that an empty answer is a failure is the caller's job (EMPTY_ANSWER).
    fake_openai.enqueue(Script(empty=True))
    pieces, error = await collect(provider)

    assert pieces == []
    assert error is None


@pytest.mark.asyncio
async def test_one_failed_attempt_is_retried_by_the_sdk(provider: OpenAIProvider, fake_openai: FakeOpenAI) -> None:
    # max_retries=1: a 500 before streaming is retried once, invisibly.
    fake_openai.enqueue(Script(status=500), Script(chunks=["Second", " try."]))
    pieces, error = await collect(provider)

    assert (pieces, error) == (["Second", " try."], None)
    assert len(fake_openai.requests) == 2


# -- failures -----------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "code", "attempts"),
    [
        (401, "auth", 1),
        (403, "auth", 1),
        (400, "bad_request", 1),
        (404, "model", 1),
        # The SDK retries 429 and 5xx once (max_retries=1) before giving up.
        (429, "rate_limited", 2),
        (500, "provider_error", 2),
        (503, "provider_error", 2),
    ],
)
async def test_an_error_status_maps_to_a_user_safe_error(
    provider: OpenAIProvider,
    fake_openai: FakeOpenAI,
    status: int,
    code: str,
    attempts: int,
) -> None:
    fake_openai.set_default(Script(status=status))  # the retry fails too
    pieces, error = await collect(provider)

    assert pieces == []
    assert assert_user_safe(error, fake_openai).code == code
    assert len(fake_openai.requests) == attempts


@pytest.mark.asyncio
async def test_the_key_echoed_by_a_401_stays_out_of_the_message(
    provider: OpenAIProvider, fake_openai: FakeOpenAI
) -> None:
    fake_openai.enqueue(Script(status=401))
    _, error = await collect(provider)

    error = assert_user_safe(error, fake_openai)
    # The upstream text did carry the key (as api.openai.com does, masked):
    # only the cause, which goes to the log, may hold it.
    assert API_KEY in str(error.__cause__)


@pytest.mark.asyncio
async def test_a_mid_stream_disconnect_raises_connection_after_the_first_pieces(
    provider: OpenAIProvider, fake_openai: FakeOpenAI
) -> None:
    fake_openai.enqueue(Script(chunks=["One", " two", " three", " four"], disconnect_after=2))
    pieces, error = await collect(provider)

    assert pieces == ["One", " two"]
    assert assert_user_safe(error, fake_openai).code == "connection"
    # Nothing is retried once streaming has started.
    assert len(fake_openai.requests) == 1


@pytest.mark.asyncio
async def test_an_error_event_mid_stream_raises_provider_error(
    provider: OpenAIProvider, fake_openai: FakeOpenAI
) -> None:
    fake_openai.enqueue(Script(chunks=["One", " two", " three"], error_after=2))
    pieces, error = await collect(provider)

    assert pieces == ["One", " two"]
    assert assert_user_safe(error, fake_openai).code == "provider_error"


@pytest.mark.asyncio
async def test_a_slow_first_response_times_out_after_one_retry(fake_openai: FakeOpenAI) -> None:
    # The head never comes within the timeout; the fake notices each attempt
    # give up, so nothing sleeps longer than the client's timeout.
    fake_openai.set_default(Script(head_delay_s=60))
    provider = OpenAIProvider(make_settings(fake_openai.base_url, ai_timeout_s=0.2))
    try:
        pieces, error = await collect(provider)
    finally:
        await provider.client.close()

    assert pieces == []
    assert assert_user_safe(error, fake_openai).code == "timeout"
    assert len(fake_openai.requests) == 2
    await wait_closed_early(fake_openai, 2)


@pytest.mark.asyncio
async def test_a_stall_mid_stream_times_out_without_retry(fake_openai: FakeOpenAI) -> None:
    stall = threading.Event()  # never set
    fake_openai.enqueue(Script(chunks=["First", " second"], gate=stall, gate_after=1))
    provider = OpenAIProvider(make_settings(fake_openai.base_url, ai_timeout_s=0.2))
    try:
        pieces, error = await collect(provider)
    finally:
        await provider.client.close()

    assert pieces == ["First"]
    assert assert_user_safe(error, fake_openai).code == "timeout"
    assert len(fake_openai.requests) == 1
    await wait_closed_early(fake_openai, 1)


@pytest.mark.asyncio
async def test_an_unreachable_service_is_a_connection_error() -> None:
    # A port that was just listening and is now closed: connection refused.
    with FakeOpenAI() as gone:
        base_url = gone.base_url
    provider = OpenAIProvider(make_settings(base_url))
    try:
        pieces, error = await collect(provider)
    finally:
        await provider.client.close()

    assert pieces == []
    assert error is not None and error.code == "connection"
    assert API_KEY not in error.user_message and "127.0.0.1" not in error.user_message


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "script",
    [
        Script(status=401),
        Script(status=403),
        Script(status=429),
        Script(status=500),
        Script(chunks=["a", "b"], disconnect_after=1),
        Script(chunks=["a", "b"], error_after=1),
        Script(chunks=["a", "b"], disconnect_after=0),
    ],
    ids=["401", "403", "429", "500", "disconnect", "error-event", "disconnect-before-content"],
)
async def test_the_api_key_never_appears_in_a_provider_error(
    provider: OpenAIProvider,
    fake_openai: FakeOpenAI,
    script: Script,
) -> None:
    fake_openai.set_default(script)
    _, error = await collect(provider)

    assert error is not None
    for text in (error.user_message, str(error), repr(error), error.code):
        assert API_KEY not in text


# -- ending a stream early ----------------------------------------------------------


@pytest.mark.asyncio
async def test_closing_the_stream_early_ends_the_upstream_request(
    provider: OpenAIProvider, fake_openai: FakeOpenAI
) -> None:
    # The gate holds the server after the first piece, so the stream is
    # certainly unfinished when the client closes it.
    held = threading.Event()
    fake_openai.enqueue(Script(chunks=["First", " second", " third"], gate=held, gate_after=1))
    stream = open_stream(provider)

    assert await anext(stream) == "First"
    await stream.aclose()

    await wait_closed_early(fake_openai)
    assert fake_openai.completed == 0


@pytest.mark.asyncio
async def test_cancelling_the_reader_ends_the_upstream_request(
    provider: OpenAIProvider, fake_openai: FakeOpenAI
) -> None:
    # How Stop works: the generation task reading the stream is cancelled.
    held = threading.Event()
    fake_openai.enqueue(Script(chunks=["First", " second"], gate=held, gate_after=1))
    first_piece = asyncio.Event()

    async def read() -> None:
        async for _ in open_stream(provider):
            first_piece.set()

    task = asyncio.create_task(read())
    await asyncio.wait_for(first_piece.wait(), timeout=10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    await wait_closed_early(fake_openai)
    assert fake_openai.completed == 0


@pytest.mark.asyncio
async def test_a_stream_read_to_the_end_is_not_an_early_close(
    provider: OpenAIProvider, fake_openai: FakeOpenAI
) -> None:
    pieces, error = await collect(provider)

    assert error is None and pieces
    await asyncio.to_thread(fake_openai.wait_completed, 1, 10)
    assert fake_openai.closed_early == 0


async def test_the_api_key_never_reaches_the_log(fake_openai, caplog):
    """A 401 body that echoes the key must not be written to the log either."""
    import logging

    from finucity.config import Settings
    from finucity.services.ai.openai_provider import OpenAIProvider
    from finucity.services.ai.provider import ProviderError, Usage
    from tests.fakes.fake_openai import Script

    secret = "sk-live-super-secret-value-123"
    fake_openai.set_default(Script(status=401))
    provider = OpenAIProvider(
        Settings(_env_file=None, ai_base_url=fake_openai.base_url, ai_api_key=secret, ai_timeout_s=5)
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ProviderError):
        async for _ in provider.stream(
            [{"role": "user", "content": "hi"}], max_tokens=10, temperature=0, usage=Usage()
        ):
            pass
    assert "AuthenticationError" in caplog.text
    assert secret not in caplog.text


# -- reading the raw event stream ---------------------------------------------------


async def _events(body: bytes, size: int) -> list[str]:
    from finucity.services.ai.openai_provider import sse_data

    async def chunks():
        for i in range(0, len(body), size):
            yield body[i : i + size]

    return [data async for data in sse_data(chunks())]


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
async def test_events_are_read_whole_however_the_bytes_are_split(size: int) -> None:
    body = (
        b": a comment line\r\n"
        b'data: {"choices":[{"delta":{"content":"\xe2\x82\xb91,50,000"}}]}\r\n\r\n'
        b"event: message\n"
        b"data: first line\n"
        b"data:second line\n\n"
        b"id: 7\rdata: cr only\r\r"
        b"data: [DONE]\n\n"
        b"data: cut off at the end, never completed"
    )
    assert await _events(body, size) == [
        '{"choices":[{"delta":{"content":"₹1,50,000"}}]}',
        "first line\nsecond line",
        "cr only",
        "[DONE]",
    ]
