"""What the rest of the app knows about an AI provider: a stream of text.

A provider turns chat messages into an async stream of text pieces. Closing
the stream (or cancelling the task reading it) must end the upstream request.
Failures surface as `ProviderError`, whose message is safe to show a user;
the technical cause goes to the log, never to the screen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Protocol


class ProviderError(Exception):
    def __init__(self, user_message: str, *, code: str = "provider_error"):
        super().__init__(user_message)
        self.user_message = user_message
        self.code = code


EMPTY_ANSWER = ProviderError("The assistant returned an empty answer. Please try again.", code="empty")


@dataclasses.dataclass
class Usage:
    """Filled in by the provider as the stream goes, when it reports usage."""

    tokens_in: int | None = None
    tokens_out: int | None = None


class ChatProvider(Protocol):
    #: What is stored in `messages.model` and shown as the answer's source.
    model: str
    #: True for the built-in offline assistant.
    offline: bool

    def stream(
        self, messages: list[dict], *, max_tokens: int, temperature: float, usage: Usage
    ) -> AsyncIterator[str]: ...
