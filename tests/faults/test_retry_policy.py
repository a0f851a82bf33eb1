"""The retry policy's decisions, one by one (services/ai/retry.py)."""

from __future__ import annotations

from email.utils import formatdate
from time import time

import httpx
import openai
import pytest

from finucity.services.ai.provider import ProviderError
from finucity.services.ai.retry import RetryPolicy, retry_after

POLICY = RetryPolicy(max_retries=3, backoff_s=0.5, max_wait_s=20)


def _status_error(status: int, **headers: str) -> ProviderError:
    request = httpx.Request("POST", "http://ai.invalid/v1/chat/completions")
    response = httpx.Response(status, headers=headers, request=request)
    cls = {401: openai.AuthenticationError, 429: openai.RateLimitError}.get(status, openai.APIStatusError)
    error = ProviderError("shown to the user", code="x")
    error.__cause__ = cls("upstream text", response=response, body=None)
    return error


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "100", "retry-after": "9"}, 0.1),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_from_either_header(headers, expected):
    assert retry_after(_status_error(429, **headers)) == expected


def test_retry_after_as_an_http_date():
    waited = retry_after(_status_error(503, **{"retry-after": formatdate(time() + 30, usegmt=True)}))
    assert waited is not None and 25 <= waited <= 31


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_busy_and_server_errors_are_retried_with_growing_waits(status):
    waits = [POLICY.delay(_status_error(status), n) for n in range(3)]
    assert all(w is not None for w in waits)
    assert 0.25 <= waits[0] <= 0.5 and 0.5 <= waits[1] <= 1.0 and 1.0 <= waits[2] <= 2.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_errors_a_retry_cannot_fix_are_not_retried(status):
    assert POLICY.delay(_status_error(status), 0) is None


def test_retries_are_bounded():
    assert POLICY.delay(_status_error(503), 2) is not None
    assert POLICY.delay(_status_error(503), 3) is None
    assert RetryPolicy(max_retries=0).delay(_status_error(503), 0) is None


def test_the_service_asked_wait_wins_but_a_long_one_means_give_up_now():
    assert POLICY.delay(_status_error(429, **{"retry-after": "7"}), 0) == 7.0
    assert POLICY.delay(_status_error(429, **{"retry-after": "60"}), 0) is None


@pytest.mark.parametrize(
    ("code", "retried"), [("connection", True), ("timeout", True), ("empty", False), ("auth", False)]
)
def test_transport_failures_without_a_status_are_retried(code, retried):
    assert (POLICY.delay(ProviderError("x", code=code), 0) is not None) is retried
