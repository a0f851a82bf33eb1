"""The answer cache: a question that starts a conversation, answered by the model once.

Only what cannot leak or mislead is cached:

* Only a question that starts a new conversation: its prompt is the system
  prompt and the question, nothing else (`key_for` refuses any other prompt).
  No earlier turn of anyone's conversation is in it, so its answer carries
  nothing of one user to another, and a follow-up ("and under the old
  regime?") is never answered out of its context.
* The key is a hash of the normalised question (case, spacing, punctuation),
  the category, the model and the prompt version, a hash of the system prompt
  text. That text holds the category's focus and today's date and financial
  year, so a changed prompt, or a new day, never hits an older answer.
* Only complete, non-empty answers of a real model are stored (the
  generation calls `store` after saving one as complete); failed, stopped and
  partial answers never are, and the offline assistant is never cached.
  Regenerate and edits always ask the model and store nothing: they exist to
  get another answer.

A hit is answered by `Replay`, a provider that streams the stored text at
once through the same generation path as any answer; the message is marked
`cached`, and no tokens are counted for it (nothing was spent, so the daily
quota is not used either).

Backends: Redis (`SET ... EX`) when REDIS_URL is set, shared by every worker;
else a bounded dict in this process. Every entry also carries its expiry time
read from `clock`, so tests move time instead of sleeping. Redis failing is a
miss, with a warning at most once a minute (never a question or an answer in
a log line), never a failed answer.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import json
import logging
import math
import time
import unicodedata
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from finucity.config import get_settings
from finucity.models import Category, MessageRole
from finucity.services.ai.provider import ChatProvider, Usage
from finucity.telemetry import metrics
from finucity.telemetry.logs import ThrottledWarning

log = logging.getLogger(__name__)

KEY_PREFIX = "finucity:answer-cache:v1:"
# Entries kept in memory when there is no Redis (the oldest go first).
MEMORY_ENTRIES = 500
# Seconds between two "Redis is down" warnings.
_redis_down = ThrottledWarning(log)

# Wall-clock seconds; tests replace it to expire entries without waiting.
clock: Callable[[], float] = time.time


# --- the key ---------------------------------------------------------------------------------


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def normalise(question: str) -> str:
    """The question as the key sees it: "What is 80C?" and " what  is 80c " are one.

    Punctuation becomes a space, except between two digits: 1.5 and 15, or
    12,50,000 and 125 000, are different questions, 2024-25 is one year.
    """
    text = unicodedata.normalize("NFKC", question).casefold()
    kept = []
    for i, char in enumerate(text):
        if _is_punctuation(char):
            between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            kept.append(char if between_digits else " ")
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def prompt_version(system_prompt: str) -> str:
    return hashlib.sha256(system_prompt.encode()).hexdigest()[:16]


def key_for(prompt: list[dict], *, category: Category, provider: ChatProvider) -> str | None:
    """The cache key of a prompt, or None when its answer must not be cached.

    Cacheable: the cache is on, a real model answers, and the prompt is the
    system prompt and one question, nothing earlier.
    """
    settings = get_settings()
    if not settings.answer_cache_enabled or provider.offline:
        return None
    if len(prompt) != 2 or prompt[0]["role"] != "system" or prompt[1]["role"] != MessageRole.user.value:
        return None
    parts = [normalise(prompt[1]["content"]), category.value, provider.model, prompt_version(prompt[0]["content"])]
    return KEY_PREFIX + hashlib.sha256(json.dumps(parts).encode()).hexdigest()


# --- the stores ------------------------------------------------------------------------------


class Store(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def put(self, key: str, value: str, ttl_s: int) -> None: ...


class MemoryStore:
    """This process's entries, at most `size`, the oldest dropped first."""

    def __init__(self, size: int = MEMORY_ENTRIES) -> None:
        self.size = size
        self._entries: collections.OrderedDict[str, str] = collections.OrderedDict()

    async def get(self, key: str) -> str | None:
        return self._entries.get(key)

    async def put(self, key: str, value: str, ttl_s: int) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis.asyncio as aioredis

        self.url = url
        # Short timeouts: a Redis that hangs must not hold up an answer.
        self.redis = aioredis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=1, socket_timeout=1)

    async def get(self, key: str) -> str | None:
        return await self.redis.get(key)

    async def put(self, key: str, value: str, ttl_s: int) -> None:
        await self.redis.set(key, value, ex=ttl_s)


_memory = MemoryStore()
# One Redis client per event loop: a connection belongs to the loop that opened it.
_redis_stores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RedisStore] = weakref.WeakKeyDictionary()


def _store() -> Store:
    url = get_settings().redis_url
    if not url:
        return _memory
    loop = asyncio.get_running_loop()
    store = _redis_stores.get(loop)
    if store is None or store.url != url:
        store = _redis_stores[loop] = RedisStore(url)
    return store


async def close() -> None:
    """Server stopping: close this loop's Redis client."""
    with contextlib.suppress(RuntimeError):
        store = _redis_stores.pop(asyncio.get_running_loop(), None)
        if store is not None:
            await store.redis.aclose()


def reset() -> None:
    """Forget every entry in memory (tests; Redis entries expire on their own)."""
    _memory.clear()
    _redis_down.reset()


def _bypass(exc: Exception, doing: str) -> None:
    metrics.dependency_errors.labels("redis").inc()
    _redis_down.warn("Answer cache: Redis unreachable while %s (%s); answering without it", doing, type(exc).__name__)


# --- reading and writing ---------------------------------------------------------------------


async def lookup(key: str) -> str | None:
    """The cached answer for `key`, or None (a miss, or the cache is unreachable)."""
    try:
        raw = await _store().get(key)
    except Exception as exc:  # noqa: BLE001 (redis and socket errors alike: answer without the cache)
        _bypass(exc, "reading")
        metrics.cache_requests.labels("error").inc()
        return None
    text = None
    if raw is not None:
        with contextlib.suppress(ValueError, TypeError, KeyError):
            entry = json.loads(raw)
            if entry["expires"] > clock() and entry["text"].strip():
                text = entry["text"]
    metrics.cache_requests.labels("miss" if text is None else "hit").inc()
    return text


async def store(key: str, text: str) -> None:
    """Keep a complete answer for ANSWER_CACHE_TTL_S seconds. Never raises."""
    if not text.strip():
        return
    ttl_s = get_settings().answer_cache_ttl_s
    value = json.dumps({"text": text, "expires": clock() + ttl_s})
    try:
        await _store().put(key, value, math.ceil(ttl_s))
    except Exception as exc:  # noqa: BLE001
        _bypass(exc, "storing")


class Replay:
    """A provider that streams a cached answer at once, spending no tokens."""

    offline = False

    def __init__(self, text: str, *, model: str) -> None:
        self.text = text
        self.model = model

    async def stream(
        self, messages: list[dict], *, max_tokens: int, temperature: float, usage: Usage
    ) -> AsyncIterator[str]:
        usage.tokens_in = usage.tokens_out = 0
        yield self.text
