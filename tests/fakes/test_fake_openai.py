"""The fake OpenAI server itself: wire format, errors, disconnects, script selection."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.fake_openai import FakeOpenAI, Script, default_answer, long_markdown_answer

QUESTION = "How is interest on a fixed deposit taxed?"


def chat_body(question: str = QUESTION, *, stream: bool = True, include_usage: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": "openai/gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a finance assistant."},
            {"role": "user", "content": question},
        ],
        "stream": stream,
    }
    if stream and include_usage:
        body["stream_options"] = {"include_usage": True}
    return body


def sse_data(lines: Iterator[str]) -> Iterator[str]:
    """The `data:` payloads of an SSE body, in order."""
    for line in lines:
        if line.startswith("data: "):
            yield line[len("data: ") :]
        else:
            assert line == "", f"unexpected SSE line {line!r}"


def read_stream(fake: FakeOpenAI, body: dict[str, Any], *, url: str | None = None) -> tuple[httpx.Response, list[str]]:
    url = url or f"{fake.base_url}/chat/completions"
    with httpx.stream("POST", url, json=body, timeout=5) as response:
        return response, list(sse_data(response.iter_lines()))


def contents(events: list[str]) -> list[str]:
    pieces = []
    for data in events:
        if data == "[DONE]":
            continue
        for choice in json.loads(data).get("choices", []):
            if choice["delta"].get("content"):
                pieces.append(choice["delta"]["content"])
    return pieces


# -- answers ---------------------------------------------------------------------


def test_default_answer_is_derived_from_the_question_and_deterministic() -> None:
    answer = default_answer(QUESTION, tokens=40)
    assert len(answer) == 40
    assert QUESTION in answer[0]
    assert default_answer(QUESTION, tokens=40) == answer
    assert default_answer("Something else entirely?", tokens=40)[0] != answer[0]
    assert "[[fake:" not in default_answer("hello [[fake:slow]]")[0]


def test_default_answer_for_the_benchmark_is_about_11_kb() -> None:
    answer = default_answer(QUESTION, tokens=2000)
    assert len(answer) == 2000
    assert 10_000 <= len("".join(answer).encode()) <= 13_000


def test_long_markdown_answer_has_a_table_a_list_and_python_code() -> None:
    chunks = long_markdown_answer()
    text = "".join(chunks)
    assert len(chunks) > 100
    assert "|---|---:|" in text
    assert "\n1. " in text and "\n   - " in text
    assert "```python\n" in text and text.count("```") == 2


# -- streaming --------------------------------------------------------------------


def test_stream_has_the_openai_chunk_format(fake_openai: FakeOpenAI) -> None:
    response, events = read_stream(fake_openai, chat_body())

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert events[-1] == "[DONE]"
    chunks = [json.loads(data) for data in events[:-1]]
    for chunk in chunks:
        assert chunk["object"] == "chat.completion.chunk"
        assert chunk["id"] == chunks[0]["id"]
        assert chunk["model"] == "openai/gpt-4o-mini"
        assert isinstance(chunk["created"], int)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    # Content, then a stop chunk, then the usage chunk with no choices.
    finish = chunks[-2]["choices"][0]
    assert finish["finish_reason"] == "stop" and finish["delta"] == {}
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"] == {"prompt_tokens": 12, "completion_tokens": 34, "total_tokens": 46}
    assert all(chunk["usage"] is None for chunk in chunks[:-1])
    assert contents(events) == default_answer(QUESTION)
    assert fake_openai.requests == [chat_body()]


def test_stream_without_include_usage_has_no_usage(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(chunks=["Hel", "lo"]))
    _, events = read_stream(fake_openai, chat_body(include_usage=False))

    assert contents(events) == ["Hel", "lo"]
    assert all("usage" not in json.loads(data) for data in events[:-1])
    assert events[-1] == "[DONE]"


def test_empty_script_streams_no_content(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(empty=True))
    _, events = read_stream(fake_openai, chat_body())

    assert contents(events) == []
    assert events[-1] == "[DONE]"
    assert json.loads(events[-3])["choices"][0]["finish_reason"] == "stop"


def test_non_stream_request_gets_a_chat_completion(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(chunks=["Four", " percent."]))
    response = httpx.post(f"{fake_openai.base_url}/chat/completions", json=chat_body(stream=False), timeout=5)

    assert response.status_code == 200
    completion = response.json()
    assert completion["object"] == "chat.completion"
    assert completion["choices"][0]["message"] == {"role": "assistant", "content": "Four percent.", "refusal": None}
    assert completion["choices"][0]["finish_reason"] == "stop"
    assert completion["usage"]["total_tokens"] == 46


def test_path_without_v1_and_models_listing(fake_openai: FakeOpenAI) -> None:
    root = fake_openai.base_url.removesuffix("/v1")
    _, events = read_stream(fake_openai, chat_body(), url=f"{root}/chat/completions")
    assert events[-1] == "[DONE]"

    models = httpx.get(f"{fake_openai.base_url}/models", timeout=5).json()
    assert models["object"] == "list"
    assert "openai/gpt-4o-mini" in [m["id"] for m in models["data"]]
    assert httpx.get(f"{root}/nowhere", timeout=5).status_code == 404


def test_requests_reuse_a_keep_alive_connection(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(chunks=["one"]), Script(chunks=["two"]), Script(status=500))
    with httpx.Client(timeout=5) as client:
        for expected in (["one"], ["two"]):
            with client.stream("POST", f"{fake_openai.base_url}/chat/completions", json=chat_body()) as response:
                assert contents(list(sse_data(response.iter_lines()))) == expected
        assert client.post(f"{fake_openai.base_url}/chat/completions", json=chat_body()).status_code == 500
        assert client.get(f"{fake_openai.base_url}/models").status_code == 200
    assert fake_openai.completed == 3
    assert fake_openai.closed_early == 0


# -- errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(401, "invalid_request_error"), (429, "requests"), (500, "server_error"), (503, "server_error")],
)
def test_error_status_gets_an_openai_error_body(fake_openai: FakeOpenAI, status: int, error_type: str) -> None:
    fake_openai.enqueue(Script(status=status))
    response = httpx.post(
        f"{fake_openai.base_url}/chat/completions",
        json=chat_body(),
        headers={"Authorization": "Bearer sk-secret-123"},
        timeout=5,
    )

    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["type"] == error_type
    assert response.headers["retry-after-ms"] == "10"
    if status == 401:
        # Like the real service: the echoed key is what the app must never show.
        assert "sk-secret-123" in response.json()["error"]["message"]


def test_error_after_sends_an_sse_error_event_and_no_done(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(chunks=["a", "b", "c"], error_after=2))
    _, events = read_stream(fake_openai, chat_body())

    assert contents(events) == ["a", "b"]
    assert json.loads(events[-1])["error"]["type"] == "server_error"
    assert "[DONE]" not in events


def test_disconnect_after_really_cuts_the_socket(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(chunks=["a", "b", "c"], disconnect_after=2))
    body = json.dumps(chat_body()).encode()
    request = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: fake\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    ) + body
    received = bytearray()
    # A keep-alive request: a server that is not cutting the connection would
    # leave it open and recv() would time out instead of seeing EOF.
    with socket.create_connection(("127.0.0.1", fake_openai.port), timeout=5) as sock:
        sock.sendall(request)
        while data := sock.recv(65536):
            received += data

    assert b"transfer-encoding: chunked" in received.lower()
    assert b'"content":"a"' in received and b'"content":"b"' in received
    assert b'"content":"c"' not in received
    assert b"[DONE]" not in received
    assert not received.endswith(b"0\r\n\r\n")  # no terminating chunk: the body is cut


def test_disconnect_after_is_a_protocol_error_for_httpx(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(chunks=["a", "b", "c"], disconnect_after=1))
    seen: list[str] = []
    url = f"{fake_openai.base_url}/chat/completions"
    with pytest.raises(httpx.RemoteProtocolError), httpx.stream("POST", url, json=chat_body(), timeout=5) as response:
        seen.extend(sse_data(response.iter_lines()))
    assert contents(seen) == ["a"]
    # The server hung up; the client did not leave.
    assert fake_openai.closed_early == 0


def test_disconnect_after_past_the_last_chunk_cuts_before_the_stop_chunk(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(chunks=["a", "b"], disconnect_after=99))
    seen: list[str] = []
    url = f"{fake_openai.base_url}/chat/completions"
    with pytest.raises(httpx.RemoteProtocolError), httpx.stream("POST", url, json=chat_body(), timeout=5) as response:
        seen.extend(sse_data(response.iter_lines()))
    assert contents(seen) == ["a", "b"]
    assert all(json.loads(data)["choices"][0]["finish_reason"] is None for data in seen)


def test_delays_do_not_change_the_content(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(chunks=["slow", " but", " sure"], first_delay_s=0.02, delay_s=0.01))
    assert contents(read_stream(fake_openai, chat_body())[1]) == ["slow", " but", " sure"]


# -- the client leaving -------------------------------------------------------------


def test_a_client_leaving_mid_stream_is_noticed_while_the_server_waits(fake_openai: FakeOpenAI) -> None:
    gate = threading.Event()  # never set: the server sits between chunks
    fake_openai.enqueue(Script(chunks=["a", "b"], gate=gate, gate_after=1))
    with httpx.stream("POST", f"{fake_openai.base_url}/chat/completions", json=chat_body(), timeout=5) as response:
        for data in sse_data(response.iter_lines()):
            if contents([data]) == ["a"]:
                break  # leaving the block closes the unfinished response

    fake_openai.wait_closed_early(1)
    assert fake_openai.completed == 0


def test_a_gate_holds_the_stream_until_set(fake_openai: FakeOpenAI) -> None:
    gate = threading.Event()
    fake_openai.enqueue(Script(chunks=["a", "b", "c"], gate=gate, gate_after=1))
    seen: list[str] = []
    with httpx.stream("POST", f"{fake_openai.base_url}/chat/completions", json=chat_body(), timeout=5) as response:
        for data in sse_data(response.iter_lines()):
            seen.append(data)
            if contents([data]) == ["a"]:
                assert fake_openai.completed == 0
                gate.set()
    assert contents(seen) == ["a", "b", "c"]
    fake_openai.wait_completed(1)


def test_a_client_timing_out_before_the_first_token_is_noticed(fake_openai: FakeOpenAI) -> None:
    gate = threading.Event()
    fake_openai.enqueue(Script(gate=gate))
    url = f"{fake_openai.base_url}/chat/completions"
    timeout = httpx.Timeout(5, read=0.2)
    with pytest.raises(httpx.ReadTimeout), httpx.stream("POST", url, json=chat_body(), timeout=timeout) as response:
        for _ in response.iter_lines():
            pass
    fake_openai.wait_closed_early(1)


# -- choosing scripts ---------------------------------------------------------------


def test_queue_then_default(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Script(chunks=["first"]), Script(chunks=["second"]))
    fake_openai.set_default(Script(chunks=["default"]))

    answers = [contents(read_stream(fake_openai, chat_body())[1]) for _ in range(3)]
    assert answers == [["first"], ["second"], ["default"]]


def test_marker_selects_a_registered_script_and_leaves_the_queue_alone(fake_openai: FakeOpenAI) -> None:
    fake_openai.register("custom", Script(chunks=["from", " marker"]))
    fake_openai.enqueue(Script(chunks=["queued"]))

    _, events = read_stream(fake_openai, chat_body("Tell me [[fake:custom]] please"))
    assert contents(events) == ["from", " marker"]
    _, events = read_stream(fake_openai, chat_body())
    assert contents(events) == ["queued"]


def test_marker_in_an_earlier_message_does_not_count(fake_openai: FakeOpenAI) -> None:
    fake_openai.register("custom", Script(chunks=["marker"]))
    body = chat_body("plain question")
    body["messages"].insert(1, {"role": "user", "content": "old [[fake:custom]]"})
    body["messages"].insert(2, {"role": "assistant", "content": "old answer"})

    _, events = read_stream(fake_openai, body)
    assert contents(events) == default_answer("plain question")


def test_marker_with_a_status_script(fake_openai: FakeOpenAI) -> None:
    fake_openai.register("ratelimit", Script(status=429))
    response = httpx.post(
        f"{fake_openai.base_url}/chat/completions", json=chat_body("hi [[fake:ratelimit]]"), timeout=5
    )
    assert response.status_code == 429


def test_unknown_marker_is_a_400_naming_it(fake_openai: FakeOpenAI) -> None:
    response = httpx.post(f"{fake_openai.base_url}/chat/completions", json=chat_body("[[fake:nope]]"), timeout=5)
    assert response.status_code == 400
    assert "nope" in response.json()["error"]["message"]


def test_marker_in_content_parts(fake_openai: FakeOpenAI) -> None:
    fake_openai.register("parts", Script(chunks=["ok"]))
    body = chat_body()
    body["messages"][-1]["content"] = [{"type": "text", "text": "question [[fake:parts]]"}]
    assert contents(read_stream(fake_openai, body)[1]) == ["ok"]


# -- bookkeeping --------------------------------------------------------------------


def test_reset_clears_queue_requests_counters_and_default(fake_openai: FakeOpenAI) -> None:
    fake_openai.set_default(Script(chunks=["custom default"]))
    fake_openai.enqueue(Script(chunks=["queued"]), Script(chunks=["queued too"]))
    fake_openai.register("kept", Script(chunks=["kept"]))
    read_stream(fake_openai, chat_body())
    assert fake_openai.completed == 1

    fake_openai.reset()

    assert fake_openai.requests == []
    assert fake_openai.completed == 0 and fake_openai.closed_early == 0
    assert contents(read_stream(fake_openai, chat_body())[1]) == default_answer(QUESTION)
    # Registered scripts survive a plain reset, not reset(registered=True).
    assert contents(read_stream(fake_openai, chat_body("[[fake:kept]]"))[1]) == ["kept"]
    fake_openai.reset(registered=True)
    assert httpx.post(f"{fake_openai.base_url}/chat/completions", json=chat_body("[[fake:kept]]")).status_code == 400


def test_wait_for_requests_times_out_with_a_clear_error(fake_openai: FakeOpenAI) -> None:
    with pytest.raises(TimeoutError, match="1 request"):
        fake_openai.wait_for_requests(1, timeout=0.05)


def test_wait_for_requests_wakes_on_a_request_from_another_thread(fake_openai: FakeOpenAI) -> None:
    thread = threading.Thread(target=read_stream, args=(fake_openai, chat_body()))
    thread.start()
    fake_openai.wait_for_requests(1)
    thread.join(timeout=10)
    assert fake_openai.requests[0]["messages"][-1]["content"] == QUESTION


def test_start_stop_and_context_manager() -> None:
    with FakeOpenAI() as fake:
        port = fake.port
        assert fake.base_url == f"http://127.0.0.1:{port}/v1"
        assert httpx.get(f"{fake.base_url}/models", timeout=5).status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=5)
    with pytest.raises(RuntimeError):
        fake.base_url  # noqa: B018 - the property raises when stopped


def test_stop_ends_streams_still_in_progress() -> None:
    gate = threading.Event()
    fake = FakeOpenAI().start()
    fake.enqueue(Script(chunks=["a", "b"], gate=gate, gate_after=1))
    url = f"{fake.base_url}/chat/completions"
    with pytest.raises(httpx.RemoteProtocolError), httpx.stream("POST", url, json=chat_body(), timeout=5) as response:
        for data in sse_data(response.iter_lines()):
            if contents([data]) == ["a"]:
                fake.stop()  # must not hang on the held stream
