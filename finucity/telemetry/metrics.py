"""The Prometheus metrics of Finucity Chat, and their text for `/metrics`.

Names and labels are few and bounded: routes are templates, never paths with
ids; handlers are event names; models and statuses come from our own lists.

Several workers: set `PROMETHEUS_MULTIPROC_DIR` to an empty directory shared
by the workers before they start (`make run-prod` does), and each worker
writes its samples there; `/metrics` on any worker then reports all of them
(prometheus-client's multiprocess mode). Without it, a process reports itself.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

_PREFIX = "finucity"
# Seconds: from a cache hit (ms) to a slow model's first token or a long answer.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
_TOKEN_BUCKETS = (16, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384)

http_requests = Counter(
    f"{_PREFIX}_http_requests", "HTTP requests answered, by route template and status.", ["method", "route", "status"]
)
http_latency = Histogram(
    f"{_PREFIX}_http_request_duration_seconds",
    "Time from a request to its response headers.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
ws_events = Counter(f"{_PREFIX}_websocket_events", "Websocket events received, by handler.", ["handler"])
active_streams = Gauge(f"{_PREFIX}_active_streams", "Answers being generated now.", multiprocess_mode="livesum")
first_token = Histogram(
    f"{_PREFIX}_time_to_first_token_seconds",
    "Time from the question to the first text of its answer.",
    ["model"],
    buckets=_LATENCY_BUCKETS,
)
answer_tokens = Histogram(
    f"{_PREFIX}_answer_tokens", "Completion tokens per answer.", ["model"], buckets=_TOKEN_BUCKETS
)
answers = Counter(f"{_PREFIX}_answers", "Answers by how they ended.", ["model", "status"])
cache_requests = Counter(f"{_PREFIX}_answer_cache_requests", "Answer cache lookups.", ["result"])
rate_limited = Counter(f"{_PREFIX}_rate_limit_rejections", "Requests refused by a limit.", ["limit"])
sign_in_failures = Counter(f"{_PREFIX}_sign_in_failures", "Sign-ins refused.", ["reason"])
dependency_errors = Counter(f"{_PREFIX}_dependency_errors", "Errors talking to the database or Redis.", ["dependency"])


def exposition() -> tuple[bytes, str]:
    """The metrics text of this process, or of every worker in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def stream_started() -> None:
    active_streams.inc()


def stream_finished(*, model: str, status: str, first_token_s: float | None, tokens_out: int | None) -> None:
    """One answer ended (complete, stopped or failed): the same facts the admin overview counts."""
    active_streams.dec()
    answers.labels(model, status).inc()
    if first_token_s is not None:
        first_token.labels(model).observe(first_token_s)
    if tokens_out is not None:
        answer_tokens.labels(model).observe(tokens_out)
