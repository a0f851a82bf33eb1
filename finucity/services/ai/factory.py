"""Which provider answers: a model when a key is set, else the offline assistant.

Kept apart from `provider.py`, which only says what a provider is: the
providers import that protocol, and this module imports the providers.
"""

from __future__ import annotations

import functools

from finucity.config import get_settings
from finucity.services.ai.offline import OfflineProvider
from finucity.services.ai.openai_provider import OpenAIProvider
from finucity.services.ai.provider import ChatProvider


@functools.lru_cache(maxsize=1)
def get_provider() -> ChatProvider:
    """The configured provider, built once per process (until `reset_provider`)."""
    settings = get_settings()
    if settings.offline_mode:
        return OfflineProvider()
    return OpenAIProvider(settings)


def reset_provider() -> None:
    """Forget the built provider, so the next call reads the settings again."""
    get_provider.cache_clear()
